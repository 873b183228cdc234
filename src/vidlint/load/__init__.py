"""Load: paths on the command line -> request files -> documents with source positions."""

from __future__ import annotations

import errno
import functools
import operator
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING
from typing import BinaryIO, Iterable

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
    """A request file to read: ``display`` is the path as the user should see it, ``location``
    the path to open (as named or found; None for stdin); ``found_by_walking``: not named on the
    command line (JSON Schemas in it are skipped); ``folder``: the folder a walk found it in, one
    string shared by that folder's files (None: the folder of ``location``, worked out when
    asked); ``regular``: the folder's listing (or the ``stat`` of a named file) said it is a
    regular file, so ``read_source`` reads it without asking again (``_read_regular``). Kept as
    strings: a run may name 50,000 files."""

    display: str
    location: str | None
    jsonl: bool
    found_by_walking: bool = False
    folder: str | None = None
    regular: bool = False

    @property
    def path(self) -> Path | None:
        return None if self.location is None else Path(self.location)


if TYPE_CHECKING:
    from vidlint.core.globs import Glob, GlobSet


def _excluded(path: Path, globs: list[Glob]) -> bool:
    """Whether a glob (the configuration's ``exclude`` dialect, :mod:`vidlint.core.globs`) names
    ``path``, taken relative to the current folder: ``requests/drafts/*`` on the command line
    means what it means in a vidlint.toml of the current folder."""
    return bool(globs) and _excluded_relative(_relative(path), globs)


def _relative(path: Path | str) -> str:
    text = os.fspath(path)
    return os.path.relpath(text).replace(os.sep, "/") if os.path.isabs(text) else Path(text).as_posix()


def _excluded_relative(relative: str, globs: list[Glob]) -> bool:
    return any(glob.matches(relative) for glob in globs)


@functools.lru_cache(maxsize=1)
def _default_excludes() -> list[Glob]:
    from vidlint.core.globs import compile_glob

    return [compile_glob(pattern) for pattern in DEFAULT_EXCLUDES]


@functools.lru_cache(maxsize=4)
def _walk_excludes(extra_excludes: tuple[str, ...]) -> GlobSet:
    from vidlint.core.globs import GlobSet, compile_glob

    return GlobSet([*_default_excludes(), *(compile_glob(pattern) for pattern in extra_excludes)])


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


def _walk(top: str, device: int | None, extra_excludes: tuple[str, ...], errors: list[str],
          seen: set[object]) -> list[Source]:
    """Request files under the folder ``top`` (``device``: its ``st_dev``), in the order of
    ``os.walk`` with sorted names, but those whose identity is in ``seen`` (the others' are added
    to it); a folder that cannot be listed adds a reason to ``errors``.

    Excludes are matched once per entry, against its name and its whole path only: the folders
    above it were matched on the way down. A file's identity comes from the listing (its folder's
    device and the entry's inode, no system call); only a symlink is followed (``os.stat``)."""
    excludes = _walk_excludes(tuple(extra_excludes))
    prefix = _relative(top)
    prefix = "" if prefix == "." else prefix + "/"
    if prefix and excludes.matches(prefix):
        return []
    found: list[Source] = []

    def refused(exc: OSError, folder: str) -> None:
        where = _display(exc.filename) if exc.filename else _display(folder)
        errors.append(f"{where}: cannot read the folder: {exc.strerror or exc}")

    def walk(folder: str, prefix: str, device: int | None) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=_NAME)
        except OSError as exc:
            refused(exc, folder)
            return
        shown = _display(folder)
        shown = "" if shown == "." else shown + os.sep
        folders = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not name.startswith(".") and name not in SKIPPED_DIRS and not _is_symlink(entry, False) \
                        and not excludes.matches_entry(name, prefix + name):
                    folders.append(entry)
            elif name.endswith(REQUEST_SUFFIXES) and not name.startswith(".") \
                    and not excludes.matches_entry(name, prefix + name):
                regular = _is_regular(entry)  # (and so no symlink)
                if device is not None and (regular or not _is_symlink(entry, True)):
                    identity: object = (device, entry.inode())
                else:
                    identity = file_identity(entry.path)
                if identity not in seen:
                    seen.add(identity)
                    found.append(Source(shown + name, entry.path, name.endswith(".jsonl"), True, folder, regular))
        for entry in folders:
            try:
                below: int | None = entry.stat().st_dev
            except OSError:
                below = None
            walk(entry.path, prefix + entry.name + "/", below)

    walk(top, prefix, device)
    return found


_NAME = operator.attrgetter("name")  # a folder entry's name


def _is_symlink(entry: os.DirEntry[str], unknown: bool) -> bool:
    """Whether the entry is a symlink (``unknown`` when that cannot be found out)."""
    try:
        return entry.is_symlink()
    except OSError:
        return unknown


