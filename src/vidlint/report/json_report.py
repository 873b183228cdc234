"""``--format json``: the stable machine-readable report (version 1)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from vidlint.run import FileResult, LintRun
from vidlint.core.diagnostics import Severity

VERSION = 1


def file_json(result: FileResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": result.path,
        "model": result.model,
        "requests": result.requests,
        "diagnostics": [d.to_json() for d in result.diagnostics],
    }
    if result.estimates:
        entry["estimate"] = result.estimates[0] if len(result.estimates) == 1 else result.estimates
    return entry


def summary_json(run: LintRun, estimates: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``estimates``: every request's estimate, when the caller has already walked the files."""
    from vidlint.check.estimate import total_estimate

    summary: dict[str, Any] = {
        "files": run.request_files,
        "errors": run.count(Severity.ERROR),
        "warnings": run.count(Severity.WARNING),
        "infos": run.count(Severity.INFO),
    }
    if estimates is None:
        estimates = [e for f in run.files for e in f.estimates]
    if estimates:
        summary["estimate"] = total_estimate(estimates)
    if run.probes:
        summary["probes"] = run.probes
    if run.online is not None:
        summary["online"] = run.online
    return summary


def document(run: LintRun) -> dict[str, Any]:
    return {"version": VERSION, "files": [file_json(f) for f in run.files], "summary": summary_json(run)}


def render(run: LintRun, stream: TextIO, **_: Any) -> None:
    """Written file by file, one line per file (``document`` as JSON): the run's results are
    never all in memory, and each line is one call to the C encoder (``indent`` would fall
    back to the pure-Python one, about half the cost of a large run's report)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    estimates: list[dict[str, Any]] = []
    stream.write(f'{{"version": {VERSION}, "files": [')
    separator = "\n"
    for result in run.files:
        stream.write(separator + encode(file_json(result)))
        separator = ",\n"
        estimates.extend(result.estimates)
    stream.write(f'\n], "summary": {encode(summary_json(run, estimates))}}}\n')
