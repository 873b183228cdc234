"""jsonschema-rs finds where an invalid request fails; jsonschema still makes every error.

The two paths (``vidlint.check.native_schema`` with jsonschema-rs, and jsonschema's own walk)
must give the same diagnostics, in the same order, for any request of any model; without
jsonschema-rs installed vidlint falls back to jsonschema with the same output.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, bench_corpus
from request_strategies import dumps, model_requests, mutated_requests

from vidlint.api import lint_bytes
from vidlint.check import native_schema
from vidlint.check.leaf_errors import leaf_errors
from vidlint.check.schema import _validator, check_schema, check_schemas, read_switches
from vidlint.models import known_models, load_profile, load_schema_file, schema_dir

pytest.importorskip("jsonschema_rs")

MODEL = "wan2.7-reference-video"


def _both(check: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    monkeypatch.delenv(native_schema.DISABLE_ENV, raising=False)
    read_switches()
    native = check()
    monkeypatch.setenv(native_schema.DISABLE_ENV, "1")
    read_switches()
    reference = check()
    monkeypatch.delenv(native_schema.DISABLE_ENV)
    read_switches()
    return native, reference


def _diagnostics(request: Any, model: str) -> list[dict[str, Any]]:
    return [d.to_json() for d in check_schema(request, load_profile(model))]  # type: ignore[arg-type]


def _lint(text: str) -> list[dict[str, Any]]:
    return [d.to_json() for d in lint_bytes("r.json", text.encode("utf-8"), False, None).diagnostics]


@pytest.mark.parametrize("model", known_models())
def test_same_schema_diagnostics_for_every_model(model: str, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = load_schema_file(f"{model}.json")
    shared = {path.name: load_schema_file(path.name) for path in sorted(schema_dir().glob("_*.json"))}
    seeds = [json.loads(path.read_text(encoding="utf-8")) for path in sorted((EXAMPLES / "clean").rglob("*.json"))]
    seeds += schema.get("examples", [])
    seeds = [seed for seed in seeds if isinstance(seed, dict) and seed.get("model") == model]
    counted = {"requests with findings": 0}

    @settings(max_examples=25, deadline=None, database=None,  # more in the slow property test
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(value=model_requests(model, schema, shared, seeds))
    def agree(value: Any) -> None:
        native, reference = _both(lambda: _diagnostics(value, model), monkeypatch)
        assert native == reference
        counted["requests with findings"] += bool(reference)

    agree()
    assert counted["requests with findings"] > 5, counted


def _walked(request: Any, plan: Any, instance_path: tuple[Any, ...]) -> Any:
    try:
        order, instance = native_schema._walk(request, plan, instance_path)
    except (native_schema._Unwalkable, KeyError, IndexError, TypeError):
        return "unwalkable"
    return order, id(instance)


@pytest.mark.parametrize("model", known_models())
def test_a_path_of_named_steps_walks_as_the_steps_do(model: str) -> None:
    """A plan whose steps all name their key (``properties``, ``prefixItems``) has its instance
    path and order key worked out once; the walk along them is the step-by-step walk's."""
    profile = load_profile(model)
    assert profile is not None
    native = native_schema.native_validator(profile)
    schema = load_schema_file(f"{model}.json")
    shared = {path.name: load_schema_file(path.name) for path in sorted(schema_dir().glob("_*.json"))}
    counted = {"named": 0, "other": 0}

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(value=model_requests(model, schema, shared))
    def agree(value: Any) -> None:
        if not isinstance(value, dict) or not native_schema.reads_alike(value):
            return
        _confirmed_errors(value, profile)  # makes the plans
        plans = native_schema._PLANS.get(model, {})
        for error in native.iter_errors(value):
            plan, instance_path = plans.get(tuple(error.evaluation_path)), tuple(error.instance_path)
            if plan is None:
                continue
            counted["named" if plan.named is not None else "other"] += 1
            named, plan.named = plan.named, None  # the step-by-step walk
            try:
                stepwise = _walked(value, plan, instance_path)
            finally:
                plan.named = named
            assert _walked(value, plan, instance_path) == stepwise
            assert _walked(value, plan, (*instance_path, "x")) == "unwalkable"

    agree()
    assert counted["named"] > 0, counted


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(value=mutated_requests())
def test_same_lint_output_on_mutated_requests(value: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    text = dumps(value)
    native, reference = _both(lambda: _lint(text), monkeypatch)
    assert native == reference


_ODD_FOR_THE_BATCH = st.sampled_from([float("nan"), float("inf"), 2**70, "x\ud800"])  # jsonschema's whole walk


def test_a_batch_gives_each_request_what_it_gets_alone() -> None:
    """``check_schemas`` (the yes or no of every request, then the places of the invalid ones,
    then their findings) against ``check_schema`` one request at a time, with requests of
    another model and requests jsonschema walks whole mixed in; a batch's results in another
    order fail it."""
    met: set[str] = set()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(batch=st.lists(st.one_of(mutated_requests(), st.builds(lambda request, odd: {**request, "seed": odd},
                                                                   mutated_requests(), _ODD_FOR_THE_BATCH)),
                          min_size=1, max_size=12),
           other=st.sampled_from(["seedance-2.0-reference-to-video", "kling-v3-motion-control", "wan3.0-reference-video"]))
    # a valid request always among them (the generated ones may all be invalid, ~1 run in 6)
    @example(batch=[{"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"]}] * 2,
             other="wan3.0-reference-video")
    def check(batch: list[dict[str, Any]], other: str) -> None:
        pairs = [(request, load_profile(MODEL if i % 3 else other)) for i, request in enumerate(batch)]
        alone = [[d.to_json() for d in check_schema(request, profile)] for request, profile in pairs]
        together = [[d.to_json() for d in found] for found in check_schemas(pairs)]
        assert together == alone
        met.update("invalid" if found else "valid" for found in alone)

    check()
    assert met == {"valid", "invalid"}


