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


def fix_lines(run: LintRun) -> str:
    """What was fixed, and what ``--fix`` / ``--unsafe-fixes`` would fix of what is shown."""
    from vidlint.fix import SAFE

    unsafe = run.fix is not None and run.fix.unsafe
    lines = []
    fixed = sum(f.fixes.count for f in run.files if f.fixes is not None)
    copies = sum(len(f.fixes.copies) for f in run.files if f.fixes is not None)
    writes = run.fix is not None and run.fix.apply and run.fix.write
    if fixed or copies:
        made = f" and {plural(copies, 'asset copy').replace('copys', 'copies')}" if copies else ""
        lines.append(f"{'Fixed' if writes else 'Would fix'} {plural(fixed, 'finding')}{made}.")
    for result in run.files:
        if result.fixes is not None:
            lines.extend(f"vidlint: {problem}" for problem in result.fixes.problems)
    fixes = [d.fix for f in run.files for d in f.diagnostics if d.fix is not None and d.fix.applies(True)]
    now = sum(1 for fix in fixes if fix.applicability == SAFE or unsafe)
    hidden = len(fixes) - now
    if now or hidden:
        text = f"[*] {now} fixable with --fix" if now else "No fixes available with --fix"
        if hidden:
            text += f" ({hidden} more with --unsafe-fixes)"
        lines.append(text + ".")
    return "\n".join(lines)


def render(run: LintRun, stream: TextIO, colour: str = "auto", quiet: bool = False, **_: Any) -> None:
    coloured = use_colour(stream, colour)

    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if coloured else text

    unsafe = run.fix is not None and run.fix.unsafe
    for result in run.files:
        for d in result.diagnostics:
            where = paint(f"{result.path}:{d.line}:{d.column}:", "1")
            tag = paint(f"{d.code} [{d.severity.label}]", _COLOURS[d.severity] + ";1")
            fixable = "[*] " if d.fix is not None and d.fix.applies(unsafe) else ""
            stream.write(f"{where} {tag} {fixable}{d.message}\n")
            if d.hint:
                stream.write(f"    {paint('hint:', '2')} {d.hint}\n")
    if not quiet:
        stream.write(summary_line(run) + "\n")
        fixes = fix_lines(run)
        if fixes:
            stream.write(fixes + "\n")
        estimates = [e for f in run.files for e in f.estimates]
        if estimates:
            from vidlint.check.estimate import summary_text

            stream.write(summary_text(estimates) + "\n")
        if run.online is not None:  # an --online run ends with what the network cost
            from vidlint.remote.online import format_stats_line

            stream.write(format_stats_line(run.online) + "\n")
