"""Image probing: Pillow reads the header only (``Image.open`` without ``load()``)."""

from __future__ import annotations

import re
import warnings
from typing import BinaryIO

from vidlint.probe.model import MediaProbe
from vidlint.probe.sniff import image_looks_truncated, parse_webp_header
from vidlint.core.wording import number

# Pillow format id -> vidlint's short name.
_FORMAT_NAMES = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "BMP": "bmp", "DIB": "bmp",
                 "WEBP": "webp", "GIF": "gif", "TIFF": "tiff"}
_ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La", "I;16A"}
# EXIF Orientation values that turn the picture a quarter turn (5..8) and by how much.
_EXIF_ROTATION = {3: 180, 5: 90, 6: 90, 7: 270, 8: 270}
_EXIF_ORIENTATION_TAG = 0x0112

TAIL_BYTES = 65536


def format_name(pillow_format: str | None) -> str | None:
    if pillow_format is None:
        return None
    return _FORMAT_NAMES.get(pillow_format, pillow_format.lower())


def probe_image(stream: BinaryIO, size: int, pillow_format: str | None, head: bytes) -> MediaProbe:
    """Probe an image whose signature was sniffed as ``pillow_format`` (None: let Pillow try)."""
    probe = MediaProbe(kind="image", format=format_name(pillow_format), size=size)
    if pillow_format == "WEBP":
        _probe_webp(probe, head)
    else:
        _probe_with_pillow(probe, stream, pillow_format)
    if probe.error is None and pillow_format is not None:
        stream.seek(max(0, size - TAIL_BYTES))
        tail = stream.read(TAIL_BYTES)
        if image_looks_truncated(pillow_format, head, tail, size):
            probe.truncated = True
    return probe


def _probe_webp(probe: MediaProbe, head: bytes) -> None:
    try:
        header = parse_webp_header(head)
    except ValueError as exc:
        probe.fail("corrupt", str(exc))
        return
    probe.codec = header.codec
    probe.set_stored_size(header.width, header.height)
    probe.has_alpha = header.has_alpha
    probe.alpha_source = "alpha channel" if header.has_alpha else None
    if header.animated:
        probe.notes.append("animated WebP")


def _probe_with_pillow(probe: MediaProbe, stream: BinaryIO, pillow_format: str | None) -> None:
    from PIL import Image, UnidentifiedImageError

    stream.seek(0)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", Image.DecompressionBombWarning)
            image = Image.open(stream, formats=[pillow_format] if pillow_format else None)
    except Image.DecompressionBombError as exc:
        _record_bomb(probe, stream, pillow_format, str(exc))
        return
    except UnidentifiedImageError:
        probe.kind = "unknown" if pillow_format is None else "image"
        probe.fail("corrupt", "not a readable image" if pillow_format is None
                   else f"corrupt {probe.format} file: Pillow cannot read its header")
        return
    except OSError as exc:
        if exc.errno is not None:  # the stream itself failed: not a fact about the image
            raise
        probe.fail("corrupt", f"corrupt {probe.format or 'image'} file: {_one_line(exc)}")
        return
    except Exception as exc:  # Pillow raises many types (SyntaxError, struct.error...) on bad headers
        probe.fail("corrupt", f"corrupt {probe.format or 'image'} file: {_one_line(exc)}")
        return
    for warning in caught:
        if issubclass(warning.category, Image.DecompressionBombWarning):
            probe.notes.append(f"decompression bomb warning: {_one_line(warning.message)}")
    _describe(probe, image)


