"""Finding the configuration file: cheap, because ``vidlint lint`` does it on every run."""

from __future__ import annotations

import os
import re
from pathlib import Path

CONFIG_NAMES = ("vidlint.toml", "pyproject.toml")


# "[tool.vidlint]", "[tool.vidlint.budget]", 'tool."vidlint"', or "vidlint = {...}" under [tool]:
# a cheap test before the TOML parser confirms it.
_TOOL_TABLE = re.compile(r"""tool\s*\.\s*["']?vidlint\b|^\s*["']?vidlint["']?\s*=""", re.M)


def _mentions_vidlint(path: Path) -> bool:
    try:
        return _TOOL_TABLE.search(path.read_text(encoding="utf-8", errors="replace")) is not None
    except OSError:
        return False


def find_config(start: Path) -> Path | None:
    """The nearest ``vidlint.toml``, or ``pyproject.toml`` with ``[tool.vidlint]``, from ``start`` up
    to the project root: the first folder with a ``.git`` (a folder, or a file in a git worktree).

    A configuration above the project (say, in the folder a repository was cloned into) belongs
    to someone else and is never read.
    """
    for folder in (start, *start.parents):
        candidate = folder / "vidlint.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _mentions_vidlint(candidate) and _has_vidlint_table(candidate):
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def _has_vidlint_table(path: Path) -> bool:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True  # let load_config report why it cannot be read
    tool = data.get("tool")
    return isinstance(tool, dict) and "vidlint" in tool


def display_path(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative
