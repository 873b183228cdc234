"""Every documented limit of the seedance-2.5 family (text-to-video, image-to-video,
reference-to-video, video-edit, video-extend) broken once, each at its JSON pointer, with a clean
request beside it; media limits (formats, px, aspect, frame pixels, fps, durations and their
totals, the edit target's 4 s minimum) with real committed fixtures; the request body; the
documented traps (edit / extension wording on reference-to-video); the token-counted prompt
(an estimate, VL305); billing (unpriced, -1 counted as 30 s). In process through
vidlint.api.lint_bytes."""

from __future__ import annotations

import pytest

from conftest import DROP, FIXTURES, SCHEMAS, check_jsonschema, lint_request, request_builder, run_vidlint, write_request

MEDIA = FIXTURES / "media"
IMG = "https://cdn.example.com/first.jpg"
END = "https://cdn.example.com/last.jpg"
CLIP = "https://cdn.example.com/clip.mp4"
SONG = "https://cdn.example.com/bgm.mp3"
IMGS = [f"https://cdn.example.com/{i}.jpg" for i in range(31)]
CLIPS = [f"https://cdn.example.com/{i}.mp4" for i in range(11)]
SOUNDS = [f"https://cdn.example.com/{i}.mp3" for i in range(11)]
SQUARE = "square-640-24fps.mp4"      # 640x640 (409,600 px), 24 fps, 2 s
SQUARE16 = "square-640-24fps-16s.mp4"  # the same, 16 s

t2v = request_builder({"model": "seedance-2.5-text-to-video", "prompt": "A glass frog on a leaf, its heart beating"})
i2v = request_builder({"model": "seedance-2.5-image-to-video", "prompt": "The camera slowly zooms in",
                       "image_urls": [IMG]})
r2v = request_builder({"model": "seedance-2.5-reference-to-video",
                       "prompt": "Follow the framing of @video1 with @audio1 as music; the cream in @image1 is the hero",
                       "image_urls": [IMG], "video_urls": [CLIP], "audio_urls": [SONG]})
edit = request_builder({"model": "seedance-2.5-video-edit",
                        "prompt": "Edit the video: remove all passers-by in @video1", "video_urls": [CLIP]})
extend = request_builder({"model": "seedance-2.5-video-extend",
                          "prompt": "Extend @video1 backward: the character walks out of the frame",
                          "video_urls": [CLIP]})


def lint(body):
    return lint_request(body)


def found(body):
    return [(d.code, d.pointer) for d in lint(body)[0]]


EDIT_EEK = "Remove the man in @video1 and replace him with @image1"

