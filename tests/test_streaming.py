"""Large runs: results stream to the report instead of being held (issue 19), and JSON Lines
syntax hints look back only over whitespace."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import bench_corpus, run_vidlint
from request_strategies import any_request, dumps

from vidlint import api
from vidlint.api import LintOptions, ResultStore, lint_paths
from vidlint.core.diagnostics import Diagnostic, Severity
from vidlint.report import indented_json, json_report, text

MODEL = "wan2.7-reference-video"


def _corpus(root, count):  # type: ignore[no-untyped-def]

    write_corpus = bench_corpus().write_corpus
    return [str(p) for p in write_corpus(root, count=count, seed=3)]


def test_results_beyond_the_held_few_are_spilled_and_read_back_in_order(tmp_path, monkeypatch) -> None:
    names = _corpus(tmp_path, 40)
    held = lint_paths(names, LintOptions(jobs=1))  # default: 40 files all held
    monkeypatch.setattr(ResultStore, "HELD", 5)
    monkeypatch.setattr(ResultStore, "BATCH", 4)
    spilled = lint_paths(names, LintOptions(jobs=1))
    assert isinstance(spilled.files, ResultStore) and len(spilled.files._held) == 5  # the rest are on disk
    assert [f.path for f in spilled.files] == names
    assert list(spilled.files) == list(held.files)  # read back whole, and again on a second walk
    assert [spilled.files[i] for i in range(-40, 40)] == list(held.files) * 2
    for severity in Severity:
        assert spilled.count(severity) == held.count(severity) == sum(
            1 for f in held.files for d in f.diagnostics if d.severity == severity)
    assert spilled.exit_code == held.exit_code == 1
    reports = []
    for run in (held, spilled):
        out = io.StringIO()
        json_report.render(run, out)
        reports.append(out.getvalue())
        plain = io.StringIO()
        text.render(run, plain)
    assert reports[0] == reports[1]
    report = json.loads(reports[1])
    assert [f["path"] for f in report["files"]] == names
    assert report["summary"]["errors"] == held.count(Severity.ERROR)
    assert report["summary"]["estimate"]["requests"] == sum(len(f.estimates) for f in held.files) > 30
    assert report == json_report.document(held)  # the streamed report is the documented document


def test_a_result_store_keeps_order_across_held_written_and_kept_results(monkeypatch) -> None:
    """Batches written whole, a result whose findings are on disk already (kept as it is, not
    pickled whole), the batch not yet written: one order, however the store is read."""
    from vidlint.run import SpilledList

    monkeypatch.setattr(ResultStore, "HELD", 2)
    monkeypatch.setattr(ResultStore, "BATCH", 3)
    monkeypatch.setattr(SpilledList, "HELD", 1)
    monkeypatch.setattr(SpilledList, "BATCH", 1)
    diagnostic = Diagnostic("VL502", Severity.INFO, "remote image was not fetched", "/image_urls/0", line=5, column=7)

    def result(number: int) -> api.FileResult:
        return api.FileResult(f"r{number}.json", MODEL, [diagnostic.with_position(number, 1)], 1)

    batch = SpilledList([diagnostic.with_position(n, 1, n) for n in range(5)])
    expected = [result(n) for n in range(6)] + [api.FileResult("batch.jsonl", MODEL, batch, 5)] + \
        [result(n) for n in range(6, 14)]
    store = ResultStore()
    for number, item in enumerate(expected):
        store.append(item)
        assert list(store) == expected[:number + 1]  # readable while it grows
    assert len(store) == 15 and store.totals.files == 15 and store.totals.counts[Severity.INFO] == 19
    assert store[6].diagnostics is batch  # kept, not read back whole from a pickle
    assert [store[i].path for i in range(15)] == [r.path for r in expected]
    walks = zip(store, store, strict=True)  # two walks at once, each reading its own batches
    assert [a.path for a, b in walks if a == b] == [r.path for r in expected]


def test_the_json_reports_lines_written_a_few_at_a_time_are_the_same_bytes(tmp_path, monkeypatch) -> None:
    """``json_report.Writer`` writes its lines ``LINES`` at a time: with lines made by a worker
    (texts) and a large batch's result (findings on disk, written item by item) among them, and
    a last write shorter than the others, the bytes are those of a write per line, and each
    write is whole lines."""
    from vidlint.run import SpilledList

    monkeypatch.setattr(SpilledList, "HELD", 1)
    monkeypatch.setattr(SpilledList, "BATCH", 1)
    run = lint_paths(_corpus(tmp_path, 10), LintOptions(jobs=1))
    results: list = list(run.files)
    batch = api.FileResult("batch.jsonl", MODEL, SpilledList([d for f in results for d in f.diagnostics]), 10)
    assert batch.spilled
    items = results[:4] + [json_report.result_text(r) for r in results[4:6]] + [batch] + results[6:]
    reports, writes = [], []
    for lines in (1, 3):
        monkeypatch.setattr(json_report.Writer, "LINES", lines)
        out = io.StringIO()
        written: list[str] = []
        out.write = lambda text, out=out, written=written: (written.append(text), io.StringIO.write(out, text))[1]  # type: ignore[method-assign]
        writer = json_report.Writer(out)
        for item in items:
            writer.add(run, item)
        writer.end(run)
        reports.append(out.getvalue())
        writes.append(written)
    assert reports[0] == reports[1]
    assert json.loads(reports[1])["files"] == [json_report.file_json(r) for r in results[:6]] + [
        json_report.file_json(api.FileResult("batch.jsonl", MODEL, list(batch.diagnostics), 10))] + [
        json_report.file_json(r) for r in results[6:]]
    grouped = [text.count("\"path\"") for text in writes[1] if text.startswith((",\n", "\n")) and '"path"' in text]
    assert max(grouped) == 3 and len(writes[1]) < len(writes[0])


def test_json_report_is_one_line_per_file_and_valid_json(tmp_path) -> None:
    names = [name.rsplit("/", 1)[1] for name in _corpus(tmp_path, 3)]
    result = run_vidlint("lint", "--format", "json", *names, cwd=tmp_path)
    lines = result.out.splitlines()
    assert len(lines) == 5 and lines[0] == '{"version": 1, "files": ['
    assert [json.loads(line.rstrip(","))["path"] for line in lines[1:4]] == names
    assert json.loads(result.out)["summary"]["files"] == 3


def test_jsonl_trailing_comma_hint_points_at_the_comma_deep_in_a_batch(tmp_path) -> None:
    good = json.dumps({"model": MODEL, "prompt": "a fox", "video_urls": ["https://cdn.example.com/a.mp4"]})
    lines = [good] * 3000 + ['{"model": "%s", "prompt": "a fox",   }' % MODEL] + [good] * 10
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n")
    run = lint_paths([str(tmp_path / "batch.jsonl")], LintOptions(jobs=1))
    (bad,) = [d for f in run.files for d in f.diagnostics if d.code == "VL001"]
    assert (bad.record, bad.line) == (3001, 3001)
    assert bad.hint == "remove the trailing comma before it"
    assert lines[3000][bad.column - 1] == ","
    assert api.LintRun is type(run)


def test_a_large_batch_is_split_across_workers_with_the_same_findings(tmp_path, monkeypatch) -> None:
    import os
    import sys

    import pytest

    if not sys.platform.startswith("linux"):
        pytest.skip("workers are forked on Linux only")
    write_batch = bench_corpus().write_batch
    batch = str(write_batch(tmp_path / "batch.jsonl", 300, seed=4))
    monkeypatch.setattr(api, "SPLIT_RECORDS", 100)
    one = lint_paths([batch], LintOptions(jobs=1))
    forked: list[int] = []
    import multiprocessing.context

    original = multiprocessing.context.ForkProcess.start

    def counting(self):  # type: ignore[no-untyped-def]
        forked.append(os.getpid())
        original(self)

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", counting)
    two = lint_paths([batch], LintOptions(jobs=2))
    assert forked == [os.getpid()]  # one file, its records spread over this process and one worker
    (a,), (b,) = list(one.files), list(two.files)
    assert a.requests == b.requests > 250  # the unparsable lines are no requests
    assert a == b and len(a.estimates) > 150
    assert {d.record for d in a.diagnostics if d.code == "VL001"}  # the batch has unparsable lines too


def _write_batch(path, count, seed):  # type: ignore[no-untyped-def]

    write_batch = bench_corpus().write_batch
    return str(write_batch(path, count, seed=seed))


def _every_report(run) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from vidlint.report import formatter

    reports = {}
    for name, style in [("json", "auto"), ("text", "full"), ("text", "concise"), ("sarif", "auto"),
                        ("junit", "auto"), ("github", "auto"), ("gitlab", "auto"), ("markdown", "auto")]:
        out = io.StringIO()
        formatter(name).render(run, out, colour="never", style=style, show_infos=name == "sarif")
        reports[f"{name} {style}"] = out.getvalue()
    return reports


def test_every_format_reads_the_same_from_a_spilled_run_and_from_a_plain_list(tmp_path, monkeypatch) -> None:
    """Reports are written file by file, with summaries from totals kept as results arrive:
    the bytes equal those of the same run held whole in a list, and the documented documents."""
    import xml.etree.ElementTree as ET

    from vidlint.report import gitlab, junit, sarif

    names = _corpus(tmp_path, 30) + [_write_batch(tmp_path / "batch.jsonl", 40, seed=5)]
    monkeypatch.setattr(ResultStore, "HELD", 4)
    spilled = lint_paths(names, LintOptions(jobs=1))
    assert len(spilled.files._held) == 4
    plain = api.LintRun(list(spilled.files), spilled.path_errors, spilled.fail_on, probes=spilled.probes)
    streamed, whole = _every_report(spilled), _every_report(plain)
    assert streamed == whole
    assert "Found " in streamed["text full"] and "Estimated cost: " in streamed["text concise"]
    # byte for byte what json.dumps with indent writes (the report writes it without json.dumps)
    assert streamed["sarif auto"] == json.dumps(sarif.document(plain, show_infos=True), ensure_ascii=False, indent=2) + "\n"
    assert streamed["gitlab auto"] == json.dumps(list(gitlab.issues(plain)), ensure_ascii=False, indent=2) + "\n"
    root = junit.document(plain)
    ET.indent(root)
    assert streamed["junit auto"] == '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
    summary = json.loads(streamed["json auto"])["summary"]
    assert summary["files"] == 31 and summary["estimate"]["requests"] == sum(len(f.estimates) for f in plain.files)


def test_reports_of_an_empty_run_are_unchanged_by_streaming() -> None:
    empty = api.LintRun(ResultStore(), ["nothing.json: no such file or directory"])
    assert _every_report(empty) == _every_report(api.LintRun([], list(empty.path_errors)))
    assert "[]" in _every_report(empty)["sarif auto"]


def test_a_large_jsonl_batch_streams_its_findings_in_file_order(tmp_path, monkeypatch) -> None:
    """A batch's findings go to disk as its records are checked (SpilledList); they come back
    in the order sorting the whole file's findings gives, root causes first, with each record's
    line, and every report reads the same as from a list held in memory."""
    from vidlint.check.cascade import root_causes_first
    from vidlint.run import SpilledList

    good = {"model": MODEL, "prompt": "Image 1 walks", "image_urls": ["https://cdn.example.com/a.png"]}
    typo = {"model": MODEL, "prompt": "Image 1 walks", "image_url": ["https://cdn.example.com/a.png"]}
    lines = []
    for number in range(1, 1201):
        if number % 97 == 0:
            lines.append('{"model": "%s", "prompt": "x",  }' % MODEL)  # not JSON
        elif number % 89 == 0:
            lines.append("")  # a blank line is no record
        else:
            lines.append(json.dumps(typo if number % 13 == 0 else {**good, "duration": number % 20}))
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    held = lint_paths([str(path)], LintOptions(jobs=1))
    monkeypatch.setattr(SpilledList, "HELD", 50)
    monkeypatch.setattr(SpilledList, "BATCH", 7)
    spilled = lint_paths([str(path)], LintOptions(jobs=1))
    (result,) = list(spilled.files)
    assert isinstance(result.diagnostics, SpilledList) and isinstance(result.estimates, SpilledList)
    found = list(result.diagnostics)
    assert found == list(held.files)[0].diagnostics
    assert found == root_causes_first(sorted(found, key=lambda d: (d.line, d.column, d.code)))
    assert found[0].code == "VL008" or found[0].line == 1  # the byte order mark, where sorting puts it
    records = {d.record for d in found}
    assert max(r for r in records if r is not None) > 1150  # findings from the whole batch
    assert all(d.line == d.record for d in found if d.record is not None)  # each on its record's own line
    bad = [d.line for d in found if d.code == "VL001"]
    assert bad == list(range(97, 1201, 97))
    follows = [d for d in found if "follows from" in d.message]
    assert follows and all(d.record % 13 == 0 for d in follows)
    assert result.requests == 1200 - len(bad) - len(range(89, 1201, 89)) + len([n for n in range(89, 1201, 89) if n % 97 == 0])
    plain = api.LintRun([list(held.files)[0]], [], held.fail_on, probes=held.probes)
    assert _every_report(spilled) == _every_report(plain)


def test_a_file_result_keeps_what_fixing_did_when_spilled() -> None:
    import pickle

    from vidlint.fix import FixOutcome

    result = api.FileResult("a.json", None, [], 1)
    result.fixes = FixOutcome(b"{}", b"{ }")
    back = pickle.loads(pickle.dumps(result))
    assert back.fixes == result.fixes and back == result


def _peak_rss_mb(args: list[str], cwd) -> tuple[float, str]:  # type: ignore[no-untyped-def]
    """Peak resident memory of ``vidlint ARGS`` in a fresh process (its own, ``PEAK_PROBE``), and its stdout."""
    import os
    import subprocess
    import sys

    from conftest import CACHE_ENV, PEAK_PROBE, SESSION_CACHE, SRC, split_peak

    env = {k: v for k, v in os.environ.items() if not k.startswith("VIDLINT_")}
    env.update({"PYTHONPATH": str(SRC), CACHE_ENV: str(SESSION_CACHE), "VIDLINT_JOBS": "1"})
    done = subprocess.run([sys.executable, "-c", PEAK_PROBE, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1200)
    return split_peak(done.stderr)[0], done.stdout


@pytest.mark.slow
def test_memory_of_a_jsonl_batch_does_not_grow_with_its_findings(tmp_path) -> None:
    """Coarse: 30,000 records of the bench corpus (three findings each) stay far below what
    holding them took (~250 MB: every record's parsed request, findings and estimate)."""
    _write_batch(tmp_path / "batch.jsonl", 30_000, seed=6)
    peak, out = _peak_rss_mb(["lint", "--format", "json", "-o", "report.json", "batch.jsonl"], tmp_path)
    assert "Report (json) written to report.json" in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert max(d["record"] for d in report["files"][0]["diagnostics"]) > 29_900
    assert peak < 150, f"{peak:.0f} MB"


json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text())
json_trees = st.recursive(
    json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.tuples(children), st.dictionaries(st.text(max_size=5), children, max_size=4),
        st.dictionaries(st.one_of(st.integers(), st.floats(), st.booleans(), st.none()), children, max_size=3)),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(value=json_trees, depth=st.integers(0, 3))
