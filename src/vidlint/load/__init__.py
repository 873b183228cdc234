"""Load: paths on the command line -> request files -> documents with source positions."""

from __future__ import annotations

import glob
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from vidlint.load.document import Document, LoadedFile, load_bytes

__all__ = ["Document", "LoadedFile", "Source", "discover", "load_source", "PathError", "MAX_REQUEST_FILE_BYTES"]

REQUEST_SUFFIXES = (".json", ".jsonl")
# Files that live in repositories but are never requests; skipped when found by walking a folder.
DEFAULT_EXCLUDES = ("package.json", "package-lock.json", "composer.json", "tsconfig*.json", "*.schema.json",
                    ".pre-commit-*", "vidlint-baseline.json")
SKIPPED_DIRS = {"node_modules", "__pycache__", "venv"}
MAX_REQUEST_FILE_BYTES = 64 * 1024 * 1024


class PathError(Exception):
    """A command-line path that cannot be linted (exit code 2)."""


@dataclass(frozen=True)
class Source:
    display: str  # the path as the user should see it
    path: Path | None  # None for stdin
    jsonl: bool
    found_by_walking: bool = False  # not named on the command line: JSON Schemas in it are skipped


def _excluded(name: str, patterns: tuple[str, ...]) -> bool:
    import fnmatch

    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def _walk(folder: Path, excludes: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS
                         and not _excluded(d, excludes))
        for name in sorted(files):
            if name.endswith(REQUEST_SUFFIXES) and not name.startswith(".") and not _excluded(name, excludes):
                found.append(Path(root) / name)
    return found


def _display(path: Path) -> str:
    if not path.is_absolute():
        return os.path.normpath(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def discover(args: list[str], extra_excludes: tuple[str, ...] = (),
             stdin_jsonl: bool = False) -> tuple[list[Source], list[str]]:
    """Expand files, folders, globs and ``-`` into sources (stable order, no duplicates).

    Returns the sources and one-line reasons for the arguments that name nothing.
    """
    excludes = DEFAULT_EXCLUDES + tuple(extra_excludes)
    sources: list[Source] = []
    errors: list[str] = []
    seen: set[str] = set()

    def add(path: Path, walked: bool = False) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            sources.append(Source(_display(path), path, path.suffix == ".jsonl", walked))

    for arg in args:
        if arg == "-":
            sources.append(Source("<stdin>", None, stdin_jsonl))
            continue
        path = Path(arg)
        if path.is_dir():
            for found in _walk(path, excludes):
                add(found, walked=True)
        elif path.exists() or path.is_symlink():
            add(path)  # named explicitly: linted whatever its name
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                errors.append(f"{arg}: no files match")
            for match in matches:
                match_path = Path(match)
                if match_path.is_dir():
                    for found in _walk(match_path, excludes):
                        add(found, walked=True)
                elif match.endswith(REQUEST_SUFFIXES):
                    add(match_path)
        else:
            errors.append(f"{arg}: no such file or directory")
    return sources, errors


def read_source(source: Source, stdin_bytes: bytes | None = None) -> bytes:
    """The bytes of a source; PathError with a one-line reason when they cannot be read."""
    if source.path is None:
        return stdin_bytes or b""
    try:
        info = os.stat(source.path)
    except OSError as exc:
        raise PathError(f"{source.display}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise PathError(f"{source.display}: is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise PathError(f"{source.display}: not a regular file")
    if info.st_size > MAX_REQUEST_FILE_BYTES:
        raise PathError(f"{source.display}: {info.st_size} bytes is too large for a request file")
    try:
        with open(source.path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise PathError(f"{source.display}: {exc.strerror or exc}") from None


def load_source(source: Source, data: bytes) -> LoadedFile:
    return load_bytes(source.display, data, source.jsonl)


def is_json_schema(value: object) -> bool:
    """A JSON Schema document (it names a json-schema.org meta-schema), not a request."""
    meta = value.get("$schema") if isinstance(value, dict) else None
    return isinstance(meta, str) and "json-schema.org/" in meta and "model" not in value  # type: ignore[operator]
