"""A corpus of hostile media: every file gives a diagnostic, and probing all of them finishes
in bounded time and memory (no hang on a FIFO, no decoding of a decompression bomb).

Each asset is referenced by its own request, under the field of the kind its extension
suggests. The whole corpus is linted (and probed with ``vidlint probe``) by the real CLI in a
child process, with a timeout; the child's peak memory comes from ``os.wait4``.
"""

from __future__ import annotations

import json
import os
import random
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PEAK_PROBE, SRC, split_peak
from media_helpers import MEDIA, png_declaring, truncated_copy

MODEL = "wan2.7-reference-video"
TIME_LIMIT = 60.0  # seconds for the whole corpus; a hang on any file blows it
MEMORY_LIMIT_MB = 300
FIELD = {".png": "image_urls", ".jpg": "image_urls", ".webp": "image_urls", ".bmp": "image_urls",
         ".mp4": "video_urls", ".mov": "video_urls", ".wav": "audio_urls", ".mp3": "audio_urls"}
VALID = {".png": "ok.png", ".jpg": "ok.jpg", ".webp": "ok-lossy.webp", ".bmp": "ok.bmp",
         ".mp4": "moov-at-end.mp4", ".mov": "ok.mov", ".wav": "ok.wav", ".mp3": "ok.mp3"}

# A complete WebP (RIFF/VP8) or MP3 (ID3 + Xing/Info) header followed by noise reads as a
# valid file to a header-only probe (the issue asks for headers only, never decoding): the
# sizes and the duration are in the header, the damage is in data that is never read.
HEADER_ONLY_BLIND = {".webp", ".mp3"}

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or sys.platform == "win32", reason="POSIX only")


def absurd_duration_mp4(path: Path) -> Path:
    """ok.mp4 with the movie and media headers saying 2**32-1 seconds (136 years)."""
    data = bytearray((MEDIA / "ok.mp4").read_bytes())
    for box in (b"mvhd", b"mdhd"):
        at = data.find(box)
        while at != -1:
            if data[at + 4] == 0:  # version 0: flags(3) created(4) modified(4) timescale(4) duration(4)
                data[at + 16:at + 24] = struct.pack(">II", 1, 0xFFFFFFFF)
            at = data.find(box, at + 4)
    path.write_bytes(bytes(data))
    return path


