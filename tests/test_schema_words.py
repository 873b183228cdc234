"""The words of a schema error that are the same for every request of a model (an enum's
choices, the field a typo meant, a range) are worked out once; they read as worked out each time."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from request_strategies import model_requests

from vidlint.check import native_schema
from vidlint.check.leaf_errors import LeafError
from vidlint.check import schema as schema_module
from vidlint.check.schema import _at_sites, _translated, _validator
from vidlint.core.wording import did_you_mean, label, show, span
from vidlint.models import known_models, load_profile, load_schema_file, schema_dir
from vidlint.rules.registry import load_all_rules
from vidlint.rules.schema import out_of_range, unknown_field, value_not_allowed

_NAMES = st.sampled_from(["720p", "1080p", "16:9", "9:16", "aspect_ratio", "image_urls", "duration", "x"])
_VALUES = st.one_of(_NAMES, st.text(max_size=8), st.integers(-3, 3), st.booleans(), st.none(), st.floats(-3, 3),
                    st.builds(lambda name: name.upper() * 30, _NAMES))  # longer than a typo: not remembered


def _one(rule: Any, error: LeafError, profile: Any = None) -> Any:
    found = list(rule(error, profile))
    assert len(found) == 1
    return found[0]


@settings(max_examples=300, deadline=None, database=None)
@given(allowed=st.lists(_VALUES, min_size=1, max_size=5), given_value=_VALUES)
def test_an_enums_choices_and_guess_read_as_worked_out_each_time(allowed: list[Any], given_value: Any) -> None:
    error = LeafError("enum", {"enum": allowed}, given_value, 0, ("quality",))
    first = _one(value_not_allowed, error)
    again = _one(value_not_allowed, LeafError("enum", {"enum": list(allowed)}, given_value, 0))
    choices = ", ".join(show(a) for a in allowed)
    assert first.message == f"quality is {show(given_value)}; expected one of {choices}"
    assert again.message.endswith(f"expected one of {choices}")  # a new list, equal: the same words
    meant = did_you_mean(given_value, [a for a in allowed if isinstance(a, str)]) if isinstance(given_value, str) else None
    if meant is not None:
        assert first.hint == f"did you mean {show(meant)}?"


@settings(max_examples=200, deadline=None, database=None)
@given(known=st.lists(_NAMES, min_size=1, max_size=6, unique=True),
       typo=st.text(min_size=1, max_size=12) | _NAMES | st.builds(lambda name: name + "_" * 100, _NAMES))
def test_the_field_a_typo_meant_reads_as_worked_out_each_time(known: list[str], typo: str) -> None:
    if typo in known:
        return
    schema = {"properties": dict.fromkeys(known, {}), "additionalProperties": False}
    for _ in range(2):  # the second time from the cache
        finding = _one(unknown_field, LeafError("additionalProperties", schema, {typo: 1}, 0))
        meant = did_you_mean(typo, known)
        assert finding.message.endswith(f'; did you mean "{meant}"?' if meant else f'unknown field "{typo}"')


def test_a_range_reads_the_same_for_whole_and_fractional_limits() -> None:
    for low, high in ((2, 15), (2.0, 15.0), (0.5, 2.5), (1, 1.0)):
        error = LeafError("maximum", {"minimum": low, "maximum": high}, 99, 0, ("duration",))
        finding = _one(out_of_range, error)
        assert finding.message == f"{label('/duration')} is 99; the limit is {span(low, high)}"
    at_least = LeafError("minimum", {"minimum": 1}, 0, 0)
    assert _one(out_of_range, at_least).message == "the request is 0; the limit is at least 1"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(-(10**40), 10**40) | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=500, deadline=None, database=None)
@given(value=_JSON, limit=st.integers(2, 80))
def test_show_writes_what_json_dumps_writes(value: Any, limit: int) -> None:
    import json

    text = json.dumps(value, ensure_ascii=False)  # the encoder built for each call, as before
    assert show(value, limit) == (text if len(text) <= limit else text[: limit - 1] + "…")


@settings(max_examples=300, deadline=None, database=None)
@given(tokens=st.lists(st.text(max_size=6) | st.integers(0, 30).map(str), max_size=4))
def test_a_remembered_label_reads_as_worked_out_each_time(tokens: list[str]) -> None:
    from vidlint.core.pointers import make_pointer

    pointer = make_pointer(*tokens)
    assert label(pointer) == label.__wrapped__(pointer) == label(pointer)


@settings(max_examples=300, deadline=None, database=None)
@given(keys=st.lists(st.sampled_from(["a", "b", "x-1", "x_2", "image_urls", "z"]), max_size=6, unique=True),
       known=st.lists(st.sampled_from(["a", "image_urls", "q"]), max_size=3, unique=True),
       patterns=st.lists(st.sampled_from(["^x-", "_[0-9]$", "urls"]), max_size=2, unique=True))
def test_extra_keys_with_and_without_pattern_properties(keys: list[str], known: list[str], patterns: list[str]) -> None:
    import re

    from vidlint.rules.schema import extra_keys

    instance = dict.fromkeys(keys, 1)
    schema: dict[str, Any] = {"properties": dict.fromkeys(known, {})}
    if patterns:
        schema["patternProperties"] = dict.fromkeys(patterns, {})
    plain = [k for k in keys if k not in known and not any(re.search(p, k) for p in patterns)]
    assert extra_keys(instance, schema) == plain
    assert extra_keys(["not", "an", "object"], schema) == []


def test_a_leaf_error_has_the_paths_jsonschemas_error_has() -> None:
    from jsonschema.validators import Draft202012Validator

    schema = {"properties": {"model_params": {"allOf": [{}, {"properties": {"duration": {"maximum": 15}}}]}}}
    [expected] = Draft202012Validator(schema).iter_errors({"model_params": {"duration": 99}})
    node = schema["properties"]["model_params"]["allOf"][1]["properties"]["duration"]  # type: ignore[index]
    made = LeafError("maximum", node, 99, 0, ("model_params", "duration"),
                     ("properties", "model_params", "allOf", 1, "properties", "duration"))
    assert list(made.absolute_path) == list(expected.absolute_path) == ["model_params", "duration"]
    assert list(made.absolute_schema_path) == list(expected.absolute_schema_path)
    assert (made.validator, made.instance, made.message) == (expected.validator, expected.instance, expected.message)


def test_a_top_level_field_is_misplaced_only_below_the_top_level() -> None:
    from vidlint.models import load_profile
    from vidlint.rules.schema import misplaced_field

    profile = load_profile("wan2.7-reference-video")
    assert profile is not None
    at_top = LeafError("additionalProperties", {"properties": {}, "additionalProperties": False}, {"duration": 5}, 0)
    assert list(misplaced_field(at_top, profile)) == []
    nested = LeafError("additionalProperties", {"properties": {}, "additionalProperties": False}, {"duration": 5}, 0,
                       ("model_params",))
    finding = _one(misplaced_field, nested, profile)
    assert (finding.pointer, finding.at_key) == ("/model_params/duration", True)
    assert finding.message == '"duration" belongs at the top level, not in model_params: there the server ignores it'


def _whole(diagnostics: Any) -> list[tuple[Any, ...]]:
    """Every field of each diagnostic (equality leaves out ``at_key``, ``char`` and ``fix``)."""
    return [(d.code, d.severity, d.message, d.pointer, d.hint, d.at_key, d.char, d.fix) for d in diagnostics]


def _translated_at(sites: list[native_schema.Site], profile: Any) -> list[tuple[Any, ...]] | None:
    """The diagnostics of the sites, each error translated afresh (nothing remembered)."""
    found = []
    for site in sites:
        errors = native_schema.site_errors(site, lambda: _validator(profile))
        if errors is None:
            return None
        found += [declared.emit_finding(f) for error in errors for declared, f in _translated(error, profile)]
    return _whole(found)


@pytest.mark.parametrize("model", known_models())
def test_remembered_diagnostics_read_as_worked_out_each_time(model: str) -> None:
    """Every place jsonschema-rs finds in generated requests: its diagnostics from the ones kept
    (asked twice: the second time a hit) are those its errors' translation gives."""
    schema = load_schema_file(f"{model}.json")
    shared = {path.name: load_schema_file(path.name) for path in sorted(schema_dir().glob("_*.json"))}
    profile = load_profile(model)
    load_all_rules()  # as check_schema does before it translates
    counted = {"remembered": 0}

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(value=model_requests(model, schema, shared))
    def agree(value: Any) -> None:
        if not native_schema.reads_alike(value):
            return
        sites = native_schema.confirmed_sites(value, profile)
        if sites is None:
            return
        first, again = _at_sites(sites, profile), _at_sites(sites, profile)
        expected = _translated_at(sites, profile)
        assert (None if first is None else _whole(first)) == expected
        assert (None if again is None else _whole(again)) == expected
        counted["remembered"] = len(schema_module._REMEMBERED.get(model, {}))

    agree()
    assert counted["remembered"] > 0 or native_schema.native_validator(profile) is None, counted


