"""Property tests: whatever bytes a request file holds, vidlint reports, it never crashes.

For arbitrary JSON values, mutations of valid requests and byte-level damage (NaN and
Infinity tokens, huge numbers, deep nesting, 1 MB strings, duplicate keys, invalid UTF-8,
a BOM, truncation), linting through ``vidlint.api.lint_bytes``:

- never raises;
- gives exit code 0 or 1 (never 2: a bad file is a finding, not an internal error);
- gives diagnostics that each have a code, a severity, a JSON pointer and a line and column
  inside the file (line <= number of lines, column <= that line's length + 1), and in a
  JSON Lines file the line of the record they belong to.

A handful of the nastiest files also go through the real CLI (a subprocess).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import run_vidlint
from request_strategies import any_request, json_values, mutated_requests, valid_requests

from vidlint.api import FileResult, LintRun, lint_bytes
from vidlint.core.diagnostics import Severity
from vidlint.core.pointers import split_pointer

# VIDLINT_PROPERTY_SCALE=20 runs twenty times as many examples (a longer hunt for crashes).
SCALE = max(1, int(os.environ.get("VIDLINT_PROPERTY_SCALE", "1") or 1))
FAST = settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CODE = re.compile(r"^VL\d{3}$")
BOM = b"\xef\xbb\xbf"


def lines_of(data: bytes) -> list[str]:
    if data.startswith(BOM):
        data = data[len(BOM):]
    return data.decode("utf-8", "replace").split("\n")


def check(data: bytes, jsonl: bool = False, name: str | None = None) -> FileResult:
    """Lint ``data`` and assert every invariant; returns the result for further checks."""
    name = name or ("r.jsonl" if jsonl else "r.json")
    result = lint_bytes(name, data, jsonl, None)
    for fail_on in Severity:
        assert LintRun([result], [], fail_on).exit_code in (0, 1)
    lines = lines_of(data)
    for d in result.diagnostics:
        assert CODE.match(d.code), d
        assert isinstance(d.severity, Severity), d
        assert isinstance(d.message, str) and d.message.strip(), d
        assert d.pointer == "" or d.pointer.startswith("/"), d
        split_pointer(d.pointer)
        assert 1 <= d.line <= len(lines), (d, len(lines))
        assert 1 <= d.column <= len(lines[d.line - 1]) + 1, (d, lines[d.line - 1][:80])
        if jsonl and d.record is not None:
            assert d.line == d.record, d
        if not jsonl:
            assert d.record is None, d
        json.dumps(d.to_json())  # every field serialises
    return result


def dump(value: Any, style: int) -> bytes:
    if style == 0:
        text = json.dumps(value, indent=2, ensure_ascii=False)
    elif style == 1:
        text = json.dumps(value, separators=(",", ":"))
    else:
        text = json.dumps(value, indent="\t", ensure_ascii=True) + "\r\n"
    return text.encode("utf-8", "surrogatepass")


# --- arbitrary values and mutated requests ---------------------------------------------------

@pytest.mark.slow
@FAST
@given(value=any_request, style=st.integers(0, 2))
def test_any_json_value(value: Any, style: int) -> None:
    check(dump(value, style))


@pytest.mark.slow
@FAST
@given(records=st.lists(any_request, min_size=1, max_size=5), blank=st.booleans())
def test_any_json_lines(records: list[Any], blank: bool) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    if blank:
        lines.insert(1, "")
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    result = check(data, jsonl=True)
    assert result.requests + sum(1 for d in result.diagnostics if d.code == "VL001") >= 1


@pytest.mark.slow
@FAST
@given(value=mutated_requests(), style=st.integers(0, 2))
def test_mutated_requests_give_findings_not_crashes(value: Any, style: int) -> None:
    check(dump(value, style))


# --- byte-level damage -----------------------------------------------------------------------

def _replace_a_value(text: str, token: str, which: int) -> str:
    # a whole value after a key (not "1" of "1e-05", not ": 5" inside a string): replacing it keeps the JSON well formed
    spots = [m for m in re.finditer(r'((?<!\\)":\s*)(-?\d+(?:\.\d+)?|true|false|null|"[^"\\]*")(?=\s*[,}\]])', text)]
    if not spots:
        return text
    spot = spots[which % len(spots)]
    return text[:spot.start(2)] + token + text[spot.end(2):]


def _duplicate_a_key(text: str, which: int) -> str:
    member = r'^(\s*)("[^"\\]+": (?:"(?:[^"\\\n]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)),?$'
    spots = list(re.finditer(member, text, re.M))
    if not spots:
        return text
    spot = spots[which % len(spots)]
    line = spot.group(1) + spot.group(2).rstrip(",") + ","
    return text[:spot.start()] + line + "\n" + text[spot.start():]


damage = st.sampled_from([
    "bom", "invalid-utf8", "nan", "infinity", "-infinity", "huge-int", "huge-float", "many-digits",
    "duplicate-key", "truncate", "deep-nesting", "deep-value", "megabyte-string", "nul", "flip-byte",
    "utf16", "lone-surrogate", "trailing-garbage", "comment",
])


def apply(data: bytes, kind: str, where: int) -> bytes:
    text = data.decode("utf-8", "surrogateescape")  # earlier damage may have broken the UTF-8

    def enc(changed: str) -> bytes:
        return changed.encode("utf-8", "surrogateescape")

    if kind == "bom":
        return BOM + data
    if kind == "invalid-utf8":
        cut = where % (len(data) + 1)
        return data[:cut] + b"\xff\xfe\xc3" + data[cut:]
    if kind in ("nan", "infinity", "-infinity"):
        return enc(_replace_a_value(text, {"nan": "NaN", "infinity": "Infinity", "-infinity": "-Infinity"}[kind], where))
    if kind == "huge-int":
        return enc(_replace_a_value(text, "9" * 400, where))
    if kind == "huge-float":
        return enc(_replace_a_value(text, "1e999", where))
    if kind == "many-digits":
        return enc(_replace_a_value(text, "1" * 5000, where))  # more than int() converts
    if kind == "duplicate-key":
        return enc(_duplicate_a_key(text, where))
    if kind == "truncate":
        return data[: where % (len(data) + 1)]
    if kind == "deep-nesting":
        depth = [50, 990, 1200, 20_000][where % 4]
        return enc("[" * depth + text + "]" * depth)
    if kind == "deep-value":
        depth = [50, 900, 990, 3000][where % 4]
        return enc(_replace_a_value(text, "[" * depth + "1" + "]" * depth, where))
    if kind == "megabyte-string":
        return enc(_replace_a_value(text, json.dumps("Image 1 " * 131_072), where))
    if kind == "nul":
        cut = where % (len(data) + 1)
        return data[:cut] + b"\x00" + data[cut:]
    if kind == "flip-byte":
        if not data:
            return data
        at = where % len(data)
        return data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1:]
    if kind == "utf16":
        return text.encode("utf-16", "surrogatepass")
    if kind == "lone-surrogate":
        return enc(_replace_a_value(text, '"\\ud800 Image 1"', where))
    if kind == "trailing-garbage":
        return data + b"\n}{,"
    if kind == "comment":
        return enc("// request\n" + text)
    raise AssertionError(kind)


@pytest.mark.slow
@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=valid_requests() | mutated_requests(), style=st.integers(0, 2),
       kinds=st.lists(damage, min_size=1, max_size=3), where=st.integers(0, 10_000))
def test_damaged_files(value: Any, style: int, kinds: list[str], where: int) -> None:
    data = dump(value, 0 if "duplicate-key" in kinds else style)
    for kind in kinds:
        data = apply(data, kind, where)
    check(data)


@pytest.mark.slow
@settings(max_examples=80 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(valid_requests() | mutated_requests(), min_size=1, max_size=4),
       kind=damage, where=st.integers(0, 10_000))
def test_damaged_json_lines(records: list[Any], kind: str, where: int) -> None:
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
    check(apply(data, kind, where), jsonl=True)


@pytest.mark.slow
@FAST
@given(data=st.binary(max_size=300), jsonl=st.booleans())
def test_random_bytes(data: bytes, jsonl: bool) -> None:
    check(data, jsonl=jsonl)


# --- the findings the damage must produce ----------------------------------------------------

def codes(result: FileResult) -> list[str]:
    return [d.code for d in result.diagnostics]


@pytest.mark.slow
@settings(max_examples=60 * SCALE, deadline=None)
@given(value=valid_requests(), where=st.integers(0, 1000))
def test_duplicate_keys_are_reported_at_the_repeat(value: dict, where: int) -> None:
    data = apply(dump(value, 0), "duplicate-key", where)
    result = check(data)
    duplicates = [d for d in result.diagnostics if d.code == "VL005"]
    assert len(duplicates) == 1
    found = duplicates[0]
    key = split_pointer(found.pointer)[-1]
    line = lines_of(data)[found.line - 1]
    assert line[found.column - 1:].startswith(json.dumps(key)), (line, found)
    assert found.severity == Severity.WARNING


def test_duplicate_keys_in_nested_objects_and_json_lines() -> None:
    nested = (b'{"model": "wan2.7-reference-video", "prompt": "Image 1", "image_urls": ["a"],\n'
              b' "model_params": {"voice_bindings": {"image1": "x.mp3", "image1": "y.mp3"}}}\n')
    found = [d for d in check(nested).diagnostics if d.code == "VL005"]
    assert [(d.pointer, d.line) for d in found] == [("/model_params/voice_bindings/image1", 2)]
    lines = nested.replace(b",\n", b",") * 2
    found = [d for d in check(lines, jsonl=True).diagnostics if d.code == "VL005"]
    assert [d.record for d in found] == [1, 2]


@pytest.mark.slow
@settings(max_examples=60 * SCALE, deadline=None)
@given(value=valid_requests(), token=st.sampled_from(["nan", "infinity", "-infinity"]), where=st.integers(0, 1000))
def test_non_finite_numbers_are_reported(value: dict, token: str, where: int) -> None:
    data = apply(dump(value, 0), token, where)
    assume(data != dump(value, 0))
    assert "VL003" in codes(check(data))


@pytest.mark.parametrize("depth", [100, 995, 1000, 5000, 200_000])
def test_deep_nesting_as_the_document_and_as_a_value(depth: int) -> None:
    document = check(b"[" * depth + b"]" * depth)
    assert codes(document) in (["VL006"], ["VL001"])
    request = ('{"model": "wan2.7-reference-video", "prompt": "Image 1", "image_urls": '
               + "[" * depth + '"a.jpg"' + "]" * depth + "}").encode()
    assert check(request).diagnostics
    objects = ('{"model": "wan2.7-reference-video", "prompt": "Image 1", "image_urls": ["a"], "model_params": '
               + '{"a":' * depth + "1" + "}" * depth + "}").encode()
    assert check(objects).diagnostics


def test_megabyte_prompt_is_a_truncation_warning() -> None:
    prompt = "Image 1 walks. " * 70_000
    data = json.dumps({"model": "wan2.7-reference-video", "prompt": prompt, "image_urls": ["a.jpg"]}).encode()
    result = check(data)
    assert "VL301" in codes(result)
    assert len(data) > 1_000_000


def test_bom_and_invalid_utf8_and_utf16() -> None:
    clean = json.dumps({"model": "wan2.7-reference-video", "prompt": "Image 1",
                        "image_urls": ["https://cdn.example.com/a.jpg"]}).encode()
    assert [c for c in codes(check(BOM + clean)) if c < "VL100"] == ["VL004"]
    assert codes(check(clean[:20] + b"\xff" + clean[20:])) == ["VL002"]
    assert codes(check(clean.decode().encode("utf-16"))) == ["VL002"]


# --- a handful through the real CLI -----------------------------------------------------------

HOSTILE_FILES = {
    "bom-and-duplicates.json": BOM + b'{"model": "wan2.7-reference-video", "prompt": "Image 1", "prompt": "Image 1",\n "image_urls": ["a"]}',
    "invalid-utf8.json": b'{"model": "wan2.7-reference-video", "prompt": "\xff\xfe"}',
    "nan.json": b'{"model": "wan2.7-reference-video", "prompt": "Image 1", "image_urls": ["a"], "seed": NaN, "duration": -Infinity}',
    "deep.json": b'{"model": "wan2.7-reference-video", "prompt": "x", "image_urls": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    "deep-value.json": b'{"model": "wan2.7-reference-video", "prompt": "x", "image_urls": ' + b"[" * 990 + b"]" * 990 + b"}",
    "huge.json": json.dumps({"model": "wan2.7-reference-video", "prompt": "x" * 1_100_000, "image_urls": ["a"],
                             "seed": 10**300}).encode(),
    "digits.json": b'{"model": "wan2.7-reference-video", "prompt": "x", "image_urls": ["a"], "seed": ' + b"7" * 6000 + b"}",
    "batch.jsonl": b'{"model": "wan2.7-reference-video"}\n\xff\n[1,2]\n{"a": NaN, "a": 1}\n{"model": "x",\n',
    "empty.json": b"",
    "nul.json": b"\x00" * 64,
}


@pytest.mark.slow
def test_hostile_request_files_through_the_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name, data in HOSTILE_FILES.items():
        (tmp_path / name).write_bytes(data)
    for output in ("text", "json"):
        run = run_vidlint("lint", "--format", output, *sorted(HOSTILE_FILES), cwd=tmp_path)
        assert run.code == 1, run.err
        assert run.err == ""
        if output == "json":
            report = run.json()
            assert [f["path"] for f in report["files"]] == sorted(HOSTILE_FILES)
            assert all(f["diagnostics"] for f in report["files"])
        else:
            assert "Traceback" not in run.out
    for name in HOSTILE_FILES:
        single = run_vidlint("lint", "--fail-on", "warning", name, cwd=tmp_path, input=b"")
        assert single.code == 1 and single.err == "", (name, single.err)
