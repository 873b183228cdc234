"""`vidlint submit` / `vidlint status` against the fake Evolink server: the whole way once as a real
`python -m vidlint` process, the rest in this process (conftest.run_vidlint), a killed process as one.

The rule under test everywhere: one request, at most one paid task, whatever goes wrong.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from conftest import SRC, run_vidlint, write_request
from vidlint.submit.ledger import Ledger, request_key
from vidlint.submit.profiles import schema_defaults
from vidlint.submit.progress import TaskProgress
from vidlint.submit.uploads import plan_uploads
from vidlint.submit.verify import verify_download
from vidlint.testing.fake_api import DEFAULT_VIDEO, FakeEvolink

KEY = "sk-test-9d1c5e77b0a24f6f8e3d"
PROFILE_ASSETS = {"/image_start": "image", "/image_urls/*": "image", "/video_urls/*": "video",
                  "/audio_urls/*": "audio", "/model_params/voice_bindings/*": "audio"}


@pytest.fixture
def fake():
    with FakeEvolink(api_key=KEY, polls_to_complete=3) as server:
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "refs").mkdir(parents=True)
    Image.new("RGB", (320, 240), (180, 90, 40)).save(root / "refs" / "face.png")
    (root / "refs" / "clip.mp4").write_bytes(DEFAULT_VIDEO.read_bytes())
    write_request(root / "scene.json", {
        "$schema": "../schemas/wan2.7-reference-video.json",
        "model": "wan2.7-reference-video",
        "prompt": "Image 1 waves at the person in Video 1 on a sunny beach.",
        "image_urls": ["refs/face.png"],
        "video_urls": ["./refs/clip.mp4"],
        "duration": 5,
    })
    return root


def env_for(fake: FakeEvolink, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {"EVOLINK_API_KEY": KEY, "EVOLINK_API_BASE": fake.base_url, "EVOLINK_FILES_BASE": fake.base_url,
           "VIDLINT_POLL_INTERVAL": "0.05", "VIDLINT_CACHE_DIR": str(tmp_path / "cache")}
    env.update(extra)
    return env


def submit(project: Path, fake: FakeEvolink, *args: str, process: bool = False, **env: str):
    return run_vidlint("submit", "scene.json", "--yes", *args, cwd=project,
                       env=env_for(fake, project.parent, **env), timeout=60, process=process)


def ledger_of(project: Path) -> Ledger:
    return Ledger(project / ".vidlint" / "ledger.jsonl")


# -- the whole way --------------------------------------------------------------------------------

def test_end_to_end_uploads_both_assets_polls_downloads_and_probes(project, fake):
    original = (project / "scene.json").read_bytes()
    run = submit(project, fake, "--download", "out", process=True)
    assert run.code == 0, run.err

    uploads = fake.requests_for("upload")
    assert len(uploads) == 2
    assert all(r.headers["Authorization"] == f"Bearer {KEY}" for r in uploads)
    assert b'filename="face.png"' in uploads[0].body and b'filename="clip.mp4"' in uploads[1].body
    [create] = fake.create_requests
    body = create.json()
    file_urls = [f"{fake.base_url}/files/{f.file_id}/{f.name}" for f in fake.uploads.values()]
    assert body["image_urls"] == [file_urls[0]] and body["video_urls"] == [file_urls[1]]
    assert "$schema" not in body and body["prompt"].startswith("Image 1 waves")
    assert fake.uploads[file_urls[0].split("/")[-2]].data == (project / "refs" / "face.png").read_bytes()
    assert len(fake.requests_for("task")) == 3  # processing, processing, completed

    saved = project / "out" / "scene.mp4"
    assert saved.read_bytes() == fake.result_video(next(iter(fake.tasks.values())))
    assert f"saved out/scene.mp4 ({saved.stat().st_size} bytes, 5.00 s)" in run.out
    assert "task-unified-" in run.out and "result: " in run.out
    assert "documents only JPEG, PNG, GIF and WEBP" in run.err  # the mp4 upload is undocumented
    [cost] = [line for line in run.err.splitlines() if line.startswith("estimated cost: ")]
    assert "10 billed s" in cost and "$0.86" in cost  # (5 s output + 5 s reference video) x $0.086
    assert (project / "scene.json").read_bytes() == original

    [attempt] = ledger_of(project).attempts()
    assert attempt.status == "completed" and attempt.task_id == next(iter(fake.tasks))
    assert attempt.key == request_key(json.loads(original), schema_defaults("wan2.7-reference-video")) and attempt.request == "scene.json"
    assert attempt.downloads == ["out/scene.mp4"]
    statuses = [e["status"] for e in ledger_of(project).events()]
    assert statuses[:2] == ["sending", "pending"] and "processing" in statuses


def test_download_that_does_not_match_the_requested_duration_fails_verification(project, fake):
    data = json.loads((project / "scene.json").read_text())
    data["duration"] = 3
    write_request(project / "scene.json", data)
    fake.video_bytes = DEFAULT_VIDEO.read_bytes()  # a server that returns a 5 s video whatever was asked
    run = submit(project, fake, "--download", "out")
    assert run.code == 1
    assert "the result is 5.00 s long but the request asked for 3 s" in run.err
    assert (project / "out" / "scene.mp4").exists()  # kept: it was paid for
    events = [e for e in ledger_of(project).events() if e["event"] == "downloaded"]
    assert events and events[0]["verified"] is False


def test_dry_run_prints_body_and_uploads_and_sends_nothing(project, fake):
    run = run_vidlint("submit", "scene.json", "--dry-run", cwd=project,
                      env={"EVOLINK_API_BASE": fake.base_url, "EVOLINK_FILES_BASE": fake.base_url})
    assert run.code == 0, run.err
    body = json.loads(run.out)
    assert body["image_urls"] == ["<file_url of upload refs/face.png>"]
    assert body["video_urls"] == ["<file_url of upload ./refs/clip.mp4>"]
    assert "$schema" not in body
    assert f"would upload refs/face.png (image/png" in run.err
    assert f"would POST to {fake.base_url}/v1/videos/generations" in run.err
    assert fake.requests == []
    assert not (project / ".vidlint").exists()


def test_no_wait_then_status_resumes_and_downloads(project, fake):
    run = submit(project, fake, "--no-wait")
    assert run.code == 0, run.err
    [task_id] = fake.tasks
    assert f"vidlint status {task_id}" in run.err and fake.requests_for("task") == []
    listed = run_vidlint("status", cwd=project, env=env_for(fake, project.parent))
    assert listed.code == 0 and task_id in listed.out and "processing  33%" in listed.out
    done = run_vidlint("status", task_id, "--download", "out", cwd=project, env=env_for(fake, project.parent))
    assert done.code == 0, done.err
    assert (project / "out" / "scene.mp4").stat().st_size > 0
    assert ledger_of(project).for_task(task_id).status == "completed"
    assert run_vidlint("status", cwd=project, env=env_for(fake, project.parent)).err.strip() == "no open tasks in the ledger"
    assert len(fake.create_requests) == 1


def test_max_wait_leaves_the_task_open_and_status_no_wait_queries_once(project, fake):
    fake.configure(polls_to_complete=1000)
    run = submit(project, fake, "--max-wait", "0.3")
    [task_id] = fake.tasks
    assert run.code == 1 and f"is still processing after 0.3 s; resume with `vidlint status {task_id}`" in run.err
    polls = len(fake.requests_for("task"))
    once = run_vidlint("status", task_id, "--no-wait", cwd=project, env=env_for(fake, project.parent))
    assert once.code == 0 and f"task {task_id} is processing" in once.err
    assert len(fake.requests_for("task")) == polls + 1 and len(fake.create_requests) == 1


# -- never pay twice ------------------------------------------------------------------------------

def test_resubmitting_a_completed_request_is_refused_unless_forced(project, fake):
    assert submit(project, fake).code == 0
    again = submit(project, fake)
    assert again.code == 1
    [task_id] = fake.tasks
    assert f"already completed as {task_id}" in again.err and "--force" in again.err
    assert len(fake.create_requests) == 1
    # Key order and $schema do not make it a different request.
    data = json.loads((project / "scene.json").read_text())
    data.pop("$schema")
    write_request(project / "scene.json", dict(reversed(list(data.items()))))
    assert submit(project, fake).code == 1 and len(fake.create_requests) == 1
    forced = submit(project, fake, "--force")
    assert forced.code == 0, forced.err
    assert len(fake.tasks) == 2


def test_live_task_blocks_resubmission(project, fake):
    assert submit(project, fake, "--no-wait").code == 0
    again = submit(project, fake)
    assert again.code == 1 and "already has a live task (pending)" in again.err
    assert len(fake.create_requests) == 1


@pytest.mark.parametrize("fault", [
    {"kind": "accept_drop"},
    {"kind": "accept_hang", "delay": 4},
    {"kind": "drop", "route": "create"},
    {"kind": "status", "route": "create", "status": 500},
    {"kind": "status", "route": "create", "status": 503},
    {"kind": "status", "route": "create", "status": 200, "body": {"status": "pending"}},
])
def test_unknown_outcome_is_recorded_and_never_resent(project, fake, fault):
    fake.inject(**fault)
    run = submit(project, fake, "--timeout", "1")
    assert run.code == 1
    assert "NOT resent" in run.err and "vidlint status" in run.err
    assert len(fake.create_requests) == 1
    [attempt] = ledger_of(project).attempts()
    assert attempt.status == "unknown" and attempt.task_id is None
    # A second submit refuses: the first may have created a task.
    again = submit(project, fake)
    assert again.code == 1 and "outcome is unknown" in again.err
    assert len(fake.create_requests) == 1
    listed = run_vidlint("status", cwd=project, env=env_for(fake, project.parent))
    assert "unknown" in listed.out and "attach a task" in listed.err
    if fake.tasks:  # the fake did create it: attach the task found "in the dashboard" and finish
        [task_id] = fake.tasks
        attach = run_vidlint("status", task_id, "--request", "scene.json", cwd=project, env=env_for(fake, project.parent))
        assert attach.code == 0, attach.err
        [attempt] = ledger_of(project).attempts()
        assert attempt.status == "completed" and attempt.task_id == task_id
    assert len(fake.tasks) <= 1


def test_unreachable_api_is_not_an_unknown_outcome(project, fake):
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    run = submit(project, fake, "--api-base", closed)
    assert run.code == 1 and "create task: could not connect" in run.err and "nothing was submitted" in run.err
    assert ledger_of(project).attempts()[0].status == "rejected"
    assert submit(project, fake).code == 0 and len(fake.tasks) == 1


def test_429_on_create_waits_retry_after_and_creates_once(project, fake):
    fake.inject("status", route="create", status=429, retry_after=1)
    start = time.monotonic()
    run = submit(project, fake)
    assert run.code == 0, run.err
    assert time.monotonic() - start >= 1
    assert "waiting 1 s as Retry-After asks" in run.err
    assert len(fake.create_requests) == 2 and len(fake.tasks) == 1


def test_429_on_create_gives_up_after_bounded_retries(project, fake):
    fake.inject("status", route="create", status=429, retry_after=0, count=-1)
    run = submit(project, fake)
    assert run.code == 1 and "rate limited (429 rate_limit_exceeded)" in run.err and "gave up after 3" in run.err
    assert len(fake.create_requests) == 4 and fake.tasks == {}
    assert ledger_of(project).attempts()[0].status == "rejected"


@pytest.mark.parametrize("fault", [
    {"kind": "status", "route": "task", "status": 500, "count": 2},
    {"kind": "status", "route": "task", "status": 502, "count": 1},
    {"kind": "status", "route": "task", "status": 429, "retry_after": 0, "count": 2},
    {"kind": "drop", "route": "task", "count": 2},
    {"kind": "slow", "route": "task", "delay": 0.3, "count": 2},
    {"kind": "drop", "route": "download", "count": 1},
    {"kind": "status", "route": "download", "status": 503, "count": 1},
])
def test_polling_and_download_faults_are_retried_without_a_second_create(project, fake, fault):
    fake.inject(**fault)
    run = submit(project, fake, "--download", "out")
    assert run.code == 0, run.err
    assert len(fake.create_requests) == 1 and len(fake.tasks) == 1
    assert (project / "out" / "scene.mp4").read_bytes() == fake.result_video(next(iter(fake.tasks.values())))
    assert not list((project / "out").glob("*.part")) and not list((project / "out").glob(".*.part"))


def test_polling_gives_up_after_bounded_retries_and_task_stays_open(project, fake):
    fake.inject("status", route="task", status=500, count=-1)
    run = submit(project, fake)
    assert run.code == 1
    assert "server error (500 internal_error)" in run.err and "gave up after 5 retries" in run.err
    [task_id] = fake.tasks
    assert f"resume with `vidlint status {task_id}`" in run.err
    assert len(fake.requests_for("task")) == 6 and len(fake.create_requests) == 1
    assert ledger_of(project).attempts()[0].live


@pytest.mark.parametrize("status,expected", [
    (401, "the API key in EVOLINK_API_KEY was rejected (401 unauthorized)"),
    (402, "no credits left, top up at https://evolink.ai/dashboard/billing (402 insufficient_quota)"),
    (403, "forbidden (403 model_access_denied)"),
    (413, "too large for the API (413 request_too_large)"),
    (400, "the API rejected the request (400 invalid_request)"),
])
def test_http_errors_on_create_are_one_line_and_allow_a_later_submit(project, fake, status, expected):
    fake.inject("status", route="create", status=status)
    run = submit(project, fake)
    assert run.code == 1
    error_lines = [line for line in run.err.splitlines() if line.startswith("vidlint: error:")]
    assert len(error_lines) == 1 and error_lines[0].startswith(f"vidlint: error: create task: {expected}: ")
    assert "Traceback" not in run.err
    assert len(fake.create_requests) == 1 and fake.tasks == {}
    assert ledger_of(project).attempts()[0].status == "rejected"
    assert submit(project, fake).code == 0  # a rejected create cost nothing: resubmitting is fine
    assert len(fake.tasks) == 1


def test_bad_key_is_reported_without_the_key(project, fake):
    run = submit(project, fake, EVOLINK_API_KEY="sk-wrong-key-123456")
    assert run.code == 1 and "upload face.png: the API key in EVOLINK_API_KEY was rejected (401" in run.err
    assert "sk-wrong-key-123456" not in run.out + run.err
    assert fake.create_requests == []


def test_413_on_upload_stops_before_create(project, fake):
    fake.inject("status", route="upload", status=413)
    run = submit(project, fake)
    assert run.code == 1 and "upload face.png: too large for the API (413" in run.err
    assert "nothing was submitted" in run.err and fake.create_requests == []


def test_404_for_an_unknown_task(project, fake):
    run = run_vidlint("status", "task-unified-1-missing1", cwd=project, env=env_for(fake, project.parent))
    assert run.code == 1 and "not found (404 task_not_found)" in run.err


@pytest.mark.parametrize("code,advice", [
    ("content_policy_violation", "client error: change the prompt or references"),
    ("image_dimension_mismatch", "client error: resize the image"),
    ("service_error", "server error: retry in 30-60 s"),
    ("generation_timeout", "server error: retry later"),
])
def test_failed_task_shows_code_and_whether_to_resubmit(project, fake, code, advice):
    fake.fail_tasks(code)
    run = submit(project, fake)
    assert run.code == 1
    assert f"failed: {code} ({advice}" in run.err
    worth = advice.startswith("server")
    assert ("worth resubmitting unchanged (vidlint submit scene.json)" in run.err) is worth
    assert ("not worth resubmitting unchanged" in run.err) is not worth
    assert ledger_of(project).attempts()[0].error["code"] == code
    assert submit(project, fake).code == 0  # failed tasks are not billed: resubmitting is allowed
    assert len(fake.tasks) == 2


# -- refusals before anything is sent ----------------------------------------------------------------

def test_lint_errors_refuse_submission(project, fake):
    data = json.loads((project / "scene.json").read_text())
    data["duration"] = 60
    write_request(project / "scene.json", data)
    run = submit(project, fake)
    assert run.code == 1 and "scene.json has lint errors; not submitted" in run.err
    assert "VL104 [error] duration is 60" in run.err
    assert fake.requests == [] and not (project / ".vidlint").exists()


def test_assets_outside_the_project_are_refused(project, fake, tmp_path):
    outside = tmp_path / "secret.png"
    Image.new("RGB", (320, 240)).save(outside)
    (project / "refs" / "link.png").symlink_to(outside)
    for value in ["refs/link.png", "../secret.png", str(outside)]:
        data = json.loads((project / "scene.json").read_text())
        data["image_urls"] = [value]
        write_request(project / "scene.json", data)
        run = submit(project, fake)
        assert run.code == 1, value
        assert "outside the project folder" in run.err
    assert fake.requests == []


def test_project_folder_is_the_git_root_of_the_request(project, fake, tmp_path):
    import subprocess as sp

    sp.run(["git", "init", "-q", str(project)], check=True)
    (project / "requests").mkdir()
    data = json.loads((project / "scene.json").read_text())
    data["image_urls"] = ["../refs/face.png"]  # outside the request's folder, inside the repository
    data["video_urls"] = ["../refs/clip.mp4"]
    write_request(project / "requests" / "shot.json", data)
    run = run_vidlint("submit", "proj/requests/shot.json", "--yes", cwd=tmp_path, env=env_for(fake, tmp_path))
    assert run.code == 0, run.err
    assert len(fake.requests_for("upload")) == 2
    [attempt] = ledger_of(project).attempts()
    assert attempt.request == "requests/shot.json" and attempt.status == "completed"


def test_missing_asset_is_refused(project, fake):
    data = json.loads((project / "scene.json").read_text())
    data["image_urls"] = ["refs/nope.png"]
    write_request(project / "scene.json", data)
    run = submit(project, fake)
    assert run.code == 1 and fake.requests == []


def test_missing_key_and_plain_http_base_are_usage_errors(project, fake):
    no_key = run_vidlint("submit", "scene.json", "--yes", cwd=project,
                         env={"EVOLINK_API_BASE": fake.base_url, "EVOLINK_FILES_BASE": fake.base_url})
    assert no_key.code == 2 and "set the environment variable EVOLINK_API_KEY" in no_key.err
    plain = submit(project, fake, "--api-base", "http://api.example.com")
    assert plain.code == 2 and "not https" in plain.err and len(plain.err.strip().splitlines()) == 1
    other_env = submit(project, fake, "--api-key-env", "MY_KEY", MY_KEY="")
    assert other_env.code == 2 and "MY_KEY" in other_env.err
    assert fake.requests == []


def test_no_terminal_and_no_yes_does_not_prompt_or_send(project, fake):
    run = run_vidlint("submit", "scene.json", cwd=project, env=env_for(fake, project.parent), input="y\n")
    assert run.code == 2 and "pass --yes" in run.err
    assert fake.requests == []


# -- interruption -----------------------------------------------------------------------------------

def test_ledger_survives_sigkill_mid_poll_and_status_resumes(project, fake):
    fake.configure(polls_to_complete=100_000)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDLINT_", "EVOLINK_"))}
    env.update(env_for(fake, project.parent), PYTHONPATH=str(SRC))
    proc = subprocess.Popen([sys.executable, "-m", "vidlint", "submit", "scene.json", "--yes"], cwd=project,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ledger = ledger_of(project)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(e.get("status") == "processing" for e in ledger.events()) and len(fake.requests_for("task")) >= 3:
                break
            time.sleep(0.02)
        else:
            pytest.fail("submit never reached polling")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    lines = (project / ".vidlint" / "ledger.jsonl").read_bytes().split(b"\n")
    for line in lines[:-1]:
        json.loads(line)  # every complete line is whole JSON
    [attempt] = ledger.open_attempts()
    [task_id] = fake.tasks
    assert attempt.task_id == task_id and attempt.status == "processing"

    # A torn final write (as a kill mid-write would leave) is tolerated and fenced off.
    with open(project / ".vidlint" / "ledger.jsonl", "ab") as handle:
        handle.write(b'{"v":1,"attempt":"' + attempt.attempt.encode() + b'","status":"compl')
    assert ledger.open_attempts()[0].status == "processing"

    fake.configure(polls_to_complete=1)
    resumed = run_vidlint("status", cwd=project, env=env_for(fake, project.parent))
    assert resumed.code == 0, resumed.err
    assert f"{task_id}  completed" in resumed.out
    done = run_vidlint("status", task_id, "--download", "out", cwd=project, env=env_for(fake, project.parent))
    assert done.code == 0, done.err
    assert "saved out/scene.mp4" in done.out
    assert ledger.for_task(task_id).downloads == ["out/scene.mp4"]
    assert ledger.open_attempts() == []
    for line in (project / ".vidlint" / "ledger.jsonl").read_bytes().split(b"\n")[:-1]:
        if b'"status":"compl' in line and not line.endswith(b"}"):
            continue  # the torn line, now on its own
        json.loads(line)
    assert len(fake.create_requests) == 1
    assert submit(project, fake).code == 1  # still refuses a second paid run


# -- the key never leaks -----------------------------------------------------------------------------

def test_the_key_appears_in_no_output_and_no_file_written(project, fake, tmp_path):
    key = KEY.encode()
    runs = [
        submit(project, fake, "--dry-run"),
        submit(project, fake, "--download", "out"),
        submit(project, fake),  # refused: already completed
        run_vidlint("status", "--all", cwd=project, env=env_for(fake, tmp_path)),
        run_vidlint("status", next(iter(fake.tasks)), "--download", "out2", cwd=project, env=env_for(fake, tmp_path)),
    ]
    fake.inject("status", route="create", status=401, body={"error": {"code": "unauthorized",
                                                                     "message": f"bad token {KEY}"}})
    runs.append(submit(project, fake, "--force"))
    fake.inject("accept_drop")
    runs.append(submit(project, fake, "--force"))
    fake.inject("status", route="task", status=500, count=-1, body={"error": {"message": f"echo {KEY}"}})
    runs.append(run_vidlint("status", cwd=project, env=env_for(fake, tmp_path)))
    runs.append(submit(project, fake, "--api-base", "http://example.com"))
    assert runs[1].code == 0 and runs[5].code == 1 and runs[6].code == 1
    assert "bad token ***" in runs[5].err  # the server echoed the key; vidlint scrubbed it
    for run in runs:
        assert KEY not in run.out and KEY not in run.err
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "ledger.jsonl" for p in written) and any(p.suffix == ".mp4" for p in written)
    assert any(p.is_relative_to(tmp_path / "cache") for p in written)  # lint's probe cache
    for path in written:
        assert key not in path.read_bytes(), path
    # ...while the server did receive it, in the Authorization header only.
    assert all(r.headers.get("Authorization") == f"Bearer {KEY}" for r in fake.requests if r.route != "download")
    assert all("Authorization" not in r.headers for r in fake.requests_for("download"))


# -- units ------------------------------------------------------------------------------------------

def test_progress_bar_on_a_terminal_and_plain_lines_otherwise():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = TaskProgress(tty)
    bar.update("task-unified-1-a", "processing", 50)
    bar.update("task-unified-1-a", "processing", 50)
    bar.finish()
    assert tty.getvalue().count("\r[") == 1 and "#" * 15 + "-" * 15 in tty.getvalue()
    plain = io.StringIO()
    lines = TaskProgress(plain)
    lines.update("task-unified-1-a", "processing", 50)
    lines.update("task-unified-1-a", "completed", 100)
    assert plain.getvalue() == "task-unified-1-a: processing 50%\ntask-unified-1-a: completed 100%\n"


def test_asset_pointer_patterns_cover_nested_voice_bindings(project):
    (project / "refs" / "voice.wav").write_bytes(b"RIFF\0\0\0\0WAVEfmt ")
    request = {"image_urls": ["refs/face.png", "https://example.com/b.png"],
               "model_params": {"voice_bindings": {"image1": "refs/voice.wav"}},
               "image_start": "file://" + str(project / "refs" / "face.png")}
    plan = plan_uploads(request, PROFILE_ASSETS, project, project)
    assert plan.errors == []
    assert [(a.path.name, a.kind, a.pointers) for a in plan.assets] == [
        ("face.png", "image", ["/image_start", "/image_urls/0"]),
        ("voice.wav", "audio", ["/model_params/voice_bindings/image1"]),
    ]
    assert any("audio/wav" in w for w in plan.warnings)


def test_verify_download_checks_size_and_duration(tmp_path):
    video = tmp_path / "r.mp4"
    video.write_bytes(DEFAULT_VIDEO.read_bytes())
    check = verify_download(video, 5)
    assert check.ok and check.duration == pytest.approx(5.0) and check.size == video.stat().st_size
    assert "asked for 8 s" in verify_download(video, 8).problem
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert verify_download(tmp_path / "empty.mp4", 5).problem == "the downloaded file is empty"
    (tmp_path / "junk.mp4").write_bytes(b"<html>expired</html>")
    assert "cannot probe" in verify_download(tmp_path / "junk.mp4", 5).problem
    Image.new("RGB", (320, 240)).save(tmp_path / "still.png")
    assert "not a video (image)" in verify_download(tmp_path / "still.png", 5).problem


def test_error_bodies_with_string_or_integer_codes():
    from vidlint.submit.client import parse_error_body, parse_retry_after

    assert parse_error_body('{"error": {"code": "task_not_found", "message": "gone", "type": "x", "param": "task_id"}}') \
        == ("task_not_found", "gone", "task_id")
    assert parse_error_body('{"error": {"code": 413, "message": "too big"}}') == ("413", "too big", None)
    assert parse_error_body('{"success": false, "code": 401, "msg": "bad token"}') == ("401", "bad token", None)
    assert parse_error_body("<html>502 Bad Gateway</html>") == (None, "<html>502 Bad Gateway</html>", None)
    assert parse_retry_after("3") == 3 and parse_retry_after("0.5") == 0.5 and parse_retry_after("soon") is None
    assert 0 <= parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") < 1  # a date in the past: no wait


def test_ledger_skips_unreadable_lines_and_keys_ignore_order_and_schema(tmp_path):
    ledger = Ledger(tmp_path / "l.jsonl")
    ledger.append({"attempt": "a1", "key": "k", "event": "sending", "status": "sending"})
    with open(ledger.path, "ab") as handle:
        handle.write(b"garbage\n\xff\xfe\n")
    ledger.append({"attempt": "a1", "key": "k", "event": "created", "task_id": "task-unified-1-x", "status": "pending"})
    [attempt] = ledger.attempts()
    assert attempt.status == "pending" and attempt.task_id == "task-unified-1-x"
    assert ledger.blocking("k") == attempt and ledger.blocking("other") is None
    assert request_key({"model": "m", "prompt": "p", "$schema": "s.json"}) == request_key({"prompt": "p", "model": "m"})
    assert request_key({"model": "m", "prompt": "p"}) != request_key({"model": "m", "prompt": "p "})


# -- issue 13: quota advice and expired result links ----------------------------------------------

def test_quota_exceeded_advice_covers_a_depleted_account_as_well_as_a_rate_quota():
    from vidlint.submit.task_errors import describe_task_failure

    line = describe_task_failure("task-1", {"code": "quota_exceeded", "message": "Rate limit or quota exceeded."})
    assert "send less often, then retry" in line
    assert "a depleted balance: top up the account in the Evolink dashboard" in line


def test_status_download_after_the_24_hour_expiry_says_the_links_expired(project, fake):
    run = submit(project, fake, "--no-wait")
    assert run.code == 0, run.err
    [task_id] = fake.tasks
    ledger = project / ".vidlint" / "ledger.jsonl"
    events = [json.loads(line) for line in ledger.read_text().splitlines()]
    for event in events:  # the task was submitted 25 hours ago
        event["time"] = "2020-01-01T00:00:00Z"
    ledger.write_text("".join(json.dumps(event) + "\n" for event in events))
    fake.inject(kind="status", route="download", status=404, count=50)  # the CDN forgot the result
    done = run_vidlint("status", task_id, "--download", "out", cwd=project, env=env_for(fake, project.parent))
    assert done.code == 1
    assert "result links are valid for 24 h, so they have expired: the video can no longer be downloaded" in done.err
    assert "download again" not in done.err