def test_indented_json_is_what_json_dumps_with_indent_writes(value, depth) -> None:  # type: ignore[no-untyped-def]
    expected = json.dumps(value, ensure_ascii=False, indent=2)
    assert indented_json(value) == expected
    indent = "\n" + "  " * depth
    assert indented_json(value, indent) == expected.replace("\n", indent)


@pytest.mark.parametrize("fmt", ["json", "full", "concise"])
def test_a_report_written_as_results_come_is_the_one_of_the_kept_results(tmp_path, monkeypatch, fmt) -> None:
    """``vidlint lint --format json|text`` hands each result to the report as it comes (none
    kept); the bytes are those of the report of a run that keeps its results (spilled past the
    held few here), with the configuration's stale ignores last and the summary lines after
    them; the report file, made in the linted folder, is not linted itself."""
    _corpus(tmp_path / "requests", 30)
    (tmp_path / "vidlint.toml").write_text('[per-file-ignores]\n"requests/req-00000.json" = ["VL104"]\n')
    monkeypatch.setattr(ResultStore, "HELD", 5)
    monkeypatch.setattr(ResultStore, "BATCH", 4)
    result = run_vidlint("lint", "--format", fmt, "-o", "report.out", "--show-infos", ".", cwd=tmp_path)
    streamed = (tmp_path / "report.out").read_text(encoding="utf-8")
    name = "json" if fmt == "json" else "text"
    assert result.code == 1 and f"Report ({name}) written to report.out." in result.out
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.out").unlink()
    from vidlint.settings.config import load_config

    kept = lint_paths(["."], LintOptions.from_config(load_config(tmp_path / "vidlint.toml"), jobs=1))
    assert len(kept.files) == 31 and kept.files[-1].path == "vidlint.toml"  # no report.out among them
    out = io.StringIO()
    (json_report if fmt == "json" else text).render(kept, out, show_infos=True, style=fmt)
    assert streamed == out.getvalue()
    assert "vidlint.toml" in streamed and "report.out" not in streamed
    on_stdout = run_vidlint("lint", "--format", fmt, "--show-infos", ".", cwd=tmp_path).out
    assert on_stdout == streamed  # on stdout too


