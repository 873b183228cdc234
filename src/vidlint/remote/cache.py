"""Remote probe cache: probe results keyed by URI, with the validators to revalidate them.

One JSON file per URI under ``<cache dir>/remote/``, named by the URI's SHA-256 (the URI itself
is not stored: signed URLs carry credentials in their query string). An entry holds the probe
and the response's ``ETag`` / ``Last-Modified``; ``--online`` revalidates it with a conditional
request (304: reuse), ``--offline-cache`` uses it without any network. Writes go to a private
temporary file that is ``os.replace``d into place, so concurrent writers never mix entries, and
any cache problem degrades to probing again.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidlint.core.paths import cache_folder, replace_file

CACHE_FORMAT = 1


@dataclass
class CachedRemoteProbe:
    probe: Any  # vidlint.probe.MediaProbe
    etag: str | None
    last_modified: str | None
    size: int | None
    stored_at: float

    def validators(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class RemoteProbeCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or cache_folder("remote")

    def _path(self, uri: str) -> Path:
        return self.directory / (hashlib.sha256(uri.encode("utf-8")).hexdigest() + ".json")

    def get(self, uri: str) -> CachedRemoteProbe | None:
        from vidlint.probe import PROBE_VERSION, MediaProbe

        try:
            data = json.loads(self._path(uri).read_text(encoding="utf-8"))
            if data.get("format") != CACHE_FORMAT or data.get("probe_version") != PROBE_VERSION:
                return None
            return CachedRemoteProbe(
                probe=MediaProbe.from_json(data["probe"]),
                etag=data.get("etag"),
                last_modified=data.get("last_modified"),
                size=data.get("size"),
                stored_at=float(data.get("stored_at", 0)),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):  # any entry not as written: a miss
            return None

    def put(self, uri: str, probe: Any, etag: str | None, last_modified: str | None, size: int | None) -> None:
        from vidlint.probe import PROBE_VERSION

        entry = {
            "format": CACHE_FORMAT,
            "probe_version": PROBE_VERSION,
            "etag": etag,
            "last_modified": last_modified,
            "size": size,
            "stored_at": time.time(),
            "probe": probe.to_json(),
        }
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # private, like its 0600 entries
            replace_file(self._path(uri), json.dumps(entry).encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written only costs a probe next time