def _is_regular(entry: os.DirEntry[str]) -> bool:
    """Whether the listing says the entry is a regular file, not a symlink (no system call where
    the file system gives the type in the listing, as local ones do)."""
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _display(path: Path | str) -> str:
    text = os.fspath(path)
    if not os.path.isabs(text):
        return os.path.normpath(text)
    try:
        relative = os.path.relpath(text)
    except ValueError:  # another drive on Windows
        return str(Path(text))
    return str(Path(text)) if relative.startswith("..") else relative


def file_identity(path: Path | str, info: os.stat_result | None = None) -> object:
    """The same file reached twice (through a symlink, ``./``, ``..``) has one identity
    (``info``: its ``os.stat``, when the caller has it already)."""
    if info is None:
        try:
            info = os.stat(path)  # one system call; os.path.realpath makes one per path component
        except (OSError, ValueError):
            return os.path.realpath(path)
    return (info.st_dev, info.st_ino)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _named_excluded(path: str, globs: list[Glob]) -> bool:
    """Whether an ``--exclude`` glob names ``path`` or a folder on its way (one path part)."""
    return _excluded(Path(path), globs) or any(_excluded(Path(part), globs) for part in Path(path).parts)


def _is_jsonl(path: str) -> bool:
    """Whether the file's suffix is ``.jsonl`` (``Path.suffix``: a name that is only the suffix has none)."""
    return path.endswith(".jsonl") and os.path.basename(path) != ".jsonl"


LISTED_NAMES = 64  # files named in one folder from which that folder is listed once instead of a stat each


def _listed_identities(args: list[str]) -> dict[str, object]:
    """The identities (``file_identity``'s) of the named files that their folder's listing calls
    regular files (not symlinks), for each folder named ``LISTED_NAMES`` times or more: one
    listing instead of a ``stat`` each (~1.5 us a file against ~3-5, most of it the
    ``stat_result``), the walk's way (the folder's device and the entry's inode: the same
    numbers as ``stat``'s on local file systems, which one ``stat`` a folder confirms). A
    listing much longer than what was named in it is given up where it stands (its files not
    found are ``stat``ed as before)."""
    by_folder: dict[str, dict[str, str]] = {}  # folder -> name -> the argument (one of them: the others are stat'ed)
    for arg in args:
        folder, name = os.path.split(arg) if "/" in arg or os.sep in arg else ("", arg)
        by_folder.setdefault(folder, {})[name] = arg
    found: dict[str, object] = {}
    for folder, names in by_folder.items():
        if len(names) < LISTED_NAMES:
            continue
        left = 4 * len(names) + 1024  # entries read at most
        here: dict[str, object] = {}
        try:
            device = os.stat(folder or ".").st_dev
            with os.scandir(folder or ".") as listing:
                for entry in listing:
                    named = names.get(entry.name)
                    if named is not None and entry.is_file(follow_symlinks=False):
                        here[named] = (device, entry.inode())
                    left -= 1
                    if not left:
                        break
        except OSError:  # not a folder, gone, unreadable: its files not found yet are stat'ed
            pass
        # one file stat'ed: the listing's numbers are stat's here (some FUSE file systems differ)
        if here and file_identity(next(iter(here))) == next(iter(here.values())):
            found.update(here)
    return found


def discover(args: list[str], extra_excludes: tuple[str, ...] = (),
             stdin_jsonl: bool = False, skip: Iterable[object] = ()) -> tuple[list[Source], list[str]]:
    """Expand files, folders, globs and ``-`` into sources (stable order, no duplicates).
    ``skip``: the identities (``file_identity``) of files that are no requests however they are
    named (the configuration and baseline in use).

    Returns the sources and one-line reasons for the arguments that name nothing.
    """
    extra_excludes = tuple(extra_excludes)
    named_excludes: list[Glob] = []
    if extra_excludes:  # --exclude also drops files named on the command line
        from vidlint.core.globs import compile_glob

        named_excludes = [compile_glob(pattern) for pattern in extra_excludes]
    sources: list[Source] = []
    errors: list[str] = []
    seen: set[object] = set(skip)

    def add(location: str, info: os.stat_result | None = None, listed: object = None) -> None:
        key = listed if listed is not None else file_identity(location, info)
        if key not in seen:
            seen.add(key)
            display = _display(location)
            regular = listed is not None or (info is not None and stat.S_ISREG(info.st_mode))
            sources.append(Source(location if display == location else display, location, _is_jsonl(location),
                                  False, None, regular))

    def walk(folder: str, info: os.stat_result | None) -> None:
        sources.extend(_walk(folder, info.st_dev if info is not None else None, extra_excludes, errors, seen))

    listed = _listed_identities(args) if len(args) >= LISTED_NAMES else {}
    for arg in args:
        if arg == "-":
            sources.append(Source("<stdin>", None, stdin_jsonl))
            continue
        identity = listed.get(arg)
        if identity is not None:  # a regular file, said by its folder's listing
            if not (named_excludes and _named_excluded(arg, named_excludes)):
                add(arg, None, identity)
            continue
        if not arg or arg.endswith(("/", "/.", os.sep)):  # as pathlib reads them: "" is ".", "r.json/" is "r.json"
            arg = str(Path(arg))
        info = _stat(arg)  # one call says whether it is a folder, whether it exists, and which file it is
        if info is not None and stat.S_ISDIR(info.st_mode):
            walk(str(Path(arg)), info)
        elif info is not None or os.path.islink(arg):
            # named explicitly: linted whatever its name, unless an --exclude names it or a folder on its path
            if not (named_excludes and _named_excluded(arg, named_excludes)):
                add(arg, info)
        elif any(magic in arg for magic in "*?["):  # glob.has_magic, without importing glob for plain paths
            import glob

            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                errors.append(f"{arg}: no files match")
            for match in matches:
                if os.path.isdir(match):
                    walk(str(Path(match)), _stat(match))
                elif match.endswith(REQUEST_SUFFIXES):
                    add(match)
        else:
            errors.append(f"{arg}: no such file or directory")
    return sources, errors


