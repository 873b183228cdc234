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
    try:
        for source in sources:
            try:
                result = lint_source(source, options)
            except PathError as exc:
                run.path_errors.append(str(exc))
                continue
            if result is not None:
                run.files.append(result)
    finally:
        if options.online_session is not None:
            options.online_session.close()
            run.online = options.online_session.summary()
    run.probes = STATS.to_json()
    return run
