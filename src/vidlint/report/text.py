"""``--format text``: ``path:line:col: CODE [severity] message`` plus hints and a summary."""

from __future__ import annotations

import os
from typing import Any, TextIO

from vidlint.run import LintRun
from vidlint.core.wording import plural
from vidlint.core.diagnostics import Severity

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def use_colour(stream: TextIO, choice: str = "auto") -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def summary_line(run: LintRun) -> str:
    errors, warnings, infos = (run.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    files = plural(len(run.files), "file")
    hidden = f" {plural(run.baselined, 'finding')} in the baseline not shown." if run.baselined else ""
    if not run.files:
        return "No request files linted." if run.path_errors else "No request files found (*.json, *.jsonl)."
    if not (errors or warnings or infos):
        return f"All checks passed ({files}).{hidden}"
    parts = [plural(errors, "error"), plural(warnings, "warning"), plural(infos, "info")]
    return f"Found {', '.join(parts)} in {files}.{hidden}"


def render(run: LintRun, stream: TextIO, colour: str = "auto", quiet: bool = False, **_: Any) -> None:
    coloured = use_colour(stream, colour)

    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if coloured else text

    for result in run.files:
        for d in result.diagnostics:
            where = paint(f"{result.path}:{d.line}:{d.column}:", "1")
            tag = paint(f"{d.code} [{d.severity.label}]", _COLOURS[d.severity] + ";1")
            stream.write(f"{where} {tag} {d.message}\n")
            if d.hint:
                stream.write(f"    {paint('hint:', '2')} {d.hint}\n")
    if not quiet:
        stream.write(summary_line(run) + "\n")
        estimates = [e for f in run.files for e in f.estimates]
        if estimates:
            from vidlint.check.estimate import summary_text

            stream.write(summary_text(estimates) + "\n")
        if run.online is not None:  # an --online run ends with what the network cost
            from vidlint.remote.online import format_stats_line

            stream.write(format_stats_line(run.online) + "\n")
