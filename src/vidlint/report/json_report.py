"""``--format json``: the stable machine-readable report (version 1)."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator, TextIO

from vidlint.report import write_json_array
from vidlint.run import FileResult, LintRun, SpilledList
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
    totals = run.totals
    summary: dict[str, Any] = {
        "files": totals.request_files,
        "errors": totals.counts[Severity.ERROR],
        "warnings": totals.counts[Severity.WARNING],
        "infos": totals.counts[Severity.INFO],
    }
    if totals.estimates.requests:
        summary["estimate"] = totals.estimates.to_json()
    if run.probes:
        summary["probes"] = run.probes
    if run.online is not None:
        summary["online"] = run.online
    return summary


def document(run: LintRun) -> dict[str, Any]:
    return {"version": VERSION, "files": [file_json(f) for f in run.files], "summary": summary_json(run)}


def render(run: LintRun, stream: TextIO, **_: Any) -> None:
    """Written file by file, one line per file (``document`` as JSON): the run's results are
    never all in memory."""
    writer = Writer(stream)
    for result in run.files:
        writer.add(result)
    writer.end(run)


class Writer:
    """The JSON report written as the results come: its lines for the files depend on nothing
    that comes later, and the summary is last, so ``vidlint lint --format json`` hands each
    result here as it arrives (``vidlint.api.lint_paths``'s ``sink``) instead of storing it
    for the report. Each line is one call to the C encoder (``indent`` would fall back to the
    pure-Python one, about half the cost of a large run's report). The entries are made here,
    fresh, so they hold no cycle to look for (checking costs a quarter of encoding)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
        stream.write(f'{{"version": {VERSION}, "files": [')
        self.separator = "\n"

    def add(self, result: FileResult) -> None:
        stream = self.stream
        stream.write(self.separator)
        if isinstance(result.diagnostics, SpilledList) or isinstance(result.estimates, SpilledList):
            _write_batch(result, stream, self.encode)
        else:
            stream.write(self.encode(file_json(result)))
        self.separator = ",\n"

    def end(self, run: LintRun) -> None:
        self.stream.write(f'\n], "summary": {self.encode(summary_json(run))}}}\n')


_ITEMS = "\x00items\x00"  # where a list written item by item goes in the entry's text


def _write_batch(result: FileResult, stream: TextIO, encode: Callable[[Any], str]) -> None:
    """``file_json(result)`` for a large JSON Lines batch, its findings and estimates encoded
    one by one (a SpilledList keeps them on disk)."""
    entry = file_json(FileResult(result.path, result.model, [], result.requests))
    entry["diagnostics"] = _ITEMS
    lists: list[Iterator[dict[str, Any]]] = [(d.to_json() for d in result.diagnostics)]
    if result.estimates:
        entry["estimate"] = result.estimates[0] if len(result.estimates) == 1 else _ITEMS
        if len(result.estimates) > 1:
            lists.append(iter(result.estimates))
    pieces = encode(entry).split(encode(_ITEMS))
    stream.write(pieces[0])
    for items, piece in zip(lists, pieces[1:], strict=True):
        write_json_array(stream, items, encode)
        stream.write(piece)
