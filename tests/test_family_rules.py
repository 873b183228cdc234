"""Every documented limit of wan2.7-text-to-video, wan2.7-image-to-video and wan2.7-video-edit,
and the sibling-fit hint: one request that breaks each rule and one that passes it, linted
in process through vidlint.api and the JSON report (conftest.lint_json; test_cli.py and
test_lint_cli.py cover the command line itself)."""

from __future__ import annotations

import pytest

from conftest import DROP, lint_json, request_builder, write_request

AUDIO = "https://cdn.example.com/recital.mp3"
IMG = "https://cdn.example.com/first.jpg"
END = "https://cdn.example.com/last.jpg"
CLIP = "https://cdn.example.com/clip.mp4"
IMGS = [f"https://cdn.example.com/{i}.jpg" for i in range(6)]


make = request_builder


t2v = make({"model": "wan2.7-text-to-video", "prompt": "A small kitten running under the moonlight"})
i2v = make({"model": "wan2.7-image-to-video", "generation_mode": "first_frame", "prompt": "A cat plays piano",
            "image_start": IMG})
edit = make({"model": "wan2.7-video-edit", "prompt": "Convert the scene to a clay look", "video_urls": [CLIP]})
ref = make({"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": [IMG]})

SHOTS = ("A detective story. Shot 1 [0-3s] wide angle: rainy street. Shot 2 [3-6s] medium: he enters. "
         "Shot 3 [6-9s] close-up: his eyes. Shot 4 [9-12s] corridor. Shot 5 [12-15s] the clue.")

