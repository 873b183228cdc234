"""``--format markdown``: a summary for people reading a pull request or a CI run (the GitHub
Action appends it to ``$GITHUB_STEP_SUMMARY``): totals, findings by code with links to the
rules' documentation, the estimated cost per file, then every finding (folded)."""

from __future__ import annotations

from collections import Counter
from typing import Any, TextIO

from vidlint.api import LintRun
from vidlint.core.diagnostics import Severity
from vidlint.core.links import rule_url
from vidlint.core.wording import number

MAX_LISTED = 200  # findings listed one by one; a step summary holds at most 1 MiB


def cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def findings_by_code(run: LintRun) -> list[str]:
    from vidlint.rules.registry import load_all_rules

    rules = load_all_rules()
    counts: Counter[tuple[str, Severity]] = Counter((d.code, d.severity) for f in run.files for d in f.diagnostics)
    if not counts:
        return []
    rows = ["| Code | Severity | Findings | Rule |", "| --- | --- | ---: | --- |"]
    for (code, severity), count in sorted(counts.items(), key=lambda item: (-item[0][1], -item[1], item[0][0])):
        name = rules[code].name if code in rules else ""
        rows.append(f"| [{code}]({rule_url(code)}) | {severity.label} | {number(count)} | {cell(name)} |")
    return rows


def costs(run: LintRun) -> list[str]:
    from vidlint.check.estimate import format_estimate, summary_text

    estimates = [e for f in run.files for e in f.estimates]
    if not estimates:
        return []
    rows = [f"**{cell(summary_text(estimates))}**", "", "| File | Requests | Estimate |", "| --- | ---: | --- |"]
    for result in run.files:
        if result.estimates:
            shown = format_estimate(result.estimates[0]) if len(result.estimates) == 1 else summary_text(
                result.estimates).removeprefix("Estimated cost: ")
            rows.append(f"| `{cell(result.path)}` | {number(result.requests)} | {cell(shown)} |")
    return rows


def listing(run: LintRun) -> list[str]:
    found = [(f.path, d) for f in run.files for d in f.diagnostics]
    if not found:
        return []
    rows = [f"<details><summary>{number(len(found))} finding{'s' if len(found) != 1 else ''}</summary>", "",
            "| Location | Code | Severity | Message |", "| --- | --- | --- | --- |"]
    for path, d in found[:MAX_LISTED]:
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        rows.append(f"| `{cell(path)}:{d.line}:{d.column}` | {d.code} | {d.severity.label} | {cell(message)} |")
    if len(found) > MAX_LISTED:
        rows.append(f"| … | | | {number(len(found) - MAX_LISTED)} more: see the annotations or the full report |")
    return rows + ["", "</details>"]


def render(run: LintRun, stream: TextIO, **_: Any) -> None:
    from vidlint.report.text import summary_line

    head = ["## vidlint", "", summary_line(run)]
    head += [f"- :x: {cell(reason)}" for reason in run.path_errors]
    sections = [head, findings_by_code(run), costs(run), listing(run)]
    stream.write("\n\n".join("\n".join(lines) for lines in sections if lines) + "\n")
