"""Programmatic entry points: lint files, folders, text.

>>> from vidlint.api import LintOptions, lint_paths
>>> run = lint_paths(["examples/"], LintOptions())
>>> run.exit_code
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from vidlint.check.cascade import root_causes_first
from vidlint.check.pipeline import check_document
from vidlint.diagnostics import Diagnostic, Severity
from vidlint.load import PathError, Source, UnreadableFile, discover, is_json_schema, load_source, read_source
from vidlint.parallel import map_in_order
from vidlint.records import Record

if TYPE_CHECKING:
    from vidlint.baseline import Baseline
    from vidlint.config import Budget, Config


class LintOptions(Record):
    """How to lint. ``stdin_filename``: the name reported (and matched by per-file ignores) for
    "-"; ``asset_maps``: (uri prefix, local mirror dir) pairs; ``no_cache``: probe assets again
    instead of using the probe cache; ``prices``: USD per second by quality, overriding the
    profile's (any model); ``asset_options``: built on first use by the pipeline, shares the
    probe cache; ``online`` / ``offline_cache`` / ``allow_private_hosts``: --online,
    --offline-cache (earlier --online results only, no network), --allow-private-hosts (lift
    the SSRF guard); ``online_session``: a vidlint.remote.session.OnlineSession, made by
    lint_paths; ``jobs``: processes for large runs (None: VIDLINT_JOBS or one per core).
    From the configuration (``vidlint.config``; None: none applies): ``config``, ``baseline``,
    ``model_prices`` (model -> quality -> USD per second), ``budget`` (set by lint_paths).
    """

    __slots__ = ("fail_on", "excludes", "stdin_jsonl", "stdin_bytes", "stdin_filename", "asset_maps", "no_cache",
                 "prices", "asset_options", "online", "offline_cache", "allow_private_hosts", "online_session",
                 "jobs", "config", "baseline", "model_prices", "budget")

    def __init__(self, fail_on: Severity = Severity.ERROR, excludes: tuple[str, ...] = (), stdin_jsonl: bool = False,
                 stdin_bytes: bytes | None = None, stdin_filename: str | None = None,
                 asset_maps: tuple[tuple[str, Path], ...] = (), no_cache: bool = False,
                 prices: dict[str, float] | None = None, asset_options: Any = None, online: bool = False,
                 offline_cache: bool = False, allow_private_hosts: bool = False, online_session: Any = None,
                 jobs: int | None = None, config: Config | None = None, baseline: Baseline | None = None,
                 model_prices: dict[str, dict[str, float]] | None = None, budget: Budget | None = None) -> None:
        self.fail_on = fail_on
        self.excludes = excludes
        self.stdin_jsonl = stdin_jsonl
        self.stdin_bytes = stdin_bytes
        self.stdin_filename = stdin_filename
        self.asset_maps = asset_maps
        self.no_cache = no_cache
        self.prices = prices
        self.asset_options = asset_options
        self.online = online
        self.offline_cache = offline_cache
        self.allow_private_hosts = allow_private_hosts
        self.online_session = online_session
        self.jobs = jobs
        self.config = config
        self.baseline = baseline
        self.model_prices = {} if model_prices is None else model_prices
        self.budget = budget

    @classmethod
    def from_config(cls, config: Config, **overrides: Any) -> "LintOptions":
        """Options from a configuration; ``overrides`` (from the command line) win, asset maps add up."""
        asset_maps = tuple(overrides.pop("asset_maps", ())) + tuple(config.asset_maps)
        options = cls(config=config, asset_maps=asset_maps, model_prices=dict(config.prices), **overrides)
        if config.fail_on is not None and "fail_on" not in overrides:
            options.fail_on = config.fail_on
        return options


class FileResult(Record):
    """What linting one file found. ``estimate_sites`` (with a budget): where each estimate's
    request is (pointer, line, column, record), for run totals."""

    __slots__ = ("path", "model", "diagnostics", "requests", "estimates", "estimate_sites")

    def __init__(self, path: str, model: str | None, diagnostics: list[Diagnostic], requests: int = 0,
                 estimates: list[dict[str, Any]] | None = None,
                 estimate_sites: list[tuple[str, int, int, int | None]] | None = None) -> None:
        self.path = path
        self.model = model
        self.diagnostics = diagnostics
        self.requests = requests
        self.estimates = [] if estimates is None else estimates
        self.estimate_sites = [] if estimate_sites is None else estimate_sites

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


class LintRun(Record):
    """A whole run. ``path_errors``: one-line reasons for paths that could not be read (exit
    code 2); ``baselined`` / ``ignored``: findings hidden by the baseline / by per-file or
    pointer ignores; ``probes``: media probes performed and served from cache; ``online``
    (--online): bytes_transferred and requests."""

    __slots__ = ("files", "path_errors", "fail_on", "baselined", "ignored", "probes", "online")

    def __init__(self, files: list[FileResult], path_errors: list[str], fail_on: Severity = Severity.ERROR,
                 baselined: int = 0, ignored: int = 0, probes: dict[str, int] | None = None,
                 online: dict[str, int] | None = None) -> None:
        self.files = files
        self.path_errors = path_errors
        self.fail_on = fail_on
        self.baselined = baselined
        self.ignored = ignored
        self.probes = {} if probes is None else probes
        self.online = online

    def count(self, severity: Severity) -> int:
        return sum(f.count(severity) for f in self.files)

    @property
    def failed(self) -> bool:
        return any(d.severity >= self.fail_on for f in self.files for d in f.diagnostics)

    @property
    def exit_code(self) -> int:
        if self.path_errors:
            return 2
        return 1 if self.failed else 0


def lint_bytes(display: str, data: bytes, jsonl: bool, base_dir: Path | None,
               options: LintOptions | None = None) -> FileResult:
    options = options or LintOptions()
    loaded = load_source(Source(display, None, jsonl), data)
    diagnostics = list(loaded.diagnostics)
    if options.online_session is not None and len(loaded.documents) > 1:  # --online batch: probe all at once
        options.online_session.prefetch([d.value for d in loaded.documents], base_dir or Path.cwd(),
                                        list(options.asset_maps))
    models: list[str] = []
    estimates: list[dict[str, Any]] = []
    sites: list[tuple[str, int, int, int | None]] = []
    documents, count = loaded.documents, len(loaded.documents)
    for index in range(count):
        # Each request is let go once checked, so a large batch never holds every parsed
        # request and every result at the same time.
        document, documents[index] = documents[index], None  # type: ignore[call-overload]
        result = check_document(document, base_dir, options)
        diagnostics.extend(result.diagnostics)
        if options.budget is not None:
            diagnostics.extend(_request_budget(document, result.estimate, options.budget, sites))
        if result.model and result.model not in models:
            models.append(result.model)
        if result.estimate is not None:
            estimates.append(result.estimate)
    diagnostics.sort(key=lambda d: (d.line, d.column, d.code))
    diagnostics = root_causes_first(diagnostics)
    model = models[0] if len(models) == 1 else None
    return FileResult(display, model, diagnostics, count, estimates, sites)


def _request_budget(document: Any, estimate: dict[str, Any] | None, budget: Budget,
                    sites: list[tuple[str, int, int, int | None]]) -> list[Diagnostic]:
    from vidlint.rules.cost import budget_pointer, check_request_budget

    if estimate is None or not isinstance(document.value, dict):
        return []
    pointer = budget_pointer(document.value)
    line, column = document.locate(pointer)
    sites.append((pointer, line, column, document.record))
    return [document.place(d) for d in check_request_budget(budget, document.value, estimate)]


def _run_budget(result: FileResult, totals: Any) -> None:
    """VL703 / VL704: run totals are kept here, in file order, whatever process linted the file."""
    found = [d.with_position(line, column, record)
             for estimate, (pointer, line, column, record) in zip(result.estimates, result.estimate_sites, strict=False)
             for d in totals.add(estimate, pointer)]
    if found:
        result.diagnostics = root_causes_first(sorted(result.diagnostics + found, key=lambda d: (d.line, d.column, d.code)))


def lint_source(source: Source, options: LintOptions) -> FileResult | None:
    """None for a file found by walking a folder that turns out to be a JSON Schema, not a request."""
    try:
        data = read_source(source, options.stdin_bytes)
    except UnreadableFile as exc:  # this file is a finding; the others are linted
        from vidlint.rules.file import unreadable_file

        return FileResult(source.display, None, [unreadable_file.emit(
            f"the request file cannot be read: {exc.reason}", "", "make it readable by the user running vidlint")],
            0, [], [])
    if source.found_by_walking and not source.jsonl and b"json-schema.org/" in data[:4096]:
        loaded = load_source(source, data)
        if len(loaded.documents) == 1 and is_json_schema(loaded.documents[0].value):
            return None
    if source.path is not None:
        base_dir = source.path.parent
    else:  # stdin: relative asset paths resolve from --stdin-filename's folder (an editor's file)
        base_dir = Path(options.stdin_filename).parent.resolve() if options.stdin_filename else Path.cwd()
    return lint_bytes(source.display, data, source.jsonl, base_dir, options)


def prepare_workers() -> None:
    """Load once, before worker processes fork, what every worker would otherwise load itself."""
    from vidlint.check.pipeline import prepare_models

    prepare_models()


def _flush_probe_cache(options: LintOptions) -> None:
    """Write what this process's probe cache learned to its folder indexes."""
    cache = getattr(options.asset_options, "cache", None)
    if cache is not None:
        cache.flush()