def test_a_streamed_text_report_quotes_standard_input_after_a_file(tmp_path) -> None:
    """What "-" read is known to the run only when it comes to it: the full text quotes its
    lines, not a file of that name, also when a file was reported before it."""
    names = [name.rsplit("/", 1)[1] for name in _corpus(tmp_path, 2)]
    (tmp_path / "<stdin>").write_text("not what was piped\n" * 20)  # the name "-" is reported under
    piped = (tmp_path / names[0]).read_bytes()
    both = run_vidlint("lint", "--format", "full", "--show-infos", names[1], "-", cwd=tmp_path, input=piped)
    alone = run_vidlint("lint", "--format", "full", "--show-infos", "-", cwd=tmp_path, input=piped)
    assert both.out.startswith(f"{names[1]}:")
    stdin_part = both.out[both.out.index("\n<stdin>:") + 1:]
    assert stdin_part.split("\nFound")[0] == alone.out.split("\nFound")[0] and "not what was piped" not in both.out
    assert " | " in stdin_part  # its source lines are quoted


def test_a_result_store_with_a_sink_keeps_only_the_totals() -> None:
    diagnostic = Diagnostic("VL502", Severity.INFO, "remote image was not fetched", "/image_urls/0", line=5, column=7)
    taken: list[api.FileResult] = []
    store = ResultStore(sink=taken.append)
    results = [api.FileResult(f"r{n}.json", MODEL, [diagnostic], 1) for n in range(3)]
    for result in results:
        store.append(result)
    assert taken == results and len(store) == 3 and store.totals.counts[Severity.INFO] == 3
    with pytest.raises(RuntimeError):
        list(store)
    with pytest.raises(RuntimeError):
        store[0]


