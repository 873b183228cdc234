"""Builders for media files the committed fixtures cannot hold: sparse oversized files with
real headers, Pillow-made images, truncated and corrupt copies."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any, Callable

from conftest import FIXTURES

MEDIA = FIXTURES / "media"
MB = 1024 * 1024


def sparse_jpeg(path: Path, total: int) -> Path:
    """A real JPEG followed by a hole and a final end-of-image marker, ``total`` bytes long."""
    data = (MEDIA / "ok.jpg").read_bytes()
    with open(path, "wb") as out:
        out.write(data)
        out.seek(total - 2)
        out.write(b"\xff\xd9")
    return path


def sparse_mp4(path: Path, total: int) -> Path:
    """ok.mp4 (moov first) plus a ``free`` box whose body is a hole: a valid mp4 of ``total`` bytes."""
    data = (MEDIA / "ok.mp4").read_bytes()
    with open(path, "wb") as out:
        out.write(data)
        out.write(struct.pack(">I", total - len(data)) + b"free")
        out.truncate(total)
    return path


def sparse_wav(path: Path, total: int) -> Path:
    """ok.wav (2 s) plus a ``JUNK`` chunk whose body is a hole: still 2 s of audio, ``total`` bytes."""
    data = bytearray((MEDIA / "ok.wav").read_bytes())
    data[4:8] = struct.pack("<I", total - 8)
    with open(path, "wb") as out:
        out.write(data)
        out.write(b"JUNK" + struct.pack("<I", total - len(data) - 8))
        out.truncate(total)
    return path


def sparse_mp3(path: Path, total: int) -> Path:
    """ok.mp3 followed by zero bytes up to ``total``."""
    with open(path, "wb") as out:
        out.write((MEDIA / "ok.mp3").read_bytes())
        out.truncate(total)
    return path


def pillow_image(path: Path, size: tuple[int, int], mode: str = "RGB", **save: object) -> Path:
    from PIL import Image

    Image.new(mode, size, color=(90,) * len(mode) if mode != "1" else 1).save(path, **save)
    return path


def png_declaring(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header declares ``width`` x ``height`` (a decompression bomb if huge)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
    return path


def truncated_copy(source: Path, path: Path, keep: int) -> Path:
    path.write_bytes(source.read_bytes()[:keep])
    return path


def check_size_limits(folder: Path, mb: int, maker: str, found: Callable[[str], Any], pointer: str) -> None:
    """A kind's documented "MB" limit: a file over the binary reading is VL607, one between the
    decimal and binary readings VL610, and one of exactly mb x 1,000,000 bytes neither.
    ``maker``: the sparse_* function making the file; ``found(path)``: (code, pointer) pairs."""
    make = globals()[maker]
    suffix = {"sparse_jpeg": ".jpg", "sparse_mp4": ".mp4", "sparse_wav": ".wav"}[maker]
    over = make(folder / f"over{suffix}", mb * 1024 * 1024 + 1)
    between = make(folder / f"between{suffix}", mb * 1000 * 1000 + 1)
    within = make(folder / f"within{suffix}", mb * 1000 * 1000)
    assert ("VL607", pointer) in found(str(over))
    assert ("VL610", pointer) in found(str(between))
    assert not {"VL607", "VL610"} & {code for code, _ in found(str(within))}