def _take_probe_counts() -> dict[str, int]:
    """A worker's probe counts since the last call (they are summed up in the parent); the
    worker's probe cache writes its folder indexes at the same moment."""
    from vidlint.parallel import current_options
    from vidlint.probe.core import STATS

    _flush_probe_cache(current_options())
    counts = STATS.to_json()
    STATS.reset()
    return counts


def _add_probe_counts(counts: dict[str, int]) -> None:
    from vidlint.probe.core import STATS

    STATS.performed += counts.get("performed", 0)
    STATS.cached += counts.get("cached", 0)


def lint_paths(paths: Iterable[str], options: LintOptions | None = None) -> LintRun:
    options = options or LintOptions()
    from vidlint.probe.core import STATS

    run = LintRun([], [], options.fail_on)
    STATS.reset()
    sources, run.path_errors = discover(list(paths), options.excludes, options.stdin_jsonl)
    config = options.config
    suppressor = None
    run_totals = None
    if config is not None:
        from vidlint.suppress import Suppressor

        suppressor = Suppressor(config)
        if config.exclude:
            sources = [s for s in sources if s.path is None or not config.excluded(s.path)]
        if config.budget:
            options.budget = config.budget
            if config.budget.run:
                from vidlint.rules.cost import RunBudget

                run_totals = RunBudget(config.budget.run)
    if (options.online or options.offline_cache) and options.online_session is None:
        from vidlint.remote.online import RemoteOptions
        from vidlint.remote.session import OnlineSession

        options.online_session = OnlineSession(RemoteOptions.from_flags(
            allow_private_hosts=options.allow_private_hosts, offline_cache=options.offline_cache,
            use_cache=not options.no_cache))
    # Many files are spread over worker processes (see vidlint.parallel); the order is kept.
    # An online session (one HTTP client, one summary) stays in this process.
    jobs = 1 if options.online_session is not None else options.jobs
    try:
        outcomes = map_in_order(lint_source, sources, options, PathError, jobs, prepare_workers,
                                (_take_probe_counts, _add_probe_counts))
        for source, (result, error) in zip(sources, outcomes, strict=False):
            if error is not None:
                run.path_errors.append(error)
                continue
            if result is None:
                continue
            if source.path is None and options.stdin_filename:
                result.path = options.stdin_filename
            if run_totals is not None:
                _run_budget(result, run_totals)
            if suppressor is not None:
                suppressor.apply(result)
            if options.baseline is not None:
                options.baseline.apply(result)
            run.files.append(result)
    finally:
        _flush_probe_cache(options)
        if options.online_session is not None:
            options.online_session.close()
            run.online = options.online_session.summary()
    _report_stale_suppressions(run, options, suppressor)
    run.probes = STATS.to_json()
    return run


def _report_stale_suppressions(run: LintRun, options: LintOptions, suppressor: Any) -> None:
    """VL901 / VL902 findings, on the configuration and baseline files themselves."""
    if suppressor is None and options.baseline is None:
        return
    from vidlint.config_files import display_path

    if suppressor is not None:
        run.ignored = suppressor.suppressed
        stale = suppressor.stale()
        if stale:
            run.files.append(FileResult(display_path(suppressor.config.path), None, stale))
    baseline = options.baseline
    if baseline is not None:
        run.baselined = baseline.suppressed
        stale = baseline.stale()
        if suppressor is not None:
            stale = suppressor.select(stale)
        if stale:
            run.files.append(FileResult(display_path(baseline.path), None, stale))
