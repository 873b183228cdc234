"""Every field rule and cross-field rule of wan2.7-reference-video: one request that breaks it,
one that passes it, linted in process through vidlint.api and the JSON report (conftest.lint_json)."""

from __future__ import annotations

import json

import pytest

from conftest import DROP, lint_json, request_builder, run_vidlint, write_request

MODEL = "wan2.7-reference-video"
BASE = {
    "model": MODEL,
    "prompt": "Image 1 waves at Video 1",
    "image_urls": ["https://cdn.example.com/a.jpg"],
    "video_urls": ["https://cdn.example.com/v.mp4"],
}
VOICE = "https://cdn.example.com/voice.mp3"


request = request_builder(BASE)
IMGS = [f"https://cdn.example.com/{i}.jpg" for i in range(6)]

# (id, breaking request, code it must raise, passing request)
CASES = [
    ("model-missing", request(model=DROP), "VL010", request()),
    ("model-unknown", request(model="wan2.7-reference"), "VL011", request()),
    ("prompt-required", request(prompt=DROP), "VL101", request()),
    ("prompt-type", request(prompt=5), "VL102", request()),
    ("prompt-truncated", request(prompt="Image 1 " + "x" * 5000), "VL301", request(prompt="Image 1 " + "x" * 4990)),
    ("negative-truncated", request(negative_prompt="y" * 501), "VL301", request(negative_prompt="y" * 500)),
    ("prompt-empty", request(prompt="   "), "VL302", request()),
    ("image-urls-type", request(image_urls="https://cdn.example.com/a.jpg"), "VL102", request()),
    ("image-url-empty", request(image_urls=[""]), "VL109", request()),
    ("no-reference", request(image_urls=DROP, video_urls=DROP, image_start=IMGS[0], prompt="a cat"), "VL201",
     request(video_urls=DROP, image_start=IMGS[0], prompt="Image 1 runs")),
    ("empty-references", request(image_urls=[], video_urls=[], prompt="a cat"), "VL201", request()),
    ("too-many-references", request(image_urls=IMGS[:5], prompt="Image 1 and Video 1"), "VL202",
     request(image_urls=IMGS[:4])),
    ("duration-type", request(duration=5.5), "VL102", request(duration=5)),
    ("duration-low", request(duration=1, video_urls=DROP, prompt="Image 1"), "VL104",
     request(duration=2, video_urls=DROP, prompt="Image 1")),
    ("duration-high", request(duration=16, video_urls=DROP, prompt="Image 1"), "VL104",
     request(duration=15, video_urls=DROP, prompt="Image 1")),
    ("duration-with-video", request(duration=11), "VL203", request(duration=10)),
    ("quality-enum", request(quality="1080P"), "VL103", request(quality="1080p")),
    ("aspect-enum", request(aspect_ratio="21:9"), "VL103", request(aspect_ratio="3:4")),
    ("aspect-ignored", request(image_start=IMGS[1], aspect_ratio="9:16"), "VL204", request(image_start=IMGS[1])),
    ("seed-low", request(seed=0), "VL104", request(seed=1)),
    ("seed-high", request(seed=2147483648), "VL104", request(seed=2147483647)),
    ("seed-type", request(seed="42"), "VL102", request(seed=42)),
    ("prompt-extend-type", request(prompt_extend="true"), "VL102", request(prompt_extend=True)),
    ("audio-urls-count", request(audio_urls=[VOICE] * 6, image_urls=IMGS[:4]), "VL108",
     request(audio_urls=[VOICE] * 5, image_urls=IMGS[:4])),
    ("audio-urls-unbound", request(audio_urls=[VOICE] * 3), "VL215", request(audio_urls=[VOICE] * 2)),
    ("audio-urls-overridden", request(audio_urls=[VOICE], model_params={"voice_bindings": {"image1": VOICE}}),
     "VL214", request(model_params={"voice_bindings": {"image1": VOICE}})),
    ("binding-key-img", request(model_params={"voice_bindings": {"img1": VOICE}}), "VL210",
     request(model_params={"voice_bindings": {"image1": VOICE}})),
    ("binding-key-leading-zero", request(model_params={"voice_bindings": {"image01": VOICE}}), "VL210",
     request(model_params={"voice_bindings": {"video1": VOICE}})),
    ("binding-key-zero", request(model_params={"voice_bindings": {"image0": VOICE}}), "VL210",
     request(model_params={"voice_bindings": {"image1": VOICE}})),
    ("binding-range", request(model_params={"voice_bindings": {"image2": VOICE}}), "VL211",
     request(image_urls=IMGS[:2], model_params={"voice_bindings": {"image2": VOICE}})),
    ("binding-empty", request(model_params={"voice_bindings": {"image1": ""}}), "VL212",
     request(model_params={"voice_bindings": {"image1": VOICE}})),
    ("binding-count", request(image_urls=IMGS[:4], video_urls=[IMGS[5]] * 1,
                              model_params={"voice_bindings": {**{f"image{i}": f"{VOICE}?{i}" for i in range(1, 5)},
                                                               "video1": VOICE + "?v", "video2": VOICE + "?w"}}),
     "VL213", request(image_urls=IMGS[:4], model_params={"voice_bindings": {
         **{f"image{i}": f"{VOICE}?{i}" for i in range(1, 5)}, "video1": VOICE + "?v"}})),
    ("binding-duplicate-voice", request(image_urls=IMGS[:2], model_params={"voice_bindings": {"image1": VOICE, "image2": VOICE}}),
     "VL216", request(image_urls=IMGS[:2], model_params={"voice_bindings": {"image1": VOICE, "image2": VOICE + "?2"}})),
    ("model-params-misplaced", request(model_params={"duration": 10}), "VL106", request(duration=10)),
    ("unknown-field", request(aspectRatio="9:16"), "VL105", request(aspect_ratio="9:16")),
    ("legacy-audio-url", request(audio_url=VOICE), "VL107", request(model_params={"voice_bindings": {"image1": VOICE}})),
    ("reference-out-of-range", request(prompt="Image 2 waves"), "VL310", request(prompt="Image 1 waves")),
    ("video-reference-out-of-range", request(prompt="Video 2 jumps"), "VL310", request(prompt="Video 1 jumps")),
    ("zh-reference-out-of-range", request(prompt="图2 和 视频1 跳舞"), "VL310", request(prompt="图1 和 视频1 跳舞")),
    ("reference-lowercase", request(prompt="image 1 waves"), "VL311", request(prompt="Image 1 waves")),
    ("reference-no-space", request(prompt="Image1 waves"), "VL311", request(prompt="Image 1 waves")),
    ("reference-leading-zero", request(prompt="Image 01 waves"), "VL311", request(prompt="Image 1 waves")),
    ("zh-reference-space", request(prompt="图 1 跳舞"), "VL311", request(prompt="图1 跳舞")),
    ("singular-ambiguous", request(image_urls=IMGS[:2], prompt="the reference image waves at Image 2"), "VL312",
     request(image_urls=IMGS[:1], video_urls=DROP, prompt="the reference image waves")),
    ("unnamed-references", request(prompt="two friends wave"), "VL313", request(prompt="Image 1 waves")),
    ("callback-http", request(callback_url="http://hooks.example.com/done"), "VL401",
     request(callback_url="https://hooks.example.com/done")),
    ("callback-long", request(callback_url="https://hooks.example.com/" + "a" * 2030), "VL402",
     request(callback_url="https://hooks.example.com/" + "a" * 2000)),
    ("callback-malformed", request(callback_url="https:///done"), "VL404", request(callback_url="https://h.example.com/done")),
    ("not-an-object", ["x"], "VL006", request()),
]


