"""Seedance 2.0, all nine models (standard, fast, mini x text-, image-, reference-to-video): a
clean request passes each, and every documented limit, broken once, fails with its code at its
JSON pointer. Linted in process through ``vidlint.api.lint_bytes``, with real media from
``fixtures/media`` (probed into a cache folder of the test's own)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import apply_changes, findings, SCHEMAS, check_jsonschema, run_vidlint, write_request
from media_helpers import MB, MEDIA, png_declaring, sparse_jpeg, sparse_mp4, sparse_wav

from vidlint.api import AssetOptions, LintOptions, lint_bytes
from vidlint.check.estimate import format_estimate
from vidlint.core.diagnostics import Severity
from vidlint.models import load_profile
from vidlint.probe import ProbeCache
from vidlint.rules.registry import RequestContext

TIERS = ["", "fast-", "mini-"]
STANDARD = {f"seedance-2.0-{mode}-to-video" for mode in ("text", "image", "reference")}
T2V = [f"seedance-2.0-{t}text-to-video" for t in TIERS]
I2V = [f"seedance-2.0-{t}image-to-video" for t in TIERS]
R2V = [f"seedance-2.0-{t}reference-to-video" for t in TIERS]
MODELS = T2V + I2V + R2V

IMG = "https://cdn.example.com/first.jpg"
CLIP = "https://cdn.example.com/clip.mp4"
TUNE = "https://cdn.example.com/tune.mp3"
# committed media (paths relative to fixtures/media, the base folder of every request here)
OK_IMAGE, OK_VIDEO, LONG_VIDEO, OK_AUDIO = "ok-400x300.jpg", "gray-854x480-24fps-3s.mp4", "gray-854x480-24fps-8s.mp4", "ok.mp3"


def clean(model_id: str, **changes: object) -> dict:
    """The smallest clean request of ``model``, with ``changes`` applied (None removes a field)."""
    body: dict = {"model": model_id, "prompt": "A cat plays the piano, close-up, soft light"}
    if model_id in I2V:
        body.update(prompt="The camera slowly pushes in", image_urls=[OK_IMAGE])
    if model_id in R2V:
        body.update(prompt="@image1 dances in the framing of @video1 to @audio1", image_urls=[OK_IMAGE],
                    video_urls=[OK_VIDEO], audio_urls=[OK_AUDIO])
    return apply_changes(body, changes, drop=None)


@pytest.fixture(scope="module")
def options(tmp_path_factory):
    def make() -> LintOptions:
        cache = ProbeCache(tmp_path_factory.mktemp("probe-cache"))
        return LintOptions(assets=AssetOptions(cache=cache))
    return make


@pytest.fixture(scope="module")
def lint(options):
    shared = options()

    def run(request: dict, base: Path = MEDIA):
        return lint_bytes("request.json", json.dumps(request, ensure_ascii=False).encode(), False, base, shared)
    return run


# ---- a clean request passes every model -------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_clean_request_passes(lint, model):
    result = lint(clean(model))
    assert findings(result) == [], [(d.code, d.message) for d in result.diagnostics]
    assert result.model == model


@pytest.mark.parametrize("model", MODELS)
def test_every_documented_option_at_once_passes(lint, model):
    extra = {"duration": 15, "quality": "4k" if model in STANDARD else "720p", "aspect_ratio": "21:9",
             "generate_audio": False, "content_filter": False, "callback_url": "https://hooks.example.com/done"}
    if model in T2V[:2]:
        extra["model_params"] = {"web_search": True}
    assert findings(lint(clean(model, **extra))) == []


def test_standard_models_take_1080p_and_4k_fast_and_mini_do_not(lint):
    for model in MODELS:
        for quality in ("480p", "720p", "1080p", "4k"):
            codes = [c for c, _ in findings(lint(clean(model, quality=quality)))]
            takes = model in STANDARD or quality in ("480p", "720p")
            assert (codes == []) == takes, (model, quality, codes)


# ---- each documented limit broken once, for every model it applies to --------------------------

LONG_URL = "https://hooks.example.com/" + "a" * 2030


def common_cases(model: str) -> list[tuple[str, dict, str, str]]:
    """(id, request, code, pointer) of the fields all nine models share."""
    c = lambda **kw: clean(model, **kw)  # noqa: E731
    return [
        ("prompt-required", c(prompt=None), "VL101", ""),
        ("prompt-type", c(prompt=["a cat"]), "VL102", "/prompt"),
        ("prompt-empty", c(prompt="  "), "VL302", "/prompt"),
        ("prompt-tokens-english", c(prompt="word " * 8001), "VL305", "/prompt"),
        ("prompt-tokens-cjk", c(prompt="猫" * 10001), "VL305", "/prompt"),
        ("model-wrong-case", c(model=model.upper()), "VL011", "/model"),
        ("duration-low", c(duration=3), "VL104", "/duration"),
        ("duration-high", c(duration=16), "VL104", "/duration"),
        ("duration-string", c(duration="5"), "VL102", "/duration"),
        ("duration-fraction", c(duration=5.5), "VL102", "/duration"),
        ("quality-enum", c(quality="720P"), "VL103", "/quality"),
        ("quality-8k", c(quality="8k"), "VL103", "/quality"),
        ("aspect-enum", c(aspect_ratio="2:1"), "VL103", "/aspect_ratio"),
        ("generate-audio-string", c(generate_audio="on"), "VL102", "/generate_audio"),
        ("generate-audio-number", c(generate_audio=1), "VL102", "/generate_audio"),
        ("content-filter-string", c(content_filter="false"), "VL102", "/content_filter"),
        ("callback-http", c(callback_url="http://hooks.example.com/done"), "VL401", "/callback_url"),
        ("callback-long", c(callback_url=LONG_URL), "VL402", "/callback_url"),
        ("callback-private", c(callback_url="https://192.168.1.20/done"), "VL403", "/callback_url"),
        ("callback-malformed", c(callback_url="https:///done"), "VL404", "/callback_url"),
        ("unknown-field", c(aspectRatio="16:9"), "VL105", "/aspectRatio"),
        ("no-seed", c(seed=42), "VL105", "/seed"),
        ("no-negative-prompt", c(negative_prompt="blur"), "VL105", "/negative_prompt"),
    ]


def mode_cases(model: str) -> list[tuple[str, dict, str, str]]:
    c = lambda **kw: clean(model, **kw)  # noqa: E731
    cases: list[tuple[str, dict, str, str]] = []
    if model not in STANDARD:
        cases += [("1080p-standard-only", c(quality="1080p"), "VL103", "/quality"),
                  ("4k-standard-only", c(quality="4k"), "VL103", "/quality"),
                  ("4k-sibling-hint", c(quality="4k"), "VL231", "/model")]
    if model in T2V:
        cases += [("t2v-no-image-urls", c(image_urls=[IMG]), "VL205", "/image_urls"),
                  ("t2v-no-video-urls", c(video_urls=[CLIP]), "VL205", "/video_urls"),
                  ("t2v-no-audio-urls", c(audio_urls=[TUNE]), "VL205", "/audio_urls"),
                  ("t2v-image-fits-i2v", c(image_urls=[IMG]), "VL230", "/model"),
                  ("t2v-no-image-tag", c(prompt="@image1 opens"), "VL314", "/prompt"),
                  ("t2v-no-video-tag", c(prompt="in the style of @video1"), "VL314", "/prompt"),
                  ("t2v-no-audio-tag", c(prompt="to @audio1"), "VL314", "/prompt")]
        if model == "seedance-2.0-mini-text-to-video":
            cases += [("mini-no-web-search", c(model_params={"web_search": True}), "VL205", "/model_params"),
                      ("mini-web-search-sibling", c(model_params={"web_search": True}), "VL230", "/model")]
        else:
            cases += [("web-search-type", c(model_params={"web_search": "true"}), "VL102", "/model_params/web_search"),
                      ("model-params-unknown", c(model_params={"search": True}), "VL105", "/model_params/search"),
                      ("model-params-misplaced", c(model_params={"duration": 8}), "VL106", "/model_params/duration"),
                      ("model-params-type", c(model_params=True), "VL102", "/model_params")]
    if model in I2V:
        cases += [("i2v-image-required", c(image_urls=None), "VL101", ""),
                  ("i2v-no-images", c(image_urls=[]), "VL108", "/image_urls"),
                  ("i2v-three-images", c(image_urls=[IMG] * 3), "VL108", "/image_urls"),
                  ("i2v-three-images-sibling", c(image_urls=[IMG] * 3), "VL231", "/model"),
                  ("i2v-image-not-a-list", c(image_urls=IMG), "VL102", "/image_urls"),
                  ("i2v-image-empty-string", c(image_urls=[""]), "VL109", "/image_urls/0"),
                  ("i2v-no-video-urls", c(video_urls=[CLIP]), "VL205", "/video_urls"),
                  ("i2v-no-audio-urls", c(audio_urls=[TUNE]), "VL205", "/audio_urls"),
                  ("i2v-video-fits-r2v", c(video_urls=[CLIP]), "VL230", "/model"),
                  ("i2v-no-model-params", c(model_params={"web_search": True}), "VL205", "/model_params"),
                  ("i2v-no-video-tag", c(prompt="@image1 moves like @video1"), "VL314", "/prompt"),
                  ("i2v-image-tag-out-of-range", c(prompt="@image2 becomes the sky"), "VL310", "/prompt")]
        cases += image_cases(model, "/image_urls/0", lambda value: c(image_urls=[value]))
    if model in R2V:
        cases += [("r2v-no-image-or-video", c(image_urls=None, video_urls=None, prompt="music"), "VL201", ""),
                  ("r2v-audio-alone", c(image_urls=[], video_urls=[], prompt="@audio1 plays"), "VL201", ""),
                  ("r2v-ten-images", c(image_urls=[OK_IMAGE] * 10), "VL108", "/image_urls"),
                  ("r2v-four-videos", c(video_urls=[CLIP] * 4), "VL108", "/video_urls"),
                  ("r2v-four-audio", c(audio_urls=[TUNE] * 4), "VL108", "/audio_urls"),
                  ("r2v-no-model-params", c(model_params={"web_search": True}), "VL205", "/model_params"),
                  ("r2v-image-tag-out-of-range", c(prompt="@image2 dances"), "VL310", "/prompt"),
                  ("r2v-video-tag-out-of-range", c(prompt="@image1 in @video2"), "VL310", "/prompt"),
                  ("r2v-audio-tag-out-of-range", c(prompt="@image1 to @audio2"), "VL310", "/prompt"),
                  ("r2v-tag-capitalised", c(prompt="@Image1 dances to @audio1"), "VL311", "/prompt"),
                  ("r2v-tag-spaced", c(prompt="@image 1 dances to @audio1"), "VL311", "/prompt"),
                  ("r2v-tag-leading-zero", c(prompt="@image01 dances to @audio1"), "VL311", "/prompt"),
                  ("r2v-tags-missing", c(prompt="a girl dances"), "VL313", "/prompt"),
                  ("r2v-data-uri", c(image_urls=["data:image/png;base64,iVBORw0KGgo="]), "VL241", "/image_urls/0"),
                  ("r2v-base64", c(image_urls=["iVBORw0KGgo" * 40]), "VL241", "/image_urls/0"),
                  ("r2v-videos-over-15s", c(video_urls=[LONG_VIDEO, LONG_VIDEO], prompt="@image1 @video1 @video2 @audio1"),
                   "VL613", "/video_urls/1"),
                  ("r2v-audio-over-15s", c(audio_urls=["long.mp3", "long.mp3"], prompt="@image1 @video1 @audio1 @audio2"),
                   "VL613", "/audio_urls/1")]
        cases += image_cases(model, "/image_urls/0", lambda value: c(image_urls=[value]))
        cases += video_cases(model, lambda value: c(video_urls=[value]))
        cases += audio_cases(model, lambda value: c(audio_urls=[value]))
    return cases


def image_cases(model, pointer, build):
    return [("image-format-bmp", build("ok.bmp"), "VL601", pointer),
            ("image-format-heic", build("ok.heic"), "VL601", pointer),
            ("image-format-gif", build("image.gif"), "VL601", pointer),
            ("image-narrow", build("small.png"), "VL603", pointer),      # 200x300
            ("image-low", build("ok.jpg"), "VL604", pointer),            # 320x240
            ("image-aspect", build("wide-1000x300.png"), "VL605", pointer),
            ("image-missing", build("no-such-file.jpg"), "VL503", pointer),
            ("image-is-a-video", build(OK_VIDEO), "VL601", pointer)]


def video_cases(model, build):
    p = "/video_urls/0"
    return [("video-format-webm", build("webm-named.mp4"), "VL601", p),
            ("video-fps-10", build("ok.mp4"), "VL614", p),
            ("video-fps-23.976", build("gray-320x320-23.976fps-2s.mp4"), "VL614", p),  # 24 is the minimum here
            ("video-fps-120", build("gray-320x320-120fps-2s.mp4"), "VL614", p),
            ("video-frame-pixels-high", build("gray-1920x1088-24fps-2s.mp4"), "VL617", p),  # 2,088,960 px
            ("video-frame-pixels", build("ok.mp4"), "VL617", p),         # 320x240 = 76,800 px
            ("video-aspect", build("wide.mp4"), "VL605", p),             # 2000x240
            ("video-too-short", build("short.mp4"), "VL606", p),         # 0.5 s
            ("video-too-long", build("long.mp4"), "VL606", p)]           # 31 s


def audio_cases(model, build):
    p = "/audio_urls/0"
    return [("audio-format-ogg", build("voice.ogg"), "VL601", p),
            ("audio-too-short", build("short.wav"), "VL606", p),
            ("audio-too-long", build("tone-16s.mp3"), "VL606", p)]


CASES = [(f"{model}:{case_id}", request, code, pointer)
         for model in MODELS for case_id, request, code, pointer in common_cases(model) + mode_cases(model)]


@pytest.mark.parametrize("case_id, request_body, code, pointer", CASES, ids=[c[0] for c in CASES])
def test_limit_broken_once(lint, case_id, request_body, code, pointer):
    found = [(d.code, d.pointer) for d in lint(request_body).diagnostics]
    assert (code, pointer) in found, found


def test_every_model_has_cases():
    for model in MODELS:
        assert sum(1 for c in CASES if c[0].startswith(model + ":")) >= 25


# ---- byte sizes (sparse files with real headers) ----------------------------------------------


@pytest.mark.parametrize("kind, build, name, limit_mb, field", [
    ("image", sparse_jpeg, "big.jpg", 30, "image_urls"),
    ("video", sparse_mp4, "big.mp4", 50, "video_urls"),
    ("audio", sparse_wav, "big.wav", 15, "audio_urls"),
])
def test_file_size_limits(lint, tmp_path, kind, build, name, limit_mb, field):
    for size, broken in ((limit_mb * MB, False), (limit_mb * MB + 1, True)):
        build(tmp_path / name, size)
        request = clean("seedance-2.0-reference-to-video", **{field: [str(tmp_path / name)]})
        codes = [(d.code, d.pointer) for d in lint(request).diagnostics]
        assert (("VL607", f"/{field}/0") in codes) == broken, (size, codes)


@pytest.mark.parametrize("model, field", [("seedance-2.0-fast-image-to-video", "image_urls"),
                                          ("seedance-2.0-reference-to-video", "image_urls")])
def test_image_side_upper_bounds(lint, tmp_path, model, field):
    for (width, height), code in (((6000, 3000), None), ((6001, 3000), "VL603"), ((3000, 6001), "VL604")):
        name = f"{width}x{height}.png"
        png_declaring(tmp_path / name, width, height)
        found = findings(lint(clean(model, **{field: [str(tmp_path / name)]})))
        assert found == ([] if code is None else [(code, f"/{field}/0")]), (width, height, found)


def test_i2v_image_size_limit(lint, tmp_path):
    sparse_jpeg(tmp_path / "big.jpg", 30 * MB + 1)
    result = lint(clean("seedance-2.0-mini-image-to-video", image_urls=[str(tmp_path / "big.jpg")]))
    assert ("VL607", "/image_urls/0") in findings(result)


# ---- summed durations, the request body, the prompt-token bound --------------------------------


def test_videos_add_up_to_at_most_15_seconds(lint):
    three = clean("seedance-2.0-reference-to-video", video_urls=[OK_VIDEO] * 3, prompt="@image1 @video1 @video2 @video3 @audio1")
    assert findings(lint(three)) == []  # 9 s
    over = lint(clean("seedance-2.0-reference-to-video", video_urls=[LONG_VIDEO, OK_VIDEO, OK_VIDEO],
                      prompt="@image1 @video1 @video2 @video3 @audio1"))  # 8 + 3 + 3 = 14 s: fine
    assert findings(over) == []
    (total,) = [d for d in lint(clean("seedance-2.0-fast-reference-to-video", video_urls=[LONG_VIDEO, LONG_VIDEO],
                                      prompt="@image1 @video1 @video2 @audio1")).diagnostics if d.code == "VL613"]
    assert total.pointer == "/video_urls/1" and "add up to 16.0 s" in total.message and "at most 15 s" in total.message


def test_body_over_64_mb():
    from vidlint.rules.request import body_too_large

    profile = load_profile("seedance-2.0-reference-to-video")

    def found(request):
        return list(body_too_large.func(RequestContext(request, profile.meta, profile)))

    limit = 64 * MB
    base = clean(profile.name, prompt="")
    room = limit - len(json.dumps(base, separators=(",", ":")))
    assert found(clean(profile.name, prompt="a" * room)) == []
    (body,) = found(clean(profile.name, prompt="a" * (room + 1)))
    assert body.pointer == "" and f"the request body is {limit + 1:,} bytes; the limit is {limit:,} bytes" in body.message
    assert load_profile("seedance-2.0-image-to-video").meta["body"] == {"max_bytes": limit}  # no Base64 ban documented there


@pytest.mark.parametrize("prompt, warned", [
    ("a" * 40000, False),            # about one token per 4 characters of English: 10000
    ("a" * 40001, True),
    ("猫" * 10000, False),            # one token per Chinese character
    ("猫" * 10001, True),
    ("a" * 20000 + "猫" * 5001, True),
])
def test_prompt_token_estimate(lint, prompt, warned):
    """The one token-estimate rule of both Seedance families (VL305), with seedance-2.0's numbers."""
    result = lint(clean("seedance-2.0-text-to-video", prompt=prompt))
    warnings = [d for d in result.diagnostics if d.code == "VL305"]
    assert bool(warnings) == warned
    assert "VL232" not in [d.code for d in result.diagnostics]
    if warned:
        assert warnings[0].severity == Severity.WARNING and "No tokenizer is documented" in warnings[0].message
        assert warnings[0].hint == "shorten it; the docs recommend at most 500 Chinese characters or 1000 English words"


