"""Media probes against real files: committed fixtures made by fixtures/make_fixtures.sh and
files built here (sparse, truncated, corrupt, Pillow-made)."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import sys
import tracemalloc
from pathlib import Path

import pytest
from conftest import run_vidlint
from media_helpers import MB, MEDIA, pillow_image, png_declaring, sparse_jpeg, sparse_mp4, truncated_copy

from vidlint.probe import STATS, MediaProbe, ProbeCache, probe_path, probe_stream
from vidlint.probe.core import PROBE_VERSION

# file -> (kind, format, codec, width, height, duration)
EXPECTED = {
    "ok.jpg": ("image", "jpeg", None, 320, 240, None),
    "ok.png": ("image", "png", None, 320, 240, None),
    "ok.bmp": ("image", "bmp", None, 240, 240, None),
    "ok-lossy.webp": ("image", "webp", "vp8", 320, 240, None),
    "ok-lossless.webp": ("image", "webp", "vp8l", 320, 240, None),
    "image.gif": ("image", "gif", None, 320, 240, None),
    "image.tiff": ("image", "tiff", "tiff_deflate", 320, 240, None),
    "jpeg-named.png": ("image", "jpeg", None, 320, 240, None),
    "small.png": ("image", "png", None, 200, 300, None),
    "tall.png": ("image", "png", None, 240, 2000, None),
    "ok.mp4": ("video", "mp4", "h264", 320, 240, 2.0),
    "moov-at-end.mp4": ("video", "mp4", "h264", 320, 240, 2.0),
    "ok.mov": ("video", "mov", "h264", 320, 240, 2.0),
    "webm-named.mp4": ("video", "webm", "vp8", 320, 240, 2.0),
    "rotated.mp4": ("video", "mp4", "h264", 240, 320, 2.0),
    "short.mp4": ("video", "mp4", "h264", 320, 240, 0.5),
    "small-res.mp4": ("video", "mp4", "h264", 160, 120, 2.0),
    "long.mp4": ("video", "mp4", "h264", 320, 240, 31.0),
    "ok.wav": ("audio", "wav", "pcm", None, None, 2.0),
    "ok.mp3": ("audio", "mp3", "mp3", None, None, 2.16),
    "voice.ogg": ("audio", "ogg", "vorbis", None, None, 2.0),
    "voice.flac": ("audio", "flac", "flac", None, None, 2.0),
    "long.mp3": ("audio", "mp3", "mp3", None, None, 11.16),
    "short.wav": ("audio", "wav", "pcm", None, None, 0.5),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_probed_from_its_bytes(name: str) -> None:
    kind, fmt, codec, width, height, duration = EXPECTED[name]
    probe = probe_path(MEDIA / name)
    assert probe.error is None, probe.error
    assert (probe.kind, probe.format, probe.codec, probe.width, probe.height) == (kind, fmt, codec, width, height)
    assert probe.duration == (pytest.approx(duration, abs=0.05) if duration is not None else None)
    assert probe.size == (MEDIA / name).stat().st_size
    assert not probe.truncated


def test_rotation_metadata_swaps_displayed_dimensions() -> None:
    probe = probe_path(MEDIA / "rotated.mp4")
    assert probe.rotation in (90, 270)
    assert (probe.stored_width, probe.stored_height) == (320, 240)
    assert (probe.width, probe.height) == (240, 320)


def test_transparency_by_alpha_channel_and_by_trns_chunk() -> None:
    alpha, trns, opaque = (probe_path(MEDIA / n) for n in ("alpha.png", "trns.png", "ok.png"))
    assert alpha.has_alpha and "RGBA" in (alpha.alpha_source or "")
    assert trns.has_alpha and trns.alpha_source == "tRNS chunk"
    assert opaque.has_alpha is False


def test_lossy_webp_size_comes_from_the_header_where_mediainfo_has_none(tmp_path: Path) -> None:
    from PIL import Image
    from pymediainfo import MediaInfo

    # the reason images never rely on MediaInfo: it reports no size for lossy WebP
    assert MediaInfo.parse(str(MEDIA / "ok-lossy.webp")).image_tracks[0].width is None
    for name in ("ok-lossy.webp", "ok-lossless.webp"):
        with Image.open(MEDIA / name) as image:
            assert (probe_path(MEDIA / name).width, probe_path(MEDIA / name).height) == image.size
    rgba = pillow_image(tmp_path / "alpha.webp", (300, 260), "RGBA", quality=50)
    probe = probe_path(rgba)
    assert (probe.format, probe.width, probe.height, probe.has_alpha) == ("webp", 300, 260, True)
    opaque = pillow_image(tmp_path / "odd.webp", (333, 251), "RGB", lossless=True)
    assert (probe_path(opaque).width, probe_path(opaque).height, probe_path(opaque).has_alpha) == (333, 251, False)


def test_decompression_bomb_is_reported_without_allocating(tmp_path: Path) -> None:
    bomb = png_declaring(tmp_path / "bomb.png", 100_000, 100_000)
    tracemalloc.start()
    try:
        probe = probe_path(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * MB
    assert (probe.kind, probe.format, probe.width, probe.height) == ("image", "png", 100_000, 100_000)
    assert any("decompression bomb" in note for note in probe.notes)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    probe = probe_path(empty)
    assert (probe.failure, probe.error) == ("empty", "the file is empty")


@pytest.mark.parametrize("name,keep", [("ok.png", 3000), ("ok.jpg", 4000), ("ok-lossy.webp", 1000),
                                       ("ok.mp4", 3000), ("ok.wav", 10000), ("ok.mp3", 4000)])
def test_truncated_file_keeps_its_header_facts_but_is_flagged(tmp_path: Path, name: str, keep: int) -> None:
    probe = probe_path(truncated_copy(MEDIA / name, tmp_path / name, keep))
    assert probe.error is None
    assert probe.truncated
    assert probe.format == EXPECTED[name][1]


@pytest.mark.parametrize("name,keep", [("ok.png", 20), ("ok.jpg", 100), ("ok-lossy.webp", 25),
                                       ("moov-at-end.mp4", 3000)])
def test_file_cut_inside_its_header_is_corrupt(tmp_path: Path, name: str, keep: int) -> None:
    probe = probe_path(truncated_copy(MEDIA / name, tmp_path / name, keep))
    assert probe.failure == "corrupt", probe
    assert probe.error


@pytest.mark.parametrize("content", [os.urandom(5000), b'{"not": "media"}', b"\x89PNG\r\n\x1a\n" + b"x" * 40])
def test_garbage_is_corrupt_not_a_crash(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    probe = probe_path(path)
    assert probe.failure == "corrupt"
    assert probe.error


def test_directory_missing_and_device_are_refused() -> None:
    assert probe_path(MEDIA).failure == "not_file"
    assert "directory" in (probe_path(MEDIA).error or "")
    assert probe_path(MEDIA / "nope.png").failure == "missing"
    assert probe_path("/dev/zero").failure == "not_file"
    assert probe_path("a\x00b.png").failure == "missing"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "voice.wav"
    os.mkfifo(fifo)
    # opening a FIFO for reading would block forever with no writer: a subprocess with a
    # timeout turns that bug into a failure instead of a hung test run
    run = run_vidlint("probe", str(fifo), env={"VIDLINT_CACHE_DIR": str(tmp_path / "cache")}, timeout=60,
                      process=True)
    assert run.code == 1
    assert "not a regular file (a FIFO)" in run.out


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads mode-000 files")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.jpg"
    path.write_bytes((MEDIA / "ok.jpg").read_bytes())
    path.chmod(0)
    try:
        assert probe_path(path).failure == "unreadable"
    finally:
        path.chmod(0o600)


class CountingReader(io.RawIOBase):
    """A seekable file wrapper that counts the bytes read, like an HTTP-range-backed file would."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "rb")
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        count = self._file.readinto(buffer)
        self.bytes_read += count or 0
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


