"""What happens to a finding after a check made it, when the run knows what its report shows:
findings the configuration turns off are dropped before they are placed
(``LintOptions.dropped_codes``), and those the report never shows are counted but not placed
(``LintOptions.unplaced_codes``). Each report must read as if every finding had been placed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import bench_corpus, run_vidlint, write_request
from vidlint import report
from vidlint.settings.suppressions import Suppressor

MODEL = "wan2.7-reference-video"


def _project(root: Path) -> Path:
    """Generated requests (a third broken, most with remote uris: VL502 infos), plus a misspelt
    field whose finding the others follow from, duplicate keys (the document scanned whole), a
    JSON Lines batch and a file that is not JSON."""
    folder = root / "requests"
    bench_corpus().write_corpus(folder, count=40, seed=5)
    write_request(folder / "typo.json", {"model": MODEL, "prompt": "Image 1 walks through the market",
                                         "image_url": ["https://cdn.example.com/image_urls/a.jpg"],
                                         "video_urls": ["https://cdn.example.com/v.mp4"], "duration": 99})
    (folder / "twice.json").write_text(
        f'{{"model": "{MODEL}", "prompt": "Video 1", "video_urls": ["https://cdn.example.com/v.mp4"],\n'
        ' "duration": 5, "duration": 6}\n', encoding="utf-8")
    (folder / "batch.jsonl").write_text("".join(json.dumps(
        {"model": MODEL, "prompt": f"Image 1 scene {n}", "image_urls": [f"https://cdn.example.com/{n}.jpg"],
         "duration": 3 + 9 * (n % 2)}) + "\n" for n in range(4)), encoding="utf-8")
    (folder / "broken.json").write_text('{"model": "x",,}', encoding="utf-8")
    return folder


REPORTS = [("--format", "concise"), ("--format", "full"), ("--format", "concise", "-q"),
           ("--format", "concise", "--statistics"), ("--format", "sarif"), ("--format", "json"),
           ("--format", "concise", "--show-infos")]


@pytest.mark.parametrize("configuration", [None, "[tool.vidlint.severity]\nVL502 = \"warning\"\n",
                                           "[tool.vidlint]\nignore = [\"VL105\", \"VL1\"]\n"])
@pytest.mark.parametrize("args", REPORTS, ids=" ".join)
def test_findings_a_report_does_not_show_are_counted_as_when_they_were_placed(tmp_path, monkeypatch, args,
                                                                               configuration) -> None:
    folder = _project(tmp_path)
    if configuration is not None:
        (tmp_path / "pyproject.toml").write_text(configuration, encoding="utf-8")
    command = ("lint", *args, "requests")
    unplaced = run_vidlint(*command, cwd=tmp_path, env={"VIDLINT_JOBS": "1"})
    monkeypatch.setattr(report, "unshown_codes", lambda *_: frozenset())  # every finding placed
    placed = run_vidlint(*command, cwd=tmp_path, env={"VIDLINT_JOBS": "1"})
    assert (unplaced.code, unplaced.out, unplaced.err) == (placed.code, placed.out, placed.err)
    assert "VL502" in unplaced.out or "info" in unplaced.out or "-q" in args  # the infos are there, or counted
    assert folder.exists()


def test_which_codes_a_report_leaves_unplaced() -> None:
    from vidlint.core.diagnostics import Severity
    from vidlint.settings.config import Config

    folded = report.unshown_codes("text", None, quiet=False)
    assert "VL502" in folded and "VL104" not in folded  # an info about an asset; an error
    assert report.unshown_codes("json", None, quiet=False) == frozenset()
    assert folded < report.unshown_codes("text", None, quiet=True) <= report.unshown_codes("sarif", None, quiet=False)
    config = Config(Path("vidlint.toml"), severity={"VL502": Severity.WARNING})
    assert "VL502" not in report.unshown_codes("text", config, quiet=False)  # shown as a warning: placed


@pytest.mark.parametrize("selection", [("--ignore", "VL502"), ("--ignore", "VL105,VL5"), ("--select", "VL1,VL3"),
                                       ("--select", "VL5", "--extend-select", "VL104")], ids=" ".join)
@pytest.mark.parametrize("output", ["json", "concise"])
def test_findings_turned_off_are_dropped_before_placing_with_the_same_report(tmp_path, monkeypatch, selection,
                                                                             output) -> None:
    _project(tmp_path)
    command = ("lint", "--format", output, *selection, "requests")
    early = run_vidlint(*command, cwd=tmp_path, env={"VIDLINT_JOBS": "1"})
    monkeypatch.setattr(Suppressor, "dropped_codes", lambda self: frozenset())  # dropped after placing
    late = run_vidlint(*command, cwd=tmp_path, env={"VIDLINT_JOBS": "1"})
    assert (early.code, early.out, early.err) == (late.code, late.out, late.err)


def test_a_misspelt_field_ignored_still_names_what_follows_from_it(tmp_path) -> None:
    _project(tmp_path)
    found = run_vidlint("lint", "--format", "json", "--ignore", "VL105", "requests/typo.json", cwd=tmp_path).json()
    messages = [d["message"] for d in found["files"][0]["diagnostics"]]
    assert "VL105" not in {d["code"] for d in found["files"][0]["diagnostics"]}
    assert any('follows from the unknown field "image_url"' in m for m in messages), messages


def test_dropped_codes_are_what_the_selection_turns_off(tmp_path) -> None:
    from vidlint.settings.config import load_config

    (tmp_path / "vidlint.toml").write_text('ignore = ["VL5", "VL105"]\n[severity]\nVL201 = "off"\n', encoding="utf-8")
    dropped = Suppressor(load_config(tmp_path / "vidlint.toml")).dropped_codes()
    assert {"VL501", "VL502", "VL201"} <= dropped
    assert "VL105" not in dropped and "VL104" not in dropped


def test_lint_bytes_keeps_every_finding_without_a_run(tmp_path) -> None:
    """The API's answer for one file is not changed by a configuration it was given: only a run
    (``lint_paths``) drops what its suppressions would drop."""
    from vidlint.api import LintOptions, lint_bytes
    from vidlint.settings.config import load_config

    (tmp_path / "vidlint.toml").write_text('ignore = ["VL502"]\n', encoding="utf-8")
    options = LintOptions.from_config(load_config(tmp_path / "vidlint.toml"))
    data = json.dumps({"model": MODEL, "prompt": "Image 1", "image_urls": ["https://cdn.example.com/a.jpg"],
                       "duration": 5}).encode()
    found = lint_bytes("a.json", data, False, tmp_path, options).diagnostics
    assert [d.code for d in found] == ["VL502"] and (found[0].line, found[0].column) == (1, data.index(b'"https') + 1)


def test_the_rules_of_dropped_codes_are_not_run(tmp_path) -> None:
    """``--ignore VL502`` saves the VL502 infos' making, not only their placing: a run's dropped
    codes are skipped by every stage (the request, asset and facts rules, the remote uri's
    shortcut), and the other findings are the same."""
    from vidlint.check.pipeline import check_request
    from vidlint.run import LintOptions

    request = {"model": MODEL, "prompt": "Image 1 then Image 3", "image_urls": ["https://cdn.example.com/a.jpg"],
               "video_urls": ["https://cdn.example.com/v.mp4"], "duration": 5}
    every = [d.code for d in check_request(request, tmp_path, LintOptions()).diagnostics]
    assert {"VL310", "VL502"} <= set(every)
    options = LintOptions()
    options.dropped_codes = frozenset({"VL310", "VL502"})
    assert [d.code for d in check_request(request, tmp_path, options).diagnostics] == [
        code for code in every if code not in options.dropped_codes]


def test_a_finding_the_schema_stage_remembers_is_placed_in_each_request_of_its_own(tmp_path: Path) -> None:
    """The schema stage hands requests that repeat an invalid value the findings it made for the
    first (``check.schema._REMEMBERED``): placing them in one request must not move them in
    another (a JSON Lines batch's records, and separate files, with the value on different
    lines; docs/performance.md, "The findings path, round 6b", measured placing in place)."""
    from vidlint.check import schema as schema_module

    schema_module._REMEMBERED.clear()
    records = [{"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://cdn.example.com/a.jpg"],
                "quality": "ultra"}] * 3
    (tmp_path / "batch.jsonl").write_text("".join(json.dumps(one) + "\n" for one in records), encoding="utf-8")
    for lines in (1, 4):  # the quality on line 2, then on line 5 (after the same value elsewhere)
        (tmp_path / f"r{lines}.json").write_text(
            '{"model": "' + MODEL + '",' + "\n" * lines + ' "quality": "ultra",\n "prompt": "Image 1 waves",'
            ' "image_urls": ["https://cdn.example.com/a.jpg"]}\n', encoding="utf-8")
    for jobs in ("1", "2"):
        run = run_vidlint("lint", "--format", "json", "--no-cache", str(tmp_path), env={"VIDLINT_JOBS": jobs})
        places = {Path(entry["path"]).name: [(d["line"], d["record"]) for d in entry["diagnostics"]
                                             if d["pointer"] == "/quality"]
                  for entry in run.json()["files"]}
        assert places == {"batch.jsonl": [(1, 1), (2, 2), (3, 3)], "r1.json": [(2, None)], "r4.json": [(5, None)]}, jobs
    schema_module._REMEMBERED.clear()
