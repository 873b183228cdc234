"""HTTP for --online: guarded connections, bounded redirects, retries with backoff, byte counts.

Every connection goes through :class:`GuardedBackend`, which resolves the host itself, checks
every address with the :class:`~vidlint.remote.guard.GuardPolicy` and connects to the checked
address (TLS still verifies the original host name). Redirects are followed here, one hop at a
time, so each hop opens a new guarded connection.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

from vidlint import __version__
from vidlint.remote.guard import BlockedAddress, GuardPolicy

if TYPE_CHECKING:
    import httpx

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = f"vidlint/{__version__} (+--online asset probe)"


@dataclass
class FetchStats:
    """What the network cost: body bytes received and HTTP requests attempted (retries
    included; a connection the SSRF guard refuses is not an attempt)."""

    bytes_transferred: int = 0
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, *, bytes_transferred: int = 0, requests: int = 0) -> None:
        with self._lock:
            self.bytes_transferred += bytes_transferred
            self.requests += requests

    def merge(self, other: "FetchStats") -> None:
        self.add(bytes_transferred=other.bytes_transferred, requests=other.requests)

    def to_json(self) -> dict[str, int]:
        return {"bytes_transferred": self.bytes_transferred, "requests": self.requests}


class RemoteError(Exception):
    """A failure to fetch; ``kind`` says which, ``str()`` is a one-line message for users.

    kinds: blocked, not_found, forbidden, http_error, server_error, timeout, connection,
    redirects, scheme, range_unsupported, changed, too_large, bad_response; offline_cache_miss
    (--offline-cache found no earlier result).
    """

    def __init__(self, kind: str, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.url = url
        self.status = status


@dataclass(frozen=True)
class FetchOptions:
    policy: GuardPolicy = field(default_factory=GuardPolicy)
    timeout: float = 10.0  # per connect / per read of the socket
    deadline: float = 30.0  # whole request, body included (a slow-drip server cannot hold us)
    retries: int = 2  # extra attempts after a 5xx, 429, timeout or connection failure
    backoff: float = 0.5  # first wait; doubles each attempt
    max_backoff: float = 8.0  # Retry-After longer than this is not waited for
    max_redirects: int = 5
    verify_tls: bool | str = True  # a str is a CA bundle to trust instead of the system's


# The deadline of the response being fetched in this thread: the whole exchange, status line
# and headers included, must end by then (a server trickling header bytes is cut off too).
_DEADLINE = threading.local()


@contextlib.contextmanager
def response_deadline(at: float) -> Iterator[None]:
    """Reads of guarded clients in this thread end by ``at`` (time.monotonic) inside the block."""
    previous = getattr(_DEADLINE, "at", None)
    _DEADLINE.at = at
    try:
        yield
    finally:
        _DEADLINE.at = previous


def _bounded(stream):  # type: ignore[no-untyped-def]
    """A network stream whose reads never wait past this thread's response deadline."""
    import httpcore

    class DeadlineStream:
        def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            deadline = getattr(_DEADLINE, "at", None)
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise httpcore.ReadTimeout("the response deadline passed")
                timeout = remaining if timeout is None else min(timeout, remaining)
            return self._inner.read(max_bytes, timeout)

        def start_tls(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return DeadlineStream(self._inner.start_tls(*args, **kwargs))

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(self._inner, name)

    return DeadlineStream(stream)


def _make_backend(policy: GuardPolicy):  # type: ignore[no-untyped-def]
    import httpcore

    class GuardedBackend(httpcore.SyncBackend):
        """Resolve, check every address, then connect to a checked address only."""

        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # type: ignore[no-untyped-def,override]
            addresses = policy.resolve(host, port)
            last_error: Exception | None = None
            for address in addresses:
                try:
                    return _bounded(super().connect_tcp(address, port, timeout, local_address, socket_options))
                except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                    last_error = exc
            assert last_error is not None
            raise last_error

    return GuardedBackend()


def make_client(options: FetchOptions) -> "httpx.Client":
    import httpcore
    import httpx

    if isinstance(options.verify_tls, str):
        import ssl

        ssl_context = ssl.create_default_context(cafile=options.verify_tls)
    else:
        ssl_context = httpx.create_ssl_context(verify=options.verify_tls)
    transport = httpx.HTTPTransport(verify=ssl_context, trust_env=False)
    # httpx has no public hook for the network backend; swap the pool for one that uses ours.
    # (Proxies from the environment are ignored on purpose: a proxy would connect on our behalf
    # to addresses the guard never sees.) TLS still checks the certificate against the URL's
    # host name: httpcore passes the origin's name as server_hostname, not the pinned address.
    transport._pool = httpcore.ConnectionPool(  # noqa: SLF001
        ssl_context=ssl_context,
        max_connections=32,
        max_keepalive_connections=16,
        keepalive_expiry=5.0,
        network_backend=_make_backend(options.policy),
    )
    timeout = httpx.Timeout(options.timeout)
    return httpx.Client(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False,
                        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})


