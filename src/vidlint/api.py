"""Programmatic entry points: lint files, folders, text. The run's types (options, results)
are in ``vidlint.run`` and named here too.

>>> from vidlint.api import LintOptions, lint_paths
>>> run = lint_paths(["examples/"], LintOptions())
>>> run.exit_code
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, NamedTuple, Sequence, cast

from vidlint.check.cascade import root_causes_first
from vidlint.check.pipeline import RequestResult, check_document, check_requests, placed_result
from vidlint.core.diagnostics import Diagnostic, by_position
from vidlint.load import (LoadedFile, PathError, Source, UnreadableFile, discover, file_identity, is_tool_file, load_bytes,
                          read_source)
from vidlint.load.document import Document, load_record, parse_request
from vidlint.parallel import CpuWindow, Outcome, Packed, map_in_order
from vidlint.run import AssetOptions, CostOptions, FileResult, Inputs, LintOptions, LintRun, PackedResults, ResultStore

if TYPE_CHECKING:
    from vidlint.settings.config import Budget

__all__ = ["AssetOptions", "CostOptions", "FileResult", "Inputs", "LintOptions", "LintRun", "ResultStore",
           "lint_bytes", "lint_paths", "lint_source"]


class _Parsed(NamedTuple):
    """The usual file (one request, nothing found before it was parsed, no budget), parsed:
    its check is still to come (``_lint_request``)."""

    display: str
    document: Document
    base_dir: Path | None


def lint_bytes(display: str, data: bytes, jsonl: bool, base_dir: Path | None,
               options: LintOptions | None = None) -> FileResult:
    options = options or LintOptions()
    parsed = _usual_file(display, data, jsonl, base_dir, options) or _parse_or_lint(display, data, jsonl, base_dir,
                                                                                     options)
    return _lint_request(parsed, options) if isinstance(parsed, _Parsed) else parsed


def _usual_file(display: str, data: bytes, jsonl: bool, base_dir: Path | None, options: LintOptions) -> _Parsed | None:
    """The usual file parsed (``parse_request``): one request in a .json file, nothing found before
    it was parsed, no budget; None: anything else, for ``_parse_or_lint``."""
    if jsonl or options.costs.budget is not None:
        return None
    document = parse_request(display, data)
    return None if document is None else _Parsed(display, document, base_dir)


def _parse_or_lint(display: str, data: bytes, jsonl: bool, base_dir: Path | None,
                   options: LintOptions) -> FileResult | _Parsed:
    """``lint_bytes``, but the usual file is handed back parsed, its check not yet made."""
    if jsonl and options.assets.session is None:
        from vidlint.load.document import decode

        return _lint_batch(display, *decode(display, data), base_dir, options)
    loaded = load_bytes(display, data, jsonl)
    if len(loaded.documents) == 1 and not loaded.diagnostics and options.costs.budget is None:
        return _Parsed(display, loaded.documents[0], base_dir)
    return _lint_documents(display, loaded, base_dir, options)


def _lint_documents(display: str, loaded: LoadedFile, base_dir: Path | None, options: LintOptions) -> FileResult:
    """A file's requests checked in turn, its findings in position order, root causes first."""
    session = options.assets.session
    diagnostics = list(loaded.diagnostics)
    if session is not None and len(loaded.documents) > 1:  # --online batch: probe all at once
        session.prefetch([d.value for d in loaded.documents], base_dir or Path.cwd(), options.assets.asset_maps)
    models: list[str] = []
    estimates: list[dict[str, Any]] = []
    sites: list[tuple[str, int, int, int | None]] = []
    documents: list[Any] = loaded.documents
    for index, document in enumerate(documents):
        documents[index] = None  # let each request go once checked
        found, model, estimate, site = _check_record(document, base_dir, options)
        diagnostics.extend(found)
        _gather(models, estimates, sites, model, estimate, site)
    count = len(documents)
    diagnostics.sort(key=by_position)
    diagnostics = root_causes_first(diagnostics)
    model = models[0] if len(models) == 1 else None
    return FileResult(display, model, diagnostics, count, estimates, sites)