@pytest.mark.parametrize("make,kind", [(sparse_jpeg, "image"), (sparse_mp4, "video")])
def test_probe_stream_reads_headers_not_the_whole_file(tmp_path: Path, make, kind: str) -> None:  # type: ignore[no-untyped-def]
    big = make(tmp_path / f"big.{'jpg' if kind == 'image' else 'mp4'}", 50 * MB)
    reader = CountingReader(big)
    try:
        probe = probe_stream(reader, big.stat().st_size, big.name)
    finally:
        reader.close()
    assert (probe.kind, probe.width, probe.height, probe.size) == (kind, 320, 240, 50 * MB)
    assert reader.bytes_read < 1 * MB


def test_probe_stream_finds_moov_at_the_end_and_its_own_size() -> None:
    with open(MEDIA / "moov-at-end.mp4", "rb") as stream:
        probe = probe_stream(stream)
    assert (probe.kind, probe.format, probe.duration, probe.size) == ("video", "mp4", 2.0,
                                                                      (MEDIA / "moov-at-end.mp4").stat().st_size)


def test_probe_json_round_trip() -> None:
    probe = probe_path(MEDIA / "rotated.mp4")
    assert MediaProbe.from_json(json.loads(json.dumps(probe.to_json()))) == probe


# ---- cache ----------------------------------------------------------------------------------


