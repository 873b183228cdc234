"""Load: paths on the command line -> request files -> documents with source positions."""

from __future__ import annotations

import errno
import functools
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING
from typing import BinaryIO

from vidlint.core.records import FrozenRecord
from vidlint.load.document import Document, LoadedFile, load_bytes

__all__ = ["Document", "LoadedFile", "Source", "discover", "load_source", "PathError", "UnreadableFile",
           "MAX_REQUEST_FILE_BYTES"]

REQUEST_SUFFIXES = (".json", ".jsonl")
# Files that live in repositories but are never requests; skipped when found by walking a folder.
DEFAULT_EXCLUDES = ("package.json", "package-lock.json", "composer.json", "tsconfig*.json", "*.schema.json",
                    ".pre-commit-*", "vidlint-baseline.json")
SKIPPED_DIRS = {"node_modules", "__pycache__", "venv"}
MAX_REQUEST_FILE_BYTES = 64 * 1024 * 1024


class PathError(Exception):
    """A command-line path that cannot be linted (exit code 2)."""


class UnreadableFile(PathError):
    """A request file the operating system refuses to read (permissions, I/O error): a
    finding for that file (VL008), not a reason to stop the run. ``reason``: why."""

    def __init__(self, display: str, reason: str) -> None:
        super().__init__(f"{display}: {reason}")
        self.reason = reason


class Source(FrozenRecord):
    """A request file to read: ``display`` is the path as the user should see it, ``path``
    None for stdin; ``found_by_walking``: not named on the command line (JSON Schemas in
    it are skipped)."""

    display: str
    path: Path | None
    jsonl: bool
    found_by_walking: bool = False


if TYPE_CHECKING:
    from vidlint.core.globs import Glob


def _excluded(path: Path, globs: list[Glob]) -> bool:
    """Whether a glob (the configuration's ``exclude`` dialect, :mod:`vidlint.core.globs`) names
    ``path``, taken relative to the current folder: ``requests/drafts/*`` on the command line
    means what it means in a vidlint.toml of the current folder."""
    return bool(globs) and _excluded_relative(_relative(path), globs)


def _relative(path: Path) -> str:
    return os.path.relpath(path).replace(os.sep, "/") if path.is_absolute() else path.as_posix()


def _excluded_relative(relative: str, globs: list[Glob]) -> bool:
    return any(glob.matches(relative) for glob in globs)


@functools.lru_cache(maxsize=1)
def _default_excludes() -> list[Glob]:
    from vidlint.core.globs import compile_glob

    return [compile_glob(pattern) for pattern in DEFAULT_EXCLUDES]


def walk_skips(path: Path, root: Path | None = None) -> bool:
    """Whether walking a folder leaves ``path`` out by its name (not .json or .jsonl, hidden, one
    of ``DEFAULT_EXCLUDES``) or, walking ``root``, by a folder on its way (hidden or skipped)."""
    name = path.name
    if not name.endswith(REQUEST_SUFFIXES) or name.startswith(".") or _excluded(Path(name), _default_excludes()):
        return True
    try:
        folders = path.parent.relative_to(root).parts if root is not None else ()
    except ValueError:  # not under root
        folders = ()
    return any(folder.startswith(".") or folder in SKIPPED_DIRS for folder in folders)


def _walk(folder: Path, extra_excludes: tuple[str, ...], errors: list[str]) -> list[Path]:
    """Request files under ``folder``; a folder that cannot be listed adds a reason to ``errors``."""
    from vidlint.core.globs import compile_glob  # only folders are walked: a named file needs no glob

    excludes = [compile_glob(pattern) for pattern in DEFAULT_EXCLUDES + extra_excludes]
    found: list[Path] = []

    def refused(exc: OSError) -> None:
        where = _display(Path(exc.filename)) if exc.filename else _display(folder)
        errors.append(f"{where}: cannot read the folder: {exc.strerror or exc}")

    for root, dirs, files in os.walk(folder, onerror=refused):
        here = Path(root)
        # what _excluded takes apart for each entry, worked out once per folder
        prefix = _relative(here)
        prefix = "" if prefix == "." else prefix + "/"
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS
                         and not _excluded_relative(prefix + d, excludes))
        for name in sorted(files):
            if name.endswith(REQUEST_SUFFIXES) and not name.startswith(".") and not _excluded_relative(prefix + name, excludes):
                found.append(here / name)
    return found


