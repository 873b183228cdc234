"""Lint many files on several cores, keeping the order of the files.

Linting is CPU-bound pure Python, so one process uses one core. For a large run the files
are cut into chunks, and this process and forked worker processes take the next chunk in
turn from a shared counter until none is left (fork: the workers inherit the imported
modules, compiled validators and options, so nothing but chunk numbers goes in and results
come back). This process lints too: N processes are this one and N - 1 workers, so two cores
cost one fork (and its memory), and a busy machine that leaves this process alone to work
costs little more than a run without workers. Results are handed on in file order, so the
output is the same as a sequential run's, byte for byte. When the next chunk in order is a
worker's and this process has nothing else to do, it waits about 1.5 times as long as that
chunk would take it, then lints that chunk too and drops the worker's copy: a worker
slowed down by other work (or killed) never makes the run much slower than one process.

Small runs stay in one process: forking costs more than it saves below ``MIN_FILES``. From
there the first files (``SAMPLE_FILES``, and more until ``SAMPLE_SECONDS`` have passed since the
run began finding its files) are linted in this process and timed, and workers are forked only
when the measured cost per file says they beat this process on the CPUs that were really free
meanwhile (idle time from ``/proc/stat`` since the run began; the load average, which trails
the last minute, where that is unknown): each file
a worker returns costs this process ~``TRANSFER_SECONDS`` to take back, and each worker
~``START_SECONDS`` to start. ``VIDLINT_JOBS`` (or ``LintOptions.jobs``) sets the number of
processes; 1 turns this off. Only where ``fork`` is the safe, native way to start processes
(Linux); elsewhere sequential.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Callable, Iterator, Sequence

JOBS_ENV = "VIDLINT_JOBS"
MIN_FILES = 400  # below this a worker's start-up (~20-30 ms) outweighs the gain
SAMPLE_FILES = 100  # linted here first, timed, to price the rest
# and more until this long since the run began (finding the files counts), so that the idle time
# measured is more than a few clock ticks (10 ms each, per CPU: 20 of them on two CPUs); the
# other CPUs idle meanwhile
SAMPLE_SECONDS = 0.1
TRANSFER_SECONDS = 30e-6  # this process's cost to take back one file's result (unpickle, order)
START_SECONDS = 0.03  # forking and starting one worker
CHUNKS_PER_PROCESS = 8  # small enough to balance uneven files, large enough to amortise pickling
MIN_CHUNK_FILES = 25
# A chunk's results are held whole, in the worker and then in this process: a cap keeps memory
# independent of the number of files (50,000 files were ~3,000 per chunk, ~290 MB in all).
MAX_CHUNK_FILES = 200
WAIT_SECONDS = 0.5  # a worker's chunk takes this long, until this process has timed one of its own
HELD_CHUNKS = 4  # per process: chunks done ahead of their turn that this process holds before it waits

Outcome = tuple[Any, "str | None"]  # (result, None) or (None, one-line path error)
Batch = tuple[Callable[[Sequence[Any], Any], "list[Outcome]"], int]  # (outcomes of several items at once, how many)


class Packed:
    """A worker's chunk handed on as one outcome ``(Packed, None)`` in place of its ``items``
    outcomes: ``value`` is what ``map_in_order``'s ``pack`` made of them in the worker."""

    __slots__ = ("items", "value")

    def __init__(self, items: int, value: Any) -> None:
        self.items, self.value = items, value

# True in a worker, and in this process while its workers run: work met there that could be
# spread (a large JSON Lines batch) is done where it is met.
_BUSY = False
# Set in this process just before forking; the workers read it (nothing is pickled on the way in).
_JOB: _Job | None = None