TEXT_TO_VIDEO = [
    ("t2v-prompt-required", t2v(prompt=DROP), "VL101", "", t2v()),
    ("t2v-prompt-type", t2v(prompt=7), "VL102", "/prompt", t2v()),
    ("t2v-prompt-empty", t2v(prompt=" "), "VL302", "/prompt", t2v()),
    ("t2v-prompt-tokens-cjk", t2v(prompt="猫" * 10001), "VL305", "/prompt", t2v(prompt="猫" * 10000)),
    ("t2v-prompt-tokens-english", t2v(prompt="word " * 8001), "VL305", "/prompt", t2v(prompt="word " * 7999)),
    ("t2v-no-image-urls", t2v(image_urls=[IMG]), "VL205", "/image_urls", t2v()),
    ("t2v-no-video-urls", t2v(video_urls=[CLIP]), "VL205", "/video_urls", t2v()),
    ("t2v-no-audio-urls", t2v(audio_urls=[SONG]), "VL205", "/audio_urls", t2v()),
    ("t2v-no-image-tags", t2v(prompt="a frog like @image1"), "VL314", "/prompt", t2v(prompt="a frog like image one")),
    ("t2v-no-video-tags", t2v(prompt="moves like @video1"), "VL314", "/prompt", t2v()),
    ("t2v-no-audio-tags", t2v(prompt="dances to @audio1"), "VL314", "/prompt", t2v()),
    ("t2v-duration-low", t2v(duration=3), "VL104", "/duration", t2v(duration=4)),
    ("t2v-duration-high", t2v(duration=31), "VL104", "/duration", t2v(duration=30)),
    ("t2v-duration-zero", t2v(duration=0), "VL104", "/duration", t2v(duration=-1)),
    ("t2v-duration-type", t2v(duration="8"), "VL102", "/duration", t2v(duration=8)),
    ("t2v-quality-enum", t2v(quality="4k"), "VL103", "/quality", t2v(quality="1080p")),
    ("t2v-aspect-enum", t2v(aspect_ratio="2:1"), "VL103", "/aspect_ratio", t2v(aspect_ratio="21:9")),
    ("t2v-generate-audio-type", t2v(generate_audio="on"), "VL102", "/generate_audio", t2v(generate_audio=False)),
    ("t2v-content-filter-type", t2v(content_filter="false"), "VL102", "/content_filter", t2v(content_filter=False)),
    ("t2v-output-format-enum", t2v(output_format="webm"), "VL103", "/output_format", t2v(output_format="mov")),
    ("t2v-web-search-type", t2v(model_params={"web_search": "true"}), "VL102", "/model_params/web_search",
     t2v(model_params={"web_search": True})),
    ("t2v-model-params-unknown", t2v(model_params={"search": True}), "VL105", "/model_params/search",
     t2v(model_params={"web_search": False})),
    ("t2v-web-search-misplaced", t2v(web_search=True), "VL105", "/web_search", t2v(model_params={"web_search": True})),
    ("t2v-callback-http", t2v(callback_url="http://h.example.com/d"), "VL401", "/callback_url",
     t2v(callback_url="https://h.example.com/d")),
    ("t2v-callback-long", t2v(callback_url="https://h.example.com/" + "a" * 2040), "VL402", "/callback_url",
     t2v(callback_url="https://h.example.com/" + "a" * 2000)),
    ("t2v-callback-internal", t2v(callback_url="https://172.16.0.9/d"), "VL403", "/callback_url",
     t2v(callback_url="https://8.8.4.4/d")),
    ("t2v-fits-image-to-video", t2v(image_urls=[IMG]), "VL230", "/model", t2v()),
]

IMAGE_TO_VIDEO = [
    ("i2v-images-required", i2v(image_urls=DROP), "VL101", "", i2v()),
    ("i2v-images-empty", i2v(image_urls=[]), "VL108", "/image_urls", i2v()),
    ("i2v-images-three", i2v(image_urls=IMGS[:3]), "VL108", "/image_urls", i2v(image_urls=[IMG, END])),
    ("i2v-prompt-required", i2v(prompt=DROP), "VL101", "", i2v()),
    ("i2v-aspect-adaptive-only", i2v(aspect_ratio="16:9"), "VL103", "/aspect_ratio", i2v(aspect_ratio="adaptive")),
    ("i2v-no-video-urls", i2v(video_urls=[CLIP]), "VL205", "/video_urls", i2v()),
    ("i2v-no-audio-urls", i2v(audio_urls=[SONG]), "VL205", "/audio_urls", i2v()),
    ("i2v-no-model-params", i2v(model_params={"web_search": True}), "VL205", "/model_params", i2v()),
    ("i2v-no-video-tags", i2v(prompt="moves like @video1"), "VL314", "/prompt", i2v()),
    ("i2v-duration-high", i2v(duration=40), "VL104", "/duration", i2v(duration=6)),
    ("i2v-inline-image", i2v(image_urls=["data:image/png;base64,iVBORw0KGgo="]), "VL241", "/image_urls/0", i2v()),
    ("i2v-three-images-go-to-reference", i2v(prompt="@image1 dances", image_urls=IMGS[:3]), "VL231", "/model",
     i2v(image_urls=IMGS[:2])),
    # media, with real files
    ("i2v-image-bmp", i2v(image_urls=["ok.bmp"]), "VL601", "/image_urls/0", i2v(image_urls=["ok-640x480.jpg"])),
    ("i2v-image-gif", i2v(image_urls=["image.gif"]), "VL601", "/image_urls/0", i2v(image_urls=["ok.png"])),
    ("i2v-image-heic", i2v(image_urls=["ok.heic"]), "VL601", "/image_urls/0", i2v(image_urls=["ok-lossy.webp"])),
    ("i2v-image-narrow", i2v(image_urls=["small.png"]), "VL603", "/image_urls/0", i2v(image_urls=["ok.png"])),
    ("i2v-image-wide", i2v(image_urls=["huge-width.png"]), "VL603", "/image_urls/0", i2v(image_urls=["ok.png"])),
    ("i2v-image-aspect", i2v(image_urls=[IMG, "tall.png"]), "VL605", "/image_urls/1", i2v(image_urls=[IMG, "ok.png"])),
]

