"""The four wan2.7 schemas stand on their own (check-jsonschema, a real run, resolves their
relative $refs into the shared defs file), agree with the profile data the rules read, and
the shared parts are written once."""

from __future__ import annotations

import itertools
import json
import shutil

import pytest

from conftest import SCHEMAS, check_jsonschema, write_request

MODELS = ["wan2.7-image-to-video", "wan2.7-reference-video", "wan2.7-text-to-video", "wan2.7-video-edit"]
DEFS = "_wan2.7-defs.json"


VALID = {
    "wan2.7-text-to-video": [
        {"model": "wan2.7-text-to-video", "prompt": "A small kitten running under the moonlight",
         "aspect_ratio": "16:9", "duration": 5},
        {"model": "wan2.7-text-to-video", "prompt": "A kitten recites a poem",
         "audio_urls": ["https://example.com/recital.mp3"], "duration": 10},
    ],
    "wan2.7-image-to-video": [
        {"model": "wan2.7-image-to-video", "generation_mode": "first_frame", "image_start": "https://e.com/f.jpg",
         "audio_urls": ["https://e.com/rap.mp3"]},
        {"model": "wan2.7-image-to-video", "generation_mode": "first_last_frame", "image_start": "https://e.com/f.png",
         "image_end": "https://e.com/l.png"},
        {"model": "wan2.7-image-to-video", "video_urls": ["https://e.com/clip.mp4"], "image_end": "https://e.com/l.png",
         "duration": 15},
    ],
    "wan2.7-video-edit": [
        {"model": "wan2.7-video-edit", "prompt": "Clay look", "video_urls": ["https://e.com/s.mp4"]},
        {"model": "wan2.7-video-edit", "prompt": "Her clothes from the reference", "video_urls": ["https://e.com/s.mp4"],
         "image_urls": ["https://e.com/c.png"], "keep_original_sound": True, "duration": 2},
    ],
    "wan2.7-reference-video": [
        {"model": "wan2.7-reference-video", "prompt": "Video 1 dances", "video_urls": ["https://e.com/r.mp4"]},
    ],
}

INVALID = {
    "wan2.7-text-to-video": [
        {"model": "wan2.7-text-to-video"},                                                     # prompt required
        {"model": "wan2.7-text-to-video", "prompt": "x", "image_urls": ["https://e.com/a.jpg"]},  # no image input
        {"model": "wan2.7-text-to-video", "prompt": "x", "audio_urls": ["a.mp3", "b.mp3"]},     # one track
        {"model": "wan2.7-text-to-video", "prompt": "x", "duration": 16},
        {"model": "wan2.7-text-to-video", "prompt": "x", "callback_url": "http://e.com/cb"},     # shared def
        {"model": "wan2.7-text-to-video", "prompt": "x" * 5001},                               # maxLength (shared)
    ],
    "wan2.7-image-to-video": [
        {"model": "wan2.7-image-to-video"},                                                    # no input
        {"model": "wan2.7-image-to-video", "image_start": "f.jpg", "video_urls": ["c.mp4"]},
        {"model": "wan2.7-image-to-video", "generation_mode": "first_frame", "image_start": "f.jpg", "image_end": "l.jpg"},
        {"model": "wan2.7-image-to-video", "image_start": "f.jpg", "aspect_ratio": "16:9"},
        {"model": "wan2.7-image-to-video", "video_urls": ["a.mp4", "b.mp4"]},
    ],
    "wan2.7-video-edit": [
        {"model": "wan2.7-video-edit", "prompt": "x"},                                         # video required
        {"model": "wan2.7-video-edit", "video_urls": ["s.mp4"], "duration": 1},
        {"model": "wan2.7-video-edit", "video_urls": ["s.mp4"], "duration": 11},
        {"model": "wan2.7-video-edit", "video_urls": ["s.mp4"], "image_urls": ["1", "2", "3", "4", "5"]},
        {"model": "wan2.7-video-edit", "video_urls": ["s.mp4"], "keep_original_sound": "yes"},
    ],
    "wan2.7-reference-video": [
        {"model": "wan2.7-reference-video", "prompt": "x", "image_start": "f.jpg"},             # no reference
        {"model": "wan2.7-reference-video", "prompt": "x", "image_urls": ["a"], "seed": 0},      # shared def
    ],
}


