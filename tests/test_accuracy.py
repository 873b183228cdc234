"""Issue 13: every documented limit read the way the server reads it, and input that must never
choke lint. Each test holds a request or a file that shows one point; the media are committed
fixtures (fixtures/make_fixtures.sh) or made here with Pillow."""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_vidlint, write_request

from vidlint.api import AssetOptions, LintOptions, lint_paths
from vidlint.check.assets import check_assets
from vidlint.models import load_profile
from vidlint.probe import ProbeCache

MEDIA = FIXTURES / "media"


def lint_one(path: Path, **options: Any) -> list[tuple[str, str, str, str]]:
    """(code, severity, pointer, message) of every finding in one request file, linted in-process."""
    run = lint_paths([str(path)], LintOptions(assets=AssetOptions(no_cache=True), **options))
    assert run.path_errors == []
    (result,) = run.files
    return [(d.code, d.severity.label, d.pointer, d.message) for d in result.diagnostics]


def codes_at(found: list[tuple[str, str, str, str]]) -> set[tuple[str, str]]:
    return {(code, pointer) for code, _, pointer, _ in found}


def with_media(tmp_path: Path, body: dict[str, Any], *names: str) -> Path:
    for name in names:
        shutil.copy(MEDIA / name, tmp_path / name)
    return write_request(tmp_path / "request.json", body)


# ---- blank asset strings, in every asset-bearing field of the four models ---------------------

BLANK_FIELDS = [
    ("wan2.7-reference-video", {"prompt": "Image 1 waves", "image_urls": [" "]}, "/image_urls/0"),
    ("wan2.7-reference-video", {"prompt": "Video 1 waves", "video_urls": ["\t"]}, "/video_urls/0"),
    ("wan2.7-reference-video", {"prompt": "Image 1 waves", "image_urls": ["https://cdn.example.com/a.jpg"],
                                "image_start": "  "}, "/image_start"),
    ("wan2.7-reference-video", {"prompt": "Image 1 waves", "image_urls": ["https://cdn.example.com/a.jpg"],
                                "audio_urls": [" "]}, "/audio_urls/0"),
    ("wan2.7-reference-video", {"prompt": "Image 1 waves", "image_urls": ["https://cdn.example.com/a.jpg"],
                                "model_params": {"voice_bindings": {"image1": " "}}},
     "/model_params/voice_bindings/image1"),
    ("wan2.7-image-to-video", {"generation_mode": "first_frame", "image_start": " "}, "/image_start"),
    ("wan2.7-image-to-video", {"generation_mode": "first_last_frame", "image_start": "https://cdn.example.com/a.jpg",
                               "image_end": "\u00a0"}, "/image_end"),
    ("wan2.7-image-to-video", {"generation_mode": "video_continuation", "video_urls": [" "]}, "/video_urls/0"),
    ("wan2.7-image-to-video", {"generation_mode": "first_frame", "image_start": "https://cdn.example.com/a.jpg",
                               "audio_urls": [" "]}, "/audio_urls/0"),
    ("wan2.7-text-to-video", {"prompt": "A poem", "audio_urls": [" "]}, "/audio_urls/0"),
    ("wan2.7-video-edit", {"prompt": "clay", "video_urls": [" "]}, "/video_urls/0"),
    ("wan2.7-video-edit", {"prompt": "clay", "video_urls": ["https://cdn.example.com/a.mp4"], "image_urls": [" "]},
     "/image_urls/0"),
]


@pytest.mark.parametrize("model, body, pointer", BLANK_FIELDS, ids=lambda v: v if isinstance(v, str) else None)
def test_blank_asset_strings_are_errors_in_every_asset_field(tmp_path: Path, model: str, body: dict[str, Any],
                                                             pointer: str) -> None:
    found = lint_one(write_request(tmp_path / "r.json", {"model": model, **body}))
    blank = [f for f in found if f[2] == pointer and f[1] == "error"]
    assert blank, found
    assert "only white space: the server reads it as empty" in blank[0][3]