REFERENCE = [
    ("r2v-no-reference", r2v(image_urls=DROP, video_urls=DROP, audio_urls=DROP, prompt="a frog"), "VL201", "",
     r2v(image_urls=DROP, video_urls=DROP, prompt="a frog dancing to @audio1")),
    ("r2v-prompt-required", r2v(prompt=DROP), "VL101", "", r2v()),
    ("r2v-images-empty", r2v(image_urls=[]), "VL108", "/image_urls", r2v()),
    ("r2v-images-max", r2v(image_urls=IMGS), "VL108", "/image_urls", r2v(image_urls=IMGS[:30])),
    ("r2v-videos-max", r2v(video_urls=CLIPS), "VL108", "/video_urls", r2v(video_urls=CLIPS[:10])),
    ("r2v-audio-max", r2v(audio_urls=SOUNDS), "VL108", "/audio_urls", r2v(audio_urls=SOUNDS[:10])),
    ("r2v-no-model-params", r2v(model_params={"web_search": True}), "VL205", "/model_params", r2v()),
    ("r2v-tag-past-end", r2v(prompt="@image2 is the hero"), "VL310", "/prompt", r2v(prompt="@image1 is the hero")),
    ("r2v-tag-spelling", r2v(prompt="follow image1 and @video1 with @audio1"), "VL311", "/prompt", r2v()),
    ("r2v-tag-spelling-case", r2v(prompt="@Video1 framing with @audio1, @image1 as hero"), "VL311", "/prompt", r2v()),
    ("r2v-tags-unnamed", r2v(prompt="a commercial for the cream"), "VL313", "/prompt", r2v()),
    ("r2v-duration-low", r2v(duration=2), "VL104", "/duration", r2v(duration=-1)),
    ("r2v-inline-video", r2v(video_urls=["data:video/mp4;base64,AAAA"]), "VL241", "/video_urls/0", r2v()),
    # documented traps: accepted, then the task fails with InvalidParameter.TaskTypeConstraint
    ("r2v-edit-wording-fixed-aspect", r2v(prompt=EDIT_EEK, aspect_ratio="16:9", duration=-1), "VL232",
     "/aspect_ratio", r2v(prompt=EDIT_EEK, aspect_ratio="adaptive", duration=-1)),
    ("r2v-edit-wording-duration", r2v(prompt=EDIT_EEK, duration=10), "VL232", "/duration",
     r2v(prompt="The man in @video1 walks; rendered in the style of @image1", duration=10)),
    ("r2v-edit-wording-default-duration", r2v(prompt=EDIT_EEK), "VL232", "/prompt", r2v(prompt=EDIT_EEK, duration=-1)),
    ("r2v-extend-wording-fixed-aspect", r2v(prompt="Continue @video1 with @image1", aspect_ratio="9:16"), "VL232",
     "/aspect_ratio", r2v(prompt="Continue @video1 with @image1")),
    ("r2v-edit-goes-to-video-edit", r2v(prompt=EDIT_EEK, duration=-1), "VL231", "/model", r2v()),
    ("r2v-extend-goes-to-video-extend", r2v(prompt="Extend @video1 forward"), "VL231", "/model", r2v()),
    # media, with real files
    ("r2v-video-frame-rate", r2v(video_urls=["h264-opus-24fps.mp4", "ok.mp4"]), "VL614", "/video_urls/1",
     r2v(video_urls=[SQUARE])),
    ("r2v-video-frame-pixels", r2v(video_urls=["h264-opus-24fps.mp4"]), "VL617", "/video_urls/0",
     r2v(video_urls=[SQUARE])),
    ("r2v-video-height", r2v(video_urls=["h264-opus-24fps.mp4"]), "VL604", "/video_urls/0", r2v(video_urls=[SQUARE])),
    ("r2v-video-format", r2v(video_urls=["webm-named.mp4"]), "VL601", "/video_urls/0", r2v(video_urls=[SQUARE])),
    ("r2v-video-too-short", r2v(video_urls=["short.mp4"]), "VL606", "/video_urls/0", r2v(video_urls=[SQUARE])),
    ("r2v-video-too-long", r2v(video_urls=["long.mp4"]), "VL606", "/video_urls/0", r2v(video_urls=[SQUARE16])),
    ("r2v-videos-total", r2v(video_urls=[SQUARE16, SQUARE16]), "VL613", "/video_urls/1",
     r2v(video_urls=[SQUARE16, SQUARE])),
    ("r2v-audio-format", r2v(audio_urls=["voice.flac"]), "VL601", "/audio_urls/0", r2v(audio_urls=["ok.wav"])),
    ("r2v-audio-too-short", r2v(audio_urls=["short.wav"]), "VL606", "/audio_urls/0", r2v(audio_urls=["ok.mp3"])),
    ("r2v-audio-too-long", r2v(audio_urls=["thirty-one-seconds.mp3"]), "VL606", "/audio_urls/0",
     r2v(audio_urls=["sixteen-seconds.mp3"])),
    ("r2v-audio-total", r2v(audio_urls=["sixteen-seconds.mp3", "sixteen-seconds.mp3"]), "VL613", "/audio_urls/1",
     r2v(audio_urls=["sixteen-seconds.mp3", "long.mp3"])),
    ("r2v-image-aspect", r2v(image_urls=["tall.png"]), "VL605", "/image_urls/0", r2v(image_urls=["ok-640x480.jpg"])),
]