@pytest.mark.parametrize("model", MODELS)
def test_check_jsonschema_accepts_valid_requests(tmp_path, model):
    files = [write_request(tmp_path / f"ok{i}.json", body) for i, body in enumerate(VALID[model])]
    result = check_jsonschema(SCHEMAS / f"{model}.json", *files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS)
def test_check_jsonschema_rejects_each_schema_level_violation(tmp_path, model):
    for i, body in enumerate(INVALID[model]):
        path = write_request(tmp_path / f"bad{i}.json", body)
        result = check_jsonschema(SCHEMAS / f"{model}.json", path)
        assert result.returncode == 1, (body, result.stdout + result.stderr)
        assert "Schema validation errors" in result.stdout


def test_relative_refs_resolve_from_the_schema_file_not_the_working_directory(tmp_path):
    path = write_request(tmp_path / "r.json", {"model": "wan2.7-text-to-video", "prompt": "x",
                                               "callback_url": "http://e.com/cb"})
    result = check_jsonschema(SCHEMAS / "wan2.7-text-to-video.json", path, cwd=tmp_path)
    assert result.returncode == 1 and "does not match" in result.stdout  # the pattern lives in the defs file


def test_a_schema_without_its_defs_file_fails_loudly(tmp_path):
    shutil.copy(SCHEMAS / "wan2.7-text-to-video.json", tmp_path / "wan2.7-text-to-video.json")
    path = write_request(tmp_path / "r.json", {"model": "wan2.7-text-to-video", "prompt": "x"})
    result = check_jsonschema(tmp_path / "wan2.7-text-to-video.json", path)
    assert result.returncode != 0  # the shared parts really come from the defs file
    shutil.copy(SCHEMAS / DEFS, tmp_path / DEFS)
    assert check_jsonschema(tmp_path / "wan2.7-text-to-video.json", path).returncode == 0


def test_shared_parts_are_written_once():
    for model in MODELS:
        text = (SCHEMAS / f"{model}.json").read_text()
        assert '"maxLength": 5000' not in text and "[Hh][Tt][Tt][Pp][Ss]" not in text, model
        assert '"formats": ["jpeg"' not in text and "2147483647" not in text, model
        schema = json.loads(text)
        for field in ("prompt", "negative_prompt", "seed", "prompt_extend", "callback_url", "quality"):
            assert schema["properties"][field]["$ref"] == f"{DEFS}#/$defs/{field}", (model, field)


def test_every_model_is_known_and_the_defs_file_is_not():
    from vidlint.models import known_models

    shipped = sorted(p.stem for p in SCHEMAS.glob("*.json") if not p.name.startswith("_"))
    assert list(known_models()) == shipped and set(MODELS) <= set(shipped)  # other families ship too


def _has_ref(node):
    if isinstance(node, dict):
        return "$ref" in node or any(_has_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_ref(v) for v in node)
    return False


@pytest.mark.parametrize("model", MODELS)
def test_profiles_expand_to_plain_data(model):
    from vidlint.models import load_profile

    meta = load_profile(model).meta
    assert not _has_ref(meta)
    assert meta["model"] == model and meta["family"] == "wan2.7"
    assert meta["callback"] == {"field": "callback_url", "max_length": 2048}
    assert meta["billing"]["usd_per_second"] == {"720p": 0.086, "1080p": 0.144} and meta["billing"]["as_of"]
    for kind in set(meta["assets"].values()):
        assert meta["media"][kind]["formats"] and meta["media"][kind]["max_mb"], (model, kind)


MEDIA = {
    "wan2.7-reference-video": {"video": [1, 30], "audio": [1, 10]},
    "wan2.7-text-to-video": {"audio": [2, 30]},
    "wan2.7-image-to-video": {"video": [2, 10], "audio": [2, 30]},
    "wan2.7-video-edit": {"video": [2, 10]},
}
ASSETS = {
    "wan2.7-reference-video": {"/image_start": "image", "/image_urls/*": "image", "/video_urls/*": "video",
                               "/audio_urls/*": "audio", "/model_params/voice_bindings/*": "audio"},
    "wan2.7-text-to-video": {"/audio_urls/*": "audio"},
    "wan2.7-image-to-video": {"/image_start": "image", "/image_end": "image", "/video_urls/*": "video",
                              "/audio_urls/*": "audio"},
    "wan2.7-video-edit": {"/video_urls/*": "video", "/image_urls/*": "image"},
}