def test_a_blank_input_video_leaves_the_estimate_incomplete(tmp_path: Path) -> None:
    path = write_request(tmp_path / "r.json", {"model": "wan2.7-video-edit", "prompt": "clay", "video_urls": [" "]})
    run = lint_paths([str(path)], LintOptions(assets=AssetOptions(no_cache=True)))
    (estimate,) = run.files[0].estimates
    assert estimate["complete"] is False


# ---- voices: empty voice_bindings, and where audio_urls binds ------------------------------------

def test_empty_voice_bindings_with_audio_urls_is_a_warning(tmp_path: Path) -> None:
    path = write_request(tmp_path / "r.json", {
        "model": "wan2.7-reference-video", "prompt": "Image 1 sings", "image_urls": ["https://cdn.example.com/a.jpg"],
        "audio_urls": ["https://cdn.example.com/v.mp3"], "model_params": {"voice_bindings": {}}})
    (hit,) = [f for f in lint_one(path) if f[0] == "VL214"]
    assert hit[1] == "warning" and hit[2] == "/audio_urls"
    assert "voice_bindings is given but empty" in hit[3] and "every voice in audio_urls may be dropped" in hit[3]


def test_audio_urls_binding_to_a_video_with_its_own_sound_is_said(tmp_path: Path) -> None:
    """The voice meant for the image lands on the video (replacing its sound); the image stays silent."""
    body = {"model": "wan2.7-reference-video", "prompt": "Video 1 talks to Image 1",
            "video_urls": ["with-sound.mp4"], "image_urls": ["ok.jpg"], "audio_urls": ["ok.wav"], "duration": 5}
    found = lint_one(with_media(tmp_path, body, "with-sound.mp4", "ok.jpg", "ok.wav"))
    binding = [f for f in found if f[0] == "VL217"]
    assert sorted((f[1], f[2]) for f in binding) == [("info", "/audio_urls"), ("info", "/audio_urls/0")]
    binding.sort(key=lambda f: f[2], reverse=True)
    assert "audio_urls[0] binds to video_urls[0], replacing that video's own audio" in binding[0][3]
    assert "image_urls[0] gets no voice from audio_urls and no audio of its own: silent" in binding[1][3]
    silent_video = dict(body, video_urls=["ok.mp4"], audio_urls=["ok.wav", "ok.wav"])
    found = lint_one(with_media(tmp_path, silent_video, "ok.mp4"))
    assert "(the video has no audio of its own)" in [f for f in found if f[0] == "VL217"][0][3]


# ---- wan2.7-video-edit --------------------------------------------------------------------------

def test_video_edit_duration_longer_than_the_input_is_an_error(tmp_path: Path) -> None:
    body = {"model": "wan2.7-video-edit", "prompt": "clay look", "video_urls": ["ok.mp4"], "duration": 4}
    found = lint_one(with_media(tmp_path, body, "ok.mp4"))
    (cut,) = [f for f in found if f[0] == "VL228"]
    assert cut[1:3] == ("error", "/duration")
    assert "duration is 4 s, a cut of the input video from 0 s, but video_urls[0] is only 2 s" in cut[3]
    for duration in (0, 2, 2.0):
        body["duration"] = duration
        assert "VL228" not in {f[0] for f in lint_one(with_media(tmp_path, body))}


def test_video_edit_duration_is_a_number(tmp_path: Path) -> None:
    body = {"model": "wan2.7-video-edit", "prompt": "clay look", "video_urls": ["seven-seconds.mp4"], "duration": 6.5}
    found = lint_one(with_media(tmp_path, body, "seven-seconds.mp4"))
    assert [f for f in found if f[1] != "info"] == []
    body["duration"] = 1.5
    assert "VL206" in {f[0] for f in lint_one(with_media(tmp_path, body))}


def test_video_edit_without_prompt_or_images_is_a_warning(tmp_path: Path) -> None:
    body = {"model": "wan2.7-video-edit", "video_urls": ["https://cdn.example.com/a.mp4"]}
    (hit,) = [f for f in lint_one(write_request(tmp_path / "r.json", body)) if f[0] == "VL229"]
    assert hit[1] == "warning" and "nothing says what to edit" in hit[3]
    body["prompt"] = "   "
    assert "VL229" in {f[0] for f in lint_one(write_request(tmp_path / "r.json", body))}
    body["image_urls"] = ["https://cdn.example.com/hat.jpg"]
    assert "VL229" not in {f[0] for f in lint_one(write_request(tmp_path / "r.json", body))}


