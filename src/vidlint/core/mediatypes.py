"""What a file's first bytes announce: the one table of magic bytes, read for the MIME type
of an upload (and by the fake API) and for the Pillow format the probe opens an image as."""

from __future__ import annotations

# (offset, signature, MIME type, Pillow format id for an image Pillow opens)
SIGNATURES: tuple[tuple[int, bytes, str, str | None], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (0, b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (0, b"GIF87a", "image/gif", "GIF"),
    (0, b"GIF89a", "image/gif", "GIF"),
    (0, b"BM", "image/bmp", "BMP"),
    (0, b"II*\x00", "image/tiff", "TIFF"),
    (0, b"MM\x00*", "image/tiff", "TIFF"),
    (0, b"ID3", "audio/mpeg", None),
    (0, b"\xff\xfb", "audio/mpeg", None),
    (0, b"\xff\xf3", "audio/mpeg", None),
    (0, b"\xff\xf2", "audio/mpeg", None),
)


def sniff_mime(head: bytes) -> str | None:
    """MIME type from the first 16 bytes, or None when they are not a known media signature."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"heim", b"heis"):
            return "image/heic"
        if brand in (b"mif1", b"msf1"):
            return "image/heif"
        return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
    for offset, signature, mime, _ in SIGNATURES:
        if head[offset:offset + len(signature)] == signature:
            return mime
    return None