def _lint_request(parsed: _Parsed, options: LintOptions) -> FileResult:
    """``lint_bytes`` of the usual file (``_Parsed``)."""
    return _request_result(parsed.display, check_document(parsed.document, parsed.base_dir, options))


def _request_result(display: str, result: RequestResult) -> FileResult:
    """The usual file's result: its findings come from ``check_document`` in position order already."""
    estimate = result.estimate
    return FileResult(display, result.model or None, root_causes_first(result.diagnostics), 1,
                      [] if estimate is None else [estimate], [])


def _gather(models: list[str], estimates: Any, sites: list[tuple[str, int, int, int | None]],
            model: str | None, estimate: dict[str, Any] | None, site: tuple[str, int, int, int | None] | None) -> None:
    """One request's model, estimate and budget site added to its file's."""
    if site is not None:
        sites.append(site)
    if model and model not in models:
        models.append(model)
    if estimate is not None:
        estimates.append(estimate)


def _lint_batch(display: str, text: str | None, early: list[Diagnostic], base_dir: Path | None,
                options: LintOptions) -> FileResult:
    """A JSON Lines file, streamed: each record is parsed, checked and let go in turn, and its
    findings (in position order, root causes first) go to a SpilledList that keeps a large
    batch's findings on disk; the order is the one sorting all the file's findings would give,
    since each record is one line. A large batch is spread over worker processes."""
    from vidlint.load.document import no_records, record_spans
    from vidlint.load.positions import LineMap
    from vidlint.run import SpilledList

    if text is None:
        return FileResult(display, None, early, 0, [], [])
    spans = record_spans(text)
    if not spans:
        return FileResult(display, None, early or [no_records()], 0, [], [])
    line_map = LineMap(text)
    pending = sorted(early, key=by_position)  # the file's own findings (a byte order mark), placed among the records'
    diagnostics, estimates = SpilledList(), SpilledList()
    sites: list[tuple[str, int, int, int | None]] = []
    models: list[str] = []
    count = 0
    checked = _check_records(display, text, line_map, spans, base_dir, options)
    for (_, _, line), ((found, model, estimate, site), is_request) in zip(spans, checked, strict=True):
        count += is_request
        if pending and pending[0].line <= line:
            here = [d for d in pending if d.line <= line]
            pending = pending[len(here):]
            found = here + found
        diagnostics.extend(root_causes_first(sorted(found, key=by_position)))
        _gather(models, estimates, sites, model, estimate, site)
    diagnostics.extend(root_causes_first(pending))
    model = models[0] if len(models) == 1 else None
    # A SpilledList reads like a list (iteration, len), which is all a report asks of a result.
    return FileResult(display, model, cast("list[Diagnostic]", diagnostics.settled()), count,
                      cast("list[dict[str, Any]]", estimates.settled()), sites)


SPLIT_RECORDS = 2000  # a JSON Lines batch with more records is checked across the worker processes

Checked = tuple[list[Diagnostic], "str | None", "dict[str, Any] | None", "tuple[str, int, int, int | None] | None"]


def _check_records(display: str, text: str, line_map: Any, spans: list[Any], base_dir: Path | None,
                   options: LintOptions) -> Iterator[tuple[Checked, bool]]:
    """(diagnostics, model, estimate, budget site) for each record of a JSON Lines text, in
    order, and whether it is a request (a record that is not JSON gives its syntax error). A
    large batch is spread over worker processes like many files are (``vidlint.parallel``):
    forked workers inherit the text and the spans, and each parses its own records."""
    from functools import partial

    check = partial(_check_span, display, text, line_map, spans, base_dir)
    batch = (partial(_check_spans, display, text, line_map, spans, base_dir), BATCH_FILES)
    jobs = options.jobs if len(spans) > SPLIT_RECORDS else 1
    for checked, _ in map_in_order(check, range(len(spans)), options, PathError, jobs,
                                   prepare_workers, (_take_probe_counts, _add_probe_counts), batch=batch):
        yield checked


