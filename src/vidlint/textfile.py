"""Read a small text file (configuration, baseline, request) or fail with a one-line reason."""

from __future__ import annotations

from pathlib import Path


def read_text(path: Path, shown: str, error: type[Exception], missing: str = "no such file",
              encoding: str = "utf-8-sig") -> str:
    """The file's text; ``error(f"{shown}: <reason>")`` when it is missing or unreadable."""
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise error(f"{shown}: {missing}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{shown}: cannot read it: {getattr(exc, 'strerror', None) or exc}") from None