def test_same_lint_output_on_the_examples_and_the_benchmark_corpus(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_corpus = bench_corpus().write_corpus
    paths = write_corpus(tmp_path / "corpus", count=600, seed=5) + sorted(EXAMPLES.rglob("*.json"))
    differing, schema_findings = [], 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        native, reference = _both(lambda: _lint(text), monkeypatch)
        schema_findings += sum(d["code"] < "VL200" and d["code"] >= "VL100" for d in reference)
        if native != reference:
            differing.append(path.name)
    assert not differing
    assert schema_findings > 100  # the corpus goes down the error path, not only clean requests


def test_a_place_jsonschema_does_not_confirm_sends_the_request_to_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    # With Rust's own regex dialect, "$" does not match before a trailing newline where Python's
    # re.search (jsonschema) does: that jsonschema-rs reports the voice binding key "image1\n",
    # jsonschema does not, and it decides over the whole request.
    import jsonschema_rs

    from vidlint.schema_bundle import bundle

    profile = load_profile(MODEL)
    assert profile is not None
    rust_dialect = jsonschema_rs.validator_for(bundle(profile), validate_formats=False)
    monkeypatch.setitem(native_schema._NATIVE, MODEL, rust_dialect)
    request = {"model": MODEL, "prompt": "Image 1 sings", "image_urls": ["https://example.com/a.png"],
               "duration": 99, "model_params": {"voice_bindings": {"image1\n": "https://example.com/a.mp3"}}}
    assert any("voice_bindings" in map(str, e.instance_path) for e in rust_dialect.iter_errors(request))
    assert _confirmed_errors(request, profile) is None
    native, reference = _both(lambda: _diagnostics(request, MODEL), monkeypatch)
    assert native == reference and [d["code"] for d in reference] == ["VL104"]


def test_patterns_are_python_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python's \S (jsonschema) takes U+001F for white space, Rust's does not: found by the property test
    text = json.dumps({"model": MODEL, "prompt": "Image 1 waves", "video_urls": ["https://cdn.example.com/0.mp4"],
                       "image_urls": [None, "\x1f"]})
    native, reference = _both(lambda: _lint(text), monkeypatch)
    assert native == reference
    assert "VL109" in {d["code"] for d in reference}


def _confirmed_errors(request: Any, profile: Any) -> list[Any] | None:
    """jsonschema's errors at the places jsonschema-rs reports, as ``check_schema`` takes them
    (``confirmed_sites``, then ``site_errors`` of each); None: jsonschema walks the whole request."""
    sites = native_schema.confirmed_sites(request, profile)
    if sites is None:
        return None
    errors: list[Any] = []
    for site in sites:
        found = native_schema.site_errors(site, lambda: _validator(profile))
        if found is None:
            return None
        errors += found
    return errors


def _without_jsonschema_rs_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    def asked(*args: Any) -> Any:
        raise AssertionError("jsonschema-rs was asked about a value it reads otherwise")

    monkeypatch.setattr(native_schema, "is_valid", asked)
    monkeypatch.setattr(native_schema, "confirmed_sites", asked)


def test_numbers_jsonschema_rs_reads_otherwise_go_to_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    profile = load_profile(MODEL)
    assert profile is not None
    native_schema.native_validator(profile)  # loaded: it would answer
    for odd in (float("nan"), float("inf"), 2**70):
        request = {"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"],
                   "duration": 99, "seed": odd}
        assert not native_schema.reads_alike(request)
        reference = _diagnostics(request, MODEL)
        with monkeypatch.context() as patched:
            _without_jsonschema_rs_asked(patched)
            assert _diagnostics(request, MODEL) == reference and "VL104" in {d["code"] for d in reference}