@pytest.mark.parametrize("model", MODELS)
def test_media_limits_per_model(model):
    from vidlint.models import load_profile

    meta = load_profile(model).meta
    assert meta["assets"] == ASSETS[model]
    for kind, duration in MEDIA[model].items():
        assert meta["media"][kind]["duration"] == duration
    if "image" in meta["media"]:
        assert meta["media"]["image"] == {"formats": ["jpeg", "png", "bmp", "webp"], "width": [240, 8000],
                                          "height": [240, 8000], "aspect": [0.125, 8], "max_mb": 20,
                                          "transparency": False}
    if "video" in meta["media"]:
        assert meta["media"]["video"]["width"] == [240, 4096] and meta["media"]["video"]["max_mb"] == 100
    if "audio" in meta["media"]:
        assert meta["media"]["audio"]["formats"] == ["wav", "mp3"] and meta["media"]["audio"]["max_mb"] == 15


def test_image_to_video_combinations_in_schema_and_profile_agree():
    """Every subset of the four inputs, with and without each mode: the schema accepts exactly
    what the profile data (which the messages are written from) calls valid."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from vidlint.models import load_profile

    profile = load_profile("wan2.7-image-to-video")
    spec = profile.meta["generation_modes"]
    registry = Registry(retrieve=lambda uri: Resource.from_contents(
        json.loads((SCHEMAS / uri.rsplit("/", 1)[-1]).read_text()), default_specification=DRAFT202012))
    validator = Draft202012Validator(json.loads((SCHEMAS / "wan2.7-image-to-video.json").read_text()), registry=registry)
    values = {"image_start": "f.jpg", "image_end": "l.jpg", "audio_urls": ["a.mp3"], "video_urls": ["c.mp4"]}
    valid_sets = {mode: [set(c) for c in combos] for mode, combos in spec["modes"].items()}
    accepted = 0
    for size in range(len(values) + 1):
        for subset in itertools.combinations(values, size):
            for mode in [None, *spec["modes"]]:
                body = {"model": "wan2.7-image-to-video", "duration": 15, **{k: values[k] for k in subset}}
                if mode:
                    body["generation_mode"] = mode
                modes = [mode] if mode else list(valid_sets)
                expected = any(set(subset) in valid_sets[m] for m in modes)
                assert validator.is_valid(body) == expected, (subset, mode)
                accepted += expected
    assert accepted == 12  # six combinations, each without a mode and with its own mode


def test_aspect_ratio_defaults():
    from vidlint.models import load_profile

    edit = load_profile("wan2.7-video-edit")
    assert "default" not in edit.schema["properties"]["aspect_ratio"]
    assert "aspect_ratio" not in edit.meta["defaults"] and edit.meta["defaults"]["duration"] == 0
    assert load_profile("wan2.7-text-to-video").meta["defaults"]["aspect_ratio"] == "16:9"
    assert "aspect_ratio" not in load_profile("wan2.7-image-to-video").fields


FAMILY_CODES = ["VL205", "VL206", "VL220", "VL221", "VL222", "VL223", "VL224", "VL225", "VL226", "VL230",
                "VL320", "VL321", "VL322"]


@pytest.mark.parametrize("code", FAMILY_CODES)
def test_family_codes_are_documented(code):
    from vidlint.rules.registry import load_all_rules

    rule = load_all_rules()[code]
    assert rule.summary and "Fix" in rule.doc, code
    assert "Breaks it" in rule.doc, code


def test_annotation_codes_in_the_schemas_are_registered():
    from vidlint.rules.registry import load_all_rules

    rules = load_all_rules()
    found = set()

    def walk(node):
        if isinstance(node, dict):
            code = node.get("x-vidlint-code")
            found.update(code.values() if isinstance(code, dict) else [code] if code else [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in SCHEMAS.glob("*.json"):
        walk(json.loads(path.read_text()))
    assert found >= {"VL205", "VL206", "VL220", "VL221", "VL401", "VL402"}
    assert found <= set(rules), found - set(rules)