# O_NONBLOCK makes opening a FIFO return at once (and is ignored for regular files).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_source(source: Source, stdin_bytes: bytes | None = None) -> bytes:
    """The bytes of a source; PathError with a one-line reason when they cannot be read."""
    if source.location is None:
        return stdin_bytes or b""
    # Open first and ask the open file what it is: one lookup instead of two; nothing else is read.
    try:
        fd = os.open(source.location, _OPEN_FLAGS)
    except OSError as exc:
        try:
            if stat.S_ISDIR(os.stat(source.location).st_mode):  # Windows cannot open a directory
                raise PathError(f"{source.display}: is a directory") from None
        except OSError:
            pass
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise UnreadableFile(source.display, exc.strerror or str(exc)) from None
        raise PathError(f"{source.display}: {exc.strerror or exc}") from None
    try:
        data = _read_regular(fd) if source.regular else None
        if data is None:
            data = _read_checked(fd, source.display)
    except OSError as exc:
        raise UnreadableFile(source.display, exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_REQUEST_FILE_BYTES:
        raise PathError(f"{source.display}: {len(data)} bytes is too large for a request file")
    return data


def _read_checked(fd: int, display: str) -> bytes:
    """The bytes of an open file, asked first what it is (``fstat``): PathError for a folder, a
    FIFO, a device or a file past the limit."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise PathError(f"{display}: " + ("is a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"))
    if info.st_size > MAX_REQUEST_FILE_BYTES:
        raise PathError(f"{display}: {info.st_size} bytes is too large for a request file")
    # One read of the size the file says plus one byte. Exactly that size back: the whole
    # file (it would have given the extra byte had it grown), so the usual file takes one
    # call. More: it grew (or says 0, like /proc's); less: a file system that reads short,
    # or a file cut meanwhile: both read on to the end. Small requests keep the buffers
    # small: allocating 64 KiB for every read was a tenth of a 10,000-file run.
    data = os.read(fd, info.st_size + 1)
    if len(data) != info.st_size:
        data = _read_rest(fd, data)
    return data


_PREAD = getattr(os, "pread", None)  # not on Windows


def _read_regular(fd: int) -> bytes | None:
    """The bytes of a file its folder's listing (or a named file's ``stat``) called regular, read
    without a ``stat_result`` (its ~20 fields, times as floats, were ~2 us of the ~7 a file
    took): the size from ``lseek``, then one ``pread`` of it plus one byte, which gives exactly
    the size for the whole file (as in ``_read_checked``). None when it is not that simple (no size, an empty
    file, one past the limit, one that grew or reads short, a ``lseek`` refused, no ``pread``
    here), with the file offset back at the start: ``_read_checked`` reads it and says what it
    is. (What was said is trusted: a file replaced by a block device after the folder was
    listed and before it is read would be read as one; a FIFO, a folder or a character device
    such as ``/dev/null``, whose size says 0, goes the checked way.)"""
    if _PREAD is None:
        return None
    try:
        size = os.lseek(fd, 0, os.SEEK_END)
    except OSError:  # a FIFO or a socket by now: the offset did not move
        return None
    try:
        data: bytes | None = _PREAD(fd, size + 1, 0) if 0 < size <= MAX_REQUEST_FILE_BYTES else None
    except OSError:  # a folder by now (EISDIR), or an I/O error, which the checked read meets again
        data = None
    if data is not None and len(data) == size:
        return data
    os.lseek(fd, 0, os.SEEK_SET)
    return None


def _read_rest(fd: int, data: bytes) -> bytes:
    """``data`` and what follows it to the end of a file that did not hold the size it said (it
    grew, or reads short), up to one byte past the limit."""
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
