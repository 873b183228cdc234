"""The fake API's result video: a real MP4 of the requested duration and output size, made in
pure Python (Pillow draws one JPEG frame; the MP4 boxes are written here), so the fake needs
no ffmpeg. The track is Motion-JPEG in MP4 (``mp4v`` with object type 0x6C) at one frame per
second: every sample is a key frame that any player, MediaInfo and ffprobe decode.
"""

from __future__ import annotations

import io
import struct
from functools import lru_cache

# Output size by quality x aspect_ratio (the vendor's documented sizes).
OUTPUT_SIZES: dict[str, dict[str, tuple[int, int]]] = {
    "720p": {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (960, 960), "4:3": (1104, 832), "3:4": (832, 1104)},
    "1080p": {"16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1440, 1440), "4:3": (1648, 1248),
              "3:4": (1248, 1648)},
}
DEFAULT_QUALITY = "720p"
DEFAULT_RATIO = "16:9"
DEFAULT_DURATION = 5
TIMESCALE = 1000


def output_size(request: dict) -> tuple[int, int]:  # type: ignore[type-arg]
    quality = request.get("quality") if request.get("quality") in OUTPUT_SIZES else DEFAULT_QUALITY
    sizes = OUTPUT_SIZES[str(quality)]
    ratio = request.get("aspect_ratio") if request.get("aspect_ratio") in sizes else DEFAULT_RATIO
    return sizes[str(ratio)]


def output_duration(request: dict) -> float:  # type: ignore[type-arg]
    value = request.get("duration", DEFAULT_DURATION)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 600
    return float(value) if ok else float(DEFAULT_DURATION)


def _box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I", 8 + len(body)) + kind + body


def _full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *payload)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def _descriptor(tag: int, payload: bytes) -> bytes:
    return bytes([tag, len(payload)]) + payload


@lru_cache(maxsize=16)
def _frame(width: int, height: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (40, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=(230, 180, 60))
    draw.text((16, 16), f"fake evolink {width}x{height}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=40)
    return out.getvalue()


def render_mp4(width: int, height: int, seconds: float) -> bytes:
    """A playable MP4 of ``width`` x ``height`` lasting ``seconds`` (one JPEG key frame a second)."""
    frame = _frame(width, height)
    total = round(seconds * TIMESCALE)
    count = max(1, -(-total // TIMESCALE))  # one sample per started second
    deltas = [TIMESCALE] * (count - 1) + [total - TIMESCALE * (count - 1)]
    stts_entries = [(count - 1, TIMESCALE)] if count > 1 else []
    stts_entries.append((1, deltas[-1]))

    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 512), b"isom", b"iso2", b"mp41")
    es = _descriptor(3, struct.pack(">HB", 1, 0)
                     + _descriptor(4, bytes([0x6C, 0x11]) + len(frame).to_bytes(3, "big")
                                   + struct.pack(">II", len(frame) * 8, len(frame) * 8))
                     + _descriptor(6, b"\x02"))
    sample_entry = _box(b"mp4v", b"\0" * 6, struct.pack(">H", 1), b"\0" * 16,
                        struct.pack(">HHIIIH", width, height, 0x480000, 0x480000, 0, 1), b"\0" * 32,
                        struct.pack(">Hh", 0x18, -1), _full_box(b"esds", 0, 0, es))

    def moov(mdat_offset: int) -> bytes:
        stbl = _box(b"stbl",
                    _full_box(b"stsd", 0, 0, struct.pack(">I", 1), sample_entry),
                    _full_box(b"stts", 0, 0, struct.pack(">I", len(stts_entries)),
                              *(struct.pack(">II", n, d) for n, d in stts_entries)),
                    _full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, count, 1)),
                    _full_box(b"stsz", 0, 0, struct.pack(">II", len(frame), count)),
                    _full_box(b"stco", 0, 0, struct.pack(">II", 1, mdat_offset)))
        minf = _box(b"minf", _full_box(b"vmhd", 0, 1, b"\0" * 8),
                    _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1), _full_box(b"url ", 0, 1))),
                    stbl)
        mdia = _box(b"mdia",
                    _full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, TIMESCALE, total, 0x55C4, 0)),
                    _full_box(b"hdlr", 0, 0, struct.pack(">I", 0), b"vide", b"\0" * 12, b"VideoHandler\0"),
                    minf)
        tkhd = _full_box(b"tkhd", 0, 3, struct.pack(">IIIII", 0, 0, 1, 0, total), b"\0" * 8,
                         struct.pack(">hhhH", 0, 0, 0, 0), _MATRIX, struct.pack(">II", width << 16, height << 16))
        mvhd = _full_box(b"mvhd", 0, 0, struct.pack(">IIIIIH", 0, 0, TIMESCALE, total, 0x10000, 0x100),
                         b"\0" * 10, _MATRIX, b"\0" * 24, struct.pack(">I", 2))
        return _box(b"moov", mvhd, _box(b"trak", tkhd, mdia))

    head = ftyp + moov(0)
    data_offset = len(head) + 8  # the mdat header
    return ftyp + moov(data_offset) + _box(b"mdat", frame * count)
