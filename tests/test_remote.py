"""--online: range-request probing against a real HTTP server on 127.0.0.1.

The media are real: tiny committed fixtures (fixtures/remote/), grown to several MB at test
time by padding their mdat box, plus images and WAV files made with Pillow and ``wave``.
"""

from __future__ import annotations

import io
import random
import wave
from pathlib import Path

import pytest

from conftest import FIXTURES
from media_server import MediaServer, pad_mp4

from vidlint.core.diagnostics import Severity
from vidlint.probe import probe_path
from vidlint.check.online import probe_remote, probe_remote_many
from vidlint.remote import FetchOptions, GuardPolicy, RemoteOptions, classify_host
from vidlint.remote.fetch import Fetcher, FetchStats, RemoteError
from vidlint.remote.guard import BlockedAddress
from vidlint.remote.mp4boxes import sparse_mp4_view, walk_top_level
from vidlint.remote.rangefile import RangeFile

REMOTE_FIXTURES = FIXTURES / "remote"
MiB = 1024 * 1024
BIG = 32 * MiB  # big enough that a 64 KiB block is well under 1% of it


# -- media ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("remote-media")
    files = {
        "start.mp4": pad_mp4(REMOTE_FIXTURES / "clip-start.mp4", root / "start.mp4", BIG),
        "end.mp4": pad_mp4(REMOTE_FIXTURES / "clip-end.mp4", root / "end.mp4", BIG),
        "rotated.mov": pad_mp4(REMOTE_FIXTURES / "rotated-end.mov", root / "rotated.mov", 4 * MiB),
        "long.mp4": pad_mp4(REMOTE_FIXTURES / "long-end.mp4", root / "long.mp4", 4 * MiB),
        "small-start.mp4": REMOTE_FIXTURES / "clip-start.mp4",
        "fragmented.mp4": pad_mp4(REMOTE_FIXTURES / "fragmented.mp4", root / "fragmented.mp4", 2 * MiB),
        "tone.mp3": REMOTE_FIXTURES / "tone.mp3",
        "long.mp3": REMOTE_FIXTURES / "long.mp3",
    }
    from PIL import Image

    noise = random.Random(3).randbytes(2400 * 1600 * 3)
    Image.frombytes("RGB", (2400, 1600), noise).save(root / "photo.jpg", quality=95)
    Image.frombytes("RGB", (2400, 1600), noise).save(root / "photo.png")
    Image.frombytes("RGBA", (1200, 1200), random.Random(4).randbytes(1200 * 1200 * 4)).save(root / "alpha.png")
    files.update({n: root / n for n in ("photo.jpg", "photo.png", "alpha.png")})
    for name, seconds in (("voice.wav", 4), ("long.wav", 12)):
        with wave.open(str(root / name), "wb") as out:
            out.setnchannels(2)
            out.setsampwidth(2)
            out.setframerate(44100)
            out.writeframes(random.Random(5).randbytes(44100 * 4 * seconds))
        files[name] = root / name
    return files


@pytest.fixture(scope="module")
def server(media: dict[str, Path]):  # type: ignore[no-untyped-def]
    with MediaServer() as srv:
        for name, path in media.items():
            srv.add(name, path)
        yield srv


@pytest.fixture
def options(tmp_path: Path) -> RemoteOptions:
    """Loopback allowed (the test server), fast retries, a private cache."""
    fetch = FetchOptions(policy=GuardPolicy(allow_private=True), timeout=2, retries=2, backoff=0.01)
    return RemoteOptions(fetch=fetch, cache_dir=tmp_path / "cache", use_cache=False)


def remote(server: MediaServer, route: str, name: str, options: RemoteOptions):  # type: ignore[no-untyped-def]
    server.log.clear()
    return probe_remote(server.url(route, name), options)


# -- the SSRF guard, without network -------------------------------------------------------


