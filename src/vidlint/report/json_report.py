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


def summary_json(run: LintRun) -> dict[str, Any]:
    from vidlint.check.estimate import total_estimate

    summary: dict[str, Any] = {
        "files": len(run.files),
        "errors": run.count(Severity.ERROR),
        "warnings": run.count(Severity.WARNING),
        "infos": run.count(Severity.INFO),
    }
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
    # One write: json.dump with indent hands the stream thousands of small pieces.
    stream.write(json.dumps(document(run), ensure_ascii=False, indent=2) + "\n")