def test_without_jsonschema_rs_jsonschema_alone_gives_the_same_output(monkeypatch: pytest.MonkeyPatch) -> None:
    text = json.dumps({"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"],
                       "duration": "5", "quality": "4k", "aspectRatio": "9:16"})
    with_native = _lint(text)
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # import fails: not installed
    monkeypatch.setattr(native_schema, "_NATIVE", {})
    read_switches()

    def not_asked(value: Any) -> bool:
        raise AssertionError("a request walked for jsonschema-rs, which is not installed")

    monkeypatch.setattr(native_schema, "reads_alike", not_asked)
    without = _lint(text)
    read_switches()
    assert native_schema.native_validator(load_profile(MODEL)) is None  # type: ignore[arg-type]
    assert with_native == without
    assert {d["code"] for d in without} >= {"VL102", "VL103"}


def test_values_jsonschema_rs_cannot_take_go_to_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    request = {"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"],
               "duration": 99, "negative_prompt": "x" * 600 + "\ud800"}  # a lone surrogate: not UTF-8
    assert not native_schema.reads_alike(request)
    native, reference = _both(lambda: _diagnostics(request, MODEL), monkeypatch)
    assert native == reference and len(reference) == 2
    _without_jsonschema_rs_asked(monkeypatch)
    assert _diagnostics(request, MODEL) == reference


