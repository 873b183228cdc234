"""Rules that weigh a request against its probed input media (video_continuation length, driving
audio vs duration). They read the facts the asset check returns (``check_assets``: one entry
per asset with its pointer, kind and probe); here the facts are given as that data."""

from __future__ import annotations

import pytest

from vidlint.rules.registry import RequestContext, run_stage
from vidlint.models import load_profile

CLIP = "clips/opening.mp4"
AUDIO = "voice/recital.mp3"


def facts(pointer, kind, duration, error=None):
    probe = {"kind": kind, "duration": duration, "error": error}
    return {"assets": [{"pointer": pointer, "kind": kind, "resolution": "local", "path": "/x", "probe": probe}]}


def run(model, request, given):
    profile = load_profile(model)
    return [(d.code, d.severity.label, d.pointer, d.message, d.hint)
            for d in run_stage("facts", RequestContext(request, profile.meta, profile, given), profile.meta)]


def continuation(**extra):
    return {"model": "wan2.7-image-to-video", "generation_mode": "video_continuation", "video_urls": [CLIP], **extra}


def test_continuation_shorter_than_the_clip_is_an_error():
    found = run("wan2.7-image-to-video", continuation(duration=5), facts("/video_urls/0", "video", 7.2))
    (code, severity, pointer, message, hint), = [f for f in found if f[0] == "VL223"]
    assert severity == "error" and pointer == "/duration"
    assert "duration is 5 s, the total length in video_continuation, but the input clip video_urls[0] is 7.2 s" in message
    assert hint.startswith("set duration to at least 8")


def test_continuation_default_duration_counts():
    found = run("wan2.7-image-to-video", continuation(), facts("/video_urls/0", "video", 6.0))
    (entry,) = [f for f in found if f[0] == "VL223"]
    assert entry[2] == "" and "duration is 5 s (the default)" in entry[3]


def test_continuation_mode_inferred_from_inputs():
    request = continuation(duration=4)
    del request["generation_mode"]
    assert "VL223" in [f[0] for f in run("wan2.7-image-to-video", request, facts("/video_urls/0", "video", 4.5))]


@pytest.mark.parametrize("duration, clip, expected", [
    (10, 7.2, []),                       # 2.8 s of continuation
    (8, 7.2, ["VL224"]),                 # only 0.8 s generated: said as an info
    (8, 8.0, ["VL227"]),                 # nothing generated: the clip comes back as is, billed (a warning)
    (8, 8.04, ["VL227"]),                # 40 ms over: encoder padding, not VL223's error
    (7, 7.2, ["VL223"]),
])
def test_continuation_lengths(duration, clip, expected):
    found = run("wan2.7-image-to-video", continuation(duration=duration), facts("/video_urls/0", "video", clip))
    assert [f[0] for f in found] == expected


def test_nothing_generated_message():
    (entry,) = run("wan2.7-image-to-video", continuation(duration=8), facts("/video_urls/0", "video", 8.0))
    assert entry[1] == "warning" and entry[0] == "VL227"
    assert "nothing is generated, the server returns the input clip as is and bills 8 s" in entry[3]
    assert entry[4] == "set duration to 9 or more to continue the clip"


def test_unprobed_clip_is_an_info_only_when_duration_could_be_too_short():
    short = run("wan2.7-image-to-video", continuation(duration=6), {})
    assert [(f[0], f[1]) for f in short] == [("VL224", "info")]
    assert "the input clip was not probed: it must be at most 6 s" in short[0][3]
    assert run("wan2.7-image-to-video", continuation(duration=10), {}) == []  # clips are at most 10 s
    failed_probe = facts("/video_urls/0", "video", None, error="corrupt")
    assert [f[0] for f in run("wan2.7-image-to-video", continuation(duration=6), failed_probe)] == ["VL224"]


def test_no_continuation_rules_outside_continuation_mode():
    request = {"model": "wan2.7-image-to-video", "generation_mode": "first_frame", "image_start": "a.jpg", "duration": 3}
    assert run("wan2.7-image-to-video", request, facts("/video_urls/0", "video", 9.0)) == []


