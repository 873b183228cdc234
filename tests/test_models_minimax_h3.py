"""MiniMax H3 (text-, image- and reference-to-video): a clean request passes each model, and
every documented limit, broken once, fails with its code at its JSON pointer. Linted in process
through ``vidlint.api.lint_bytes``, with real media from ``fixtures/media`` (probed into a
cache folder of the test's own)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import apply_changes, findings, EXAMPLES, SCHEMAS, check_jsonschema, run_vidlint, write_request
from media_helpers import MB, MEDIA, png_declaring, sparse_jpeg, sparse_mp4, sparse_wav

from vidlint.api import AssetOptions, LintOptions, lint_bytes
from vidlint.check.estimate import format_estimate
from vidlint.core.diagnostics import Severity
from vidlint.models import load_profile
from vidlint.probe import ProbeCache
from vidlint.rules.registry import RequestContext

T2V, I2V, R2V = "minimax-h3-text-to-video", "minimax-h3-image-to-video", "minimax-h3-reference-to-video"
MODELS = [T2V, I2V, R2V]

IMG = "https://cdn.example.com/frame.jpg"
CLIP = "https://cdn.example.com/clip.mp4"
TUNE = "https://cdn.example.com/voice.mp3"
# committed media (paths relative to fixtures/media, the base folder of every request here)
OK_IMAGE, OK_HEIC, OK_VIDEO, LONG_VIDEO = "ok-400x300.jpg", "ok-400x300.heic", "gray-854x480-24fps-3s.mp4", "gray-854x480-24fps-8s.mp4"


def clean(model_id: str, **changes: object) -> dict:
    """The smallest clean request of ``model_id``, with ``changes`` applied (None removes a field)."""
    body: dict = {"model": model_id, "prompt": "Epic space-opera teaser, slow push-in on the captain"}
    if model_id == I2V:
        body.update(prompt="Steam rises from the bowl as the camera pushes in", image_start=OK_IMAGE)
    if model_id == R2V:
        body.update(prompt="Image 1 walks the boardwalk in the framing of Video 1, speaking with the voice of Audio 1",
                    image_urls=[OK_IMAGE], video_urls=[OK_VIDEO], audio_urls=["ok.mp3"])
    return apply_changes(body, changes, drop=None)


@pytest.fixture(scope="module")
def lint(tmp_path_factory):
    options = LintOptions(assets=AssetOptions(cache=ProbeCache(tmp_path_factory.mktemp("probe-cache"))))

    def run(request: dict, base: Path = MEDIA):
        return lint_bytes("request.json", json.dumps(request, ensure_ascii=False).encode(), False, base, options)
    return run


# ---- clean requests ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_clean_request_passes(lint, model):
    result = lint(clean(model))
    assert findings(result) == [], [(d.code, d.message) for d in result.diagnostics]
    assert result.model == model


@pytest.mark.parametrize("request_body", [
    clean(T2V, duration=15, quality="2k", aspect_ratio="21:9", callback_url="https://hooks.example.com/done"),
    clean(I2V, image_start=None, image_end=OK_IMAGE),                        # last frame only
    clean(I2V, image_end=OK_HEIC, duration=15, quality="2k"),                  # first and last frame, HEIC
    clean(R2V, image_urls=None, video_urls=None, prompt="Audio 1 sings"),      # audio alone is enough
    clean(R2V, image_urls=[OK_IMAGE] * 9, video_urls=[], audio_urls=["ok.mp3"] * 3,
          prompt="Image 1 .. Image 9 dance to Audio 1"),                       # 12 references in all
    clean(R2V, video_urls=["gray-320x320-23.976fps-2s.mp4", OK_VIDEO], prompt="Image 1 in Video 1 and Video 2"),
    clean(R2V, video_urls=[LONG_VIDEO], aspect_ratio="adaptive", quality="2k"),
], ids=["t2v-all-options", "i2v-last-frame-only", "i2v-heic-first-last", "r2v-audio-alone", "r2v-twelve",
        "r2v-23.976-fps", "r2v-8s-video"])
def test_documented_variants_pass(lint, request_body):
    result = lint(request_body)
    assert findings(result) == [], [(d.code, d.message) for d in result.diagnostics]


# ---- each documented limit broken once -----------------------------------------------------------

LONG_URL = "https://hooks.example.com/" + "a" * 2030


def common_cases(model: str) -> list[tuple[str, dict, str, str]]:
    c = lambda **kw: clean(model, **kw)  # noqa: E731
    return [
        ("prompt-required", c(prompt=None), "VL101", ""),
        ("prompt-empty", c(prompt=""), "VL109", "/prompt"),
        ("prompt-type", c(prompt=42), "VL102", "/prompt"),
        ("prompt-over-7000", c(prompt="猫" * 7001), "VL109", "/prompt"),
        ("duration-low", c(duration=3), "VL104", "/duration"),
        ("duration-high", c(duration=16), "VL104", "/duration"),
        ("duration-minus-one", c(duration=-1), "VL104", "/duration"),
        ("duration-auto", c(duration="auto"), "VL102", "/duration"),
        ("duration-numeric-string", c(duration="6"), "VL102", "/duration"),
        ("duration-decimal", c(duration=6.5), "VL102", "/duration"),
        ("quality-1080p", c(quality="1080p"), "VL103", "/quality"),
        ("quality-4k", c(quality="4k"), "VL103", "/quality"),
        ("quality-case", c(quality="2K"), "VL103", "/quality"),
        ("callback-http", c(callback_url="http://hooks.example.com/done"), "VL401", "/callback_url"),
        ("callback-uppercase-scheme", c(callback_url="HTTPS://hooks.example.com/done"), "VL401", "/callback_url"),
        ("callback-long", c(callback_url=LONG_URL), "VL402", "/callback_url"),
        ("callback-private", c(callback_url="https://10.0.0.8/done"), "VL403", "/callback_url"),
        ("callback-malformed", c(callback_url="https:///done"), "VL404", "/callback_url"),
        ("unknown-field", c(negative_prompt="blur"), "VL105", "/negative_prompt"),
        ("no-seed", c(seed=1), "VL105", "/seed"),
        ("no-generate-audio", c(generate_audio=True), "VL105", "/generate_audio"),
        ("no-model-params", c(model_params={}), "VL105", "/model_params"),
    ]


def mode_cases(model: str) -> list[tuple[str, dict, str, str]]:
    c = lambda **kw: clean(model, **kw)  # noqa: E731
    if model == T2V:
        return [("aspect-adaptive", c(aspect_ratio="adaptive"), "VL103", "/aspect_ratio"),
                ("aspect-enum", c(aspect_ratio="2:1"), "VL103", "/aspect_ratio"),
                *[(f"no-{field}", c(**{field: value}), "VL205", f"/{field}")
                  for field, value in (("image_start", IMG), ("image_end", IMG), ("image_urls", [IMG]),
                                       ("video_urls", [CLIP]), ("audio_urls", [TUNE]))],
                ("frames-fit-i2v", c(image_start=IMG, aspect_ratio=None), "VL230", "/model"),
                ("references-fit-r2v", c(video_urls=[CLIP]), "VL230", "/model")]
    if model == I2V:
        return [("no-frame", c(image_start=None), "VL220", ""),
                ("no-aspect-ratio", c(aspect_ratio="16:9"), "VL205", "/aspect_ratio"),
                ("start-type", c(image_start=[IMG]), "VL102", "/image_start"),
                ("start-empty", c(image_start=""), "VL109", "/image_start"),
                ("start-mm-file", c(image_start="mm_file://frame.png"), "VL109", "/image_start"),
                ("start-data-uri", c(image_start="data:image/png;base64,iVBORw0KGgo="), "VL241", "/image_start"),
                *[(f"no-{field}", c(**{field: [IMG]}), "VL205", f"/{field}") for field in ("image_urls", "video_urls", "audio_urls")],
                ("references-fit-r2v", c(image_start=None, image_urls=[IMG]), "VL230", "/model"),
                *image_cases("/image_start", lambda value: c(image_start=value)),
                *image_cases("/image_end", lambda value: c(image_end=value))]
    return [("no-reference", c(image_urls=None, video_urls=None, audio_urls=None), "VL201", ""),
            ("empty-references", c(image_urls=[], video_urls=[], audio_urls=[]), "VL201", ""),
            ("empty-references-sibling", c(image_urls=[], video_urls=[], audio_urls=[]), "VL231", "/model"),
            ("ten-images", c(image_urls=[IMG] * 10), "VL108", "/image_urls"),
            ("four-videos", c(video_urls=[CLIP] * 4), "VL108", "/video_urls"),
            ("four-audio", c(audio_urls=[TUNE] * 4), "VL108", "/audio_urls"),
            ("thirteen-references", c(image_urls=[IMG] * 9, video_urls=[CLIP] * 3, audio_urls=[TUNE]), "VL202", "/audio_urls"),
            ("no-image-start", c(image_start=IMG), "VL205", "/image_start"),
            ("no-image-end", c(image_end=IMG), "VL205", "/image_end"),
            ("frames-fit-i2v", c(image_urls=None, video_urls=None, audio_urls=None, image_start=IMG, aspect_ratio=None,
                                 prompt="the bowl steams"), "VL230", "/model"),
            ("aspect-enum", c(aspect_ratio="5:4"), "VL103", "/aspect_ratio"),
            ("url-ftp", c(image_urls=["ftp://cdn.example.com/a.jpg"]), "VL109", "/image_urls/0"),
            ("url-mm-file", c(video_urls=["mm_file://clip.mp4"]), "VL109", "/video_urls/0"),
            ("base64", c(audio_urls=["SUQzBAAAAAAA" * 30]), "VL241", "/audio_urls/0"),
            ("seedance-image-tag", c(prompt="@image1 walks in Video 1 to Audio 1"), "VL314", "/prompt"),
            ("seedance-video-tag", c(prompt="Image 1 walks in @video1 to Audio 1"), "VL314", "/prompt"),
            ("seedance-audio-tag", c(prompt="Image 1 walks in Video 1 to @audio1"), "VL314", "/prompt"),
            ("image-tag-out-of-range", c(prompt="Image 2 walks in Video 1 to Audio 1"), "VL310", "/prompt"),
            ("video-tag-out-of-range", c(prompt="Image 1 walks in Video 2 to Audio 1"), "VL310", "/prompt"),
            ("audio-tag-out-of-range", c(prompt="Image 1 walks in Video 1 to Audio 3"), "VL310", "/prompt"),
            ("tag-lowercase", c(prompt="image 1 walks in Video 1 to Audio 1"), "VL311", "/prompt"),
            ("tag-no-space", c(prompt="Image1 walks in Video 1 to Audio 1"), "VL311", "/prompt"),
            ("tags-missing", c(prompt="a girl walks along the sea"), "VL313", "/prompt"),
            ("videos-over-15s", c(video_urls=[LONG_VIDEO, LONG_VIDEO], prompt="Image 1, Video 1, Video 2, Audio 1"),
             "VL613", "/video_urls/1"),
            ("audio-over-15s", c(audio_urls=["long.mp3", "long.mp3"], prompt="Image 1, Video 1, Audio 1, Audio 2"),
             "VL613", "/audio_urls/1"),
            *image_cases("/image_urls/0", lambda value: c(image_urls=[value])),
            *video_cases(lambda value: c(video_urls=[value])),
            ("audio-format-ogg", c(audio_urls=["voice.ogg"]), "VL601", "/audio_urls/0"),
            ("audio-format-flac", c(audio_urls=["voice.flac"]), "VL601", "/audio_urls/0"),
            ("audio-too-short", c(audio_urls=["short.wav"]), "VL606", "/audio_urls/0"),
            ("audio-too-long", c(audio_urls=["tone-16s.mp3"]), "VL606", "/audio_urls/0")]


def image_cases(pointer, build):
    return [("image-format-bmp" + pointer, build("ok.bmp"), "VL601", pointer),
            ("image-format-gif" + pointer, build("image.gif"), "VL601", pointer),
            ("image-narrow" + pointer, build("small.png"), "VL603", pointer),     # 200x300
            ("image-low" + pointer, build("ok.jpg"), "VL604", pointer),           # 320x240
            ("image-aspect" + pointer, build("wide-1000x300.png"), "VL605", pointer),
            ("image-missing" + pointer, build("missing.heic"), "VL503", pointer)]


def video_cases(build):
    p = "/video_urls/0"
    return [("video-format-webm", build("webm-named.mp4"), "VL601", p),
            ("video-codec-mpeg4", build("mpeg4-320x320-2s.mp4"), "VL615", p),
            ("video-audio-opus", build("opus-320x320-2s.mp4"), "VL616", p),
            ("video-fps-10", build("ok.mp4"), "VL614", p),
            ("video-fps-120", build("gray-320x320-120fps-2s.mp4"), "VL614", p),
            ("video-low", build("ok.mp4"), "VL604", p),                          # 320x240
            ("video-aspect", build("wide.mp4"), "VL605", p),                      # 2000x240
            ("video-too-short", build("short.mp4"), "VL606", p),
            ("video-too-long", build("long.mp4"), "VL606", p)]


CASES = [(f"{model}:{case_id}", request, code, pointer)
         for model in MODELS for case_id, request, code, pointer in common_cases(model) + mode_cases(model)]


@pytest.mark.parametrize("case_id, request_body, code, pointer", CASES, ids=[c[0] for c in CASES])
def test_limit_broken_once(lint, case_id, request_body, code, pointer):
    found = [(d.code, d.pointer) for d in lint(request_body).diagnostics]
    assert (code, pointer) in found, found


def test_codec_and_frame_rate_failures_break_nothing_else(lint):
    """The codec fixtures are otherwise inside every limit: each finding is the one it is about."""
    for name, code in (("mpeg4-320x320-2s.mp4", "VL615"), ("opus-320x320-2s.mp4", "VL616")):
        assert findings(lint(clean(R2V, video_urls=[name]))) == [(code, "/video_urls/0")]
    hevc = [d.code for d in lint(clean(R2V, video_urls=["hevc-aac-30fps.mp4"])).diagnostics]
    assert "VL615" not in hevc and "VL616" not in hevc and "VL614" not in hevc  # H.265 + AAC at 30 fps
    (fps,) = [d for d in lint(clean(R2V, video_urls=["ok.mp4"])).diagnostics if d.code == "VL614"]
    assert "10 fps; the limit is 23.976..60 fps" in fps.message


@pytest.mark.parametrize("kind, build, name, limit_mb, field", [
    ("image", sparse_jpeg, "big.jpg", 30, "image_urls"),
    ("video", sparse_mp4, "big.mp4", 50, "video_urls"),
    ("audio", sparse_wav, "big.wav", 15, "audio_urls"),
])
def test_file_size_limits(lint, tmp_path, kind, build, name, limit_mb, field):
    for size, broken in ((limit_mb * MB, False), (limit_mb * MB + 1, True)):
        build(tmp_path / name, size)
        codes = [(d.code, d.pointer) for d in lint(clean(R2V, **{field: [str(tmp_path / name)]})).diagnostics]
        assert (("VL607", f"/{field}/0") in codes) == broken, (size, codes)


@pytest.mark.parametrize("model, field", [(I2V, "image_end"), (R2V, "image_urls")])
def test_image_side_upper_bounds(lint, tmp_path, model, field):
    for (width, height), code in (((5760, 3000), None), ((5761, 3000), "VL603"), ((3000, 5761), "VL604")):
        name = f"{width}x{height}.png"
        png_declaring(tmp_path / name, width, height)
        value = str(tmp_path / name)
        pointer = f"/{field}" if field == "image_end" else f"/{field}/0"
        found = findings(lint(clean(model, **{field: value if field == "image_end" else [value]})))
        assert found == ([] if code is None else [(code, pointer)]), (width, height, found)


def test_frame_pixels_are_no_minimax_limit(lint):
    assert findings(lint(clean(R2V, video_urls=["gray-1920x1088-24fps-2s.mp4"]))) == []


def test_body_over_64_mb():
    from vidlint.rules.request import body_too_large

    profile = load_profile(R2V)

    def found(request):
        return list(body_too_large.func(RequestContext(request, profile.meta, profile)))

    limit = 64 * MB
    base = clean(R2V, image_urls=[])
    room = limit - len(json.dumps({**base, "image_urls": [""]}, separators=(",", ":")))
    assert found({**base, "image_urls": ["h" * room]}) == []
    (body,) = found({**base, "image_urls": ["h" * (room + 1)]})
    assert body.pointer == "" and f"the limit is {limit:,} bytes" in body.message


# ---- messages, hints, estimate, what vidlint says about the family -------------------------------


def test_seedance_tag_message_quotes_the_docs(lint):
    (hit,) = [d for d in lint(clean(R2V, prompt="@image1 walks in Video 1 to Audio 1")).diagnostics if d.code == "VL314"]
    assert "Seedance-style" in hit.message and "write Image 1" in hit.message and hit.severity == Severity.ERROR
    # the forbidden form is not reported a second time as a near miss of "Image 1"
    assert "VL311" not in [d.code for d in lint(clean(R2V, prompt="@image1 walks in Video 1 to Audio 1")).diagnostics]


def test_uppercase_https_passes_seedance_but_not_minimax(lint):
    assert ("VL401", "/callback_url") in findings(lint(clean(T2V, callback_url="HTTPS://hooks.example.com/x")))
    seedance = {"model": "seedance-2.0-text-to-video", "prompt": "a cat", "callback_url": "HTTPS://hooks.example.com/x"}
    assert findings(lint(seedance)) == []


def test_image_to_video_has_no_mode_field_and_says_no_mode_info(lint):
    for request in (clean(I2V), clean(I2V, image_end=OK_IMAGE), clean(I2V, image_start=None, image_end=OK_IMAGE)):
        assert [d.code for d in lint(request).diagnostics if d.code.startswith("VL22")] == []
    (combo,) = [d for d in lint(clean(I2V, image_start=None)).diagnostics if d.code == "VL220"]
    assert "valid: image_start (first_frame); image_end (last_frame); image_start + image_end (first_last_frame)" \
        in combo.message


def test_empty_reference_request_is_sent_to_text_to_video(lint):
    (hint,) = [d for d in lint(clean(R2V, image_urls=[], video_urls=[], audio_urls=[])).diagnostics if d.code == "VL231"]
    assert "minimax-h3-text-to-video" in hint.message
    with_frame = clean(R2V, image_urls=None, video_urls=None, audio_urls=None, image_start=IMG)
    assert "VL231" not in [d.code for d in lint(with_frame).diagnostics]  # VL230 names image-to-video instead


def test_estimate_cannot_be_priced(lint):
    (estimate,) = lint(clean(R2V, duration=6)).estimates
    assert estimate["usd"] is None and estimate["billed_seconds"] == 9  # 3 s reference video + 6 s; audio is free
    assert format_estimate(estimate).startswith("cannot be priced (9 billed s; Evolink documents no price for MiniMax H3")
    assert lint(clean(T2V)).estimates[0]["billed_seconds"] == 4  # the default duration


def test_profiles_carry_the_documented_notes_and_defaults():
    for model in MODELS:
        meta = load_profile(model).meta
        assert meta["family"] == "minimax-h3" and meta["defaults"]["duration"] == 4 and meta["defaults"]["quality"] == "768p"
        assert any("cannot be cancelled" in note for note in meta["notes"])
    assert load_profile(T2V).meta["defaults"]["aspect_ratio"] == "16:9"
    assert load_profile(R2V).meta["defaults"]["aspect_ratio"] == "adaptive"
    assert "aspect_ratio" not in load_profile(I2V).fields


def test_models_and_rules_commands():
    listed = run_vidlint("models")
    assert listed.code == 0 and all(model in listed.out for model in MODELS)
    codecs = run_vidlint("rules", "VL615")
    assert codecs.code == 0 and R2V in codecs.out and '["h264", "hevc"]' in codecs.out
    forbidden = run_vidlint("rules", "VL314")
    assert R2V in forbidden.out and T2V not in forbidden.out


@pytest.mark.parametrize("model", MODELS)
def test_check_jsonschema_agrees(tmp_path, model):
    good = write_request(tmp_path / "good.json", clean(model, duration=8, callback_url="https://h.example.com/x"))
    bad = write_request(tmp_path / "bad.json", clean(model, callback_url="HTTPS://h.example.com/x"))
    result = check_jsonschema(SCHEMAS / f"{model}.json", good, bad)
    assert result.returncode == 1 and "bad.json" in result.stdout and "good.json" not in result.stdout, result.stdout


def test_examples_through_the_json_report():
    clean_run = run_vidlint("lint", "--format", "json", str(EXAMPLES / "clean" / "minimax-h3-reference.json"))
    assert clean_run.code == 0, clean_run.out
    assert {d["code"] for f in clean_run.json()["files"] for d in f["diagnostics"]} == {"VL502"}
    broken = run_vidlint("lint", "--format", "json", str(EXAMPLES / "broken" / "minimax-h3-limits.json"))
    assert broken.code == 1
    found = {(d["code"], d["pointer"]) for f in broken.json()["files"] for d in f["diagnostics"]}
    assert found >= {("VL314", "/prompt"), ("VL310", "/prompt"), ("VL202", "/audio_urls"), ("VL104", "/duration"),
                     ("VL103", "/quality"), ("VL401", "/callback_url"), ("VL105", "/generate_audio")}


@pytest.mark.parametrize("model", MODELS)
def test_the_schema_example_is_clean(lint, model):
    (example,) = json.loads((SCHEMAS / f"{model}.json").read_text())["examples"]
    assert example["model"] == model and findings(lint(example)) == []