# ---- image-to-video continuation that adds nothing ----------------------------------------------

def test_continuation_equal_to_the_clip_is_a_warning_that_says_it_is_billed(tmp_path: Path) -> None:
    body = {"model": "wan2.7-image-to-video", "generation_mode": "video_continuation",
            "video_urls": ["seven-seconds.mp4"], "duration": 7}
    found = lint_one(with_media(tmp_path, body, "seven-seconds.mp4"))
    (hit,) = [f for f in found if f[0] == "VL227"]
    assert hit[1] == "warning"
    assert "the server returns the input clip as is and bills 7 s" in hit[3]


# ---- prompt references counted from 1 -----------------------------------------------------------

def test_image_0_and_tu_0_are_errors(tmp_path: Path) -> None:
    body = {"model": "wan2.7-reference-video", "prompt": "Image 0 waves at 图0 and Video 0",
            "image_urls": ["https://cdn.example.com/a.jpg"], "video_urls": ["https://cdn.example.com/b.mp4"]}
    found = [f for f in lint_one(write_request(tmp_path / "r.json", body)) if f[0] == "VL310"]
    assert [f[3].split(",")[0] for f in found] == ['the prompt refers to "Image 0"', 'the prompt refers to "图0"',
                                                   'the prompt refers to "Video 0"']
    assert all(f[1] == "error" and "references count from 1" in f[3] for f in found)


# ---- sizes: both readings of "MB", for every kind -----------------------------------------------
# (test_assets.test_size_limit_read_both_ways_for_every_kind covers the band for images, videos, audio)

def test_aspect_ratio_is_not_printed_equal_to_the_limit(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (240, 1921), (90, 90, 90)).save(tmp_path / "tall.png")
    body = {"model": "wan2.7-reference-video", "prompt": "Image 1", "image_urls": ["tall.png"]}
    (hit,) = [f for f in lint_one(write_request(tmp_path / "r.json", body)) if f[0] == "VL605"]
    assert "image aspect ratio is 1:8.004 (240x1921); the limit is 1:8..8:1" in hit[3]


# ---- transparency: decided by the alpha values -------------------------------------------------

