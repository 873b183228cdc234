"""A real HTTP server on 127.0.0.1 for the --online tests and benchmark.

Routes (``NAME`` is a file registered with :meth:`MediaServer.add`):

* ``/range/NAME``        honours ``Range`` (206), ``If-None-Match``/``If-Modified-Since`` (304)
* ``/norange/NAME``      ignores ``Range``: always 200 with the whole body
* ``/status/CODE/NAME``  answers CODE with a short body
* ``/flaky/N/NAME``      answers 500 to the first N requests for that path, then like /range
                         (``?retry_after=S``: 503 with ``Retry-After: S`` instead)
* ``/slow/SECONDS/NAME`` waits before answering like /range
* ``/drip/BPS/NAME``     like /range, but sends the body at BPS bytes per second
* ``/redirect/K/NAME``   K redirects (302) then /range/NAME
* ``/to?url=URL``        one redirect to URL (anywhere)

The server counts requests and body bytes it sent, so tests can check the client's figures.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass
class Served:
    path: Path
    etag: str
    last_modified: str


@dataclass
class ServerLog:
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (path, Range, If-None-Match)
    body_bytes: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self, idle_timeout: float = 5.0) -> None:
        """Start a fresh count, once responses still being written (to a client that stopped
        reading) have ended, so that they cannot add to the next test's figures."""
        deadline = time.monotonic() + idle_timeout
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        with self.lock:
            self.requests.clear()
            self.body_bytes = 0
            self.max_in_flight = 0


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class MediaServer:
    def __init__(self, host: str = "127.0.0.1", tls: tuple[Path, Path] | None = None) -> None:
        self.files: dict[str, Served] = {}
        self.log = ServerLog()
        self.flaky_counts: dict[str, int] = {}
        self._httpd = _QuietServer((host, 0), self._handler_class())
        self.scheme = "http"
        if tls is not None:  # (certificate, key): serve HTTPS
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        self.host, self.port = self._httpd.server_address[:2]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, route: str, name: str = "") -> str:
        return f"{self.base}/{route.strip('/')}/{name}" if name else f"{self.base}/{route.lstrip('/')}"

    def add(self, name: str, path: Path) -> None:
        stat = path.stat()
        etag = '"' + hashlib.sha256(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16] + '"'
        self.files[name] = Served(path, etag, email.utils.formatdate(stat.st_mtime, usegmt=True))

    def __enter__(self) -> "MediaServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler_class(self):  # type: ignore[no-untyped-def]
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802
                log = server.log
                with log.lock:
                    log.requests.append((self.path, self.headers.get("Range", ""), self.headers.get("If-None-Match", "")))
                    log.in_flight += 1
                    log.max_in_flight = max(log.max_in_flight, log.in_flight)
                parts = urlsplit(self.path)
                segments = [s for s in parts.path.split("/") if s]
                try:
                    self._route(segments, parts.query)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with log.lock:
                        log.in_flight -= 1

            def _route(self, segments: list[str], query: str) -> None:
                if segments[:1] == ["to"]:
                    target = parse_qs(query).get("url", [""])[0]
                    return self._redirect(target)
                if len(segments) < 2:
                    return self._plain(404, b"no such route")
                route, *args, name = segments
                served = server.files.get(name)
                if route == "status":
                    return self._plain(int(args[0]), f"status {args[0]}".encode())
                if served is None:
                    return self._plain(404, b"no such file")
                if route == "range":
                    return self._file(served, ranges=True)
                if route == "norange":
                    return self._file(served, ranges=False)
                if route == "flaky":
                    with server.log.lock:
                        seen = server.flaky_counts.get(self.path, 0)
                        server.flaky_counts[self.path] = seen + 1
                    if seen < int(args[0]):
                        retry_after = parse_qs(query).get("retry_after")
                        if retry_after:
                            return self._plain(503, b"busy", {"Retry-After": retry_after[0]})
                        return self._plain(500, b"try again")
                    return self._file(served, ranges=True)
                if route == "slow":
                    time.sleep(float(args[0]))
                    return self._file(served, ranges=True)
                if route == "drip":
                    return self._file(served, ranges=True, rate=int(args[0]))
                if route == "redirect":
                    hops = int(args[0])
                    target = f"/redirect/{hops - 1}/{name}" if hops > 1 else f"/range/{name}"
                    return self._redirect(target)
                return self._plain(404, b"no such route")

            def _redirect(self, target: str) -> None:
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _plain(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self._write(body)

            def _write(self, body: bytes) -> None:
                with server.log.lock:  # counted before sending, so a client never sees more
                    server.log.body_bytes += len(body)
                self.wfile.write(body)

            def _file(self, served: Served, *, ranges: bool, rate: int | None = None) -> None:
                size = served.path.stat().st_size
                validators_match = (
                    self.headers.get("If-None-Match") == served.etag
                    or (self.headers.get("If-None-Match") is None
                        and self.headers.get("If-Modified-Since") == served.last_modified)
                )
                if ranges and validators_match:
                    self.send_response(304)
                    self.send_header("ETag", served.etag)
                    self.send_header("Last-Modified", served.last_modified)
                    self.end_headers()
                    return
                match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
                if ranges and match:
                    start = int(match.group(1))
                    end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
                    if start >= size:
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{size}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
                else:
                    start, end = 0, size - 1
                    self.send_response(200)
                if ranges:
                    self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(end - start + 1))
                self.send_header("ETag", served.etag)
                self.send_header("Last-Modified", served.last_modified)
                self.end_headers()
                with served.path.open("rb") as fh:
                    fh.seek(start)
                    remaining = end - start + 1
                    step = 256 * 1024 if rate is None else max(1, rate // 10)
                    while remaining > 0:
                        chunk = fh.read(min(remaining, step))
                        if not chunk:
                            break
                        self._write(chunk)
                        self.wfile.flush()
                        remaining -= len(chunk)
                        if rate is not None:
                            time.sleep(0.1)

        return Handler


def pad_mp4(source: Path, target: Path, size: int, seed: int = 7) -> Path:
    """Copy an MP4/MOV to ``target`` grown to ``size`` bytes by padding its ``mdat`` box.

    The padding goes at the end of the mdat payload: the samples keep their offsets (the
    sample tables stay right whichever side of mdat moov sits on), so the file stays valid.
    The padding is pseudo-random, like compressed media, not zeros.
    """
    import random
    import struct

    data = source.read_bytes()
    offset = 0
    while offset + 8 <= len(data):
        box_size, box_type = struct.unpack(">I4s", data[offset:offset + 8])
        if box_size == 1:
            raise ValueError("64-bit box sizes are not needed for the fixtures")
        box_size = box_size or len(data) - offset
        if box_type == b"mdat":
            break
        offset += box_size
    else:
        raise ValueError(f"{source} has no mdat box")
    extra = size - len(data)
    if extra < 0 or box_size + extra >= 2**32:
        raise ValueError("size out of range")
    block = random.Random(seed).randbytes(1 << 20)
    with target.open("wb") as out:
        out.write(data[:offset])
        out.write(struct.pack(">I4s", box_size + extra, b"mdat"))
        out.write(data[offset + 8:offset + box_size])
        remaining = extra
        while remaining > 0:
            out.write(block[:min(remaining, len(block))])
            remaining -= len(block)
        out.write(data[offset + box_size:])
    return target
