"""Output people can read (issue 18): text styles, folded infos, wording, and the drift a newcomer hit."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from conftest import run_vidlint

from vidlint.core.wording import number, span

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
REMOTE = "https://cdn.example.com/a.jpg"


def write(path: Path, body: dict | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body if isinstance(body, str) else json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return path


def seed_zero(tmp_path: Path) -> Path:
    return write(tmp_path / "r.json", {"model": "wan2.7-reference-video", "prompt": "Image 1 waves",
                                       "image_urls": [REMOTE], "seed": 0})


def test_full_format_shows_the_source_line_with_a_caret_under_the_column(tmp_path):
    seed_zero(tmp_path)
    out = run_vidlint("lint", "--format", "full", "r.json", cwd=tmp_path).out.splitlines()
    first = out.index("r.json:7:11: VL104 [error] seed is 0; the limit is 1..2,147,483,647")
    assert out[first + 2] == '7 |   "seed": 0'
    assert out[first + 3] == "  |           ^"
    assert out[first + 3].index("^") == out[first + 2].index("0")


def test_concise_is_one_line_a_finding_and_the_default_off_a_terminal(tmp_path):
    seed_zero(tmp_path)
    default = run_vidlint("lint", "r.json", cwd=tmp_path).out  # captured: not a terminal
    assert default == run_vidlint("lint", "--format", "concise", "r.json", cwd=tmp_path).out
    assert default.startswith("r.json:7:11: VL104 [error] seed is 0") and " | " not in default


def test_asset_infos_fold_into_one_line_and_still_count(tmp_path):
    seed_zero(tmp_path)
    plain = run_vidlint("lint", "r.json", cwd=tmp_path)
    assert "VL502 [info]" not in plain.out
    assert "1 info about assets not shown (1 VL502 remote-asset-not-verified); -v or --show-infos lists them" in plain.out
    assert "Found 1 error, 0 warnings, 1 info in 1 file." in plain.out
    for flag in ("-v", "--show-infos", "--verbose"):
        assert "r.json:5:5: VL502 [info]" in run_vidlint("lint", flag, "r.json", cwd=tmp_path).out
    quiet = run_vidlint("lint", "-q", "r.json", cwd=tmp_path).out
    assert "VL502" not in quiet and "not shown" not in quiet and "Found" not in quiet and "VL104" in quiet
    infos_only = write(tmp_path / "ok.json", {"model": "wan2.7-reference-video", "prompt": "Image 1 waves",
                                              "image_urls": [REMOTE]})
    assert run_vidlint("lint", infos_only.name, cwd=tmp_path).code == 0
    assert run_vidlint("lint", "--fail-on", "info", infos_only.name, cwd=tmp_path).code == 1  # folded, still counted


def test_one_number_formatter_groups_digits_and_never_prints_a_degenerate_range():
    assert number(59995000) == "59,995,000" and number(12.0) == "12" and number(2.5) == "2.5"
    assert number(-1234.25) == "-1,234.25"
    assert span(1, 1) == "1" and span(2, 10, "s") == "2..10 s" and span(1, 1, prefix="image") == "image1"
    assert span(1, 3, prefix="image") == "image1..image3"


def test_hints_for_one_reference_name_it_instead_of_a_range(tmp_path):
    write(tmp_path / "r.json", {"model": "wan2.7-reference-video", "prompt": "Image 1 and Image 2 dance",
                                "image_urls": [REMOTE]})
    out = run_vidlint("lint", "r.json", cwd=tmp_path).out
    assert "hint: refer to Image 1" in out and "1..1" not in out


def test_json_syntax_errors_are_worded_for_people(tmp_path):
    write(tmp_path / "r.json", '{"model": "wan2.7-text-to-video", "prompt": "x"}\n{"prompt": "y"}\n')
    out = run_vidlint("lint", "r.json", cwd=tmp_path).out
    assert "Extra data" not in out
    assert "r.json:2:1: VL001 [error] invalid JSON: text after the end of the JSON value" in out


def test_statistics_columns_line_up():
    out = run_vidlint("lint", "--statistics", "-q", str(EXAMPLES)).out
    rows = [line for line in out.splitlines() if re.match(r"\s*\d+  VL\d{3} ", line)]
    assert len(rows) > 5
    assert len({row.index("VL") for row in rows}) == 1
    assert len({row.index("[") for row in rows}) == 1
    names = {row.rindex("  ") for row in rows}
    assert len(names) == 1, rows


def test_summary_counts_request_files_not_the_configuration(tmp_path):
    seed_zero(tmp_path)
    write(tmp_path / "vidlint.toml", '[per-file-ignores]\n"r.json" = ["VL311"]\n')
    result = run_vidlint("lint", "r.json", cwd=tmp_path)
    assert "vidlint.toml" in result.out  # the stale ignore is reported on the configuration ...
    assert re.search(r"Found .* in 1 file\.", result.out), result.out  # ... which is no request file


def test_a_misspelt_field_comes_before_what_it_causes(tmp_path):
    write(tmp_path / "r.json", {"model": "wan2.7-reference-video", "prompt": "Image 3 dances",
                                "image_url": [REMOTE]})
    lines = [line for line in run_vidlint("lint", "r.json", cwd=tmp_path).out.splitlines() if " VL" in line]
    codes = [line.split()[1] for line in lines]
    assert codes[:3] == ["VL105", "VL201", "VL310"], lines
    note = 'this follows from the unknown field "image_url" on line 4, probably meant as "image_urls"'
    assert all(note in line for line in lines[1:3])


def test_stdin_filename_sets_the_folder_assets_resolve_from():
    body = json.dumps({"model": "wan2.7-reference-video", "prompt": "Image 1 waves",
                       "image_urls": ["../assets/girl.jpg"]})
    named = run_vidlint("lint", "-v", "--stdin-filename", "examples/clean/new.json", "-", cwd=ROOT, input=body)
    assert named.code == 0 and "VL503" not in named.out and "examples/clean/new.json:" in named.out
    unnamed = run_vidlint("lint", "-", cwd=ROOT, input=body)
    assert "VL503" in unnamed.out


def test_exclude_drops_files_named_directly_and_says_so(tmp_path):
    seed_zero(tmp_path)
    assert "named on the command line" in " ".join(run_vidlint("lint", "--help").out.split())
    assert "No request files" in run_vidlint("lint", "--exclude", "r.json", "r.json", cwd=tmp_path).out
    write(tmp_path / "drafts" / "d.json", "{")
    assert run_vidlint("lint", "--exclude", "drafts", "r.json", "drafts/d.json", cwd=tmp_path).out.startswith("r.json:")


def test_missing_model_under_pre_commit_says_how_to_narrow_files(tmp_path):
    write(tmp_path / "settings.json", {"editor.tabSize": 2})
    hook = run_vidlint("lint", "settings.json", cwd=tmp_path, env={"PRE_COMMIT": "1"}).out
    assert "VL010" in hook and "narrow the hook's `files:` in .pre-commit-config.yaml" in hook
    assert "files:" not in run_vidlint("lint", "settings.json", cwd=tmp_path, env={"PRE_COMMIT": ""}).out


def test_probe_of_a_missing_file_exits_2_like_lint(tmp_path):
    result = run_vidlint("probe", "missing.mp4", cwd=tmp_path)
    assert result.code == 2 and "missing.mp4: no such file" in result.err
    assert run_vidlint("lint", "missing.json", cwd=tmp_path).code == 2


def settings_with_stale_entries(tmp_path: Path) -> None:
    """Two requests, a configuration and a baseline (named so that walking does not skip it by
    name) that each hold an entry matching nothing: VL901 on the one, VL902 on the other."""
    seed_zero(tmp_path)
    write(tmp_path / "s.json", {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": [REMOTE]})
    write(tmp_path / "pyproject.toml", '[tool.vidlint]\nbaseline = "ci/known.json"\n'
                                       '[tool.vidlint.per-file-ignores]\n"s.json" = ["VL104"]\n')
    assert run_vidlint("lint", "--write-baseline", "ci/known.json", ".", cwd=tmp_path).code == 0
    known = json.loads((tmp_path / "ci/known.json").read_text(encoding="utf-8"))
    known["entries"].append({**known["entries"][0], "path": "gone.json", "fingerprint": "0" * 32})
    write(tmp_path / "ci/known.json", known)


def test_every_summary_counts_request_files_not_the_configuration_or_baseline(tmp_path):
    settings_with_stale_entries(tmp_path)
    # walked (the baseline lies under "."), named, or found: two request files either way
    for paths in (["."], [".", "pyproject.toml", "ci/known.json"], ["r.json", "s.json"]):
        report = run_vidlint("lint", "--format", "json", "--fail-on", "warning", *paths, cwd=tmp_path).json()
        shown = {f["path"]: [d["code"] for d in f["diagnostics"]] for f in report["files"]}
        assert shown == {"r.json": [], "s.json": [], "pyproject.toml": ["VL901"],
                         os.path.join("ci", "known.json"): ["VL902"]}, paths
        assert report["summary"]["files"] == 2, paths
        for style in ("text", "markdown", "github"):
            out = run_vidlint("lint", "--format", style, *paths, cwd=tmp_path).out
            assert "Found 0 errors, 1 warning, 1 info in 2 files." in out, (style, out)
        out = run_vidlint("lint", "-o", str(tmp_path / "ci/report.sarif"), "--format", "sarif", *paths, cwd=tmp_path).out
        assert out.startswith("Found 0 errors, 1 warning, 1 info in 2 files."), out


def test_a_baseline_with_any_name_is_never_linted_as_a_request(tmp_path):
    seed_zero(tmp_path)
    assert run_vidlint("lint", "--write-baseline", "known.json", ".", cwd=tmp_path).code == 0
    first = (tmp_path / "known.json").read_text(encoding="utf-8")
    assert "known.json" not in first
    assert run_vidlint("lint", "--write-baseline", "known.json", ".", cwd=tmp_path).code == 0  # re-recorded over it
    assert (tmp_path / "known.json").read_text(encoding="utf-8") == first  # not its own VL010
    again = run_vidlint("lint", "--baseline", "known.json", ".", cwd=tmp_path)
    assert again.code == 0 and again.out.startswith("All checks passed (1 file)."), again.out


def test_full_format_quotes_stdin_not_the_file_of_that_name_on_disk(tmp_path):
    seed_zero(tmp_path)  # on disk: "seed": 0 on line 7
    unsaved = json.dumps({"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": [REMOTE],
                          "duration": 99}, indent=2) + "\n"  # the editor's buffer: duration on line 7
    for name in (["--stdin-filename", "r.json"], []):
        out = run_vidlint("lint", "--format", "full", *name, "-", cwd=tmp_path, input=unsaved).out.splitlines()
        first = next(i for i, line in enumerate(out) if " VL104 " in line or " VL203 " in line)
        assert "duration" in out[first] and out[first].split(":")[:3] == [name[1] if name else "<stdin>", "7", "15"]
        assert out[first + 2] == '7 |   "duration": 99'
        assert out[first + 3] == "  |               ^^"
        assert '"seed"' not in "\n".join(out)


def test_full_format_quotes_the_record_line_of_a_jsonl_batch(tmp_path):
    lines = [json.dumps({"model": "wan2.7-text-to-video", "prompt": "a dancer", "seed": seed}) for seed in (5, 0, 7)]
    write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    piped = [line.replace('"seed": 5', '"seed": 6').replace('"seed": 0', '"seed": -3') for line in lines]
    for args, record in ((["batch.jsonl"], lines[1]), (["--stdin-filename", "batch.jsonl", "-"], piped[1])):
        data = "\n".join(piped) + "\n" if "-" in args else None
        out = run_vidlint("lint", "--format", "full", *args, cwd=tmp_path, input=data).out.splitlines()
        first = next(i for i, line in enumerate(out) if " VL104 " in line)
        column = record.index('"seed": ') + len('"seed": ') + 1
        assert out[first].startswith(f"batch.jsonl:2:{column}: VL104 [error] seed is {record[column - 1:-1]};")
        assert out[first + 2] == f"2 | {record}"
        assert out[first + 3] == f"  | {' ' * (column - 1)}{'^' * len(record[column - 1:-1])}"
