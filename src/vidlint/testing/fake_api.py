"""A fake Evolink API server for offline tests of pipelines that submit video requests.

It is a real HTTP server on 127.0.0.1 (stdlib only) that speaks the documented shapes of

- ``POST /v1/videos/generations``   create a task (Bearer key checked)
- ``GET  /v1/tasks/{task_id}``       pending -> processing -> completed (or failed), with progress
- ``POST /api/v1/files/upload/stream`` multipart ``file`` upload, returns ``data.file_url``
- ``GET  /results/{task_id}.mp4``    the result video: a real mp4 of the requested duration and
  output size (quality x aspect_ratio), made in pure Python (``vidlint.testing.render``)
- ``GET  /files/{file_id}/{name}``   an uploaded file back
- ``GET  /redirect?to=URL``          a 302 to URL (for result URLs that redirect)

and can be told to misbehave (429 with Retry-After, 5xx, 401/402/403/404/413 bodies, dropped
connections, slow or trickling responses, failed or cancelled tasks, a create that records the task
and then drops or hangs, result URLs of your choosing).
Every request it receives is recorded, so a test can count creates and inspect headers and bodies.

Python::

    with FakeEvolink(api_key="test-key") as fake:
        fake.inject("status", route="create", status=429, retry_after=1)
        ... point EVOLINK_API_BASE and EVOLINK_FILES_BASE at fake.base_url ...
        assert len(fake.tasks) == 1

Command line: ``python -m vidlint.testing.fake_api --port 8787`` (faults through the control
endpoints ``/_fake/...``, see ``docs/submit.md``).

``DEFAULT_VIDEO`` (served for every result only when passed as ``video_path`` / ``--video``) was
made once with
``ffmpeg -f lavfi -i testsrc=size=320x240:rate=10:duration=5 -c:v libx264 -pix_fmt yuv420p -crf 38``.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import json
import os
import re
import secrets
import socket
import string
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_VIDEO = Path(__file__).with_name("data") / "result-5s.mp4"

ROUTES = ("create", "task", "upload", "download", "any")
FAULT_KINDS = ("status", "drop", "slow", "trickle", "accept_drop", "accept_hang")
# The task statuses the docs list (get-task-detail.json), plus "cancelled" (error code request_cancelled).
TASK_STATUSES = ("pending", "processing", "completed", "failed", "cancelled")
FINAL_STATUSES = ("completed", "failed", "cancelled")

# Error bodies as the OpenAPI files document them (413 is not documented by an example; this
# shape follows the others).
ERROR_BODIES: dict[int, tuple[str, str, str]] = {
    400: ("invalid_request", "Invalid request parameters", "invalid_request_error"),
    401: ("unauthorized", "Invalid or expired token", "authentication_error"),
    402: ("insufficient_quota", "Insufficient quota. Please top up your account.", "insufficient_quota"),
    403: ("model_access_denied", "Token does not have access to model", "invalid_request_error"),
    404: ("task_not_found", "The requested task could not be found", "invalid_request_error"),
    413: ("request_too_large", "Request entity too large", "invalid_request_error"),
    429: ("rate_limit_exceeded", "Too many requests, please try again later", "rate_limit_error"),
    500: ("internal_error", "Internal server error", "api_error"),
    502: ("bad_gateway", "Bad gateway", "api_error"),
    503: ("service_unavailable", "Service temporarily unavailable", "api_error"),
}

TASK_ERROR_MESSAGES = {
    "content_policy_violation": "Content policy violation.\nYour request was blocked by safety filters.",
    "invalid_parameters": "Invalid request parameters.",
    "image_processing_error": "Image processing failed.",
    "image_dimension_mismatch": "Image dimensions don't match request.",
    "request_cancelled": "Request was cancelled.",
    "generation_failed_no_content": "Model failed to generate output.",
    "service_error": "Internal service error.",
    "generation_timeout": "Task processing timed out.",
    "resource_exhausted": "Upstream resources temporarily depleted.",
    "quota_exceeded": "Rate limit or quota exceeded.",
    "service_unavailable": "Service temporarily unavailable.",
    "resource_not_found": "Task ID invalid or expired.",
    "unknown_error": "Unclassified error.",
}

USD_PER_SECOND = {"720p": 0.086, "1080p": 0.144}
CREDITS_PER_USD = 68


@dataclass
class RecordedRequest:
    """One request as the fake server received it (headers keep their original case)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    route: str
    time: float

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def to_json(self, redact: bool = True) -> dict[str, Any]:
        headers = dict(self.headers)
        if redact:
            for name in headers:
                if name.lower() == "authorization":
                    headers[name] = "Bearer ***"
        try:
            body: Any = self.body.decode("utf-8")
        except UnicodeDecodeError:
            body = f"<{len(self.body)} bytes>"
        return {"method": self.method, "path": self.path, "route": self.route, "headers": headers,
                "body": body, "time": self.time}