def _check_span(display: str, text: str, line_map: Any, spans: list[Any], base_dir: Path | None, index: int,
                options: LintOptions) -> tuple[Checked, bool]:
    return _check_spans(display, text, line_map, spans, base_dir, [index], options)[0][0]  # type: ignore[no-any-return]


def _check_spans(display: str, text: str, line_map: Any, spans: list[Any], base_dir: Path | None,
                 indices: Sequence[int], options: LintOptions) -> list[Outcome]:
    """``_check_span`` of each record, as outcomes: the records parsed, then their requests
    checked a stage at a time (``check_requests``), as ``lint_sources`` does with files."""
    parsed = [load_record(display, text, line_map, spans[index]) for index in indices]
    documents = [document for document in parsed if not isinstance(document, Diagnostic)]
    results = iter(check_requests([(document.value, base_dir) for document in documents], options,
                                  [document.plain for document in documents]))
    outcomes: list[Outcome] = []
    for document in parsed:
        if isinstance(document, Diagnostic):
            outcomes.append(((([document], None, None, None), False), None))
        else:
            outcomes.append(((_checked(document, placed_result(document, next(results), options), options), True), None))
    return outcomes


def _check_record(document: Any, base_dir: Path | None, options: LintOptions) -> Checked:
    return _checked(document, check_document(document, base_dir, options), options)


def _checked(document: Any, result: RequestResult, options: LintOptions) -> Checked:
    """A record's (diagnostics, model, estimate, budget site) from its placed result."""
    if options.costs.budget is None:
        return result.diagnostics, result.model, result.estimate, None
    sites: list[tuple[str, int, int, int | None]] = []
    found = result.diagnostics + _request_budget(document, result.estimate, options.costs.budget, sites)
    return found, result.model, result.estimate, sites[0] if sites else None


def _request_budget(document: Any, estimate: dict[str, Any] | None, budget: Budget,
                    sites: list[tuple[str, int, int, int | None]]) -> list[Diagnostic]:
    from vidlint.rules.cost import budget_pointer, check_request_budget

    if estimate is None or not isinstance(document.value, dict):
        return []
    pointer = budget_pointer(document.value)
    line, column = document.locate(pointer)
    sites.append((pointer, line, column, document.record))
    return document.place_all(check_request_budget(budget, document.value, estimate))


def _run_budget(result: FileResult, totals: Any) -> None:
    """VL703 / VL704: run totals are kept here, in file order, whatever process linted the file."""
    found = [d.with_position(line, column, record)
             for estimate, (pointer, line, column, record) in zip(result.estimates, result.estimate_sites, strict=False)
             for d in totals.add(estimate, pointer)]
    if found:
        result.diagnostics = root_causes_first(sorted([*result.diagnostics, *found], key=by_position))


def is_tool_text(display: str, data: bytes) -> bool:
    """Whether a .json file's bytes are a JSON Schema or a vidlint baseline, not a request (the
    text is parsed only when its start names one)."""
    if not _names_a_tool(data):
        return False
    loaded = load_bytes(display, data, False)
    return len(loaded.documents) == 1 and is_tool_file(loaded.documents[0].value)


def _names_a_tool(data: bytes) -> bool:
    """Whether the start of a file names a JSON Schema meta-schema or the baseline's format."""
    return data.find(b"json-schema.org/", 0, 4096) >= 0 or data.find(b'"vidlint-baseline"', 0, 4096) >= 0


def lint_source(source: Source, options: LintOptions) -> FileResult | None:
    """None for a file found by walking a folder that turns out to be a JSON Schema or a
    vidlint baseline, not a request."""
    parsed = _read_or_lint(source, options)
    return _lint_request(parsed, options) if isinstance(parsed, _Parsed) else parsed


BATCH_FILES = 32  # files linted a stage at a time by ``lint_sources``
READ_AHEAD_BYTES = 256 * 1024  # at most this much of a batch's files is read before the first is parsed


