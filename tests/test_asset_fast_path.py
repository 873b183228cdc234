"""The asset check's and the estimate's shortcuts (issue 19) give what the plain way gives.

- A remote reference nothing reads, about which VL502 alone can speak (``about`` in the
  registry), gets that rule's finding without a context or ``run_stage``: held against the
  general path on generated requests of several models, with local, missing, mapped, remote and
  odd references and with or without asset maps.
- ``about`` is true to each rule that declares it: the rule says nothing of other references.
- The estimate is kept per model, duration, quality and input: held against working it out
  each time on generated inputs (ints, floats, -0.0, NaN, booleans, strings, anything).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vidlint.api import lint_bytes
from vidlint.check.assets import AssetContext, AssetPattern, AssetPlan, AssetRef, Resolution, check_assets, remote_scheme, resolve
from vidlint.check.estimate import Billing, _estimate, estimate
from vidlint.core.pointers import match_pattern, split_pointer
from vidlint.models import known_models, load_profile
from vidlint.probe.model import MediaProbe
from vidlint.rules.assets import remote_asset_not_verified
from vidlint.rules.registry import derived, load_all_rules, rule, stage_rules

SCALE = max(1, int(os.environ.get("VIDLINT_PROPERTY_SCALE", "1") or 1))
SETTINGS = settings(max_examples=120 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEDIA = Path(__file__).resolve().parents[1] / "fixtures" / "media"
# models with every asset-pattern shape: arrays, single fields, a nested map of voices, a
# document (VL509 speaks of remote references too), media overrides
MODELS = ["wan2.7-reference-video", "wan3.0-reference-video", "kling-v3-motion-control", "kling-o3-image-to-video",
          "seedance-2.0-reference-to-video"]


# --- ``about``: what an asset rule can speak of --------------------------------------------------


def _contexts():
    probes = [None, MediaProbe(kind="image", format="jpeg", size=10, width=300, height=300),
              MediaProbe(failure="missing", error="no such file")]
    for how in ("local", "mapped", "remote", "online", "invalid"):
        for kind in ("image", "video", "audio", "document"):
            for probe in probes:
                resolution = Resolution(how, path="/nowhere/x.zip" if how in ("local", "mapped") else None,
                                        scheme="https", reason="unusable" if how == "invalid" else None)
                yield AssetContext(AssetRef("/image_urls/0", "https://cdn.example.com/x.zip", kind), resolution,
                                   {"formats": ["pdf"]}, probe)


def test_a_rule_says_nothing_of_references_its_about_leaves_out():
    load_all_rules()
    declared = {r.code: r.about for r in stage_rules("asset") if r.about is not None}
    assert declared == {"VL502": ("remote",), "VL508": ("invalid",)}
    spoken = set()
    for ctx in _contexts():
        for code in declared:
            found = list(load_all_rules()[code].func(ctx))
            if ctx.resolution.how not in declared[code]:
                assert found == [], (code, ctx)
            elif found:
                spoken.add(code)
    assert spoken == set(declared)  # and each speaks of what it is about


def test_about_is_for_asset_rules_and_names_resolutions():
    with pytest.raises(ValueError, match="about is for asset rules"):
        rule("VL999", "x", "info", stage="request", about=("remote",))
    with pytest.raises(ValueError, match="about is for asset rules"):
        rule("VL999", "x", "info", stage="asset", about=("ftp",))


def test_the_shortcut_is_taken_only_where_vl502_alone_can_speak():
    plans = {name: derived(load_profile(name).meta, AssetPlan) for name in known_models()
             if "assets" in load_profile(name).meta}
    assert plans["wan2.7-reference-video"].remote_alone
    assert not plans["wan3.0-reference-video"].remote_alone  # VL509 judges a document uri's extension
    assert sum(plan.remote_alone for plan in plans.values()) == len(plans) - 1


@pytest.mark.parametrize(("value", "mapped", "scheme", "how"), [
    ("https://a.example/x.jpg", False, "https", "remote"),
    ("http://a.example/x.jpg", False, "http", "remote"),
    ("https://a.example/x.jpg", True, "https", "remote"),  # a map for another prefix
    ("https://cdn.example.com/x.jpg", True, None, "mapped"),
    ("https://cdn.example.com/x.jpg", False, "https", "remote"),
    ("HTTPS://a.example/x.jpg", False, None, "remote"),  # (through urlsplit)
    ("s3://bucket/x.jpg", False, None, "remote"),
    ("https://a\x00.jpg", False, None, "invalid"),
    ("x.jpg", False, None, "local"),
    ("file:///x.jpg", False, None, "local"),
])
def test_remote_scheme_is_the_common_remote_reference(value: str, mapped: bool, scheme: str | None, how: str):
    maps = [("https://cdn.example.com/", Path("/mirror"))] if mapped else []
    assert remote_scheme(value, maps) == scheme
    resolution = resolve(value, "/base", maps)
    assert resolution.how == how
    if scheme is not None:
        assert resolution.scheme == scheme


# --- the shortcut against the general path --------------------------------------------------------

REFERENCES = st.sampled_from([
    "https://cdn.example.com/refs/a.jpg", "https://cdn.example.com/refs/clip.mp4", "http://cdn.example.com/b.mp3",
    "https://other.example/deck.zip", "https://other.example/deck.pdf", "HTTPS://CDN.EXAMPLE.COM/a.jpg",
    "https://cdn.example.com/" + "long/" * 30 + "x.jpg", "s3://bucket/a.mp4", "ftp://host/a.png",
    "https://cdn.example.com/../../etc/passwd", "https://", "image.jpg", "clip.mp4", "missing.png", "sub/../image.jpg",
    "file:///nowhere/a.jpg", "file://server/share/a.png", "C:\\refs\\a.png", "https://cdn.example.com/a\x00.jpg",
    "", "   ", 7, None, ["https://cdn.example.com/nested.jpg"],
])


def _value_at(tokens: list[str], draw: Any) -> Any:
    """A value holding references where a pattern's ``tokens`` point."""
    if not tokens:
        return draw(REFERENCES)
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        if draw(st.booleans()):
            return [_value_at(rest, draw) for _ in range(draw(st.integers(0, 4)))]
        return {f"image{i}": _value_at(rest, draw) for i in range(draw(st.integers(0, 3)))}
    return {head: _value_at(rest, draw)}


