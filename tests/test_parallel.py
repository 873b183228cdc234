"""Worker processes for large runs: the output is the same as one process's, byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time

import pytest

from conftest import bench_corpus, run_vidlint
from media_helpers import MEDIA

from vidlint.parallel import job_count

MODEL = "wan2.7-reference-video"


def make_tree(root):  # type: ignore[no-untyped-def]
    write_corpus = bench_corpus().write_corpus
    names = [p.name for p in write_corpus(root, count=160, seed=5)]
    shutil.copy(MEDIA / "ok.png", root / "ok.png")
    shutil.copy(MEDIA / "ok.mp4", root / "ok.mp4")
    for n in range(20):  # local assets: probed (and counted) in whichever process lints them
        request = {"model": MODEL, "prompt": "Image 1 and Video 1", "image_urls": ["ok.png"], "video_urls": ["ok.mp4"]}
        (root / f"local-{n:02d}.json").write_text(json.dumps(request))
        names.append(f"local-{n:02d}.json")
    (root / "folder.json").mkdir()  # path errors, reported in argument order
    names.insert(50, "folder.json")
    names.insert(120, "missing.json")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.json")
        names.insert(90, "pipe.json")
    return names


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_workers_give_the_same_output_as_one_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    names = make_tree(tmp_path)
    cache = str(tmp_path / "cache")
    runs = {}
    for jobs in ("1", "2", "3"):
        for output in ("text", "json"):
            shutil.rmtree(cache, ignore_errors=True)
            runs[jobs, output] = run_vidlint("lint", "--format", output, *names, cwd=tmp_path,
                                             env={"VIDLINT_JOBS": jobs, "VIDLINT_CACHE_DIR": cache})
    for output in ("text", "json"):
        one = runs["1", output]
        assert one.code == 2  # the unreadable paths, reported in argument order
        assert "missing.json: no such file or directory" in one.err
        for jobs in ("2", "3"):
            other = runs[jobs, output]
            assert (other.code, other.err) == (one.code, one.err), (jobs, output)
            if output == "text":
                assert other.out == one.out, jobs
    # JSON: identical but for the probe counts, which depend on which worker saw an asset first
    one = runs["1", "json"].json()
    assert one["summary"]["probes"] == {"performed": 2, "cached": 38}
    for jobs in ("2", "3"):
        other = runs[jobs, "json"].json()
        probes = other["summary"].pop("probes")
        assert probes["performed"] + probes["cached"] == 40 and 2 <= probes["performed"] <= int(jobs) * 2
        assert other == {**one, "summary": {k: v for k, v in one["summary"].items() if k != "probes"}}


def test_job_count() -> None:
    assert job_count(1, 10_000) == 1
    assert job_count(None, 10) == 1  # small runs stay in one process
    if sys.platform.startswith("linux"):
        assert job_count(4, 1000) == 4
        assert job_count(4, 100) == 2  # at least 50 files per worker


def test_workers_only_when_the_measured_cost_says_they_pay() -> None:
    from vidlint.parallel import workers_pay

    assert workers_pay(300e-6, 10_000, 2, 2.0)  # 3 s alone, ~2.3 s on two free cores
    assert not workers_pay(300e-6, 10_000, 2, 1.2)  # the other core is busy: forking cannot pay
    assert not workers_pay(50e-6, 10_000, 2, 2.0)  # cheap files: taking results back costs more
    assert not workers_pay(300e-6, 300, 2, 2.0)  # too few files for the workers' start-up


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_automatic_run_keeps_order_whatever_it_decides(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from vidlint import parallel
    from vidlint.api import LintOptions, lint_paths

    names = [str(tmp_path / n) for n in make_tree(tmp_path) if n.startswith("req-")]
    monkeypatch.delenv(parallel.JOBS_ENV, raising=False)
    monkeypatch.setattr(parallel, "MIN_FILES", 60)
    monkeypatch.setattr(parallel, "SAMPLE_FILES", 30)
    one = lint_paths(names, LintOptions(jobs=1))
    for free in (1.0, 2.0):  # stays here after the sample / forks for the rest
        monkeypatch.setattr(parallel, "free_cpus", lambda free=free: free)
        monkeypatch.setattr(parallel, "workers_pay", lambda *args, free=free: free > 1)
        auto = lint_paths(names, LintOptions())
        assert [f.path for f in auto.files] == names
        assert list(auto.files) == list(one.files)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_the_sample_before_forking_counts_the_time_since_the_run_began(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The other CPUs' idle time is measured from the window the run opened (while it found the
    files): a run that began SAMPLE_SECONDS ago samples SAMPLE_FILES files, not SAMPLE_SECONDS' worth."""
    from vidlint import parallel

    monkeypatch.delenv(parallel.JOBS_ENV, raising=False)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)  # priced whatever this machine has
    monkeypatch.setattr(parallel, "MIN_FILES", 60)
    monkeypatch.setattr(parallel, "SAMPLE_FILES", 3)
    priced: list[int] = []
    monkeypatch.setattr(parallel, "workers_pay", lambda per_file, files, *_: priced.append(files) and False)

    def slow(item: int, options: object) -> int:
        time.sleep(0.002)  # ~50 files in SAMPLE_SECONDS; more than 3 unless a file takes 33 ms
        return item

    items = range(200)
    assert list(parallel.map_in_order(slow, items, None, OSError)) == [(n, None) for n in items]
    fresh = 200 - priced.pop()
    assert fresh > 3  # a window opened now: files until SAMPLE_SECONDS have passed
    began = parallel.CpuWindow()
    began.wall -= parallel.SAMPLE_SECONDS
    assert list(parallel.map_in_order(slow, items, None, OSError, window=began)) == [(n, None) for n in items]
    assert 200 - priced.pop() == 3  # the run's own window: the SAMPLE_FILES files only