def test_cache_hit_on_second_use_and_miss_after_a_change(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes((MEDIA / "ok.mp4").read_bytes())
    STATS.reset()
    first = ProbeCache(tmp_path / "cache").probe(clip)
    assert STATS.to_json() == {"performed": 1, "cached": 0}
    second = ProbeCache(tmp_path / "cache").probe(clip)  # a new process would start like this
    assert STATS.to_json() == {"performed": 1, "cached": 1}
    assert second == first
    clip.write_bytes((MEDIA / "long.mp4").read_bytes())
    third = ProbeCache(tmp_path / "cache").probe(clip)
    assert STATS.performed == 2
    assert third.duration == 31.0


def test_cache_disabled_probes_every_time(tmp_path: Path) -> None:
    STATS.reset()
    for _ in range(2):
        ProbeCache(tmp_path / "cache", enabled=False).probe(MEDIA / "ok.png")
    assert STATS.to_json() == {"performed": 2, "cached": 0}
    assert not (tmp_path / "cache").exists()


def test_corrupt_cache_entry_is_a_miss(tmp_path: Path) -> None:
    cache = ProbeCache(tmp_path / "cache")
    cache.probe(MEDIA / "ok.wav")
    entry = cache.entry_path(str((MEDIA / "ok.wav").resolve()))
    entry.write_text("{ not json", encoding="utf-8")
    STATS.reset()
    probe = ProbeCache(tmp_path / "cache").probe(MEDIA / "ok.wav")
    assert (probe.kind, probe.duration, STATS.performed) == ("audio", 2.0, 1)
    assert json.loads(entry.read_text(encoding="utf-8"))["probe"]["kind"] == "audio"


def test_unwritable_cache_directory_still_probes(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be")
    probe = ProbeCache(blocker).probe(MEDIA / "ok.jpg")
    assert (probe.format, probe.width) == ("jpeg", 320)


def _media_folder(tmp_path: Path, names: tuple[str, ...] = ("ok.mp4", "ok.jpg", "ok.wav")) -> list[Path]:
    folder = tmp_path / "media"
    folder.mkdir()
    copies = []
    for name in names:
        (folder / name).write_bytes((MEDIA / name).read_bytes())
        copies.append(folder / name)
    return copies


def _entry_files(cache_dir: Path) -> list[Path]:
    return [p for p in cache_dir.glob("probes/??/*.json")]


def test_folder_index_serves_a_warm_run_without_the_per_file_entries(tmp_path: Path) -> None:
    assets = _media_folder(tmp_path)
    cold = ProbeCache(tmp_path / "cache")
    expected = [cold.probe(a).to_json() for a in assets]
    cold.flush()
    indexes = list((tmp_path / "cache" / "probes" / "dirs").glob("*.json"))
    assert len(indexes) == 1  # one folder, one index
    for entry in _entry_files(tmp_path / "cache"):
        entry.unlink()  # the index alone must answer
    STATS.reset()
    warm = ProbeCache(tmp_path / "cache")
    assert [warm.probe(a).to_json() for a in assets] == expected
    assert STATS.to_json() == {"performed": 0, "cached": 3}


def test_folder_index_entry_of_a_changed_file_is_not_used(tmp_path: Path) -> None:
    clip, *_ = _media_folder(tmp_path, ("ok.mp4",))
    cache = ProbeCache(tmp_path / "cache")
    assert cache.probe(clip).duration == 2.0
    cache.flush()
    clip.write_bytes((MEDIA / "long.mp4").read_bytes())
    STATS.reset()
    again = ProbeCache(tmp_path / "cache")
    assert again.probe(clip).duration == 31.0
    assert STATS.to_json() == {"performed": 1, "cached": 0}
    again.flush()
    STATS.reset()
    assert ProbeCache(tmp_path / "cache").probe(clip).duration == 31.0  # the index was brought up to date
    assert STATS.to_json() == {"performed": 0, "cached": 1}


@pytest.mark.parametrize("damage", ["{ not json", '{"version": VERSION, "folder": "elsewhere", "entries": {}}',
                                    '{"version": VERSION, "folder": "%s", "entries": {"ok.wav": [1, 2, "no probe"]}}',
                                    '{"version": VERSION, "folder": "%s", "entries": {"ok.wav": "SIZE"}}', '[]'])
def test_damaged_folder_index_is_only_a_miss(tmp_path: Path, damage: str) -> None:
    wav, *_ = _media_folder(tmp_path, ("ok.wav",))
    cache = ProbeCache(tmp_path / "cache")
    cache.probe(wav)
    cache.flush()
    index, = (tmp_path / "cache" / "probes" / "dirs").glob("*.json")
    index.write_text(damage.replace("%s", str(wav.parent)).replace("VERSION", str(PROBE_VERSION)), encoding="utf-8")
    for entry in _entry_files(tmp_path / "cache"):
        entry.unlink()
    STATS.reset()
    probe = ProbeCache(tmp_path / "cache").probe(wav)
    assert (probe.kind, probe.duration, STATS.performed) == ("audio", 2.0, 1)


def test_folder_index_forgets_deleted_files(tmp_path: Path) -> None:
    clip, image, voice = _media_folder(tmp_path)
    cache = ProbeCache(tmp_path / "cache")
    for asset in (clip, image):
        cache.probe(asset)
    cache.flush()
    image.unlink()
    later = ProbeCache(tmp_path / "cache")
    later.probe(voice)
    later.flush()
    index, = (tmp_path / "cache" / "probes" / "dirs").glob("*.json")
    assert sorted(json.loads(index.read_text(encoding="utf-8"))["entries"]) == ["ok.mp4", "ok.wav"]


def _probe_and_flush(cache_dir: str, names: list[str], queue) -> None:  # type: ignore[no-untyped-def]
    cache = ProbeCache(Path(cache_dir))
    for name in names:
        cache.probe(name)
    cache.flush()
    queue.put("done")


def test_two_processes_flushing_one_folder_index_add_up(tmp_path: Path) -> None:
    assets = [str(a) for a in _media_folder(tmp_path, ("ok.mp4", "ok.jpg", "ok.wav", "trns.png"))]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_probe_and_flush, args=(str(tmp_path / "cache"), half, queue))
               for half in (assets[:2], assets[2:])]
    for worker in workers:
        worker.start()
    assert [queue.get(timeout=120) for _ in workers] == ["done", "done"]
    for worker in workers:
        worker.join(timeout=60)
    index, = (tmp_path / "cache" / "probes" / "dirs").glob("*.json")
    assert sorted(json.loads(index.read_text(encoding="utf-8"))["entries"]) == sorted(Path(a).name for a in assets)