def test_opaque_rgba_png_passes_and_transparent_webp_warns(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGBA", (320, 240), (200, 10, 10, 255)).save(tmp_path / "opaque.png")
    Image.new("LA", (320, 240), (99, 255)).save(tmp_path / "opaque-la.png")
    Image.new("RGBA", (320, 240), (200, 10, 10, 0)).save(tmp_path / "clear.webp")
    body = {"model": "wan2.7-reference-video", "prompt": "Image 1, Image 2 and Image 3",
            "image_urls": ["opaque.png", "opaque-la.png", "clear.webp"]}
    found = [f for f in lint_one(write_request(tmp_path / "r.json", body)) if f[1] != "info"]
    assert [(f[0], f[1], f[2]) for f in found] == [("VL611", "warning", "/image_urls/2")]


# ---- durations: encoder padding ---------------------------------------------------------------

def test_mp3_padded_past_the_voice_limit_is_a_warning_not_an_error(tmp_path: Path) -> None:
    """padded-10s.mp3 is 10.000 s of audio; the MP3 encoder makes it 10.031 s (limit 10 s)."""
    body = {"model": "wan2.7-reference-video", "prompt": "Image 1 speaks", "image_urls": ["ok.jpg"],
            "model_params": {"voice_bindings": {"image1": "padded-10s.mp3"}}}
    found = [f for f in lint_one(with_media(tmp_path, body, "ok.jpg", "padded-10s.mp3")) if f[1] != "info"]
    assert [(f[0], f[1], f[2]) for f in found] == [("VL612", "warning", "/model_params/voice_bindings/image1")]
    assert "audio is 10.031 s, 31 ms over the 10 s limit: encoder padding" in found[0][3]
    body["model_params"]["voice_bindings"]["image1"] = "long.mp3"  # 11 s: a real excess stays an error
    found = lint_one(with_media(tmp_path, body, "long.mp3"))
    assert ("VL606", "error") in {(f[0], f[1]) for f in found}


def test_padding_tolerance_applies_to_every_duration_limit() -> None:
    """The asset limits of all four models, and the continuation and cut against a probed clip."""
    from vidlint.check.assets import AssetContext, AssetRef, Resolution
    from vidlint.rules.media import PADDING_SECONDS, duration_padding
    from vidlint.rules.registry import RequestContext, run_stage
    from vidlint.probe.model import MediaProbe

    for model in ("wan2.7-reference-video", "wan2.7-image-to-video", "wan2.7-text-to-video", "wan2.7-video-edit"):
        for kind, limits in load_profile(model).meta["media"].items():
            if "duration" not in limits:
                continue
            high = limits["duration"][1]
            probe = MediaProbe(kind=kind, format="mp4", duration=high + PADDING_SECONDS - 0.001)
            ctx = AssetContext(AssetRef("/x", "x", kind), Resolution("local"), limits, probe)
            assert len(list(duration_padding(ctx))) == 1 and duration_padding.code == "VL612", (model, kind)

    def run_fact_rules(request: dict[str, Any], meta: dict[str, Any], given: dict[str, Any]) -> list[Any]:
        return [(d, None) for d in run_stage("facts", RequestContext(request, meta, None, given), meta)]

    def facts(duration: float) -> dict[str, Any]:
        return {"assets": [{"pointer": "/video_urls/0", "kind": "video",
                            "probe": {"kind": "video", "duration": duration, "error": None}}]}

    i2v = load_profile("wan2.7-image-to-video").meta
    request = {"model": "wan2.7-image-to-video", "generation_mode": "video_continuation", "video_urls": ["c.mp4"],
               "duration": 8}
    assert [d.code for d, _ in run_fact_rules(request, i2v, facts(8.04))] == ["VL227"]
    assert [d.code for d, _ in run_fact_rules(request, i2v, facts(8.2))] == ["VL223"]
    edit = load_profile("wan2.7-video-edit").meta
    request = {"model": "wan2.7-video-edit", "prompt": "x", "video_urls": ["c.mp4"], "duration": 8}
    assert [d.code for d, _ in run_fact_rules(request, edit, facts(7.95))] == []
    assert [d.code for d, _ in run_fact_rules(request, edit, facts(7.9))] == ["VL228"]


# ---- callback_url: what a WHATWG URL parser reads as internal ------------------------------------

@pytest.mark.parametrize("url", [
    "https://%31%32%37.0.0.1/hook",                   # percent-encoded host
    "https://127.0.0.1\\@hooks.example.com/hook",     # "\" ends the host for WHATWG; urllib reads example.com
    "https://10.0.0.8%2e/hook",                       # a trailing %2e is a trailing dot
    "https://１２７.０.０.１/hook",                     # full-width digits and dot
    "https://192.168.1.1。/hook",                      # an ideographic full stop
    "https://user:pw@%6c%6f%63%61%6c%68%6f%73%74/x",  # "localhost", percent-encoded, after user info
])
def test_callback_spellings_a_whatwg_parser_reads_as_internal(tmp_path: Path, url: str) -> None:
    body = {"model": "wan2.7-text-to-video", "prompt": "A poem", "callback_url": url}
    found = [f for f in lint_one(write_request(tmp_path / "r.json", body)) if f[0] == "VL403"]
    assert len(found) == 1 and found[0][1] == "error", url


@pytest.mark.parametrize("url", ["https://hooks.example.com/x", "https://8.8.8.8/x", "https://evil.example\\@8.8.8.8/",
                                 "https://%65xample.com/x"])
def test_public_callbacks_stay_clean(tmp_path: Path, url: str) -> None:
    body = {"model": "wan2.7-text-to-video", "prompt": "A poem", "callback_url": url}
    assert "VL403" not in {f[0] for f in lint_one(write_request(tmp_path / "r.json", body))}


# ---- input that must not choke lint ------------------------------------------------------------

def test_lone_surrogate_escapes_are_a_diagnostic_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"model": "wan2.7-text-to-video\\ud800", "prompt": "x \\udc00 y"}')
    (tmp_path / "b.json").write_text('{"model": "wan2.7-text-to-video", "prompt": "ok \\ud83d\\ude00", "duration": 99}')
    for fmt in ("text", "json", "sarif", "junit", "github", "gitlab"):
        run = run_vidlint("lint", "--format", fmt, "a.json", "b.json", cwd=tmp_path,
                          env={"VIDLINT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONIOENCODING": "utf-8"})
        assert run.code == 1 and "internal error" not in run.err and "Traceback" not in run.err, (fmt, run.err)
        assert "VL007" in run.out and "VL104" in run.out, fmt
    run = run_vidlint("lint", "a.json", cwd=tmp_path, env={"PYTHONIOENCODING": "utf-8"})
    assert "prompt holds the escape \\udc00, half of a UTF-16 surrogate pair" in run.out
    assert "model holds the escape \\ud800" in run.out