@pytest.mark.parametrize("depth", [50, 900])
def test_a_value_nested_as_deep_as_the_reader_allows(depth: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the slow property test: a value 900 lists deep made the native path recurse past
    Python's limit (a crash). Both paths now give the same findings, the type error included."""
    text = ('{"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "video_urls": '
            '["https://cdn.example.com/0.mp4", ' + "[" * depth + "1" + "]" * depth + "]}")
    native, reference = _both(lambda: _lint(text), monkeypatch)
    assert native == reference
    assert "VL102" in {d["code"] for d in native}


# --- patterns: Rust's dialect where it reads alike, Python's re elsewhere -------------------------

_SHIPPED_PATTERNS = sorted({node["pattern"] for name in [p.name for p in sorted(schema_dir().glob("*.json"))]
                            for node in native_schema._schemas_in(load_schema_file(name))
                            if isinstance(node.get("pattern"), str)})


def test_which_patterns_jsonschema_rs_checks_in_its_own_dialect() -> None:
    rust = native_schema.rust_pattern
    assert rust("^[Hh][Tt][Tt][Pp][Ss]://") == "^[Hh][Tt][Tt][Pp][Ss]://"
    assert rust(r"\S") == "[^\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    assert rust(r"^[0-9]+(\.[0-9]+)?$") == r"^[0-9]+(\.[0-9]+)?\n?\z"
    assert rust(r"a\$") == r"a\$" and rust("a\\\\$") == "a\\\\\\n?\\z"
    for differs in (r"(?i)\bextend\b", r"\bx", "^(?![Hh])[a-z]+://", "(编辑|修改)", "a.b", "[^a]", "[a&&b]", "a$b", "a^"):
        assert rust(differs) is None, differs
    assert len([p for p in _SHIPPED_PATTERNS if rust(p) is not None]) >= 5


def _rust_and_python(pattern: str) -> tuple[Any, Any]:
    import re

    import jsonschema_rs

    rust = native_schema.rust_pattern(pattern)
    assert rust is not None
    return jsonschema_rs.validator_for({"pattern": rust}), re.compile(pattern)


@pytest.mark.parametrize("pattern", [p for p in _SHIPPED_PATTERNS if native_schema.rust_pattern(p) is not None])
def test_a_pattern_in_rusts_dialect_matches_the_same_strings_as_in_python(pattern: str) -> None:
    from hypothesis import strategies as st

    rust, python = _rust_and_python(pattern)
    near = st.sampled_from(["https://", "HTTPS://", "http://", "hTtPs://", "ftp://", " https://", "\nhttps://",
                            "https:/", "https://\n", "ｈttps://", "https\u0131://", "https://x.test/a.png",
                            "5", "5.5", "5.", "5\n", "5\n\n", "image1", "video12\n", "image0", " ", "\x1f", "\xa0"])
    text = st.text(st.characters(exclude_categories=["Cs"]))  # a lone surrogate never reaches jsonschema-rs

    @settings(max_examples=300, deadline=None, database=None)
    @given(text=near | text | st.builds(lambda a, b: a + b, near, text) | st.builds(lambda a, b: a + b, text, near))
    def agree(text: str) -> None:
        assert rust.is_valid(text) == bool(python.search(text)), text

    agree()


@pytest.mark.parametrize("pattern", [r"\S", r"\s"])
def test_white_space_is_the_same_in_both_dialects_for_every_character(pattern: str) -> None:
    import jsonschema_rs

    rust, python = _rust_and_python(pattern)
    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    everyone = jsonschema_rs.validator_for({"items": {"pattern": native_schema.rust_pattern(pattern)}})
    matching = [c for c in characters if python.search(c)]
    assert everyone.is_valid(matching)  # one call for all the characters Python matches...
    others = [c for c in characters if not python.search(c)]
    assert not [c for c in others if rust.is_valid(c)]  # ...and none of the others


def test_every_shipped_model_gets_a_jsonschema_rs_validator() -> None:
    for model in known_models():
        profile = load_profile(model)
        assert profile is not None
        assert native_schema.native_validator(profile) is not None, model


def test_a_bad_callback_url_is_found_by_jsonschema_rs_and_confirmed_by_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    # callback_url's pattern sits in the shared file, behind a $ref: jsonschema-rs's own pattern
    # keyword reports its evaluation path (a custom keyword would report only the schema location)
    profile = load_profile(MODEL)
    assert profile is not None
    request = {"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"],
               "callback_url": "http://example.com/done"}
    found = _confirmed_errors(request, profile)
    assert found is not None and [e.validator for e in found] == ["pattern"]
    native, reference = _both(lambda: _diagnostics(request, MODEL), monkeypatch)
    assert native == reference and [d["code"] for d in reference] == ["VL401"]


# --- the yes: jsonschema-rs once it is loaded --------------------------------------------------------

