"""The types of a lint run: how to lint (``LintOptions`` and its parts) and what it found
(``FileResult`` per file, ``LintRun`` for the whole run). ``vidlint.api`` runs it.

    LintOptions(fail_on=Severity.WARNING,
                inputs=Inputs(excludes=("drafts/*",)),
                assets=AssetOptions(asset_maps=[("https://cdn.example.com/", Path("media"))], online=True),
                costs=CostOptions(prices={"720p": 0.1}))
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from vidlint.core.diagnostics import Diagnostic, Severity
from vidlint.core.records import Record, field

if TYPE_CHECKING:
    from vidlint.fix import FixOptions, FixOutcome
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
    ``config`` / ``baseline``: the project's configuration and baseline (None: none applies).
    ``fix``: how to fix what is found (``--fix``, ``--unsafe-fixes``, ``--diff``), or None.
    ``dropped_codes``: codes whose rules are not run and whose other findings (schema, file) are
    dropped as soon as a request's checks made them, before they are placed (``lint_paths`` sets
    those its configuration's selection turns off: it would drop their findings later anyway, so
    ``--ignore VL502`` saves making and placing them).
    ``unplaced_codes``: codes whose findings the report will not show (the text report's
    folded asset infos, SARIF's infos: ``vidlint.report.unshown_codes``): made and counted, but
    not placed in their file (their line and column stay 1); the command line sets them."""

    fail_on: Severity = Severity.ERROR
    inputs: Inputs = field(default_factory=Inputs)
    assets: AssetOptions = field(default_factory=AssetOptions)
    costs: CostOptions = field(default_factory=CostOptions)
    jobs: int | None = None
    config: Config | None = None
    baseline: Baseline | None = None
    fix: FixOptions | None = None
    dropped_codes: frozenset[str] = frozenset()
    unplaced_codes: frozenset[str] = frozenset()

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
    request is (pointer, line, column, record), for run totals. ``settings_file``: a
    configuration or baseline file, whose findings are about its stale entries (VL901, VL902):
    shown like the others, not counted as a request file. ``fixes``: what fixing the file
    did, when the run fixes."""

    path: str
    model: str | None
    diagnostics: list[Diagnostic]
    requests: int = 0
    estimates: list[dict[str, Any]] = field(default_factory=list)
    estimate_sites: list[tuple[str, int, int, int | None]] = field(default_factory=list)
    settings_file: bool = False
    fixes: FixOutcome | None = field(default=None, init=False)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    @property
    def spilled(self) -> bool:
        """Whether its findings or estimates are kept on disk (a large JSON Lines batch's)."""
        return isinstance(self.diagnostics, SpilledList) or isinstance(self.estimates, SpilledList)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled once per file past the held few (ResultStore) and on the way back from
        # workers: a call with the fields is cheaper than a slotted object's generic state.
        return _file_result, (self.path, self.model, self.diagnostics, self.requests, self.estimates,
                              self.estimate_sites, self.settings_file, self.fixes)


def _file_result(path: str, model: str | None, diagnostics: list[Diagnostic], requests: int,
                 estimates: list[dict[str, Any]], estimate_sites: list[tuple[str, int, int, int | None]],
                 settings_file: bool, fixes: FixOutcome | None) -> FileResult:
    result = FileResult(path, model, diagnostics, requests, estimates, estimate_sites, settings_file)
    result.fixes = fixes
    return result


class RunTotals:
    """What a report's summary needs from every file of a run, added up file by file as the
    results arrive, so that no report walks (or holds) all the results again for its last lines:
    files, request files (not the configuration or baseline that stale suppressions are reported
    on), findings by severity and by (code, severity), the files whose worst finding is each
    severity, the cost estimate's total, and what fixing did or could do."""

    def __init__(self, results: Iterable[FileResult] = ()) -> None:
        from vidlint.check.estimate import EstimateTotal

        self.files = 0
        self.request_files = 0
        self.counts = {Severity.INFO: 0, Severity.WARNING: 0, Severity.ERROR: 0}
        self.by_code: Counter[tuple[str, Severity]] = Counter()
        self.worst: Counter[Severity] = Counter()  # files by their most severe finding
        self.estimates = EstimateTotal()
        self.fixed = 0  # findings fixed (or that --diff would fix)
        self.copies = 0  # asset copies written (or that --diff would write)
        self.fix_problems: list[str] = []
        self.safe_fixes = 0  # findings --fix would fix
        self.unsafe_fixes = 0  # findings only --unsafe-fixes would fix
        for result in results:
            self.add(result)

    def add(self, result: FileResult) -> None:
        self.add_findings(result)
        for estimate in result.estimates:
            self.estimates.add(estimate)

    def add_findings(self, result: FileResult) -> None:
        """All of ``add`` but the cost estimates (a worker adds these up for its results; the
        estimates are added in file order, since a sum of floats depends on its order)."""
        self.files += 1
        diagnostics = result.diagnostics
        self.request_files += not result.settings_file
        counts, by_code = self.counts, self.by_code
        worst = None
        for d in diagnostics:
            severity, fix = d.severity, d.fix
            counts[severity] += 1
            by_code[d.code, severity] += 1
            if worst is None or severity > worst:
                worst = severity
            if fix is not None and fix.applies(True):
                if fix.applies(False):
                    self.safe_fixes += 1
                else:
                    self.unsafe_fixes += 1
        if worst is not None:
            self.worst[worst] += 1
        if result.fixes is not None:
            self.fixed += result.fixes.count
            self.copies += len(result.fixes.copies)
            self.fix_problems.extend(result.fixes.problems)

    def add_totals(self, other: RunTotals, estimates: Iterable[dict[str, Any]]) -> None:
        """``other``'s figures but the estimates (``add_findings`` of later files), then those
        files' ``estimates`` in order: as if each file had been added here."""
        self.files += other.files
        self.request_files += other.request_files
        for severity, count in other.counts.items():
            self.counts[severity] += count
        self.by_code.update(other.by_code)
        self.worst.update(other.worst)
        self.fixed += other.fixed
        self.copies += other.copies
        self.fix_problems.extend(other.fix_problems)
        self.safe_fixes += other.safe_fixes
        self.unsafe_fixes += other.unsafe_fixes
        for estimate in estimates:
            self.estimates.add(estimate)

    def failing_files(self, fail_on: Severity) -> int:
        """Files with a finding at or above ``fail_on``."""
        return sum(n for severity, n in self.worst.items() if severity >= fail_on)


class _SpillFile:
    """An unnamed temporary file of pickled lists, each written whole and read back whole by
    where it starts: what ``SpilledList`` and ``ResultStore`` keep out of memory. Each read
    seeks, so walks of the file may interleave with each other and with writes."""

    def __init__(self, prefix: str) -> None:
        import tempfile

        self._file = tempfile.TemporaryFile(prefix=prefix)  # noqa: SIM115  # lives with its owner

    def write(self, items: list[Any]) -> int:
        """Where ``items`` start in the file, written as one pickle."""
        import pickle

        return self.write_pickled(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL))

    def write_pickled(self, data: bytes) -> int:
        """Where a list pickled elsewhere (a worker) or by ``write`` starts in the file, written as it is."""
        self._file.seek(0, 2)
        offset = self._file.tell()
        self._file.write(data)
        return offset

    def read(self, offset: int) -> list[Any]:
        import pickle

        self._file.seek(offset)
        return pickle.load(self._file)  # type: ignore[no-any-return]


