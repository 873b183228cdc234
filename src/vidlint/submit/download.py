"""Saving a task's results: never over an existing file, never past a size or time limit,
never to an internal address, never following a symlink planted in the download folder.

- The connection goes through the ``--online`` SSRF guard (``vidlint.remote.fetch.make_client``):
  internal addresses are refused at connect time, every redirect hop included; the loopback
  endpoints of a loopback API base (the fake server of the tests) are the only exception.
  No proxy from the environment, no Authorization header (result links are pre-signed).
- ``--timeout`` bounds the whole download, first byte to last (a trickling server is cut off);
  the size cap (default 2 GiB) is checked against Content-Length and against what arrives.
- Bytes go to a new private ``.part`` file (``O_CREAT | O_EXCL | O_NOFOLLOW``, mode 0600). The
  extension of the saved file comes from the probed container (mp4, mov or webm), never from the
  URL; anything else is refused. The saved name is ``<stem>.<ext>``, else ``<stem>-1.<ext>``, ...:
  the file is hard-linked into place, which fails rather than replace anything, symlinks included.
- Retried: 429, 5xx, dropped connections, timeouts. Never retried: TLS verification failures,
  refused addresses, unsupported schemes (``file://``), the size cap, a bad container.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from vidlint.submit.client import MAX_BACKOFF, cannot_heal, parse_retry_after
from vidlint.submit.config import Endpoints, SubmitError, is_loopback_host

DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 1024 ** 3
CONTAINER_EXTENSIONS = {"mp4": ".mp4", "mov": ".mov", "webm": ".webm"}
MAX_RETRIES = 4
MAX_NAME_TRIES = 1000
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class DownloadError(SubmitError):
    """A download that failed; ``retry`` says whether trying again may help."""

    def __init__(self, message: str, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class DownloadLimits:
    timeout: float = 60.0  # whole download, seconds
    max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and missing parents) readable by the user only (0700)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def guarded_client(endpoints: Endpoints):  # type: ignore[no-untyped-def]
    """An httpx client behind the SSRF guard; the loopback API/files endpoints are allowed."""
    from vidlint.core.netaddr import normalise_host
    from vidlint.remote.fetch import FetchOptions, make_client
    from vidlint.remote.guard import GuardPolicy

    allowed = set()
    for base in (endpoints.api_base, endpoints.files_base):
        parts = urlsplit(base)
        if parts.hostname and is_loopback_host(parts.hostname):
            allowed.add((normalise_host(parts.hostname), parts.port or (443 if parts.scheme == "https" else 80)))
    return make_client(FetchOptions(policy=GuardPolicy(allowed_endpoints=frozenset(allowed))))


class Downloader:
    def __init__(self, endpoints: Endpoints, limits: DownloadLimits, *, scrub: Callable[[str], str],
                 notify: Callable[[str], None], sleep: Callable[[float], None] = time.sleep) -> None:
        self.limits = limits
        self.scrub = scrub
        self.notify = notify
        self.sleep = sleep
        self._client = guarded_client(endpoints)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Downloader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def save(self, url: str, folder: Path, stem: str) -> tuple[Path, int]:
        """Download ``url`` into ``folder`` as a new file named after ``stem``; (path, size)."""
        what = f"download {stem}"
        attempt = 0
        while True:
            part = folder / f".{stem}.{secrets.token_hex(4)}.part"
            try:
                size = self._fetch(url, part, what)
                return self._place(part, folder, stem, what), size
            except DownloadError as exc:
                if not exc.retry or attempt >= MAX_RETRIES:
                    raise
                wait = min(MAX_BACKOFF, 0.5 * 2 ** attempt)
                self.notify(f"{exc}; retrying in {wait:g} s ({attempt + 1} of {MAX_RETRIES})")
                self.sleep(wait)
                attempt += 1
            finally:
                try:
                    os.unlink(part)
                except OSError:
                    pass

    # -- one attempt --------------------------------------------------------------------------
    def _fetch(self, url: str, part: Path, what: str) -> int:
        import httpx

        from vidlint.remote.guard import BlockedAddress

        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise DownloadError(f"{what}: refused the result URL: unsupported scheme {scheme or '(none)'}:", False)
        from vidlint.remote.fetch import response_deadline

        deadline = time.monotonic() + self.limits.timeout
        try:
            with response_deadline(deadline), self._client.stream("GET", url, follow_redirects=True,
                                     timeout=httpx.Timeout(self.limits.timeout)) as response:
                if response.status_code >= 400:
                    retry = response.status_code == 429 or response.status_code >= 500
                    wait = parse_retry_after(response.headers.get("Retry-After"))
                    if response.status_code == 429 and wait is not None and wait > MAX_BACKOFF:
                        retry = False
                    raise DownloadError(f"{what}: HTTP {response.status_code}", retry)
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
                    raise DownloadError(f"{what}: the result is {int(declared)} bytes, over the download "
                                        f"limit of {self.limits.max_bytes} bytes (--max-download)", False)
                return self._write(response, part, deadline, what)
        except DownloadError:
            raise
        except BlockedAddress as exc:
            raise DownloadError(f"{what}: {exc}", False) from None
        except httpx.UnsupportedProtocol as exc:
            raise DownloadError(self.scrub(f"{what}: refused: {exc}"), False) from None
        except httpx.TooManyRedirects:
            raise DownloadError(f"{what}: too many redirects", False) from None
        except httpx.HTTPError as exc:
            if cannot_heal(exc):
                raise DownloadError(self.scrub(f"{what}: {exc} (not retried)"), False) from None
            if isinstance(exc.__cause__, BlockedAddress) or isinstance(exc.__context__, BlockedAddress):
                raise DownloadError(f"{what}: {exc.__cause__ or exc.__context__}", False) from None
            if isinstance(exc, httpx.TimeoutException) and time.monotonic() >= deadline:
                raise DownloadError(f"{what}: not finished within --timeout {self.limits.timeout:g} s", False) from None
            reason = "timed out" if isinstance(exc, httpx.TimeoutException) else "the connection failed"
            raise DownloadError(self.scrub(f"{what}: {reason} ({exc})"), True) from None
        except OSError as exc:
            raise DownloadError(f"{what}: cannot write {part.parent}: {exc.strerror or exc}", False) from None

    def _write(self, response: Any, part: Path, deadline: float, what: str) -> int:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0), 0o600)
        size = 0
        with os.fdopen(fd, "wb") as handle:
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > self.limits.max_bytes:
                    raise DownloadError(f"{what}: the result is over the download limit of "
                                        f"{self.limits.max_bytes} bytes (--max-download)", False)
                if time.monotonic() > deadline:
                    raise DownloadError(f"{what}: not finished within --timeout "
                                        f"{self.limits.timeout:g} s ({size} bytes received)", False)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        return size

    def _place(self, part: Path, folder: Path, stem: str, what: str) -> Path:
        from vidlint.probe import probe_path

        media = probe_path(part)
        extension = CONTAINER_EXTENSIONS.get(media.format or "") if media.kind == "video" else None
        if extension is None:
            found = media.format or media.kind or "unknown"
            raise DownloadError(f"{what}: the result is not an mp4, mov or webm video ({found}); not saved", False)
        for number in range(MAX_NAME_TRIES):
            dest = folder / (f"{stem}{extension}" if number == 0 else f"{stem}-{number}{extension}")
            try:
                os.link(part, dest, follow_symlinks=False)  # fails on any existing name, symlinks too
            except FileExistsError:
                continue
            return dest
        raise DownloadError(f"{what}: {MAX_NAME_TRIES} files named {stem}-N{extension} exist already", False)