# (id, breaking request, code it must raise, passing request)
TEXT_TO_VIDEO = [
    ("t2v-prompt-required", t2v(prompt=DROP), "VL101", t2v()),
    ("t2v-prompt-type", t2v(prompt=["a cat"]), "VL102", t2v()),
    ("t2v-prompt-truncated", t2v(prompt="k" * 5001), "VL301", t2v(prompt="k" * 5000)),
    ("t2v-negative-truncated", t2v(negative_prompt="n" * 501), "VL301", t2v(negative_prompt="n" * 500)),
    ("t2v-prompt-empty", t2v(prompt=" "), "VL302", t2v()),
    ("t2v-audio-two-tracks", t2v(audio_urls=[AUDIO, AUDIO + "?2"]), "VL108", t2v(audio_urls=[AUDIO])),
    ("t2v-audio-empty-list", t2v(audio_urls=[]), "VL108", t2v(audio_urls=[AUDIO])),
    ("t2v-audio-not-a-list", t2v(audio_urls=AUDIO), "VL102", t2v(audio_urls=[AUDIO])),
    ("t2v-audio-empty-uri", t2v(audio_urls=[""]), "VL109", t2v(audio_urls=[AUDIO])),
    ("t2v-no-image-start", t2v(image_start=IMG), "VL205", t2v()),
    ("t2v-no-image-end", t2v(image_end=END), "VL205", t2v()),
    ("t2v-no-image-urls", t2v(image_urls=[IMG]), "VL205", t2v()),
    ("t2v-no-video-urls", t2v(video_urls=[CLIP]), "VL205", t2v()),
    ("t2v-quality-enum", t2v(quality="4k"), "VL103", t2v(quality="1080p")),
    ("t2v-aspect-enum", t2v(aspect_ratio="21:9"), "VL103", t2v(aspect_ratio="9:16")),
    ("t2v-duration-low", t2v(duration=1), "VL104", t2v(duration=2)),
    ("t2v-duration-high", t2v(duration=16), "VL104", t2v(duration=15)),
    ("t2v-duration-type", t2v(duration="5"), "VL102", t2v(duration=5)),
    ("t2v-duration-fraction", t2v(duration=5.5), "VL102", t2v(duration=6)),
    ("t2v-seed-low", t2v(seed=0), "VL104", t2v(seed=1)),
    ("t2v-seed-high", t2v(seed=2147483648), "VL104", t2v(seed=2147483647)),
    ("t2v-prompt-extend-type", t2v(prompt_extend="yes"), "VL102", t2v(prompt_extend=True)),
    ("t2v-callback-http", t2v(callback_url="http://hooks.example.com/done"), "VL401",
     t2v(callback_url="https://hooks.example.com/done")),
    ("t2v-callback-long", t2v(callback_url="https://hooks.example.com/" + "a" * 2030), "VL402",
     t2v(callback_url="https://hooks.example.com/" + "a" * 2000)),
    ("t2v-callback-internal", t2v(callback_url="https://192.168.1.2/done"), "VL403",
     t2v(callback_url="https://8.8.8.8/done")),
    ("t2v-callback-malformed", t2v(callback_url="https:///done"), "VL404", t2v(callback_url="https://h.example.com/d")),
    ("t2v-unknown-field", t2v(aspectRatio="9:16"), "VL105", t2v(aspect_ratio="9:16")),
    ("t2v-model-params-unknown", t2v(model_params={"duration": 10}), "VL105", t2v(duration=10)),
    ("t2v-shots-past-duration", t2v(prompt=SHOTS, duration=10), "VL320", t2v(prompt=SHOTS, duration=15)),
    ("t2v-shots-past-default", t2v(prompt=SHOTS), "VL320", t2v(prompt=SHOTS, duration=15)),
    ("t2v-shots-overlap", t2v(prompt="Shot 1 [0-3s] street. Shot 2 [2-5s] door."), "VL321",
     t2v(prompt="Shot 1 [0-3s] street. Shot 2 [3-5s] door.")),
    ("t2v-shots-gap", t2v(prompt="Shot 1 [0-2s] street. Shot 2 [3-5s] door."), "VL321",
     t2v(prompt="Shot 1 [0-3s] street. Shot 2 [3-5s] door.")),
    ("t2v-shots-backwards", t2v(prompt="Shot 1 [3-0s] street."), "VL321", t2v(prompt="Shot 1 [0-3s] street.")),
    ("t2v-shots-numbering", t2v(prompt="Shot 1 [0-3s] street. Shot 3 [3-5s] door."), "VL321",
     t2v(prompt="Shot 1 [0-3s] street. Shot 2 [3-5s] door.")),
    ("t2v-single-shot-with-list", t2v(prompt="Generate a single-shot video. Shot 1 [0-3s] a. Shot 2 [3-5s] b."),
     "VL322", t2v(prompt="Generate a multi-shot video. Shot 1 [0-3s] a. Shot 2 [3-5s] b.")),
    ("t2v-fits-reference-video", t2v(prompt="Image 1 runs", image_urls=[IMG]), "VL230", t2v(prompt="Image 1 runs")),
]