def _duration_site(profile: Any, value: Any) -> list[native_schema.Site]:
    """The places jsonschema-rs finds for a request whose duration is ``value`` (past the limit)."""
    sites = native_schema.confirmed_sites({"model": "wan2.7-reference-video", "prompt": "Image 1 waves",
                                           "image_urls": ["https://example.com/a.png"], "duration": value}, profile)
    assert sites is not None
    return sites


def test_values_that_are_equal_but_shown_apart_are_remembered_apart() -> None:
    profile = load_profile("wan2.7-reference-video")
    assert profile is not None
    load_all_rules()
    values = (0, 0.0, -0.0, False, 0, -0.0, 20, 20.0, 1e300, 20)  # 0 == 0.0 == -0.0 == False
    messages = [[d.message for d in _at_sites(_duration_site(profile, value), profile) or ()] for value in values]
    assert messages == [["duration is 0; the limit is 2..15"], ["duration is 0.0; the limit is 2..15"],
                        ["duration is -0.0; the limit is 2..15"], ["duration must be an integer, not a boolean (false)"],
                        ["duration is 0; the limit is 2..15"], ["duration is -0.0; the limit is 2..15"],
                        ["duration is 20; the limit is 2..15"], ["duration is 20.0; the limit is 2..15"],
                        ["duration is 1e+300; the limit is 2..15"], ["duration is 20; the limit is 2..15"]]


