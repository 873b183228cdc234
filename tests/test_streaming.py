"""Large runs: results stream to the report instead of being held (issue 19), and JSON Lines
syntax hints look back only over whitespace."""

from __future__ import annotations

import io
import json

from conftest import REPO, run_vidlint

from vidlint import api
from vidlint.api import LintOptions, ResultStore, lint_paths
from vidlint.core.diagnostics import Severity
from vidlint.report import json_report, text

MODEL = "wan2.7-reference-video"


def _corpus(root, count):  # type: ignore[no-untyped-def]
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    try:
        from requests_corpus import write_corpus
    finally:
        sys.path.remove(str(REPO / "bench"))
    return [str(p) for p in write_corpus(root, count=count, seed=3)]


def test_results_beyond_the_held_few_are_spilled_and_read_back_in_order(tmp_path, monkeypatch) -> None:
    names = _corpus(tmp_path, 40)
    held = lint_paths(names, LintOptions(jobs=1))  # default: 40 files all held
    monkeypatch.setattr(ResultStore, "HELD", 5)
    spilled = lint_paths(names, LintOptions(jobs=1))
    assert isinstance(spilled.files, ResultStore) and len(spilled.files._held) == 5  # the rest are on disk
    assert [f.path for f in spilled.files] == names
    assert list(spilled.files) == list(held.files)  # read back whole, and again on a second walk
    assert spilled.files[-1] == held.files[-1] and spilled.files[7] == held.files[7]
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
    import sys

    import pytest

    if not sys.platform.startswith("linux"):
        pytest.skip("workers are forked on Linux only")
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from requests_corpus import write_batch
    finally:
        sys.path.remove(str(REPO / "bench"))
    batch = str(write_batch(tmp_path / "batch.jsonl", 300, seed=4))
    monkeypatch.setattr(api, "SPLIT_RECORDS", 100)
    one = lint_paths([batch], LintOptions(jobs=1))
    forked: list[int] = []
    import multiprocessing.pool

    original = multiprocessing.pool.Pool.__init__

    def counting(self, processes=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        forked.append(processes)
        original(self, processes, *args, **kwargs)

    monkeypatch.setattr(multiprocessing.pool.Pool, "__init__", counting)
    two = lint_paths([batch], LintOptions(jobs=2))
    assert forked == [2]  # one file, its records spread over two workers
    (a,), (b,) = list(one.files), list(two.files)
    assert a.requests == b.requests > 250  # the unparsable lines are no requests
    assert a == b and len(a.estimates) > 150
    assert {d.record for d in a.diagnostics if d.code == "VL001"}  # the batch has unparsable lines too
