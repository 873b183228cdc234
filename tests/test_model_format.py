"""The model format (docs/models.md): every x-vidlint key that no wan2.7 model uses yet, on
small test-only models in a folder of their own, linted through vidlint.api with real media."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vidlint.api import lint_bytes
from vidlint.models import load_profile, use_schema_dir

MEDIA = Path(__file__).resolve().parents[1] / "fixtures" / "media"
REPO = Path(__file__).resolve().parents[1]

# "properties" constrains only what is present (JSON Schema): a condition on a field says "required" too
ORIENTATION_IMAGE = {"required": ["model_params"], "properties": {"model_params": {
    "required": ["character_orientation"], "properties": {"character_orientation": {"const": "image"}}}}}

REF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["model"],
    "additionalProperties": False,
    "properties": {
        "model": {"const": "test-ref"},
        "prompt": {"type": "string"},
        "image_start": {"type": "string"},
        "image_end": {"type": "string"},
        "image_urls": {"type": "array", "items": {"type": "string"}},
        "video_urls": {"type": "array", "items": {"type": "string"}},
        "audio_urls": {"type": "array", "items": {"type": "string"}},
        "duration": {"type": "integer"},
        "aspect_ratio": {"enum": ["adaptive", "16:9"]},
        "model_params": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "file_url": {"type": "string"}, "link_url": {"type": "string"},
                "character_orientation": {"enum": ["image", "video"]},
                "element_list": {"type": "array"},
                "multi_prompt": {"type": "array", "maxItems": 6},
            },
            "allOf": [{"not": {"required": ["file_url", "link_url"]}}],
        },
    },
    "dependentRequired": {"image_end": ["image_start"]},
    "allOf": [{"if": {"required": ["video_urls"], "properties": {"video_urls": {"minItems": 1}}},
               "then": {"properties": {"duration": {"maximum": 10}}}}],
    "x-vidlint": {
        "model": "test-ref", "family": "testfam", "summary": "a test model",
        "defaults": {"duration": 5},
        "assets": {"/image_urls/*": "image", "/video_urls/*": "video", "/audio_urls/*": "audio"},
        "media": {
            "image": {"formats": ["jpeg", "png", "heic"]},
            "video": {"formats": ["mp4"], "fps": [9, 60], "video_codecs": ["h264"], "audio_codecs": ["aac", "mp3"],
                      "frame_pixels": [50000, 80000], "duration": [0.5, 30], "total_duration": 2.5},
            "audio": {"formats": ["wav", "mp3"], "audio_codecs": ["mp3"]},
        },
        "media_overrides": [
            {"at": "/video_urls/0", "when": {"required": ["aspect_ratio"], "properties": {"aspect_ratio": {"const": "adaptive"}}},
             "duration": [2.5, 30], "why": "the first video is the edit target"},
            {"at": "/video_urls/*", "when": ORIENTATION_IMAGE, "fps": [24, 60],
             "why": "with character_orientation image"},
        ],
        "counts": [
            {"sum": ["/image_urls", "/video_urls", "/audio_urls"], "max": 3, "label": "reference files"},
            {"sum": ["/image_urls", "/model_params/element_list"], "max": 2, "label": "images and elements",
             "when": {"required": ["video_urls"]}},
        ],
        "duration_budgets": [{"inputs": ["/video_urls/*"], "plus": "duration", "skip_values": [-1], "max": 5}],
        "body": {"max_bytes": 2000, "inline_data": False},
        "reference_tags": {
            "tags": [{"form": "@image{n}", "target": "/image_urls", "singular": "the reference image"},
                     {"form": "<<<element_{n}>>>", "target": "/model_params/element_list"}],
            "forbidden": [{"form": "Image {n}", "message": "this model reads @image1, not Image 1",
                           "hint": "write @image1"}],
        },
        "shot_lists": [{"at": "/model_params/multi_prompt", "duration_key": "duration", "total": "/duration"}],
        "traps": [{"when": {"required": ["prompt", "aspect_ratio"],
                            "properties": {"prompt": {"pattern": "(?i)\\bremove\\b"},
                                           "aspect_ratio": {"not": {"const": "adaptive"}}}},
                   "at": "/prompt", "message": "edit wording makes it an edit task, which fails later with a fixed "
                                               "aspect_ratio", "hint": "use test-edit, or aspect_ratio adaptive"}],
        "siblings": [{"when": {"not": {"anyOf": [{"required": ["image_urls"]}, {"required": ["video_urls"]},
                                                 {"required": ["audio_urls"]}]}},
                      "model": "test-t2v", "why": "a request without reference media"}],
        "billing": {"unpriced": "the docs give no price for test-ref", "bills_input_video": False},
    },
}
T2V_SCHEMA = {"type": "object", "required": ["model", "prompt"],
              "properties": {"model": {"const": "test-t2v"}, "prompt": {"type": "string"}},
              "x-vidlint": {"model": "test-t2v", "family": "testfam", "summary": "text only"}}


@pytest.fixture
def models(tmp_path: Path) -> Path:
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "test-ref.json").write_text(json.dumps(REF_SCHEMA), encoding="utf-8")
    (folder / "test-t2v.json").write_text(json.dumps(T2V_SCHEMA), encoding="utf-8")
    for name in ("ok.mp4", "hevc-aac-30fps.mp4", "h264-opus-24fps.mp4", "small-res.mp4", "ok.heic", "ok.wav",
                 "ok.jpg"):
        shutil.copy(MEDIA / name, tmp_path / name)
    with use_schema_dir(folder):
        yield tmp_path


def lint(folder: Path, **fields: Any) -> list[tuple[str, str, str]]:
    """(code, pointer-free location, message) of every finding but the local-file infos."""
    body = json.dumps({"model": "test-ref", **fields}).encode()
    result = lint_bytes("request.json", body, False, folder)
    return [(d.code, d.message, d.hint or "") for d in result.diagnostics if d.code not in ("VL501", "VL502")]


def codes(found: list[tuple[str, str, str]]) -> list[str]:
    return [code for code, _, _ in found]


# --- media: fps, codecs, frame pixels, totals, overrides, HEIC ----------------------------------


def test_a_video_within_every_media_limit_passes(models: Path) -> None:
    assert lint(models, video_urls=["ok.mp4"], duration=3) == []


def test_video_codec_and_audio_track_codec(models: Path) -> None:
    found = lint(models, video_urls=["hevc-aac-30fps.mp4"], duration=3)
    assert codes(found) == ["VL615"] and "video codec is hevc; accepted: h264" in found[0][1]
    found = lint(models, video_urls=["h264-opus-24fps.mp4"], duration=3)
    assert codes(found) == ["VL616"] and "the audio track's codec is opus; accepted: aac, mp3" in found[0][1]


def test_audio_file_codec(models: Path) -> None:
    found = lint(models, audio_urls=["ok.wav"])
    assert codes(found) == ["VL616"] and "audio codec is pcm; accepted: mp3" in found[0][1]


def test_frame_pixels(models: Path) -> None:
    found = lint(models, video_urls=["small-res.mp4"], duration=3)
    assert codes(found) == ["VL617"]
    assert "160x120 = 19,200 pixels; the limit is 50,000..80,000 pixels" in found[0][1]


def test_total_duration_of_a_kind(models: Path) -> None:
    found = lint(models, video_urls=["ok.mp4", "h264-opus-24fps.mp4"], duration=1)
    assert "VL613" in codes(found)
    message = next(m for c, m, _ in found if c == "VL613")
    assert "add up to 3.0 s with this one; together at most 2.5 s" in message


def test_media_override_per_role_with_a_condition_and_its_reason(models: Path) -> None:
    found = lint(models, video_urls=["ok.mp4"], duration=3, aspect_ratio="adaptive")
    assert codes(found) == ["VL606"]
    assert "the limit is 2.5..30 s (the first video is the edit target)" in found[0][1]
    assert lint(models, video_urls=["ok.mp4"], duration=3, aspect_ratio="16:9") == []


def test_media_override_conditional_on_a_field_fps(models: Path) -> None:
    found = lint(models, video_urls=["ok.mp4"], duration=3, model_params={"character_orientation": "image"})
    assert codes(found) == ["VL614"]
    assert "video frame rate is 10 fps; the limit is 24..60 fps (with character_orientation image)" in found[0][1]
    assert lint(models, video_urls=["ok.mp4"], duration=3, model_params={"character_orientation": "video"}) == []


def test_heic_images_are_probed_and_judged_by_format(models: Path) -> None:
    assert lint(models, image_urls=["ok.heic"]) == []
    REF_SCHEMA["x-vidlint"]["media"]["image"]["formats"] = ["jpeg"]
    try:
        (models / "schemas" / "test-ref.json").write_text(json.dumps(REF_SCHEMA), encoding="utf-8")
        with use_schema_dir(models / "schemas"):
            found = lint(models, image_urls=["ok.heic"])
    finally:
        REF_SCHEMA["x-vidlint"]["media"]["image"]["formats"] = ["jpeg", "png", "heic"]
    assert codes(found) == ["VL601"] and "image format is heic" in found[0][1]


def test_input_plus_output_duration(models: Path) -> None:
    found = lint(models, video_urls=["ok.mp4"], duration=4)
    assert codes(found) == ["VL233"]
    assert "the inputs are 2 s and duration is 4 s: 6 s in all; at most 5 s" in found[0][1]
    assert found[0][2] == "set duration to at most 3"
    assert lint(models, video_urls=["ok.mp4"], duration=-1) == []  # automatic duration: not added


# --- counts, body, inline data ------------------------------------------------------------------

U = "https://cdn.example.com/"


def test_counts_across_fields_and_conditional_counts(models: Path) -> None:
    found = lint(models, image_urls=[U + "a.jpg", U + "b.jpg"], audio_urls=[U + "a.mp3", U + "b.mp3"])
    assert codes(found) == ["VL202"]
    assert found[0][1] == "4 reference files (2 in image_urls + 0 in video_urls + 2 in audio_urls); together at most 3 are allowed"
    found = lint(models, image_urls=[U + "a.jpg", U + "b.jpg"], video_urls=[U + "v.mp4"],
                 model_params={"element_list": [{"element_id": "e1"}]}, duration=3)
    assert codes(found) == ["VL202"]
    assert found[0][1].endswith("together at most 2 are allowed when video_urls is given")
    assert "VL202" not in codes(lint(models, image_urls=[U + "a.jpg", U + "b.jpg"],
                                     model_params={"element_list": [{"element_id": "e1"}]}))


def test_body_size_and_inline_data(models: Path) -> None:
    found = lint(models, image_urls=[U + "a.jpg"], prompt="@image1 " + "x" * 2100)
    assert codes(found) == ["VL240"] and "the limit is 2,000 bytes" in found[0][1]
    found = lint(models, image_urls=["data:image/png;base64,iVBORw0KGgo="], prompt="@image1 waves")
    assert "VL241" in codes(found)
    assert "image_urls.0 holds a data: URI; this model takes media only by URL" in dict(
        (c, m) for c, m, _ in found)["VL241"]


# --- the reference-tag grammar -------------------------------------------------------------------


def test_tags_out_of_range_and_tags_that_point_into_model_params(models: Path) -> None:
    found = lint(models, image_urls=[U + "a.jpg", U + "b.jpg"], prompt="@image3 hugs @image1 and <<<element_1>>>")
    assert codes(found) == ["VL310", "VL310"]
    assert 'refers to "@image3", but image_urls has 2 entries' in found[0][1]
    assert 'refers to "<<<element_1>>>", but model_params.element_list is empty' in found[1][1]
    assert lint(models, image_urls=[U + "a.jpg"], prompt="@image1 and <<<element_1>>>",
                model_params={"element_list": [{"element_id": "e"}]}) == []


def test_tag_numbering_starts_at_the_base(models: Path) -> None:
    found = lint(models, image_urls=[U + "a.jpg"], prompt="@image0 waves")
    assert codes(found) == ["VL310"] and 'references count from 1: "@image1" is image_urls[0]' in found[0][1]


def test_near_misses_of_a_tag_form(models: Path) -> None:
    found = lint(models, image_urls=[U + "a.jpg", U + "b.jpg"], prompt="@Image1 and image 2 and <<element_1>>",
                 model_params={"element_list": [{"element_id": "e"}]})
    assert [(c, m) for c, m, _ in found if c != "VL313"] == [
        ("VL311", '"@Image1" is not read as a reference; the model reads "@image1"'),
        ("VL311", '"image 2" is not read as a reference; the model reads "@image2"'),
        ("VL311", '"<<element_1>>" is not read as a reference; the model reads "<<<element_1>>>"'),
    ]


def test_forbidden_foreign_syntax(models: Path) -> None:
    found = lint(models, image_urls=[U + "a.jpg"], prompt="Image 1 walks in")
    assert found == [("VL314", '"Image 1": this model reads @image1, not Image 1', "write @image1")]


def test_singular_phrase_and_unnamed_references(models: Path) -> None:
    found = lint(models, image_urls=[U + "a.jpg", U + "b.jpg"], prompt="the reference image smiles")
    assert sorted(codes(found)) == ["VL312", "VL313"]
    assert dict((c, h) for c, _, h in found)["VL313"] == "refer to them as @image1.. / <<<element_1>>>.."


# --- shot lists, traps, siblings ----------------------------------------------------------------


def test_structured_shot_list_must_add_up_to_duration(models: Path) -> None:
    shots = [{"index": 1, "prompt": "a", "duration": "3"}, {"index": 2, "prompt": "b", "duration": "3"}]
    found = lint(models, prompt="x", audio_urls=[U + "a.mp3"], duration=5, model_params={"multi_prompt": shots})
    assert codes(found) == ["VL323"]
    assert found[0][1] == "the shots last 3 + 3 = 6 s, but duration is 5 s; they must add up to it"
    assert lint(models, prompt="x", audio_urls=[U + "a.mp3"], duration=6, model_params={"multi_prompt": shots}) == []
    found = lint(models, prompt="x", audio_urls=[U + "a.mp3"], model_params={"multi_prompt": shots[:1]})
    assert codes(found) == ["VL323"] and "duration is 5 s (the default)" in found[0][1]


def test_documented_trap(models: Path) -> None:
    found = lint(models, audio_urls=[U + "a.mp3"], prompt="remove the hat", aspect_ratio="16:9")
    assert [(c, h) for c, _, h in found] == [("VL232", "use test-edit, or aspect_ratio adaptive")]
    assert lint(models, audio_urls=[U + "a.mp3"], prompt="remove the hat", aspect_ratio="adaptive") == []


def test_sibling_hint(models: Path) -> None:
    found = lint(models, prompt="a cat")
    assert ("VL231", "a request without reference media: the docs send this request to test-t2v",
            'set "model": "test-t2v"') in found


# --- conditionals the schema expresses get good generic messages -------------------------------


def test_dependent_required_mutual_exclusion_and_conditional_range(models: Path) -> None:
    found = lint(models, image_end=U + "b.jpg", audio_urls=[U + "a.mp3"])
    assert ("VL207", "image_end needs image_start, which the request does not have",
            "add image_start, or remove image_end") in found
    found = lint(models, audio_urls=[U + "a.mp3"], model_params={"file_url": U + "f.pdf", "link_url": U})
    assert ("VL208", "file_url and link_url cannot be given together", "keep only one of file_url, link_url") in found
    found = lint(models, video_urls=[U + "v.mp4"], duration=12)
    assert ("VL104", "duration is 12; the limit is at most 10 when video_urls is given", "") in found


# --- billing without a documented price; conditions that cannot be evaluated --------------------


def test_unpriced_model_says_so_and_never_invents_a_number(models: Path) -> None:
    from vidlint.check.estimate import format_estimate

    result = lint_bytes("r.json", json.dumps({"model": "test-ref", "prompt": "x", "audio_urls": [U + "a.mp3"],
                                             "duration": 4}).encode(), False, models)
    (estimate,) = result.estimates
    assert estimate["usd"] is None and estimate["unpriced"] == "the docs give no price for test-ref"
    assert format_estimate(estimate) == "cannot be priced (4 billed s; the docs give no price for test-ref)"


def test_a_condition_keyword_the_evaluator_does_not_know_is_refused(models: Path) -> None:
    broken = json.loads(json.dumps(REF_SCHEMA))
    broken["x-vidlint"]["traps"][0]["when"] = {"dependentSchemas": {}}
    (models / "schemas" / "test-ref.json").write_text(json.dumps(broken), encoding="utf-8")
    with use_schema_dir(models / "schemas"), pytest.raises(ValueError, match="/traps/0/when/dependentSchemas"):
        load_profile("test-ref")


def test_conditions_agree_with_jsonschema() -> None:
    import jsonschema

    from vidlint.conditions import holds

    condition = {"required": ["a"], "properties": {"a": {"enum": [1, "x"]}, "b": {"not": {"const": True},
                                                                               "minLength": 2, "pattern": "^h"},
                                                   "c": {"type": "array", "minItems": 1, "maxItems": 2}},
                 "anyOf": [{"required": ["b"]}, {"required": ["c"]}]}
    samples = [{}, {"a": 1}, {"a": 1, "b": "hi"}, {"a": True, "b": "hi"}, {"a": "x", "b": "h"}, {"a": 1, "c": []},
               {"a": 1, "c": [1]}, {"a": 1, "c": [1, 2, 3]}, {"a": 1, "b": True}, {"a": 1.0, "b": "hello"}]
    for sample in samples:
        assert holds(condition, sample) == jsonschema.Draft202012Validator(condition).is_valid(sample), sample


# --- the rule registry ----------------------------------------------------------------------------


def test_rules_show_which_models_use_them_with_their_numbers(models: Path) -> None:
    from vidlint.rules.docs import model_values, models_using
    from vidlint.rules.registry import load_all_rules

    rules = load_all_rules()
    assert models_using(rules["VL614"]) == ["test-ref"]
    assert model_values(rules["VL614"]) == [("test-ref", "video: [9, 60]; override /video_urls/*: [24, 60]")]
    assert models_using(rules["VL101"]) == ["test-ref", "test-t2v"]


def test_codes_and_severities_live_only_in_rule_modules() -> None:
    """`git grep -E '"VL[0-9]{3}"' src/` finds codes only in src/vidlint/rules/."""
    found = subprocess.run(["git", "grep", "-nE", '"VL[0-9]{3}"', "--", "src/"], cwd=REPO, capture_output=True,
                           text=True, check=False)
    if found.returncode not in (0, 1):
        pytest.skip("not a git checkout")
    outside = [line for line in found.stdout.splitlines() if not line.startswith("src/vidlint/rules/")]
    assert outside == []


def test_every_rule_is_declared_once_with_a_stage_and_documentation() -> None:
    from vidlint.rules.registry import STAGES, load_all_rules

    for code, declared in load_all_rules().items():
        assert declared.code == code and declared.stage in STAGES, code
        assert declared.summary, code
        assert declared.func.__module__.startswith("vidlint.rules."), (code, declared.func.__module__)
        assert declared.func.__module__ != "vidlint.rules.registry"
    assert sys.modules["vidlint.rules.registry"]


def test_the_fast_validator_covers_dependent_required(models: Path) -> None:
    """A schema with dependentRequired keeps the fast path, and it agrees with jsonschema."""
    from vidlint.check.fast_schema import fast_validator
    from vidlint.check.schema import _validator

    profile = load_profile("test-ref")
    fast = fast_validator(profile)
    assert fast is not None
    for sample in ({"model": "test-ref"}, {"model": "test-ref", "image_end": "b"},
                   {"model": "test-ref", "image_end": "b", "image_start": "a"},
                   {"model": "test-ref", "model_params": {"file_url": "f", "link_url": "l"}}):
        assert fast(sample) == _validator(profile).is_valid(sample), sample


def test_one_function_signature_per_stage() -> None:
    import inspect

    from vidlint.rules.registry import load_all_rules

    arity = {"file": 0, "cost": 0, "online": 0, "meta": 0, "schema": 2, "request": 1, "facts": 1, "asset": 1,
             "media": 1}
    for code, declared in load_all_rules().items():
        assert len(inspect.signature(declared.func).parameters) == arity[declared.stage], code


def test_every_generation_modes_table_agrees_with_its_schema() -> None:
    """A model's combination table (x-vidlint generation_modes) and the schema's anyOf that
    enforces it (VL220) say the same: every listed combination passes, every other fails."""
    from itertools import combinations

    from vidlint.check.pipeline import check_request
    from vidlint.models import known_models

    checked = 0
    for name in known_models():
        profile = load_profile(name)
        spec = profile.meta.get("generation_modes")
        if not spec:
            continue
        props = profile.schema.get("properties", {})

        def value(field: str) -> Any:
            node = props.get(field, {})
            kind = node.get("type") if isinstance(node, dict) else None
            return [f"https://cdn.example.com/{field}.mp4"] if kind == "array" or field.endswith("_urls") \
                else f"https://cdn.example.com/{field}.jpg"

        listed = {frozenset(combo) for combos in spec["modes"].values() for combo in combos}
        for size in range(len(spec["inputs"]) + 1):
            for combo in combinations(spec["inputs"], size):
                request = {"model": name, "prompt": "x", "duration": 10, **{f: value(f) for f in combo}}
                found = {d.code for d in check_request(request, None).diagnostics}
                assert ("VL220" in found) == (frozenset(combo) not in listed), (name, combo, found)
                checked += 1
    assert checked >= 16


def test_new_probe_facts_come_from_online_probing_and_survive_both_caches(tmp_path: Path) -> None:
    """fps, video codec and the audio track's codec over --online (range requests on 127.0.0.1),
    through the remote cache, and through the local probe cache."""
    from media_server import MediaServer

    from vidlint.probe.cache import ProbeCache
    from vidlint.check.online import probe_remote
    from vidlint.remote import FetchOptions, GuardPolicy, RemoteOptions

    fetch = FetchOptions(policy=GuardPolicy(allow_private=True), timeout=2, retries=1, backoff=0.01)
    options = RemoteOptions(fetch=fetch, cache_dir=tmp_path / "remote-cache")
    with MediaServer() as server:
        server.add("clip.mp4", MEDIA / "hevc-aac-30fps.mp4")
        server.add("still.heic", MEDIA / "ok.heic")
        for _ in range(2):  # the second answer comes from the remote cache
            probe, problems, _ = probe_remote(server.url("range", "clip.mp4"), options)
            assert problems == [] and (probe.kind, probe.codec, probe.fps, probe.audio_codec) == ("video", "hevc", 30.0, "aac")
        probe, problems, _ = probe_remote(server.url("range", "still.heic"), options)
        assert problems == [] and (probe.kind, probe.format, probe.width, probe.height) == ("image", "heic", 320, 240)
    local = tmp_path / "clip.mp4"
    shutil.copy(MEDIA / "h264-opus-24fps.mp4", local)
    from vidlint.probe import STATS

    STATS.reset()
    for _ in range(2):  # the second probe comes from the probe cache on disk (a new cache object)
        cache = ProbeCache(directory=tmp_path / "probe-cache")
        probe = cache.probe(str(local))
        cache.flush()
        assert (probe.codec, probe.fps, probe.audio_codec) == ("h264", 24.0, "opus")
    assert STATS.to_json() == {"performed": 1, "cached": 1}


def test_uploads_name_heic_and_heif_by_their_bytes() -> None:
    from vidlint.core.mediatypes import sniff_mime

    assert sniff_mime((MEDIA / "ok.heic").read_bytes()[:16]) == "image/heic"
    assert sniff_mime((MEDIA / "ok.mp4").read_bytes()[:16]) == "video/mp4"


def test_every_media_limit_key_of_every_model_is_read_by_a_rule():
    """A limit under a key no rule reads is silently unchecked (wan3.0 and seedance-2.5 once wrote
    their file sizes as ``max_bytes``, which nothing read): every key of ``media.<kind>`` and of a
    ``media_overrides`` entry must be one a media rule declares it reads."""
    from vidlint.models import known_models
    from vidlint.rules.registry import RULES, load_all_rules

    load_all_rules()
    read = {r.reads.split(".")[-1] for r in RULES.values() if r.reads and r.reads.startswith("media.*.")}
    read |= {"formats"}  # media.document.formats (VL509) besides media.*.formats
    unread = []
    for name in known_models():
        meta = load_profile(name).meta
        for kind, limits in (meta.get("media") or {}).items():
            unread += [f"{name}: media.{kind}.{key}" for key in limits if key not in read]
        for entry in meta.get("media_overrides") or []:
            unread += [f"{name}: media_overrides {entry.get('at')}: {key}" for key in entry
                       if key not in read | {"at", "when", "why"}]
    assert unread == []
