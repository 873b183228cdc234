"""Crashes found by the property tests, each kept as a plain regression test."""

from __future__ import annotations

import json

from conftest import run_vidlint, write_request

from vidlint.api import lint_bytes

MODEL = "wan2.7-reference-video"


def test_asset_path_naming_an_unknown_users_home_is_a_finding_not_a_crash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Path("~0").expanduser() raises RuntimeError ("Could not determine home directory").
    request = {"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["~0", "~no-such-user-vidlint/a.png"]}
    result = lint_bytes("r.json", json.dumps(request).encode(), False, tmp_path)
    missing = [d for d in result.diagnostics if d.pointer.startswith("/image_urls/")]
    assert {d.pointer for d in missing} >= {"/image_urls/0", "/image_urls/1"}
    write_request(tmp_path / "r.json", request)
    run = run_vidlint("lint", "r.json", cwd=tmp_path)
    assert run.code == 1 and run.err == ""
    assert "~no-such-user-vidlint/a.png" in run.out


def test_asset_map_folder_under_an_unknown_users_home(tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_request(tmp_path / "r.json", {"model": MODEL, "prompt": "Image 1", "image_urls": ["https://cdn.example.com/a.png"]})
    run = run_vidlint("lint", "--asset-map", "https://cdn.example.com/=~no-such-user-vidlint/m", "r.json", cwd=tmp_path)
    assert run.code == 1 and "Traceback" not in run.err


def test_duration_too_large_for_a_float_or_not_finite_gives_no_estimate_and_no_crash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # float(10**400) raises OverflowError in the cost estimate; NaN / Infinity made "NaN" in JSON.
    for duration in ("9" * 400, "NaN", "Infinity", "1e999"):
        text = ('{"model": "%s", "prompt": "Image 1", "image_urls": ["https://cdn.example.com/a.jpg"], "duration": %s}'
                % (MODEL, duration))
        result = lint_bytes("r.json", text.encode(), False, tmp_path)
        assert any(d.pointer == "/duration" for d in result.diagnostics), duration
        (tmp_path / "r.json").write_text(text)
        run = run_vidlint("lint", "--format", "json", "r.json", cwd=tmp_path)
        assert run.code == 1 and run.err == "", (duration, run.err)
        report = run.json()  # strict JSON: no NaN / Infinity tokens in the report
        assert report["files"][0]["estimate"]["complete"] is False
        json.loads(run.out, parse_constant=lambda token: (_ for _ in ()).throw(ValueError(token)))


def test_a_json_lines_record_cut_short_is_reported_on_its_own_line() -> None:
    # The parser stops after the record's newline; the error used to point at the next line.
    data = b'[[{"model": "wan2.7-reference-video"}\n{"model": "wan2.7-reference-video", "prompt": "x"}\n'
    result = lint_bytes("batch.jsonl", data, True, None)
    syntax = [d for d in result.diagnostics if d.code == "VL001"]
    assert [(d.record, d.line) for d in syntax] == [(1, 1)]
    assert syntax[0].column == len(data.split(b"\n")[0]) + 1