def lint_sources(sources: Sequence[Source], options: LintOptions) -> list[Outcome]:
    """``lint_source`` of each source, in order, as ``map_in_order`` outcomes (a ``PathError``:
    its line), a stage at a time: the files are read, then parsed, then the usual files (one
    request) are checked stage by stage (``check_requests``), then their findings placed and
    results made. The same results as file by file, for ~20% less CPU: each stage's code and
    data stay warm in the processor's caches over a batch (``BATCH_FILES``), where one file's
    path through all of them evicts the last file's."""
    outcomes: list[Outcome] = []
    parsed: list[tuple[int, _Parsed]] = []
    for source, data in _read_ahead(sources, options):
        try:
            got = _read_or_lint(source, options) if data is None else _lint_read(source, data, options)
        except PathError as exc:
            outcomes.append((None, str(exc)))
            continue
        if isinstance(got, _Parsed):
            parsed.append((len(outcomes), got))
        outcomes.append((got, None))
    data = None  # the last file's bytes are let go before the batch is checked (its text is kept)
    checked = check_requests([(file.document.value, file.base_dir) for _, file in parsed], options,
                             [file.document.plain for _, file in parsed])
    for (index, file), result in zip(parsed, checked, strict=True):
        outcomes[index] = (_request_result(file.display, placed_result(file.document, result, options)), None)
    return outcomes


def _read_ahead(sources: Sequence[Source], options: LintOptions) -> Iterator[tuple[Source, bytes | None]]:
    """Each source with its bytes, in order: a batch's files are read before the first is parsed,
    which keeps the reading's and the parsing's code warm (~3 us a file less than in turn). None:
    read in its turn by ``_read_or_lint``, which says why it cannot be read, or lets a JSON Lines
    batch's bytes go once decoded. Past ``READ_AHEAD_BYTES`` the files read so far are handed on
    before more are read: a folder of large requests is not held at once."""
    read: list[tuple[Source, bytes | None]] = []
    held = 0
    for source in sources:
        data = None
        if not source.jsonl:
            try:
                data = read_source(source, options.inputs.stdin_bytes)
            except PathError:
                pass
        read.append((source, data))
        if data is not None:
            held += len(data)
            if held > READ_AHEAD_BYTES:
                yield from read
                read, held = [], 0
    yield from read


def _read_or_lint(source: Source, options: LintOptions) -> FileResult | _Parsed | None:
    """``lint_source``, but the usual file is handed back parsed, its check not yet made."""
    try:
        data = read_source(source, options.inputs.stdin_bytes)
    except UnreadableFile as exc:  # this file is a finding; the others are linted
        from vidlint.rules.file import unreadable_file

        return FileResult(source.display, None, [unreadable_file.emit(
            f"the request file cannot be read: {exc.reason}", "", "make it readable by the user running vidlint")],
            0, [], [])
    if source.jsonl and options.assets.session is None:  # a batch: its bytes let go once decoded
        from vidlint.load.document import decode

        decoded = decode(source.display, data)
        del data
        return _lint_batch(source.display, *decoded, _base_dir(source, options), options)
    return _lint_read(source, data, options)


def _lint_read(source: Source, data: bytes, options: LintOptions) -> FileResult | _Parsed | None:
    """``_read_or_lint`` of a source's bytes."""
    base_dir = _base_dir(source, options)
    usual = _usual_file(source.display, data, source.jsonl, base_dir, options)
    if usual is not None:  # is_tool_text, asked of the value parsed: a request names its model
        skip = source.found_by_walking and is_tool_file(usual.document.value) and _names_a_tool(data)
        return None if skip else usual
    if source.found_by_walking and not source.jsonl and is_tool_text(source.display, data):
        return None
    return _parse_or_lint(source.display, data, source.jsonl, base_dir, options)


def _base_dir(source: Source, options: LintOptions) -> Path:
    """The folder a request's relative asset paths resolve from."""
    if source.location is not None:
        return folder_path(source.folder if source.folder is not None else os.path.dirname(source.location))
    # stdin: from --stdin-filename's folder (an editor's file)
    return Path(options.inputs.stdin_filename).parent.resolve() if options.inputs.stdin_filename else Path.cwd()


