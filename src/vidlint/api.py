"""Programmatic entry points: lint files, folders, text.

>>> from vidlint.api import LintOptions, lint_paths
>>> run = lint_paths(["examples/"], LintOptions())
>>> run.exit_code
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from vidlint.check.pipeline import check_document
from vidlint.diagnostics import Diagnostic, Severity
from vidlint.load import PathError, Source, discover, is_json_schema, load_source, read_source
from vidlint.parallel import map_in_order

if TYPE_CHECKING:
    from vidlint.baseline import Baseline
    from vidlint.config import Budget, Config


@dataclass
class LintOptions:
    fail_on: Severity = Severity.ERROR
    excludes: tuple[str, ...] = ()
    stdin_jsonl: bool = False
    stdin_bytes: bytes | None = None
    stdin_filename: str | None = None  # the name reported (and matched by per-file ignores) for "-"
    asset_maps: tuple[tuple[str, Path], ...] = ()  # (uri prefix, local mirror dir)
    no_cache: bool = False  # probe assets again instead of using the probe cache
    prices: dict[str, float] | None = None  # USD per second by quality, overriding the profile's (any model)
    asset_options: Any = None  # built on first use by the pipeline; shares the probe cache
    online: bool = False  # probe http(s) assets over the network (--online)
    offline_cache: bool = False  # use earlier --online results only, no network (--offline-cache)
    allow_private_hosts: bool = False  # lift the SSRF guard (--allow-private-hosts)
    online_session: Any = None  # vidlint.remote.session.OnlineSession, made by lint_paths
    jobs: int | None = None  # processes for large runs; None: VIDLINT_JOBS or one per core
    # From configuration (``vidlint.config``); None: no configuration applies.
    config: Config | None = None
    baseline: Baseline | None = None
    model_prices: dict[str, dict[str, float]] = field(default_factory=dict)  # model -> quality -> USD per second
    budget: Budget | None = None  # set by lint_paths from the configuration

    @classmethod
    def from_config(cls, config: Config, **overrides: Any) -> "LintOptions":
        """Options from a configuration; ``overrides`` (from the command line) win, asset maps add up."""
        asset_maps = tuple(overrides.pop("asset_maps", ())) + tuple(config.asset_maps)
        options = cls(config=config, asset_maps=asset_maps, model_prices=dict(config.prices), **overrides)
        if config.fail_on is not None and "fail_on" not in overrides:
            options.fail_on = config.fail_on
        return options


@dataclass
class FileResult:
    path: str
    model: str | None
    diagnostics: list[Diagnostic]
    requests: int = 0
    estimates: list[dict[str, Any]] = field(default_factory=list)
    # With a budget: where each estimate's request is (pointer, line, column, record), for run totals.
    estimate_sites: list[tuple[str, int, int, int | None]] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


@dataclass
class LintRun:
    files: list[FileResult]
    path_errors: list[str]  # one-line reasons for paths that could not be read (exit code 2)
    fail_on: Severity = Severity.ERROR
    baselined: int = 0  # findings hidden because the baseline lists them
    ignored: int = 0  # findings hidden by per-file or pointer ignores
    probes: dict[str, int] = field(default_factory=dict)  # media probes performed / served from cache
    online: dict[str, int] | None = None  # --online: bytes_transferred and requests

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
    for document in loaded.documents:
        result = check_document(document, base_dir, options)
        diagnostics.extend(result.diagnostics)
        if options.budget is not None:
            diagnostics.extend(_request_budget(document, result.estimate, options.budget, sites))
        if result.model and result.model not in models:
            models.append(result.model)
        if result.estimate is not None:
            estimates.append(result.estimate)
    diagnostics.sort(key=lambda d: (d.line, d.column, d.code))
    model = models[0] if len(models) == 1 else None
    return FileResult(display, model, diagnostics, len(loaded.documents), estimates, sites)


def _request_budget(document: Any, estimate: dict[str, Any] | None, budget: Budget,
                    sites: list[tuple[str, int, int, int | None]]) -> list[Diagnostic]:
    from vidlint.check.rules.budget import budget_pointer, check_request_budget

    if estimate is None or not isinstance(document.value, dict):
        return []
    pointer = budget_pointer(document.value)
    line, column = document.locate(pointer)
    sites.append((pointer, line, column, document.record))
    return [document.place(d) for d in check_request_budget(budget, document.value, estimate)]


def _run_budget(result: FileResult, totals: Any) -> None:
    """VL703 / VL704: run totals are kept here, in file order, whatever process linted the file."""
    found = [d.with_position(line, column, record)
             for estimate, (pointer, line, column, record) in zip(result.estimates, result.estimate_sites)
             for d in totals.add(estimate, pointer)]
    if found:
        result.diagnostics = sorted(result.diagnostics + found, key=lambda d: (d.line, d.column, d.code))


def lint_source(source: Source, options: LintOptions) -> FileResult | None:
    """None for a file found by walking a folder that turns out to be a JSON Schema, not a request."""
    data = read_source(source, options.stdin_bytes)
    if source.found_by_walking and not source.jsonl and b"json-schema.org/" in data[:4096]:
        loaded = load_source(source, data)
        if len(loaded.documents) == 1 and is_json_schema(loaded.documents[0].value):
            return None
    base_dir = source.path.parent if source.path is not None else Path.cwd()
    return lint_bytes(source.display, data, source.jsonl, base_dir, options)


def prepare_workers() -> None:
    """Load once, before worker processes fork, what every worker would otherwise load itself."""
    from vidlint.check.pipeline import prepare_models

    prepare_models()


def _take_probe_counts() -> dict[str, int]:
    """A worker's probe counts since the last call (they are summed up in the parent)."""
    from vidlint.probe.core import STATS

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
                from vidlint.check.rules.budget import RunBudget

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
        for source, (result, error) in zip(sources, outcomes):
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