def build_corpus(folder: Path) -> dict[str, Path]:
    """name -> path of every hostile asset."""
    folder.mkdir(parents=True)
    corpus: dict[str, Path] = {}
    rng = random.Random(8)
    for suffix, valid in VALID.items():
        stem = suffix[1:]
        (folder / f"empty{suffix}").write_bytes(b"")
        corpus[f"empty{suffix}"] = folder / f"empty{suffix}"
        source = MEDIA / valid
        for keep in (8, 40, len(source.read_bytes()) // 3):
            name = f"truncated-{keep}-{stem}{suffix}"
            corpus[name] = truncated_copy(source, folder / name, keep)
        for size in (16, 4096, 200_000):
            name = f"random-{size}-{stem}{suffix}"
            (folder / name).write_bytes(rng.randbytes(size))
            corpus[name] = folder / name
        if suffix not in HEADER_ONLY_BLIND:
            name = f"header-then-garbage-{stem}{suffix}"  # a real header, then noise
            (folder / name).write_bytes(source.read_bytes()[:64] + rng.randbytes(50_000))
            corpus[name] = folder / name
    corpus["bomb-100000x100000.png"] = png_declaring(folder / "bomb-100000x100000.png", 100_000, 100_000)
    corpus["absurd-duration.mp4"] = absurd_duration_mp4(folder / "absurd-duration.mp4")
    os.symlink("loop-b.png", folder / "loop-a.png")
    os.symlink("loop-a.png", folder / "loop-b.png")
    corpus["loop-a.png"] = folder / "loop-a.png"
    os.mkfifo(folder / "fifo.mp3")
    corpus["fifo.mp3"] = folder / "fifo.mp3"
    os.mkfifo(folder / "fifo.mp4")
    corpus["fifo.mp4"] = folder / "fifo.mp4"
    os.symlink("/dev/zero", folder / "device.wav")
    corpus["device.wav"] = folder / "device.wav"
    (folder / "directory.mov").mkdir()
    corpus["directory.mov"] = folder / "directory.mov"
    return corpus


def write_requests(folder: Path, corpus: dict[str, Path]) -> dict[str, tuple[str, str]]:
    """One request per asset; request file name -> (asset name, pointer of the reference)."""
    folder.mkdir()
    expected: dict[str, tuple[str, str]] = {}
    for n, (name, path) in enumerate(sorted(corpus.items())):
        field = FIELD[path.suffix]
        request = {"model": MODEL, "prompt": "Image 1 talks", "image_urls": ["https://cdn.example.com/a.jpg"]}
        if field == "image_urls":
            request["image_urls"] = [str(path)]
        else:
            request[field] = [str(path)]
        file_name = f"request-{n:02d}.json"
        (folder / file_name).write_text(json.dumps(request, indent=2))
        expected[file_name] = (name, f"/{field}/0")
    return expected


def run_bounded(*args: str, cwd: Path, cache: Path) -> tuple[int, str, float, float]:
    """Run the CLI; (exit code, stdout, seconds, peak MB). Killed after TIME_LIMIT."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "VIDLINT_CACHE_DIR": str(cache)}
    env = {k: v for k, v in env.items() if k not in ("VIDLINT_JOBS",)}
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", PEAK_PROBE, *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        out, err = proc.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"vidlint {' '.join(args[:2])} did not finish within {TIME_LIMIT} s on the hostile corpus")
    elapsed = time.monotonic() - start
    peak_mb, rest = split_peak(err.decode())
    assert rest == "", rest[-2000:]
    return proc.returncode, out.decode(), elapsed, peak_mb


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, Path], dict[str, tuple[str, str]]]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("hostile")
    assets = build_corpus(root / "media")
    expected = write_requests(root / "requests", assets)
    return root, assets, expected


@pytest.mark.slow
def test_every_hostile_asset_gets_an_error_on_its_reference(corpus) -> None:  # type: ignore[no-untyped-def]
    root, assets, expected = corpus
    code, out, elapsed, peak_mb = run_bounded("lint", "--format", "json", "--no-cache", "requests", cwd=root,
                                              cache=root / "cache")
    assert code == 1
    report = json.loads(out)
    by_file = {Path(f["path"]).name: f for f in report["files"]}
    assert set(by_file) == set(expected)
    missing = []
    for file_name, (asset, pointer) in expected.items():
        found = [d for d in by_file[file_name]["diagnostics"]
                 if d["pointer"] == pointer and d["severity"] == "error" and d["code"][:3] in ("VL5", "VL6")]
        if not found:
            missing.append((asset, [(d["code"], d["message"]) for d in by_file[file_name]["diagnostics"]]))
    assert not missing
    assert elapsed < TIME_LIMIT and peak_mb < MEMORY_LIMIT_MB, (elapsed, peak_mb)


@pytest.mark.slow
def test_specific_findings(corpus) -> None:  # type: ignore[no-untyped-def]
    root, assets, expected = corpus
    code, out, _, _ = run_bounded("lint", "--format", "json", "--no-cache", "requests", cwd=root, cache=root / "cache")
    report = json.loads(out)
    messages: dict[str, str] = {}
    for entry in report["files"]:
        asset, pointer = expected[Path(entry["path"]).name]
        messages[asset] = " | ".join(f'{d["code"]} {d["message"]}' for d in entry["diagnostics"] if d["pointer"] == pointer)
    assert "VL504" in messages["fifo.mp3"] and "VL504" in messages["fifo.mp4"]
    assert "VL504" in messages["device.wav"] and "VL504" in messages["directory.mov"]
    assert "VL505" in messages["loop-a.png"] or "VL503" in messages["loop-a.png"]
    assert "VL506" in messages["empty.png"] and "VL506" in messages["empty.mp4"]
    assert "100000" in messages["bomb-100000x100000.png"]
    assert "VL606" in messages["absurd-duration.mp4"], messages["absurd-duration.mp4"]


@pytest.mark.slow
def test_vidlint_probe_on_the_hostile_corpus_is_bounded(corpus) -> None:  # type: ignore[no-untyped-def]
    root, assets, _ = corpus
    names = sorted(str(path.relative_to(root)) for path in assets.values())
    code, out, elapsed, peak_mb = run_bounded("probe", "--format", "json", "--no-cache", *names, cwd=root,
                                              cache=root / "cache")
    assert code == 1
    report = json.loads(out)
    assert len(report["files"]) == len(names)
    flagged = [f for f in report["files"] if f.get("error") or f.get("truncated") or (f.get("duration") or 0) > 30
               or (f.get("width") or 0) > 8000]
    assert len(flagged) == len(names), [f for f in report["files"] if f not in flagged]
    assert elapsed < TIME_LIMIT and peak_mb < MEMORY_LIMIT_MB, (elapsed, peak_mb)


def test_a_fifo_alone_returns_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "voice.mp3")
    (tmp_path / "r.json").write_text(json.dumps({"model": MODEL, "prompt": "Image 1", "image_urls": [
        "https://cdn.example.com/a.jpg"], "audio_urls": ["voice.mp3"]}))
    code, out, elapsed, _ = run_bounded("lint", "r.json", cwd=tmp_path, cache=tmp_path / "cache")
    assert code == 1 and "VL504" in out and elapsed < 20
