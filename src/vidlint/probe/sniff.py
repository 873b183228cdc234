"""Magic-byte sniffing (the table is ``vidlint.core.mediatypes.SIGNATURES``) and small header
parsers that need no third-party library."""

from __future__ import annotations

import struct

from vidlint.core.mediatypes import SIGNATURES
from vidlint.core.records import Record


def sniff_image(head: bytes) -> str | None:
    """The Pillow format id of an image signature at the start of ``head``, else None."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    for offset, magic, _, name in SIGNATURES:
        if name is not None and head[offset:offset + len(magic)] == magic:
            if name == "BMP" and len(head) >= 18 and not _plausible_bmp(head):
                continue
            return name
    return None


def _plausible_bmp(head: bytes) -> bool:
    # "BM" alone is too weak a signature; the DIB header size must be a known one.
    (dib_size,) = struct.unpack_from("<I", head, 14)
    return dib_size in (12, 16, 40, 52, 56, 64, 108, 124)


class WebPHeader(Record):
    """Size and alpha of a WebP file from its first chunk (Pillow decodes the whole file to
    open a WebP, which is exactly what a header probe must not do)."""

    width: int
    height: int
    codec: str
    has_alpha: bool
    animated: bool
    riff_size: int


def parse_webp_header(head: bytes) -> WebPHeader:
    """Parse the RIFF/WEBP header; ``head`` must hold at least the first 30 bytes."""
    if len(head) < 30 or head[:4] != b"RIFF" or head[8:12] != b"WEBP":
        raise ValueError("not a WebP file (RIFF/WEBP header missing or cut short)")
    (riff_size,) = struct.unpack_from("<I", head, 4)
    chunk = head[12:16]
    data = head[20:]
    if chunk == b"VP8X":
        flags = data[0]
        width = 1 + int.from_bytes(data[4:7], "little")
        height = 1 + int.from_bytes(data[7:10], "little")
        return WebPHeader(width, height, "vp8x", bool(flags & 0x10), bool(flags & 0x02), riff_size)
    if chunk == b"VP8 ":
        if data[3:6] != b"\x9d\x01\x2a":
            raise ValueError("corrupt WebP: VP8 start code missing")
        width, height = struct.unpack_from("<HH", data, 6)
        return WebPHeader(width & 0x3FFF, height & 0x3FFF, "vp8", False, False, riff_size)
    if chunk == b"VP8L":
        if data[0] != 0x2F:
            raise ValueError("corrupt WebP: VP8L signature missing")
        (bits,) = struct.unpack_from("<I", data, 1)
        width = 1 + (bits & 0x3FFF)
        height = 1 + ((bits >> 14) & 0x3FFF)
        return WebPHeader(width, height, "vp8l", bool((bits >> 28) & 1), False, riff_size)
    raise ValueError(f"corrupt WebP: unknown first chunk {chunk!r}")


def image_looks_truncated(pillow_format: str, head: bytes, tail: bytes, size: int) -> bool:
    """True when the file visibly ends before its format's end marker.

    Only checks that need the first and last few kilobytes, so it stays cheap for remote
    files; formats without a reliable end marker (TIFF) are never reported.
    """
    if pillow_format == "PNG":
        return b"IEND\xaeB`\x82" not in tail
    if pillow_format in ("JPEG", "MPO"):
        return b"\xff\xd9" not in tail
    if pillow_format == "GIF":
        return b";" not in tail[-16:]
    if pillow_format == "WEBP":
        (riff_size,) = struct.unpack_from("<I", head, 4)
        return riff_size + 8 > size
    if pillow_format == "BMP" and len(head) >= 6:
        (declared,) = struct.unpack_from("<I", head, 2)
        return declared > size
    return False
