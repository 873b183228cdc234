"""``--format markdown``: a summary for people reading a pull request or a CI run (the GitHub
Action appends it to ``$GITHUB_STEP_SUMMARY``): totals, findings by code with links to the
rules' documentation, the estimated cost per file, then every finding (folded)."""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterator, TextIO

from vidlint.run import LintRun
from vidlint.core.links import rule_url
from vidlint.core.wording import number

MAX_LISTED = 200  # findings listed one by one; a step summary holds at most 1 MiB


def cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def findings_by_code(run: LintRun) -> list[str]:
    from vidlint.rules.registry import load_all_rules

    rules = load_all_rules()
    counts = run.totals.by_code
    if not counts:
        return []
    rows = ["| Code | Severity | Findings | Rule |", "| --- | --- | ---: | --- |"]
    for (code, severity), count in sorted(counts.items(), key=lambda item: (-item[0][1], -item[1], item[0][0])):
        name = rules[code].name if code in rules else ""
        rows.append(f"| [{code}]({rule_url(code)}) | {severity.label} | {number(count)} | {cell(name)} |")
    return rows


def costs(run: LintRun) -> Iterator[str]:
    """The total, then one row per file with an estimate (written as the files are read)."""
    from vidlint.check.estimate import EstimateTotal, format_estimate

    total = run.totals.estimates
    if not total.requests:
        return
    yield from [f"**{cell(total.text())}**", "", "| File | Requests | Estimate |", "| --- | ---: | --- |"]
    for result in run.files:
        if result.estimates:
            shown = format_estimate(result.estimates[0]) if len(result.estimates) == 1 else EstimateTotal(
                result.estimates).text().removeprefix("Estimated cost: ")
            yield f"| `{cell(result.path)}` | {number(result.requests)} | {cell(shown)} |"


def listing(run: LintRun) -> Iterator[str]:
    """The first ``MAX_LISTED`` findings, folded."""
    found = sum(run.totals.counts.values())
    if not found:
        return
    yield from [f"<details><summary>{number(found)} finding{'s' if found != 1 else ''}</summary>", "",
                "| Location | Code | Severity | Message |", "| --- | --- | --- | --- |"]
    listed = 0
    for result in run.files:
        for d in islice(result.diagnostics, MAX_LISTED - listed):
            message = d.message + (f" (hint: {d.hint})" if d.hint else "")
            yield f"| `{cell(result.path)}:{d.line}:{d.column}` | {d.code} | {d.severity.label} | {cell(message)} |"
            listed += 1
        if listed == MAX_LISTED:
            break
    if found > MAX_LISTED:
        yield f"| … | | | {number(found - MAX_LISTED)} more: see the annotations or the full report |"
    yield from ["", "</details>"]


def render(run: LintRun, stream: TextIO, **_: Any) -> None:
    """The sections, blank-line separated, each written line by line as it is made."""
    from vidlint.report.text import summary_line

    head = ["## vidlint", "", summary_line(run)]
    head += [f"- :x: {cell(reason)}" for reason in run.path_errors]
    separator = ""
    for section in (head, findings_by_code(run), costs(run), listing(run)):
        lines = iter(section)
        first = next(lines, None)
        if first is None:
            continue
        stream.write(separator + first)
        for line in lines:
            stream.write("\n" + line)
        separator = "\n\n"
    stream.write("\n")