@dataclass
class Fault:
    """A misbehaviour applied to the next ``count`` requests of ``route`` (``count=-1``: forever)."""

    kind: str
    route: str = "any"
    count: int = 1
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    body: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (expected one of {', '.join(FAULT_KINDS)})")
        if self.route not in ROUTES:
            raise ValueError(f"unknown route {self.route!r} (expected one of {', '.join(ROUTES)})")
        if self.kind in ("accept_drop", "accept_hang"):
            self.route = "create"


@dataclass
class FakeTask:
    id: str
    model: str
    created: int
    request: dict[str, Any]
    polls: int = 0
    fail_code: str | None = None
    fail_message: str | None = None
    fail_after: int = 1
    fail_status: str = "failed"
    status: str = "pending"
    progress: int = 0


@dataclass
class UploadedFile:
    file_id: str
    name: str
    mime_type: str
    data: bytes


@dataclass
class FakeConfig:
    polls_to_complete: int = 3
    max_upload_bytes: int = 100 * 1024 * 1024
    # Result URLs to return instead of /results/{task}.mp4; "{base}" and "{task}" are filled in.
    result_urls: list[str] | None = None
    # Seconds an uploaded file's URL stays valid (expires_at); the files API documents 72 h.
    upload_ttl: float = 72 * 3600


def _rand(n: int) -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


def new_task_id() -> str:
    return f"task-unified-{int(time.time())}-{_rand(8)}"


def error_body(status: int, code: str | None = None, message: str | None = None,
               type_: str | None = None, param: str | None = None) -> dict[str, Any]:
    d_code, d_message, d_type = ERROR_BODIES.get(status, ("error", "Error", "api_error"))
    error: dict[str, Any] = {"code": code or d_code, "message": message or d_message, "type": type_ or d_type}
    if param:
        error["param"] = param
    return {"error": error}