@st.composite
def requests(draw: Any, model: str) -> dict[str, Any]:
    request: dict[str, Any] = {"model": model, "prompt": "Image 1 and Video 1"}
    for entry in derived(load_profile(model).meta, AssetPlan).patterns:
        if draw(st.booleans()):
            tokens = split_pointer(entry.pattern)
            value = _value_at(tokens[1:], draw)
            if isinstance(request.get(tokens[0]), dict) and isinstance(value, dict):
                request[tokens[0]].update(value)  # two patterns in one object (model_params)
            else:
                request[tokens[0]] = value
    return request


# --- a pattern's references found without match_pattern's lists ----------------------------------

PATTERNS = ["/video_urls/*", "/image_urls/*", "/image_start", "/video_url", "/model_params/voice_bindings/*",
            "/model_params/file_url", "/*", "/*/0", "/video_urls", "/video_urls/*/url", "/a~1b/*", "/a~0b", "/x/1",
            "/x/1/*", "/model_params/*/0", ""]
VALUES = st.recursive(st.one_of(st.none(), st.integers(), st.text(max_size=3), REFERENCES),
                      lambda inner: st.one_of(st.lists(inner, max_size=14),
                                              st.dictionaries(st.sampled_from(["0", "1", "a/b", "url", "x~", "file_url", "voice_bindings"]), inner,
                                                              max_size=3)),
                      max_leaves=12)


@SETTINGS
@given(st.sampled_from(PATTERNS), st.sampled_from(["video", "image", "audio"]),
       st.dictionaries(st.sampled_from(["video_urls", "image_urls", "image_start", "video_url", "model_params",
                                        "a/b", "a~b", "x", "*"]), VALUES, max_size=4))