def test_the_remembered_diagnostics_are_bounded_and_long_texts_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    profile = load_profile("wan2.7-reference-video")
    assert profile is not None
    load_all_rules()
    monkeypatch.setattr(schema_module, "REMEMBERED_PER_MODEL", 3)
    schema_module._REMEMBERED.clear()
    for value in range(20, 30):
        found = _at_sites(_duration_site(profile, value), profile)
        assert [d.message for d in found or ()] == [f"duration is {value}; the limit is 2..15"]
    assert len(schema_module._REMEMBERED[profile.name]) == 3
    schema_module._REMEMBERED.clear()
    request = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"],
               "negative_prompt": "x" * 501}
    sites = native_schema.confirmed_sites(request, profile)
    assert sites is not None and _whole(_at_sites(sites, profile) or ()) == _translated_at(sites, profile)
    assert not schema_module._REMEMBERED.get(profile.name)


@settings(max_examples=300, deadline=None, database=None)
@given(keys=st.lists(st.sampled_from(["audio_url", "duration", "quality", "durration", "qualty", "bogus", "voice_bindings",
                                      "image_url"]), min_size=1, max_size=4, unique=True),
       nested=st.booleans())
def test_unknown_fields_leave_legacy_and_misplaced_ones_to_their_rules(keys: list[str], nested: bool) -> None:
    from vidlint.rules.schema import extra_keys, legacy_field, misplaced_field, unknown_field

    profile = load_profile("wan2.7-reference-video")
    assert profile is not None
    node = profile.schema["properties"]["model_params"] if nested else profile.schema
    instance = dict.fromkeys(keys, "x")
    error = LeafError("additionalProperties", node, instance, 0, ("model_params",) if nested else ())
    legacy, root = profile.meta.get("legacy_fields", {}), profile.schema["properties"]
    extra = extra_keys(instance, node)
    unknown = [k for k in extra if not (k in root if nested else k in legacy)]
    found = list(unknown_field(error, profile))
    assert [f.pointer.rsplit("/", 1)[-1] for f in found] == unknown
    assert all(f.message.startswith(f'unknown field "{k}"') for f, k in zip(found, unknown, strict=True))
    others = list(misplaced_field(error, profile)) + list(legacy_field(error, profile))
    assert sorted(f.pointer.rsplit("/", 1)[-1] for f in others) == sorted(k for k in extra if k not in unknown)