@functools.lru_cache(maxsize=64)
def folder_path(folder: str) -> Path:
    """The folder of request files as a Path (relative asset paths resolve from it), made once
    per folder: the files of a run mostly share a few (and a walk hands them one string per
    folder, whose hash is worked out once: ~5 us a file in the run with a folder per file)."""
    return Path(folder)


def prepare_workers() -> None:
    """Load once, before worker processes fork, what every worker needs whatever its files: the
    rules. A model's profile and validators are made where it is first met (~3 ms each, ~30 ms
    for the first: jsonschema-rs's import): a run mostly uses one or two models of the 33, and
    the files linted before forking (the sample that prices the run) have usually made them
    already, so the workers inherit them. (Making all of them here cost ~150 ms before any worker
    started.)"""
    from vidlint.rules.registry import load_all_rules

    load_all_rules()


def _flush_probe_cache(options: LintOptions) -> None:
    """Write what this process's probe cache learned to its folder indexes."""
    cache = options.assets.cache
    if cache is not None:
        cache.flush()


def _take_probe_counts() -> dict[str, int]:
    """A worker's probe counts since the last call (they are summed up in the parent); the
    worker's probe cache writes its folder indexes at the same moment."""
    from vidlint.parallel import current_options
    from vidlint.probe.model import STATS

    _flush_probe_cache(current_options())
    counts = STATS.to_json()
    STATS.reset()
    return counts


def _add_probe_counts(counts: dict[str, int]) -> None:
    from vidlint.probe.model import STATS

    STATS.performed += counts.get("performed", 0)
    STATS.cached += counts.get("cached", 0)


def lint_paths(paths: Iterable[str], options: LintOptions | None = None,
               sink: Callable[[LintRun, FileResult | str], None] | None = None,
               encode: Callable[[FileResult], str] | None = None) -> LintRun:
    """Lint the files named and found under the folders named. With a ``sink``, each file's
    result (suppressions, baseline and fixes applied) is handed to it with the run, in file
    order, as it is ready, and the run keeps only its totals (``ResultStore``): a report
    that is written as the results come. ``encode``: what that report writes of a result
    (``json_report.result_text``); a worker process makes it of its own results when nothing
    is done to them here, and the sink is handed the text in place of the result."""
    options = options or LintOptions()
    window = CpuWindow()  # the other CPUs' idle time, measured from here, decides whether to fork
    from vidlint.probe.model import STATS

    run = LintRun([], [], options.fail_on)
    run.files = ResultStore(sink=functools.partial(sink, run) if sink is not None else None)
    run.fix = options.fix
    STATS.reset()
    config = options.config
    # the configuration and baseline in use are no requests, however they were named
    own = {file_identity(settings.path) for settings in (config, options.baseline) if settings is not None}
    sources, run.path_errors = discover(list(paths), options.inputs.excludes, options.inputs.stdin_jsonl, own)
    suppressor = None
    run_totals = None
    if config is not None:
        from vidlint.settings.suppressions import Suppressor

        suppressor = Suppressor(config)
        options.dropped_codes = suppressor.dropped_codes()  # dropped by it anyway: not even placed
        if config.exclude:
            sources = [s for s in sources if s.location is None or not config.excluded(s.location)]
        if config.budget:
            options.costs.budget = config.budget
            if config.budget.run:
                from vidlint.rules.cost import RunBudget

                run_totals = RunBudget(config.budget.run)
    assets = options.assets
    if (assets.online or assets.offline_cache) and assets.session is None:
        from vidlint.check.online import OnlineSession
        from vidlint.remote.online import RemoteOptions

        assets.session = OnlineSession(RemoteOptions.from_flags(
            allow_private_hosts=assets.allow_private_hosts, offline_cache=assets.offline_cache,
            use_cache=not assets.no_cache))
    # Many files are spread over worker processes (see vidlint.parallel); the order is kept.
    # An online session (one HTTP client, one summary) stays in this process.
    jobs = 1 if assets.session is not None else options.jobs
    # Nothing done here to a worker's results (no configuration, baseline, run budget, fixing or
    # stdin): they go to the store as the worker pickled them.
    as_they_come = (suppressor is None and options.baseline is None and run_totals is None and options.fix is None
                    and all(source.location is not None for source in sources))
    try:
        outcomes = map_in_order(lint_source, sources, options, PathError, jobs, prepare_workers,
                                (_take_probe_counts, _add_probe_counts),
                                functools.partial(_pack, encode if sink is not None else None) if as_they_come else None,
                                window, (lint_sources, BATCH_FILES))
        index = 0
        for result, error in outcomes:
            if isinstance(result, Packed):
                path_errors, packed = result.value
                run.path_errors.extend(path_errors)
                run.files.append_pickled(packed)
                index += result.items
                continue
            source = sources[index]
            index += 1
            if error is not None:
                run.path_errors.append(error)
                continue
            if result is None:
                continue
            if source.location is None:
                if options.inputs.stdin_filename:
                    result.path = options.inputs.stdin_filename
                run.stdin_source = (result.path, options.inputs.stdin_bytes or b"")
            if run_totals is not None:
                _run_budget(result, run_totals)
            if suppressor is not None:
                result.diagnostics = suppressor.apply(result.path, result.diagnostics)
            if options.baseline is not None:
                result.diagnostics = options.baseline.apply(result.path, result.diagnostics)
            if options.fix is not None and source.location is not None:
                from vidlint.fix.apply import fix_source

                fix_source(source, result, options, suppressor.select if suppressor is not None else list, lint_bytes)
            run.files.append(result)
    finally:
        _flush_probe_cache(options)
        if assets.session is not None:
            assets.session.close()
            run.online = assets.session.summary()
    _report_stale_suppressions(run, options, suppressor)
    run.probes = STATS.to_json()
    return run


