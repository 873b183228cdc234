"""The lint command as a user meets it: inputs, formats, exit codes, positions, bad input."""

from __future__ import annotations

import json
import os

import pytest

from conftest import EXAMPLES, run_vidlint, write_request

CLEAN = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["https://x.example.com/a.jpg"]}


def diags(result):
    return [d for f in result.json()["files"] for d in f["diagnostics"]]


def test_examples_show_findings_with_exit_1():
    result = run_vidlint("lint", str(EXAMPLES))
    assert result.code == 1
    assert "VL106" in result.out and "VL310" in result.out and "Found" in result.out
    assert "Traceback" not in result.out + result.err


def test_clean_examples_pass():
    result = run_vidlint("lint", "--show-infos", str(EXAMPLES / "clean"))
    assert result.code == 0, result.out
    # their https assets are not fetched offline (VL502), local ones will be uploaded (VL501): infos only
    assert "Found 0 errors, 0 warnings, " in result.out and f"in {len(list((EXAMPLES / 'clean').glob('*.json')))} files." in result.out
    assert {line.split()[1] for line in result.out.splitlines() if "[" in line} == {"VL501", "VL502"}


def test_text_format_is_path_line_col_code(tmp_path):
    path = write_request(tmp_path / "r.json", {**CLEAN, "seed": 0})
    result = run_vidlint("lint", str(path), cwd=tmp_path)
    assert "r.json:7:11: VL104 [error] seed is 0; the limit is 1..2,147,483,647" in result.out.splitlines()
    assert "\033[" not in result.out  # not a terminal: no colour


def test_colour_always_and_no_color(tmp_path):
    path = write_request(tmp_path / "r.json", {**CLEAN, "seed": 0})
    assert "\033[" in run_vidlint("lint", "--color", "always", str(path)).out
    assert "\033[" not in run_vidlint("lint", str(path), env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).out


def test_json_format_shape(tmp_path):
    path = write_request(tmp_path / "r.json", {**CLEAN, "quality": "4K"})
    report = run_vidlint("lint", "--format", "json", str(path)).json()
    assert report["version"] == 1
    assert {k: report["summary"][k] for k in ("files", "errors", "warnings", "infos")} == {
        "files": 1, "errors": 1, "warnings": 0, "infos": 1}  # the info: VL502, remote asset not verified
    (entry,) = report["files"]
    assert entry["model"] == "wan2.7-reference-video"
    (diag,) = [d for d in entry["diagnostics"] if d["code"] != "VL502"]
    assert set(diag) == {"code", "severity", "message", "hint", "pointer", "line", "column", "record", "fix"}
    assert diag["pointer"] == "/quality" and diag["record"] is None and diag["severity"] == "error"


def test_jsonl_records_name_their_line(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps(CLEAN), "", json.dumps({**CLEAN, "duration": 99}), "{broken"]
    path.write_text("\n".join(lines) + "\n")
    result = run_vidlint("lint", "--format", "json", str(path))
    found = {(d["code"], d["record"], d["line"]) for d in diags(result)}
    assert ("VL104", 3, 3) in found
    assert ("VL001", 4, 4) in found
    assert result.json()["files"][0]["requests"] == 2


def test_directory_recursion_and_globs(tmp_path):
    write_request(tmp_path / "a" / "one.json", CLEAN)
    write_request(tmp_path / "a" / "b" / "two.json", CLEAN)
    write_request(tmp_path / "a" / "package.json", {"name": "not a request"})
    (tmp_path / "a" / "notes.txt").write_text("ignored")
    result = run_vidlint("lint", "--format", "json", "a", cwd=tmp_path)
    assert sorted(f["path"] for f in result.json()["files"]) == ["a/b/two.json", "a/one.json"]
    result = run_vidlint("lint", "--format", "json", "a/**/t*.json", cwd=tmp_path)
    assert [f["path"] for f in result.json()["files"]] == ["a/b/two.json"]


def test_stdin(tmp_path):
    result = run_vidlint("lint", "--format", "json", "-", input=json.dumps({**CLEAN, "seed": -1}))
    assert result.code == 1
    assert result.json()["files"][0]["path"] == "<stdin>"
    result = run_vidlint("lint", "--stdin-filename", "batch.jsonl", "-", input=json.dumps(CLEAN) + "\n" + json.dumps(CLEAN))
    assert result.code == 0 and "Found 0 errors, 0 warnings" in result.out


@pytest.mark.parametrize("fail_on, code", [("error", 0), ("warning", 1), ("info", 1), ("WARNING", 1)])
def test_fail_on(tmp_path, fail_on, code):
    path = write_request(tmp_path / "r.json", {**CLEAN, "image_start": "https://x.example.com/s.jpg", "aspect_ratio": "1:1"})
    assert run_vidlint("lint", "--fail-on", fail_on, str(path)).code == code