@pytest.mark.parametrize("case_id, bad, code, good", CASES, ids=[c[0] for c in CASES])
def test_rule_breaks_and_passes(tmp_path, case_id, bad, code, good):
    bad_file = write_request(tmp_path / "bad.json", bad)
    good_file = write_request(tmp_path / "good.json", good)
    result = lint_json(str(bad_file), str(good_file))
    assert result.err == ""
    files = {f["path"].rsplit("/", 1)[-1]: f for f in result.json()["files"]}
    bad_codes = [d["code"] for d in files["bad.json"]["diagnostics"]]
    good_codes = [d["code"] for d in files["good.json"]["diagnostics"]]
    assert code in bad_codes, files["bad.json"]["diagnostics"]
    assert code not in good_codes, files["good.json"]["diagnostics"]


INTERNAL_CALLBACKS = [
    "https://localhost/cb", "https://LOCALHOST./cb", "https://[::1]/cb", "https://10.1.2.3/cb",
    "https://2130706433/cb", "https://0x7f.0.0.1/cb", "https://[::ffff:127.0.0.1]/cb", "https://127.1/cb",
    "https://017700000001/cb", "https://172.16.0.5/cb", "https://172.31.255.1:8443/cb", "https://192.168.0.1/cb",
    "https://169.254.169.254/latest", "https://[fe80::1]/cb", "https://0.0.0.0/cb", "https://user@127.0.0.1/cb",
    "https://intranet/cb", "https://api.internal/cb", "https://[::]/cb", "https://100.64.0.1/cb",
]
PUBLIC_CALLBACKS = ["https://hooks.example.com/cb", "https://8.8.8.8/cb", "https://172.32.0.1/cb",
                    "https://[2606:4700::1111]/cb", "https://example.com:8443/x?y=1"]


