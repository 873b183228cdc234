"""`vidlint lint --online` end to end: the real CLI against a real server on 127.0.0.1.

The same request is linted twice: with local paths and with http URLs of the same files
served by the test server. The asset verdicts (codes and pointers) must be the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, SRC, run_vidlint, write_request
from media_server import MediaServer, pad_mp4

MEDIA = FIXTURES / "media"
REMOTE = FIXTURES / "remote"
MiB = 1024 * 1024
# Diagnostics about where a file lives, not about the file: they legitimately differ.
WHERE_CODES = {"VL501", "VL502"}


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("online-assets")
    return {
        "start.mp4": pad_mp4(REMOTE / "clip-start.mp4", root / "start.mp4", 12 * MiB),
        "end.mp4": pad_mp4(REMOTE / "clip-end.mp4", root / "end.mp4", 12 * MiB),
        "long.mp4": pad_mp4(REMOTE / "long-end.mp4", root / "long.mp4", 3 * MiB),
        "rotated.mov": REMOTE / "rotated-end.mov",
        "ok.jpg": MEDIA / "ok.jpg",
        "trns.png": MEDIA / "trns.png",
        "small.png": MEDIA / "small.png",
        "ok.wav": MEDIA / "ok.wav",
        "long.mp3": REMOTE / "long.mp3",
        "voice.ogg": MEDIA / "voice.ogg",
        "webm-named.mp4": MEDIA / "webm-named.mp4",
    }


@pytest.fixture(scope="module")
def server(assets: dict[str, Path]):  # type: ignore[no-untyped-def]
    with MediaServer() as srv:
        for name, path in assets.items():
            srv.add(name, path)
        yield srv


def request(ref: dict[str, str]) -> dict[str, Any]:
    return {
        "model": "wan2.7-reference-video",
        "prompt": "Video 1 and Video 2 meet Image 1 and Image 2 in a garden",
        "video_urls": [ref["start.mp4"], ref["long.mp4"]],
        "image_urls": [ref["trns.png"], ref["small.png"]],
        "image_start": ref["ok.jpg"],
        "audio_urls": [ref["long.mp3"]],
        "model_params": {"voice_bindings": {"image1": ref["voice.ogg"], "image2": ref["ok.wav"]}},
        "duration": 10,
    }


def verdicts(report: dict[str, Any]) -> list[tuple[str, str]]:
    (entry,) = report["files"]
    return sorted((d["code"], d["pointer"]) for d in entry["diagnostics"] if d["code"] not in WHERE_CODES)


def lint(folder: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return run_vidlint("lint", *args, "request.json", cwd=folder,
                       env={"VIDLINT_CACHE_DIR": str(folder / "cache"), **(env or {})})


def test_remote_assets_get_the_same_verdicts_as_local_copies(tmp_path: Path, server: MediaServer,
                                                              assets: dict[str, Path]) -> None:
    local = tmp_path / "local"
    write_request(local / "request.json", request({n: str(p) for n, p in assets.items()}))
    remote = tmp_path / "remote"
    write_request(remote / "request.json", request({n: server.url("range", n) for n in assets}))

    by_path = lint(local, "--format", "json")
    server.log.clear()
    online = lint(remote, "--format", "json", "--online", "--allow-private-hosts")
    assert "Traceback" not in online.err
    assert by_path.code == online.code == 1
    local_verdicts, online_verdicts = verdicts(by_path.json()), verdicts(online.json())
    # the checks found what the request breaks: transparency, a small image, a 31 s video, a
    # 12 s voice clip, an ogg voice clip; all of it again over HTTP
    assert {"VL606", "VL608", "VL603", "VL601"} <= {code for code, _ in local_verdicts}
    assert online_verdicts == local_verdicts
    (entry,) = online.json()["files"]
    assert not [d for d in entry["diagnostics"] if d["code"] in WHERE_CODES]
    assert entry["estimate"]["input_video_seconds"] == 33.0 and entry["estimate"]["complete"] is True

    summary = online.json()["summary"]["online"]
    assert summary["requests"] == len(server.log.requests)
    assert summary["bytes_transferred"] == server.log.body_bytes
    total = sum(p.stat().st_size for p in assets.values())
    assert summary["bytes_transferred"] < total / 20


def test_text_report_ends_with_bytes_and_requests(tmp_path: Path, server: MediaServer) -> None:
    write_request(tmp_path / "request.json", {
        "model": "wan2.7-reference-video", "prompt": "Video 1 walks", "duration": 5,
        "video_urls": [server.url("range", "end.mp4")]})
    server.log.clear()
    run = lint(tmp_path, "--online", "--allow-private-hosts")
    assert run.code == 0, run.out
    last = run.out.strip().splitlines()[-1]
    assert last.startswith("online: ") and last.endswith(f"transferred in {len(server.log.requests)} requests")
    assert f"{server.log.body_bytes:,} bytes" in last
    assert server.log.body_bytes <= 2 * 65536  # moov at the end of a 12 MB file: two 64 KiB blocks


def test_without_online_nothing_is_fetched(tmp_path: Path, server: MediaServer) -> None:
    write_request(tmp_path / "request.json", {
        "model": "wan2.7-reference-video", "prompt": "Video 1 walks", "video_urls": [server.url("range", "end.mp4")]})
    server.log.clear()
    run = lint(tmp_path, "--format", "json")
    assert run.code == 0
    (entry,) = run.json()["files"]
    assert [d["code"] for d in entry["diagnostics"]] == ["VL502"]
    assert "online" not in run.json()["summary"]
    assert server.log.requests == []


def test_loopback_assets_are_refused_without_allow_private_hosts(tmp_path: Path, server: MediaServer) -> None:
    write_request(tmp_path / "request.json", {
        "model": "wan2.7-reference-video", "prompt": "Video 1 walks", "video_urls": [server.url("range", "end.mp4")]})
    server.log.clear()
    run = lint(tmp_path, "--online")
    assert run.code == 1
    assert "VL805 [error]" in run.out and "loopback" in run.out and "--allow-private-hosts" in run.out
    assert "request.json:5:5: VL805" in run.out  # on the line of the video_urls entry
    assert server.log.requests == []
    assert run.out.strip().splitlines()[-1] == "online: 0 bytes transferred in 0 requests"


def test_http_errors_are_diagnostics_on_the_asset_pointer(tmp_path: Path, server: MediaServer) -> None:
    write_request(tmp_path / "request.json", {
        "model": "wan2.7-reference-video", "prompt": "Image 1 and Image 2 smile",
        "image_urls": [server.url("status/404", "a.jpg"), server.url("status/403", "b.jpg")],
        "video_urls": [server.url("status/503", "c.mp4")]})
    run = lint(tmp_path, "--online", "--allow-private-hosts", "--format", "json")
    assert run.code == 1 and "Traceback" not in run.err
    (entry,) = run.json()["files"]
    found = {(d["code"], d["severity"], d["pointer"]) for d in entry["diagnostics"]}
    assert ("VL801", "error", "/image_urls/0") in found
    assert ("VL802", "error", "/image_urls/1") in found
    assert ("VL803", "warning", "/video_urls/0") in found
    assert entry["estimate"]["complete"] is False


def test_offline_cache_reuses_online_results_without_network(tmp_path: Path, server: MediaServer) -> None:
    write_request(tmp_path / "request.json", {
        "model": "wan2.7-reference-video", "prompt": "Video 1 walks", "video_urls": [server.url("range", "long.mp4")]})
    online = lint(tmp_path, "--online", "--allow-private-hosts", "--format", "json")
    server.log.clear()
    offline = lint(tmp_path, "--offline-cache", "--format", "json")
    assert server.log.requests == []
    assert verdicts(offline.json()) == verdicts(online.json()) == [("VL606", "/video_urls/0")]
    assert offline.json()["summary"]["online"] == {"bytes_transferred": 0, "requests": 0}

    again = lint(tmp_path, "--online", "--allow-private-hosts", "--format", "json")  # revalidated: 304
    assert again.json()["summary"]["online"] == {"bytes_transferred": 0, "requests": 1}
    assert verdicts(again.json()) == verdicts(online.json())

    write_request(tmp_path / "request.json", {
        "model": "wan2.7-reference-video", "prompt": "Video 1 walks", "video_urls": [server.url("range", "start.mp4")]})
    server.log.clear()
    miss = lint(tmp_path, "--offline-cache", "--format", "json")
    (entry,) = miss.json()["files"]
    assert [(d["code"], d["severity"]) for d in entry["diagnostics"]] == [("VL808", "info")]
    assert server.log.requests == []


@pytest.mark.parametrize("args", [["--online", "--offline-cache"], ["--allow-private-hosts"]])
def test_conflicting_flags_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    write_request(tmp_path / "request.json", {"model": "wan2.7-reference-video", "prompt": "x"})
    run = lint(tmp_path, *args)
    assert run.code == 2 and "Traceback" not in run.err


def test_lint_does_not_import_the_http_client_unless_online(tmp_path: Path) -> None:
    write_request(tmp_path / "request.json", {
        "model": "wan2.7-reference-video", "prompt": "Video 1 walks", "video_urls": ["https://cdn.example.com/a.mp4"]})
    code = ("import sys; from vidlint.api import lint_paths, LintOptions; "
            "run = lint_paths([sys.argv[1]], LintOptions()); "
            "print(run.exit_code, sorted(m for m in sys.modules if m in ('httpx', 'httpcore') "
            "or m.startswith(('vidlint.remote.fetch', 'vidlint.remote.online', 'vidlint.remote.guard'))))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "request.json")], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(SRC), "VIDLINT_CACHE_DIR": str(tmp_path / "cache")})
    assert out.stdout.strip() == "0 []", out.stderr


def test_a_batch_probes_its_requests_assets_concurrently(tmp_path: Path, server: MediaServer) -> None:
    lines = []
    for i in range(6):
        server.add(f"b{i}.mp4", REMOTE / "clip-start.mp4")
        lines.append(json.dumps({"model": "wan2.7-reference-video", "prompt": "Video 1 walks",
                                 "video_urls": [server.url("slow/0.4", f"b{i}.mp4")]}))
    lines.append(lines[0])  # the same asset twice in a batch is fetched once
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    server.log.clear()
    run = run_vidlint("lint", "--online", "--allow-private-hosts", "--format", "json", "batch.jsonl", cwd=tmp_path,
                      env={"VIDLINT_CACHE_DIR": str(tmp_path / "cache")})
    assert run.code == 0, run.out
    (entry,) = run.json()["files"]
    assert entry["requests"] == 7 and entry["diagnostics"] == []
    assert len(server.log.requests) == 6 == run.json()["summary"]["online"]["requests"]
    assert 2 <= server.log.max_in_flight <= 4  # several at once, never more than the limit


def test_a_zero_byte_remote_asset_is_the_same_error_as_an_empty_local_file(tmp_path: Path) -> None:
    """A 416 with ``Content-Range: bytes */0`` (range route) and a 200 with ``Content-Length: 0``
    (norange route) both mean: the file is empty (VL506), as for a local empty file."""
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with MediaServer() as srv:
        srv.add("empty.jpg", empty)
        write_request(tmp_path / "request.json", {
            "model": "wan2.7-reference-video", "prompt": "Image 1, Image 2 and Image 3",
            "image_urls": [srv.url("range", "empty.jpg"), srv.url("norange", "empty.jpg"), "empty.jpg"]})
        run = lint(tmp_path, "--online", "--allow-private-hosts", "--format", "json")
    (entry,) = run.json()["files"]
    found = sorted((d["code"], d["severity"], d["pointer"]) for d in entry["diagnostics"] if d["code"] not in WHERE_CODES)
    assert found == [("VL506", "error", f"/image_urls/{i}") for i in range(3)]