IMAGE_TO_VIDEO = [
    ("i2v-model-required", i2v(model=DROP), "VL010", i2v()),
    ("i2v-no-input", i2v(generation_mode=DROP, image_start=DROP), "VL220", i2v(generation_mode=DROP)),
    ("i2v-start-and-video", i2v(generation_mode=DROP, video_urls=[CLIP]), "VL220", i2v(generation_mode=DROP)),
    ("i2v-end-only", i2v(generation_mode=DROP, image_start=DROP, image_end=END), "VL220",
     i2v(generation_mode=DROP, image_end=END)),
    ("i2v-audio-only", i2v(generation_mode=DROP, image_start=DROP, audio_urls=[AUDIO]), "VL220",
     i2v(generation_mode=DROP, audio_urls=[AUDIO])),
    ("i2v-video-and-audio", i2v(generation_mode=DROP, image_start=DROP, video_urls=[CLIP], audio_urls=[AUDIO]),
     "VL220", i2v(generation_mode=DROP, image_start=DROP, video_urls=[CLIP], duration=10)),
    ("i2v-start-end-video", i2v(generation_mode=DROP, image_end=END, video_urls=[CLIP]), "VL220",
     i2v(generation_mode=DROP, image_start=DROP, image_end=END, video_urls=[CLIP], duration=10)),
    ("i2v-all-four", i2v(generation_mode=DROP, image_end=END, video_urls=[CLIP], audio_urls=[AUDIO]), "VL220",
     i2v(generation_mode=DROP, image_end=END, audio_urls=[AUDIO])),
    ("i2v-first-frame-with-end", i2v(image_end=END), "VL221", i2v(generation_mode="first_last_frame", image_end=END)),
    ("i2v-first-last-without-end", i2v(generation_mode="first_last_frame"), "VL221",
     i2v(generation_mode="first_last_frame", image_end=END)),
    ("i2v-continuation-with-start", i2v(generation_mode="video_continuation"), "VL221",
     i2v(generation_mode="video_continuation", image_start=DROP, video_urls=[CLIP], duration=10)),
    ("i2v-first-frame-with-video", i2v(image_start=DROP, video_urls=[CLIP], duration=10), "VL221",
     i2v(generation_mode="video_continuation", image_start=DROP, video_urls=[CLIP], duration=10)),
    ("i2v-mode-enum", i2v(generation_mode="last_frame"), "VL103", i2v(generation_mode="first_frame")),
    ("i2v-mode-inferred", i2v(generation_mode=DROP), "VL222", i2v()),
    ("i2v-no-aspect-ratio", i2v(aspect_ratio="16:9"), "VL205", i2v()),
    ("i2v-two-videos", i2v(generation_mode="video_continuation", image_start=DROP, video_urls=[CLIP, CLIP + "?2"],
                           duration=10), "VL108",
     i2v(generation_mode="video_continuation", image_start=DROP, video_urls=[CLIP], duration=10)),
    ("i2v-empty-videos", i2v(generation_mode="video_continuation", image_start=DROP, video_urls=[], duration=10),
     "VL108", i2v(generation_mode="video_continuation", image_start=DROP, video_urls=[CLIP], duration=10)),
    ("i2v-two-audio", i2v(audio_urls=[AUDIO, AUDIO + "?2"]), "VL108", i2v(audio_urls=[AUDIO])),
    ("i2v-end-empty", i2v(generation_mode="first_last_frame", image_end=""), "VL109",
     i2v(generation_mode="first_last_frame", image_end=END)),
    ("i2v-start-type", i2v(image_start=[IMG]), "VL102", i2v()),
    ("i2v-continuation-unverified", i2v(generation_mode="video_continuation", image_start=DROP, video_urls=[CLIP]),
     "VL224", i2v(generation_mode="video_continuation", image_start=DROP, video_urls=[CLIP], duration=10)),
    ("i2v-duration-low", i2v(duration=1), "VL104", i2v(duration=2)),
    ("i2v-duration-high", i2v(duration=16), "VL104", i2v(duration=15)),
    ("i2v-quality-enum", i2v(quality="720"), "VL103", i2v(quality="720p")),
    ("i2v-seed-low", i2v(seed=0), "VL104", i2v(seed=7)),
    ("i2v-prompt-truncated", i2v(prompt="p" * 5001), "VL301", i2v(prompt="p" * 5000)),
    ("i2v-negative-truncated", i2v(negative_prompt="n" * 501), "VL301", i2v(negative_prompt="n" * 500)),
    ("i2v-prompt-extend-type", i2v(prompt_extend=1), "VL102", i2v(prompt_extend=False)),
    ("i2v-callback-http", i2v(callback_url="http://hooks.example.com/x"), "VL401",
     i2v(callback_url="https://hooks.example.com/x")),
    ("i2v-callback-internal", i2v(callback_url="https://localhost/x"), "VL403",
     i2v(callback_url="https://hooks.example.com/x")),
    ("i2v-unknown-field", i2v(image_last=END), "VL105", i2v()),
    ("i2v-fits-reference-video", i2v(generation_mode=DROP, image_urls=[IMGS[1]]), "VL230", i2v(generation_mode=DROP)),
]