def test_file_names_that_are_not_utf8_work_in_every_output_format(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.json")
    (tmp_path / name).write_text('{"model": "wan2.7-text-to-video", "prompt": "x", "duration": 99}')
    for fmt in ("text", "json", "sarif", "junit", "github", "gitlab"):
        for to_file in (False, True):
            extra = ["-o", str(tmp_path / f"report.{fmt}")] if to_file else []
            run = run_vidlint("lint", "--format", fmt, *extra, ".", cwd=tmp_path, input=b"",
                              env={"VIDLINT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONIOENCODING": "utf-8"})
            assert run.code == 1 and "internal error" not in run.err, (fmt, to_file, run.err)
            if fmt in ("json", "sarif", "gitlab"):
                text = (tmp_path / f"report.{fmt}").read_bytes() if to_file else run.out.encode()
                json.loads(text.decode("utf-8"))  # still valid UTF-8 JSON
            if fmt == "text" and not to_file:
                assert "caf\ufffd.json:1:" in run.out  # the name's own byte (decoded here with "replace")


def _refuse(monkeypatch: pytest.MonkeyPatch, what: str, suffix: str) -> None:
    """Running as root, chmod 000 refuses nothing; then the OS call itself is made to refuse."""
    real = getattr(os, what)

    def refusing(path: Any = ".", *args: Any, **kwargs: Any) -> Any:
        if os.fspath(path).endswith(suffix):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, what, refusing)


def test_a_permission_denied_file_is_an_error_for_that_file_only(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    write_request(tmp_path / "good.json", {"model": "wan2.7-text-to-video", "prompt": "x", "duration": 99})
    secret = write_request(tmp_path / "secret.json", {"model": "wan2.7-text-to-video", "prompt": "x"})
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):  # root
            _refuse(monkeypatch, "open", "secret.json")
        run = lint_paths([str(tmp_path)], LintOptions(assets=AssetOptions(no_cache=True)))
    finally:
        secret.chmod(0o644)
    assert run.path_errors == [] and run.exit_code == 1
    found = {Path(r.path).name: [(d.code, d.severity.label, d.message) for d in r.diagnostics] for r in run.files}
    assert found["secret.json"] == [("VL008", "error", "the request file cannot be read: Permission denied")]
    assert [code for code, _, _ in found["good.json"]] == ["VL104"]