def _sniff_mime(data: bytes) -> str:
    from vidlint.core.mediatypes import sniff_mime

    return sniff_mime(data[:16]) or "application/octet-stream"


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeEvolink/1.0"
    protocol_version = "HTTP/1.0"
    fake: "FakeEvolink"  # set on the subclass FakeEvolink builds

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.fake.verbose:
            # The request line only: never headers, so the key is never logged.
            sys.stderr.write("fake-evolink: %s\n" % (format % args))

    # -- plumbing ---------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_bytes(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        """Close the connection without a response (the client sees a disconnect)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _trickle(self, delay: float) -> None:
        """Headers, then one byte every ``delay`` seconds of a long body (a server that never ends)."""
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(10 ** 6))
        self.end_headers()
        try:
            for _ in range(10 ** 6):
                self.wfile.write(b"\0")
                self.wfile.flush()
                if self.fake._stopping.wait(delay):
                    break
        except OSError:
            pass
        self.close_connection = True

    def _route(self, method: str, path: str) -> str:
        if path.startswith("/_fake/"):
            return "control"
        if method == "POST" and path == "/v1/videos/generations":
            return "create"
        if method == "GET" and path.startswith("/v1/tasks/"):
            return "task"
        if method == "POST" and path == "/api/v1/files/upload/stream":
            return "upload"
        if method == "GET" and (path.startswith(("/results/", "/files/")) or path == "/redirect"):
            return "download"
        return "unknown"

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return False
        given = auth[len("Bearer "):].strip()
        if self.fake.api_key is None:
            return bool(given)
        return secrets.compare_digest(given.encode(), self.fake.api_key.encode())

    def _handle(self, method: str) -> None:
        path = urlsplit(self.path).path
        body = self._read_body()
        route = self._route(method, path)
        if route == "control":
            self._control(method, path, body)
            return
        self.fake._record(RecordedRequest(method, self.path, dict(self.headers.items()), body, route, time.time()))

        fault = self.fake._take_fault(route)
        if fault is not None:
            if fault.kind == "drop":
                self._drop()
                return
            if fault.kind == "trickle":
                self._trickle(fault.delay or 0.5)
                return
            if fault.kind == "slow":
                self.fake._sleep(fault.delay)
            elif fault.kind == "status":
                headers = {}
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(int(fault.retry_after)) if float(fault.retry_after).is_integer() \
                        else str(fault.retry_after)
                self._send_json(fault.status, fault.body or error_body(fault.status), headers)
                return

        if route == "download":
            self._download(path)
            return
        if route == "unknown":
            self._send_json(404, error_body(404, "not_found", f"No route for {method} {path}"))
            return
        if not self._authorized():
            self._send_json(401, error_body(401))
            return
        if route == "create":
            self._create(body, fault)
        elif route == "task":
            self._task(path)
        elif route == "upload":
            self._upload(body)

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    # -- API endpoints ----------------------------------------------------------------------
    def _create(self, body: bytes, fault: Fault | None) -> None:
        try:
            request = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self._send_json(400, error_body(400, message="Request body is not valid JSON"))
            return
        problem = _validate_create(request)
        if problem is not None:
            param, message = problem
            self._send_json(400, error_body(400, message=message, param=param))
            return
        task = self.fake._new_task(request)
        if fault is not None and fault.kind == "accept_drop":
            self._drop()
            return
        if fault is not None and fault.kind == "accept_hang":
            self.fake._sleep(fault.delay or 30.0)
            self._drop()
            return
        self._send_json(200, self.fake._create_response(task))

    def _task(self, path: str) -> None:
        task_id = path[len("/v1/tasks/"):]
        if not task_id.startswith("task-unified-"):
            self._send_json(400, error_body(400, "invalid_task_id",
                                            "Invalid task ID format, must start with 'task-unified-'",
                                            param="task_id"))
            return
        payload = self.fake._poll(task_id)
        if payload is None:
            self._send_json(404, error_body(404))
            return
        self._send_json(200, payload)

    def _upload(self, body: bytes) -> None:
        if len(body) > self.fake.config.max_upload_bytes:
            self._send_json(413, error_body(413))
            return
        content_type = self.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            self._send_json(400, error_body(400, message="Expected multipart/form-data with a 'file' field",
                                            param="file"))
            return
        parts = _parse_multipart(content_type, body)
        file_part = parts.get("file")
        if file_part is None or not file_part[1]:
            self._send_json(400, error_body(400, message="Missing 'file' field", param="file"))
            return
        filename, data = file_part
        wanted = parts.get("file_name") or parts.get("fileName")
        name = (wanted[1].decode("utf-8", "replace") if wanted else None) or filename or f"upload-{_rand(6)}"
        name = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(name)) or "upload"
        uploaded = self.fake._store_upload(name, data, _sniff_mime(data))
        now = datetime.now(timezone.utc).replace(microsecond=0)
        base = self.fake.base_url
        self._send_json(200, {
            "success": True,
            "code": 200,
            "msg": "File uploaded successfully",
            "data": {
                "file_id": uploaded.file_id,
                "file_name": uploaded.name,
                "original_name": filename or uploaded.name,
                "file_size": len(data),
                "mime_type": uploaded.mime_type,
                "upload_path": "uploads",
                "file_url": f"{base}/files/{uploaded.file_id}/{uploaded.name}",
                "download_url": f"{base}/files/{uploaded.file_id}/{uploaded.name}",
                "upload_time": now.isoformat(),
                "expires_at": (now + timedelta(seconds=self.fake.config.upload_ttl)).isoformat(),
            },
        })

    def _download(self, path: str) -> None:
        if path == "/redirect":  # /redirect?to=URL: a result link that redirects (to anywhere)
            from urllib.parse import parse_qs

            target = parse_qs(urlsplit(self.path).query).get("to", [""])[0]
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path.startswith("/results/"):
            task_id = path[len("/results/"):].rsplit(".", 1)[0]
            task = self.fake.tasks.get(task_id)
            if task is None or task.status != "completed":
                self._send_json(404, error_body(404, "not_found", "No such result"))
                return
            self._send_bytes(200, self.fake.result_video(task), "video/mp4")
            return
        parts = path.split("/")
        uploaded = self.fake.uploads.get(parts[2]) if len(parts) > 2 else None
        if uploaded is None:
            self._send_json(404, error_body(404, "not_found", "No such file"))
            return
        self._send_bytes(200, uploaded.data, uploaded.mime_type)

    # -- control endpoints (no key: the fake only listens on loopback) ------------------------
    def _control(self, method: str, path: str, body: bytes) -> None:
        try:
            payload = json.loads(body.decode("utf-8")) if body else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            self._send_json(400, {"error": "body must be JSON"})
            return
        fake = self.fake
        try:
            if method == "POST" and path == "/_fake/faults":
                fake.inject(**payload)
                self._send_json(200, {"ok": True, "faults": len(fake.faults)})
            elif method == "POST" and path == "/_fake/task-failures":
                fake.fail_tasks(**payload)
                self._send_json(200, {"ok": True})
            elif method == "POST" and path == "/_fake/task-cancellations":
                fake.cancel_tasks(**payload)
                self._send_json(200, {"ok": True})
            elif method == "POST" and path == "/_fake/config":
                fake.configure(**payload)
                self._send_json(200, {"ok": True, "config": vars(fake.config)})
            elif method == "POST" and path == "/_fake/reset":
                fake.reset()
                self._send_json(200, {"ok": True})
            elif method == "GET" and path == "/_fake/requests":
                self._send_json(200, [r.to_json() for r in fake.requests])
            elif method == "GET" and path == "/_fake/tasks":
                self._send_json(200, {t.id: {"status": t.status, "progress": t.progress, "polls": t.polls,
                                             "request": t.request} for t in fake.tasks.values()})
            else:
                self._send_json(404, {"error": f"unknown control endpoint {method} {path}"})
        except (TypeError, ValueError) as exc:
            self._send_json(400, {"error": str(exc)})


