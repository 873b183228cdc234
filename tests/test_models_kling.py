"""The Kling family (O3, V3, V3 Turbo, motion control): for each model a clean request passes,
and each documented limit broken once fails with its code at its JSON pointer. Linted in
process through vidlint.api.lint_bytes (the JSON report's diagnostics); media limits with
the committed fixtures (fixtures/media/kling-*.mp4) and images made with Pillow."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest

from conftest import DROP, FIXTURES, SCHEMAS, check_jsonschema, request_builder

from vidlint.api import lint_bytes

MEDIA = FIXTURES / "media"
IMG = "https://cdn.example.com/first.jpg"
END = "https://cdn.example.com/last.jpg"
REF = [f"https://cdn.example.com/ref{i}.jpg" for i in range(8)]
VIDEO = "https://cdn.example.com/motion.mp4"


def elements(n: int) -> list[dict[str, str]]:
    return [{"element_id": str(100000 + i)} for i in range(n)]


def shots(*seconds: str) -> list[dict[str, object]]:
    return [{"index": i + 1, "prompt": f"shot {i + 1}", "duration": s} for i, s in enumerate(seconds)]


def customize(*seconds: str, **extra: object) -> dict[str, object]:
    return {"multi_shot": True, "shot_type": "customize", "multi_prompt": shots(*seconds), **extra}


@pytest.fixture(autouse=True)
def _own_probe_cache(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VIDLINT_CACHE_DIR", str(tmp_path / "cache"))


def lint(request: dict, base: Path | None = None) -> list[dict]:
    result = lint_bytes("r.json", json.dumps(request, ensure_ascii=False).encode(), False, base or MEDIA)
    return [d.to_json() for d in result.diagnostics]


def assert_case(bad: dict, code: str, pointer: str, good: dict, base: Path | None = None) -> None:
    found = lint(bad, base)
    assert any(d["code"] == code and d["pointer"] == pointer for d in found), found
    clean = lint(good, base)
    assert not [d for d in clean if d["severity"] in ("error", "warning")], clean


o3t = request_builder({"model": "kling-o3-text-to-video", "prompt": "A cat running on a grassy field"})
o3i = request_builder({"model": "kling-o3-image-to-video", "prompt": "The person slowly turns and smiles",
                       "image_start": IMG})
o3r = request_builder({"model": "kling-o3-reference-to-video", "prompt": "Keep the motion, make it snow in <<<video_1>>>",
                       "video_url": VIDEO})
o3e = request_builder({"model": "kling-o3-video-edit", "prompt": "Warm colour grade", "video_url": VIDEO})
v3t = request_builder({"model": "kling-v3-text-to-video", "prompt": "A serene lake"})
v3i = request_builder({"model": "kling-v3-image-to-video", "prompt": "Slowly turns", "image_start": IMG})
tt = request_builder({"model": "kling-v3-turbo-text-to-video", "prompt": "A golden retriever running"})
ti = request_builder({"model": "kling-v3-turbo-image-to-video", "image_start": IMG})
mc = request_builder({"model": "kling-v3-motion-control", "image_urls": [IMG], "video_urls": [VIDEO],
                      "model_params": {"character_orientation": "image"}})

# (id, breaking request, code, pointer, passing request)
O3_TEXT = [
    ("prompt-required", o3t(prompt=DROP), "VL101", "", o3t()),
    ("prompt-optional-with-customize", o3t(prompt=DROP, model_params={"multi_shot": True}), "VL101", "/model_params",
     o3t(prompt=DROP, model_params=customize("5"))),
    ("prompt-too-long", o3t(prompt="p" * 2501), "VL109", "/prompt", o3t(prompt="p" * 2500)),
    ("duration-low", o3t(duration=2), "VL104", "/duration", o3t(duration=3)),
    ("duration-high", o3t(duration=16), "VL104", "/duration", o3t(duration=15)),
    ("duration-string", o3t(duration="5"), "VL102", "/duration", o3t(duration=5)),
    ("aspect-enum", o3t(aspect_ratio="4:3"), "VL103", "/aspect_ratio", o3t(aspect_ratio="1:1")),
    ("quality-enum", o3t(quality="2k"), "VL103", "/quality", o3t(quality="4k")),
    ("sound-boolean-trap", o3t(sound=True), "VL103", "/sound", o3t(sound="on")),
    ("sound-enum", o3t(sound="yes"), "VL103", "/sound", o3t(sound="off")),
    ("shot-type-required", o3t(model_params={"multi_shot": True, "multi_prompt": shots("5")}), "VL101", "/model_params",
     o3t(prompt=DROP, model_params=customize("5"))),
    ("shot-type-enum", o3t(model_params={"multi_shot": True, "shot_type": "intelligence"}), "VL103",
     "/model_params/shot_type", o3t(prompt=DROP, model_params=customize("5"))),
    ("multi-prompt-required", o3t(prompt=DROP, model_params={"multi_shot": True, "shot_type": "customize"}), "VL101",
     "/model_params", o3t(prompt=DROP, model_params=customize("5"))),
    ("prompt-ignored-with-customize", o3t(model_params=customize("5")), "VL204", "/prompt",
     o3t(prompt=DROP, model_params=customize("5"))),
    ("shots-at-most-6", o3t(prompt=DROP, duration=7, model_params=customize(*["1"] * 7)), "VL108",
     "/model_params/multi_prompt", o3t(prompt=DROP, duration=6, model_params=customize(*["1"] * 6))),
    ("shots-sum-to-duration", o3t(prompt=DROP, duration=10, model_params=customize("5", "4")), "VL323",
     "/model_params/multi_prompt", o3t(prompt=DROP, duration=10, model_params=customize("5", "5"))),
    ("shots-sum-to-default-duration", o3t(prompt=DROP, model_params=customize("3", "3")), "VL323",
     "/model_params/multi_prompt", o3t(prompt=DROP, model_params=customize("3", "2"))),
    ("shot-at-least-1s", o3t(prompt=DROP, model_params=customize("0", "5")), "VL323",
     "/model_params/multi_prompt/0/duration", o3t(prompt=DROP, model_params=customize("1", "4"))),
    ("shot-duration-is-a-string", o3t(prompt=DROP, model_params={**customize(), "multi_prompt": [
        {"index": 1, "prompt": "a", "duration": 5}]}), "VL102", "/model_params/multi_prompt/0/duration",
     o3t(prompt=DROP, model_params=customize("5"))),
    ("shot-duration-digits", o3t(prompt=DROP, model_params={**customize(), "multi_prompt": [
        {"index": 1, "prompt": "a", "duration": "5s"}]}), "VL109", "/model_params/multi_prompt/0/duration",
     o3t(prompt=DROP, model_params=customize("5"))),
    ("shot-prompt-512", o3t(prompt=DROP, model_params={**customize(), "multi_prompt": [
        {"index": 1, "prompt": "s" * 513, "duration": "5"}]}), "VL109", "/model_params/multi_prompt/0/prompt",
     o3t(prompt=DROP, model_params={**customize(), "multi_prompt": [{"index": 1, "prompt": "s" * 512, "duration": "5"}]})),
    ("shot-needs-index", o3t(prompt=DROP, model_params={**customize(), "multi_prompt": [
        {"prompt": "a", "duration": "5"}]}), "VL101", "/model_params/multi_prompt/0",
     o3t(prompt=DROP, model_params=customize("5"))),
    ("shot-index-order", o3t(prompt=DROP, duration=5, model_params={**customize(), "multi_prompt": [
        {"index": 2, "prompt": "a", "duration": "2"}, {"index": 1, "prompt": "b", "duration": "3"}]}), "VL323",
     "/model_params/multi_prompt/0/index", o3t(prompt=DROP, duration=5, model_params=customize("2", "3"))),
    ("shot-index-gap", o3t(prompt=DROP, duration=5, model_params={**customize(), "multi_prompt": [
        {"index": 1, "prompt": "a", "duration": "2"}, {"index": 3, "prompt": "b", "duration": "3"}]}), "VL323",
     "/model_params/multi_prompt/1/index", o3t(prompt=DROP, duration=5, model_params=customize("2", "3"))),
    ("elements-at-most-7", o3t(prompt="<<<element_1>>> walks", model_params={"element_list": elements(8)}), "VL108",
     "/model_params/element_list", o3t(prompt="<<<element_1>>> walks", model_params={"element_list": elements(7)})),
    ("element-id-is-a-string", o3t(prompt="<<<element_1>>> walks", model_params={"element_list": [{"element_id": 123456}]}),
     "VL102", "/model_params/element_list/0/element_id",
     o3t(prompt="<<<element_1>>> walks", model_params={"element_list": [{"element_id": "123456"}]})),
    ("element-tag-out-of-range", o3t(prompt="<<<element_2>>> walks", model_params={"element_list": elements(1)}),
     "VL310", "/prompt", o3t(prompt="<<<element_1>>> walks", model_params={"element_list": elements(1)})),
    ("element-tag-spelling", o3t(prompt="<<<element1>>> walks", model_params={"element_list": elements(1)}),
     "VL311", "/prompt", o3t(prompt="<<<element_1>>> walks", model_params={"element_list": elements(1)})),
    ("no-image-tags", o3t(prompt="<<<image_1>>> walks"), "VL314", "/prompt", o3t(prompt="a dog walks")),
    ("no-seedance-tags", o3t(prompt="@image1 walks"), "VL314", "/prompt", o3t(prompt="a dog walks")),
    ("watermark-type", o3t(model_params={"watermark_info": {"enabled": "yes"}}), "VL102",
     "/model_params/watermark_info/enabled", o3t(model_params={"watermark_info": {"enabled": False}})),
    ("no-image-input", o3t(image_start=IMG), "VL105", "/image_start", o3t()),
    ("fits-image-to-video", o3t(image_start=IMG), "VL230", "/model", o3t()),
    ("model-params-misplaced", o3t(model_params={"duration": 10}), "VL106", "/model_params/duration", o3t(duration=10)),
    ("callback-https", o3t(callback_url="http://hooks.example.com/x"), "VL401", "/callback_url",
     o3t(callback_url="https://hooks.example.com/x")),
    ("callback-length", o3t(callback_url="https://hooks.example.com/" + "a" * 2030), "VL402", "/callback_url",
     o3t(callback_url="https://hooks.example.com/" + "a" * 2000)),
    ("callback-internal", o3t(callback_url="https://192.168.1.2/x"), "VL403", "/callback_url",
     o3t(callback_url="https://hooks.example.com/x")),
]

O3_IMAGE = [
    ("needs-an-image", o3i(image_start=DROP), "VL201", "", o3i(image_start=DROP, image_urls=[REF[0]])),
    ("prompt-required", o3i(prompt=DROP), "VL101", "", o3i(prompt=DROP, model_params=customize("5"))),
    ("prompt-too-long", o3i(prompt="p" * 2501), "VL109", "/prompt", o3i(prompt="p" * 2500)),
    ("image-end-needs-start", o3i(image_start=DROP, image_urls=[REF[0]], image_end=END), "VL207", "/image_end",
     o3i(image_end=END)),
    ("last-frame-with-more-than-2-images", o3i(image_end=END, image_urls=[REF[0]]), "VL202", "/image_urls",
     o3i(image_end=END)),
    ("elements-at-most-3-with-first-frame", o3i(model_params={"element_list": elements(4)}), "VL108",
     "/model_params/element_list", o3i(model_params={"element_list": elements(3)})),
    ("images-plus-elements-at-most-7", o3i(image_start=DROP, image_urls=REF[:4], prompt="<<<image_1>>>",
                                           model_params={"element_list": elements(4)}),
     "VL202", "/model_params/element_list",
     o3i(image_start=DROP, image_urls=REF[:3], prompt="<<<image_1>>>", model_params={"element_list": elements(4)})),
    ("frames-count-as-images", o3i(image_urls=REF[:4], prompt="<<<image_1>>>", model_params={"element_list": elements(3)}),
     "VL202", "/model_params/element_list",
     o3i(image_urls=REF[:3], prompt="<<<image_1>>>", model_params={"element_list": elements(3)})),
    ("image-tag-counts-frames-and-references", o3i(prompt="<<<image_3>>> in the park", image_urls=[REF[0]]), "VL310",
     "/prompt", o3i(prompt="<<<image_1>>> sits in <<<image_2>>>", image_urls=[REF[0]])),
    ("no-video-tags", o3i(prompt="<<<video_1>>> dances"), "VL314", "/prompt", o3i()),
    ("duration-high", o3i(duration=16), "VL104", "/duration", o3i(duration=15)),
    ("aspect-enum", o3i(aspect_ratio="21:9"), "VL103", "/aspect_ratio", o3i(aspect_ratio="9:16")),
    ("quality-enum", o3i(quality="1440p"), "VL103", "/quality", o3i(quality="4k")),
    ("sound-boolean-trap", o3i(sound=False), "VL103", "/sound", o3i(sound="off")),
    ("shot-type-required", o3i(model_params={"multi_shot": True}), "VL101", "/model_params",
     o3i(prompt=DROP, model_params=customize("5"))),
    ("shots-sum", o3i(prompt=DROP, duration=10, model_params=customize("5", "6")), "VL323",
     "/model_params/multi_prompt", o3i(prompt=DROP, duration=10, model_params=customize("5", "5"))),
    ("prompt-ignored-with-customize", o3i(model_params=customize("5")), "VL204", "/prompt",
     o3i(prompt=DROP, model_params=customize("5"))),
    ("tag-in-a-shot-prompt", o3i(prompt=DROP, image_urls=[REF[0]], model_params={**customize(), "multi_prompt": [
        {"index": 1, "prompt": "<<<image_1>>> sits in a park", "duration": "2"},
        {"index": 2, "prompt": "the street of <<<image_3>>>", "duration": "3"}]}), "VL310", "/model_params/multi_prompt/1/prompt",
     o3i(prompt=DROP, image_urls=[REF[0]], model_params={**customize(), "multi_prompt": [
         {"index": 1, "prompt": "<<<image_1>>> sits in a park", "duration": "2"},
         {"index": 2, "prompt": "the street of <<<image_2>>>", "duration": "3"}]})),
    ("tag-spelling-in-a-shot-prompt", o3i(prompt=DROP, model_params={**customize(), "multi_prompt": [
        {"index": 1, "prompt": "<<<image1>>> sits in a park", "duration": "5"}]}), "VL311",
     "/model_params/multi_prompt/0/prompt", o3i(prompt=DROP, model_params={**customize(), "multi_prompt": [
         {"index": 1, "prompt": "<<<image_1>>> sits in a park", "duration": "5"}]})),
    ("no-video-input", o3i(video_url=VIDEO), "VL105", "/video_url", o3i()),
    ("image-urls-type", o3i(image_urls=REF[0]), "VL102", "/image_urls", o3i(image_urls=[REF[0]])),
]

O3_REFERENCE = [
    ("prompt-required", o3r(prompt=DROP), "VL101", "", o3r()),
    ("duration-at-most-10", o3r(duration=11), "VL104", "/duration", o3r(duration=10)),
    ("duration-at-least-3", o3r(duration=2), "VL104", "/duration", o3r(duration=3)),
    ("quality-no-4k", o3r(quality="4k"), "VL103", "/quality", o3r(quality="1080p")),
    ("sound-forced-off", o3r(sound="on"), "VL205", "/sound", o3r()),
    ("keep-original-sound-type", o3r(keep_original_sound="false"), "VL102", "/keep_original_sound",
     o3r(keep_original_sound=False)),
    ("keep-sound-is-motion-control", o3r(model_params={"keep_sound": False}), "VL205", "/model_params/keep_sound",
     o3r(keep_original_sound=False)),
    ("images-plus-elements-at-most-4", o3r(image_urls=REF[:3], model_params={"element_list": elements(2)}), "VL202",
     "/model_params/element_list", o3r(image_urls=REF[:2], model_params={"element_list": elements(2)})),
    ("video-tag-single", o3r(prompt="like <<<video_2>>>"), "VL310", "/prompt", o3r(prompt="like <<<video_1>>>")),
    ("image-tag-out-of-range", o3r(prompt="<<<image_2>>> style", image_urls=[REF[0]]), "VL310", "/prompt",
     o3r(prompt="<<<image_1>>> style", image_urls=[REF[0]])),
    ("element-tag-out-of-range", o3r(prompt="<<<element_1>>> dances"), "VL310", "/prompt",
     o3r(prompt="<<<element_1>>> dances", model_params={"element_list": elements(1)})),
    ("tag-near-miss", o3r(prompt="like <<<Video_1>>>"), "VL311", "/prompt", o3r(prompt="like <<<video_1>>>")),
    ("seedance-tag", o3r(prompt="like @video1"), "VL314", "/prompt", o3r(prompt="like <<<video_1>>>")),
    ("without-video-fits-image-to-video", o3r(video_url=DROP, prompt="a dog", image_urls=[REF[0]]), "VL231", "/model",
     o3r()),
    ("video-url-is-one-uri", o3r(video_url=[VIDEO]), "VL102", "/video_url", o3r()),
    ("video-urls-plural", o3r(video_url=DROP, video_urls=[VIDEO]), "VL105", "/video_urls", o3r()),
    ("callback-https", o3r(callback_url="ftp://x.example.com"), "VL401", "/callback_url",
     o3r(callback_url="https://x.example.com/cb")),
]

O3_EDIT = [
    ("video-required", o3e(video_url=DROP), "VL101", "", o3e()),
    ("duration-not-taken", o3e(duration=5), "VL205", "/duration", o3e()),
    ("aspect-not-taken", o3e(aspect_ratio="16:9"), "VL205", "/aspect_ratio", o3e()),
    ("no-first-frame", o3e(image_start=IMG), "VL205", "/image_start", o3e()),
    ("no-last-frame", o3e(image_end=END), "VL205", "/image_end", o3e()),
    ("sound-forced-off", o3e(sound="off"), "VL205", "/sound", o3e()),
    ("quality-no-4k", o3e(quality="4k"), "VL103", "/quality", o3e(quality="1080p")),
    ("images-plus-elements-at-most-4", o3e(image_urls=REF[:1], model_params={"element_list": elements(4)}), "VL202",
     "/model_params/element_list", o3e(model_params={"element_list": elements(4)})),
    ("keep-sound-misplaced", o3e(model_params={"keep_original_sound": True}), "VL106",
     "/model_params/keep_original_sound", o3e(keep_original_sound=True)),
    ("prompt-too-long", o3e(prompt="e" * 2501), "VL109", "/prompt", o3e(prompt="e" * 2500)),
    ("element-tag", o3e(prompt="Replace the person with <<<element_1>>>"), "VL310", "/prompt",
     o3e(prompt="Replace the person with <<<element_1>>>", model_params={"element_list": elements(1)})),
]

V3_TEXT = [
    ("prompt-required", v3t(prompt=DROP), "VL101", "", v3t()),
    ("prompt-required-with-intelligence", v3t(prompt=DROP, model_params={"multi_shot": True, "shot_type": "intelligence"}),
     "VL101", "", v3t(model_params={"multi_shot": True, "shot_type": "intelligence"})),
    ("prompt-too-long", v3t(prompt="v" * 2501), "VL109", "/prompt", v3t(prompt="v" * 2500)),
    ("negative-type", v3t(negative_prompt=["text"]), "VL102", "/negative_prompt", v3t(negative_prompt="text, watermark")),
    ("duration-low", v3t(duration=2), "VL104", "/duration", v3t(duration=3)),
    ("quality-enum", v3t(quality="8k"), "VL103", "/quality", v3t(quality="4k")),
    ("aspect-enum", v3t(aspect_ratio="3:4"), "VL103", "/aspect_ratio", v3t(aspect_ratio="9:16")),
    ("sound-boolean-trap", v3t(sound=True), "VL103", "/sound", v3t(sound="on")),
    ("shot-type-required", v3t(model_params={"multi_shot": True}), "VL101", "/model_params",
     v3t(model_params={"multi_shot": True, "shot_type": "intelligence"})),
    ("shot-type-enum", v3t(model_params={"multi_shot": True, "shot_type": "auto"}), "VL103", "/model_params/shot_type",
     v3t(model_params={"multi_shot": True, "shot_type": "intelligence"})),
    ("multi-prompt-required-with-customize", v3t(model_params={"multi_shot": True, "shot_type": "customize"}), "VL101",
     "/model_params", v3t(prompt=DROP, model_params=customize("5"))),
    ("shots-sum", v3t(prompt=DROP, duration=8, model_params=customize("4", "3")), "VL323", "/model_params/multi_prompt",
     v3t(prompt=DROP, duration=8, model_params=customize("4", "4"))),
    ("shots-at-least-one", v3t(prompt=DROP, model_params={**customize(), "multi_prompt": []}), "VL108",
     "/model_params/multi_prompt", v3t(prompt=DROP, model_params=customize("5"))),
    ("no-elements", v3t(model_params={"element_list": elements(1)}), "VL205", "/model_params/element_list", v3t()),
    ("no-element-tags", v3t(prompt="<<<element_1>>> runs"), "VL314", "/prompt", v3t()),
    ("no-element-tags-in-shots", v3t(prompt=DROP, model_params={**customize(), "multi_prompt": [
        {"index": 1, "prompt": "<<<element_1>>> runs", "duration": "5"}]}), "VL314", "/model_params/multi_prompt/0/prompt",
     v3t(prompt=DROP, model_params=customize("5"))),
    ("no-image-input", v3t(image_start=IMG), "VL105", "/image_start", v3t()),
]

V3_IMAGE = [
    ("first-frame-required", v3i(image_start=DROP), "VL101", "", v3i()),
    ("prompt-optional", v3i(prompt="v" * 2501), "VL109", "/prompt", v3i(prompt=DROP)),
    ("aspect-not-accepted", v3i(aspect_ratio="16:9"), "VL205", "/aspect_ratio", v3i()),
    ("elements-at-most-3", v3i(model_params={"element_list": elements(4)}), "VL108", "/model_params/element_list",
     v3i(model_params={"element_list": elements(3)})),
    ("element-tag", v3i(prompt="<<<element_2>>> dances", model_params={"element_list": elements(1)}), "VL310", "/prompt",
     v3i(prompt="<<<element_1>>> dances", model_params={"element_list": elements(1)})),
    ("no-reference-images", v3i(image_urls=[REF[0]]), "VL105", "/image_urls", v3i()),
    ("fits-o3-image-to-video", v3i(image_urls=[REF[0]]), "VL230", "/model", v3i()),
    ("duration-high", v3i(duration=20), "VL104", "/duration", v3i(duration=15)),
    ("quality-enum", v3i(quality="720"), "VL103", "/quality", v3i(quality="720p")),
    ("sound-boolean-trap", v3i(sound=True), "VL103", "/sound", v3i(sound="on")),
    ("shot-type-required", v3i(model_params={"multi_shot": True}), "VL101", "/model_params",
     v3i(model_params={"multi_shot": True, "shot_type": "intelligence"})),
    ("shots-sum", v3i(prompt=DROP, model_params=customize("2", "2")), "VL323", "/model_params/multi_prompt",
     v3i(prompt=DROP, model_params=customize("2", "3"))),
    ("prompt-ignored-with-customize", v3i(model_params=customize("5")), "VL204", "/prompt",
     v3i(prompt=DROP, model_params=customize("5"))),
]

TURBO_TEXT = [
    ("prompt-required", tt(prompt=DROP), "VL101", "", tt()),
    ("prompt-at-most-2500", tt(prompt="t" * 2501), "VL109", "/prompt", tt(prompt="t" * 2500)),
    ("quality-no-4k", tt(quality="4k"), "VL103", "/quality", tt(quality="1080p")),
    ("duration-range", tt(duration=16), "VL104", "/duration", tt(duration=15)),
    ("aspect-enum", tt(aspect_ratio="4:3"), "VL103", "/aspect_ratio", tt(aspect_ratio="9:16")),
    ("no-model-params", tt(model_params={"multi_shot": True}), "VL105", "/model_params", tt()),
    ("no-sound", tt(sound="on"), "VL105", "/sound", tt()),
    ("model-params-fits-sibling", tt(model_params={"multi_shot": True, "shot_type": "intelligence"}, sound="on"),
     "VL230", "/model", tt()),
    ("prompt-shots-sum", tt(prompt="镜头 1, 3, the girl walks toward the window; 镜头 2, 3, the camera zooms in;"),
     "VL329", "/prompt", tt(prompt="镜头 1, 3, the girl walks toward the window; 镜头 2, 2, the camera zooms in;")),
    ("prompt-shots-sum-duration", tt(duration=10, prompt="镜头 1, 5, a; 镜头 2, 4, b;"), "VL329", "/prompt",
     tt(duration=10, prompt="镜头 1, 5, a; 镜头 2, 5, b;")),
    ("prompt-shots-at-most-6", tt(duration=7, prompt="".join(f"镜头 {i}, 1, s{i}; " for i in range(1, 8))), "VL329",
     "/prompt", tt(duration=6, prompt="".join(f"镜头 {i}, 1, s{i}; " for i in range(1, 7)))),
    ("prompt-shot-words-512", tt(prompt="镜头 1, 5, " + "w" * 513 + ";"), "VL329", "/prompt",
     tt(prompt="镜头 1, 5, " + "w" * 512 + ";")),
    ("no-tags", tt(prompt="<<<element_1>>> runs"), "VL314", "/prompt", tt()),
]

TURBO_IMAGE = [
    ("first-frame-required", ti(image_start=DROP), "VL101", "", ti()),
    ("aspect-not-accepted", ti(aspect_ratio="9:16"), "VL205", "/aspect_ratio", ti()),
    ("no-last-frame", ti(image_end=END), "VL105", "/image_end", ti()),
    ("last-frame-fits-sibling", ti(image_end=END, prompt="turns"), "VL230", "/model", ti()),
    ("quality-no-4k", ti(quality="4k"), "VL103", "/quality", ti(quality="1080p")),
    ("duration-low", ti(duration=1), "VL104", "/duration", ti(duration=3)),
    ("prompt-too-long", ti(prompt="q" * 2501), "VL109", "/prompt", ti(prompt="q" * 2500)),
    ("no-model-params", ti(model_params={"element_list": elements(1)}), "VL105", "/model_params", ti()),
]

MOTION = [
    ("image-required", mc(image_urls=DROP), "VL101", "", mc()),
    ("video-required", mc(video_urls=DROP), "VL101", "", mc()),
    ("model-params-required", mc(model_params=DROP), "VL101", "", mc()),
    ("orientation-required", mc(model_params={"keep_sound": True}), "VL101", "/model_params", mc()),
    ("orientation-enum", mc(model_params={"character_orientation": "camera"}), "VL103",
     "/model_params/character_orientation", mc(model_params={"character_orientation": "video"})),
    ("one-image", mc(image_urls=REF[:2]), "VL108", "/image_urls", mc()),
    ("one-video", mc(video_urls=[VIDEO, VIDEO + "?2"]), "VL108", "/video_urls", mc()),
    ("no-empty-video-list", mc(video_urls=[]), "VL108", "/video_urls", mc()),
    ("elements-only-with-video-orientation", mc(model_params={"character_orientation": "image", "element_list": elements(1)}),
     "VL103", "/model_params/character_orientation",
     mc(model_params={"character_orientation": "video", "element_list": elements(1)})),
    ("at-most-one-element", mc(model_params={"character_orientation": "video", "element_list": elements(2)}), "VL108",
     "/model_params/element_list", mc(model_params={"character_orientation": "video", "element_list": elements(1)})),
    ("no-duration", mc(duration=5), "VL205", "/duration", mc()),
    ("keep-sound-is-nested", mc(keep_original_sound=False), "VL205", "/keep_original_sound",
     mc(model_params={"character_orientation": "image", "keep_sound": False})),
    ("keep-sound-type", mc(model_params={"character_orientation": "image", "keep_sound": "off"}), "VL102",
     "/model_params/keep_sound", mc(model_params={"character_orientation": "image", "keep_sound": False})),
    ("quality-no-4k", mc(quality="4k"), "VL103", "/quality", mc(quality="1080p")),
    ("prompt-too-long", mc(prompt="m" * 2501), "VL109", "/prompt", mc(prompt="A girl dancing gracefully")),
]

TABLES = {"o3-t2v": O3_TEXT, "o3-i2v": O3_IMAGE, "o3-ref": O3_REFERENCE, "o3-edit": O3_EDIT, "v3-t2v": V3_TEXT,
          "v3-i2v": V3_IMAGE, "turbo-t2v": TURBO_TEXT, "turbo-i2v": TURBO_IMAGE, "motion": MOTION}
CASES = [(f"{table}:{case[0]}", *case[1:]) for table, cases in TABLES.items() for case in cases]


@pytest.mark.parametrize("case_id, bad, code, pointer, good", CASES, ids=[c[0] for c in CASES])
def test_limit_breaks_and_passes(case_id, bad, code, pointer, good):
    assert_case(bad, code, pointer, good)


CLEAN = {
    "kling-o3-text-to-video": o3t(duration=10, aspect_ratio="16:9", quality="1080p", sound="on"),
    "kling-o3-image-to-video": o3i(prompt="<<<image_1>>> sits in <<<image_2>>> with <<<element_1>>>", image_urls=[REF[0]],
                                   model_params={"element_list": elements(1)}),
    "kling-o3-reference-to-video": o3r(image_urls=[REF[0]], keep_original_sound=False, duration=8),
    "kling-o3-video-edit": o3e(keep_original_sound=True, quality="1080p"),
    "kling-v3-text-to-video": v3t(negative_prompt="people, text", sound="off"),
    "kling-v3-image-to-video": v3i(image_end=END, sound="on", duration=10),
    "kling-v3-turbo-text-to-video": tt(prompt="镜头 1, 3, the girl walks toward the window; 镜头 2, 2, she turns;"),
    "kling-v3-turbo-image-to-video": ti(prompt="A gentle breeze", quality="1080p", duration=10),
    "kling-v3-motion-control": mc(prompt="A girl dancing", model_params={"character_orientation": "video", "keep_sound": False}),
}


@pytest.mark.parametrize("model", sorted(CLEAN))
def test_clean_request_has_no_finding_above_info(model):
    found = lint(CLEAN[model])
    assert [d["code"] for d in found if d["severity"] != "info"] == []


def test_check_jsonschema_accepts_each_clean_request(tmp_path):
    for model, request in CLEAN.items():
        path = tmp_path / f"{model}.json"
        path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
        run = check_jsonschema(SCHEMAS / f"{model}.json", path)
        assert run.returncode == 0, (model, run.stdout + run.stderr)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(o3t(sound=True)), encoding="utf-8")
    run = check_jsonschema(SCHEMAS / "kling-o3-text-to-video.json", bad)
    assert run.returncode == 1


# --- media limits: real files ------------------------------------------------------------------

OK_VIDEO = "kling-720p-24fps-3s.mp4"

VIDEO_LIMITS = [  # (id, request builder, field pointer, file, code)
    ("o3-ref-fps", o3r, "/video_url", "kling-720p-15fps-3s.mp4", "VL614"),
    ("o3-ref-width", o3r, "/video_url", "kling-640x480-24fps-3s.mp4", "VL603"),
    ("o3-ref-height", o3r, "/video_url", "kling-640x480-24fps-3s.mp4", "VL604"),
    ("o3-ref-duration", o3r, "/video_url", "kling-720p-24fps-2s.mp4", "VL606"),
    ("o3-ref-format", o3r, "/video_url", "webm-named.mp4", "VL601"),
    ("o3-edit-fps", o3e, "/video_url", "kling-720p-15fps-3s.mp4", "VL614"),
    ("o3-edit-width", o3e, "/video_url", "kling-640x480-24fps-3s.mp4", "VL603"),
    ("o3-edit-duration", o3e, "/video_url", "kling-720p-24fps-2s.mp4", "VL606"),
    ("o3-edit-not-an-image", o3e, "/video_url", "ok.jpg", "VL601"),
]


@pytest.mark.parametrize("case_id, build, pointer, name, code", VIDEO_LIMITS, ids=[c[0] for c in VIDEO_LIMITS])
def test_o3_video_limits(case_id, build, pointer, name, code):
    field = pointer.lstrip("/")
    assert_case(build(**{field: str(MEDIA / name)}), code, pointer, build(**{field: str(MEDIA / OK_VIDEO)}))


def motion(video: str, orientation: str = "image", image: str = IMG) -> dict:
    return mc(image_urls=[image], video_urls=[str(MEDIA / video)], model_params={"character_orientation": orientation})


MOTION_VIDEO = [  # (id, breaking, passing)
    ("over-10s-with-image-orientation", motion("kling-640x480-12s.mp4"), motion("kling-640x480-12s.mp4", "video")),
    ("over-30s", motion("kling-640x480-31s.mp4", "video"), motion("kling-640x480-12s.mp4", "video")),
    ("under-3s", motion("kling-720p-24fps-2s.mp4", "video"), motion(OK_VIDEO, "video")),
    ("under-340px", motion("kling-320x240-24fps-3s.mp4"), motion("kling-640x480-24fps-3s.mp4")),
]
MOTION_CODES = {"over-10s-with-image-orientation": "VL606", "over-30s": "VL606", "under-3s": "VL606", "under-340px": "VL603"}


@pytest.mark.parametrize("case_id, bad, good", MOTION_VIDEO, ids=[c[0] for c in MOTION_VIDEO])
def test_motion_control_video_limits(case_id, bad, good):
    assert_case(bad, MOTION_CODES[case_id], "/video_urls/0", good)


def test_motion_control_orientation_image_message_names_the_reason():
    found = lint(motion("kling-640x480-12s.mp4"))
    [finding] = [d for d in found if d["code"] == "VL606"]
    assert "3..10 s" in finding["message"] and "character_orientation image" in finding["message"]


# images made with Pillow: JPEG/PNG, >= 300 px, 1:2.5..2.5:1, <= 10 MB (turbo: 50 MB)

def image(path: Path, size: tuple[int, int], fmt: str = "JPEG", pad_bytes: int = 0) -> str:
    from PIL import Image

    Image.new("RGB", size, (120, 90, 60)).save(path, fmt)
    if pad_bytes:  # a PNG stays valid with a large ancillary chunk: a file over a byte limit, quickly
        data = path.read_bytes()
        body = b"vidlint\x00" + b"\x00" * pad_bytes
        chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
        path.write_bytes(data[:33] + chunk + data[33:])
    return str(path)


FRAME_MODELS = [  # (builder, pointer of the checked image)
    ("o3-i2v", o3i, "/image_start"),
    ("v3-i2v", v3i, "/image_start"),
    ("turbo-i2v", ti, "/image_start"),
    ("motion", mc, "/image_urls/0"),
]
FRAME_LIMITS = [  # (id, size, format, code)
    ("narrow", (299, 400), "JPEG", "VL603"),
    ("short", (400, 299), "JPEG", "VL604"),
    ("too-wide", (1000, 390), "JPEG", "VL605"),
    ("too-tall", (390, 1000), "PNG", "VL605"),
    ("webp", (400, 300), "WEBP", "VL601"),
]


def _set(build, pointer: str, value: str) -> dict:
    return build(image_urls=[value]) if pointer == "/image_urls/0" else build(**{pointer.lstrip("/"): value})


@pytest.mark.parametrize("model_id, build, pointer", FRAME_MODELS, ids=[m[0] for m in FRAME_MODELS])
@pytest.mark.parametrize("limit_id, size, fmt, code", FRAME_LIMITS, ids=[f[0] for f in FRAME_LIMITS])
def test_frame_image_limits(tmp_path, model_id, build, pointer, limit_id, size, fmt, code):
    bad = image(tmp_path / f"bad.{fmt.lower()}", size, fmt)
    good = image(tmp_path / "good.png", (750, 300), "PNG")  # 2.5:1 and 300 px: on the limits
    assert_case(_set(build, pointer, bad), code, pointer, _set(build, pointer, good), tmp_path)


def test_frame_images_over_10_mb(tmp_path):
    big = image(tmp_path / "big.png", (400, 300), "PNG", pad_bytes=10 * 1024 * 1024)
    small = image(tmp_path / "small.png", (400, 300), "PNG", pad_bytes=9 * 1024 * 1024)
    for build, pointer in ((o3i, "/image_start"), (v3i, "/image_start"), (mc, "/image_urls/0")):
        assert_case(_set(build, pointer, big), "VL607", pointer, _set(build, pointer, small), tmp_path)
    # kling-v3-turbo-image-to-video takes up to 50 MB
    assert not [d for d in lint(ti(image_start=big), tmp_path) if d["code"] == "VL607"]


def test_turbo_image_over_50_mb(tmp_path):
    huge = image(tmp_path / "huge.png", (400, 300), "PNG", pad_bytes=50 * 1024 * 1024)
    found = lint(ti(image_start=huge), tmp_path)
    assert any(d["code"] == "VL607" and d["pointer"] == "/image_start" for d in found), found


def test_v3_last_frame_has_format_and_size_limits_only(tmp_path):
    webp = image(tmp_path / "end.webp", (400, 300), "WEBP")
    small = image(tmp_path / "end.jpg", (200, 200), "JPEG")  # no pixel limit documented for image_end
    assert_case(v3i(image_end=webp), "VL601", "/image_end", v3i(image_end=small), tmp_path)


def test_o3_reference_images_are_not_held_to_the_first_frame_limits(tmp_path):
    small = image(tmp_path / "ref.jpg", (200, 200), "JPEG")
    assert not [d for d in lint(o3i(image_urls=[small]), tmp_path) if d["severity"] == "error"]


# --- prices ------------------------------------------------------------------------------------


def estimate(request: dict) -> dict:
    result = lint_bytes("r.json", json.dumps(request).encode(), False, MEDIA)
    [found] = result.estimates
    return found


@pytest.mark.parametrize("model", sorted(CLEAN))
def test_every_kling_model_is_unpriced_never_a_made_up_number(model):
    found = estimate(CLEAN[model])
    assert found["usd"] is None and found["unpriced"], found


def test_video_edit_unpriced_reason_carries_the_documented_uc_price():
    found = estimate(CLEAN["kling-o3-video-edit"])
    assert "81,000 UC" in found["unpriced"] and "1.334" in found["unpriced"]


def test_budget_in_dollars_says_it_cannot_be_checked(tmp_path):
    from conftest import run_vidlint, write_request

    write_request(tmp_path / "r.json", CLEAN["kling-v3-text-to-video"])
    (tmp_path / "pyproject.toml").write_text("[tool.vidlint.budget.request]\nmax-usd = 1.0\n", encoding="utf-8")
    run = run_vidlint("lint", "--format", "json", "r.json", cwd=tmp_path)
    codes = [d["code"] for f in run.json()["files"] for d in f["diagnostics"]]
    assert "VL706" in codes and "VL702" not in codes, run.out


# --- vidlint models / rules --------------------------------------------------------------------


def test_models_and_rules_list_the_kling_models():
    from conftest import run_vidlint

    listed = run_vidlint("models").out
    for model in CLEAN:
        assert model in listed
    shots = run_vidlint("rules", "VL329").out
    assert "kling-v3-turbo-text-to-video" in shots and "max_shot_chars" in shots
    counts = run_vidlint("rules", "VL202").out
    assert "kling-o3-image-to-video" in counts and "kling-o3-video-edit" in counts
    lists = run_vidlint("rules", "VL323").out
    assert all(m in lists for m in ("kling-o3-text-to-video", "kling-v3-image-to-video"))