class _Job:
    """What the processes of one spread run share: the work, and where the next chunk is."""

    def __init__(self, func: Callable[..., Any], items: Sequence[Any], options: Any, error_type: type[Exception],
                 take_counts: Callable[[], Any] | None, bounds: list[tuple[int, int]], context: Any,
                 pack: Callable[[list[Outcome]], Any] | None = None, batch: Batch | None = None) -> None:
        self.func, self.items, self.options, self.error_type = func, items, options, error_type
        self.batch = batch
        self.pack = pack
        self.take_counts = take_counts
        self.bounds = bounds
        self.next_chunk = context.RawValue("q", 0)
        self.lock = context.Lock()
        self.results = context.Queue()

    def claim(self) -> int:
        """The next chunk's number (past the last: none left)."""
        with self.lock:
            chunk = self.next_chunk.value
            self.next_chunk.value = chunk + 1
        return int(chunk)

    def run_chunk(self, chunk: int) -> list[Outcome]:
        start, stop = self.bounds[chunk]
        return _run(self.func, self.batch, self.items, start, stop, self.options, self.error_type)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def job_count(requested: int | None, files: int) -> int:
    """How many processes to use for ``files`` files (1 = this process only), before any file
    is timed: ``map_in_order`` may still stay in one process when workers would not pay."""
    if requested is None:
        text = os.environ.get(JOBS_ENV, "").strip()
        if text.isdigit():
            requested = int(text)
    if requested is not None:
        jobs = max(1, requested)
    else:
        jobs = available_cpus() if files >= MIN_FILES else 1
    if _BUSY or not sys.platform.startswith("linux"):
        return 1
    return max(1, min(jobs, files // 50 or 1))


def idle_seconds() -> float | None:
    """Seconds the CPUs this process may run on have spent idle since boot (``/proc/stat``),
    or None where that is not known."""
    try:
        cpus = os.sched_getaffinity(0)
        with open("/proc/stat", "rb") as stat:
            lines = stat.read().splitlines()
        ticks = 0
        for line in lines:
            fields = line.split()
            if fields and fields[0].startswith(b"cpu") and fields[0][3:].isdigit() and int(fields[0][3:]) in cpus:
                ticks += int(fields[4]) + int(fields[5])  # idle, iowait
        return ticks / os.sysconf("SC_CLK_TCK")
    except (AttributeError, OSError, ValueError, IndexError):
        return None


class CpuWindow:
    """How many CPUs were free while this process linted its first files: the time they were
    idle plus the time this process ran, over the time that passed."""

    def __init__(self) -> None:
        self.wall, self.own, self.idle = time.perf_counter(), time.process_time(), idle_seconds()

    def elapsed(self) -> float:
        return time.perf_counter() - self.wall

    def free_cpus(self) -> float:
        elapsed, idle = self.elapsed(), idle_seconds()
        if self.idle is None or idle is None or elapsed <= 0:
            return free_cpus()
        used = idle - self.idle + time.process_time() - self.own
        return max(1.0, min(float(available_cpus()), used / elapsed))


def free_cpus() -> float:
    """CPUs not busy with other work by the 1-minute load average: the available ones minus the
    load (this process counted as free: it is part of the load)."""
    cpus = available_cpus()
    try:
        load = os.getloadavg()[0]
    except OSError:
        return float(cpus)
    return max(1.0, min(float(cpus), cpus - load + 1))


def workers_pay(seconds_per_file: float, files: int, jobs: int, cpus: float) -> bool:
    """Whether ``jobs`` processes (this one and ``jobs - 1`` workers) on ``cpus`` free CPUs lint
    ``files`` files, each costing ``seconds_per_file`` in one process, clearly faster than this
    process alone."""
    cores = min(float(jobs), cpus)
    if cores < 1.5:
        return False
    alone = files * seconds_per_file
    returned = files * (jobs - 1) / jobs  # the files the workers lint, taken back here
    spread = alone / cores + returned * TRANSFER_SECONDS + (jobs - 1) * START_SECONDS
    return spread < 0.8 * alone


def chunk_bounds(first: int, end: int, count: int) -> list[tuple[int, int]]:
    """Items ``first`` to ``end`` cut into chunks (start, stop) for ``count`` processes: ``count
    x CHUNKS_PER_PROCESS`` chunks of at most ``MAX_CHUNK_FILES``, the last ``count`` chunks' worth
    cut into ``MIN_CHUNK_FILES``: when one process takes the last chunk the others, done, wait
    for it, and a small one keeps that wait short (a large run's 200-file chunk is ~0.1 s)."""
    size = min(MAX_CHUNK_FILES, max(MIN_CHUNK_FILES, -(-(end - first) // (count * CHUNKS_PER_PROCESS))))
    tail = max(first, end - count * size) if size > MIN_CHUNK_FILES else end
    bounds = [(start, min(start + size, tail)) for start in range(first, tail, size)]
    return bounds + [(start, min(start + MIN_CHUNK_FILES, end)) for start in range(tail, end, MIN_CHUNK_FILES)]


def current_options() -> Any:
    """In a worker: the options of the job it runs."""
    assert _JOB is not None
    return _JOB.options


def _one(func: Callable[..., Any], item: Any, options: Any, error_type: type[Exception]) -> Outcome:
    try:
        return func(item, options), None
    except error_type as exc:
        return None, str(exc)


def _run(func: Callable[..., Any], batch: Batch | None, items: Sequence[Any], start: int, stop: int, options: Any,
         error_type: type[Exception]) -> list[Outcome]:
    """The outcomes of ``items[start:stop]``: ``func`` of each, or ``batch`` of each run of its size."""
    if batch is None:
        return [_one(func, items[i], options, error_type) for i in range(start, stop)]
    many, size = batch
    outcomes: list[Outcome] = []
    for first in range(start, stop, size):
        outcomes += many(items[first:min(first + size, stop)], options)
    return outcomes


def map_in_order(func: Callable[..., Any], items: Sequence[Any], options: Any, error_type: type[Exception],
                 jobs: int | None = None, prepare: Callable[[], None] | None = None,
                 counters: tuple[Callable[[], Any], Callable[[Any], None]] | None = None,
                 pack: Callable[[list[Outcome]], Any] | None = None,
                 window: CpuWindow | None = None, batch: Batch | None = None) -> Iterator[Outcome]:
    """``func(item, options)`` for each item, in order; ``error_type`` becomes a path error.

    ``prepare`` runs once in this process before the workers are forked: what it loads
    (validators, imports) every worker inherits instead of loading it again. ``counters``
    is (take, add): a worker calls ``take()`` after each chunk (process-wide counts since the
    last call) and this process passes the value to ``add`` (so the counts add up). ``pack``:
    a worker sends ``pack(outcomes)`` of each chunk instead of its outcomes, handed on as one
    outcome ``(Packed, None)`` (what this process lints itself comes one outcome per item).
    ``window``: the CPUs' window opened when the run began (finding the files): the other CPUs'
    idle time is measured from then, so the files sampled need not fill ``SAMPLE_SECONDS`` alone.
    ``batch``: (``many``, size): past the files sampled, ``many(items, options)`` gives the
    outcomes of up to ``size`` items at once (what ``func`` gives of each, its errors included).
    """
    count = job_count(jobs, len(items))
    first = 0
    automatic = jobs is None and not os.environ.get(JOBS_ENV, "").strip()
    if count > 1 and automatic:  # price the run on its first files before forking
        window = window or CpuWindow()
        sampling = time.process_time()
        most = max(SAMPLE_FILES, len(items) // 4)
        while first < len(items) and (first < SAMPLE_FILES or (window.elapsed() < SAMPLE_SECONDS and first < most)):
            yield _one(func, items[first], options, error_type)
            first += 1
        per_file = (time.process_time() - sampling) / max(1, first)
        if not workers_pay(per_file, len(items) - first, count, window.free_cpus()):
            count = 1
    if count <= 1:
        step = batch[1] if batch is not None else 1
        for start in range(first, len(items), step):
            yield from _run(func, batch, items, start, min(start + step, len(items)), options, error_type)
        return
    if prepare is not None:
        prepare()
    yield from _spread(func, items, first, options, error_type, count, counters, pack, batch)


def _spread(func: Callable[..., Any], items: Sequence[Any], first: int, options: Any, error_type: type[Exception],
            count: int, counters: tuple[Callable[[], Any], Callable[[Any], None]] | None,
            pack: Callable[[list[Outcome]], Any] | None, batch: Batch | None) -> Iterator[Outcome]:
    """Items ``first`` on, linted by this process and ``count - 1`` forked workers, in order."""
    import gc
    import multiprocessing
    import pickle

    global _JOB, _BUSY
    bounds = chunk_bounds(first, len(items), count)
    context = multiprocessing.get_context("fork")
    job = _JOB = _Job(func, items, options, error_type, counters[0] if counters else None, bounds, context, pack, batch)
    _BUSY = True
    gc.freeze()  # what exists now is shared with the workers: the collector must not write to it (copy on write)
    workers: list[Any] = []
    try:
        for _ in range(count - 1):
            worker = context.Process(target=_work, daemon=True)
            try:
                worker.start()
            except OSError:  # no fork (out of processes or memory): fewer workers, this process does the rest
                break
            workers.append(worker)
        ready: dict[int, list[Outcome]] = {}  # chunks done, by number, until their turn comes
        done_here: set[int] = set()  # a late worker's chunks this process linted itself: theirs are dropped
        file_seconds: float | None = None  # how long this process takes for a file, once it has timed a chunk

        def take(wait: float) -> None:
            """What the workers sent: all there is, waiting up to ``wait`` seconds for something."""
            import queue

            while True:
                try:
                    message = job.results.get(True, wait) if wait > 0 else job.results.get_nowait()
                except queue.Empty:
                    return
                chunk, outcomes, counts = pickle.loads(message)
                if chunk in done_here:
                    continue
                if isinstance(outcomes, BaseException):
                    raise outcomes
                if counters is not None:
                    counters[1](counts)
                ready[chunk] = outcomes
                wait = 0

        turn = 0  # the chunk whose results are handed on next
        while turn < len(bounds):
            if turn in ready:
                yield from ready.pop(turn)
                turn += 1
                continue
            if len(ready) < HELD_CHUNKS * count and (chunk := job.claim()) < len(bounds):
                started = time.perf_counter()
                ready[chunk] = job.run_chunk(chunk)
                file_seconds = (time.perf_counter() - started) / max(1, len(ready[chunk]))
                take(0)
                continue
            # The next chunk is a worker's and not back. Waiting longer than this process would take
            # for that chunk means that worker is slowed down (the machine got busy) or gone: lint it
            # here, so that a run with workers is never much slower than one without.
            start, stop = bounds[turn]
            expected = WAIT_SECONDS if file_seconds is None else file_seconds * (stop - start)
            take(max(0.05, 1.5 * expected))
            if turn not in ready:
                ready[turn] = job.run_chunk(turn)
                done_here.add(turn)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join(1.0)
            if worker.is_alive():  # stopped, or ignoring SIGTERM
                worker.kill()
            worker.join()
        job.results.close()
        gc.unfreeze()
        _JOB = None
        _BUSY = False


def _work() -> None:
    """A worker: lint the next chunk not taken until none is left; send each chunk's results."""
    import pickle
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops the workers
    job = _JOB
    assert job is not None
    parent = os.getppid()
    while (chunk := job.claim()) < len(job.bounds):
        if os.getppid() != parent:  # the parent is gone: nobody reads the results
            return
        try:
            outcomes: Any = job.run_chunk(chunk)
            if job.pack is not None:
                outcomes = [(Packed(len(outcomes), job.pack(outcomes)), None)]
            counts = job.take_counts() if job.take_counts is not None else None
            message = pickle.dumps((chunk, outcomes, counts), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
            try:
                message = pickle.dumps((chunk, exc, None), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                message = pickle.dumps((chunk, RuntimeError(f"in a worker process: {exc!r}"), None))
            job.results.put(message)
            return
        job.results.put(message)