@pytest.mark.parametrize("model", R2V)
@pytest.mark.parametrize("video", ["gray-1920x1088-24fps-2s.mp4", "ok.mp4"])
def test_reference_video_resolution_tiers(lint, model, video):
    """Reference videos are documented as 480p, 720p or 1080p: the frame-pixel envelope of those tiers
    (640x640 .. 2206x946) is checked, and the message names the tiers."""
    (d,) = [d for d in lint(clean(model, video_urls=[video])).diagnostics if d.code == "VL617"]
    assert d.pointer == "/video_urls/0" and "the limit is 409,600..2,086,876 pixels" in d.message
    assert "480p, 720p or 1080p only" in d.message
    assert "VL617" not in [d.code for d in lint(clean(model, video_urls=[OK_VIDEO])).diagnostics]


# ---- messages, hints and what vidlint says about the family ------------------------------------


def test_sibling_hint_names_the_standard_model(lint):
    result = lint(clean("seedance-2.0-mini-reference-to-video", quality="1080p"))
    (hint,) = [d for d in result.diagnostics if d.code == "VL231"]
    assert "seedance-2.0-reference-to-video" in hint.message and "standard" in hint.message


def test_text_to_video_with_two_images_is_sent_to_image_to_video_of_its_tier(lint):
    result = lint(clean("seedance-2.0-fast-text-to-video", image_urls=[IMG, IMG]))
    (sibling,) = [d for d in result.diagnostics if d.code == "VL230"]
    assert "fits seedance-2.0-fast-image-to-video and passes its checks" in sibling.message