def _validate_create(request: Any) -> tuple[str, str] | None:
    """The few checks the fake makes: enough to catch a client that sends local paths."""
    if not isinstance(request, dict):
        return "", "Request body must be a JSON object"
    if not isinstance(request.get("model"), str) or not request["model"]:
        return "model", "model is required"
    if not isinstance(request.get("prompt"), str) and request["model"] != "wan2.7-image-to-video":
        return "prompt", "prompt is required"
    for name in ("image_start", "image_end", "image_urls", "video_urls", "audio_urls"):
        values = request.get(name)
        values = values if isinstance(values, list) else [values] if values is not None else []
        for value in values:
            if not isinstance(value, str) or not re.match(r"^https?://", value):
                return name, f"{name} must hold http(s) URLs, got {value!r}"
    return None


def _parse_multipart(content_type: str, body: bytes) -> dict[str, tuple[str, bytes]]:
    """name -> (filename, bytes) for each part of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    parts: dict[str, tuple[str, bytes]] = {}
    if not message.is_multipart():
        return parts
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        assert isinstance(payload, bytes)  # decode=True on a non-multipart part
        parts[str(name)] = (part.get_filename() or "", payload)
    return parts


class FakeEvolink:
    """The fake server. Start with ``start()`` or use as a context manager."""

    def __init__(self, api_key: str | None = "test-key", *, host: str = "127.0.0.1", port: int = 0,
                 video_path: str | Path | None = None, polls_to_complete: int = 3,
                 verbose: bool = False) -> None:
        self.api_key = api_key
        self.host = host
        self.port = port
        self.verbose = verbose
        # None: every result is rendered to the request's duration and size.
        self.video_bytes = Path(video_path).read_bytes() if video_path else None
        self.config = FakeConfig(polls_to_complete=polls_to_complete)
        self.requests: list[RecordedRequest] = []
        self.tasks: dict[str, FakeTask] = {}
        self.uploads: dict[str, UploadedFile] = {}
        self.faults: list[Fault] = []
        self._task_failures: list[tuple[str, str | None, int, str]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> "FakeEvolink":
        handler = type("FakeEvolinkHandler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-evolink", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeEvolink":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- configuration ------------------------------------------------------------------------
    def inject(self, kind: str, route: str = "any", count: int = 1, status: int = 500,
               retry_after: float | None = None, delay: float = 0.0,
               body: dict[str, Any] | None = None) -> Fault:
        """Queue a fault. Faults apply in the order queued, each to ``count`` matching requests."""
        fault = Fault(kind, route, int(count), int(status), retry_after, float(delay), body)
        with self._lock:
            self.faults.append(fault)
        return fault

    def fail_tasks(self, code: str = "service_error", message: str | None = None, count: int = 1,
                   after_polls: int = 1, status: str = "failed") -> None:
        """Make the next ``count`` created tasks end ``status`` (failed or cancelled) with the
        documented ``error.code``."""
        if status not in ("failed", "cancelled"):
            raise ValueError(f"a task can end failed or cancelled, not {status!r}")
        with self._lock:
            for _ in range(int(count)):
                self._task_failures.append((code, message, int(after_polls), status))

    def cancel_tasks(self, count: int = 1, after_polls: int = 1) -> None:
        """Make the next ``count`` created tasks end ``cancelled`` (error code request_cancelled)."""
        self.fail_tasks("request_cancelled", None, count, after_polls, status="cancelled")

    def configure(self, polls_to_complete: int | None = None, max_upload_bytes: int | None = None,
                  result_urls: list[str] | None = None, upload_ttl: float | None = None) -> None:
        with self._lock:
            if polls_to_complete is not None:
                self.config.polls_to_complete = max(1, int(polls_to_complete))
            if max_upload_bytes is not None:
                self.config.max_upload_bytes = int(max_upload_bytes)
            if result_urls is not None:
                self.config.result_urls = [str(u) for u in result_urls]
            if upload_ttl is not None:
                self.config.upload_ttl = float(upload_ttl)

    def result_video(self, task: FakeTask) -> bytes:
        """The bytes of a completed task's result."""
        if self.video_bytes is not None:
            return self.video_bytes
        from vidlint.testing.render import output_duration, output_size, render_mp4

        width, height = output_size(task.request)
        return render_mp4(width, height, output_duration(task.request))

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.tasks.clear()
            self.uploads.clear()
            self.faults.clear()
            self._task_failures.clear()

    # -- what tests look at -------------------------------------------------------------------
    def requests_for(self, route: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.route == route]

    @property
    def create_requests(self) -> list[RecordedRequest]:
        return self.requests_for("create")

    # -- internals used by the handler --------------------------------------------------------
    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_fault(self, route: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.route in (route, "any") and route != "unknown":
                    if fault.count > 0:
                        fault.count -= 1
                        if fault.count == 0:
                            self.faults.remove(fault)
                    return fault
        return None

    def _sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _new_task(self, request: dict[str, Any]) -> FakeTask:
        with self._lock:
            task = FakeTask(new_task_id(), str(request.get("model")), int(time.time()), request)
            if self._task_failures:
                code, message, after, status = self._task_failures.pop(0)
                task.fail_code, task.fail_message, task.fail_after, task.fail_status = code, message, after, status
            self.tasks[task.id] = task
            return task

    def _create_response(self, task: FakeTask) -> dict[str, Any]:
        quality = str(task.request.get("quality", "720p"))
        seconds = task.request.get("duration", 5)
        seconds = seconds if isinstance(seconds, (int, float)) else 5
        credits = round(USD_PER_SECOND.get(quality, 0.086) * seconds * CREDITS_PER_USD, 2)
        return {
            "created": task.created, "id": task.id, "model": task.model, "object": "video.generation.task",
            "progress": 0, "status": "pending", "task_info": {"can_cancel": True, "estimated_time": 120},
            "type": "video",
            "usage": {"billing_rule": "per_second", "credits_reserved": credits, "user_group": "default"},
        }

    def _poll(self, task_id: str) -> dict[str, Any] | None:
        with self._lock:
            task = self.tasks.get(task_id)
            if task is None:
                return None
            if task.status not in FINAL_STATUSES:
                task.polls += 1
                if task.fail_code is not None and task.polls >= task.fail_after:
                    task.status = task.fail_status
                elif task.polls >= self.config.polls_to_complete:
                    task.status, task.progress = "completed", 100
                else:
                    task.status = "processing"
                    task.progress = min(99, int(100 * task.polls / self.config.polls_to_complete))
            payload: dict[str, Any] = {
                "created": task.created, "id": task.id, "model": task.model, "object": "video.generation.task",
                "progress": task.progress, "status": task.status,
                "task_info": {"can_cancel": task.status in ("pending", "processing")}, "type": "video",
            }
            if task.status == "completed":
                urls = self.config.result_urls or ["{base}/results/{task}.mp4"]
                payload["results"] = [u.replace("{base}", self.base_url).replace("{task}", task.id) for u in urls]
            if task.status in ("failed", "cancelled"):
                message = task.fail_message or TASK_ERROR_MESSAGES.get(
                    task.fail_code or "", "Task failed.")
                payload["error"] = {"code": task.fail_code, "message": message, "type": "task_error"}
            return payload

    def _store_upload(self, name: str, data: bytes, mime_type: str) -> UploadedFile:
        with self._lock:
            uploaded = UploadedFile(f"file_{_rand(12)}", name, mime_type, data)
            self.uploads[uploaded.file_id] = uploaded
            return uploaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vidlint.testing.fake_api",
                                     description="Run a fake Evolink API on 127.0.0.1 for offline tests.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--api-key-env", default="EVOLINK_API_KEY", metavar="NAME",
                        help="accept only the key in this environment variable "
                             "(default EVOLINK_API_KEY; unset: any non-empty Bearer key)")
    parser.add_argument("--polls", type=int, default=3, help="task queries until a task completes (default 3)")
    parser.add_argument("--video", type=Path, default=None,
                        help="mp4 to serve as every result (default: one rendered to each request's duration and size)")
    parser.add_argument("--quiet", action="store_true", help="do not log request lines")
    args = parser.parse_args(argv)
    fake = FakeEvolink(os.environ.get(args.api_key_env) or None, host=args.host, port=args.port,
                       video_path=args.video, polls_to_complete=args.polls, verbose=not args.quiet)
    fake.start()
    print(f"fake Evolink API listening on {fake.base_url}", flush=True)
    print(f"  export EVOLINK_API_BASE={fake.base_url} EVOLINK_FILES_BASE={fake.base_url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