_TEXTS = st.text(st.characters(blacklist_categories=()), max_size=30)  # lone surrogates, controls, quotes too


def _fixes() -> st.SearchStrategy[Any]:
    """A finding's fix: none, not placed (no edits), or placed with zero to three edits and a
    byte order mark to remove or not; now and then an edit with a field of an unusual type."""
    from vidlint.fix import Edit, Fix

    positions = st.integers(1, 10**9)
    edits = st.builds(Edit, st.integers(0, 10**6), st.integers(0, 10**6), _TEXTS, positions, positions, positions,
                      positions)
    odd = st.builds(lambda edit, name, value: edit.replace(**{name: value}), edits,
                    st.sampled_from(["content", "line", "column", "end_line", "end_column"]),
                    st.sampled_from([True, 2.0, 7, None]))
    return st.none() | st.builds(Fix, _TEXTS, st.just(()), _TEXTS | st.sampled_from(["safe", "unsafe"]),
                                 st.none() | st.lists(edits | odd, max_size=3).map(tuple), st.booleans())


@pytest.mark.parametrize("name", ["content", "line", "column", "end_line", "end_column"])
@pytest.mark.parametrize("value", [True, False, 2.0, 7, None, "x"])
def test_a_fixs_edit_with_a_field_of_an_unusual_type_is_written_as_the_encoder_writes_it(name, value) -> None:
    from vidlint.fix import Edit, Fix

    edit = Edit(3, 9, 'a "b"', 1, 4, 2, 5).replace(**{name: value})
    for fix in (Fix("clamp it", (), "unsafe", (edit,)), Fix("x", (), "safe", (Edit(0, 0, "", 1, 1, 1, 1), edit), True)):
        result = api.FileResult("r.json", MODEL, [Diagnostic("VL104", Severity.ERROR, "m", "/duration", fix=fix)], 1)
        encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
        assert json_report.file_text(result, encode) == encode(json_report.file_json(result))