@pytest.mark.parametrize("host, reason", [
    ("localhost", "loopback"), ("LOCALHOST.", "loopback"), ("api.localhost", "loopback"),
    ("[::1]", "loopback"), ("127.0.0.1", "loopback"), ("127.1", "loopback"),
    ("2130706433", "loopback"), ("0x7f.0.0.1", "loopback"), ("0x7f000001", "loopback"),
    ("017700000001", "loopback"), ("0177.0.0.1", "loopback"), ("127.0.0.1.", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.10", "private"),
    ("169.254.169.254", "cloud metadata"), ("[fd00:ec2::254]", "cloud metadata"),
    ("metadata.google.internal", "cloud metadata"), ("169.254.10.1", "link-local"),
    ("[fe80::1%25eth0]", "link-local"), ("100.64.0.1", "carrier-grade NAT"),
    ("224.0.0.1", "multicast"), ("[ff02::1]", "multicast"), ("0.0.0.0", "unspecified"),
    ("0", "unspecified"), ("[::]", "unspecified"), ("[fc00::1]", "private"),
])
def test_classify_host_recognises_internal_spellings(host: str, reason: str) -> None:
    assert (classify_host(host) or "").startswith(reason)


@pytest.mark.parametrize("host", ["[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]",
                                  "[64:ff9b::10.0.0.1]", "[2002:c0a8:0101::1]", "[::ffff:169.254.169.254]"])
def test_classify_host_sees_ipv4_inside_ipv6(host: str) -> None:
    assert "inside IPv6" in (classify_host(host) or "")


@pytest.mark.parametrize("host", ["example.com", "cdn.example.com.", "8.8.8.8", "1.1.1.1",
                                  "[2606:4700:4700::1111]", "[::ffff:8.8.8.8]", "256.1.1.1"])
def test_classify_host_leaves_public_hosts_alone(host: str) -> None:
    assert classify_host(host) is None


def test_policy_checks_resolved_addresses_and_honours_its_allowlist() -> None:
    strict = GuardPolicy()
    with pytest.raises(BlockedAddress, match="loopback"):
        strict.resolve("localhost", 80)
    with pytest.raises(BlockedAddress, match="loopback"):
        strict.resolve("2130706433", 80)
    narrow = GuardPolicy(allowed_endpoints=frozenset({("127.0.0.1", 8080)}))
    assert narrow.resolve("127.0.0.1", 8080) == ["127.0.0.1"]
    with pytest.raises(BlockedAddress):
        narrow.resolve("127.0.0.1", 8081)
    assert GuardPolicy(allow_private=True).resolve("127.0.0.1", 1) == ["127.0.0.1"]


# -- the range file ------------------------------------------------------------------------


def test_range_file_reads_the_same_bytes_with_few_requests(server: MediaServer, media: dict[str, Path]) -> None:
    local = media["end.mp4"].read_bytes()
    stats = FetchStats()
    with Fetcher(FetchOptions(policy=GuardPolicy(allow_private=True))) as fetcher:
        f = RangeFile(fetcher.with_stats(stats), server.url("range", "end.mp4"), block_size=65536)
        assert f.size == len(local) and f.supports_ranges
        rng = random.Random(1)
        for _ in range(50):
            pos, n = rng.randrange(0, len(local)), rng.randrange(1, 5000)
            f.seek(pos)
            assert f.read(n) == local[pos:pos + n]
            assert f.tell() == min(pos + n, len(local))
        requests_after_random = stats.requests
        f.seek(0)
        assert f.read(100) == local[:100]  # block 0 is still cached: no request
        f.seek(-10, io.SEEK_END)
        assert f.read() == local[-10:]
        f.seek(3 * 65536 - 5)  # a read across two uncached blocks is one request
        before = stats.requests
        assert f.read(65536 + 10) == local[3 * 65536 - 5:4 * 65536 + 5]
        assert stats.requests - before <= 1
        assert requests_after_random <= 51
        assert stats.bytes_transferred == f.bytes_fetched
        assert stats.bytes_transferred <= server.log.body_bytes


def test_range_file_streams_from_a_server_that_ignores_range(server: MediaServer, media: dict[str, Path]) -> None:
    local = media["end.mp4"].read_bytes()
    stats = FetchStats()
    with Fetcher(FetchOptions(policy=GuardPolicy(allow_private=True))) as fetcher:
        f = RangeFile(fetcher.with_stats(stats), server.url("norange", "end.mp4"), stream_cap=1 * MiB)
        assert not f.supports_ranges and f.size == len(local)
        assert f.read(1000) == local[:1000]
        f.seek(500_000)
        assert f.read(10) == local[500_000:500_010]
        f.seek(0)
        assert f.read(10) == local[:10]
        f.seek(len(local) - 100)
        with pytest.raises(RemoteError) as caught:
            f.read(100)
        assert caught.value.kind == "range_unsupported"
        assert "ignores Range" in str(caught.value)
        f.close()
    assert stats.requests == 1
    assert stats.bytes_transferred <= 1 * MiB + 65536


# -- MP4 layouts: the 1% target and the same verdicts --------------------------------------


@pytest.mark.parametrize("name", ["start.mp4", "end.mp4"])
def test_mp4_probe_fetches_under_one_percent_in_either_layout(server: MediaServer, media: dict[str, Path],
                                                               options: RemoteOptions, name: str) -> None:
    probe, problems, stats = remote(server, "range", name, options)
    assert problems == []
    assert probe.to_json() == probe_path(media[name]).to_json()
    assert (probe.kind, probe.format, probe.codec, probe.width, probe.height, probe.duration) == \
        ("video", "mp4", "h264", 640, 360, 2.0)
    size = media[name].stat().st_size
    assert stats.bytes_transferred < size / 100, f"{stats.bytes_transferred} of {size} bytes"
    assert stats.requests <= 3
    assert stats.requests == len(server.log.requests)
    assert stats.bytes_transferred == server.log.body_bytes


def test_moov_at_end_needs_a_request_at_the_end(server: MediaServer, media: dict[str, Path], options: RemoteOptions) -> None:
    remote(server, "range", "end.mp4", options)
    moov = next(b for b in walk_top_level(media["end.mp4"].open("rb"), BIG) if b.type == "moov")
    ranges = [r for _, r, _ in server.log.requests]
    assert any(int(r.split("=")[1].split("-")[0]) <= moov.offset <= int(r.split("-")[1]) for r in ranges[1:])


@pytest.mark.parametrize("name", ["rotated.mov", "long.mp4"])
def test_remote_videos_get_the_same_probe_as_local_copies(server: MediaServer, media: dict[str, Path],
                                                          options: RemoteOptions, name: str) -> None:
    probe, problems, _ = remote(server, "range", name, options)
    assert problems == []
    assert probe.to_json() == probe_path(media[name]).to_json()


def test_rotation_and_duration_survive_the_sparse_view(server: MediaServer, options: RemoteOptions) -> None:
    rotated, _, _ = remote(server, "range", "rotated.mov", options)
    assert (rotated.format, rotated.width, rotated.height) == ("mov", 360, 640)
    long, _, _ = remote(server, "range", "long.mp4", options)
    assert long.duration == pytest.approx(31.0)


def test_a_64_bit_mdat_size_is_walked(server: MediaServer, tmp_path: Path, options: RemoteOptions) -> None:
    """ffmpeg leaves an 8-byte 'free' box before mdat for this: free + mdat header become one
    16-byte mdat header with a 64-bit size, and no sample moves."""
    import struct

    data = bytearray(pad_mp4(REMOTE_FIXTURES / "clip-end.mp4", tmp_path / "padded.mp4", 6 * MiB).read_bytes())
    assert data[36:40] == b"free" and data[44:48] == b"mdat"
    (mdat_size,) = struct.unpack(">I", data[40:44])
    data[32:48] = struct.pack(">I4sQ", 1, b"mdat", mdat_size + 8)
    path = tmp_path / "large-size.mp4"
    path.write_bytes(bytes(data))
    with path.open("rb") as f:
        boxes = walk_top_level(f, len(data))
    assert [(b.type, b.offset, b.header) for b in boxes][1:] == [("mdat", 32, 16), ("moov", 32 + mdat_size + 8, 8)]
    server.add("large-size.mp4", path)
    probe, problems, stats = remote(server, "range", "large-size.mp4", options)
    assert problems == [] and probe.to_json() == probe_path(path).to_json() and probe.duration == 2.0
    assert stats.requests <= 3


def test_fragmented_mp4_is_probed_without_the_sparse_view(server: MediaServer, media: dict[str, Path],
                                                          options: RemoteOptions) -> None:
    with media["fragmented.mp4"].open("rb") as f:  # moov holds no sample tables: not safe to skip mdat
        assert sparse_mp4_view(f, media["fragmented.mp4"].stat().st_size) is None
    probe, problems, _ = remote(server, "range", "fragmented.mp4", options)
    assert problems == []
    assert probe.to_json() == probe_path(media["fragmented.mp4"]).to_json()


def test_the_per_asset_transfer_budget_stops_a_greedy_probe(server: MediaServer, options: RemoteOptions) -> None:
    from dataclasses import replace

    _, _, unbounded = remote(server, "range", "fragmented.mp4", options)
    assert unbounded.bytes_transferred > 150_000  # MediaInfo reads three blocks of this file
    tight = replace(options, max_transfer=150_000)
    probe, problems, stats = remote(server, "range", "fragmented.mp4", tight)
    assert probe is None  # a probe that wanted more than the budget is reported, not believed
    assert [(d.code, d.severity) for d in problems] == [("VL809", Severity.WARNING)]
    assert "more than 150000 bytes" in problems[0].message
    assert stats.bytes_transferred <= 150_000


def test_sparse_view_keeps_moov_and_zeroes_the_payload(media: dict[str, Path]) -> None:
    path = media["end.mp4"]
    data = path.read_bytes()
    with path.open("rb") as f:
        view = sparse_mp4_view(f, BIG)
        assert view is not None and view.size == BIG
        boxes = walk_top_level(f, BIG)
        moov = next(b for b in boxes if b.type == "moov")
        mdat = next(b for b in boxes if b.type == "mdat")
        gap = mdat.offset + 5 * MiB
        view.seek(mdat.offset)
        assert view.read(mdat.header) == data[mdat.offset:mdat.offset + mdat.header]
        view.seek(gap)  # before moov was read: zeros, so a sequential reader can reach moov
        assert view.read(4096) == bytes(4096) != data[gap:gap + 4096]
        view.seek(moov.offset)
        assert view.read(moov.size) == data[moov.offset:moov.end]
        view.seek(gap)  # after: the payload reads as the end of the file
        assert view.read(4096) == b""
        view.seek(0)
        assert view.read(32) == data[:32]


def test_server_without_range_moov_at_start_is_probed_moov_at_end_is_not(server: MediaServer, media: dict[str, Path],
                                                                         options: RemoteOptions) -> None:
    probe, problems, stats = remote(server, "norange", "start.mp4", options)
    assert problems == [] and probe.to_json() == probe_path(media["start.mp4"]).to_json()
    assert stats.requests == 1 and stats.bytes_transferred < BIG / 100

    probe, problems, stats = remote(server, "norange", "end.mp4", options)
    assert probe is None
    assert [(d.code, d.severity) for d in problems] == [("VL807", Severity.WARNING)]
    assert "ignores Range" in problems[0].message
    assert stats.bytes_transferred <= options.stream_cap + options.block_size


# -- images and audio ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["photo.jpg", "photo.png", "alpha.png", "voice.wav", "long.wav", "tone.mp3", "long.mp3"])
@pytest.mark.parametrize("route", ["range", "norange"])
def test_images_and_audio_get_the_same_probe_as_local_copies(server: MediaServer, media: dict[str, Path],
                                                            options: RemoteOptions, name: str, route: str) -> None:
    probe, problems, _ = remote(server, route, name, options)
    assert problems == []
    assert probe.to_json() == probe_path(media[name]).to_json()


@pytest.mark.parametrize("name", ["photo.jpg", "voice.wav", "long.wav"])
def test_images_and_audio_are_probed_from_their_headers(server: MediaServer, media: dict[str, Path],
                                                       options: RemoteOptions, name: str) -> None:
    _, _, stats = remote(server, "range", name, options)
    size = media[name].stat().st_size
    assert size > 500_000
    # the head, plus for images the last 64 KiB (the probe's truncation check): at most 3 blocks
    assert stats.bytes_transferred <= 3 * options.block_size, f"{stats.bytes_transferred} of {size} bytes"
    assert stats.requests <= 2


def test_png_is_probed_from_its_header_exif_orientation_included(server: MediaServer, media: dict[str, Path],
                                                                 options: RemoteOptions, tmp_path: Path) -> None:
    _, _, stats = remote(server, "range", "photo.png", options)
    assert stats.bytes_transferred <= 3 * options.block_size < media["photo.png"].stat().st_size / 10

    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90
    rotated = tmp_path / "portrait.png"
    Image.frombytes("RGB", (1200, 800), random.Random(6).randbytes(1200 * 800 * 3)).save(rotated, exif=exif)
    server.add("portrait.png", rotated)
    probe, problems, stats = remote(server, "range", "portrait.png", options)
    assert problems == [] and (probe.rotation, probe.width, probe.height) == (90, 800, 1200)
    assert probe.to_json() == probe_path(rotated).to_json()
    assert stats.bytes_transferred <= 3 * options.block_size < rotated.stat().st_size / 10


def test_wav_samples_are_not_fetched(server: MediaServer, media: dict[str, Path], options: RemoteOptions) -> None:
    probe, _, stats = remote(server, "range", "long.wav", options)
    assert probe.duration == pytest.approx(12.0) and probe.format == "wav"
    assert stats.requests == 1 and stats.bytes_transferred == options.block_size


@pytest.mark.parametrize("route", ["range", "norange"])
def test_empty_truncated_and_bogus_files_get_the_same_failure_as_local_copies(server: MediaServer, tmp_path: Path,
                                                                              options: RemoteOptions, route: str) -> None:
    clip = (REMOTE_FIXTURES / "clip-end.mp4").read_bytes()
    cases = {
        "empty.mp4": b"",
        "cut-before-moov.mp4": clip[:len(clip) - 1500],  # moov at the end, cut inside it
        "cut-payload.mp4": (REMOTE_FIXTURES / "clip-start.mp4").read_bytes()[:6000],
        "text.mp4": b"this is not a video\n" * 500,
        "cut.png": (FIXTURES / "media" / "ok.png").read_bytes()[:3000],
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        server.add(f"{route}-{name}", tmp_path / name)
        probe, problems, _ = remote(server, route, f"{route}-{name}", options)
        assert problems == [], name
        local = probe_path(tmp_path / name)
        assert probe.to_json() == local.to_json(), name
        assert local.failure is not None or local.truncated, name


def test_png_transparency_is_seen_remotely(server: MediaServer, options: RemoteOptions) -> None:
    probe, _, _ = remote(server, "range", "alpha.png", options)
    assert probe.has_alpha is True


# -- HTTP failures -------------------------------------------------------------------------


@pytest.mark.parametrize("status, code, severity", [
    (404, "VL801", Severity.ERROR), (410, "VL801", Severity.ERROR), (403, "VL802", Severity.ERROR),
    (401, "VL802", Severity.ERROR), (500, "VL803", Severity.WARNING), (503, "VL803", Severity.WARNING),
])
def test_http_errors_become_diagnostics(server: MediaServer, options: RemoteOptions, status: int, code: str,
                                        severity: Severity) -> None:
    probe, problems, stats = remote(server, f"status/{status}", "x.mp4", options)
    assert probe is None
    assert [(d.code, d.severity) for d in problems] == [(code, severity)]
    assert f"HTTP {status}" in problems[0].message
    retried = status >= 500
    assert stats.requests == (options.fetch.retries + 1 if retried else 1) == len(server.log.requests)


def test_a_failing_then_healthy_server_is_retried(server: MediaServer, media: dict[str, Path], options: RemoteOptions) -> None:
    probe, problems, stats = remote(server, "flaky/2", "small-start.mp4", options)
    assert problems == []
    assert probe.to_json() == probe_path(media["small-start.mp4"]).to_json()
    assert [p for p, _, _ in server.log.requests][:3] == ["/flaky/2/small-start.mp4"] * 3
    assert stats.requests == len(server.log.requests) >= 3


def test_retry_after_is_honoured_when_short_and_not_waited_for_when_long(server: MediaServer,
                                                                       options: RemoteOptions) -> None:
    import time

    began = time.monotonic()
    probe, problems, stats = remote(server, "flaky/1", "small-start.mp4?retry_after=0.5", options)
    assert problems == [] and probe.width == 640 and stats.requests == 2
    assert time.monotonic() - began >= 0.5  # backoff is 0.01 s here: the wait was the server's

    began = time.monotonic()
    probe, problems, stats = remote(server, "flaky/5", "small-start.mp4?retry_after=3600", options)
    assert probe is None and [d.code for d in problems] == ["VL803"] and stats.requests == 1
    assert time.monotonic() - began < 5


def test_a_slow_server_times_out_as_a_warning(server: MediaServer) -> None:
    fetch = FetchOptions(policy=GuardPolicy(allow_private=True), timeout=0.3, retries=1, backoff=0.01)
    probe, problems, stats = probe_remote(server.url("slow/2", "small-start.mp4"), RemoteOptions(fetch=fetch, use_cache=False))
    assert probe is None
    assert [(d.code, d.severity) for d in problems] == [("VL804", Severity.WARNING)]
    assert "timed out" in problems[0].message
    assert stats.requests == 2


def test_a_server_that_drips_its_body_hits_the_response_deadline(server: MediaServer) -> None:
    fetch = FetchOptions(policy=GuardPolicy(allow_private=True), timeout=5, deadline=1.0, retries=0)
    probe, problems, stats = probe_remote(server.url("drip/5000", "small-start.mp4"), RemoteOptions(fetch=fetch, use_cache=False))
    assert probe is None
    assert [(d.code, d.severity) for d in problems] == [("VL804", Severity.WARNING)]
    assert "longer than 1 s" in problems[0].message
    assert stats.bytes_transferred < 5000 * 2


def test_an_unresolvable_host_is_a_warning(options: RemoteOptions) -> None:
    def resolver(host: str, port: int) -> list[str]:
        raise OSError(f"cannot resolve {host}: Name or service not known")

    fetch = FetchOptions(policy=GuardPolicy(resolver=resolver), retries=1, backoff=0.01)
    probe, problems, stats = probe_remote("https://cdn.vidlint-test.invalid/a.mp4", RemoteOptions(fetch=fetch, use_cache=False))
    assert probe is None
    assert [(d.code, d.severity) for d in problems] == [("VL804", Severity.WARNING)]
    assert "cannot resolve cdn.vidlint-test.invalid" in problems[0].message
    assert stats.requests == 2 and stats.bytes_transferred == 0


def test_redirects_are_followed_up_to_the_bound(server: MediaServer, media: dict[str, Path], options: RemoteOptions) -> None:
    probe, problems, stats = remote(server, "redirect/3", "small-start.mp4", options)
    assert problems == [] and probe.width == 640
    assert stats.requests == 4  # three redirects, then the whole (small) file in one range request

    probe, problems, _ = remote(server, "redirect/9", "small-start.mp4", options)
    assert probe is None
    assert [d.code for d in problems] == ["VL806"]
    assert len(server.log.requests) == options.fetch.max_redirects + 1


def test_non_http_schemes_are_not_fetched(options: RemoteOptions) -> None:
    probe, problems, stats = probe_remote("ftp://example.com/a.mp4", options)
    assert probe is None and [d.code for d in problems] == ["VL810"] and stats.requests == 0


# -- SSRF ----------------------------------------------------------------------------------


def test_loopback_is_refused_by_default_without_connecting(server: MediaServer) -> None:
    server.log.clear()
    probe, problems, stats = probe_remote(server.url("range", "small-start.mp4"), RemoteOptions(use_cache=False))
    assert probe is None
    assert [(d.code, d.severity) for d in problems] == [("VL805", Severity.ERROR)]
    assert "loopback" in problems[0].message and "--allow-private-hosts" in (problems[0].hint or "")
    assert server.log.requests == []


@pytest.mark.parametrize("spelling", ["127.0.0.1", "localhost", "2130706433", "[::ffff:127.0.0.1]"])
def test_redirect_from_an_allowed_host_to_loopback_is_refused(server: MediaServer, spelling: str) -> None:
    """Server A is allowed by exact host:port; its redirect to server B (loopback too) is not.

    Both servers are real and B would answer: the same redirect with the guard lifted reaches
    it, so the refusal is the guard's doing, not a dead endpoint.
    """
    with MediaServer() as target:
        target.add("clip.mp4", REMOTE_FIXTURES / "clip-start.mp4")
        destination = f"http://{spelling}:{target.port}/range/clip.mp4"
        url = server.url("to") + "?url=" + destination
        allow_a = GuardPolicy(allowed_endpoints=frozenset({("127.0.0.1", server.port)}))
        server.log.clear()
        probe, problems, stats = probe_remote(url, RemoteOptions(fetch=FetchOptions(policy=allow_a), use_cache=False))
        assert probe is None
        assert [(d.code, d.severity) for d in problems] == [("VL805", Severity.ERROR)]
        assert "after a redirect" in problems[0].message
        assert len(server.log.requests) == 1 and target.log.requests == []

        if spelling != "[::ffff:127.0.0.1]":  # that spelling needs an IPv6 socket to connect
            lifted = RemoteOptions(fetch=FetchOptions(policy=GuardPolicy(allow_private=True)), use_cache=False)
            probe, problems, _ = probe_remote(url, lifted)
            assert problems == [] and probe.width == 640
            assert len(target.log.requests) == 1


def test_names_are_checked_after_resolution_and_the_connection_is_pinned(server: MediaServer) -> None:
    """A public-looking name that resolves to loopback is refused at connect time.

    The name does not exist in real DNS: when the guard is lifted the probe still succeeds,
    which shows the client connects to the address the guard checked, not a fresh lookup.
    """
    def resolver(host: str, port: int) -> list[str]:
        assert host == "assets.vidlint-test.invalid"
        return ["127.0.0.1"]

    url = f"http://assets.vidlint-test.invalid:{server.port}/range/small-start.mp4"
    server.log.clear()
    strict = RemoteOptions(fetch=FetchOptions(policy=GuardPolicy(resolver=resolver), retries=0), use_cache=False)
    probe, problems, stats = probe_remote(url, strict)
    assert probe is None and stats.requests == 0
    assert [d.code for d in problems] == ["VL805"]
    assert "assets.vidlint-test.invalid (127.0.0.1)" in problems[0].message
    assert server.log.requests == []

    lifted = RemoteOptions(fetch=FetchOptions(policy=GuardPolicy(allow_private=True, resolver=resolver)), use_cache=False)
    probe, problems, _ = probe_remote(url, lifted)
    assert problems == [] and probe.width == 640
    assert len(server.log.requests) == 1


def test_https_is_verified_against_the_url_host_while_connecting_to_the_pinned_address() -> None:
    """TLS checks the certificate against the URL's name although the socket goes to the
    address the guard resolved and checked (a fixed resolver; the name is not in real DNS)."""
    tls = REMOTE_FIXTURES / "tls"
    with MediaServer(tls=(tls / "cert.pem", tls / "key.pem")) as secure:
        secure.add("clip.mp4", REMOTE_FIXTURES / "clip-start.mp4")

        def resolver(host: str, port: int) -> list[str]:
            return ["127.0.0.1"]

        def options_for(host: str) -> RemoteOptions:
            policy = GuardPolicy(allowed_endpoints=frozenset({(host, secure.port)}), resolver=resolver)
            return RemoteOptions(fetch=FetchOptions(policy=policy, verify_tls=str(tls / "cert.pem"), retries=0),
                                 use_cache=False)

        good = f"https://assets.vidlint-test.invalid:{secure.port}/range/clip.mp4"
        probe, problems, stats = probe_remote(good, options_for("assets.vidlint-test.invalid"))
        assert problems == [] and probe.width == 640 and stats.requests == 1

        wrong_name = f"https://other.vidlint-test.invalid:{secure.port}/range/clip.mp4"
        probe, problems, _ = probe_remote(wrong_name, options_for("other.vidlint-test.invalid"))
        assert probe is None and [d.code for d in problems] == ["VL804"]
        assert "certificate" in problems[0].message.lower() or "hostname" in problems[0].message.lower()

        strict = RemoteOptions(fetch=FetchOptions(policy=GuardPolicy(resolver=resolver), retries=0), use_cache=False)
        probe, problems, _ = probe_remote(good, strict)  # not allowlisted: 127.0.0.1 is refused
        assert [d.code for d in problems] == ["VL805"]


# -- the cache -----------------------------------------------------------------------------


def test_cache_revalidates_with_a_conditional_request(server: MediaServer, media: dict[str, Path], tmp_path: Path) -> None:
    fetch = FetchOptions(policy=GuardPolicy(allow_private=True))
    cached = RemoteOptions(fetch=fetch, cache_dir=tmp_path / "cache")
    first, _, first_stats = remote(server, "range", "end.mp4", cached)
    assert first_stats.requests >= 2

    again, problems, stats = remote(server, "range", "end.mp4", cached)
    assert problems == [] and again.to_json() == first.to_json()
    assert stats.requests == 1 and stats.bytes_transferred == 0
    assert server.log.requests[0][2] == server.files["end.mp4"].etag  # conditional, answered 304

    offline = RemoteOptions(fetch=fetch, cache_dir=tmp_path / "cache", offline_cache=True)
    server.log.clear()
    third, problems, stats = probe_remote(server.url("range", "end.mp4"), offline)
    assert problems == [] and third.to_json() == first.to_json()
    assert stats.requests == 0 and server.log.requests == []

    missing, problems, stats = probe_remote(server.url("range", "start.mp4"), offline)
    assert missing is None and [(d.code, d.severity) for d in problems] == [("VL808", Severity.INFO)]
    assert stats.requests == 0


def test_a_changed_asset_is_probed_again(server: MediaServer, tmp_path: Path) -> None:
    path = tmp_path / "changing.mp4"
    path.write_bytes((REMOTE_FIXTURES / "clip-start.mp4").read_bytes())
    server.add("changing.mp4", path)
    cached = RemoteOptions(fetch=FetchOptions(policy=GuardPolicy(allow_private=True)), cache_dir=tmp_path / "cache")
    first, _, _ = remote(server, "range", "changing.mp4", cached)
    assert first.duration == 2.0
    path.write_bytes((REMOTE_FIXTURES / "long-end.mp4").read_bytes())
    server.add("changing.mp4", path)
    second, problems, stats = remote(server, "range", "changing.mp4", cached)
    assert problems == [] and second.duration == pytest.approx(31.0)
    assert stats.bytes_transferred > 0


# -- several assets at once ----------------------------------------------------------------


def test_probe_many_limits_concurrency_and_probes_each_uri_once(server: MediaServer, tmp_path: Path) -> None:
    for i in range(6):
        server.add(f"c{i}.mp4", REMOTE_FIXTURES / "clip-start.mp4")
    uris = [server.url("slow/0.3", f"c{i}.mp4") for i in range(6)]
    fetch = FetchOptions(policy=GuardPolicy(allow_private=True))
    server.log.clear()
    results, total = probe_remote_many(uris + uris[:2], RemoteOptions(fetch=fetch, concurrency=3, use_cache=False))
    assert set(results) == set(uris)
    assert all(r.error is None and r.probe.width == 640 for r in results.values())
    assert len(server.log.requests) == 6 == total.requests
    assert 2 <= server.log.max_in_flight <= 3
    assert total.bytes_transferred == server.log.body_bytes


# -- documentation -------------------------------------------------------------------------


def test_every_online_code_is_a_documented_registered_rule() -> None:
    from vidlint.rules.registry import RULES, load_all_rules
    from vidlint.rules.online import BY_KIND, diagnostic_for

    load_all_rules()
    online = {code: r for code, r in RULES.items() if code.startswith("VL8")}
    assert sorted(online) == [f"VL8{n:02d}" for n in range(1, 11)]
    for registered in online.values():
        assert registered.stage == "online"
        assert "Breaks it:" in registered.doc and "Fix:" in registered.doc, registered.code
    for kind in BY_KIND:
        made = diagnostic_for(RemoteError(kind, "boom"), "/video_urls/0")
        assert made.severity is RULES[made.code].severity and made.pointer == "/video_urls/0"
