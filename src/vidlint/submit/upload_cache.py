"""Uploads once: the URL the files API gave a file, reused while it is valid.

Keyed by the SHA-256 of the file's content and the files base (the same bytes under another
name or path are the same upload). An entry holds the ``file_url`` and the ``expires_at`` the
files API returned (file-series/upload-stream.json); it is reused until ``REUSE_MARGIN``
before that time, so the task still finds the file while it renders. One private JSON file
(0600, folder 0700) per entry under ``<cache dir>/uploads/``; data only, never the key.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

# The task fetches its inputs while it runs: a URL that expires sooner is uploaded again.
REUSE_MARGIN = timedelta(hours=1)
# The files API documents 72 h; an answer without expires_at is trusted for less.
ASSUMED_LIFETIME = timedelta(hours=24)


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


class UploadCache:
    def __init__(self, directory: Path, files_base: str, scrub: Callable[[str], str],
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.directory = directory
        self.files_base = files_base
        self.scrub = scrub
        self.now = now

    def _entry(self, digest: str) -> Path:
        name = hashlib.sha256(f"{self.files_base}\n{digest}".encode()).hexdigest()
        return self.directory / f"{name}.json"

    def get(self, digest: str) -> dict[str, Any] | None:
        """The stored upload answer (``file_url``, ``expires_at``) while it may still be used."""
        try:
            fd = os.open(self._entry(digest), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as handle:
                data = json.loads(handle.read(65536).decode("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("file_url"), str):
            return None
        expires = _parse_time(data.get("expires_at"))
        if expires is None or expires - REUSE_MARGIN <= self.now():
            return None
        return data

    def put(self, digest: str, answer: dict[str, Any]) -> None:
        from vidlint.core.paths import replace_file

        url = str(answer["file_url"])
        if self.scrub(url) != url:
            return  # a URL that holds the key is never written anywhere
        expires = _parse_time(answer.get("expires_at")) or self.now() + ASSUMED_LIFETIME
        entry = {"file_url": url, "expires_at": expires.isoformat()}
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            replace_file(self._entry(digest), json.dumps(entry).encode("utf-8"))  # a private mkstemp file
        except OSError:
            pass  # no cache: the next submit uploads again
