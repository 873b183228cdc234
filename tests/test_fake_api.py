"""The fake Evolink server speaks the documented shapes and misbehaves on request."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import httpx
import pytest

from conftest import SRC
from vidlint.testing.fake_api import DEFAULT_VIDEO, FakeEvolink

KEY = "fake-api-test-key-7f3a"
AUTH = {"Authorization": f"Bearer {KEY}"}
REQUEST = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves",
           "image_urls": ["https://example.com/a.png"], "duration": 5}


@pytest.fixture
def fake():
    with FakeEvolink(api_key=KEY, polls_to_complete=3) as server:
        yield server


def create(fake: FakeEvolink, body: dict | None = None, **kwargs) -> httpx.Response:
    return httpx.post(f"{fake.base_url}/v1/videos/generations", json=body or REQUEST,
                      headers=kwargs.pop("headers", AUTH), **kwargs)


def test_create_returns_documented_shape(fake):
    response = create(fake)
    assert response.status_code == 200
    task = response.json()
    assert re.fullmatch(r"task-unified-\d+-[a-z0-9]{8}", task["id"])
    assert task["status"] == "pending" and task["progress"] == 0
    assert task["object"] == "video.generation.task" and task["model"] == "wan2.7-reference-video"
    assert set(task["task_info"]) == {"can_cancel", "estimated_time"}
    assert task["usage"]["billing_rule"] == "per_second" and task["usage"]["credits_reserved"] > 0
    assert len(fake.tasks) == 1 and len(fake.create_requests) == 1
    recorded = fake.create_requests[0]
    assert recorded.headers["Authorization"] == f"Bearer {KEY}"
    assert recorded.json() == REQUEST


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}])
def test_create_without_the_key_is_401(fake, headers):
    response = create(fake, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthorized", "message": "Invalid or expired token",
                                         "type": "authentication_error"}}
    assert fake.tasks == {}


def test_create_rejects_local_paths_like_the_real_api_would(fake):
    response = create(fake, {**REQUEST, "image_urls": ["face.png"]})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "image_urls"


def test_task_goes_pending_processing_completed_and_result_downloads(fake):
    task_id = create(fake).json()["id"]
    seen = [httpx.get(f"{fake.base_url}/v1/tasks/{task_id}", headers=AUTH).json() for _ in range(4)]
    assert [(t["status"], t["progress"]) for t in seen] == [
        ("processing", 33), ("processing", 66), ("completed", 100), ("completed", 100)]
    assert "results" not in seen[0]
    [url] = seen[2]["results"]
    assert url.startswith(fake.base_url)
    video = httpx.get(url)
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert video.content == fake.result_video(fake.tasks[task_id]) and video.content[4:8] == b"ftyp"


@pytest.mark.parametrize("changes, size, seconds", [
    ({}, (1280, 720), 5.0),
    ({"duration": 3}, (1280, 720), 3.0),
    ({"duration": 12, "quality": "1080p", "aspect_ratio": "9:16"}, (1080, 1920), 12.0),
    ({"duration": 2, "aspect_ratio": "4:3"}, (1104, 832), 2.0),
])
def test_the_rendered_result_has_the_requested_duration_and_size(fake, tmp_path, changes, size, seconds):
    from vidlint.probe import probe_path

    fake.configure(polls_to_complete=1)
    task_id = create(fake, {**REQUEST, **changes}).json()["id"]
    [url] = httpx.get(f"{fake.base_url}/v1/tasks/{task_id}", headers=AUTH).json()["results"]
    saved = tmp_path / "result.mp4"
    saved.write_bytes(httpx.get(url).content)
    media = probe_path(saved)
    assert (media.kind, media.format, media.error) == ("video", "mp4", None)
    assert (media.width, media.height) == size and media.duration == pytest.approx(seconds, abs=0.01)


@pytest.mark.parametrize("status", ["failed", "cancelled"])
def test_tasks_can_end_in_every_documented_status(fake, status):
    if status == "cancelled":
        fake.cancel_tasks()
    else:
        fake.fail_tasks("service_error")
    task_id = create(fake).json()["id"]
    seen = httpx.get(f"{fake.base_url}/v1/tasks/{task_id}", headers=AUTH).json()
    assert seen["status"] == status and "results" not in seen
    assert seen["error"]["code"] == ("request_cancelled" if status == "cancelled" else "service_error")
    assert httpx.get(f"{fake.base_url}/v1/tasks/{task_id}", headers=AUTH).json()["status"] == status  # final


def test_failed_task_has_documented_error(fake):
    fake.fail_tasks("content_policy_violation")
    task_id = create(fake).json()["id"]
    task = httpx.get(f"{fake.base_url}/v1/tasks/{task_id}", headers=AUTH).json()
    assert task["status"] == "failed"
    assert task["error"]["code"] == "content_policy_violation"
    assert task["error"]["type"] == "task_error" and task["error"]["message"]
    assert "results" not in task


def test_unknown_and_malformed_task_ids(fake):
    missing = httpx.get(f"{fake.base_url}/v1/tasks/task-unified-1-nothere1", headers=AUTH)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "task_not_found"
    bad = httpx.get(f"{fake.base_url}/v1/tasks/abc", headers=AUTH)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_task_id"


def test_stream_upload_returns_documented_data(fake):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    response = httpx.post(f"{fake.base_url}/api/v1/files/upload/stream", headers=AUTH,
                          files={"file": ("face.png", png, "image/png")})
    assert response.status_code == 200
    payload = response.json()
    assert payload["success"] is True and payload["code"] == 200 and payload["msg"]
    data = payload["data"]
    assert {"file_id", "file_name", "file_url", "mime_type", "file_size", "expires_at", "upload_time"} <= set(data)
    assert data["mime_type"] == "image/png" and data["file_size"] == len(png) and data["file_name"] == "face.png"
    assert httpx.get(data["file_url"]).content == png


def test_upload_needs_a_file_field_and_the_key(fake):
    no_file = httpx.post(f"{fake.base_url}/api/v1/files/upload/stream", headers=AUTH, files={"other": ("x", b"1")})
    assert no_file.status_code == 400
    no_key = httpx.post(f"{fake.base_url}/api/v1/files/upload/stream", files={"file": ("x.png", b"1")})
    assert no_key.status_code == 401


def test_upload_over_the_limit_is_413(fake):
    fake.configure(max_upload_bytes=10)
    response = httpx.post(f"{fake.base_url}/api/v1/files/upload/stream", headers=AUTH,
                          files={"file": ("x.png", b"x" * 100)})
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"


def test_fault_429_with_retry_after_then_normal(fake):
    fake.inject("status", route="create", status=429, retry_after=7)
    first = create(fake)
    assert first.status_code == 429 and first.headers["Retry-After"] == "7"
    assert first.json()["error"]["code"] == "rate_limit_exceeded"
    assert create(fake).status_code == 200
    assert len(fake.create_requests) == 2 and len(fake.tasks) == 1


@pytest.mark.parametrize("status,code", [(402, "insufficient_quota"), (403, "model_access_denied"),
                                         (404, "task_not_found"), (413, "request_too_large"),
                                         (500, "internal_error")])
def test_fault_status_bodies(fake, status, code):
    fake.inject("status", route="create", status=status)
    response = create(fake)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert fake.tasks == {}


def test_fault_drop_and_accept_drop(fake):
    fake.inject("drop", route="create")
    with pytest.raises(httpx.RemoteProtocolError):
        create(fake)
    assert fake.tasks == {}
    fake.inject("accept_drop")
    with pytest.raises(httpx.RemoteProtocolError):
        create(fake)
    assert len(fake.tasks) == 1 and len(fake.create_requests) == 2


def test_fault_accept_hang_times_out_with_the_task_recorded(fake):
    fake.inject("accept_hang", delay=3)
    with pytest.raises(httpx.ReadTimeout):
        create(fake, timeout=0.5)
    assert len(fake.tasks) == 1


def test_fault_slow_and_count(fake):
    task_id = create(fake).json()["id"]
    fake.inject("slow", route="task", delay=0.4, count=2)
    timings = []
    with httpx.Client() as client:  # one client: httpx.get builds a TLS context per call (slow on a busy machine)
        for _ in range(3):
            start = time.monotonic()
            assert client.get(f"{fake.base_url}/v1/tasks/{task_id}", headers=AUTH).status_code == 200
            timings.append(time.monotonic() - start)
    assert timings[0] >= 0.4 and timings[1] >= 0.4 and timings[2] < 0.4


def test_control_endpoints(fake):
    assert httpx.post(f"{fake.base_url}/_fake/faults", json={"kind": "status", "route": "task", "status": 503}).json()["ok"]
    assert httpx.post(f"{fake.base_url}/_fake/task-failures", json={"code": "service_error"}).json()["ok"]
    assert httpx.post(f"{fake.base_url}/_fake/faults", json={"kind": "explode"}).status_code == 400
    task_id = create(fake).json()["id"]
    assert httpx.get(f"{fake.base_url}/v1/tasks/{task_id}", headers=AUTH).status_code == 503
    task = httpx.get(f"{fake.base_url}/v1/tasks/{task_id}", headers=AUTH).json()
    assert task["error"]["code"] == "service_error"
    recorded = httpx.get(f"{fake.base_url}/_fake/requests").json()
    assert [r["route"] for r in recorded] == ["create", "task", "task"]
    assert KEY not in json.dumps(recorded)  # the control view redacts the Authorization header
    assert httpx.post(f"{fake.base_url}/_fake/reset").json()["ok"] and fake.requests == []


def test_runs_as_a_module_on_a_given_port():
    env = {**os.environ, "PYTHONPATH": str(SRC), "EVOLINK_API_KEY": KEY}
    proc = subprocess.Popen([sys.executable, "-m", "vidlint.testing.fake_api", "--port", "0", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, line
        base = match.group(0)
        assert httpx.post(f"{base}/v1/videos/generations", json=REQUEST, headers=AUTH).status_code == 200
        assert httpx.post(f"{base}/v1/videos/generations", json=REQUEST).status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=10)
