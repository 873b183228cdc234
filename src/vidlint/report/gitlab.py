"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of issues with ``description``, ``check_name``, ``fingerprint`` (stable across
line shifts, unique in the report), ``severity`` and ``location.path`` / ``location.lines.begin``.
"""

from __future__ import annotations

import hashlib
from itertools import islice
from typing import Any, Iterator, TextIO

from vidlint.report import indented_json, write_json_array
from vidlint.run import FileResult, LintRun
from vidlint.core.diagnostics import Severity
from vidlint.core.fingerprint import fingerprint, portable_path

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def issues(run: LintRun) -> Iterator[dict[str, Any]]:
    """The issues, file by file. Fingerprints start with the file's path, so only the findings
    of one file can repeat one; a file seen again under the same path (rare) is checked
    against its earlier findings."""
    seen: set[str] = set()
    done: set[str] = set()  # portable paths whose findings are behind us
    current = None
    for index, result in enumerate(run.files):
        path = portable_path(result.path)
        if path != current:
            if current is not None:
                done.add(current)
            current, seen = path, set()
            if path in done:
                for earlier in islice(run.files, index):
                    if portable_path(earlier.path) == path:
                        seen.update(_fingerprints(earlier, seen))
        for unique, d in zip(_fingerprints(result, seen), result.diagnostics, strict=True):
            description = d.message + (f" (hint: {d.hint})" if d.hint else "")
            yield {
                "type": "issue",
                "description": f"{d.code}: {description}",
                "check_name": d.code,
                "fingerprint": unique,
                "severity": SEVERITIES[d.severity],
                "categories": ["Bug Risk"],
                "location": {"path": path, "lines": {"begin": d.line}},
            }


def _fingerprints(result: FileResult, seen: set[str]) -> Iterator[str]:
    """Each finding's fingerprint, made unique against ``seen`` (which it adds to)."""
    for d in result.diagnostics:
        print_ = fingerprint(result.path, d)
        repeat = 1
        unique = print_
        while unique in seen:  # the same finding twice in one file: keep fingerprints unique
            repeat += 1
            unique = hashlib.sha256(f"{print_}#{repeat}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen.add(unique)
        yield unique


def render(run: LintRun, stream: TextIO, **_: Any) -> None:
    """``json.dump(list(issues(run)), indent=2)``, written issue by issue."""
    write_json_array(stream, issues(run), indented_json, "\n  ")
    stream.write("\n")
