"""The diagnostic record every check produces and every formatter consumes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any


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


@dataclass(frozen=True)
class Diagnostic:
    """One finding.

    ``pointer`` is the RFC 6901 JSON pointer of the offending value inside the request
    (``""`` for the whole request). ``line``/``column`` are 1-based positions in the file.
    ``record`` is the 1-based line of the request in a JSON Lines file, ``None`` otherwise.
    """

    code: str
    severity: Severity
    message: str
    pointer: str = ""
    hint: str | None = None
    line: int = 1
    column: int = 1
    record: int | None = None
    # True when the finding is about an object key (an unknown field): the position is the key's.
    at_key: bool = field(default=False, compare=False)
    # For findings inside a string (a reference in the prompt): index of the character.
    char: int | None = field(default=None, compare=False)

    def with_position(self, line: int, column: int, record: int | None = None) -> "Diagnostic":
        return replace(self, line=line, column=column, record=record)

    def with_severity(self, severity: Severity) -> "Diagnostic":
        return replace(self, severity=severity)

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
        }


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def make_pointer(*tokens: str | int) -> str:
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