EDIT = [
    ("edit-video-required", edit(video_urls=DROP), "VL101", "", edit()),
    ("edit-videos-empty", edit(video_urls=[]), "VL108", "/video_urls", edit()),
    ("edit-videos-max", edit(video_urls=CLIPS), "VL108", "/video_urls", edit(video_urls=CLIPS[:10])),
    ("edit-images-max", edit(image_urls=IMGS), "VL108", "/image_urls", edit(image_urls=IMGS[:30])),
    ("edit-audio-empty", edit(audio_urls=[]), "VL108", "/audio_urls", edit(audio_urls=[SONG])),
    ("edit-duration-only-minus-one", edit(duration=5), "VL103", "/duration", edit(duration=-1)),
    ("edit-aspect-adaptive-only", edit(aspect_ratio="1:1"), "VL103", "/aspect_ratio", edit(aspect_ratio="adaptive")),
    ("edit-no-model-params", edit(model_params={"web_search": True}), "VL205", "/model_params", edit()),
    ("edit-no-intent", edit(prompt="A sunny day in @video1"), "VL232", "/prompt",
     edit(prompt="编辑视频：删除@video1里的路人")),
    ("edit-tag-past-end", edit(prompt="Edit the video: replace the perfume in @video1 with @image1"), "VL310",
     "/prompt", edit(prompt="Edit the video: replace the perfume in @video1 with @image1", image_urls=[IMG])),
    # the first video is the edit target: 4..30 s; the others 2..30 s
    ("edit-target-too-short", edit(video_urls=[SQUARE]), "VL606", "/video_urls/0", edit(video_urls=[SQUARE16, SQUARE])),
    ("edit-videos-total", edit(video_urls=[SQUARE16, SQUARE16]), "VL613", "/video_urls/1", edit(video_urls=[SQUARE16])),
    ("edit-frame-rate", edit(video_urls=["seven-seconds.mp4"]), "VL614", "/video_urls/0", edit(video_urls=[SQUARE16])),
]