def test_not_taken_message_names_the_model_and_the_alternative(lint):
    result = lint(clean("seedance-2.0-image-to-video", audio_urls=[TUNE]))
    (vl205,) = [d for d in result.diagnostics if d.code == "VL205"]
    assert "not taken by seedance-2.0-image-to-video" in vl205.message
    assert "seedance-2.0-reference-to-video" in vl205.hint


def test_estimate_cannot_be_priced_but_counts_seconds(lint):
    result = lint(clean("seedance-2.0-reference-to-video", duration=6))
    (estimate,) = result.estimates
    assert estimate["usd"] is None and estimate["billed_seconds"] == 9  # 3 s reference video + 6 s output
    assert format_estimate(estimate).startswith("cannot be priced (9 billed s; Evolink documents no price for Seedance 2.0")
    t2v = lint(clean("seedance-2.0-text-to-video", duration=8)).estimates[0]
    assert t2v["billed_seconds"] == 8 and "web_search is charged per search" in t2v["unpriced"]


def test_profiles_share_the_family_data():
    for model in MODELS:
        meta = load_profile(model).meta
        assert meta["model"] == model and meta["family"] == "seedance-2.0"
        assert meta["defaults"] == {"duration": 5, "quality": "720p", "aspect_ratio": "adaptive",
                                    "generate_audio": True, "content_filter": True}
        assert any("4k" in note for note in meta["notes"])
        sizes = meta["output_sizes"]
        assert set(sizes) == ({"480p", "720p", "1080p", "4k"} if model in STANDARD else {"480p", "720p"})
        assert sizes["720p"]["21:9"] == [1470, 630]