@settings(max_examples=300, deadline=None)
@given(code=_TEXTS, severity=st.sampled_from(list(Severity)), message=_TEXTS, pointer=_TEXTS,
       hint=st.none() | _TEXTS, line=st.integers(1, 10**12), column=st.integers(1, 10**6),
       record=st.none() | st.integers(1, 10**9), fix=_fixes(),
       path=_TEXTS, model=st.none() | _TEXTS, requests=st.integers(0, 10**6),
       estimates=st.sampled_from([0, 1, 2]))
def test_a_file_line_of_the_json_report_is_the_encoders(code, severity, message, pointer, hint, line, column, record,
                                                         fix, path, model, requests, estimates) -> None:
    """``file_text`` writes what the encoder writes of ``file_json``, by its own route (no dict,
    the strings by the C function, a fix's edits too) for the usual findings and by ``to_json``
    for a finding, or a fix, with a field of an unusual type."""
    found = [Diagnostic(code, severity, message, pointer, hint, line, column, record, fix=fix),
             Diagnostic("VL502", Severity.INFO, message, "/image_urls/0", None, True, column, record),  # a bool line
             Diagnostic("VL502", Severity.INFO, line, pointer, hint, line, column, record),  # a message that is a number
             Diagnostic(code, severity, message, None, [message], line, column, record),  # no pointer, a hint that is a list
             Diagnostic(code, severity, message, pointer, (hint,), line, column, record)]  # a hint that is a tuple
    estimate = {"usd": 0.1 * line, "complete": False, "quality": message, "seconds": float("inf")}
    result = api.FileResult(path, model, found, requests, [estimate] * estimates)
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    assert json_report.file_text(result, encode) == encode(json_report.file_json(result))
    # the report's encoder (its C encoder made once) writes what the encoder writes
    from vidlint.core.wording import compact_encoder

    assert json_report.file_text(result, compact_encoder()) == encode(json_report.file_json(result))
    assert compact_encoder()([estimate, message, line, None]) == encode([estimate, message, line, None])
    odd = api.FileResult(path, model, found, True)  # not an int: the encoder's way
    assert json_report.file_text(odd, encode) == encode(json_report.file_json(odd))