def _doubled(item: int, options: object) -> int:
    return item * 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_this_process_lints_too_and_takes_over_a_dead_workers_chunks() -> None:
    from vidlint import parallel

    parent = os.getpid()
    ran_here: list[int] = []

    def dies_in_a_worker(item: int, options: object) -> int:
        time.sleep(0.001)  # long enough for the worker to start before this process has done all
        if os.getpid() != parent and item >= 150:
            os._exit(3)  # a worker killed mid-run (out of memory, a signal)
        if os.getpid() == parent:
            ran_here.append(item)
        return item * 2

    outcomes = list(parallel.map_in_order(dies_in_a_worker, range(400), None, OSError, jobs=2))
    assert outcomes == [(n * 2, None) for n in range(400)]
    assert 150 in ran_here and len(ran_here) < 400  # the worker did some chunks; this process the rest
    assert parallel._JOB is None and not parallel._BUSY  # nothing left of the run
    assert list(parallel.map_in_order(_doubled, range(400), None, OSError, jobs=3)) == [(n * 2, None) for n in range(400)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_a_worker_that_stops_working_does_not_stop_the_run() -> None:
    import signal

    from vidlint import parallel

    parent = os.getpid()

    def stops_in_a_worker(item: int, options: object) -> int:
        time.sleep(0.001)
        if os.getpid() != parent and item >= 100:
            os.kill(os.getpid(), signal.SIGSTOP)  # the machine's other work took its core, for good
        return item * 2

    started = time.perf_counter()
    outcomes = list(parallel.map_in_order(stops_in_a_worker, range(400), None, OSError, jobs=2))
    assert outcomes == [(n * 2, None) for n in range(400)]
    assert time.perf_counter() - started < 5  # this process took the stopped worker's chunk over
    assert not parallel._BUSY


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_a_worker_that_cannot_be_forked_leaves_the_work_here(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import multiprocessing.context

    from vidlint import parallel

    def refused(self):  # type: ignore[no-untyped-def]
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", refused)
    assert list(parallel.map_in_order(_doubled, range(400), None, OSError, jobs=3)) == [(n * 2, None) for n in range(400)]
    assert not parallel._BUSY and parallel._JOB is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_an_error_in_a_worker_is_raised_here() -> None:
    import threading

    from vidlint import parallel

    parent = os.getpid()

    def fails(item: int, options: object) -> int:
        time.sleep(0.001)  # long enough for the worker to start before this process has done all
        if os.getpid() != parent and item >= 100:
            raise KeyError(f"item {item}")
        return item

    def fails_unpicklably(item: int, options: object) -> int:
        time.sleep(0.001)
        if os.getpid() != parent and item >= 100:
            error = ValueError("cannot go back")
            error.lock = threading.Lock()  # type: ignore[attr-defined]  # no pickle for this one
            raise error
        return item

    with pytest.raises(KeyError, match="item"):
        list(parallel.map_in_order(fails, range(400), None, OSError, jobs=2))
    with pytest.raises(RuntimeError, match="in a worker process: ValueError"):
        list(parallel.map_in_order(fails_unpicklably, range(400), None, OSError, jobs=2))
    assert not parallel._BUSY


def test_free_cpus_are_the_idle_time_and_this_process_time_over_the_time_passed(monkeypatch) -> None:
    from vidlint import parallel

    window = parallel.CpuWindow()
    monkeypatch.setattr(parallel, "available_cpus", lambda: 4)
    now = parallel.idle_seconds()
    if now is None:
        pytest.skip("no /proc/stat here")
    monkeypatch.setattr(parallel, "idle_seconds", lambda: now)
    window.wall -= 1.0
    window.own -= 0.9  # this process ran 0.9 s of the last second; the other CPUs idled 1.6 s
    window.idle = now - 1.6
    assert 2.4 <= window.free_cpus() <= 2.6
    window.idle = now  # nothing idle: other work keeps the other CPUs busy
    assert window.free_cpus() == 1.0
    monkeypatch.setattr(parallel, "idle_seconds", lambda: None)  # not known: the load average
    monkeypatch.setattr(parallel, "free_cpus", lambda: 1.5)
    assert window.free_cpus() == 1.5


def test_chunks_cover_every_item_once_and_end_small() -> None:
    from vidlint.parallel import MAX_CHUNK_FILES, MIN_CHUNK_FILES, chunk_bounds

    for first, end, count in ((300, 10_000, 2), (0, 400, 2), (100, 500, 3), (0, 60, 2), (0, 1000, 2), (200, 50_000, 4)):
        bounds = chunk_bounds(first, end, count)
        assert [start for start, _ in bounds] == [first] + [stop for _, stop in bounds[:-1]]  # in order, no gap
        assert bounds[-1][1] == end and all(0 < stop - start <= MAX_CHUNK_FILES for start, stop in bounds)
        # the files of the last `count` chunks of the usual size come in small chunks
        sizes = [stop - start for start, stop in bounds]
        usual = sizes[0]
        tail = bounds[-1][1] - max(first, end - count * usual)
        assert all(size <= MIN_CHUNK_FILES for size in sizes[-(tail // MIN_CHUNK_FILES):])
    assert [stop - start for start, stop in chunk_bounds(300, 10_000, 2)][:3] == [MAX_CHUNK_FILES] * 3


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_models_first_met_in_the_workers_give_the_same_findings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No model is made before forking: each process makes the ones it meets (here none was
    loaded before the run)."""
    from vidlint.api import LintOptions, lint_paths
    from vidlint.models import _forget_models, load_profile

    models = ("wan2.7-text-to-video", "kling-v3-text-to-video", "seedance-2.0-text-to-video")
    names = []
    for n in range(240):
        request = {"model": models[n % 3], "prompt": f"a cat, take {n}"}
        if n % 4 == 0:
            request["duration"] = 99  # out of range for each of them
        path = tmp_path / f"r{n:03d}.json"
        path.write_text(json.dumps(request))
        names.append(str(path))
    _forget_models()
    forked = lint_paths(names, LintOptions(jobs=2))
    assert load_profile.cache_info().currsize < len(models) + 1  # this process made what it met, no more
    one = lint_paths(names, LintOptions(jobs=1))
    assert list(forked.files) == list(one.files)
    assert {d.code for f in one.files for d in f.diagnostics} >= {"VL104"}


def test_files_linted_a_batch_at_a_time_give_what_each_gives_alone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``lint_sources`` reads and parses a batch, then checks its usual files, then makes their
    results: the outcomes are ``lint_source``'s of each file, path errors, a folder named .json,
    a JSON Lines batch, broken JSON and a JSON Schema found by walking (no result) among them."""
    from vidlint.api import LintOptions, lint_source, lint_sources
    from vidlint.load import PathError, Source, discover
    from vidlint.parallel import _one

    make_tree(tmp_path)
    (tmp_path / "batch.jsonl").write_text(json.dumps({"model": MODEL, "prompt": "Image 1"}) + "\n{\n")
    (tmp_path / "broken.json").write_text('{"model": ')
    (tmp_path / "schema.json").write_text('{"$schema": "https://json-schema.org/draft/2020-12/schema"}')
    sources, errors = discover([str(tmp_path)])
    sources.insert(7, Source("missing.json", str(tmp_path / "missing.json"), False))
    options = LintOptions(jobs=1)
    alone = [_one(lint_source, source, options, PathError) for source in sources]
    assert lint_sources(sources, options) == alone
    assert lint_sources(sources[:3], options) == alone[:3]  # and a batch of a few
    assert (None, None) in alone and any(error is not None for _, error in alone)
    assert sum(1 for result, _ in alone if result is not None and result.requests == 1) > 100


def test_a_batch_is_read_before_it_is_parsed_up_to_a_bound(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``lint_sources`` reads a batch's files before parsing the first, until ``READ_AHEAD_BYTES``
    are held: then it parses those before reading on. A JSON Lines batch is read in its turn (its
    bytes are let go once decoded), and so is a file that cannot be read (which says why). The
    outcomes are each file's alone."""
    from vidlint import api
    from vidlint.load import PathError, Source, discover
    from vidlint.parallel import _one

    request = json.dumps({"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://cdn.example.com/a.jpg"]})
    for n in range(10):
        (tmp_path / f"r{n}.json").write_text(request + " " * (300 - len(request)))  # 300 bytes each
    (tmp_path / "r4.jsonl").write_text(request + "\n")
    sources, _ = discover([str(tmp_path)])
    sources.insert(8, Source("missing.json", str(tmp_path / "missing.json"), False))
    names = [source.display.rsplit("/", 1)[-1] for source in sources]
    options = api.LintOptions(jobs=1)
    alone = [_one(api.lint_source, source, options, PathError) for source in sources]
    events: list[str] = []
    read, lint_read = api.read_source, api._lint_read

    def reading(source, stdin_bytes=None):  # type: ignore[no-untyped-def]
        events.append("read " + source.display.rsplit("/", 1)[-1])
        return read(source, stdin_bytes)

    def parsing(source, data, options):  # type: ignore[no-untyped-def]
        events.append("parse " + source.display.rsplit("/", 1)[-1])
        return lint_read(source, data, options)

    monkeypatch.setattr(api, "read_source", reading)
    monkeypatch.setattr(api, "_lint_read", parsing)
    monkeypatch.setattr(api, "READ_AHEAD_BYTES", 1000)
    assert api.lint_sources(sources, options) == alone
    assert names[:9] == ["r0.json", "r1.json", "r2.json", "r3.json", "r4.json", "r4.jsonl", "r5.json", "r6.json",
                         "missing.json"]
    assert events == [
        "read r0.json", "read r1.json", "read r2.json", "read r3.json",  # 1,200 bytes > 1,000: parsed now
        "parse r0.json", "parse r1.json", "parse r2.json", "parse r3.json",
        "read r4.json", "read r5.json", "read r6.json", "read missing.json", "read r7.json",
        "parse r4.json", "read r4.jsonl", "parse r5.json", "parse r6.json", "read missing.json", "parse r7.json",
        "read r8.json", "read r9.json", "parse r8.json", "parse r9.json",
    ]


def test_items_past_the_sample_go_a_batch_at_a_time_in_order(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from vidlint import parallel

    monkeypatch.setattr(parallel, "SAMPLE_FILES", 10)
    sizes: list[int] = []

    def one(item: int, options: object) -> int:
        if item == 33:
            raise OSError("no such item")
        return item * 2

    def many(items: list[int], options: object) -> list[tuple[int | None, str | None]]:
        sizes.append(len(items))
        return [parallel._one(one, item, options, OSError) for item in items]

    items = list(range(100))
    expected = [(None, "no such item") if n == 33 else (n * 2, None) for n in items]
    assert list(parallel.map_in_order(one, items, None, OSError, 1, batch=(many, 8))) == expected
    assert sizes == [8] * 12 + [4]
    # the automatic run: its sample file by file, then (staying in this process) the rest in batches
    monkeypatch.delenv(parallel.JOBS_ENV, raising=False)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_FILES", 60)
    monkeypatch.setattr(parallel, "workers_pay", lambda *_: False)
    sizes.clear()
    assert list(parallel.map_in_order(one, items, None, OSError, batch=(many, 8))) == expected
    assert max(sizes) <= 8 and 0 < sum(sizes) <= 100 - 10


def test_a_walked_file_is_left_out_as_is_tool_text_says(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A file found by walking is no request when ``is_tool_text`` says so; the usual file asks
    its parsed value first (a request names its model), the others ``is_tool_text`` itself."""
    from vidlint.api import LintOptions, is_tool_text, lint_source
    from vidlint.load import discover

    schema = '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}'
    files = {
        "schema.json": schema,
        "bom-schema.json": "\ufeff" + schema,
        "baseline.json": '{"vidlint-baseline": 1, "entries": []}',
        "late-schema.json": '{"type": "object", "description": "' + "x" * 5000 + '", "$schema": "https://json-schema.org/"}',
        "request.json": json.dumps({"model": MODEL, "prompt": "see json-schema.org/ and \"vidlint-baseline\""}),
        "no-model.json": '{"prompt": "https://json-schema.org/draft"}',
        "list.json": '[{"$schema": "https://json-schema.org/draft/2020-12/schema"}]',
        "broken.json": '{"$schema": "https://json-schema.org/draft/2020-12/schema",',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    sources, _ = discover([str(tmp_path)])
    options = LintOptions(jobs=1)
    left_out = {s.display.rsplit("/", 1)[-1] for s in sources if lint_source(s, options) is None}
    assert left_out == {s.display.rsplit("/", 1)[-1] for s in sources
                        if is_tool_text(s.display, (tmp_path / s.display.rsplit("/", 1)[-1]).read_bytes())}
    assert left_out == {"schema.json", "bom-schema.json", "baseline.json"}


def test_a_batchs_bytes_are_let_go_before_it_is_checked(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The files read ahead are parsed; while the batch is checked their texts and values are
    held, not their bytes too (a 4 MB request last in its batch: ~8 MB, not ~12)."""
    import tracemalloc

    from vidlint import api
    from vidlint.load import discover

    prompt = "a" * (4 * 1024 * 1024)
    (tmp_path / "a.json").write_text(json.dumps({"model": MODEL, "prompt": "Image 1"}))
    (tmp_path / "b.json").write_text(json.dumps({"model": MODEL, "prompt": prompt}))
    sources, _ = discover([str(tmp_path)])
    held: list[int] = []
    check = api.check_requests

    def checking(requests, options, plain=None):  # type: ignore[no-untyped-def]
        held.append(tracemalloc.get_traced_memory()[0])
        tracemalloc.stop()  # (the check itself is not traced: faster)
        return check(requests, options, plain)

    monkeypatch.setattr(api, "check_requests", checking)
    tracemalloc.start()
    try:
        api.lint_sources(sources, api.LintOptions(jobs=1))
    finally:
        tracemalloc.stop()
    assert 2 * len(prompt) < held[0] < 2.5 * len(prompt)