def test_rules_command_lists_the_models():
    run = run_vidlint("rules", "VL613")
    assert run.code == 0
    for model in R2V:
        assert model in run.out
    assert "seedance-2.0-text-to-video" not in run.out
    listed = run_vidlint("models")
    assert all(model in listed.out for model in MODELS)


# ---- the schemas stand on their own: check-jsonschema agrees --------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_check_jsonschema_accepts_the_clean_request_and_rejects_a_broken_one(tmp_path, model):
    good = write_request(tmp_path / "good.json", clean(model, duration=8, callback_url="https://h.example.com/x"))
    bad = write_request(tmp_path / "bad.json", clean(model, duration=16))
    result = check_jsonschema(SCHEMAS / f"{model}.json", good, bad)
    assert result.returncode == 1 and "bad.json" in result.stdout and "good.json" not in result.stdout, result.stdout


# ---- the family's examples, through the CLI's JSON report ---------------------------------------


def test_examples_through_the_json_report():
    from conftest import EXAMPLES

    clean_run = run_vidlint("lint", "--format", "json", str(EXAMPLES / "clean" / "seedance-2.0-reference-edit.json"))
    assert clean_run.code == 0, clean_run.out
    assert {d["code"] for f in clean_run.json()["files"] for d in f["diagnostics"]} == {"VL502"}
    broken = run_vidlint("lint", "--format", "json", str(EXAMPLES / "broken" / "seedance-2.0-limits.json"))
    assert broken.code == 1
    found = {(d["code"], d["pointer"]) for f in broken.json()["files"] for d in f["diagnostics"]}
    assert found >= {("VL201", ""), ("VL231", "/model"), ("VL311", "/prompt"), ("VL310", "/prompt"),
                     ("VL104", "/duration"), ("VL103", "/quality"), ("VL102", "/generate_audio"),
                     ("VL105", "/seed"), ("VL401", "/callback_url")}


@pytest.mark.parametrize("model", MODELS)
def test_the_schema_example_is_clean(lint, model):
    (example,) = json.loads((SCHEMAS / f"{model}.json").read_text())["examples"]
    assert example["model"] == model and findings(lint(example)) == []