@example("/*/0", "video", {"*": [], "video_urls": ["a.mp4"]})  # a wildcard field, walked when a "*" key is there
def test_a_pattern_finds_what_match_pattern_finds(pattern: str, kind: str, request: dict[str, Any]):
    entry = AssetPattern(pattern, kind)
    if entry.field is not None and entry.field not in request:
        return  # (check_assets does not ask)
    found = list(entry.found_in(request))
    assert found == match_pattern(request, pattern)
    assert list(entry.found_in(request)) == found  # the pointers kept from the first request serve the next
    for pointer, _ in found:  # an input video, as the estimate counts them
        assert (entry.bills and pointer.startswith("/video_urls/")) == (kind == "video" and pointer.startswith("/video_urls/"))


def test_the_items_of_a_list_field_are_found_by_kept_pointers():
    entry = AssetPattern("/video_urls/*", "video")
    voices = AssetPattern("/model_params/voice_bindings/*", "audio")
    assert list(voices.found_in({"model_params": {"seed": 1}})) == []
    assert list(voices.found_in({"model_params": {"voice_bindings": ["a"]}})) == [("/model_params/voice_bindings/0", "a")]
    assert list(entry.found_in({"video_urls": ["a", "b"]})) == [("/video_urls/0", "a"), ("/video_urls/1", "b")]
    assert list(entry.found_in({"video_urls": ["c"]})) == [("/video_urls/0", "c")]  # not the two kept
    assert list(entry.found_in({"video_urls": {"k/1": "d"}})) == [("/video_urls/k~11", "d")]
    assert list(entry.found_in({"video_urls": "e"})) == []


def _shown(found: tuple[list[Any], dict[str, Any]]) -> tuple[list[tuple[Any, ...]], str]:
    diagnostics, facts = found
    return ([(d.code, d.severity, d.message, d.pointer, d.hint, d.at_key, d.char, d.fix) for d in diagnostics],
            json.dumps(facts))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("project")
    shutil.copy(MEDIA / "ok-400x300.jpg", base / "image.jpg")
    shutil.copy(MEDIA / "gray-854x480-24fps-3s.mp4", base / "clip.mp4")
    (base / "mirror").mkdir()
    shutil.copy(MEDIA / "ok-640x480.jpg", base / "mirror" / "a.jpg")
    return base


@pytest.mark.parametrize("model", MODELS)
def test_the_shortcut_gives_what_the_general_path_gives(model: str, project: Path):
    from vidlint.run import AssetOptions

    meta = load_profile(model).meta
    plan = derived(meta, AssetPlan)
    maps = [("https://cdn.example.com/refs/", project / "mirror"), ("s3://bucket/", project)]
    taken = []

    @SETTINGS
    @given(requests(model), st.booleans())
    def check(request: dict[str, Any], mapped: bool) -> None:
        options = AssetOptions(asset_maps=maps if mapped else [], no_cache=True)
        fast = check_assets(request, meta, project, options)
        remote_alone = plan.remote_alone
        plan.remote_alone = False  # every reference through its context and run_stage, as before the shortcut
        try:
            general = check_assets(request, meta, project, options)
        finally:
            plan.remote_alone = remote_alone
        assert _shown(fast) == _shown(general), request
        taken.append(sum(d.code == "VL502" for d in fast[0]))

    check()
    assert sum(taken) > 0  # remote references were met (and, for all but wan3.0, given the shortcut)