def test_a_lint_run_writes_the_folder_index(tmp_path: Path) -> None:
    assets = _media_folder(tmp_path, ("ok.jpg", "ok.mp4"))
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"model": "wan2.7-reference-video", "prompt": "Image 1 meets Video 1",
                                   "image_urls": [str(assets[0])], "video_urls": [str(assets[1])]}))
    env = {"VIDLINT_CACHE_DIR": str(tmp_path / "cache")}
    first = run_vidlint("lint", "--format", "json", "-q", str(request), env=env)
    assert json.loads(first.out)["summary"]["probes"] == {"performed": 2, "cached": 0}
    for entry in _entry_files(tmp_path / "cache"):
        entry.unlink()
    second = run_vidlint("lint", "--format", "json", "-q", str(request), env=env)
    assert json.loads(second.out)["summary"]["probes"] == {"performed": 0, "cached": 2}
    assert json.loads(second.out)["files"] == json.loads(first.out)["files"]


def _hammer(cache_dir: str, names: list[str], rounds: int, queue) -> None:  # type: ignore[no-untyped-def]
    probes = {name: probe_path(name) for name in names}
    stats = {name: os.stat(name) for name in names}
    keys = {name: (str(Path(name).resolve()), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            for name, st in stats.items()}
    cache = ProbeCache(Path(cache_dir))
    torn, seen = 0, []
    for _ in range(rounds):
        for name in names:
            cache._write(keys[name], probes[name])
            # read the raw entry the other process may be replacing at this very moment
            try:
                json.loads(cache.entry_path(keys[name][0]).read_text(encoding="utf-8"))
            except ValueError:
                torn += 1
            seen.append(ProbeCache(Path(cache_dir)).probe(name).to_json())
    queue.put((torn, seen))


@pytest.mark.slow
def test_two_processes_writing_the_same_entries(tmp_path: Path) -> None:
    names = [str(MEDIA / n) for n in ("ok.mp4", "ok.jpg", "ok.wav", "trns.png")]
    rounds = 300
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_hammer, args=(str(tmp_path / "cache"), names, rounds, queue))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    expected = [probe_path(n).to_json() for n in names]
    for torn, seen in results:
        assert torn == 0, f"{torn} reads saw a half-written cache entry"
        assert seen == expected * rounds
    entries = list((tmp_path / "cache").rglob("*"))
    assert not [e for e in entries if e.name.startswith(".probe-")], "temporary files left behind"
    assert len([e for e in entries if e.suffix == ".json"]) == len(names)