@pytest.mark.parametrize("model, extra", [
    ("wan2.7-text-to-video", {"prompt": "A kitten general recites a poem"}),
    ("wan2.7-image-to-video", {"generation_mode": "first_frame", "image_start": "a.jpg"}),
])
def test_driving_audio_longer_than_duration_is_truncated(model, extra):
    request = {"model": model, "audio_urls": [AUDIO], "duration": 5, **extra}
    found = run(model, request, facts("/audio_urls/0", "audio", 12.0))
    assert [(f[0], f[1], f[2]) for f in found] == [("VL225", "warning", "/audio_urls/0")]
    assert "the driving audio is 12 s but duration is 5 s: only the first 5 s of the audio are used" in found[0][3]
    assert found[0][4] == "set duration to 12, or trim the audio to 5 s"


@pytest.mark.parametrize("duration, audio, code, hint", [
    (15, 20.0, "VL225", "trim the audio to 15 s (duration is already 15 s, the nearest it can be)"),
    (2, 1.5, "VL226", "use a track of at least 2 s (duration is already 2 s, the nearest it can be)"),
    (5, 3.0, "VL226", "set duration to 3, or use a track of at least 5 s"),
])
def test_driving_audio_hints_never_propose_the_value_already_set(duration, audio, code, hint):
    request = {"model": "wan2.7-text-to-video", "prompt": "x", "audio_urls": [AUDIO], "duration": duration}
    (found,) = run("wan2.7-text-to-video", request, facts("/audio_urls/0", "audio", audio))
    assert (found[0], found[4]) == (code, hint)
    assert f"set duration to {duration}," not in found[4]


@pytest.mark.parametrize("model, extra", [
    ("wan2.7-text-to-video", {"prompt": "A kitten general recites a poem"}),
    ("wan2.7-image-to-video", {"generation_mode": "first_frame", "image_start": "a.jpg"}),
])
def test_driving_audio_shorter_than_duration_leaves_silence(model, extra):
    request = {"model": model, "audio_urls": [AUDIO], **extra}  # default duration 5
    found = run(model, request, facts("/audio_urls/0", "audio", 3.0))
    assert [(f[0], f[1]) for f in found] == [("VL226", "info")]
    assert "the last 2 s of the video are silent" in found[0][3]


def test_driving_audio_matching_duration_is_quiet():
    request = {"model": "wan2.7-text-to-video", "prompt": "x", "audio_urls": [AUDIO], "duration": 10}
    assert run("wan2.7-text-to-video", request, facts("/audio_urls/0", "audio", 10.02)) == []
    assert run("wan2.7-text-to-video", request, {}) == []  # not probed: nothing to say


def test_fact_rules_only_for_models_whose_profile_enables_them():
    request = {"model": "wan2.7-reference-video", "prompt": "Video 1", "video_urls": [CLIP], "audio_urls": [AUDIO],
               "duration": 5}
    given = facts("/audio_urls/0", "audio", 9.0)
    assert [f[0] for f in run("wan2.7-reference-video", request, given)] == ["VL217"]  # not VL225/VL226
    assert run("wan2.7-video-edit", {"model": "wan2.7-video-edit", "video_urls": [CLIP]}, {}) == []


# --- end to end: real media files, probed by `vidlint lint` -----------------------------------

import shutil  # noqa: E402

from conftest import FIXTURES, lint_json, run_vidlint, write_request  # noqa: E402


def lint_with_media(tmp_path, body, *media):
    for name in media:
        shutil.copy(FIXTURES / "media" / name, tmp_path / name)
    path = write_request(tmp_path / "r.json", body)
    result = lint_json(path, no_cache=True)
    assert result.err == "", result.err
    entry = result.json()["files"][0]
    return result, [d for d in entry["diagnostics"] if d["code"] != "VL501"], entry


def test_probed_continuation_clip_longer_than_duration(tmp_path):
    body = continuation(duration=5)
    body["video_urls"] = ["seven-seconds.mp4"]
    result, found, _ = lint_with_media(tmp_path, body, "seven-seconds.mp4")
    assert [(d["code"], d["pointer"]) for d in found] == [("VL223", "/duration")]
    assert "the input clip video_urls[0] is 7 s" in found[0]["message"] and result.code == 1


