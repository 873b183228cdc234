"""Path globs, the one dialect of the configuration (``exclude``, ``per-file-ignores``, matched
against paths relative to the configuration's folder) and of ``--exclude`` (relative to the
current folder), with forward slashes.

``*`` and ``?`` do not cross ``/``; ``**`` matches any number of folders; ``[abc]`` and
``[!abc]`` are character classes. A pattern without ``/`` matches a file or folder of that
name anywhere (``fixtures``, ``*.draft.json``); a pattern with ``/`` is anchored at the
configuration's folder. A pattern that matches a folder matches everything below it.
"""

from __future__ import annotations

import re

from vidlint.core.records import FrozenRecord


class GlobError(ValueError):
    pass


def _translate(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1:i + 2] in ("!", "]") else i + 1)
            if end < 0:
                raise GlobError(f"unclosed '[' at position {i + 1}")
            body = pattern[i + 1:end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\").replace("/", "") + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


class Glob(FrozenRecord):
    pattern: str
    regex: re.Pattern[str]
    anchored: bool

    def matches(self, relative_path: str) -> bool:
        """``relative_path`` uses forward slashes and is relative to the configuration's folder."""
        path = relative_path.strip("/")
        if self.anchored:
            parts = path.split("/")
            return any(self.regex.fullmatch("/".join(parts[:k])) for k in range(len(parts), 0, -1))
        return any(self.regex.fullmatch(part) for part in path.split("/"))


class GlobSet:
    """Several globs matched as one: ``matches(path)`` is whether any of them matches ``path``.
    One regular expression for the patterns without ``/`` (tried on each part of the path) and
    one for the anchored ones (tried on each leading part), instead of one per glob.

    Walking a folder that no glob names, an entry's path differs from the folder's by its last
    part only, so ``matches_entry`` tries just that part and the whole path."""

    def __init__(self, globs: list[Glob]) -> None:
        self.globs = globs
        self._anywhere = _union([g.regex for g in globs if not g.anchored])
        self._anchored = _union([g.regex for g in globs if g.anchored])

    def __bool__(self) -> bool:
        return bool(self.globs)

    def matches(self, relative_path: str) -> bool:
        parts = relative_path.strip("/").split("/")
        if self._anywhere is not None and any(self._anywhere.fullmatch(part) for part in parts):
            return True
        anchored = self._anchored
        return anchored is not None and any(anchored.fullmatch("/".join(parts[:k])) for k in range(len(parts), 0, -1))

    def matches_entry(self, name: str, relative_path: str) -> bool:
        """Whether ``relative_path`` (ending in ``name``), an entry of a folder ``matches`` said no
        to, is matched."""
        return bool((self._anywhere is not None and self._anywhere.fullmatch(name))
                    or (self._anchored is not None and self._anchored.fullmatch(relative_path)))


def _union(regexes: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One expression that matches what any of ``regexes`` matches (None for none)."""
    if not regexes:
        return None
    return re.compile("|".join(f"(?:{regex.pattern})" for regex in regexes))


def compile_glob(pattern: str) -> Glob:
    if not isinstance(pattern, str) or not pattern.strip():
        raise GlobError("empty glob")
    text = pattern.strip()
    while text.startswith("./"):
        text = text[2:]
    anchored = "/" in text.rstrip("/")
    text = text.strip("/") if anchored else text.rstrip("/")
    if not text:
        raise GlobError("empty glob")
    try:
        regex = re.compile(_translate(text))
    except re.error as exc:
        raise GlobError(str(exc)) from None
    return Glob(pattern, regex, anchored)
