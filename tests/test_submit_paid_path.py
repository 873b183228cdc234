"""Issue 12: the paid path never spends what lint refuses, never pays twice, never loses a file,
never leaks the key. Real subprocesses against the loopback fake server, real files, symlinks, FIFOs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PIL import Image

from conftest import run_vidlint, write_request

from vidlint.submit.ledger import Ledger, request_key
from vidlint.testing.fake_api import FakeEvolink

KEY = "sk-test-4b7e0c2f9a1d8e6b5c3a"

SCENE = {
    "model": "wan2.7-reference-video",
    "prompt": "Image 1 waves at the camera on a sunny beach.",
    "image_urls": ["refs/face.png"],
    "duration": 5,
}


@pytest.fixture
def fake():
    with FakeEvolink(api_key=KEY, polls_to_complete=2) as server:
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "refs").mkdir(parents=True)
    Image.new("RGB", (320, 240), (180, 90, 40)).save(root / "refs" / "face.png")
    write_request(root / "scene.json", SCENE)
    return root


def env_for(fake: FakeEvolink, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {"EVOLINK_API_KEY": KEY, "EVOLINK_API_BASE": fake.base_url, "EVOLINK_FILES_BASE": fake.base_url,
           "VIDLINT_POLL_INTERVAL": "0.05", "VIDLINT_CACHE_DIR": str(tmp_path / "cache")}
    env.update(extra)
    return env


def submit(request: str, fake: FakeEvolink, cwd: Path, *args: str, **env: str):
    return run_vidlint("submit", request, "--yes", *args, cwd=cwd, env=env_for(fake, cwd.parent, **env), timeout=60)


# -- one configuration for lint and submit --------------------------------------------------------

def test_request_over_the_configured_budget_is_refused_before_any_network_call(project, fake):
    (project / "vidlint.toml").write_text("[budget.request]\nmax-usd = 0.10\n")
    linted = run_vidlint("lint", "scene.json", cwd=project, env=env_for(fake, project.parent))
    assert linted.code == 1 and "VL702" in linted.out
    run = submit("scene.json", fake, project)
    assert run.code == 1
    assert "VL702" in run.err and "not submitted" in run.err
    assert fake.requests == []


def test_fail_level_and_severity_of_the_configuration_apply_to_submit(project, fake):
    (project / "vidlint.toml").write_text('fail-on = "warning"\n[budget.request]\nmax-usd = 0.10\n'
                                          '[severity]\nVL702 = "warning"\n')
    run = submit("scene.json", fake, project)
    assert run.code == 1 and "VL702" in run.err and fake.requests == []


def test_price_override_changes_the_estimate_submit_shows(project, fake):
    (project / "vidlint.toml").write_text('[prices."wan2.7-reference-video"]\n"720p" = 1.0\n')
    run = submit("scene.json", fake, project, "--dry-run")
    assert run.code == 0, run.err
    [cost] = [line for line in run.err.splitlines() if line.startswith("estimated cost: ")]
    assert "$5.00" in cost, cost
    assert fake.requests == []


# -- one ledger per project, whatever the working directory --------------------------------------

def test_same_request_from_three_directories_is_paid_once(project, fake, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = submit("scene.json", fake, project)
    assert first.code == 0, first.err
    for cwd, name in ((tmp_path, "proj/scene.json"), (elsewhere, "../proj/scene.json")):
        again = submit(name, fake, cwd)
        assert again.code == 1 and "already completed" in again.err, again.err
    assert len(fake.create_requests) == 1
    assert [a.status for a in Ledger(project / ".vidlint" / "ledger.jsonl").attempts()] == ["completed"]
    assert not (tmp_path / ".vidlint").exists() and not (elsewhere / ".vidlint").exists()


def test_ledger_lives_in_the_folder_of_the_nearest_configuration(project, fake, tmp_path):
    (project / "vidlint.toml").write_text("")
    shots = project / "shots"
    (shots / "refs").mkdir(parents=True)
    (shots / "refs" / "face.png").write_bytes((project / "refs" / "face.png").read_bytes())
    write_request(shots / "a.json", dict(SCENE, image_urls=["../refs/face.png"]))
    run = submit("proj/shots/a.json", fake, tmp_path)
    assert run.code == 0, run.err  # the asset is inside the project folder (the config's), not the cwd
    [attempt] = Ledger(project / ".vidlint" / "ledger.jsonl").attempts()
    assert attempt.request == "shots/a.json"
    assert not (shots / ".vidlint").exists()


@pytest.mark.parametrize("variant", [
    {"duration": 5.0},
    {"quality": "720p"},
    {"aspect_ratio": "16:9", "prompt_extend": False},
])
def test_the_key_is_the_request_as_the_server_sees_it(project, fake, variant):
    assert submit("scene.json", fake, project).code == 0
    write_request(project / "scene.json", {**SCENE, **variant})
    again = submit("scene.json", fake, project)
    assert again.code == 1 and "already completed" in again.err
    assert len(fake.create_requests) == 1


def test_a_different_value_is_a_different_request():
    defaults = {"quality": "720p", "duration": 5}
    assert request_key({"model": "m", "duration": 5}, defaults) == request_key({"model": "m"}, defaults)
    assert request_key({"model": "m", "duration": 6}, defaults) != request_key({"model": "m"}, defaults)
    assert request_key({"model": "m", "x": True}) != request_key({"model": "m", "x": 1})
    assert request_key({"model": "m", "x": [1.0, {"y": 2.0}]}) == request_key({"model": "m", "x": [1, {"y": 2}]})


# -- downloads never destroy a file ---------------------------------------------------------------

def test_a_result_url_ending_in_json_does_not_overwrite_the_request(project, fake):
    original = (project / "scene.json").read_bytes()
    fake.configure(result_urls=["{base}/results/{task}.json"])
    run = submit("scene.json", fake, project, "--download", ".")
    assert run.code == 0, run.err
    assert (project / "scene.json").read_bytes() == original
    saved = project / "scene.mp4"
    assert saved.read_bytes()[4:8] == b"ftyp" and "saved scene.mp4" in run.out


def test_an_existing_file_is_never_overwritten_even_with_force(project, fake):
    out = project / "out"
    out.mkdir()
    (out / "scene.mp4").write_bytes(b"my own edit")
    assert submit("scene.json", fake, project, "--download", "out").code == 0
    run = submit("scene.json", fake, project, "--download", "out", "--force")
    assert run.code == 0, run.err
    assert (out / "scene.mp4").read_bytes() == b"my own edit"
    assert (out / "scene-1.mp4").read_bytes()[4:8] == b"ftyp" and (out / "scene-2.mp4").read_bytes()[4:8] == b"ftyp"
    assert "saved out/scene-2.mp4" in run.out


def test_a_symlink_planted_at_the_download_name_is_not_followed(project, fake, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = project / "out"
    out.mkdir()
    (out / "scene.mp4").symlink_to(victim)
    run = submit("scene.json", fake, project, "--download", "out")
    assert run.code == 0, run.err
    assert victim.read_text() == "precious" and (out / "scene.mp4").is_symlink()
    assert (out / "scene-1.mp4").read_bytes()[4:8] == b"ftyp"
    assert stat.S_IMODE((out / "scene-1.mp4").stat().st_mode) == 0o600


def test_a_result_that_is_not_a_video_is_not_saved(project, fake):
    fake.video_bytes = b'{"not": "a video"}'
    run = submit("scene.json", fake, project, "--download", "out")
    assert run.code == 1
    assert "not an mp4, mov or webm video" in run.err
    assert list((project / "out").iterdir()) == []


def test_the_download_size_cap_stops_a_large_result(project, fake):
    run = submit("scene.json", fake, project, "--download", "out", "--max-download", "1K")
    assert run.code == 1 and "over the download limit of 1024 bytes" in run.err, run.err
    assert list((project / "out").iterdir()) == []


def test_timeout_bounds_a_trickling_download(project, fake):
    import time

    fake.inject("trickle", route="download", count=10, delay=0.2)
    started = time.monotonic()
    run = submit("scene.json", fake, project, "--download", "out", "--timeout", "2")
    assert run.code == 1 and "not finished within --timeout 2 s" in run.err, run.err
    assert time.monotonic() - started < 20
    assert len(fake.requests_for("download")) == 1  # cut off, not retried
    assert list((project / "out").iterdir()) == []


@pytest.mark.parametrize("url, expected", [
    ("file:///etc/passwd", "unsupported scheme file"),
    ("ftp://127.0.0.1/x.mp4", "unsupported scheme ftp"),
    ("http://169.254.169.254/latest/meta-data", "refused to connect to 169.254.169.254"),
    ("http://10.0.0.1/result.mp4", "refused to connect to 10.0.0.1"),
])
def test_result_urls_go_through_the_ssrf_guard_and_unhealable_errors_are_not_retried(project, fake, url, expected):
    fake.configure(result_urls=[url])
    run = submit("scene.json", fake, project, "--download", "out", "--timeout", "3")
    assert run.code == 1 and expected in run.err, run.err
    assert "retrying" not in run.err


def test_a_redirect_to_an_internal_address_is_refused(project, fake):
    fake.configure(result_urls=["{base}/redirect?to=http://127.0.0.2:9/x.mp4"])
    run = submit("scene.json", fake, project, "--download", "out", "--timeout", "3")
    assert run.code == 1 and "refused to connect to 127.0.0.2" in run.err, run.err


# -- the key stays secret -------------------------------------------------------------------------

def test_a_key_echoed_by_the_server_reaches_no_ledger_and_no_output(project, fake):
    fake.fail_tasks("invalid_parameters", message=f"bad token {KEY} in request")
    run = submit("scene.json", fake, project)
    assert run.code == 1 and "bad token *** in request" in run.err
    ledger = project / ".vidlint" / "ledger.jsonl"
    assert KEY not in ledger.read_text() and "bad token ***" in ledger.read_text()
    fake.configure(result_urls=[f"{{base}}/results/{{task}}.mp4?sig={KEY}"])
    run = submit("scene.json", fake, project, "--download", "out")
    assert run.code == 0 and KEY not in run.out + run.err
    assert KEY not in ledger.read_text()


def test_ledger_and_its_folder_are_private(project, fake):
    assert submit("scene.json", fake, project).code == 0
    folder = project / ".vidlint"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "ledger.jsonl").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "ledger.jsonl.lock").stat().st_mode) == 0o600


def test_a_symlink_planted_as_the_ledger_is_not_written_through(project, fake, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (project / ".vidlint").mkdir()
    (project / ".vidlint" / "ledger.jsonl").symlink_to(victim)
    run = submit("scene.json", fake, project)
    assert run.code != 0 and "symlink" in run.err and "Traceback" not in run.err
    assert victim.read_text() == "precious"
    assert fake.create_requests == []
    (project / ".vidlint" / "ledger.jsonl").unlink()
    (project / ".vidlint" / "ledger.jsonl").symlink_to("/dev/zero")  # no hang, no MemoryError
    run = submit("scene.json", fake, project)
    assert run.code == 1 and "symlink" in run.err and fake.create_requests == []


def test_the_key_is_not_sent_through_a_proxy_to_an_http_base(project, fake):
    with FakeEvolink(api_key=None) as proxy:
        run = submit("scene.json", fake, project, HTTP_PROXY=proxy.base_url, http_proxy=proxy.base_url,
                     ALL_PROXY=proxy.base_url, NO_PROXY="", no_proxy="")
        assert run.code == 0, run.err
        assert proxy.requests == []


# -- uploads once ---------------------------------------------------------------------------------

def test_a_repeated_submit_does_not_upload_the_same_file_again_while_its_url_is_valid(project, fake):
    first = submit("scene.json", fake, project, "--no-wait")
    assert first.code == 0, first.err
    # Another request with the same image content under another name: no second upload.
    (project / "refs" / "copy.png").write_bytes((project / "refs" / "face.png").read_bytes())
    write_request(project / "other.json", dict(SCENE, image_urls=["refs/copy.png"], prompt="Image 1 smiles."))
    second = submit("other.json", fake, project, "--no-wait")
    assert second.code == 0, second.err
    assert len(fake.requests_for("upload")) == 1 and "already uploaded refs/copy.png" in second.err
    [first_body, second_body] = [r.json() for r in fake.create_requests]
    assert first_body["image_urls"] == second_body["image_urls"]
    entries = list((project.parent / "cache" / "uploads").iterdir())
    assert len(entries) == 1 and stat.S_IMODE(entries[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(entries[0].parent.stat().st_mode) == 0o700
    assert KEY not in entries[0].read_text()


def test_an_upload_whose_url_expires_soon_is_uploaded_again(project, fake):
    fake.configure(upload_ttl=600)  # expires in 10 minutes: too soon for a task to use it
    assert submit("scene.json", fake, project, "--no-wait").code == 0
    write_request(project / "other.json", dict(SCENE, prompt="Image 1 smiles."))
    assert submit("other.json", fake, project, "--no-wait").code == 0
    assert len(fake.requests_for("upload")) == 2


# -- bounded reads everywhere ---------------------------------------------------------------------

def test_online_fetch_bounds_the_whole_response_including_trickled_headers():
    import socket
    import threading
    import time

    from vidlint.remote.fetch import Fetcher, FetchOptions, RemoteError
    from vidlint.remote.guard import GuardPolicy

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            ends = time.monotonic() + 8  # so that a client without a bound fails the test, not hangs it
            while not stop.wait(0.1) and time.monotonic() < ends:  # a header that never ends, a byte at a time
                conn.sendall(b"x")
        except OSError:
            pass
        finally:
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]
    options = FetchOptions(policy=GuardPolicy(allow_private=True), timeout=5.0, deadline=1.0, retries=0)
    started = time.monotonic()
    try:
        with Fetcher(options) as fetcher, pytest.raises(RemoteError) as caught:
            fetcher.open(f"http://127.0.0.1:{port}/a.mp4")
    finally:
        stop.set()
        listener.close()
    assert caught.value.kind == "timeout" and "longer than 1 s" in str(caught.value)
    assert time.monotonic() - started < 4


@pytest.mark.parametrize("command", [("submit", "{req}", "--yes"), ("status", "--request", "{req}")])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_submit_and_status_read_requests_through_the_hardened_reader(project, fake, command, kind):
    request = project / "pipe.json"
    if kind == "fifo":
        os.mkfifo(request)
    else:
        request.symlink_to("/dev/zero")
    args = [a.replace("{req}", "pipe.json") for a in command]
    run = run_vidlint(*args, cwd=project, env=env_for(fake, project.parent), timeout=20)
    assert run.code == 2 and "not a regular file" in run.err, run.err
    assert "Traceback" not in run.err and fake.requests == []


def test_stdin_is_capped_like_a_request_file(project):
    from vidlint.load import MAX_REQUEST_FILE_BYTES

    run = run_vidlint("lint", "-", cwd=project, input=b" " * (MAX_REQUEST_FILE_BYTES + 10), timeout=60)
    assert run.code == 2 and "too large for a request file" in run.err, run.err[-300:]


def test_a_tls_verification_failure_is_not_retried(project, fake, tmp_path):
    import shutil
    import socket
    import ssl
    import subprocess
    import threading

    if shutil.which("openssl") is None:
        pytest.skip("needs openssl to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                    "-days", "1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    handshakes = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            handshakes.append(1)
            try:
                context.wrap_socket(conn, server_side=True).close()
            except (OSError, ssl.SSLError):
                conn.close()

    threading.Thread(target=serve, daemon=True).start()
    tls_base = f"https://127.0.0.1:{listener.getsockname()[1]}"
    write_request(project / "remote.json", dict(SCENE, image_urls=["https://example.com/face.png"]))
    fake.configure(result_urls=[f"{tls_base}/result.mp4"])
    try:
        run = run_vidlint("submit", "remote.json", "--yes", "--download", "out", cwd=project,
                          env=env_for(fake, project.parent, EVOLINK_FILES_BASE=tls_base), timeout=60)
    finally:
        listener.close()
    assert run.code == 1 and "CERTIFICATE_VERIFY_FAILED" in run.err and "not retried" in run.err, run.err
    assert "retrying" not in run.err and len(handshakes) == 1
