"""Asset resolution and every documented media limit, each broken once and passed once with a
real file (committed fixtures, or sparse/Pillow-made files built here)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import SCHEMAS
from media_helpers import (MB, MEDIA, pillow_image, sparse_jpeg, sparse_mp3, sparse_mp4, sparse_wav,
                           truncated_copy)

from vidlint.check.assets import asset_rules, check_assets, parse_asset_map
from vidlint.run import AssetOptions
from vidlint.check.estimate import estimate, format_estimate
from vidlint.core.diagnostics import Diagnostic, Severity
from vidlint.models import load_profile
from vidlint.probe import ProbeCache

PROFILE = load_profile("wan2.7-reference-video").meta  # x-vidlint with the shared $refs expanded
LIMITS = PROFILE["media"]


def lint(request: dict[str, Any], base: Path, tmp_path: Path, maps: list[tuple[str, Path]] | None = None
         ) -> tuple[list[Diagnostic], dict[str, Any]]:
    body = {"model": "wan2.7-reference-video", "prompt": "a person waves", **request}
    # a new cache object per call, as in a new process: repeated calls meet on disk
    options = AssetOptions(asset_maps=maps or [], cache=ProbeCache(tmp_path / "probe-cache"))
    return check_assets(body, PROFILE, base, options)


def codes(diagnostics: list[Diagnostic], *, below: Severity | None = None) -> list[str]:
    return [d.code for d in diagnostics if below is None or d.severity >= below]


def limit_codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics if d.code.startswith("VL6") and d.severity > Severity.INFO]


def one(diagnostics: list[Diagnostic], code: str) -> Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in diagnostics]
    return found[0]


def request_for(kind: str, value: str) -> dict[str, Any]:
    if kind == "image":
        return {"image_urls": [value]}
    if kind == "video":
        return {"video_urls": [value]}
    return {"image_urls": [str(MEDIA / "ok.jpg")], "audio_urls": [value]}


# ---- each limit: passing files ---------------------------------------------------------------

PASSING = [
    ("image", "ok.jpg"), ("image", "ok.png"), ("image", "ok.bmp"), ("image", "ok-lossy.webp"),
    ("image", "ok-lossless.webp"), ("video", "ok.mp4"), ("video", "moov-at-end.mp4"), ("video", "ok.mov"),
    ("video", "rotated.mp4"), ("audio", "ok.wav"), ("audio", "ok.mp3"),
]


@pytest.mark.parametrize("kind,name", PASSING)
def test_file_within_every_limit_passes(tmp_path: Path, kind: str, name: str) -> None:
    diagnostics, _ = lint(request_for(kind, str(MEDIA / name)), tmp_path, tmp_path)
    assert [d for d in diagnostics if d.severity >= Severity.WARNING] == []


# ---- formats -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,name,detected", [
    ("image", "image.gif", "gif"), ("image", "image.tiff", "tiff"), ("video", "webm-named.mp4", "webm"),
    ("audio", "voice.ogg", "ogg"), ("audio", "voice.flac", "flac"),
])
def test_format_is_judged_by_bytes_and_named(tmp_path: Path, kind: str, name: str, detected: str) -> None:
    diagnostics, _ = lint(request_for(kind, str(MEDIA / name)), tmp_path, tmp_path)
    found = one(diagnostics, "VL601")
    assert found.severity is Severity.ERROR
    assert f"{kind} format is {detected}" in found.message
    assert ", ".join(LIMITS[kind]["formats"]) in found.message
    assert limit_codes(diagnostics) == ["VL601"]


def test_webm_named_mp4_says_so(tmp_path: Path) -> None:
    diagnostics, _ = lint({"video_urls": [str(MEDIA / "webm-named.mp4")]}, tmp_path, tmp_path)
    assert "video format is webm (named .mp4); accepted video formats: mp4, mov" in one(diagnostics, "VL601").message


def test_png_that_is_really_a_jpeg_is_accepted_with_a_rename_warning(tmp_path: Path) -> None:
    diagnostics, _ = lint({"image_urls": [str(MEDIA / "jpeg-named.png")]}, tmp_path, tmp_path)
    found = one(diagnostics, "VL602")
    assert found.severity is Severity.WARNING
    assert "named .png but the file is really jpeg" in found.message
    assert "VL601" not in codes(diagnostics)


def test_file_of_the_wrong_kind(tmp_path: Path) -> None:
    diagnostics, _ = lint({"image_urls": [str(MEDIA / "ok.mp4")], "audio_urls": [str(MEDIA / "ok.jpg")]},
                          tmp_path, tmp_path)
    messages = {d.pointer: d.message for d in diagnostics if d.code == "VL601"}
    assert "expected an image but the file is a video (mp4)" in messages["/image_urls/0"]
    assert "expected an audio but the file is an image (jpeg)" in messages["/audio_urls/0"]


# ---- dimensions and aspect -----------------------------------------------------------------------

def test_image_too_narrow_and_too_wide(tmp_path: Path) -> None:
    diagnostics, _ = lint({"image_urls": [str(MEDIA / "small.png"), str(MEDIA / "huge-width.png")]},
                          tmp_path, tmp_path)
    assert limit_codes(diagnostics) == ["VL603", "VL603"]
    narrow, wide = (d for d in diagnostics if d.code == "VL603")
    assert "image width is 200 px (200x300); the limit is 240..8,000 px" in narrow.message
    assert "image width is 8100 px (8100x1200); the limit is 240..8,000 px" in wide.message


def test_image_height_limits_with_pillow_made_files(tmp_path: Path) -> None:
    low = pillow_image(tmp_path / "low.png", (300, 200))
    high = pillow_image(tmp_path / "high.png", (1200, 8100), "L")
    edge = pillow_image(tmp_path / "edge.png", (8000, 1000), "L")  # exactly at the limit
    diagnostics, _ = lint({"image_urls": [str(low), str(high), str(edge)]}, tmp_path, tmp_path)
    assert [(d.code, d.pointer) for d in diagnostics if d.code.startswith("VL6")] == [
        ("VL604", "/image_urls/0"), ("VL604", "/image_urls/1")]
    assert "image height is 8100 px" in [d for d in diagnostics if d.code == "VL604"][1].message


def test_image_aspect_ratio(tmp_path: Path) -> None:
    at_limit = pillow_image(tmp_path / "one-to-eight.png", (240, 1920))
    diagnostics, _ = lint({"image_urls": [str(MEDIA / "tall.png"), str(at_limit)]}, tmp_path, tmp_path)
    found = one(diagnostics, "VL605")
    assert found.pointer == "/image_urls/0"
    assert "image aspect ratio is 1:8.33 (240x2000); the limit is 1:8..8:1" in found.message


def test_video_resolution_and_aspect(tmp_path: Path) -> None:
    diagnostics, _ = lint({"video_urls": [str(MEDIA / "small-res.mp4"), str(MEDIA / "huge-width.mp4"),
                                          str(MEDIA / "wide.mp4")]}, tmp_path, tmp_path)
    by_pointer = {(d.pointer, d.code): d.message for d in diagnostics if d.code.startswith("VL6")}
    assert set(by_pointer) == {("/video_urls/0", "VL603"), ("/video_urls/0", "VL604"),
                               ("/video_urls/1", "VL603"), ("/video_urls/2", "VL605")}
    assert "video height is 120 px (160x120); the limit is 240..4,096 px" in by_pointer[("/video_urls/0", "VL604")]
    assert "video width is 4112 px" in by_pointer[("/video_urls/1", "VL603")]
    assert "video aspect ratio is 8.33:1 (2000x240); the limit is 1:8..8:1" in by_pointer[("/video_urls/2", "VL605")]


def test_rotation_is_applied_before_checking_dimensions(tmp_path: Path) -> None:
    diagnostics, facts = lint({"video_urls": [str(MEDIA / "rotated.mp4")]}, tmp_path, tmp_path)
    note = one(diagnostics, "VL609")
    assert note.severity is Severity.INFO
    assert "stored 320x240" in note.message and "displays as 240x320" in note.message
    assert facts["assets"][0]["probe"]["width"] == 240
    assert limit_codes(diagnostics) == []


# ---- durations -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,name,message", [
    ("video", "long.mp4", "video is 31.0 s; the limit is 1..30 s"),
    ("video", "short.mp4", "video is 0.5 s; the limit is 1..30 s"),
    ("audio", "long.mp3", "audio is 11.16 s; the limit is 1..10 s"),
    ("audio", "short.wav", "audio is 0.5 s; the limit is 1..10 s"),
])
def test_duration_out_of_range(tmp_path: Path, kind: str, name: str, message: str) -> None:
    diagnostics, _ = lint(request_for(kind, str(MEDIA / name)), tmp_path, tmp_path)
    found = one(diagnostics, "VL606")
    assert message in found.message
    assert limit_codes(diagnostics) == ["VL606"]


def test_voice_binding_values_are_audio_assets(tmp_path: Path) -> None:
    request = {"image_urls": [str(MEDIA / "ok.jpg")],
               "model_params": {"voice_bindings": {"image1": str(MEDIA / "long.mp3")}}}
    diagnostics, _ = lint(request, tmp_path, tmp_path)
    assert one(diagnostics, "VL606").pointer == "/model_params/voice_bindings/image1"


# ---- byte sizes (sparse files) --------------------------------------------------------------------

@pytest.mark.parametrize("kind,make,name", [
    ("image", sparse_jpeg, "big.jpg"), ("video", sparse_mp4, "big.mp4"), ("audio", sparse_wav, "big.wav"),
])
def test_size_limit_read_both_ways_for_every_kind(tmp_path: Path, kind: str, make, name: str) -> None:  # type: ignore[no-untyped-def]
    """ "20MB" is undocumented as 10^6 or 2^20 bytes: up to the decimal reading passes, between the
    two readings is a warning (VL610), past the binary reading an error (VL607)."""
    limit_mb = LIMITS[kind]["max_mb"]
    decimal, binary = limit_mb * 1000 * 1000, limit_mb * MB
    cases = {"decimal": (decimal, []), "band": (decimal + 1, ["VL610"]), "binary": (binary, ["VL610"]),
             "over": (binary + 1, ["VL607"])}
    for label, (size, expected) in cases.items():
        path = make(tmp_path / f"{label}-{name}", size)
        diagnostics, _ = lint(request_for(kind, str(path)), tmp_path, tmp_path)
        assert limit_codes(diagnostics) == expected, (label, [(d.code, d.message) for d in diagnostics])
    over = one(lint(request_for(kind, str(tmp_path / f"over-{name}")), tmp_path, tmp_path)[0], "VL607")
    assert over.severity is Severity.ERROR
    assert f"file is {binary + 1:,} bytes ({(binary + 1) / 1e6:.2f} MB, {limit_mb} MiB)" in over.message
    assert f"the limit is {limit_mb} MB, at most {binary:,} bytes even if a MB is 1,048,576 bytes" in over.message
    band = one(lint(request_for(kind, str(tmp_path / f"band-{name}")), tmp_path, tmp_path)[0], "VL610")
    assert band.severity is Severity.WARNING
    assert f"over the {limit_mb} MB limit if a MB is 1,000,000 bytes ({decimal:,})" in band.message
    assert band.hint == f"re-encode it to at most {decimal:,} bytes to be safe"


def test_oversized_mp3_is_reported_by_size(tmp_path: Path) -> None:
    big = sparse_mp3(tmp_path / "voice.mp3", LIMITS["audio"]["max_mb"] * MB + 1)
    diagnostics, _ = lint(request_for("audio", str(big)), tmp_path, tmp_path)
    assert "VL607" in codes(diagnostics)


# ---- transparency ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,source", [("alpha.png", "alpha channel (RGBA), first transparent pixel in row 1"), ("trns.png", "tRNS chunk")])
def test_png_transparency(tmp_path: Path, name: str, source: str) -> None:
    diagnostics, _ = lint({"image_urls": [str(MEDIA / name)]}, tmp_path, tmp_path)
    found = one(diagnostics, "VL608")
    assert found.severity is Severity.ERROR
    assert f"png image has transparency ({source})" in found.message


def test_transparency_in_other_formats_and_opaque_rgba(tmp_path: Path) -> None:
    from PIL import Image

    webp = tmp_path / "alpha.webp"
    Image.new("RGBA", (320, 240), (90, 90, 90, 90)).save(webp, quality=60)
    palette = pillow_image(tmp_path / "palette.png", (320, 240), "P", transparency=90)
    plain = pillow_image(tmp_path / "plain.png", (320, 240), "RGB")
    opaque_rgba = tmp_path / "opaque-rgba.png"
    Image.new("RGBA", (320, 240), (10, 20, 30, 255)).save(opaque_rgba)
    opaque_la = tmp_path / "opaque-la.png"
    Image.new("LA", (320, 240), (10, 255)).save(opaque_la)
    one_pixel = Image.new("RGBA", (320, 240), (10, 20, 30, 255))
    one_pixel.putpixel((7, 200), (10, 20, 30, 254))  # one pixel in the last band, barely see-through
    one_pixel.save(tmp_path / "one-pixel.png")
    images = [webp, palette, plain, opaque_rgba, opaque_la, tmp_path / "one-pixel.png"]
    diagnostics, _ = lint({"image_urls": [str(p) for p in images]}, tmp_path, tmp_path)
    found = [(d.code, d.pointer, d.severity) for d in diagnostics if d.code in ("VL608", "VL611")]
    assert found == [("VL611", "/image_urls/0", Severity.WARNING), ("VL608", "/image_urls/1", Severity.ERROR),
                     ("VL608", "/image_urls/5", Severity.ERROR)]
    assert "alpha channel (RGBA), first transparent pixel in row 201" in \
        [d.message for d in diagnostics if d.pointer == "/image_urls/5"][-1]


@pytest.mark.parametrize("side", [10000, 15000])  # past Pillow's bomb warning; past its bomb error
def test_alpha_of_a_decompression_bomb_is_not_decoded(tmp_path: Path, side: int) -> None:
    """A huge RGBA PNG is never decoded to read its alpha values: its declared alpha channel counts."""
    import struct
    import zlib

    from vidlint.probe.core import probe_path

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    path = tmp_path / "bomb.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
    probe = probe_path(path)
    assert (probe.has_alpha, probe.alpha_source) == (True, "alpha channel (RGBA)")
    assert any(note.startswith("decompression bomb") for note in probe.notes)


# ---- resolution -------------------------------------------------------------------------------------

def test_relative_absolute_and_file_uri_paths(tmp_path: Path) -> None:
    folder = tmp_path / "requests" / "batch"
    (folder / "media").mkdir(parents=True)
    shutil.copy(MEDIA / "ok.jpg", folder / "media" / "my photo.jpg")
    shutil.copy(MEDIA / "ok.mp4", tmp_path / "clip.mp4")
    request = {"image_urls": ["media/my photo.jpg", (folder / "media" / "my photo.jpg").as_uri()],
               "video_urls": [str(tmp_path / "clip.mp4"), "../../clip.mp4"]}
    diagnostics, facts = lint(request, folder, tmp_path)
    assert [(d.code, d.pointer) for d in diagnostics] == [
        ("VL501", "/image_urls/0"), ("VL501", "/image_urls/1"), ("VL501", "/video_urls/0"), ("VL501", "/video_urls/1")]
    assert all(d.severity is Severity.INFO and "vidlint submit" in d.message for d in diagnostics)
    assert facts["input_video_seconds"] == 4.0 and facts["complete"] is True


def test_missing_local_file(tmp_path: Path) -> None:
    diagnostics, facts = lint({"video_urls": ["clips/gone.mp4"]}, tmp_path, tmp_path)
    found = one(diagnostics, "VL503")
    assert found.severity is Severity.ERROR and found.pointer == "/video_urls/0"
    assert str(tmp_path / "clips" / "gone.mp4") in found.message
    assert facts["complete"] is False


def test_remote_uri_without_map_is_not_verified(tmp_path: Path) -> None:
    request = {"image_urls": ["https://cdn.example.com/a.png"], "video_urls": ["s3://bucket/clip.mp4"]}
    diagnostics, facts = lint(request, tmp_path, tmp_path)
    assert [(d.code, d.severity, d.pointer) for d in diagnostics] == [
        ("VL502", Severity.INFO, "/image_urls/0"), ("VL502", Severity.INFO, "/video_urls/0")]
    assert "--asset-map" in (diagnostics[0].hint or "") and "--online" in (diagnostics[0].hint or "")
    assert facts["complete"] is False


def test_asset_map_longest_prefix_wins_and_limits_apply(tmp_path: Path) -> None:
    wide, narrow = tmp_path / "mirror", tmp_path / "videos-mirror"
    (wide / "videos").mkdir(parents=True)
    narrow.mkdir()
    shutil.copy(MEDIA / "ok.mp4", wide / "videos" / "clip.mp4")  # would pass
    shutil.copy(MEDIA / "long.mp4", narrow / "clip.mp4")  # breaks the duration limit
    maps = [parse_asset_map(f"https://cdn.example.com/={wide}"),
            parse_asset_map(f"https://cdn.example.com/videos/={narrow}")]
    diagnostics, facts = lint({"video_urls": ["https://cdn.example.com/videos/clip.mp4?sig=abc"]},
                              tmp_path, tmp_path, maps)
    assert codes(diagnostics) == ["VL606"]
    assert facts["input_video_seconds"] == 31.0 and facts["complete"] is True


def test_mapped_asset_missing_locally_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "mirror").mkdir()
    maps = [parse_asset_map(f"https://cdn.example.com/={tmp_path / 'mirror'}")]
    diagnostics, _ = lint({"image_urls": ["https://cdn.example.com/people/ann.png"]}, tmp_path, tmp_path, maps)
    found = one(diagnostics, "VL503")
    assert found.severity is Severity.ERROR
    assert str(tmp_path / "mirror" / "people" / "ann.png") in found.message
    assert "https://cdn.example.com/" in found.message


def test_unusable_references(tmp_path: Path) -> None:
    maps = [("https://cdn.example.com/", tmp_path / "mirror")]
    request = {"image_urls": ["https://cdn.example.com/../../etc/passwd", "file://fileserver/share/a.png",
                              "https://cdn.example.com/%2e%2e/%2e%2e/etc/passwd", "refs/a\x00.png"]}
    diagnostics, _ = lint(request, tmp_path, tmp_path, maps)
    assert [(d.code, d.pointer) for d in diagnostics] == [("VL508", f"/image_urls/{i}") for i in range(4)]


@pytest.mark.parametrize("bad", ["no-equals", "=dir", "https://x/=", "cdn.example.com/=dir"])
def test_asset_map_syntax(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_asset_map(bad)


# ---- unreadable assets -------------------------------------------------------------------------------

def test_directory_fifo_empty_corrupt_truncated(tmp_path: Path) -> None:
    (tmp_path / "folder.png").mkdir()
    os.mkfifo(tmp_path / "pipe.wav")
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "noise.mp4").write_bytes(os.urandom(4096))
    truncated_copy(MEDIA / "ok.png", tmp_path / "cut.png", 3000)
    request = {"image_urls": ["folder.png", "empty.jpg", "cut.png"], "video_urls": ["noise.mp4"],
               "audio_urls": ["pipe.wav"]}
    diagnostics, facts = lint(request, tmp_path, tmp_path)
    errors = {(d.pointer, d.code): d.message for d in diagnostics if d.severity is Severity.ERROR}
    assert set(errors) == {("/image_urls/0", "VL504"), ("/image_urls/1", "VL506"), ("/image_urls/2", "VL507"),
                           ("/video_urls/0", "VL506"), ("/audio_urls/0", "VL504")}
    assert "is a directory" in errors[("/image_urls/0", "VL504")]
    assert "FIFO" in errors[("/audio_urls/0", "VL504")]
    assert "the file is empty" in errors[("/image_urls/1", "VL506")]
    assert "png file is truncated (3,000 bytes" in errors[("/image_urls/2", "VL507")]
    assert facts["complete"] is False


def test_second_check_hits_the_probe_cache(tmp_path: Path) -> None:
    from vidlint.probe import STATS

    request = {"image_urls": [str(MEDIA / "ok.jpg")], "video_urls": [str(MEDIA / "ok.mp4")],
               "audio_urls": [str(MEDIA / "ok.wav")]}
    STATS.reset()
    first, _ = lint(request, tmp_path, tmp_path)
    assert STATS.to_json() == {"performed": 3, "cached": 0}
    second, _ = lint(request, tmp_path, tmp_path)
    assert STATS.to_json() == {"performed": 3, "cached": 3}
    assert first == second


# ---- rule documentation ------------------------------------------------------------------------------

def test_every_asset_code_is_a_documented_registered_rule() -> None:
    from vidlint.rules.registry import RULES, load_all_rules

    load_all_rules()
    rules = asset_rules()
    assert len({r.code for r in rules}) == len(rules) == 26  # VL501..VL509, VL601..VL612, VL614..VL618
    for rule in rules:
        registered = RULES[rule.code]
        assert registered.stage in ("asset", "media") and registered is rule
        assert registered.severity is rule.severity
        assert rule.code[:3] in ("VL5", "VL6")
        assert "Breaks it:" in registered.doc and "Fix:" in registered.doc, rule.__name__


# ---- estimate ----------------------------------------------------------------------------------------

def test_estimate_defaults_to_five_seconds_at_720p() -> None:
    result = estimate({}, PROFILE, 0.0)
    assert result["output_seconds"] == 5 and result["billed_seconds"] == 5.0
    assert result["usd"] == pytest.approx(5 * PROFILE["billing"]["usd_per_second"]["720p"])
    assert result["complete"] is True


def test_estimate_adds_input_video_seconds_at_1080p() -> None:
    result = estimate({"duration": 10, "quality": "1080p"}, PROFILE, 31.0)
    assert result["billed_seconds"] == 41.0
    assert result["usd"] == pytest.approx(41 * PROFILE["billing"]["usd_per_second"]["1080p"])
    assert "41 billed s (10 s output + 31 s input video; 1080p" in format_estimate(result)


def test_estimate_price_override_and_incomplete_inputs() -> None:
    assert estimate({}, PROFILE, 0.0, prices={"720p": 0.1})["usd"] == pytest.approx(0.5)
    partial = estimate({"duration": 4}, PROFILE, 2.0, complete=False)
    assert partial["complete"] is False and partial["billed_seconds"] == 6.0
    assert format_estimate(partial).startswith("at least $")
    assert estimate({"quality": "4k"}, PROFILE, 0.0)["usd"] is None
    assert estimate({"duration": "five"}, PROFILE, 0.0)["billed_seconds"] is None


def test_estimate_from_probed_videos(tmp_path: Path) -> None:
    _, facts = lint({"video_urls": [str(MEDIA / "ok.mp4"), str(MEDIA / "ok.mov")], "duration": 8}, tmp_path, tmp_path)
    result = estimate({"duration": 8}, PROFILE, facts["input_video_seconds"], complete=facts["complete"])
    assert (result["input_video_seconds"], result["billed_seconds"], result["complete"]) == (4.0, 12.0, True)


# ---- end to end: `vidlint lint` --------------------------------------------------------------------

def _project(tmp_path: Path) -> Path:
    """A request folder with its media next to it, as a user would lay it out."""
    folder = tmp_path / "job"
    (folder / "media").mkdir(parents=True)
    for name in ("ok.jpg", "ok.mp4", "long.mp4", "ok.wav", "trns.png"):
        shutil.copy(MEDIA / name, folder / "media" / name)
    return folder


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_lint_reports_asset_limits_at_the_referencing_line(tmp_path: Path) -> None:
    from conftest import run_vidlint, write_request

    folder = _project(tmp_path)
    request = write_request(folder / "request.json", {
        "model": "wan2.7-reference-video", "prompt": "Image 1 and Video 1 meet",
        "image_urls": ["media/trns.png"], "video_urls": ["media/long.mp4"], "duration": 5})
    run = run_vidlint("lint", "request.json", cwd=folder, env={"VIDLINT_CACHE_DIR": str(tmp_path / "cache")})
    assert run.code == 1
    assert "Traceback" not in run.out + run.err
    video_line = _line_of(request, "media/long.mp4")
    image_line = _line_of(request, "media/trns.png")
    assert (f"request.json:{video_line}:5: VL606 [error] media/long.mp4: video is 31.0 s; "
            "the limit is 1..30 s") in run.out
    assert f"request.json:{image_line}:5: VL608 [error] media/trns.png: png image has transparency" in run.out
    assert "Estimated cost: $3.10 for 36 billed s (5 s output + 31 s input video; 720p" in run.out


def test_lint_json_estimate_and_cache_hits_across_runs(tmp_path: Path) -> None:
    from conftest import run_vidlint, write_request

    folder = _project(tmp_path)
    write_request(folder / "request.json", {
        "model": "wan2.7-reference-video", "prompt": "Video 1 dances", "video_urls": ["media/ok.mp4"],
        "image_urls": ["media/ok.jpg"], "audio_urls": ["media/ok.wav"], "quality": "1080p", "duration": 10})
    env = {"VIDLINT_CACHE_DIR": str(tmp_path / "cache")}
    first = run_vidlint("lint", "--format", "json", "request.json", cwd=folder, env=env)
    second = run_vidlint("lint", "--format", "json", "request.json", cwd=folder, env=env)
    fresh = run_vidlint("lint", "--format", "json", "--no-cache", "request.json", cwd=folder, env=env)
    assert first.code == second.code == fresh.code == 0, first.out
    (entry,) = first.json()["files"]
    assert entry["estimate"]["input_video_seconds"] == 2.0
    assert entry["estimate"]["output_seconds"] == 10
    assert entry["estimate"]["billed_seconds"] == 12.0
    assert entry["estimate"]["usd"] == pytest.approx(12 * PROFILE["billing"]["usd_per_second"]["1080p"])
    assert entry["estimate"]["complete"] is True
    assert {d["code"] for d in entry["diagnostics"]} == {"VL501", "VL217"}  # ok.wav binds to the video (issue 13)
    assert first.json()["summary"]["probes"] == {"performed": 3, "cached": 0}
    assert second.json()["summary"]["probes"] == {"performed": 0, "cached": 3}
    assert fresh.json()["summary"]["probes"] == {"performed": 3, "cached": 0}
    assert first.json()["files"] == second.json()["files"]


def test_lint_asset_map_option(tmp_path: Path) -> None:
    from conftest import run_vidlint, write_request

    folder = _project(tmp_path)
    write_request(folder / "request.json", {
        "model": "wan2.7-reference-video", "prompt": "Video 1 waves",
        "video_urls": ["https://cdn.example.com/refs/long.mp4", "https://cdn.example.com/refs/gone.mp4"]})
    env = {"VIDLINT_CACHE_DIR": str(tmp_path / "cache")}
    unmapped = run_vidlint("lint", "--format", "json", "request.json", cwd=folder, env=env)
    assert unmapped.code == 0
    assert [d["code"] for d in unmapped.json()["files"][0]["diagnostics"]] == ["VL502", "VL502"]
    assert unmapped.json()["files"][0]["estimate"]["complete"] is False
    # DIR is relative to where vidlint runs, not to the request file
    mapped = run_vidlint("lint", "--format", "json", "--asset-map", "https://cdn.example.com/refs/=job/media",
                         "job/request.json", cwd=tmp_path, env=env)
    assert mapped.code == 1
    found = [(d["code"], d["pointer"]) for d in mapped.json()["files"][0]["diagnostics"]]
    assert found == [("VL606", "/video_urls/0"), ("VL503", "/video_urls/1")]
    bad = run_vidlint("lint", "--asset-map", "cdn-without-equals", "request.json", cwd=folder, env=env)
    assert bad.code == 2 and "Traceback" not in bad.err
    assert "is not URI_PREFIX=DIR" in bad.err


def test_lint_batch_gets_one_estimate_per_request(tmp_path: Path) -> None:
    from conftest import run_vidlint

    folder = _project(tmp_path)
    base = {"model": "wan2.7-reference-video", "prompt": "Video 1 runs"}
    lines = [{**base, "video_urls": ["media/ok.mp4"], "duration": 4},
             {**base, "video_urls": ["media/missing.mp4"], "duration": 6}]
    (folder / "batch.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    run = run_vidlint("lint", "--format", "json", "batch.jsonl", cwd=folder,
                      env={"VIDLINT_CACHE_DIR": str(tmp_path / "cache")})
    (entry,) = run.json()["files"]
    assert [(e["billed_seconds"], e["complete"]) for e in entry["estimate"]] == [(6.0, True), (6.0, False)]
    assert run.json()["summary"]["estimate"]["billed_seconds"] == 12.0
    assert run.json()["summary"]["estimate"]["complete"] is False
    assert [(d["code"], d["record"]) for d in entry["diagnostics"] if d["severity"] == "error"] == [("VL503", 2)]
    text = run_vidlint("lint", "batch.jsonl", cwd=folder, env={"VIDLINT_CACHE_DIR": str(tmp_path / "cache")})
    assert "Estimated cost: at least $1.03 for 2 requests (12 billed s; some input video not probed)" in text.out


def test_format_message_names_a_misleading_extension_only(tmp_path: Path) -> None:
    gif_as_jpg = tmp_path / "photo.jpg"
    shutil.copy(MEDIA / "image.gif", gif_as_jpg)
    diagnostics, _ = lint({"image_urls": [str(gif_as_jpg), str(MEDIA / "image.gif")]}, tmp_path, tmp_path)
    messages = [d.message for d in diagnostics if d.code == "VL601"]
    assert "image format is gif (named .jpg);" in messages[0]
    assert "image format is gif;" in messages[1]
    ok_jpg, _ = lint({"image_urls": [str(MEDIA / "ok.jpg")]}, tmp_path, tmp_path)
    assert "VL602" not in codes(ok_jpg)  # .jpg names jpeg