@pytest.mark.parametrize("url", INTERNAL_CALLBACKS)
def test_internal_callback_in_any_spelling(tmp_path, url):
    path = write_request(tmp_path / "r.json", request(callback_url=url))
    result = lint_json(str(path))
    codes = [d["code"] for d in result.json()["files"][0]["diagnostics"]]
    assert "VL403" in codes
    assert result.code == 1


def test_public_callbacks_pass(tmp_path):
    paths = [str(write_request(tmp_path / f"r{i}.json", request(callback_url=url)))
             for i, url in enumerate(PUBLIC_CALLBACKS)]
    result = lint_json(*paths)
    assert result.code == 0, result.out
    assert result.json()["summary"]["errors"] == 0


def test_truncation_warning_shows_where_the_cut_falls(tmp_path):
    prompt = "Image 1 " + "a" * 4962 + "KEEP-END" + "DROPPED-START" + "z" * 100
    path = write_request(tmp_path / "r.json", request(prompt=prompt))
    result = lint_json(str(path))
    (diag,) = [d for d in result.json()["files"][0]["diagnostics"] if d["code"] == "VL301"]
    assert diag["severity"] == "warning"
    assert "KEEP-END" in diag["message"] and "DROPPED-START" in diag["message"]
    assert "5000" in diag["message"] and str(len(prompt)) in diag["message"]
    assert result.code == 0  # a warning does not fail the default --fail-on error


def test_did_you_mean_for_typos(tmp_path):
    body = request(image_url=["x.jpg"], aspectRatio="1:1", Duration=5)
    result = lint_json(str(write_request(tmp_path / "r.json", body)))
    messages = {d["pointer"]: d["message"] for d in result.json()["files"][0]["diagnostics"] if d["code"] == "VL105"}
    assert 'did you mean "image_urls"' in messages["/image_url"]
    assert 'did you mean "aspect_ratio"' in messages["/aspectRatio"]
    assert 'did you mean "duration"' in messages["/Duration"]


def test_schema_key_is_allowed(tmp_path):
    body = {"$schema": "../schemas/wan2.7-reference-video.json", **request()}
    result = run_vidlint("lint", str(write_request(tmp_path / "r.json", body)))
    assert result.code == 0, result.out


def test_reference_diagnostic_points_inside_the_prompt(tmp_path):
    text = '{\n  "model": "wan2.7-reference-video",\n  "prompt": "Image 1 meets Image 4",\n  "image_urls": ["https://x.example.com/a.jpg"]\n}\n'
    path = tmp_path / "r.json"
    path.write_text(text)
    result = lint_json(str(path))
    (diag,) = [d for d in result.json()["files"][0]["diagnostics"] if d["code"] == "VL310"]
    assert (diag["line"], diag["column"]) == (3, text.splitlines()[2].index("Image 4") + 1)
    assert diag["pointer"] == "/prompt"