VIDEO_EDIT = [
    ("edit-video-required", edit(video_urls=DROP), "VL101", edit()),
    ("edit-two-videos", edit(video_urls=[CLIP, CLIP + "?2"]), "VL108", edit()),
    ("edit-no-video", edit(video_urls=[]), "VL108", edit()),
    ("edit-video-not-a-list", edit(video_urls=CLIP), "VL102", edit()),
    ("edit-five-images", edit(image_urls=IMGS[:5]), "VL108", edit(image_urls=IMGS[:4])),
    ("edit-image-empty", edit(image_urls=[""]), "VL109", edit(image_urls=[IMG])),
    ("edit-duration-one", edit(duration=1), "VL206", edit(duration=0)),
    ("edit-duration-two", edit(duration=1), "VL206", edit(duration=2)),
    ("edit-duration-high", edit(duration=11), "VL104", edit(duration=10)),
    ("edit-duration-negative", edit(duration=-1), "VL104", edit(duration=0)),
    ("edit-duration-type", edit(duration="3"), "VL102", edit(duration=2.5)),  # a number, not only whole seconds
    ("edit-duration-fraction", edit(duration=1.5), "VL206", edit(duration=2.5)),
    ("edit-keep-sound-type", edit(keep_original_sound="true"), "VL102", edit(keep_original_sound=True)),
    ("edit-aspect-enum", edit(aspect_ratio="2:1"), "VL103", edit(aspect_ratio="1:1")),
    ("edit-quality-enum", edit(quality="1080"), "VL103", edit(quality="1080p")),
    ("edit-seed-high", edit(seed=2 ** 31), "VL104", edit(seed=2 ** 31 - 1)),
    ("edit-prompt-truncated", edit(prompt="e" * 5001), "VL301", edit(prompt="e" * 5000)),
    ("edit-negative-truncated", edit(negative_prompt="n" * 501), "VL301", edit(negative_prompt="n" * 500)),
    ("edit-prompt-extend-type", edit(prompt_extend="false"), "VL102", edit(prompt_extend=False)),
    ("edit-callback-long", edit(callback_url="https://hooks.example.com/" + "a" * 2030), "VL402",
     edit(callback_url="https://hooks.example.com/ok")),
    ("edit-callback-internal", edit(callback_url="https://10.0.0.8/x"), "VL403", edit(callback_url="https://1.1.1.1/x")),
    ("edit-no-audio-urls", edit(audio_urls=[AUDIO]), "VL105", edit()),
    ("edit-fits-image-to-video", edit(image_end=END), "VL230", edit()),
]

REFERENCE_VIDEO_SIBLING = [
    ("ref-fits-image-to-video", ref(image_urls=DROP, image_start=IMG, image_end=END), "VL230",
     ref(image_start=IMG)),
]

CASES = TEXT_TO_VIDEO + IMAGE_TO_VIDEO + VIDEO_EDIT + REFERENCE_VIDEO_SIBLING


def lint_pair(tmp_path, bad, good):
    bad_file = write_request(tmp_path / "bad.json", bad)
    good_file = write_request(tmp_path / "good.json", good)
    result = lint_json(str(bad_file), str(good_file))
    assert result.err == ""
    files = {f["path"].rsplit("/", 1)[-1]: f for f in result.json()["files"]}
    return files["bad.json"]["diagnostics"], files["good.json"]["diagnostics"]


@pytest.mark.parametrize("case_id, bad, code, good", CASES, ids=[c[0] for c in CASES])
def test_rule_breaks_and_passes(tmp_path, case_id, bad, code, good):
    bad_diags, good_diags = lint_pair(tmp_path, bad, good)
    assert code in [d["code"] for d in bad_diags], bad_diags
    assert code not in [d["code"] for d in good_diags], good_diags


