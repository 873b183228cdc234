"""Lint many files on several cores, keeping the order of the files.

Linting is CPU-bound pure Python, so one process uses one core. For a large run the files
are cut into chunks and linted by forked worker processes (fork: the workers inherit the
imported modules, compiled validators and options, so nothing but file indexes goes in
and results come back). Results are collected in file order, so the output is the same
as a sequential run's, byte for byte.

Small runs stay in one process: forking costs more than it saves below ``MIN_FILES``. From
there the first ``SAMPLE_FILES`` files are linted in this process and timed, and workers are
forked only when the measured cost per file says they beat this process on the cores that are
really free (the CPUs minus the load average): each file a worker returns costs this process
~``TRANSFER_SECONDS`` to take back, and each worker ~``START_SECONDS`` to start.
``VIDLINT_JOBS`` (or ``LintOptions.jobs``) sets the number of processes; 1 turns this off.
Only where ``fork`` is the safe, native way to start processes (Linux); elsewhere sequential.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Callable, Iterator, Sequence

JOBS_ENV = "VIDLINT_JOBS"
MIN_FILES = 400  # below this a pool's start-up (~20 ms per worker) outweighs the gain
SAMPLE_FILES = 100  # linted here first, timed, to price the rest
TRANSFER_SECONDS = 80e-6  # this process's cost to take back one file's result (unpickle, order), measured 40-90 us
START_SECONDS = 0.03  # forking and starting one worker
CHUNKS_PER_WORKER = 8  # small enough to balance uneven files, large enough to amortise pickling
# A chunk's results are held whole, in the worker and then in this process: a cap keeps memory
# independent of the number of files (50,000 files were ~3,000 per chunk, ~290 MB in all).
MAX_CHUNK_FILES = 200

Outcome = tuple[Any, "str | None"]  # (result, None) or (None, one-line path error)

# True in a worker: a worker that meets work to spread (a large JSON Lines batch) does it itself.
_IN_WORKER = False
# Set in the parent just before forking; the workers read it (nothing is pickled on the way in).
_JOB: tuple[Callable[..., Any], Sequence[Any], Any, type[Exception], Callable[[], Any] | None] | None = None


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
    if _IN_WORKER or not sys.platform.startswith("linux"):
        return 1
    return max(1, min(jobs, files // 50 or 1))


def free_cpus() -> float:
    """CPUs not busy with other work: the available ones minus the 1-minute load average (this
    process counted as free: it is part of the load)."""
    cpus = available_cpus()
    try:
        load = os.getloadavg()[0]
    except OSError:
        return float(cpus)
    return max(1.0, min(float(cpus), cpus - load + 1))


def workers_pay(seconds_per_file: float, files: int, jobs: int, cpus: float) -> bool:
    """Whether ``jobs`` workers on ``cpus`` free CPUs lint ``files`` files, each costing
    ``seconds_per_file`` in one process, clearly faster than this process alone."""
    cores = min(float(jobs), cpus)
    if cores < 1.5:
        return False
    alone = files * seconds_per_file
    spread = files * seconds_per_file / cores + files * TRANSFER_SECONDS + jobs * START_SECONDS
    return spread < 0.8 * alone


def current_options() -> Any:
    """In a worker: the options of the job it runs."""
    assert _JOB is not None
    return _JOB[2]


def _one(func: Callable[..., Any], item: Any, options: Any, error_type: type[Exception]) -> Outcome:
    try:
        return func(item, options), None
    except error_type as exc:
        return None, str(exc)


def _chunk(bounds: tuple[int, int]) -> tuple[list[Outcome], Any]:
    global _IN_WORKER
    assert _JOB is not None
    _IN_WORKER = True
    func, items, options, error_type, take_counts = _JOB
    outcomes = [_one(func, items[i], options, error_type) for i in range(*bounds)]
    return outcomes, take_counts() if take_counts is not None else None


def map_in_order(func: Callable[..., Any], items: Sequence[Any], options: Any, error_type: type[Exception],
                 jobs: int | None = None, prepare: Callable[[], None] | None = None,
                 counters: tuple[Callable[[], Any], Callable[[Any], None]] | None = None) -> Iterator[Outcome]:
    """``func(item, options)`` for each item, in order; ``error_type`` becomes a path error.

    ``prepare`` runs once in this process before the workers are forked: what it loads
    (validators, imports) every worker inherits instead of loading it again. ``counters``
    is (take, add): a worker calls ``take()`` after each chunk (process-wide counts since the
    last call) and this process passes the value to ``add`` (so the counts add up).
    """
    count = job_count(jobs, len(items))
    first = 0
    automatic = jobs is None and not os.environ.get(JOBS_ENV, "").strip()
    if count > 1 and automatic:  # price the run on its first files before forking
        first = min(SAMPLE_FILES, len(items))
        started = time.process_time()
        for index in range(first):
            yield _one(func, items[index], options, error_type)
        per_file = (time.process_time() - started) / max(1, first)
        if not workers_pay(per_file, len(items) - first, count, free_cpus()):
            count = 1
    if count <= 1:
        for index in range(first, len(items)):
            yield _one(func, items[index], options, error_type)
        return
    import multiprocessing

    if prepare is not None:
        prepare()

    global _JOB
    size = min(MAX_CHUNK_FILES, max(25, -(-(len(items) - first) // (count * CHUNKS_PER_WORKER))))
    bounds = [(start, min(start + size, len(items))) for start in range(first, len(items), size)]
    _JOB = (func, items, options, error_type, counters[0] if counters else None)
    import gc

    gc.freeze()  # what exists now is shared with the workers: the collector must not write to it (copy on write)
    pool = None
    try:
        pool = multiprocessing.get_context("fork").Pool(count)
        for outcomes, counts in pool.imap(_chunk, bounds):
            if counters is not None:
                counters[1](counts)
            yield from outcomes
        pool.close()
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        gc.unfreeze()
        _JOB = None
