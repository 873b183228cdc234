"""``--format json``: the stable machine-readable report (version 1)."""

from __future__ import annotations

from functools import lru_cache
from json.encoder import encode_basestring as _string  # the C function json's encoder writes strings with
from typing import TYPE_CHECKING, Any, Callable, Iterator, TextIO

from vidlint.check.estimate import estimate_text
from vidlint.report import write_json_array
from vidlint.run import FileResult, LintRun
from vidlint.core.diagnostics import Diagnostic, Severity
from vidlint.core.wording import as_json

if TYPE_CHECKING:
    from vidlint.fix import Fix

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


def file_text(result: FileResult, encode: Callable[[Any], str]) -> str:
    """``encode(file_json(result))``: each finding written by ``diagnostic_text``, and the path,
    model and count as the encoder writes them (each call of ``encode`` costs ~5 us however
    small its value)."""
    path, model, requests = result.path, result.model, result.requests
    if path.__class__ is str and (model is None or model.__class__ is str) and requests.__class__ is int:
        head = f'{{"path": {_string(path)}, "model": {"null" if model is None else _string(model)}, "requests": {requests}'
    else:
        head = encode({"path": path, "model": model, "requests": requests})[:-1]
    text = f'{head}, "diagnostics": [{", ".join([diagnostic_text(d, encode) for d in result.diagnostics])}]'
    estimates = result.estimates
    if estimates:
        if encode is as_json:  # a shared estimate's text made once (see ``check.estimate.Estimate``)
            estimate = (estimate_text(estimates[0]) if len(estimates) == 1
                        else f'[{", ".join([estimate_text(one) for one in estimates])}]')
        else:
            estimate = encode(estimates[0] if len(estimates) == 1 else estimates)
        text += f', "estimate": {estimate}'
    return text + "}"


_LABELS = {severity: severity.label for severity in Severity}


@lru_cache(maxsize=256)
def _head(code: str, severity: Severity) -> str:
    """A finding's text up to its message: the same for every finding of a rule and severity."""
    return f'{{"code": {_string(code)}, "severity": "{_LABELS[severity]}", "message": '


@lru_cache(maxsize=256)
def _hint(hint: str | None) -> str:
    """A hint as JSON: most hints are a rule's fixed advice, met again and again (every VL502's);
    those that quote a value pass through (a few hundred kept, each cut short where it quotes)."""
    return "null" if hint is None else _string(hint)


def diagnostic_text(d: Diagnostic, encode: Callable[[Any], str]) -> str:
    """``encode(d.to_json())``, the strings written by the json module's own C function and the
    rest as the encoder writes it: building the dict and having the C encoder walk it cost
    about twice as much (a JSON report writes thousands); the part before the message and the
    hint are made once for each that recurs. A finding with a field of another type than usual
    (a number that is not an int: a bool is written "true"; a text that is not a string: the C
    function refuses it), or a fix with one, is encoded from ``to_json``."""
    record, fix = d.record, d.fix
    if d.line.__class__ is int and d.column.__class__ is int and (record is None or record.__class__ is int):
        try:
            fixed = "null" if fix is None else _fix_text(fix)
            if fixed is not None:
                return (f'{_head(d.code, d.severity)}{_string(d.message)}, "hint": {_hint(d.hint)}, '
                        f'"pointer": {_string(d.pointer)}, "line": {d.line}, "column": {d.column}, '
                        f'"record": {"null" if record is None else record}, "fix": {fixed}}}')
        except TypeError:  # a code, message, pointer, hint or fix text that is no string
            pass
    return encode(d.to_json())


def _fix_text(fix: Fix) -> str | None:
    """What ``Diagnostic.to_json`` makes of a fix, as the encoder writes it ("null": not placed);
    None: an edit's position that is no int (the encoder's way). Placing ~6% of the findings, the
    fixes were ~40% of the encoder's calls (~15 us each: the nested dicts of the edits)."""
    edits = fix.edits
    if not (edits or fix.remove_bom):
        return "null"
    written = []
    for edit in edits or ():
        line, column, end_line, end_column = edit.line, edit.column, edit.end_line, edit.end_column
        if not (line.__class__ is int and column.__class__ is int and end_line.__class__ is int
                and end_column.__class__ is int):
            return None
        written.append(f'{{"content": {_string(edit.content)}, "location": {{"line": {line}, "column": {column}}}, '
                       f'"end_location": {{"line": {end_line}, "column": {end_column}}}}}')
    bom = ', "remove_bom": true' if fix.remove_bom else ""
    return (f'{{"applicability": {_string(fix.applicability)}, "message": {_string(fix.message)}, '
            f'"edits": [{", ".join(written)}]{bom}}}')


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
        writer.add(run, result)
    writer.end(run)


class Writer:
    """The JSON report written as the results come: its lines for the files depend on nothing
    that comes later, and the summary is last, so ``vidlint lint --format json`` hands each
    result here as it arrives (``vidlint.api.lint_paths``'s ``sink``) instead of storing it
    for the report. Each line is one call to the C encoder (``indent`` would fall back to the
    pure-Python one, about half the cost of a large run's report). The entries are made here,
    fresh, so they hold no cycle to look for (checking costs a quarter of encoding). The lines
    are written ``LINES`` at a time (one write of ~50 KB costs ~2 us a line less than a write
    of each)."""

    LINES = 32

    def __init__(self, stream: TextIO, **_: Any) -> None:
        self.stream = stream
        self.encode = as_json
        stream.write(f'{{"version": {VERSION}, "files": [')
        self.separator = "\n"
        self._lines: list[str] = []  # not yet written

    def add(self, run: LintRun, result: FileResult | str) -> None:
        """A result's line, or that line made already (``result_text``, by a worker process)."""
        if isinstance(result, str):
            self._lines.append(result)
        elif result.spilled:
            self._write()
            self.stream.write(self.separator)
            _write_batch(result, self.stream, self.encode)
            self.separator = ",\n"
            return
        else:
            self._lines.append(file_text(result, self.encode))
        if len(self._lines) >= self.LINES:
            self._write()

    def _write(self) -> None:
        if self._lines:
            self.stream.write(self.separator + ",\n".join(self._lines))
            self.separator = ",\n"
            self._lines = []

    def end(self, run: LintRun) -> None:
        self._write()
        self.stream.write(f'\n], "summary": {self.encode(summary_json(run))}}}\n')


def result_text(result: FileResult) -> str:
    """What ``Writer.add`` writes of a result (after the separator), made where the result is:
    a worker process hands this text over instead of the pickled result (``lint_paths``'s
    ``encode``), so the process writing the report only writes it."""
    return file_text(result, as_json)


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