EXTEND = [
    ("extend-video-required", extend(video_urls=DROP), "VL101", "", extend()),
    ("extend-aspect-adaptive-only", extend(aspect_ratio="16:9"), "VL103", "/aspect_ratio", extend()),
    ("extend-duration-high", extend(duration=31), "VL104", "/duration", extend(duration=12)),
    ("extend-duration-low", extend(duration=1), "VL104", "/duration", extend(duration=-1)),
    ("extend-no-direction", extend(prompt="Extend @video1 a little"), "VL232", "/prompt",
     extend(prompt="把@video1向后延长，人物走出画面")),
    ("extend-no-model-params", extend(model_params={"web_search": True}), "VL205", "/model_params", extend()),
    ("extend-video-too-short", extend(video_urls=["short.mp4"]), "VL606", "/video_urls/0", extend(video_urls=[SQUARE])),
    ("extend-videos-total", extend(video_urls=[SQUARE16, SQUARE16]), "VL613", "/video_urls/1",
     extend(video_urls=[SQUARE16, SQUARE])),
    ("extend-audio-total", extend(audio_urls=["sixteen-seconds.mp3"] * 2), "VL613", "/audio_urls/1",
     extend(audio_urls=["sixteen-seconds.mp3"])),
]

CASES = TEXT_TO_VIDEO + IMAGE_TO_VIDEO + REFERENCE + EDIT + EXTEND


@pytest.mark.parametrize("case_id, bad, code, pointer, good", CASES, ids=[c[0] for c in CASES])
def test_each_limit_breaks_at_its_pointer_and_passes_when_kept(case_id, bad, code, pointer, good):
    assert (code, pointer) in found(bad)
    assert code not in [c for c, _ in found(good)]


CLEAN = [
    t2v(), t2v(duration=8, quality="720p", aspect_ratio="16:9", generate_audio=True, content_filter=True),
    t2v(prompt="Today's New York weather, skyline and temperatures", duration=-1, model_params={"web_search": True},
        output_format="mov", content_filter=False, quality="480p", callback_url="https://hooks.example.com/d"),
    i2v(), i2v(image_urls=[IMG, END], duration=6, aspect_ratio="adaptive"), i2v(image_urls=["ok-640x480.jpg", END]),
    r2v(), r2v(image_urls=DROP, video_urls=DROP, prompt="A frog dancing to @audio1"),
    r2v(prompt="The arched window in @video1 opens into the gallery, then @video2", image_urls=DROP, audio_urls=DROP,
        video_urls=CLIPS[:2], duration=8, aspect_ratio="16:9"),
    r2v(image_urls=["ok-640x480.jpg"], video_urls=[SQUARE16, SQUARE], audio_urls=["sixteen-seconds.mp3", "long.mp3"]),
    edit(), edit(prompt="Edit the video: replace the perfume in @video1 with the face cream in @image1",
                 image_urls=[IMG], duration=-1, quality="1080p"),
    edit(video_urls=[SQUARE16, SQUARE], audio_urls=["ok.mp3"]),
    extend(), extend(prompt="Extend @video1 forward: the character walks into the sunset", duration=-1),
    extend(video_urls=[SQUARE16, SQUARE], image_urls=["ok-640x480.jpg"], duration=12),
]


@pytest.mark.parametrize("body", CLEAN, ids=[f"{b['model']}-{i}" for i, b in enumerate(CLEAN)])
def test_documented_requests_are_clean(body):
    diagnostics, _ = lint(body)
    assert diagnostics == [], diagnostics