# ---- the probe command ------------------------------------------------------------------------


def test_probe_command_text(tmp_path: Path) -> None:
    run = run_vidlint("probe", str(MEDIA / "rotated.mp4"), str(MEDIA / "trns.png"),
                      env={"VIDLINT_CACHE_DIR": str(tmp_path)})
    assert run.code == 0, run.err
    assert "container  mp4" in run.out
    assert "dimensions 240x320 (stored 320x240, rotation" in run.out
    assert "alpha      yes, tRNS chunk" in run.out


def test_probe_command_json_and_cache_counts(tmp_path: Path) -> None:
    files = [str(MEDIA / n) for n in ("ok.mp4", "ok-lossy.webp", "ok.mp3")]
    env = {"VIDLINT_CACHE_DIR": str(tmp_path / "cache")}
    # real processes: `probe` reports the counts of its process (one command per process)
    first = run_vidlint("probe", "--format", "json", *files, env=env, process=True)
    second = run_vidlint("probe", "--format", "json", *files, env=env, process=True)
    uncached = run_vidlint("probe", "--format", "json", "--no-cache", *files, env=env, process=True)
    assert first.code == second.code == uncached.code == 0
    assert first.json()["probes"] == {"performed": 3, "cached": 0}
    assert second.json()["probes"] == {"performed": 0, "cached": 3}
    assert uncached.json()["probes"] == {"performed": 3, "cached": 0}
    assert first.json()["files"] == second.json()["files"]
    webp = first.json()["files"][1]
    assert (webp["path"], webp["format"], webp["width"], webp["height"]) == (files[1], "webp", 320, 240)


def test_probe_command_bad_files_exit_1_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")
    run = run_vidlint("probe", str(tmp_path / "empty.mp4"), str(tmp_path), str(tmp_path / "missing.wav"),
                      env={"VIDLINT_CACHE_DIR": str(tmp_path / "cache")})
    assert run.code == 2  # missing.wav names nothing: exit 2, as lint
    assert "missing.wav: no such file" in run.err
    assert "Traceback" not in run.out + run.err
    assert "the file is empty" in run.out
    assert "is a directory" in run.out
    assert "missing.wav" not in run.out  # said once, on stderr, as lint says it


def test_probe_modules_are_not_imported_by_the_package() -> None:
    code = ("import sys, vidlint.probe, vidlint.check.assets, vidlint.check.estimate; "
            "print(sorted(m for m in ('PIL', 'pymediainfo', 'platformdirs') if m in sys.modules))")
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")})
    assert out.stdout.strip() == "[]", out.stderr


class DroppingReader(io.RawIOBase):
    """A stream that fails mid-read, as a dropped connection behind a remote file would."""

    def __init__(self, data: bytes, fail_after: int) -> None:
        self._data, self._pos, self._fail_after = data, 0, fail_after

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self._pos = {0: offset, 1: self._pos + offset, 2: len(self._data) + offset}[whence]
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self._pos >= self._fail_after:
            raise OSError(5, "Input/output error")
        chunk = self._data[self._pos:min(self._pos + len(buffer), self._fail_after)]
        buffer[:len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)


@pytest.mark.parametrize("name,fail_after", [("ok.png", 0), ("ok.png", 100), ("ok.jpg", 300),
                                              ("ok.mp4", 2000), ("moov-at-end.mp4", 4096)])
def test_stream_that_fails_while_reading_is_unreadable(name: str, fail_after: int) -> None:
    data = (MEDIA / name).read_bytes()
    stream = io.BufferedReader(DroppingReader(data, fail_after), buffer_size=64)
    probe = probe_stream(stream, len(data), "remote-file")
    assert probe.failure == "unreadable", probe
    assert probe.error == "cannot read remote-file: input/output error"


def test_unrecognisable_data_is_not_read_to_the_end(tmp_path: Path) -> None:
    from vidlint.probe.av import READ_BUDGET

    noise = tmp_path / "noise.mp4"
    block = os.urandom(MB)
    with open(noise, "wb") as out:
        for _ in range(READ_BUDGET // MB + 8):
            out.write(block)
    reader = CountingReader(noise)
    try:
        probe = probe_stream(reader, noise.stat().st_size, noise.name)
    finally:
        reader.close()
    assert probe.failure == "corrupt"
    assert reader.bytes_read <= READ_BUDGET + 1 * MB
    assert any("found nothing" in note for note in probe.notes)
