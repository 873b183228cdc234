"""Entry points: probe a path (safely) or any seekable binary stream."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from vidlint.probe.model import STATS, MediaProbe, ProbeStats  # noqa: F401 - (the counts' home)
from vidlint.probe.sniff import sniff_image

# Bump whenever a probe's output for the same bytes can change; old cache entries are ignored.
# 2: alpha decided by the alpha values; cache keys with ctime and inode; 3: fps, audio_codec,
# HEIC/HEIF stills; 4: documents (pdf, office, iWork, text) and a PDF's pages
PROBE_VERSION = 4
HEAD_BYTES = 4096




def probe_stream(stream: BinaryIO, size: int | None = None, name: str | None = None) -> MediaProbe:
    """Probe a seekable binary file-like object from its bytes (``name`` is only for messages).

    Never raises for bad media: the returned probe carries ``error`` instead.
    """
    STATS.performed += 1
    try:
        if size is None:
            stream.seek(0, os.SEEK_END)
            size = stream.tell()
        if size == 0:
            return MediaProbe(size=0).fail("empty", "the file is empty")
        stream.seek(0)
        head = stream.read(HEAD_BYTES)
        return _probe_bytes(stream, size, head, name)
    except OSError as exc:
        return MediaProbe(size=size).fail("unreadable", f"cannot read{' ' + name if name else ''}: {_os_reason(exc)}")


def _probe_bytes(stream: BinaryIO, size: int, head: bytes, name: str | None) -> MediaProbe:
    from vidlint.probe.av import STILL_CONTAINERS, probe_av
    from vidlint.probe.document import probe_document, sniff_document
    from vidlint.probe.image import probe_image

    if sniff_document(head, name):
        return probe_document(stream, size, head, name)
    pillow_format = sniff_image(head)
    if pillow_format is not None:
        return probe_image(stream, size, pillow_format, head)
    probe = probe_av(stream, size)
    if probe.kind == "image" and probe.format in STILL_CONTAINERS and probe.width and probe.height:
        return probe
    if probe.kind == "image" or (probe.kind == "unknown" and probe.format is None):
        # formats MediaInfo knows only as pictures, or nothing at all: Pillow knows more images
        by_pillow = probe_image(stream, size, None, head)
        if by_pillow.error is None:
            return by_pillow
        if probe.kind == "image":
            probe.fail("corrupt", by_pillow.error or "unreadable image")
    return probe


def probe_path(path: str | os.PathLike[str]) -> MediaProbe:
    """Probe a local file without following it into FIFOs, devices or directories."""
    target = Path(path)
    refusal = refuse_non_regular(target)
    if refusal is not None:
        return refusal
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO after the stat, opening must not hang.
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return MediaProbe().fail("unreadable", f"cannot open {target}: {_os_reason(exc)}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return MediaProbe().fail("not_file", f"{target} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return probe_stream(stream, st.st_size, str(target))
    finally:
        os.close(fd)


def refuse_non_regular(path: Path) -> MediaProbe | None:
    """A probe carrying the reason ``path`` cannot be probed, or None when it is a regular file."""
    try:
        st = os.stat(path)
    except ValueError:  # an embedded NUL byte: no such path can exist
        return MediaProbe().fail("missing", f"{path!r} is not a usable file name (it contains a NUL byte)")
    except FileNotFoundError:
        return MediaProbe().fail("missing", f"{path} does not exist")
    except OSError as exc:
        return MediaProbe().fail("unreadable", f"cannot stat {path}: {_os_reason(exc)}")
    if stat.S_ISDIR(st.st_mode):
        return MediaProbe().fail("not_file", f"{path} is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        return MediaProbe().fail("not_file", f"{path} is not a regular file ({_file_type(st.st_mode)})")
    return None


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_reason(exc: OSError) -> str:
    if exc.errno is not None and exc.errno in errno.errorcode:
        return os.strerror(exc.errno).lower()
    return " ".join(str(exc).split())