@pytest.mark.parametrize("kind, mb, build, pointer, maker", [
    ("image", 30, lambda f: i2v(image_urls=[f]), "/image_urls/0", "sparse_jpeg"),
    ("video", 200, lambda f: r2v(video_urls=[f]), "/video_urls/0", "sparse_mp4"),
    ("audio", 15, lambda f: r2v(audio_urls=[f]), "/audio_urls/0", "sparse_wav"),
])
def test_file_size_limits(tmp_path, kind, mb, build, pointer, maker):
    """Each kind's documented "MB" limit: over the binary reading is VL607, between the readings VL610,
    at mb x 1,000,000 bytes clean (sparse files of real media, made by tests/media_helpers)."""
    from media_helpers import check_size_limits

    check_size_limits(tmp_path, mb, maker, lambda f: found(build(f)), pointer)


@pytest.mark.parametrize("build", [r2v, edit, extend], ids=["r2v", "edit", "extend"])
def test_reference_video_resolution_tiers(build):
    """Videos are documented as 480p, 720p, 1080p or 4K: the tiers' frame-pixel envelope is checked
    and the message names them."""
    (d,) = [d for d in lint(build(video_urls=["h264-opus-24fps.mp4"]))[0] if d.code == "VL617"]
    assert d.pointer == "/video_urls/0" and "480p, 720p, 1080p or 4K" in d.message
    assert "VL617" not in [c for c, _ in found(build(video_urls=[SQUARE]))]


@pytest.mark.slow
def test_body_over_64_mb_is_an_error():
    diagnostics, _ = lint(r2v(padding="x" * 67_200_000))
    assert ("VL240", "") in [(d.code, d.pointer) for d in diagnostics]
    assert "VL240" not in [d.code for d in lint(r2v(padding="x" * 1000))[0]]


def test_token_warning_says_it_is_an_estimate():
    (d,) = [d for d in lint(t2v(prompt="猫" * 12000))[0] if d.code == "VL305"]
    assert d.severity.label == "warning"
    assert "about 12,000 tokens" in d.message and "No tokenizer is documented, so this is an estimate" in d.message
    assert "500 Chinese characters or 1000 English words" in d.hint


def test_trap_message_names_the_documented_consequence():
    (d,) = [d for d in lint(r2v(prompt=EDIT_EEK, duration=-1, aspect_ratio="16:9"))[0] if d.code == "VL232"]
    assert "accepted without an error and the task later fails with InvalidParameter.TaskTypeConstraint" in d.message
    assert "seedance-2.5-video-edit" in d.hint


def test_estimate_is_unpriced_and_counts_input_video_and_the_automatic_duration_as_30_seconds():
    _, result = lint(r2v(video_urls=[SQUARE16], duration=-1))
    (estimate,) = result.estimates
    assert estimate["billed_seconds"] == 46.0 and estimate["usd"] is None
    assert "no price for seedance-2.5" in estimate["unpriced"]
    _, result = lint(edit(video_urls=[SQUARE16]))  # duration -1 by default
    assert result.estimates[0]["billed_seconds"] == 46.0


def test_schemas_stand_alone_with_check_jsonschema(tmp_path):
    for body in (t2v(model_params={"web_search": True}), i2v(image_urls=[IMG, END]), r2v(), edit(), extend()):
        path = write_request(tmp_path / f"{body['model']}.json", body)
        result = check_jsonschema(SCHEMAS / f"{body['model']}.json", path)
        assert result.returncode == 0, result.stdout + result.stderr
    path = write_request(tmp_path / "bad.json", edit(duration=5))
    result = check_jsonschema(SCHEMAS / "seedance-2.5-video-edit.json", path)
    assert result.returncode == 1


def test_models_and_rules_commands_show_the_family():
    listed = run_vidlint("models").out
    assert "seedance-2.5:" in listed
    for suffix in ("text-to-video", "image-to-video", "reference-to-video", "video-edit", "video-extend"):
        assert f"seedance-2.5-{suffix}" in listed
    shown = run_vidlint("rules", "VL305").out
    assert "seedance-2.5-reference-to-video" in shown
