"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of issues with ``description``, ``check_name``, ``fingerprint`` (stable across
line shifts, unique in the report), ``severity`` and ``location.path`` / ``location.lines.begin``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from vidlint.run import LintRun
from vidlint.core.diagnostics import Severity
from vidlint.core.fingerprint import fingerprint, portable_path

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def issues(run: LintRun) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for result in run.files:
        for d in result.diagnostics:
            print_ = fingerprint(result.path, d)
            repeat = 1
            unique = print_
            while unique in seen:  # the same finding twice in one file: keep fingerprints unique
                repeat += 1
                unique = hashlib.sha256(f"{print_}#{repeat}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
            seen.add(unique)
            description = d.message + (f" (hint: {d.hint})" if d.hint else "")
            found.append({
                "type": "issue",
                "description": f"{d.code}: {description}",
                "check_name": d.code,
                "fingerprint": unique,
                "severity": SEVERITIES[d.severity],
                "categories": ["Bug Risk"],
                "location": {"path": portable_path(result.path), "lines": {"begin": d.line}},
            })
    return found


def render(run: LintRun, stream: TextIO, **_: Any) -> None:
    json.dump(issues(run), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
