"""Fixes: what a rule proposes to change, as text edits of the request file (after ruff's).

A rule declares in ``@rule(..., fix="safe")`` whether its findings can be fixed and how safely:

- ``safe``: the server does the same thing afterwards, or the request was invalid and the fix
  is its only reading (a byte order mark, ``"5"`` where a number is wanted, an ignored field);
- ``unsafe``: the generation or the cost changes (a field moved out of ``model_params`` takes
  effect, a clamped value, another model, ``http`` -> ``https``);
- none: the finding is only shown.

A finding carries a :class:`Fix` made of pointer-based operations (:mod:`vidlint.fix.ops`);
placing the diagnostic in its document turns them into :class:`Edit` s, character offsets of
the file's text: nothing is ever re-serialised, so indentation, key order, line endings and
the rest of a JSON Lines batch stay byte for byte the same.
"""

from __future__ import annotations

from typing import Any

from vidlint.records import FrozenRecord

SAFE = "safe"
UNSAFE = "unsafe"
APPLICABILITIES = (SAFE, UNSAFE)


class Edit(FrozenRecord):
    """Replace the characters ``start:end`` of the file's text (BOM excluded, as for positions)
    with ``content``. ``line``/``column`` and ``end_line``/``end_column``: 1-based, as diagnostics."""

    __slots__ = ("start", "end", "content", "line", "column", "end_line", "end_column")

    def __init__(self, start: int, end: int, content: str, line: int = 1, column: int = 1,
                 end_line: int = 1, end_column: int = 1) -> None:
        self.start = start
        self.end = end
        self.content = content
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column

    def to_json(self) -> dict[str, Any]:
        return {"content": self.content,
                "location": {"line": self.line, "column": self.column},
                "end_location": {"line": self.end_line, "column": self.end_column}}


class Fix(FrozenRecord):
    """A proposed fix: ``applicability`` (safe / unsafe, from the rule's declaration), what it
    does in words (``message``), the pointer-based ``ops`` a rule gave, and once placed in a
    document, the ``edits``. ``remove_bom``: the fix drops the file's byte order mark."""

    __slots__ = ("applicability", "message", "ops", "edits", "remove_bom")

    def __init__(self, message: str, ops: tuple[Any, ...] = (), applicability: str = SAFE,
                 edits: tuple[Edit, ...] | None = None, remove_bom: bool = False) -> None:
        self.applicability = applicability
        self.message = message
        self.ops = ops
        self.edits = edits
        self.remove_bom = remove_bom

    def applies(self, unsafe: bool) -> bool:
        """Whether ``--fix`` (``unsafe``: with ``--unsafe-fixes``) applies it; unplaced fixes never."""
        return (self.edits is not None or self.remove_bom) and (self.applicability == SAFE or unsafe)

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"applicability": self.applicability, "message": self.message,
                                 "edits": [e.to_json() for e in self.edits or ()]}
        if self.remove_bom:
            found["remove_bom"] = True
        return found