class SpilledList:
    """A list that only grows at the end, holding its first ``HELD`` items in memory and
    pickling the rest, ``BATCH`` at a time, to an unnamed temporary file: the findings and
    estimates of a large JSON Lines batch, which a report walks once or twice. Iterating reads
    the file back a batch at a time; pickling the list (to a worker's parent) makes it a plain
    list. ``settled()`` gives a plain list when nothing was spilled."""

    HELD = 2000
    BATCH = 1000

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._head: list[Any] = []
        self._batch: list[Any] = []  # items past the head not yet written
        self._spill: _SpillFile | None = None
        self._offsets: list[int] = []  # where each written batch starts in the file
        self._length = 0
        self.extend(items)

    def append(self, item: Any) -> None:
        self._length += 1
        if len(self._head) < self.HELD:
            self._head.append(item)
            return
        self._batch.append(item)
        if len(self._batch) >= self.BATCH:
            if self._spill is None:
                self._spill = _SpillFile("vidlint-batch-")
            self._offsets.append(self._spill.write(self._batch))
            self._batch = []

    def extend(self, items: Iterable[Any]) -> None:
        for item in items:
            self.append(item)

    def settled(self) -> list[Any] | SpilledList:
        """A plain list of the items when they are all in memory, else this list."""
        return self._head + self._batch if self._spill is None else self

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Any]:
        yield from self._head
        if self._spill is not None:
            for offset in self._offsets:
                yield from self._spill.read(offset)
        yield from self._batch

    def __getitem__(self, index: int) -> Any:
        if 0 <= index < len(self._head):
            return self._head[index]
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (SpilledList, list)) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return list, (list(self),)

    def __repr__(self) -> str:
        return f"SpilledList({self._length} items)"