def test_missing_path_is_exit_2_with_one_line(tmp_path):
    write_request(tmp_path / "ok.json", CLEAN)
    result = run_vidlint("lint", "ok.json", "nope.json", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == "vidlint: nope.json: no such file or directory"
    assert "Found 0 errors, 0 warnings, 1 info in 1 file." in result.out


def test_a_named_folder_with_a_request_name_is_walked(tmp_path):
    target = tmp_path / "dir.json"
    target.mkdir()
    result = run_vidlint("lint", str(target))
    assert result.code == 0  # a folder is walked, and this one is empty


def test_a_named_file_that_cannot_be_read_is_a_finding_and_the_others_are_linted(tmp_path, monkeypatch):
    """Named or found in a folder, a file the OS refuses is VL008 for that file (click's own check
    of named paths made it a usage error that stopped the run)."""
    write_request(tmp_path / "ok.json", CLEAN)
    secret = write_request(tmp_path / "secret.json", CLEAN)
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):  # root reads everything: the OS calls are made to refuse
            for name in ("open", "access"):
                real = getattr(os, name)

                def refusing(path, *args, real=real, **kwargs):
                    if os.fspath(path).endswith("secret.json"):
                        raise PermissionError(13, "Permission denied", os.fspath(path))
                    return real(path, *args, **kwargs)

                monkeypatch.setattr(os, name, refusing)
        result = run_vidlint("lint", "--format", "json", "ok.json", "secret.json", cwd=tmp_path)
    finally:
        secret.chmod(0o644)
    assert result.code == 1 and result.err == ""
    found = {f["path"]: [(d["code"], d["message"]) for d in f["diagnostics"]] for f in result.json()["files"]}
    assert found["secret.json"] == [("VL008", "the request file cannot be read: Permission denied")]
    assert [code for code, _ in found["ok.json"]] == ["VL502"]


def test_usage_error_is_exit_2():
    result = run_vidlint("lint", "--format", "yaml", "x.json")
    assert result.code == 2 and "Invalid value for '--format': 'yaml' is not one of" in result.err
    result = run_vidlint("lnit")
    assert result.code == 2 and "Did you mean 'lint'" in result.err


BAD_INPUTS = {
    "trailing-comma": (b'{"model": "wan2.7-reference-video",\n "prompt": "x",\n}', "VL001", 2, 15),
    "empty": (b"", "VL001", 1, 1),
    "garbage": (b"\x00\x01\x02", "VL001", 1, 1),
    "invalid-utf8": (b'{"model": "wan2.7-reference-video",\n "prompt": "caf\xe9"}', "VL002", 2, 16),
    "utf16": ('{"model": "x"}'.encode("utf-16"), "VL002", 1, 1),
    "bom": (b'\xef\xbb\xbf{"model": "wan2.7-reference-video", "prompt": "Image 1", "image_urls": ["a.jpg"]}', "VL004", 1, 1),
    "nan": (b'{"model": "wan2.7-reference-video", "prompt": "Image 1", "image_urls": ["a.jpg"],\n "seed": NaN}', "VL003", 2, 10),
    "duplicate": (b'{"model": "wan2.7-reference-video", "prompt": "Image 1",\n "image_urls": ["a.jpg"], "prompt": "Image 1 again"}', "VL005", 2, 27),
    "array": (b'[{"model": "wan2.7-reference-video"}]', "VL006", 1, 1),
    "deep": (b"[" * 100000 + b"]" * 100000, "VL001", 1, 1),
    "huge-int": (b'{"model": "wan2.7-reference-video", "seed": ' + b"9" * 5000 + b"}", "VL001", 1, 45),  # at the number
    "model-number": (b'{"model": 27, "prompt": "x"}', "VL010", 1, 11),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_a_diagnostic_not_a_traceback(tmp_path, name):
    data, code, line, column = BAD_INPUTS[name]
    path = tmp_path / "r.json"
    path.write_bytes(data)
    result = run_vidlint("lint", "--format", "json", str(path))
    assert "Traceback" not in result.err and result.err == ""
    found = [(d["code"], d["line"], d["column"]) for d in diags(result)]
    assert (code, line, column) in found, found
    assert result.code in (0, 1)


def test_walking_a_folder_skips_json_schemas_but_not_named_ones(tmp_path):
    write_request(tmp_path / "requests" / "r.json", CLEAN)
    write_request(tmp_path / "requests" / "shape.json", {"$schema": "https://json-schema.org/draft/2020-12/schema",
                                                           "type": "object"})
    walked = run_vidlint("lint", "--format", "json", "requests", cwd=tmp_path)
    assert [f["path"] for f in walked.json()["files"]] == ["requests/r.json"]
    named = run_vidlint("lint", "--format", "json", "requests/shape.json", cwd=tmp_path)
    assert named.code == 1 and diags(named)[0]["code"] == "VL010"


def test_examples_with_local_assets_are_probed():
    result = run_vidlint("lint", "--format", "json", str(EXAMPLES / "broken" / "bad-assets.json"))
    codes = {d["code"] for d in diags(result)}
    # transparency, too narrow, too long a video, a WebM named .mp4, too long a voice, a missing file
    assert {"VL608", "VL603", "VL606", "VL601", "VL503"} <= codes
    clean = run_vidlint("lint", "--format", "json", str(EXAMPLES / "clean" / "local-assets.json"))
    assert clean.code == 0 and clean.json()["summary"]["errors"] == 0
    assert {d["code"] for d in diags(clean)} == {"VL501"}


def test_nothing_to_lint_says_so(tmp_path):
    missing = run_vidlint("lint", "nope.json", cwd=tmp_path)
    assert missing.code == 2 and "No request files linted." in missing.out and "All checks passed" not in missing.out
    (tmp_path / "empty").mkdir()
    empty = run_vidlint("lint", "empty", cwd=tmp_path)
    assert empty.code == 0 and "No request files found" in empty.out


def test_a_lint_run_sets_the_garbage_collector_and_puts_it_back(tmp_path, monkeypatch):
    import gc

    from vidlint import api

    write_request(tmp_path / "r.json", CLEAN)
    seen = []
    real = api.lint_paths

    def watching(*args, **kwargs):
        seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "lint_paths", watching)
    before = gc.get_threshold(), gc.get_freeze_count()
    assert run_vidlint("lint", "r.json", cwd=tmp_path).code == 0
    assert seen == [(max(5000, before[0][0]), True)]  # young objects collected less often; the loaded modules frozen
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