def _pack(encode: Callable[[FileResult], str] | None,
          outcomes: list[tuple[FileResult | None, str | None]]) -> tuple[list[str], PackedResults]:
    """In a worker: a chunk's path errors, and its results pickled for the store (or, with
    ``encode``, the report's text of each)."""
    return [error for _, error in outcomes if error is not None], PackedResults.of(
        [result for result, _ in outcomes if result is not None], encode)


def _report_stale_suppressions(run: LintRun, options: LintOptions, suppressor: Any) -> None:
    """VL901 / VL902 findings, on the configuration and baseline files themselves."""
    if suppressor is None and options.baseline is None:
        return
    from vidlint.settings.discovery import display_path

    if suppressor is not None:
        run.ignored = suppressor.suppressed
        stale = suppressor.stale()
        if stale:
            run.files.append(FileResult(display_path(suppressor.config.path), None, stale, settings_file=True))
    baseline = options.baseline
    if baseline is not None:
        run.baselined = baseline.suppressed
        stale = baseline.stale()
        if suppressor is not None:
            stale = suppressor.select(stale)
        if stale:
            run.files.append(FileResult(display_path(baseline.path), None, stale, settings_file=True))


# --- fixes (``vidlint lint --fix``; the editor's code actions) -------------------------------


def fixable_diagnostics(display: str, data: bytes, jsonl: bool, base_dir: Path | None,
                        options: LintOptions | None = None) -> list[Diagnostic]:
    """The diagnostics of a request file's bytes that carry a fix (``d.fix``: applicability,
    message, and edits as offsets, lines and columns of the text without a byte order mark)."""
    return [d for d in lint_bytes(display, data, jsonl, base_dir, options).diagnostics
            if d.fix is not None and (d.fix.edits or d.fix.remove_bom)]


def fix_bytes(display: str, data: bytes, jsonl: bool, base_dir: Path | None, options: LintOptions | None = None,
              unsafe: bool = False) -> tuple[bytes, list[Diagnostic]]:
    """A request file's bytes with every applicable fix applied (safe ones; ``unsafe``: those
    too), in passes until nothing changes, and the diagnostics that remain. Nothing is written."""
    from vidlint.fix.apply import fix_bytes as fix_passes

    outcome, remaining = fix_passes(data, lambda content: lint_bytes(display, content, jsonl, base_dir,
                                                                     options).diagnostics, unsafe)
    return outcome.after, remaining