def _display(path: Path) -> str:
    if not path.is_absolute():
        return os.path.normpath(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def file_identity(path: Path, info: os.stat_result | None = None) -> object:
    """The same file reached twice (through a symlink, ``./``, ``..``) has one identity
    (``info``: its ``os.stat``, when the caller has it already)."""
    if info is None:
        try:
            info = os.stat(path)  # one system call; os.path.realpath makes one per path component
        except (OSError, ValueError):
            return os.path.realpath(path)
    return (info.st_dev, info.st_ino)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _named_excluded(path: Path, globs: list[Glob]) -> bool:
    """Whether an ``--exclude`` glob names ``path`` or a folder on its way (one path part)."""
    return _excluded(path, globs) or any(_excluded(Path(part), globs) for part in path.parts)


def discover(args: list[str], extra_excludes: tuple[str, ...] = (),
             stdin_jsonl: bool = False) -> tuple[list[Source], list[str]]:
    """Expand files, folders, globs and ``-`` into sources (stable order, no duplicates).

    Returns the sources and one-line reasons for the arguments that name nothing.
    """
    extra_excludes = tuple(extra_excludes)
    named_excludes: list[Glob] = []
    if extra_excludes:  # --exclude also drops files named on the command line
        from vidlint.core.globs import compile_glob

        named_excludes = [compile_glob(pattern) for pattern in extra_excludes]
    sources: list[Source] = []
    errors: list[str] = []
    seen: set[object] = set()

    def add(path: Path, walked: bool = False, info: os.stat_result | None = None) -> None:
        key = file_identity(path, info)
        if key not in seen:
            seen.add(key)
            sources.append(Source(_display(path), path, path.suffix == ".jsonl", walked))

    for arg in args:
        if arg == "-":
            sources.append(Source("<stdin>", None, stdin_jsonl))
            continue
        path = Path(arg)
        info = _stat(path)  # one call says whether it is a folder, whether it exists, and which file it is
        if info is not None and stat.S_ISDIR(info.st_mode):
            for found in _walk(path, extra_excludes, errors):
                add(found, walked=True)
        elif info is not None or path.is_symlink():
            # named explicitly: linted whatever its name, unless an --exclude names it or a folder on its path
            if not (named_excludes and _named_excluded(path, named_excludes)):
                add(path, info=info)
        elif any(magic in arg for magic in "*?["):  # glob.has_magic, without importing glob for plain paths
            import glob

            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                errors.append(f"{arg}: no files match")
            for match in matches:
                match_path = Path(match)
                if match_path.is_dir():
                    for found in _walk(match_path, extra_excludes, errors):
                        add(found, walked=True)
                elif match.endswith(REQUEST_SUFFIXES):
                    add(match_path)
        else:
            errors.append(f"{arg}: no such file or directory")
    return sources, errors


# O_NONBLOCK makes opening a FIFO return at once (and is ignored for regular files).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_source(source: Source, stdin_bytes: bytes | None = None) -> bytes:
    """The bytes of a source; PathError with a one-line reason when they cannot be read."""
    if source.path is None:
        return stdin_bytes or b""
    # Open first and ask the open file what it is: one lookup instead of two; nothing else is read.
    try:
        fd = os.open(source.path, _OPEN_FLAGS)
    except OSError as exc:
        try:
            if stat.S_ISDIR(os.stat(source.path).st_mode):  # Windows cannot open a directory
                raise PathError(f"{source.display}: is a directory") from None
        except OSError:
            pass
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise UnreadableFile(source.display, exc.strerror or str(exc)) from None
        raise PathError(f"{source.display}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PathError(f"{source.display}: " + ("is a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"))
        if info.st_size > MAX_REQUEST_FILE_BYTES:
            raise PathError(f"{source.display}: {info.st_size} bytes is too large for a request file")
        # First the size the file says (plus one byte, to notice it growing), then one byte to
        # confirm the end; only a file that changed meanwhile needs more. Small requests keep the
        # buffers small: allocating 64 KiB for every read was a tenth of a 10,000-file run.
        data = os.read(fd, info.st_size + 1)
        if len(data) > info.st_size:  # it grew meanwhile
            data = _read_rest(fd, data)
        else:
            confirm = os.read(fd, 1)
            if confirm:
                data = _read_rest(fd, data + confirm)
    except OSError as exc:
        raise UnreadableFile(source.display, exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_REQUEST_FILE_BYTES:
        raise PathError(f"{source.display}: {len(data)} bytes is too large for a request file")
    return data


def _read_rest(fd: int, data: bytes) -> bytes:
    """``data`` and what follows it in a file that grew while it was read, up to one byte past the limit."""
    chunks = [data]
    remaining = MAX_REQUEST_FILE_BYTES + 1 - len(data)
    while remaining > 0:  # never read past the limit
        chunk = os.read(fd, min(remaining, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_stdin(stream: "BinaryIO | None" = None) -> bytes:
    """Standard input, capped like a request file (``/dev/zero`` piped in is an error, not a MemoryError)."""
    import sys

    data = (stream or sys.stdin.buffer).read(MAX_REQUEST_FILE_BYTES + 1)
    if len(data) > MAX_REQUEST_FILE_BYTES:
        raise PathError(f"<stdin>: more than {MAX_REQUEST_FILE_BYTES} bytes is too large for a request file")
    return data


def load_source(source: Source, data: bytes) -> LoadedFile:
    return load_bytes(source.display, data, source.jsonl)


def is_tool_file(value: object) -> bool:
    """A JSON Schema document (it names a json-schema.org meta-schema) or a vidlint baseline, not a request."""
    if not isinstance(value, dict) or "model" in value:
        return False
    from vidlint.settings.baseline import FORMAT_KEY

    meta = value.get("$schema")
    return (isinstance(meta, str) and "json-schema.org/" in meta) or FORMAT_KEY in value