class PackedResults:
    """File results pickled where they were made (a worker process), for ``ResultStore.append_pickled``:
    the pickle of the list, how many it holds, their figures but the estimates (``totals``) and
    their estimates in order. ``texts``: in place of the pickle, what a report written as the
    results come writes of each (``encode``), made there too."""

    __slots__ = ("data", "count", "totals", "estimates", "texts")

    def __init__(self, data: bytes, count: int, totals: RunTotals, estimates: list[dict[str, Any]],
                 texts: list[str] | None = None) -> None:
        self.data, self.count, self.totals, self.estimates, self.texts = data, count, totals, estimates, texts

    @classmethod
    def of(cls, results: list[FileResult], encode: Callable[[FileResult], str] | None = None) -> PackedResults:
        """``encode``: the report's text of a result; a large JSON Lines batch's result (its
        findings on disk) is not made one text in memory: such a chunk is pickled."""
        import pickle

        totals = RunTotals()
        for result in results:
            totals.add_findings(result)
        estimates = [estimate for result in results for estimate in result.estimates]
        if encode is not None and not any(result.spilled for result in results):
            return cls(b"", len(results), totals, estimates, [encode(result) for result in results])
        return cls(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL), len(results), totals, estimates)


class ResultStore:
    """The file results of a run, in file order, without holding them all.

    The first ``HELD`` results stay in memory; later ones are pickled, ``BATCH`` at a time (one
    pickle for many results costs a fifth of one each), to an unnamed temporary file and read
    back a batch at a time whenever the store is iterated (the report walks them once), so a
    run's memory does not grow with its number of files. The summary's figures (``totals``) are
    added up as results arrive. A result read back from the file is a copy: apply suppressions
    and the baseline before ``append``, as ``lint_paths`` does.

    With a ``sink`` (a report written as the results come, ``vidlint.report.json_report``),
    each result is handed to it and only the totals are kept: such a store has nothing to
    iterate, and iterating it is an error rather than a report without files. A worker may
    have made the report's text of its results already: the sink is then handed that text.
    """

    HELD = 200  # small runs (the CLI's usual case, the editor, tests) never touch the disk
    BATCH = 100

    def __init__(self, results: Iterable[FileResult] = (), sink: Callable[[FileResult | str], None] | None = None) -> None:
        self._sink = sink
        self._held: list[FileResult] = []
        self._batch: list[FileResult] = []  # past the held ones, not yet written
        self._spill: _SpillFile | None = None
        # Past the held ones, in order: (where a written batch starts, how many results it holds),
        # or a result kept as it is because its findings are already on disk (a large JSON Lines
        # batch: a SpilledList, which pickling would read back whole).
        self._later: list[tuple[int, int] | FileResult] = []
        self._length = 0
        self.totals = RunTotals()
        for result in results:
            self.append(result)

    def append(self, result: FileResult) -> None:
        self.totals.add(result)
        self._length += 1
        if self._sink is not None:
            self._sink(result)
        elif len(self._held) < self.HELD:
            self._held.append(result)
        elif result.spilled:
            self._write_batch()
            self._later.append(result)
        else:
            self._batch.append(result)
            if len(self._batch) >= self.BATCH:
                self._write_batch()

    def append_pickled(self, packed: PackedResults) -> None:
        """The results a worker pickled (``PackedResults.of``), stored as they came: neither
        unpickled here nor pickled again (~30 us a result), and their figures added up. Texts
        a worker made for the sink go to it as they are, each in place of its result."""
        if packed.texts is not None:
            assert self._sink is not None
            for text in packed.texts:
                self._sink(text)
            self._length += packed.count
            self.totals.add_totals(packed.totals, packed.estimates)
            return
        if self._sink is not None or len(self._held) < self.HELD:  # for the report now, or held as results
            import pickle

            for result in pickle.loads(packed.data):
                self.append(result)
            return
        self._write_batch()
        if self._spill is None:
            self._spill = _SpillFile("vidlint-results-")
        self._later.append((self._spill.write_pickled(packed.data), packed.count))
        self._length += packed.count
        self.totals.add_totals(packed.totals, packed.estimates)

    def _write_batch(self) -> None:
        if not self._batch:
            return
        if self._spill is None:
            self._spill = _SpillFile("vidlint-results-")
        self._later.append((self._spill.write(self._batch), len(self._batch)))
        self._batch = []

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[FileResult]:
        if self._sink is not None:
            raise RuntimeError("the results of this run went to its report as they came; none are kept")
        yield from self._held
        for entry in self._later:
            yield from self._load(entry)
        yield from self._batch

    def _load(self, entry: tuple[int, int] | FileResult) -> list[FileResult]:
        if isinstance(entry, FileResult):
            return [entry]
        assert self._spill is not None
        return self._spill.read(entry[0])

    def __getitem__(self, index: int) -> FileResult:
        if self._sink is not None:
            raise RuntimeError("the results of this run went to its report as they came; none are kept")
        index = range(len(self))[index]
        if index < len(self._held):
            return self._held[index]
        index -= len(self._held)
        for entry in self._later:
            count = 1 if isinstance(entry, FileResult) else entry[1]
            if index < count:
                return self._load(entry)[index]
            index -= count
        return self._batch[index]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (ResultStore, list)) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ResultStore({len(self)} files)"


