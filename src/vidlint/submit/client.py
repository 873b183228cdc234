"""HTTP client for the Evolink task and files APIs (httpx, imported lazily).

Retry policy, the part that protects the user's credits:
- the create call (POST /v1/videos/generations) is retried only after a 429, which says the
  request was refused; any other failure after the request may have left the machine is an
  :class:`UnknownOutcome`, never a resend;
- task queries and downloads (GETs) are retried after 429, 5xx and dropped connections, with
  bounded backoff;
- uploads are retried after 429 only (a duplicate upload costs file quota, not credits).
Every message that leaves this module goes through the key scrubber.
"""

from __future__ import annotations

import email.utils
import json
import mimetypes
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from vidlint.submit.config import Endpoints, Scrubber, SubmitError

MAX_RATE_LIMIT_RETRIES = 3
MAX_RETRY_AFTER = 120.0
MAX_GET_RETRIES = 5
MAX_BACKOFF = 30.0

HTTP_HINTS = {
    400: "the API rejected the request",
    401: "the API key was rejected",
    402: "no credits left",
    403: "forbidden",
    404: "not found",
    413: "too large for the API",
    429: "rate limited",
}


class ApiError(SubmitError):
    """An HTTP error response, described in one line."""

    def __init__(self, message: str, status: int, code: str | None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.retry_after = retry_after


class TransportError(SubmitError):
    """No usable response. ``maybe_sent`` says whether the request may have reached the server."""

    def __init__(self, message: str, maybe_sent: bool) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


class UnknownOutcome(SubmitError):
    """The create call may or may not have created a task (timeout, drop or 5xx after sending)."""


def cannot_heal(exc: BaseException) -> bool:
    """A transport error that a retry cannot fix: TLS verification, an unsupported scheme or URL."""
    import ssl

    import httpx

    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return True
    seen = 0
    cause: BaseException | None = exc
    while cause is not None and seen < 10:
        if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(cause):
            return True
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return False


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def parse_error_body(text: str) -> tuple[str | None, str | None, str | None]:
    """(code, message, param) from ``{error: {code, message, type, param}}`` or the files API's
    ``{success: false, code, msg}``; ``code`` may be a string or an integer."""
    try:
        payload = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return None, (text.strip()[:200] or None), None
    if not isinstance(payload, dict):
        return None, None, None
    error = payload.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        return (None if code is None else str(code)), _str_or_none(error.get("message")), \
            _str_or_none(error.get("param"))
    if isinstance(error, str):
        return None, error, None
    code = payload.get("code")
    return (None if code is None else str(code)), _str_or_none(payload.get("msg") or payload.get("message")), None


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def describe_http_error(status: int, code: str | None, message: str | None, param: str | None,
                        key_env: str, what: str) -> str:
    if status == 401:
        lead = f"{what}: the API key in {key_env} was rejected (401"
    elif status == 402:
        lead = f"{what}: no credits left, top up at https://evolink.ai/dashboard/billing (402"
    elif status >= 500:
        lead = f"{what}: server error ({status}"
    else:
        lead = f"{what}: {HTTP_HINTS.get(status, 'HTTP error')} ({status}"
    line = lead + (f" {code})" if code else ")")
    if message:
        line += ": " + " ".join(message.split())
    if param:
        line += f" [field: {param}]"
    return line


@dataclass
class RetryPolicy:
    retry_base: float = 1.0
    max_get_retries: int = MAX_GET_RETRIES
    max_rate_limit_retries: int = MAX_RATE_LIMIT_RETRIES
    max_retry_after: float = MAX_RETRY_AFTER

    def backoff(self, attempt: int) -> float:
        return min(MAX_BACKOFF, self.retry_base * (2 ** attempt))


class EvolinkClient:
    def __init__(self, endpoints: Endpoints, api_key: str, *, key_env: str = "EVOLINK_API_KEY",
                 timeout: float = 60.0, retry: RetryPolicy | None = None,
                 notify: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        import httpx  # lazy: only submit/status pay for it

        self._httpx = httpx
        self.endpoints = endpoints
        self.key_env = key_env
        self.scrub = Scrubber(api_key)
        self.retry = retry or RetryPolicy()
        self.notify = notify or (lambda message: None)
        self.sleep = sleep
        self._auth = {"Authorization": f"Bearer {api_key}"}
        # Redirects are not followed on authenticated calls: the key goes to the configured base only.
        # No proxy from the environment unless both bases are https: a proxy in front of an http
        # base (loopback) would read the key in the clear.
        trust_env = endpoints.api_base.startswith("https://") and endpoints.files_base.startswith("https://")
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
                                    follow_redirects=False, trust_env=trust_env,
                                    headers={"User-Agent": "vidlint-submit"})

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "EvolinkClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers ------------------------------------------------------------------------------
    def _transport_error(self, exc: Exception, what: str) -> TransportError:
        httpx = self._httpx
        not_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout,
                                    httpx.UnsupportedProtocol, httpx.InvalidURL))
        if isinstance(exc, httpx.TimeoutException):
            reason = "timed out"
        elif isinstance(exc, httpx.ConnectError):
            reason = "could not connect"
        elif isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            reason = "the connection dropped"
        else:
            reason = type(exc).__name__
        detail = self.scrub(str(exc)).strip()
        text = f"{what}: {reason}" + (f" ({detail})" if detail and detail not in reason else "")
        return TransportError(text, maybe_sent=not not_sent)

    def _api_error(self, response: Any, what: str) -> ApiError:
        code, message, param = parse_error_body(response.text)
        line = describe_http_error(response.status_code, code, message, param, self.key_env, what)
        return ApiError(self.scrub(line), response.status_code, code,
                        parse_retry_after(response.headers.get("Retry-After")))

    def _wait_rate_limit(self, error: ApiError, attempt: int, what: str) -> None:
        """Sleep as Retry-After says, or raise when the retries or the wait are too long."""
        wait = error.retry_after if error.retry_after is not None else self.retry.backoff(attempt)
        if attempt >= self.retry.max_rate_limit_retries:
            raise ApiError(f"{error} (gave up after {attempt} retries; try again later)",
                           error.status, error.code, error.retry_after)
        if wait > self.retry.max_retry_after:
            raise ApiError(f"{error} (the server asks to wait {wait:.0f} s; try again later)",
                           error.status, error.code, error.retry_after)
        self.notify(f"{what}: rate limited (429), waiting {wait:g} s as Retry-After asks "
                    f"(retry {attempt + 1} of {self.retry.max_rate_limit_retries})")
        self.sleep(wait)

    def _get_with_retries(self, url: str, what: str, *, auth: bool) -> Any:
        attempt = 0
        rate_limited = 0
        while True:
            try:
                response = self._client.get(url, headers=self._auth if auth else None)
            except self._httpx.HTTPError as exc:
                error: SubmitError = self._transport_error(exc, what)
                retryable = not cannot_heal(exc)
            else:
                if response.status_code < 400:
                    return response
                error = self._api_error(response, what)
                if response.status_code == 429:
                    self._wait_rate_limit(error, rate_limited, what)  # type: ignore[arg-type]
                    rate_limited += 1
                    continue
                retryable = response.status_code >= 500
            if not retryable or attempt >= self.retry.max_get_retries:
                if not retryable:
                    raise error
                message = f"{error} (gave up after {attempt} retries)"
                if isinstance(error, ApiError):
                    raise ApiError(message, error.status, error.code)
                raise TransportError(message, maybe_sent=True)
            wait = self.retry.backoff(attempt)
            self.notify(f"{error}; retrying in {wait:g} s ({attempt + 1} of {self.retry.max_get_retries})")
            self.sleep(wait)
            attempt += 1

    # -- API ----------------------------------------------------------------------------------
    def create_task(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST the request once (plus retries after 429 only)."""
        what = "create task"
        rate_limited = 0
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {**self._auth, "Content-Type": "application/json"}
        while True:
            try:
                response = self._client.post(self.endpoints.create_url, content=data, headers=headers)
            except self._httpx.HTTPError as exc:
                error = self._transport_error(exc, what)
                if error.maybe_sent:
                    raise UnknownOutcome(str(error)) from None
                raise error from None
            if response.status_code == 429:
                self._wait_rate_limit(self._api_error(response, what), rate_limited, what)
                rate_limited += 1
                continue
            if response.status_code >= 500:
                raise UnknownOutcome(str(self._api_error(response, what)))
            if response.status_code >= 400:
                raise self._api_error(response, what)
            try:
                payload = self._json(response, what)
            except SubmitError as exc:
                raise UnknownOutcome(str(exc)) from None
            if not 200 <= response.status_code < 300 or not isinstance(payload.get("id"), str) or not payload["id"]:
                raise UnknownOutcome(f"{what}: unexpected response (HTTP {response.status_code}) without a task id")
            return payload

    def get_task(self, task_id: str) -> dict[str, Any]:
        what = f"query task {task_id}"
        response = self._get_with_retries(self.endpoints.task_url(task_id), what, auth=True)
        return self._json(response, what)

    def upload_file(self, path: Path, mime_type: str | None = None) -> dict[str, Any]:
        """Stream-upload one file; returns the response's ``data`` (with ``file_url``)."""
        what = f"upload {path.name}"
        mime_type = mime_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        rate_limited = 0
        while True:
            try:
                with open(path, "rb") as handle:
                    response = self._client.post(self.endpoints.upload_url, headers=self._auth,
                                                 files={"file": (path.name, handle, mime_type)})
            except self._httpx.HTTPError as exc:
                raise self._transport_error(exc, what) from None
            except OSError as exc:
                raise SubmitError(f"{what}: cannot read the file ({exc.strerror})") from None
            if response.status_code == 429:
                self._wait_rate_limit(self._api_error(response, what), rate_limited, what)
                rate_limited += 1
                continue
            if response.status_code >= 400:
                raise self._api_error(response, what)
            payload = self._json(response, what)
            data = payload.get("data")
            if payload.get("success") is False or not isinstance(data, dict) or not data.get("file_url"):
                message = payload.get("msg") or "the response has no data.file_url"
                raise SubmitError(self.scrub(f"{what}: upload refused: {message}"))
            return data

    def _json(self, response: Any, what: str) -> dict[str, Any]:
        try:
            payload = response.json()
        except ValueError:
            raise SubmitError(f"{what}: the response is not JSON (HTTP {response.status_code})") from None
        if not isinstance(payload, dict):
            raise SubmitError(f"{what}: the response is not a JSON object")
        return payload