def diagnostics_of(tmp_path, body):
    """The request's diagnostics, leaving out VL502 (a remote asset is never fetched while linting)."""
    path = write_request(tmp_path / "r.json", body)
    result = lint_json(str(path))
    assert result.err == ""
    return result, [d for d in result.json()["files"][0]["diagnostics"] if d["code"] != "VL502"]


@pytest.mark.parametrize("body", [
    t2v(), t2v(audio_urls=[AUDIO], duration=10, quality="1080p", aspect_ratio="1:1", seed=42, prompt_extend=True,
               negative_prompt="blurry", callback_url="https://hooks.example.com/done"),
    t2v(prompt=SHOTS, duration=15),
    i2v(), i2v(audio_urls=[AUDIO]), i2v(generation_mode="first_last_frame", image_end=END),
    i2v(generation_mode="first_last_frame", image_end=END, audio_urls=[AUDIO]),
    i2v(generation_mode="video_continuation", image_start=DROP, video_urls=[CLIP], duration=15),
    i2v(generation_mode="video_continuation", image_start=DROP, video_urls=[CLIP], image_end=END, duration=10),
    i2v(prompt=DROP), edit(), edit(image_urls=IMGS[:4], keep_original_sound=True, duration=10, aspect_ratio="9:16"),
    edit(prompt=DROP, duration=0, image_urls=IMGS[:1]),
], ids=lambda body: body["model"])
def test_documented_requests_are_clean(tmp_path, body):
    result, found = diagnostics_of(tmp_path, body)
    assert found == [] and result.code == 0


def test_invalid_combination_names_what_it_has_and_what_is_valid(tmp_path):
    result, found = diagnostics_of(tmp_path, i2v(generation_mode=DROP, video_urls=[CLIP]))
    (diag,) = [d for d in found if d["code"] == "VL220"]
    assert "the inputs are image_start + video_urls, which is not a valid combination" in diag["message"]
    for combo in ("image_start (first_frame)", "image_start + audio_urls (first_frame)",
                  "image_start + image_end (first_last_frame)", "image_start + image_end + audio_urls (first_last_frame)",
                  "video_urls (video_continuation)", "video_urls + image_end (video_continuation)"):
        assert combo in diag["message"]
    assert diag["hint"] == "remove video_urls (first_frame) or remove image_start (video_continuation)"
    assert result.code == 1


def test_mode_mismatch_says_which_mode_the_inputs_belong_to(tmp_path):
    _, found = diagnostics_of(tmp_path, i2v(image_end=END))
    (diag,) = [d for d in found if d["code"] == "VL221"]
    assert diag["pointer"] == "/generation_mode"
    assert 'generation_mode is "first_frame", but the inputs image_start + image_end are those of first_last_frame' \
        in diag["message"]
    assert diag["hint"] == 'set generation_mode to "first_last_frame", or remove image_end'
    assert "VL220" not in [d["code"] for d in found]  # a valid combination: only the mismatch is reported


def test_inferred_mode_is_an_info_that_names_the_mode(tmp_path):
    result, found = diagnostics_of(tmp_path, i2v(generation_mode=DROP, image_end=END))
    assert [(d["code"], d["severity"]) for d in found] == [("VL222", "info")]
    assert "from image_start + image_end the server picks first_last_frame" in found[0]["message"]
    assert result.code == 0


def test_sibling_hint_names_the_sibling_and_whether_it_passes(tmp_path):
    result, found = diagnostics_of(tmp_path, ref(image_urls=DROP, image_start=IMG, image_end=END))
    (diag,) = [d for d in found if d["code"] == "VL230"]
    assert diag["severity"] == "warning" and diag["pointer"] == "/model"
    assert "image_end is not taken by wan2.7-reference-video, but this request fits wan2.7-image-to-video " \
           "and passes its checks" in diag["message"]
    assert diag["hint"] == 'set "model": "wan2.7-image-to-video" if that is the model you meant'
    fixed = lint_json(str(write_request(
        tmp_path / "fixed.json", i2v(generation_mode="first_last_frame", image_end=END))))
    assert fixed.code == 0 and fixed.json()["summary"]["errors"] == 0


