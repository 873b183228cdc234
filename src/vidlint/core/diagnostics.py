"""The diagnostic record every check produces and every formatter consumes."""

from __future__ import annotations

from enum import IntEnum
from operator import attrgetter
from typing import Any

from vidlint.core.records import FrozenRecord


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

    code: str
    severity: Severity
    message: str
    pointer: str = ""
    hint: str | None = None
    line: int = 1
    column: int = 1
    record: int | None = None
    at_key: bool = False
    char: int | None = None
    fix: Any = None  # a vidlint.fix.Fix; core imports nothing above it
    _compared = ("code", "severity", "message", "pointer", "hint", "line", "column", "record")

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


# A file's findings are reported in this order (line, column, code); a C key function, since a
# run sorts every file's findings.
by_position = attrgetter("line", "column", "code")
