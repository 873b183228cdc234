"""The types of a lint run: how to lint (``LintOptions`` and its parts) and what it found
(``FileResult`` per file, ``LintRun`` for the whole run). ``vidlint.api`` runs it.

    LintOptions(fail_on=Severity.WARNING,
                inputs=Inputs(excludes=("drafts/*",)),
                assets=AssetOptions(asset_maps=[("https://cdn.example.com/", Path("media"))], online=True),
                costs=CostOptions(prices={"720p": 0.1}))
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from vidlint.core.diagnostics import Diagnostic, Severity
from vidlint.core.records import Record, field

if TYPE_CHECKING:
    from vidlint.settings.baseline import Baseline
    from vidlint.settings.config import Budget, Config
    from vidlint.probe.cache import ProbeCache


class Inputs(Record):
    """What is read besides the paths named: ``excludes``: glob patterns left out of the folder
    walk (the configuration's ``exclude`` syntax); ``stdin_bytes``: what "-" reads (None: read
    standard input); ``stdin_filename``: the name reported (and matched by per-file ignores)
    for "-" (a .jsonl name reads it as JSON Lines)."""

    excludes: tuple[str, ...] = ()
    stdin_bytes: bytes | None = None
    stdin_filename: str | None = None

    @property
    def stdin_jsonl(self) -> bool:
        return bool(self.stdin_filename and self.stdin_filename.endswith(".jsonl"))


class AssetOptions(Record):
    """How assets are checked. ``asset_maps``: (uri prefix, local mirror dir) pairs, the longest
    matching prefix wins; ``no_cache``: probe again instead of using the probe cache; ``online`` /
    ``offline_cache`` / ``allow_private_hosts``: --online, --offline-cache (earlier --online
    results only, no network), --allow-private-hosts (lift the SSRF guard). Built during the
    run: ``cache``, the probe cache (on first use), and ``session``, the online session
    (``vidlint.check.online.OnlineSession``, made by ``lint_paths``)."""

    asset_maps: list[tuple[str, Path]] = field(default_factory=list)
    no_cache: bool = False
    online: bool = False
    offline_cache: bool = False
    allow_private_hosts: bool = False
    cache: ProbeCache | None = None
    session: Any = None  # a vidlint.check.online.OnlineSession (which imports this module)

    def probe_cache(self) -> ProbeCache:
        if self.cache is None:
            from vidlint.probe.cache import ProbeCache

            self.cache = ProbeCache(enabled=not self.no_cache)
        return self.cache


class CostOptions(Record):
    """Prices and budget. ``prices``: USD per second by quality for any model, overriding the
    profile's; ``model_prices``: model -> quality -> USD per second (the configuration's, which
    win over ``prices``); ``budget``: the configuration's (set by ``lint_paths``)."""

    prices: dict[str, float] | None = None
    model_prices: dict[str, dict[str, float]] = field(default_factory=dict)
    budget: Budget | None = None

    def for_model(self, model: str) -> dict[str, float] | None:
        return self.model_prices.get(model) or self.prices


class LintOptions(Record):
    """How to lint. ``jobs``: processes for large runs (None: VIDLINT_JOBS or one per core).
    ``config`` / ``baseline``: the project's configuration and baseline (None: none applies)."""

    fail_on: Severity = Severity.ERROR
    inputs: Inputs = field(default_factory=Inputs)
    assets: AssetOptions = field(default_factory=AssetOptions)
    costs: CostOptions = field(default_factory=CostOptions)
    jobs: int | None = None
    config: Config | None = None
    baseline: Baseline | None = None

    @classmethod
    def from_config(cls, config: Config, **overrides: Any) -> LintOptions:
        """Options from a configuration; ``overrides`` (from the command line) win, asset maps add up."""
        options = cls(config=config, **overrides)
        options.assets.asset_maps = [*options.assets.asset_maps, *config.asset_maps]
        options.costs.model_prices = {**config.prices, **options.costs.model_prices}
        if config.fail_on is not None and "fail_on" not in overrides:
            options.fail_on = config.fail_on
        return options


class FileResult(Record):
    """What linting one file found. ``estimate_sites`` (with a budget): where each estimate's
    request is (pointer, line, column, record), for run totals."""

    path: str
    model: str | None
    diagnostics: list[Diagnostic]
    requests: int = 0
    estimates: list[dict[str, Any]] = field(default_factory=list)
    estimate_sites: list[tuple[str, int, int, int | None]] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


class LintRun(Record):
    """A whole run. ``path_errors``: one-line reasons for paths that could not be read (exit
    code 2); ``baselined`` / ``ignored``: findings hidden by the baseline / by per-file or
    pointer ignores; ``probes``: media probes performed and served from cache; ``online``
    (--online): bytes_transferred and requests."""

    files: list[FileResult]
    path_errors: list[str]
    fail_on: Severity = Severity.ERROR
    baselined: int = 0
    ignored: int = 0
    probes: dict[str, int] = field(default_factory=dict)
    online: dict[str, int] | None = None

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