def _object_nodes(node: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every object schema of a model's own file with ``properties``, with where it is in a request."""
    found = [(path, node)] if isinstance(node, dict) and isinstance(node.get("properties"), dict) else []
    for name, sub in (node.get("properties") or {}).items() if isinstance(node, dict) else ():
        found += _object_nodes(sub, (*path, name))
    return found


@pytest.mark.parametrize("model", known_models())
def test_the_fields_an_unknown_field_may_have_meant_read_as_worked_out_each_time(model: str) -> None:
    """The names a typo is held against (and the hint that lists them) are kept per schema node
    and level: the top level's are the fields the model takes, a nested object's its own."""
    profile = load_profile(model)
    assert profile is not None
    for _ in range(2):  # worked out, then kept
        for path, node in _object_nodes(profile.schema):
            error = LeafError("additionalProperties", node, {"zz_unknown_zz": 1}, 0, path)
            known = [k for k in node["properties"] if path or k in profile.fields]
            names = tuple(k for k in known if k != "$schema")
            found = list(unknown_field(error, profile))
            assert [f.hint for f in found] == [f"documented fields: {', '.join(names)}"], (model, path)


def test_the_fields_of_one_node_at_the_top_level_and_below_are_kept_apart() -> None:
    from vidlint.rules.schema import _documented

    profile = load_profile("kling-o3-reference-to-video")
    assert profile is not None
    everything = tuple(k for k in profile.schema["properties"] if k != "$schema")
    taken = _documented(profile.schema, profile)
    assert taken == tuple(k for k in everything if k in profile.fields) and taken != everything
    assert _documented(profile.schema, None) == everything  # the same node asked as a nested object's
    assert _documented(profile.schema, profile) == taken


_KEYS = ["model", "prompt", "image_urls", "video_urls", "audio_urls", "duration", "quality", "seed", "model_params",
         "audio_url", "negative_prompt", "prompt_extend", "generation_mode", "aspectRatio", "durration", "qualty",
         "image_url", "bogus", "voice_bindings", "callback_url"]
_VALUES = st.one_of(st.none(), st.integers(-3, 40), st.sampled_from(["720p", "a", "https://example.com/a.png", ""]),
                    st.lists(st.sampled_from(["https://example.com/a.png", "b.mp4", 3]), max_size=2),
                    st.dictionaries(st.sampled_from(["duration", "voice_bindings", "image1", "bogus", "quality"]),
                                    st.one_of(st.integers(0, 20), st.text(max_size=2), st.just({"image1": "a.mp3"})),
                                    max_size=3))


@pytest.mark.parametrize("model", ["wan2.7-reference-video", "wan3.0-image-to-video", "kling-v3-motion-control"])
def test_an_objects_findings_kept_by_its_keys_read_as_worked_out_for_other_values(model: str) -> None:
    """An object's ``additionalProperties`` and ``required`` findings are kept under its keys:
    requests with the same keys (in the same order) and other values, one after another, each get
    the diagnostics their own errors' translation gives (a legacy field's fix carries its value, an
    annotated place's message may show it: those are not kept)."""
    profile = load_profile(model)
    assert profile is not None
    load_all_rules()
    schema_module._REMEMBERED.clear()
    kept_objects = []

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(keys=st.lists(st.sampled_from(_KEYS), max_size=7, unique=True), data=st.data())
    def agree(keys: list[str], data: Any) -> None:
        for _ in range(3):  # the same keys, other values
            request = {key: data.draw(_VALUES) for key in keys}
            if "model" in request and data.draw(st.booleans()):
                request["model"] = model
            if not native_schema.reads_alike(request):
                continue
            sites = native_schema.confirmed_sites(request, profile)
            if sites is None:
                continue
            found = _at_sites(sites, profile)
            assert (None if found is None else _whole(found)) == _translated_at(sites, profile), request
        kept_objects.extend(key for key in schema_module._REMEMBERED.get(profile.name, {}) if key[2] is dict)

    agree()
    assert kept_objects  # objects' findings were kept (and met again)
    schema_module._REMEMBERED.clear()


def test_an_objects_findings_are_kept_only_where_they_read_no_value() -> None:
    """Not kept: a legacy field's finding (VL107), an annotated place's (voice_bindings, VL213);
    kept: unknown and misplaced fields, a missing required field."""
    profile = load_profile("wan2.7-reference-video")
    assert profile is not None
    load_all_rules()
    base = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["https://example.com/a.png"]}

    def kept_codes(request: dict[str, Any]) -> set[str]:
        schema_module._REMEMBERED.clear()
        sites = native_schema.confirmed_sites(request, profile)
        assert sites is not None
        _at_sites(sites, profile)
        return {d.code for key, made in schema_module._REMEMBERED.get(profile.name, {}).items() if key[2] is dict
                for d in made}

    assert kept_codes({**base, "durration": 5}) == {"VL105"}
    assert kept_codes({**base, "model_params": {"duration": 5}}) == {"VL106"}
    assert kept_codes({"model": "wan2.7-reference-video", "image_urls": ["https://example.com/a.png"]}) == {"VL101"}
    assert kept_codes({**base, "audio_url": "https://example.com/a.mp3"}) == set()
    assert kept_codes({**base, "model_params": {"voice_bindings": {"image1": 5}}}) == set()
    schema_module._REMEMBERED.clear()