def test_no_sibling_hint_for_plain_typos(tmp_path):
    _, found = diagnostics_of(tmp_path, t2v(aspectRatio="1:1", durations=5))
    assert "VL230" not in [d["code"] for d in found]


def test_no_sibling_hint_when_the_sibling_is_no_better(tmp_path):
    # image_end alone: image-to-video takes the fields but rejects image_end without a start or a clip
    _, found = diagnostics_of(tmp_path, t2v(image_end=END))
    codes = [d["code"] for d in found]
    assert "VL205" in codes and "VL230" not in codes
    assert "VL230" in [d["code"] for d in diagnostics_of(tmp_path, t2v(image_start=IMG))[1]]


def test_not_taken_message_names_the_field_and_model(tmp_path):
    _, found = diagnostics_of(tmp_path, t2v(video_urls=[CLIP]))
    (diag,) = [d for d in found if d["code"] == "VL205"]
    assert diag["pointer"] == "/video_urls"
    assert diag["message"].startswith("video_urls is not taken by wan2.7-text-to-video")


def test_not_taken_fields_are_not_did_you_mean_targets(tmp_path):
    _, found = diagnostics_of(tmp_path, t2v(image_url=[IMG]))
    (diag,) = [d for d in found if d["code"] == "VL105"]
    assert "did you mean" not in diag["message"]
    assert "image_urls" not in diag["hint"]


def test_shot_diagnostic_points_at_the_shot(tmp_path):
    text = '{\n  "model": "wan2.7-text-to-video",\n  "prompt": "Shot 1 [0-3s] a. Shot 2 [3-7s] b."\n}\n'
    path = tmp_path / "r.json"
    path.write_text(text)
    result = lint_json(str(path))
    (diag,) = [d for d in result.json()["files"][0]["diagnostics"] if d["code"] == "VL320"]
    assert (diag["line"], diag["column"]) == (3, text.splitlines()[2].index("Shot 2") + 1)
    assert "duration is 5 s (the default)" in diag["message"] and diag["severity"] == "warning"


def test_video_edit_duration_one_message(tmp_path):
    _, found = diagnostics_of(tmp_path, edit(duration=1))
    assert [d["code"] for d in found] == ["VL206"]
    assert "0 (keep the input video's length) or 2..10 s" in found[0]["message"]


EXAMPLE_CODES = {
    "text-to-video-inputs-and-shots.json": {"VL205", "VL108", "VL230", "VL320"},
    "image-to-video-mode-mismatch.json": {"VL221", "VL205", "VL104"},
    "video-edit-limits.json": {"VL108", "VL206", "VL102"},
    "reference-video-fits-image-to-video.json": {"VL105", "VL201", "VL230"},
}


def test_family_examples_show_their_problems():
    from conftest import EXAMPLES

    result = lint_json(*[str(EXAMPLES / "broken" / name) for name in EXAMPLE_CODES])
    assert result.code == 1
    for entry in result.json()["files"]:
        codes = {d["code"] for d in entry["diagnostics"]} - {"VL502"}
        assert codes == EXAMPLE_CODES[entry["path"].rsplit("/", 1)[-1]], entry


def test_shot_scanner_is_linear_on_hostile_prompts():
    import time

    from vidlint.rules.prompt import timed_shots

    for text in ["shot 1 [0 " + " " * 20000 + "x", "shot 1 [0-3 " + " " * 20000, "Shot 1 [" + "1" * 20000]:
        started = time.perf_counter()
        assert timed_shots(text) == []
        assert time.perf_counter() - started < 0.5  # quadratic backtracking took seconds here