def test_results_a_worker_pickled_are_stored_as_they_came(tmp_path, monkeypatch) -> None:
    """``append_pickled``: the same results, order and figures as appending them one by one,
    whether they arrive while the first ones are still held or after (written as they came)."""
    from vidlint.run import PackedResults

    names = _corpus(tmp_path, 40)
    results = list(lint_paths(names, LintOptions(jobs=1)).files)
    assert sum(len(r.estimates) for r in results) > 30 and any(r.diagnostics for r in results)
    monkeypatch.setattr(ResultStore, "HELD", 5)
    monkeypatch.setattr(ResultStore, "BATCH", 4)
    one_by_one, packed = ResultStore(), ResultStore()
    for result in results:
        one_by_one.append(result)
    packed.append(results[0])
    for start, stop in ((1, 3), (3, 11), (11, 12), (12, 30), (30, 31), (31, 40)):  # held, then on disk
        if start == 12:
            packed.append(results[start])
            start += 1
        packed.append_pickled(PackedResults.of(results[start:stop]))
    assert len(packed) == 40 and len(packed._held) == 5
    assert list(packed) == list(one_by_one) == results
    ours, theirs = packed.totals, one_by_one.totals
    assert vars(ours).keys() == vars(theirs).keys()  # every figure compared below
    for name in vars(theirs):
        if name != "estimates":
            assert getattr(ours, name) == getattr(theirs, name), name
    assert ours.estimates.to_json() == theirs.estimates.to_json() and ours.estimates.text() == theirs.estimates.text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