def test_jsonschema_rs_answers_yes_or_no_only_for_values_it_reads_alike() -> None:
    profile = load_profile(MODEL)
    assert profile is not None
    native = native_schema.native_validator(profile)
    request = {"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"]}
    assert native_schema.reads_alike(request) and native_schema.is_valid(request, native) is True
    assert native_schema.is_valid({**request, "duration": 99}, native) is False
    long_text = "x" * (native_schema.NATIVE_TEXT_LIMIT + 1)  # copied several times by jsonschema-rs
    for odd in (float("nan"), 2**70, "\ud800", "x" * 600 + "\ud800", long_text):  # null, rounded, not UTF-8
        assert not native_schema.reads_alike({**request, "negative_prompt": odd})
        assert not native_schema.reads_alike({**request, "image_urls": [[{"a": odd}]]})


def _reads_alike_by_definition(value: Any) -> bool:
    """What ``native_schema.reads_alike`` says, written as plainly as possible."""
    if type(value) is dict:
        return all(_reads_alike_by_definition(v) for v in value.values())
    if type(value) is list:
        return all(_reads_alike_by_definition(v) for v in value)
    if type(value) is str:
        return len(value) <= native_schema.NATIVE_TEXT_LIMIT and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if type(value) is float:
        return value not in (float("inf"), float("-inf")) and value == value
    if type(value) is int:
        return -(2**63) <= value < 2**64
    return value is None or type(value) is bool  # json.loads makes nothing else


class _Text(str):
    pass


_ODD_LEAVES = (st.none() | st.booleans() | st.floats() | st.integers(-(2**65), 2**65)
               | st.sampled_from([2**63 - 1, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64])
               | st.text(st.characters(), max_size=12) | st.sampled_from(["é\ud800", "\udfff", "x" * 40, "é" * 41])
               | st.builds(_Text, st.text(max_size=3)) | st.builds(tuple, st.lists(st.integers(), max_size=2)))


@settings(max_examples=500, deadline=None, database=None)
@given(value=st.recursive(_ODD_LEAVES, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=3), inner, max_size=4), max_leaves=12))
def test_which_values_jsonschema_rs_reads_alike(value: Any) -> None:
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(native_schema, "NATIVE_TEXT_LIMIT", 40)  # short texts stand for long ones
        assert native_schema.reads_alike(value) == _reads_alike_by_definition(value)


def test_a_long_run_of_valid_requests_loads_jsonschema_rs_for_the_yes(monkeypatch: pytest.MonkeyPatch) -> None:
    from vidlint.check import schema

    profile = load_profile(MODEL)
    assert profile is not None
    monkeypatch.setattr(schema, "NATIVE_AFTER", 3)
    monkeypatch.setitem(native_schema._NATIVE, profile.name, None)  # not built yet in this process
    del native_schema._NATIVE[profile.name]
    read_switches()
    request = {"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"]}
    for _ in range(2):
        assert check_schema(request, profile) == []
    assert native_schema.loaded_validator(profile) is None  # a few valid requests: fastjsonschema says yes
    assert check_schema(request, profile) == []
    assert native_schema.loaded_validator(profile) is not None  # the third: jsonschema-rs from now on
    assert [d.code for d in check_schema({**request, "duration": 99}, profile)] == ["VL104"]
    read_switches()


@pytest.mark.parametrize("odd", [float("nan"), float("inf"), 2**70, "x\ud800", "é" * (native_schema.NATIVE_TEXT_LIMIT + 1)])
def test_a_value_jsonschema_rs_reads_otherwise_gets_the_same_findings(odd: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    profile = load_profile(MODEL)
    assert profile is not None
    native_schema.native_validator(profile)  # loaded: it would answer the yes
    for request in ({"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"],
                     "x-note": odd},  # an unknown field whatever its value
                    {"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"],
                     "seed": odd}):
        native, reference = _both(lambda: _diagnostics(request, MODEL), monkeypatch)  # noqa: B023
        assert native == reference and reference


# --- errors of one-value keywords, made without jsonschema ---------------------------------------

_JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-5, 5, allow_nan=False) |
                     st.sampled_from(["", "a", "ab", "abc", "image1", "https://x"]),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abcd"), inner, max_size=3),
                     max_leaves=6)
_LIMIT = st.integers(0, 3) | st.floats(-3, 3, allow_nan=False)
_NAMES = st.lists(st.sampled_from("abcd"), max_size=3, unique=True)
_LEAF_NODES = st.one_of(
    st.builds(lambda t: {"type": t}, st.sampled_from(["string", "integer", "number", "object", "array", "boolean", "null"])
              | st.lists(st.sampled_from(["string", "integer", "null"]), min_size=1, max_size=2, unique=True)),
    st.builds(lambda v: {"enum": v}, st.lists(_JSON, min_size=1, max_size=3)),
    st.builds(lambda v: {"const": v}, _JSON),
    *[st.builds(lambda v, k=k: {k: v}, _LIMIT) for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")],
    *[st.builds(lambda v, k=k: {k: v}, st.integers(0, 3)) for k in ("minLength", "maxLength", "minItems", "maxItems",
                                                                      "minProperties", "maxProperties")],
    st.builds(lambda v: {"pattern": v}, st.sampled_from(["^a", r"\S", "b$", "^(image|video)[1-9]$"])),
    st.builds(lambda v: {"required": v}, _NAMES),
    st.builds(lambda v: {"dependentRequired": v}, st.dictionaries(st.sampled_from("abcd"), _NAMES, max_size=2)),
    st.builds(lambda p, a: {"properties": dict.fromkeys(p, {}), "additionalProperties": a}, _NAMES, st.booleans()),
)


@settings(max_examples=400, deadline=None, database=None)
@given(node=_LEAF_NODES, instance=_JSON)
def test_one_value_keywords_give_jsonschemas_errors(node: dict[str, Any], instance: Any) -> None:
    from jsonschema.validators import Draft202012Validator

    keyword = [k for k in node if k != "properties"][0]
    expected = list(Draft202012Validator.VALIDATORS[keyword](Draft202012Validator({}), node[keyword], instance, node) or ())
    made = leaf_errors(keyword, node, instance)
    if made is None:  # left to jsonschema: an enum or const of other values than strings
        assert keyword in ("enum", "const")
        return
    assert [e.message for e in made] == [e.message for e in expected]
    assert all(e.validator == keyword and e.validator_value is node[keyword] and e.instance is instance
               and e.schema is node for e in made)


def test_the_keywords_an_evaluation_path_may_end_in_are_jsonschemas() -> None:
    from jsonschema.validators import Draft202012Validator

    from vidlint.check.leaf_errors import KEYWORDS, LEAF_KEYWORDS

    assert set(Draft202012Validator.VALIDATORS) == KEYWORDS
    assert LEAF_KEYWORDS <= KEYWORDS


# --- the parser's word for it: Document.plain ------------------------------------------------------

_NUMBER_LITERALS = st.sampled_from([
    "0", "-0", "7", "-12", "9223372036854775807", "-9223372036854775808", "-9223372036854775809",
    "18446744073709551615", "18446744073709551616", "1" * 19, "-" + "9" * 25, "1" * 400 + ".5",
    "0.5", "-2.25e3", "1e308", "1.7976931348623157e308", "1.8e308", "1e309", "-1e400", "1E+999", "1e-400",
    "0." + "0" * 30 + "1", "NaN", "Infinity", "-Infinity"]) | st.integers(-(2**66), 2**66).map(str) \
    | st.floats(allow_nan=False, allow_infinity=False).map(repr)
_STRING_LITERALS = st.sampled_from([
    '"\\ud800"', '"a\\uDC00b"', '"\\ud83d\\ude00"', '"\\\\ud800"', '"\\u00e9"', '"\u00e9t\u00e9"', '"x' + "y" * 45 + '"',
    '"\\u0041"']) | st.text(max_size=8).map(lambda text: json.dumps(text, ensure_ascii=False))
_KEYS = st.sampled_from(['"a"', '"b"', '"\\ud800"', '"k\u00e9"'])


def _json_texts() -> Any:
    """JSON texts (not values: literals as written) with the edge values jsonschema-rs reads
    otherwise, their neighbours it reads alike, escapes and repeated keys."""
    leaves = _NUMBER_LITERALS | _STRING_LITERALS | st.sampled_from(["true", "false", "null"])

    def containers(inner: Any) -> Any:
        items = st.lists(inner, max_size=4)
        pairs = st.lists(st.tuples(_KEYS, inner), max_size=4)
        return items.map(lambda values: "[" + ", ".join(values) + "]") \
            | pairs.map(lambda found: "{" + ",".join(f"{key}: {value}" for key, value in found) + "}")

    value = st.recursive(leaves, containers, max_leaves=10)
    return st.lists(st.tuples(_KEYS, value), max_size=4).map(
        lambda found: "{" + ", ".join(f"{key}: {value}" for key, value in found) + "}\n")


@settings(max_examples=600, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_json_texts())
def test_a_plain_document_is_one_jsonschema_rs_reads_alike(text: str) -> None:
    """Document.plain: exactly reads_alike's yes for a text without a surrogate escape or a
    repeated key (suspicious: not vouched for) and at most NATIVE_TEXT_LIMIT long; never a yes
    where reads_alike says no, as a .json file and as a JSON Lines record."""
    from vidlint.load import document as loader

    with pytest.MonkeyPatch.context() as patched:
        for module in (native_schema, loader):
            patched.setattr(module, "NATIVE_TEXT_LIMIT", 40)  # short texts stand for long ones
        usual = loader.parse_request("r.json", text.encode())
        loaded = loader.load_bytes("r.jsonl", text.encode(), True)
        assert usual is not None and len(loaded.documents) == 1
        for document in (usual, loaded.documents[0]):
            alike = native_schema.reads_alike(document.value)
            assert document.plain == (alike and not document.suspicious and len(text) <= 40)
            if document.plain:
                assert alike


def test_the_loader_vouches_for_the_usual_request_and_not_for_odd_numbers() -> None:
    from vidlint.load.document import parse_request

    usual = '{"model": "m", "prompt": "a \\u00e9 \\ud83d\\ude00", "seed": 18446744073709551615, "x": -1.5e300}'
    document = parse_request("r.json", usual.encode())
    assert document is not None and native_schema.reads_alike(document.value)
    assert document.plain is False  # a surrogate pair's escapes: suspicious, not looked into
    document = parse_request("r.json", usual.replace(" \\ud83d\\ude00", "").encode())
    assert document is not None and document.plain
    for odd in ("18446744073709551616", "-9223372036854775809", "1e400", "-1E+309", "NaN", '"\\udc00"'):
        document = parse_request("r.json", usual.replace("-1.5e300", odd).encode())
        assert document is not None and not document.plain and not native_schema.reads_alike(document.value), odd


def test_the_schema_stage_walks_only_what_the_loader_did_not_vouch_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from vidlint.check.pipeline import check_request

    walked: list[Any] = []
    walk = native_schema.reads_alike
    monkeypatch.setattr(native_schema, "reads_alike", lambda value: walked.append(value) or walk(value))
    plain = {"model": MODEL, "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"], "duration": 99}
    expected = _lint(json.dumps(plain))
    assert walked == [] and "VL104" in {d["code"] for d in expected}  # a .json file: vouched for by its parser
    batch = "\n".join(json.dumps(plain) for _ in range(3)) + "\n"
    found = lint_bytes("r.jsonl", batch.encode(), True, None).diagnostics
    assert walked == [] and len(found) == 3 * len(expected)  # JSON Lines records too
    odd = json.dumps(plain)[:-1] + ', "seed": 1e400}'
    assert {d["code"] for d in _lint(odd)} >= {"VL104"} and len(walked) == 1  # infinity: walked, jsonschema's
    assert check_request(plain, None).diagnostics and len(walked) == 2  # a value without its text: walked
