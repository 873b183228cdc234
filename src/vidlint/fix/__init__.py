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

from collections import Counter
from pathlib import Path
from typing import Any

from vidlint.core.records import FrozenRecord, Record, field

SAFE = "safe"
UNSAFE = "unsafe"
APPLICABILITIES = (SAFE, UNSAFE)


class Edit(FrozenRecord):
    """Replace the characters ``start:end`` of the file's text (BOM excluded, as for positions)
    with ``content``. ``line``/``column`` and ``end_line``/``end_column``: 1-based, as diagnostics."""

    start: int
    end: int
    content: str
    line: int = 1
    column: int = 1
    end_line: int = 1
    end_column: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"content": self.content,
                "location": {"line": self.line, "column": self.column},
                "end_location": {"line": self.end_line, "column": self.end_column}}


class Fix(FrozenRecord):
    """A proposed fix: ``applicability`` (safe / unsafe, from the rule's declaration), what it
    does in words (``message``), the pointer-based ``ops`` a rule gave, and once placed in a
    document, the ``edits``. ``remove_bom``: the fix drops the file's byte order mark."""

    message: str
    ops: tuple[Any, ...] = ()
    applicability: str = SAFE
    edits: tuple[Edit, ...] | None = None
    remove_bom: bool = False

    def applies(self, unsafe: bool) -> bool:
        """Whether ``--fix`` (``unsafe``: with ``--unsafe-fixes``) applies it; unplaced fixes never."""
        return (self.edits is not None or self.remove_bom) and (self.applicability == SAFE or unsafe)

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"applicability": self.applicability, "message": self.message,
                                 "edits": [e.to_json() for e in self.edits or ()]}
        if self.remove_bom:
            found["remove_bom"] = True
        return found


class FixOptions(Record):
    """``unsafe``: unsafe fixes too (``--unsafe-fixes``); ``apply``: fix (off: only say which
    findings are fixable); ``write``: write the files (off with ``--diff``); ``assets_dir``:
    where compliant copies of assets go (``--fix-assets``)."""

    unsafe: bool = False
    apply: bool = True
    write: bool = True
    assets_dir: Path | None = None


class FixOutcome(Record):
    """What fixing one file did: ``applied`` (code -> fixes applied), the file's bytes before
    and after, the asset copies (``vidlint.fix.assets.AssetCopy``), and ``problems``: one-line
    reasons a fix was not made (a copy that still fails, a file that could not be written)."""

    before: bytes
    after: bytes  # as ``before`` until a fix changes it
    applied: Counter[str] = field(default_factory=Counter, init=False)
    copies: list[Any] = field(default_factory=list, init=False)
    problems: list[str] = field(default_factory=list, init=False)

    @property
    def count(self) -> int:
        return sum(self.applied.values())

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def diff(self, display: str) -> str:
        """A unified diff of the file (lines keep their own endings), then the copies it would write."""
        import difflib

        before = self.before.decode("utf-8", "replace").splitlines(keepends=True)
        after = self.after.decode("utf-8", "replace").splitlines(keepends=True)
        lines = list(difflib.unified_diff(before, after, f"a/{display}", f"b/{display}"))
        text = "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
                       for line in lines)
        for copy in self.copies:
            text += f"would write {copy.display} ({copy.summary})\n"
        return text


def place_fix(fix: Fix, document: Any) -> Fix:
    """The fix with its edits in ``document``'s text (a vidlint.load.document.Document); unchanged (no edits) when an operation
    cannot find its text, so that it is never applied half."""
    if fix.edits is not None or fix.remove_bom:
        return fix
    edits: list[Edit] = []
    for op in fix.ops:
        found = op.edits(document)
        if found is None:
            return fix
        edits.extend(found)
    if len(edits) > 1:
        edits.sort(key=lambda e: (e.start, e.end))
    return Fix(fix.message, fix.ops, fix.applicability, tuple(edits), fix.remove_bom)


def apply_fixes(text: str, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    """``text`` with every fix applied whose edits neither overlap nor touch an edit of a fix
    applied before it (fixes in order of their first edit); the fixes applied."""
    taken: list[Fix] = []
    spans: list[tuple[int, int]] = []
    for fix in sorted(fixes, key=lambda f: (f.edits[0].start, f.edits[0].end) if f.edits else (-1, -1)):
        edits = fix.edits or ()
        if any(a <= e.end and e.start <= b for e in edits for a, b in spans):
            continue
        taken.append(fix)
        spans.extend((e.start, e.end) for e in edits)
    for edit in sorted((e for f in taken for e in f.edits or ()), key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.content + text[edit.end:]
    return text, taken
