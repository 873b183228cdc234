"""Programmatic entry points: lint files, folders, text.

>>> from vidlint.api import LintOptions, lint_paths
>>> run = lint_paths(["examples/"], LintOptions())
>>> run.exit_code
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from vidlint.check.pipeline import check_document
from vidlint.diagnostics import Diagnostic, Severity
from vidlint.load import PathError, Source, discover, is_json_schema, load_source, read_source
from vidlint.parallel import map_in_order


@dataclass
class LintOptions:
    fail_on: Severity = Severity.ERROR
    excludes: tuple[str, ...] = ()
    stdin_jsonl: bool = False
    stdin_bytes: bytes | None = None
    asset_maps: tuple[tuple[str, Path], ...] = ()  # (uri prefix, local mirror dir)
    no_cache: bool = False  # probe assets again instead of using the probe cache
    prices: dict[str, float] | None = None  # USD per second by quality, overriding the profile's
    asset_options: Any = None  # built on first use by the pipeline; shares the probe cache
    online: bool = False  # probe http(s) assets over the network (--online)
    offline_cache: bool = False  # use earlier --online results only, no network (--offline-cache)
    allow_private_hosts: bool = False  # lift the SSRF guard (--allow-private-hosts)
    online_session: Any = None  # vidlint.remote.session.OnlineSession, made by lint_paths
    jobs: int | None = None  # processes for large runs; None: VIDLINT_JOBS or one per core


@dataclass
class FileResult:
    path: str
    model: str | None
    diagnostics: list[Diagnostic]
    requests: int = 0
    estimates: list[dict[str, Any]] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


@dataclass
class LintRun:
    files: list[FileResult]
    path_errors: list[str]  # one-line reasons for paths that could not be read (exit code 2)
    fail_on: Severity = Severity.ERROR
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
    for document in loaded.documents:
        result = check_document(document, base_dir, options)
        diagnostics.extend(result.diagnostics)
        if result.model and result.model not in models:
            models.append(result.model)
        if result.estimate is not None:
            estimates.append(result.estimate)
    diagnostics.sort(key=lambda d: (d.line, d.column, d.code))
    model = models[0] if len(models) == 1 else None
    return FileResult(display, model, diagnostics, len(loaded.documents), estimates)


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
        for result, error in map_in_order(lint_source, sources, options, PathError, jobs, prepare_workers,
                                          (_take_probe_counts, _add_probe_counts)):
            if error is not None:
                run.path_errors.append(error)
            elif result is not None:
                run.files.append(result)
    finally:
        if options.online_session is not None:
            options.online_session.close()
            run.online = options.online_session.summary()
    run.probes = STATS.to_json()
    return run