class _Recording:
    """An --online session that fetched nothing: it records what it is asked to probe."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def probe_all(self, uris: Any) -> dict[str, Any]:
        self.asked += uris
        return {}


@pytest.mark.parametrize("model", MODELS)
def test_online_is_asked_for_the_remote_references_of_the_one_pass(model: str, project: Path):
    """The --online pre-pass (``iter_asset_refs``) hands ``probe_all`` the references the check's
    one pass over the patterns resolves as remote, in order; a session that fetched nothing leaves
    the findings and facts those of a run without one."""
    from vidlint.run import AssetOptions

    meta = load_profile(model).meta
    maps = [("https://cdn.example.com/refs/", project / "mirror")]

    @SETTINGS
    @given(requests(model), st.booleans())
    def check(request: dict[str, Any], mapped: bool) -> None:
        session = _Recording()
        online = check_assets(request, meta, project, AssetOptions(asset_maps=maps if mapped else [], no_cache=True,
                                                                   session=session))
        offline = check_assets(request, meta, project, AssetOptions(asset_maps=maps if mapped else [], no_cache=True))
        assert _shown(online) == _shown(offline)
        remote = [value for pattern in derived(meta, AssetPlan).patterns
                  for _, value in match_pattern(request, pattern.pattern)
                  if isinstance(value, str) and value.strip()
                  and resolve(value, project, maps if mapped else []).how == "remote"]
        assert session.asked == remote

    check()


def test_vl502_through_lint(tmp_path: Path):
    """The shortcut's findings, placed and reported (``--ignore VL502``: tests/test_config.py)."""
    request = {"model": "wan2.7-reference-video", "prompt": "Image 1 and Video 1 walk",
               "image_urls": ["https://cdn.example.com/a.jpg"], "video_urls": ["http://cdn.example.com/b.mp4"]}
    text = json.dumps(request, indent=2).encode()
    found = lint_bytes("r.json", text, False, tmp_path).diagnostics
    assert [(d.code, d.pointer, d.line, d.message) for d in found] == [
        ("VL502", "/image_urls/0", 5, "https://cdn.example.com/a.jpg: remote image (https uri) was not fetched, "
                                      "so its format, size and dimensions were not verified"),
        ("VL502", "/video_urls/0", 8, "http://cdn.example.com/b.mp4: remote video (http uri) was not fetched, "
                                      "so its format, size, dimensions and duration were not verified")]
    assert {d.hint for d in found} == {"map it to a local copy with --asset-map URI_PREFIX=DIR, "
                                       "or verify it online with --online"}
    assert {(d.severity.label, d.code) for d in found} == {("info", remote_asset_not_verified.code)}


# --- the estimate kept per model, duration and quality ---------------------------------------------

ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(-5, 40), st.sampled_from([0.0, -0.0, 5.0, 2.5, -1.0]),
                     st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["720p", "1080p", "480p", "4k"]),
                     st.text(max_size=4), st.lists(st.integers(), max_size=2))


def test_a_kept_estimate_is_the_estimate_worked_out_again():
    models = [name for name in known_models() if "billing" in load_profile(name).meta]

    @settings(max_examples=400 * SCALE, deadline=None)
    @given(st.sampled_from(models), ANYTHING, ANYTHING,
           st.one_of(st.none(), st.sampled_from([0.0, -0.0, 0, 3.5, 3, float("nan")]), st.floats()), st.booleans())
    def check(model: str, duration: Any, quality: Any, seconds: Any, complete: bool) -> None:
        meta = load_profile(model).meta
        request = {key: value for key, value in (("duration", duration), ("quality", quality)) if value is not None}
        billing = derived(meta, Billing)
        expected = _estimate(billing, request.get("duration", billing.duration),
                             request.get("quality", billing.quality), seconds, None, complete)
        for _ in range(2):  # worked out, then kept
            assert repr(estimate(request, meta, seconds, complete=complete)) == repr(expected)

    check()


def test_every_request_gets_its_own_estimate():
    meta = load_profile("wan2.7-reference-video").meta
    first = estimate({"duration": 5}, meta, 0.0)
    first["usd"] = -1
    assert estimate({"duration": 5}, meta, 0.0)["usd"] != -1


@pytest.mark.parametrize("model", ["wan2.7-reference-video", "wan2.7-video-edit", "wan3.0-reference-video"])
def test_inputs_that_are_equal_but_print_apart_get_their_own_estimates(model: str):
    meta = load_profile(model).meta
    billing = derived(meta, Billing)
    for duration in (1, 1.0, True, 0, 0.0, -0.0, False):
        for seconds in (0, 0.0, -0.0, None, 2, 2.0):
            for complete in (True, False):
                request = {"duration": duration, "quality": "720p"}
                got = estimate(request, meta, seconds, complete=complete)
                assert repr(got) == repr(_estimate(billing, duration, "720p", seconds, None, complete)), \
                    (duration, seconds, complete)
