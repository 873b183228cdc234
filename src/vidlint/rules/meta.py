"""Codes about vidlint's own configuration and baseline: suppressions that match nothing.

These rules only document their codes (stage ``meta``): ``vidlint.settings.suppressions`` and
``vidlint.settings.baseline`` emit them with ``Rule.emit`` at the end of a run.
"""

from __future__ import annotations

from vidlint.rules.registry import rule


@rule("VL901", "unused-suppression", "warning", stage="meta")
def unused_suppression() -> None:
    """A ``per-file-ignores`` or ``pointer-ignores`` entry suppressed nothing.

    The problem it was written for is gone (fixed, or the field moved), so the entry now only
    hides the next, unrelated finding of that code. Reported on the configuration file, at the
    entry's line, and only when every file the entry names was linted in this run (a
    pre-commit run over a few changed files does not report entries for the others).
    Global ``ignore`` / ``select`` are policy and are never reported.

    Breaks it: ``"requests/a.json#/prompt" = ["VL311"]`` after the prompt was fixed.
    Fix: remove the code (or the whole entry).
    """


@rule("VL902", "stale-baseline-entry", "info", stage="meta")
def stale_baseline_entry() -> None:
    """A baseline entry matches no finding any more.

    Someone fixed a problem the baseline recorded: good. Re-record the baseline so that the
    problem cannot come back unnoticed. Reported on the baseline file, only for entries whose
    request file was linted in this run (or no longer exists).

    Fix: ``vidlint lint --write-baseline vidlint-baseline.json`` over the same paths.
    """