def _describe(probe: MediaProbe, image: "Image.Image", decode_alpha: bool = True) -> None:  # type: ignore[name-defined]  # noqa: F821
    probe.format = format_name(image.format)
    width, height = image.size
    rotation = 0
    if image.format in ("JPEG", "MPO", "TIFF", "WEBP", "PNG"):
        try:
            orientation = _exif_orientation(image)
        except Exception:  # a broken EXIF block is not a reason to reject the picture
            orientation = None
        rotation = _EXIF_ROTATION.get(orientation, 0) if isinstance(orientation, int) else 0
    probe.set_stored_size(width, height, rotation)
    if image.mode in _ALPHA_MODES:
        transparent = _first_transparent_row(image, probe) if decode_alpha else None
        probe.has_alpha = transparent is not False
        probe.alpha_source = f"alpha channel ({image.mode})" + (
            "" if transparent is None else f", first transparent pixel in row {transparent + 1}" if transparent is not False
            else ", every pixel opaque")
    elif "transparency" in image.info:
        probe.has_alpha = True
        probe.alpha_source = "tRNS chunk" if image.format == "PNG" else "transparent colour"
    else:
        probe.has_alpha = False
    probe.codec = image.info.get("compression") if image.format == "TIFF" else None
    frames = getattr(image, "n_frames", 1)
    if isinstance(frames, int) and frames > 1:
        probe.notes.append(f"{frames} frames")


def _exif_orientation(image: "Image.Image") -> object:  # type: ignore[name-defined]  # noqa: F821
    if image.format != "PNG":
        return image.getexif().get(_EXIF_ORIENTATION_TAG)
    # PngImageFile.getexif() decodes the whole image to look for an eXIf chunk after the pixels,
    # which reads (over --online: downloads) the entire file. The PNG spec puts eXIf before IDAT,
    # where Image.open has already collected it, so only that one is read.
    from PIL import Image

    raw = image.info.get("exif")
    if not raw:
        return None
    exif = Image.Exif()
    exif.load(raw)
    return exif.get(_EXIF_ORIENTATION_TAG)


def _record_bomb(probe: MediaProbe, stream: BinaryIO, pillow_format: str | None, message: str) -> None:
    """Keep the declared size of an image too large to open safely, without decoding it.

    The plugin class parses the header exactly like ``Image.open`` does; only the bomb guard
    that ``Image.open`` applies afterwards is skipped, and nothing is ever loaded.
    """
    from PIL import Image

    pixels = re.search(r"\((\d+) pixels\)", message)
    probe.notes.append("decompression bomb: the header declares "
                       + (f"{number(int(pixels.group(1)))} pixels" if pixels else "too many pixels")
                       + "; vidlint read the header only")
    Image.init()
    factory = Image.OPEN.get(pillow_format or "")
    if factory is None:
        probe.fail("corrupt", f"image too large to open safely: {_one_line(message)}")
        return
    stream.seek(0)
    try:
        image = factory[0](stream, "")  # (fp, filename): no file name, as Image.open passes for a stream
    except Exception as exc:
        probe.fail("corrupt", f"image too large to open safely: {_one_line(exc)}")
        return
    _describe(probe, image, decode_alpha=False)  # never decode a bomb: its alpha channel counts as transparent


ALPHA_BAND_ROWS = 64


def _first_transparent_row(image: "Image.Image", probe: MediaProbe) -> int | bool | None:  # type: ignore[name-defined]  # noqa: F821
    """The 0-based row of the first pixel whose alpha is below 255; False when every pixel is
    opaque; None when the pixels cannot be decoded (the alpha channel then counts as
    transparency, as its mode declares).

    An RGBA or LA image is only transparent where an alpha value says so: a PNG exported with
    an alpha channel that is opaque everywhere is an opaque picture. Decoding is bounded by
    Pillow's decompression-bomb guard (an image past its warning size is not decoded) and the
    alpha values are read in bands of rows, stopping at the first transparent one.
    """
    if any(note.startswith("decompression bomb") for note in probe.notes):
        return None
    try:
        image.load()
        alpha = image.getchannel("A")
    except Exception:  # a broken pixel stream: the truncation check and the server will say so
        return None
    width, height = alpha.size
    for top in range(0, height, ALPHA_BAND_ROWS):
        band = alpha.crop((0, top, width, min(height, top + ALPHA_BAND_ROWS)))
        low, _ = band.getextrema()
        if low < 255:
            rows = band.size[1]
            return top + next(y for y in range(rows) if band.crop((0, y, width, y + 1)).getextrema()[0] < 255)
    return False


def _one_line(exc: object) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
