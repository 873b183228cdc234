"""Fixes: each fixable rule's edit and a clean lint afterwards, formatting kept byte for byte
(hand-formatted file with CRLF, JSON Lines batch), --fix / --unsafe-fixes / --diff as a user
runs them, fixes in JSON and SARIF, and compliant copies of real media with --fix-assets."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, FIXTURES, run_vidlint
from test_formats import SARIF_SCHEMA

from vidlint.api import fix_bytes, fixable_diagnostics, lint_bytes
from vidlint.rules.registry import load_all_rules

REF = '"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["https://x.example.com/a.jpg"]'
I2V = '"model": "wan2.7-image-to-video"'
A = "https://x.example.com/a.jpg"
B = "https://x.example.com/b.jpg"

# code -> (request before, request after the fix). Each request has that one finding to fix.
CASES = {
    "VL004": ("\ufeff{" + REF + "}", "{" + REF + "}"),
    "VL102": ("{" + REF + ', "duration": "5"}', "{" + REF + ', "duration": 5}'),
    "VL103": ("{" + REF + ', "quality": "720P"}', "{" + REF + ', "quality": "720p"}'),
    "VL104": ("{" + REF + ', "duration": 20}', "{" + REF + ', "duration": 15}'),
    "VL105": ("{" + REF + ', "aspectRatio": "9:16"}', "{" + REF + ', "aspect_ratio": "9:16"}'),
    "VL106": ("{" + REF + ', "model_params": {"quality": "1080p"}}', "{" + REF + ', "model_params": {}, "quality": "1080p"}'),
    "VL204": ('{"model": "wan2.7-reference-video", "prompt": "x", "image_start": "' + A + '", "aspect_ratio": "9:16", "seed": 4}',
              '{"model": "wan2.7-reference-video", "prompt": "x", "image_start": "' + A + '", "seed": 4}'),
    "VL214": ("{" + REF + ', "audio_urls": ["https://x.example.com/v.mp3"], "model_params": {"voice_bindings": {"image1": "https://x.example.com/v.mp3"}}}',
              "{" + REF + ', "model_params": {"voice_bindings": {"image1": "https://x.example.com/v.mp3"}}}'),
    "VL221": ("{" + I2V + f', "generation_mode": "first_frame", "image_start": "{A}", "image_end": "{B}"}}',
              "{" + I2V + f', "generation_mode": "first_last_frame", "image_start": "{A}", "image_end": "{B}"}}'),
    "VL222": ("{" + I2V + f', "image_start": "{A}"}}', "{" + I2V + f', "image_start": "{A}", "generation_mode": "first_frame"}}'),
    "VL230": (f'{{"model": "wan2.7-reference-video", "prompt": "x", "image_start": "{A}", "image_end": "{B}", "generation_mode": "first_last_frame"}}',
              f'{{"model": "wan2.7-image-to-video", "prompt": "x", "image_start": "{A}", "image_end": "{B}", "generation_mode": "first_last_frame"}}'),
    "VL311": ("{" + REF.replace("Image 1", "image  1") + "}", "{" + REF + "}"),
    "VL401": ("{" + REF + ', "callback_url": "http://hooks.example.com/done"}', "{" + REF + ', "callback_url": "https://hooks.example.com/done"}'),
}


def fix_text(text: str, unsafe: bool = True) -> tuple[str, set[str]]:
    data = text.encode("utf-8")
    fixed, remaining = fix_bytes("r.json", data, False, Path("."), unsafe=unsafe)
    return fixed.decode("utf-8"), {d.code for d in remaining}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_fixable_rule_makes_its_edit_and_the_file_lints_clean_of_it(code):
    before, after = CASES[code]
    declared = load_all_rules()[code]
    found = [d for d in fixable_diagnostics("r.json", before.encode(), False, Path(".")) if d.code == code]
    assert found and found[0].fix.applicability == declared.fix
    fixed, remaining = fix_text(before)
    assert fixed == after
    assert code not in remaining
    if declared.fix == "unsafe":  # --fix alone leaves an unsafe fix alone
        assert fix_text(before, unsafe=False)[0] == before


def test_every_request_rule_declared_with_a_fix_has_a_case_above():
    declared = {r.code for r in load_all_rules().values() if r.fix and r.stage != "media"}
    assert declared - {"VL107"} == set(CASES)  # VL107: no model has a one-field replacement yet, see below


def test_legacy_field_with_one_exact_replacement_is_renamed(monkeypatch):
    from vidlint.models import load_profile

    profile = load_profile("wan2.7-reference-video")
    legacy = dict(profile.meta["legacy_fields"])
    legacy["image_url"] = {"message": "image_url (singular) is an earlier version's field", "replaced_by": "image_urls"}
    monkeypatch.setitem(profile.meta, "legacy_fields", legacy)
    before = '{"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_url": "' + A + '"}'
    (diagnostic,) = [d for d in fixable_diagnostics("r.json", before.encode(), False, Path(".")) if d.code == "VL107"]
    assert diagnostic.fix.applicability == "safe"
    fixed, remaining = fix_text(before, unsafe=False)
    assert fixed == '{"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["' + A + '"]}'
    assert "VL107" not in remaining and "VL101" not in remaining
    # audio_url has two possible replacements: shown, never fixed
    two = '{"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["' + A + '"], "audio_url": "v.mp3"}'
    assert fix_text(two)[0] == two


def test_several_fixes_in_one_object_never_conflict_and_a_second_pass_finds_nothing():
    before = ("{" + REF.replace("Image 1", "image 1") + ', "duration": "5", "seed": 0, '
              '"model_params": {"quality": "1080p", "prompt_extend": false}, "aspectRatio": "9:16"}')
    fixed, remaining = fix_text(before)
    assert json.loads(fixed) == {**json.loads("{" + REF + "}"), "duration": 5, "seed": 1, "model_params": {},
                                 "aspect_ratio": "9:16", "quality": "1080p", "prompt_extend": False}
    assert remaining == {"VL502"}
    assert fix_text(fixed) == (fixed, remaining)


# --- formatting, through the command line ----------------------------------------------------

HAND = (
    '\ufeff{\r\n'
    '     "model" :  "wan2.7-reference-video",\r\n'
    '\t"prompt":"image 1 waves, \\u00e9t\\u00e9",\r\n'
    '     "image_urls" : [ "https://x.example.com/a.jpg" ],\r\n'
    '     "duration" :  "5",\r\n'
    '     "model_params" : {\r\n'
    '          "seed" : 42\r\n'
    '     }\r\n'
    '}\r\n'
)
HAND_FIXED = (
    '{\r\n'
    '     "model" :  "wan2.7-reference-video",\r\n'
    '\t"prompt":"Image 1 waves, \\u00e9t\\u00e9",\r\n'
    '     "image_urls" : [ "https://x.example.com/a.jpg" ],\r\n'
    '     "duration" :  5,\r\n'
    '     "model_params" : {},\r\n'
    '     "seed" : 42\r\n'
    '}\r\n'
)


def test_hand_formatted_crlf_file_keeps_its_formatting(tmp_path):
    request = tmp_path / "hand.json"
    request.write_bytes(HAND.encode("utf-8"))
    safe = run_vidlint("lint", "--fix", "hand.json", cwd=tmp_path)
    assert "Fixed 2 findings." in safe.out, safe.out + safe.err  # the BOM and "5"
    assert "[*]" not in safe.out and "(2 more with --unsafe-fixes)" in safe.out
    result = run_vidlint("lint", "--fix", "--unsafe-fixes", "hand.json", cwd=tmp_path)
    assert request.read_bytes() == HAND_FIXED.encode("utf-8"), result.out
    assert result.code == 0 and "Fixed 2 findings." in result.out
    again = run_vidlint("lint", "--fix", "--unsafe-fixes", "hand.json", cwd=tmp_path)
    assert request.read_bytes() == HAND_FIXED.encode("utf-8") and "Fixed" not in again.out
    assert run_vidlint("lint", "--diff", "--unsafe-fixes", "hand.json", cwd=tmp_path).code == 0


def test_jsonl_batch_changes_only_the_fixed_records(tmp_path):
    lines = [
        '{"model":"wan2.7-reference-video","prompt":"Image 1 waves","image_urls":["' + A + '"]}\n',
        '{"model": "wan2.7-reference-video", "prompt": "image 1 runs", "image_urls": ["' + A + '"], "duration": "10"}\n',
        '  {"model": "wan2.7-reference-video", "prompt": "Image 1 sits", "image_urls": ["' + A + '"]}   \n',
        '{"model": "wan2.7-reference-video", "prompt": "Image 1 jumps", "image_urls": ["' + A + '"], "model_params": {"seed": 7}}',
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(lines), encoding="utf-8", newline="")
    result = run_vidlint("lint", "--fix", "--unsafe-fixes", "batch.jsonl", cwd=tmp_path)
    assert result.code == 0, result.out
    after = batch.read_text(encoding="utf-8").split("\n")
    assert after[0] + "\n" == lines[0] and after[2] + "\n" == lines[2]
    assert after[1] == lines[1].rstrip("\n").replace("image 1", "Image 1").replace('"10"', "10")
    assert after[3] == lines[3].replace('"model_params": {"seed": 7}', '"model_params": {}, "seed": 7')
    assert len(after) == 4  # no newline added at the end


def test_diff_prints_the_change_writes_nothing_and_exits_1(tmp_path):
    request = tmp_path / "r.json"
    request.write_text(CASES["VL102"][0], encoding="utf-8")
    result = run_vidlint("lint", "--diff", "r.json", cwd=tmp_path)
    assert result.code == 1
    assert "--- a/r.json" in result.out and '+{' in result.out and '"duration": 5}' in result.out
    assert "Would fix 1 finding." in result.err
    assert request.read_text(encoding="utf-8") == CASES["VL102"][0]
    request.write_text(CASES["VL102"][1], encoding="utf-8")
    clean = run_vidlint("lint", "--diff", "r.json", cwd=tmp_path)
    assert (clean.code, clean.out) == (0, "")


def test_text_marks_fixable_findings_and_counts_the_unsafe_ones(tmp_path):
    (tmp_path / "r.json").write_text("{" + REF.replace("Image 1", "image 1") + ', "duration": "5"}', encoding="utf-8")
    out = run_vidlint("lint", "r.json", cwd=tmp_path).out
    assert "VL102 [error] [*] duration must be an integer" in out
    assert 'VL311 [warning] "image 1"' in out  # unsafe: not marked without --unsafe-fixes
    assert "[*] 1 fixable with --fix (1 more with --unsafe-fixes)." in out
    marked = run_vidlint("lint", "--unsafe-fixes", "r.json", cwd=tmp_path).out
    assert 'VL311 [warning] [*] "image 1"' in marked and "[*] 2 fixable with --fix." in marked


def test_json_and_sarif_carry_each_fix(tmp_path):
    (tmp_path / "r.json").write_text("{\n" + REF + ',\n"seed": 0}\n', encoding="utf-8")
    report = run_vidlint("lint", "--format", "json", "r.json", cwd=tmp_path).json()
    (vl104,) = [d for d in report["files"][0]["diagnostics"] if d["code"] == "VL104"]
    assert vl104["fix"] == {"applicability": "unsafe", "message": "clamp seed to 1", "edits": [
        {"content": "1", "location": {"line": 3, "column": 9}, "end_location": {"line": 3, "column": 10}}]}
    assert all(d["fix"] is None for d in report["files"][0]["diagnostics"] if d["code"] == "VL502")
    sarif = run_vidlint("lint", "--format", "sarif", "r.json", cwd=tmp_path).json()
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "VL104"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["replacements"] == [{"deletedRegion": {"startLine": 3, "startColumn": 9, "endLine": 3, "endColumn": 10},
                                       "insertedContent": {"text": "1"}}]
    if SARIF_SCHEMA.is_file():
        from jsonschema import Draft7Validator

        schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
        assert not list(Draft7Validator(schema).iter_errors(sarif))


def test_a_symlinked_request_is_not_written_through(tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text(CASES["VL102"][0], encoding="utf-8")
    (tmp_path / "r.json").symlink_to(target)
    result = run_vidlint("lint", "--fix", "r.json", cwd=tmp_path)
    assert "symbolic link" in result.out and result.code == 1
    assert target.read_text(encoding="utf-8") == CASES["VL102"][0]


def test_the_fixed_file_keeps_its_permissions(tmp_path):
    request = tmp_path / "r.json"
    request.write_text(CASES["VL102"][0], encoding="utf-8")
    request.chmod(0o640)
    assert run_vidlint("lint", "--fix", "r.json", cwd=tmp_path).code == 0
    assert request.read_text(encoding="utf-8") == CASES["VL102"][1]
    assert request.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary file left


def test_rules_command_says_whether_and_how_a_rule_fixes():
    assert "Fixable: safe" in run_vidlint("rules", "VL004").out
    assert "Fixable: unsafe (applied by `vidlint lint --fix --unsafe-fixes`)" in run_vidlint("rules", "VL106").out
    assert "Fixable: no" in run_vidlint("rules", "VL001").out
    assert "--fix-assets DIR" in run_vidlint("rules", "VL606").out


def test_suppressed_findings_are_not_fixed(tmp_path):
    (tmp_path / "vidlint.toml").write_text('ignore = ["VL102"]\n', encoding="utf-8")
    request = tmp_path / "r.json"
    request.write_text(CASES["VL102"][0], encoding="utf-8")
    run_vidlint("lint", "--fix", "r.json", cwd=tmp_path)
    assert request.read_text(encoding="utf-8") == CASES["VL102"][0]


# --- assets: real media ----------------------------------------------------------------------

def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def media_project(tmp_path):
    pytest.importorskip("av")
    shutil.copy(FIXTURES / "media" / "huge-width.png", tmp_path)  # 8100 px wide: the limit is 8000
    shutil.copy(FIXTURES / "media" / "alpha.png", tmp_path)  # transparent PNG
    shutil.copy(EXAMPLES / "assets" / "rehearsal-31s.mp4", tmp_path)  # 31 s: the limit is 30
    shutil.copy(EXAMPLES / "assets" / "speech-11s.mp3", tmp_path)  # 11 s voice: the limit is 10
    request = {"model": "wan2.7-reference-video", "prompt": "Image 1 and Image 2 meet Video 1",
               "image_urls": ["huge-width.png", "alpha.png"], "video_urls": ["rehearsal-31s.mp4"],
               "audio_urls": ["speech-11s.mp3"]}
    (tmp_path / "requests").mkdir()
    for name in ("huge-width.png", "alpha.png", "rehearsal-31s.mp4", "speech-11s.mp3"):
        os.replace(tmp_path / name, tmp_path / "requests" / name)
    (tmp_path / "requests" / "r.json").write_text(json.dumps(request, indent=2) + "\n", encoding="utf-8")
    return tmp_path


def test_fix_assets_repairs_real_media_and_the_request_passes(media_project):
    requests = media_project / "requests"
    originals = {p.name: _digest(p) for p in requests.iterdir() if p.suffix != ".json"}
    before = run_vidlint("lint", "requests", cwd=media_project)
    assert all(f" {code} [error]" in before.out for code in ("VL603", "VL608", "VL606"))
    result = run_vidlint("lint", "--fix", "--unsafe-fixes", "--fix-assets", "fixed", "requests", cwd=media_project)
    assert result.code == 0, result.out + result.err
    assert "Fixed 4 findings and 4 asset copies." in result.out
    assert {p.name: _digest(p) for p in requests.iterdir() if p.suffix != ".json"} == originals  # never modified
    request = json.loads((requests / "r.json").read_text(encoding="utf-8"))
    paths = request["image_urls"] + request["video_urls"] + request["audio_urls"]
    assert all(p.startswith("../fixed/") for p in paths), paths  # relative to the request
    relint = run_vidlint("lint", "--format", "json", "requests", cwd=media_project).json()
    assert not [d for d in relint["files"][0]["diagnostics"] if d["code"].startswith("VL6")]
    copies = sorted(p.name for p in (media_project / "fixed").iterdir())
    assert len(copies) == 4 and any(c.startswith("rehearsal-31s-") and c.endswith(".mp4") for c in copies)
    # the copies, probed: within the limits
    from vidlint.probe.core import probe_path

    probes = {name.split("-")[0]: probe_path(media_project / "fixed" / name) for name in copies}
    assert probes["huge"].width <= 8000 and not probes["alpha"].has_alpha
    assert 1 <= probes["rehearsal"].duration <= 30 and 1 <= probes["speech"].duration <= 10


def test_fix_assets_reuses_its_copies_and_diff_only_lists_them(media_project):
    requests = media_project / "requests"
    text = (requests / "r.json").read_text(encoding="utf-8")
    diff = run_vidlint("lint", "--diff", "--unsafe-fixes", "--fix-assets", "fixed", "requests", cwd=media_project)
    assert diff.code == 1 and diff.out.count("would write fixed/") == 4
    assert '+    "../fixed/rehearsal-31s-' in diff.out
    assert not (media_project / "fixed").exists() and (requests / "r.json").read_text(encoding="utf-8") == text
    run_vidlint("lint", "--fix", "--unsafe-fixes", "--fix-assets", "fixed", "requests", cwd=media_project)
    made = {p.name: p.stat().st_mtime_ns for p in (media_project / "fixed").iterdir()}
    (requests / "r.json").write_text(text, encoding="utf-8")  # the request as it was: the same copies again
    again = run_vidlint("lint", "--fix", "--unsafe-fixes", "--fix-assets", "fixed", "requests", cwd=media_project)
    assert again.code == 0, again.out
    assert {p.name: p.stat().st_mtime_ns for p in (media_project / "fixed").iterdir()} == made


def test_a_copy_that_still_fails_is_reported_and_not_used(tmp_path):
    pytest.importorskip("av")
    shutil.copy(FIXTURES / "media" / "short.mp4", tmp_path)  # 0.5 s: no copy can make it 2 s long
    request = {"model": "wan2.7-image-to-video", "video_urls": ["short.mp4"], "generation_mode": "video_continuation"}
    (tmp_path / "r.json").write_text(json.dumps(request), encoding="utf-8")
    result = run_vidlint("lint", "--fix", "--unsafe-fixes", "--fix-assets", "fixed", "r.json", cwd=tmp_path)
    assert result.code == 1
    assert "r.json: short.mp4: no compliant copy: the copy still fails: VL606" in result.out
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8")) == request
    assert not list((tmp_path / "fixed").iterdir())


def test_without_pyav_a_video_copy_says_what_to_install(monkeypatch, tmp_path):
    from vidlint.fix.assets import MISSING_AV, RepairError, make_copy

    monkeypatch.setitem(sys.modules, "av", None)  # import av raises ImportError
    with pytest.raises(RepairError, match=r"pip install 'vidlint\[fix\]'"):
        make_copy(EXAMPLES / "assets" / "rehearsal-31s.mp4", "video", {"duration": [1, 30]}, tmp_path / "fixed", True)
    assert "PyAV" in MISSING_AV


def test_fix_assets_is_an_unsafe_fix(tmp_path):
    (tmp_path / "r.json").write_text(CASES["VL102"][1], encoding="utf-8")
    result = run_vidlint("lint", "--fix", "--fix-assets", "fixed", "r.json", cwd=tmp_path)
    assert result.code == 2 and "--unsafe-fixes" in result.err


def test_lint_bytes_fixes_are_placed_for_editors():
    """The API gives each fix as edits with offsets into the text (what a code action applies)."""
    text = "{" + REF + ', "duration": "5"}'
    (d,) = [d for d in lint_bytes("r.json", text.encode(), False, Path(".")).diagnostics if d.code == "VL102"]
    (edit,) = d.fix.edits
    assert text[edit.start:edit.end] == '"5"' and edit.content == "5"


def test_a_prompt_fix_keeps_the_escapes_around_it():
    before = "{" + REF.replace('"Image 1 waves"', '"caf\\u00e9 \\"image\\t1\\" waves \\ud83d\\ude00"') + "}"
    fixed, remaining = fix_text(before)
    assert fixed == before.replace('image\\t1', "Image 1") and "VL311" not in remaining


# --- any request: the fixed file is JSON, what no fix touches stays, a second run is a no-op ---

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from request_strategies import mutated_requests, valid_requests  # noqa: E402
from test_properties import dump  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=valid_requests() | mutated_requests(), style=st.integers(0, 2), unsafe=st.booleans())
def test_fixes_on_any_request_give_json_and_are_idempotent(value, style, unsafe):
    data = dump(value, style)
    fixed, remaining = fix_bytes("r.json", data, False, None, unsafe=unsafe)
    if fixed == data:
        return
    json.loads(fixed.decode("utf-8"))  # still one JSON document
    assert fixed.endswith(b"\r\n") == data.endswith(b"\r\n")
    assert fix_bytes("r.json", fixed, False, None, unsafe=unsafe)[0] == fixed  # a second run changes nothing
    assert not [d for d in remaining if d.fix is not None and d.fix.applies(unsafe)]  # none left undone


def test_a_values_span_ends_where_the_decoder_ends_it() -> None:
    """A fix's edits span a value from its start to where ``value_end`` says it ends (a string
    at its closing quote, found by ``str.find`` unless an escaped quote or backslash comes
    first; anything else where the decoder stops): the decoder's end for every value, strings
    with escapes, an empty string, nested containers, numbers and literals among them."""
    from vidlint.fix.ops import _value_span
    from vidlint.load.document import load_bytes
    from vidlint.load.positions import scan_positions

    value = {"a": 'say "hi"', "b": "back\\", "c": "", "d": ["x\\\"", 1.5e3, None, {"e": [True, False]}],
             "f": "\\\\\"", "g": -0, "h": {"i": "}", "j": "\"]"}, "k": "plain", "l": "\u00e9\u4e2d"}
    decoder = json.JSONDecoder()
    for layout in ({}, {"indent": 2}, {"separators": (",", ":")}):
        text = json.dumps(value, ensure_ascii=False, **layout)
        document = load_bytes("r.json", text.encode(), False).documents[0]
        for pointer, start in scan_positions(text).values.items():
            assert _value_span(document, pointer) == (start, decoder.raw_decode(text, start)[1]), (layout, pointer)
