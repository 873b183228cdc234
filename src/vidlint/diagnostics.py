"""The diagnostic record every check produces and every formatter consumes."""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Iterator

from vidlint.records import FrozenRecord


class Severity(IntEnum):
    """Ordered so that ``severity >= fail_level`` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Diagnostic(FrozenRecord):
    """One finding.

    ``pointer`` is the RFC 6901 JSON pointer of the offending value inside the request
    (``""`` for the whole request). ``line``/``column`` are 1-based positions in the file.
    ``record`` is the 1-based line of the request in a JSON Lines file, ``None`` otherwise.
    ``at_key`` is True when the finding is about an object key (an unknown field): the
    position is the key's. ``char``, for findings inside a string (a reference in the
    prompt), is the index of the character. ``fix``: a :class:`vidlint.fix.Fix`, or None.
    None of the three takes part in equality.
    """

    __slots__ = ("code", "severity", "message", "pointer", "hint", "line", "column", "record", "at_key", "char",
                 "fix")
    _compared = ("code", "severity", "message", "pointer", "hint", "line", "column", "record")

    def __init__(self, code: str, severity: Severity, message: str, pointer: str = "", hint: str | None = None,
                 line: int = 1, column: int = 1, record: int | None = None, at_key: bool = False,
                 char: int | None = None, fix: Any = None) -> None:
        self.code = code
        self.severity = severity
        self.message = message
        self.pointer = pointer
        self.hint = hint
        self.line = line
        self.column = column
        self.record = record
        self.at_key = at_key
        self.char = char
        self.fix = fix

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # Pickled by the thousand on their way back from worker processes: as a call with the
        # fields, twice as fast as the generic state of a slotted object.
        return Diagnostic, (self.code, self.severity, self.message, self.pointer, self.hint, self.line, self.column,
                            self.record, self.at_key, self.char, self.fix)

    def with_position(self, line: int, column: int, record: int | None = None, fix: Any = None) -> "Diagnostic":
        return Diagnostic(self.code, self.severity, self.message, self.pointer, self.hint, line, column, record,
                          self.at_key, self.char, self.fix if fix is None else fix)

    def with_severity(self, severity: Severity) -> "Diagnostic":
        return self.replace(severity=severity)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "hint": self.hint,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "record": self.record,
            "fix": self.fix.to_json() if self.fix is not None and (self.fix.edits or self.fix.remove_bom) else None,
        }


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def make_pointer(*tokens: str | int) -> str:
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def match_pattern(node: Any, pattern: str) -> Iterator[tuple[str, Any]]:
    """(pointer, value) for every value inside ``node`` that a pointer pattern matches, in
    document order: ``*`` stands for any array index or object key; a number also indexes an
    array (``/image_urls/*``, ``/model_params/voice_bindings/*``, ``/image_start``)."""
    return _match(node, split_pointer(pattern), [])


def _match(node: Any, tokens: list[str], done: list[str | int]) -> Iterator[tuple[str, Any]]:
    if not tokens:
        yield make_pointer(*done), node
        return
    token, rest = tokens[0], tokens[1:]
    if token == "*":
        if isinstance(node, list):
            for index, child in enumerate(node):
                yield from _match(child, rest, [*done, index])
        elif isinstance(node, dict):
            for name, child in node.items():
                yield from _match(child, rest, [*done, name])
        return
    if isinstance(node, dict) and token in node:
        yield from _match(node[token], rest, [*done, token])
    elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
        yield from _match(node[int(token)], rest, [*done, int(token)])