@pytest.mark.parametrize("duration, codes", [(7, ["VL227"]), (10, [])])
def test_probed_continuation_clip_fits(tmp_path, duration, codes):
    body = continuation(duration=duration)
    body["video_urls"] = ["seven-seconds.mp4"]
    result, found, entry = lint_with_media(tmp_path, body, "seven-seconds.mp4")
    assert [d["code"] for d in found] == codes and result.code == 0
    assert entry["estimate"]["billed_seconds"] == duration  # billed on the total, the clip is not added


def test_probed_driving_audio_truncated_and_short(tmp_path):
    body = {"model": "wan2.7-text-to-video", "prompt": "A kitten recites a poem", "audio_urls": ["long.mp3"], "duration": 5}
    result, found, _ = lint_with_media(tmp_path, body, "long.mp3")
    assert [(d["code"], d["severity"]) for d in found] == [("VL225", "warning")]
    body.update(audio_urls=["ok.wav"], duration=8)
    _, found, _ = lint_with_media(tmp_path, body, "ok.wav")
    assert [(d["code"], d["severity"]) for d in found] == [("VL226", "info")]
    assert "the last 6 s of the video are silent" in found[0]["message"]


def test_audio_limits_are_per_model(tmp_path):
    """The same 11 s voice clip: inside text-to-video's 2..30 s, outside reference-video's 1..10 s."""
    t2v = {"model": "wan2.7-text-to-video", "prompt": "A poem", "audio_urls": ["long.mp3"], "duration": 11}
    _, found, _ = lint_with_media(tmp_path, t2v, "long.mp3")
    assert "VL606" not in [d["code"] for d in found]
    ref = {"model": "wan2.7-reference-video", "prompt": "Image 1 reads", "image_urls": ["ok.jpg"], "audio_urls": ["long.mp3"]}
    _, found, _ = lint_with_media(tmp_path, ref, "long.mp3", "ok.jpg")
    assert [(d["code"], d["pointer"]) for d in found] == [("VL606", "/audio_urls/0")]
    short = {"model": "wan2.7-text-to-video", "prompt": "A poem", "audio_urls": ["short.wav"], "duration": 2}
    _, found, _ = lint_with_media(tmp_path, short, "short.wav")
    (too_short,) = [d for d in found if d["code"] == "VL606"]
    assert "2..30 s" in too_short["message"]


@pytest.mark.parametrize("clip, codes", [("ok.mp4", []), ("long.mp4", ["VL606"]), ("short.mp4", ["VL606"])])
def test_video_edit_input_video_limits(tmp_path, clip, codes):
    body = {"model": "wan2.7-video-edit", "prompt": "Clay look", "video_urls": [clip]}
    _, found, entry = lint_with_media(tmp_path, body, clip)
    assert [d["code"] for d in found] == codes
    if not codes:  # duration 0: the output is as long as the input, and both are billed
        assert entry["estimate"]["billed_seconds"] == 4


def test_image_to_video_end_frame_is_an_image_asset(tmp_path):
    body = {"model": "wan2.7-image-to-video", "generation_mode": "first_last_frame", "image_start": "ok.jpg",
            "image_end": "alpha.png"}
    _, found, _ = lint_with_media(tmp_path, body, "ok.jpg", "alpha.png")
    assert [(d["code"], d["pointer"]) for d in found] == [("VL608", "/image_end")]


def test_video_edit_cost_unknown_when_the_input_length_is(tmp_path):
    body = {"model": "wan2.7-video-edit", "prompt": "Clay look", "video_urls": ["https://cdn.example.com/s.mp4"]}
    result = run_vidlint("lint", str(write_request(tmp_path / "r.json", body)))
    assert "Estimated cost: unavailable (unknown duration)" in result.out
    assert "cost estimate unavailable" not in result.out
    body["duration"] = 4  # cut to 4 s: at least the 4 output seconds are known
    result = lint_json(str(write_request(tmp_path / "r.json", body)))
    estimate = result.json()["files"][0]["estimate"]
    assert estimate["output_seconds"] == 4 and estimate["complete"] is False