class Fetcher:
    """One HTTP client shared by all probes of a run (thread-safe), with its stats."""

    def __init__(self, options: FetchOptions | None = None, stats: FetchStats | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.options = options or FetchOptions()
        self.stats = stats if stats is not None else FetchStats()
        self._client = make_client(self.options)
        self._sleep = sleep

    def with_stats(self, stats: FetchStats) -> "Fetcher":
        """The same client (connections, options) counting into ``stats``: one per asset."""
        clone = object.__new__(Fetcher)
        clone.__dict__.update(self.__dict__)
        clone.stats = stats
        return clone

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self, url: str, headers: dict[str, str] | None = None) -> "Response":
        """Send GET (following redirects, retrying transient failures); the body is not read yet.

        Returns the final response whatever its status, except statuses worth retrying once
        the retries are spent, which are returned too: callers map statuses to errors.
        """
        attempt = 0
        while True:
            try:
                response = self._follow(url, headers or {})
            except RemoteError as exc:
                if exc.kind in ("timeout", "connection") and attempt < self.options.retries:
                    self._sleep(self._backoff(attempt, None) or 0.0)  # None only answers a Retry-After
                    attempt += 1
                    continue
                raise
            if response.status in RETRY_STATUSES and attempt < self.options.retries:
                wait = self._backoff(attempt, response.headers.get("retry-after"))
                if wait is not None:
                    response.close()
                    self._sleep(wait)
                    attempt += 1
                    continue
            return response

    def _backoff(self, attempt: int, retry_after: str | None) -> float | None:
        wait = self.options.backoff * (2 ** attempt)
        if retry_after:
            try:
                asked = float(retry_after)
            except ValueError:
                asked = wait  # an HTTP date: not worth parsing for a probe
            if asked > self.options.max_backoff:
                return None
            wait = max(wait, asked)
        return min(wait, self.options.max_backoff)

    def _follow(self, url: str, headers: dict[str, str]) -> "Response":
        import httpx

        current = url
        for hop in range(self.options.max_redirects + 1):
            try:
                parsed = httpx.URL(current)
            except Exception:  # noqa: BLE001 - httpx raises several types for bad URLs
                raise RemoteError("scheme", f"not a valid URL: {current}", url=current) from None
            if parsed.scheme not in ("http", "https"):
                raise RemoteError("scheme", f"cannot fetch a {parsed.scheme or 'relative'} URL: {current}", url=current)
            try:
                self.options.policy.check_host(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
            except BlockedAddress as exc:
                raise RemoteError("blocked", str(exc) + (f" (after a redirect from {url})" if hop else ""), url=current) from None
            response = self._send(parsed, headers, original=url, hop=hop)
            if response.status in REDIRECT_STATUSES and response.headers.get("location"):
                location = response.headers["location"]
                response.close()
                try:
                    current = str(parsed.join(location))
                except Exception:  # noqa: BLE001
                    raise RemoteError("redirects", f"bad redirect location {location!r}", url=current) from None
                continue
            return response
        raise RemoteError("redirects", f"more than {self.options.max_redirects} redirects starting at {url}", url=url)

    def _send(self, url: "httpx.URL", headers: dict[str, str], *, original: str, hop: int) -> "Response":
        import httpx

        request = self._client.build_request("GET", url, headers=headers)
        self.stats.add(requests=1)  # attempts count, retries included; guard refusals do not
        started = time.monotonic()
        _DEADLINE.at = started + self.options.deadline
        try:
            raw = self._client.send(request, stream=True)
        except BlockedAddress as exc:
            self.stats.add(requests=-1)
            suffix = f" (after a redirect from {original})" if hop else ""
            raise RemoteError("blocked", f"{exc}{suffix}", url=str(url)) from None
        except httpx.TimeoutException:
            if time.monotonic() >= _DEADLINE.at:
                raise RemoteError("timeout", f"response took longer than {self.options.deadline:g} s: {url}",
                                  url=str(url)) from None
            raise RemoteError("timeout", f"timed out after {self.options.timeout:g} s: {url}", url=str(url)) from None
        except (httpx.TransportError, OSError) as exc:
            raise RemoteError("connection", f"cannot connect: {_short(exc)} ({url})", url=str(url)) from None
        return Response(raw, self, str(url), started)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


class Response:
    """A streamed response whose body bytes are counted as they arrive."""

    def __init__(self, raw: "httpx.Response", fetcher: Fetcher, url: str, started: float) -> None:
        self._raw = raw
        self._fetcher = fetcher
        self._chunks: Iterator[bytes] | None = None
        self._started = started  # before the request was sent: headers count against the deadline
        self.url = url
        self.status = raw.status_code
        self.headers = raw.headers
        self.bytes_received = 0
        self._leftover = b""

    def read_up_to(self, limit: int) -> bytes:
        """Read at most ``limit`` body bytes (fewer at the end of the body)."""
        import httpx

        out = bytearray(self._leftover[:limit])
        self._leftover = self._leftover[len(out):]
        if self._chunks is None:
            self._chunks = self._raw.iter_raw()  # chunks as they arrive, so the deadline is seen
        deadline = self._started + self._fetcher.options.deadline
        try:
            while len(out) < limit:
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._fetcher.stats.add(bytes_transferred=len(chunk))
                self.bytes_received += len(chunk)
                need = limit - len(out)
                out += chunk[:need]
                self._leftover = chunk[need:]
                if len(out) < limit and time.monotonic() > deadline:
                    raise RemoteError("timeout", f"response took longer than {self._fetcher.options.deadline:g} s: {self.url}",
                                      url=self.url)
        except httpx.TimeoutException:
            if time.monotonic() >= deadline:
                raise RemoteError("timeout", f"response took longer than {self._fetcher.options.deadline:g} s: "
                                  f"{self.url}", url=self.url) from None
            raise RemoteError("timeout", f"timed out reading {self.url}", url=self.url) from None
        except httpx.TransportError as exc:
            raise RemoteError("connection", f"connection broken: {_short(exc)} ({self.url})", url=self.url) from None
        return bytes(out)

    def close(self) -> None:
        self._raw.close()



def error_for_status(status: int, url: str) -> RemoteError:
    if status in (401, 403):
        return RemoteError("forbidden", f"HTTP {status}: access denied to {url}", url=url, status=status)
    if status in (404, 410):
        return RemoteError("not_found", f"HTTP {status}: not found: {url}", url=url, status=status)
    if status == 429:
        return RemoteError("server_error", f"HTTP 429: rate limited by {url}", url=url, status=status)
    if status >= 500:
        return RemoteError("server_error", f"HTTP {status}: server error from {url}", url=url, status=status)
    return RemoteError("http_error", f"HTTP {status} from {url}", url=url, status=status)
