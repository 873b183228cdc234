"""Crashes found by the property tests, each kept as a plain regression test."""

from __future__ import annotations

import json
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_vidlint, write_request

from vidlint.api import lint_bytes
from vidlint.load.document import escape_map, string_char_offset

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


def _reference_char_offset(text: str, literal_start: int, char_index: int) -> int:
    """The original character walk, one step per character (quadratic over many findings)."""
    pos = literal_start + 1
    for _ in range(char_index):
        if pos >= len(text) or text[pos] == '"':
            return literal_start
        if text[pos] == "\\":
            pos += 6 if text[pos + 1:pos + 2] == "u" else 2
        else:
            pos += 1
    return pos


@settings(max_examples=300, deadline=None)
@given(value=st.text(alphabet=st.sampled_from('ab"\\\n\u00e9\U0001f600'), max_size=40), lead=st.integers(0, 5),
       indexes=st.lists(st.integers(0, 60), max_size=6), cut=st.integers(0, 80))
def test_string_char_offset_matches_the_character_walk(value: str, lead: int, indexes: list[int], cut: int) -> None:
    text = " " * lead + json.dumps({"prompt": value})
    literal = text.index('"', text.index(":"))
    text = text if cut == 80 else text[: max(literal + 1, len(text) - cut % 8)]  # sometimes cut short
    escapes = escape_map(text, literal)
    for index in indexes:
        expected = _reference_char_offset(text, literal, index)
        assert string_char_offset(text, literal, index) == expected
        assert string_char_offset(text, literal, index, escapes) == expected


def test_a_megabyte_prompt_with_many_findings_is_placed_in_bounded_time() -> None:
    # Each finding inside the prompt used to walk the string from its start: hours for this one.
    prompt = "图1 视频2 image 1 \\n " * 50_000
    data = ('{"model": "%s", "prompt": "%s", "image_urls": ["https://cdn.example.com/a.jpg"]}' % (MODEL, prompt)).encode()
    start = time.monotonic()
    result = lint_bytes("r.json", data, False, None)
    assert time.monotonic() - start < 30
    spelled = [d for d in result.diagnostics if d.code == "VL311"]
    assert len(spelled) >= 50_000
    line = data.decode()
    for d in spelled[:50] + spelled[-50:]:
        assert line[d.column - 1:].lower().startswith(("image 1", "视频", "图")), line[d.column - 1:d.column + 10]


def test_findings_inside_an_escape_heavy_string_are_placed_fast_in_any_order() -> None:
    # A 1 MB prompt of escapes with findings out of text order (rules report in their own
    # order) used to cost a walk from the start per finding: minutes for one file.
    value = "\\n\\u00e9 Image 9 " * 60_000
    text = '{"prompt": "%s"}' % value
    literal = text.index('"', text.index(":"))
    escapes = escape_map(text, literal)
    decoded = json.loads(text)["prompt"]
    indexes = [i for i in range(len(decoded) - 1, 0, -53)]  # descending: the worst order
    start = time.monotonic()
    offsets = [string_char_offset(text, literal, i, escapes) for i in indexes]
    assert time.monotonic() - start < 10
    for index, offset in zip(indexes[-200:], offsets[-200:]):
        assert offset == _reference_char_offset(text, literal, index)