def test_a_folder_that_cannot_be_read_is_exit_2_with_a_message(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    write_request(locked / "a.json", {"model": "wan2.7-text-to-video", "prompt": "x"})
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root
            _refuse(monkeypatch, "scandir", "locked")
        run = lint_paths([str(locked)], LintOptions(assets=AssetOptions(no_cache=True)))
    finally:
        locked.chmod(0o755)
    assert run.exit_code == 2 and run.files == []
    (reason,) = run.path_errors
    assert reason.endswith("locked: cannot read the folder: Permission denied")


# ---- the probe cache ----------------------------------------------------------------------------

def test_a_file_rewritten_in_place_with_its_mtime_restored_is_probed_again(tmp_path: Path) -> None:
    from PIL import Image

    image = tmp_path / "frame.png"
    Image.new("RGB", (320, 240)).save(image)
    before = os.stat(image)
    profile = load_profile("wan2.7-reference-video").meta
    request = {"model": "wan2.7-reference-video", "prompt": "Image 1", "image_urls": ["frame.png"]}

    def lint() -> list[str]:
        options = AssetOptions(cache=ProbeCache(tmp_path / "cache"))  # a new process each time
        found, _ = check_assets(request, profile, tmp_path, options)
        options.cache.flush()
        return [d.code for d in found if d.code.startswith("VL6")]

    assert lint() == []
    time.sleep(0.01)
    # Same size, same mtime, another picture: the header now declares 200 px of width.
    import struct
    import zlib

    data = bytearray(image.read_bytes())
    data[16:20] = struct.pack(">I", 200)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    with open(image, "r+b") as handle:
        handle.write(data)
    os.utime(image, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(image)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert lint() == ["VL603"]


@pytest.mark.parametrize("field, value", [("width", "320"), ("duration", [1]), ("notes", "x"), ("has_alpha", 1),
                                          ("size", -5), ("kind", 3), ("rotation", 45)])
def test_cache_entries_with_wrong_types_are_a_miss(tmp_path: Path, field: str, value: Any) -> None:
    from vidlint.probe.core import STATS

    cache_dir = tmp_path / "cache"
    shutil.copy(MEDIA / "ok.jpg", tmp_path / "ok.jpg")
    first = ProbeCache(cache_dir)
    good = first.probe(tmp_path / "ok.jpg")
    first.flush()
    for entry in cache_dir.rglob("*.json"):  # the per-file entry and the folder index
        data = json.loads(entry.read_text())
        if "probe" in data:
            data["probe"][field] = value
        for row in (data.get("entries") or {}).values():
            row[-1][field] = value
        entry.write_text(json.dumps(data))
    STATS.reset()
    again = ProbeCache(cache_dir).probe(tmp_path / "ok.jpg")
    assert again.to_json() == good.to_json() and STATS.performed == 1


def test_submit_preflight_does_not_trust_the_probe_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache entry that says a too-narrow image is fine fools lint, never submit's preflight."""
    import io

    from PIL import Image

    from vidlint.probe.model import MediaProbe
    from vidlint.submit.preflight import lint_before_submit
    from vidlint.submit.console import Console

    Image.new("RGB", (200, 240)).save(tmp_path / "narrow.png")
    path = write_request(tmp_path / "scene.json", {"model": "wan2.7-reference-video", "prompt": "Image 1 waves",
                                                   "image_urls": ["narrow.png"]})
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("VIDLINT_CACHE_DIR", str(cache_dir))
    st = os.stat(tmp_path / "narrow.png")
    key = (str(tmp_path / "narrow.png"), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    lie = MediaProbe(kind="image", format="png", width=320, height=240, stored_width=320, stored_height=240,
                     size=st.st_size, has_alpha=False)
    ProbeCache(cache_dir)._write(key, lie)
    trusted = lint_paths([str(path)], LintOptions())
    assert "VL603" not in {d.code for r in trusted.files for d in r.diagnostics}  # the cache was believed
    err = io.StringIO()
    assert lint_before_submit(path, Console(out=io.StringIO(), err=err)) is False
    assert "VL603" in err.getvalue() and "not submitted" in err.getvalue()


# ---- memory -------------------------------------------------------------------------------------

@pytest.mark.slow
def test_an_8_mb_prompt_peaks_under_ten_times_its_size(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import PEAK_PROBE, SRC, split_peak

    body = 'caf\\u00e9 \\"quoted\\" and plain words\\n ' * (8 * 1024 * 1024 // 40)
    path = tmp_path / "big.json"
    path.write_text('{"model": "wan2.7-text-to-video", "duration": 5, "prompt": "' + body + '"}')
    size_mb = path.stat().st_size / 2 ** 20
    env = {**os.environ, "PYTHONPATH": str(SRC), "VIDLINT_CACHE_DIR": str(tmp_path / "cache")}

    def peak_mb(request: Path) -> float:
        child = subprocess.run([sys.executable, "-c", PEAK_PROBE, "lint", str(request)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert child.returncode in (0, 1)
        return split_peak(child.stderr)[0]

    constant_mb = peak_mb(FIXTURES.parent / "examples/clean/storyboard.json")
    peak = peak_mb(path)
    assert peak < 10 * size_mb + constant_mb, (peak, size_mb, constant_mb)
