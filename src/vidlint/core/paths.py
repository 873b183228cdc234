"""Files and folders: read a small file (configuration, baseline, request) or fail with a
one-line reason; replace one atomically (caches, baselines); the cache folder; a file lock."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator


def read_text(path: Path, shown: str, error: type[Exception], missing: str = "no such file",
              encoding: str = "utf-8-sig") -> str:
    """The file's text; ``error(f"{shown}: <reason>")`` when it is missing or unreadable."""
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise error(f"{shown}: {missing}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{shown}: cannot read it: {getattr(exc, 'strerror', None) or exc}") from None


def replace_file(target: str | os.PathLike[str], data: bytes, prefix: str = ".tmp-", mode: int | None = None) -> None:
    """Write ``data`` to a private temporary file next to ``target``, then swap it into place:
    readers, and other processes replacing the same file, see one whole version or the other,
    never a mix. ``mode``: the permissions to give it (default private, 0600). Raises OSError;
    no temporary file is left behind."""
    import tempfile

    fd, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=os.path.dirname(os.fspath(target)) or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def create_new(target: str | os.PathLike[str], data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to a file that must not exist yet (FileExistsError otherwise): an existing
    file is never overwritten, and a symlink planted at ``target`` is not followed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(target, flags, mode), "wb") as handle:
        handle.write(data)


CACHE_ENV = "VIDLINT_CACHE_DIR"


def cache_folder(*parts: str) -> Path:
    """vidlint's cache folder (``VIDLINT_CACHE_DIR``, else the platform's user cache folder), or
    a folder inside it (``cache_folder("remote")``): the one place the location is decided."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override, *parts)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("vidlint"), *parts)


@contextlib.contextmanager
def locked(fd: int) -> Iterator[None]:
    """Hold an exclusive lock on the open file ``fd`` across processes (``flock``; no lock where
    the platform has none). The caller opens the lock file as its folder requires."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