class LintRun(Record):
    """A whole run. ``path_errors``: one-line reasons for paths that could not be read (exit
    code 2); ``baselined`` / ``ignored``: findings hidden by the baseline / by per-file or
    pointer ignores; ``probes``: media probes performed and served from cache; ``online``
    (--online): bytes_transferred and requests; ``fix``: the run's fix options (None: the run
    neither fixes nor shows unsafe fixes as fixable); ``stdin_source``: the name "-" is reported
    under and what it read (reports quote source lines from it, never from a file of that name
    on disk: an editor pipes its unsaved buffer)."""

    files: list[FileResult] | ResultStore
    path_errors: list[str]
    fail_on: Severity = Severity.ERROR
    baselined: int = 0
    ignored: int = 0
    probes: dict[str, int] = field(default_factory=dict)
    online: dict[str, int] | None = None
    fix: FixOptions | None = field(default=None, init=False)
    stdin_source: tuple[str, bytes] | None = field(default=None, init=False)

    @property
    def totals(self) -> RunTotals:
        """The summary's figures: kept by a ResultStore as the files arrive, added up for a list."""
        if isinstance(self.files, ResultStore):
            return self.files.totals
        return RunTotals(self.files)

    def count(self, severity: Severity) -> int:
        return self.totals.counts[severity]

    @property
    def request_files(self) -> int:
        """How many request files were linted: not the configuration or baseline files with findings."""
        return self.totals.request_files

    @property
    def failed(self) -> bool:
        return self.totals.failing_files(self.fail_on) > 0

    @property
    def exit_code(self) -> int:
        if self.path_errors:
            return 2
        if self.fix is not None and self.fix.apply and not self.fix.write:  # --diff: 1 when there is one
            return 1 if any(f.fixes is not None and (f.fixes.changed or f.fixes.copies) for f in self.files) else 0
        return 1 if self.failed else 0