@pytest.mark.parametrize("configured", [False, True])
def test_a_forked_run_gives_one_process_results_with_or_without_changes_made_here(tmp_path, monkeypatch,
                                                                                   configured) -> None:
    """Without a configuration the workers' results go to the store as they pickled them; with
    one (suppressions applied here) they are unpickled and changed here: the same run either way."""
    from vidlint.settings.config import load_config

    stored_as_they_came = []
    real = ResultStore.append_pickled
    monkeypatch.setattr(ResultStore, "append_pickled",
                        lambda self, packed: (stored_as_they_came.append(packed.count), real(self, packed)))

    names = _corpus(tmp_path, 600)
    names.insert(250, str(tmp_path / "missing.json"))
    names.insert(420, str(tmp_path / "missing-too.json"))
    config = None
    if configured:
        (tmp_path / "vidlint.toml").write_text('ignore = ["VL502"]\n')
        config = load_config(tmp_path / "vidlint.toml")
    runs = [lint_paths(names, LintOptions.from_config(config, jobs=jobs) if config else LintOptions(jobs=jobs))
            for jobs in (1, 2)]
    one, forked = runs
    assert bool(stored_as_they_came) is not configured  # the worker's chunks, past the held results
    assert forked.path_errors == one.path_errors and len(one.path_errors) == 2
    assert list(forked.files) == list(one.files) and len(one.files) == 600
    reports = []
    for run in runs:
        out = io.StringIO()
        json_report.render(run, out)
        reports.append(out.getvalue())
    assert reports[0] == reports[1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_a_forked_run_hands_every_result_to_a_report_written_as_they_come(tmp_path) -> None:
    """The workers' pickled chunks reach a sink too (``vidlint lint --format json|text``), past
    the held results as well, in file order: the streamed report of a forked run is the one
    of a run in one process."""
    names = _corpus(tmp_path, 600)
    taken: dict[int, list[str]] = {1: [], 2: []}
    for jobs in (1, 2):
        lint_paths(names, LintOptions(jobs=jobs), sink=lambda run, result, jobs=jobs: taken[jobs].append(
            json_report.file_text(result, json.JSONEncoder(ensure_ascii=False).encode)))
    assert len(taken[1]) == 600 and taken[2] == taken[1]
    one = run_vidlint("lint", "--format", "json", str(tmp_path), env={"VIDLINT_JOBS": "1"})
    two = run_vidlint("lint", "--format", "json", str(tmp_path), env={"VIDLINT_JOBS": "2"})
    assert two.code == one.code == 1 and two.out == one.out and one.out.count('"path"') >= 600


@settings(max_examples=150, deadline=None)
@given(request=any_request)
def test_the_usual_files_own_way_gives_what_the_general_way_gives(request) -> None:  # type: ignore[no-untyped-def]
    """``lint_bytes`` of a file holding one request (nothing found before parsing, no budget)
    takes ``_lint_request``, which skips the general way's second sort and lists: the same
    result, findings in the same order, from valid, broken and arbitrary requests."""
    from pathlib import Path

    from vidlint.load import Source, load_source

    data = dumps(request).encode()
    options = LintOptions(jobs=1)

    def loaded():  # type: ignore[no-untyped-def]
        return load_source(Source("r.json", None, False), data)

    if len(loaded().documents) != 1:
        return
    usual = api._lint_request(api._Parsed("r.json", loaded().documents[0], Path(".")), options)
    general = api._lint_documents("r.json", loaded(), Path("."), options)
    assert usual == general
    assert [(d.line, d.column, d.code, d.message, d.fix) for d in usual.diagnostics] == \
        [(d.line, d.column, d.code, d.message, d.fix) for d in general.diagnostics]
    assert api.lint_bytes("r.json", data, False, Path("."), options) == general


@settings(max_examples=60, deadline=None)
@given(requests=st.lists(any_request, max_size=6))
def test_requests_checked_a_stage_at_a_time_give_what_each_gives_alone(requests) -> None:  # type: ignore[no-untyped-def]
    """``check_requests`` runs a batch through each stage in turn (every schema, then every
    request's rules, ...): each result is the one of that request checked alone, findings,
    their order and fixes, estimate and facts, among requests of other models, broken ones,
    no object and an unknown model."""
    from pathlib import Path

    from vidlint.check.pipeline import check_request, check_requests

    options = LintOptions(jobs=1)
    batch = [*requests, [1], {"model": "nope"}, {}][::-1] if len(requests) % 2 else [*requests, [1], {"model": "nope"}, {}]
    together = check_requests([(request, Path(".")) for request in batch], options)
    alone = [check_request(request, Path("."), options) for request in batch]
    assert together == alone
    assert [[(d.code, d.message, d.pointer, d.fix) for d in r.diagnostics] for r in together] == \
        [[(d.code, d.message, d.pointer, d.fix) for d in r.diagnostics] for r in alone]


@settings(max_examples=60, deadline=None)
@given(requests=st.lists(any_request, max_size=8))
def test_rules_run_a_rule_at_a_time_give_what_they_give_a_request_at_a_time(requests) -> None:  # type: ignore[no-untyped-def]
    """``run_stage_over`` runs each rule over every request of its model before the next rule:
    each request's findings, and their order, are ``run_stage``'s for that request alone."""
    from vidlint.check.pipeline import select_profile
    from vidlint.rules.registry import RequestContext, run_stage, run_stage_over

    profiles = [(request, select_profile(request)[0]) for request in requests if isinstance(request, dict)]
    contexts = [RequestContext(request, profile.meta, profile) for request, profile in profiles if profile is not None]
    for stage, opted in (("request", frozenset({"VL235"})), ("facts", frozenset())):  # VL235: an opt-in rule
        together = run_stage_over(stage, contexts, frozenset({"VL202"}), opted)
        alone = [run_stage(stage, ctx, ctx.meta, frozenset({"VL202"}), opted) for ctx in contexts]
        assert [[(d.code, d.message, d.pointer, d.fix) for d in found] for found in together] == \
            [[(d.code, d.message, d.pointer, d.fix) for d in found] for found in alone]


def test_rules_run_over_a_batch_append_to_the_lists_they_are_given() -> None:
    """``run_stage_over(..., found=)`` appends each context's findings after what its list held
    (``check_requests`` passes each result's findings) and returns those same lists."""
    from vidlint.check.pipeline import select_profile
    from vidlint.rules.registry import RequestContext, run_stage_over

    requests = [{"model": "wan2.7-reference-video", "prompt": "Image 3 waves", "image_urls": ["a.jpg"]},
                {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["a.jpg"]}]
    contexts = [RequestContext(request, profile.meta, profile)
                for request in requests for profile in [select_profile(request)[0]]]
    held = [["schema finding"], []]
    given = [list(found) for found in held]
    returned = run_stage_over("request", contexts, found=given)
    fresh = run_stage_over("request", [RequestContext(r, c.meta, c.profile) for r, c in zip(requests, contexts)])
    assert returned is given and all(a is b for a, b in zip(returned, given))
    assert given == [held[0] + fresh[0], fresh[1]] and [d.code for d in fresh[0]] == ["VL310"]


def test_json_lines_records_checked_in_batches_give_what_each_gives_alone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A batch's records go a batch at a time too (parsed, then checked stage by stage): each
    record's findings, model and estimate are the ones it gives alone, over more than one batch
    of requests, broken lines, a non-object and an unknown model."""
    from vidlint.load.document import record_spans
    from vidlint.load.positions import LineMap

    text = bench_corpus().write_batch(tmp_path / "b.jsonl", 60, seed=4).read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[5], lines[40], lines[41] = "{broken", "[1, 2]", '{"model": "nope"}'
    text = "\n".join(lines) + "\n"
    spans, line_map, options = record_spans(text), LineMap(text), LintOptions(jobs=1)
    together = list(api._check_records("b.jsonl", text, line_map, spans, tmp_path, options))
    alone = [api._check_span("b.jsonl", text, line_map, spans, tmp_path, index, options) for index in range(len(spans))]
    assert len(together) == 60 and together == alone
    assert [[(d.code, d.line, d.column, d.fix) for d in found] for (found, *_), _ in together] == \
        [[(d.code, d.line, d.column, d.fix) for d in found] for (found, *_), _ in alone]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_a_forked_run_hands_the_report_text_its_workers_made_to_the_sink(tmp_path) -> None:
    """With ``encode`` (``vidlint lint --format json``), a worker hands over the report's line of
    each of its files instead of the pickled result: the sink gets those texts in file order
    among the results linted here, the same lines and the same totals as one process."""
    names = _corpus(tmp_path, 600)
    lines: dict[int, list[str]] = {1: [], 2: []}
    made_by_workers = []
    runs = {}

    def sink(run, result, jobs):  # type: ignore[no-untyped-def]
        if isinstance(result, str):
            made_by_workers.append(result)
        lines[jobs].append(result if isinstance(result, str) else json_report.result_text(result))

    for jobs in (1, 2):
        runs[jobs] = lint_paths(names, LintOptions(jobs=jobs), encode=json_report.result_text,
                                sink=lambda run, result, jobs=jobs: sink(run, result, jobs))
    assert len(lines[1]) == 600 and lines[2] == lines[1]
    assert made_by_workers and len(made_by_workers) < 600  # both processes linted some
    one, two = runs[1].totals, runs[2].totals
    assert (two.files, two.counts, two.by_code, two.worst, two.estimates.to_json()) == \
        (one.files, one.counts, one.by_code, one.worst, one.estimates.to_json())


def test_a_chunk_with_a_batchs_findings_on_disk_is_pickled_not_made_one_text(monkeypatch) -> None:
    """A large JSON Lines batch's result keeps its findings on disk (``SpilledList``): a worker
    does not turn it into one text in memory but pickles its chunk as before."""
    from vidlint.run import PackedResults, SpilledList

    monkeypatch.setattr(SpilledList, "HELD", 2)
    monkeypatch.setattr(SpilledList, "BATCH", 2)
    found = [Diagnostic("VL502", Severity.INFO, "m", f"/image_urls/{n}", None, n + 1, 1, n + 1) for n in range(7)]
    batch = api.FileResult("b.jsonl", None, SpilledList(found), 7)
    plain = api.FileResult("a.json", "m", found[:1], 1)
    assert PackedResults.of([plain], json_report.result_text).texts == [json_report.result_text(plain)]
    packed = PackedResults.of([plain, batch], json_report.result_text)
    assert packed.texts is None and packed.count == 2 and packed.data


def test_no_import_statement_runs_once_per_file_or_record(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A ``from module import name`` inside a function costs ~3 us each time it runs (a module
    that is not a package is asked for ``__path__``, and the AttributeError's message is
    written), so none runs for every file of a folder or every record of a JSON Lines batch
    (the JSON report's work included)."""
    import builtins
    from collections import Counter

    names = _corpus(tmp_path / "files", 80)
    batch = str(bench_corpus().write_batch(tmp_path / "batch.jsonl", 80, seed=4))
    real, sites = builtins.__import__, Counter()

    def counting(name, globals=None, locals=None, fromlist=(), level=0):  # type: ignore[no-untyped-def]
        if fromlist:
            caller = sys._getframe(1).f_code
            sites[(caller.co_filename, caller.co_name, name)] += 1
        return real(name, globals, locals, fromlist, level)

    for paths in (names, [batch]):
        lint_paths(paths, LintOptions(jobs=1), sink=lambda run, result: None, encode=json_report.result_text)  # warm
        sites.clear()
        monkeypatch.setattr(builtins, "__import__", counting)
        run = lint_paths(paths, LintOptions(jobs=1), sink=lambda run, result: json_report.result_text(result),
                         encode=json_report.result_text)
        monkeypatch.setattr(builtins, "__import__", real)
        assert run.files.totals.files == len(paths) and not run.path_errors
        assert [site for site, count in sites.items() if count >= 40] == []
