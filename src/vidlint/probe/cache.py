"""On-disk probe cache: one JSON file per probed path, replaced atomically.

An entry is valid only while the file's absolute path, size and modification time (ns) and
the probe version all match, so an edited file is probed again. Two processes writing the
same entry at once each write a private temporary file and ``os.replace`` it into place: a
reader sees one complete entry or the other, never a mix. Any cache problem (unwritable
directory, corrupt entry) degrades to probing, never to an error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from vidlint.probe.core import PROBE_VERSION, STATS, probe_path, refuse_non_regular
from vidlint.probe.model import MediaProbe

CACHE_ENV = "VIDLINT_CACHE_DIR"


def default_cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("vidlint"))


class ProbeCache:
    """Probes local files, remembering results on disk (unless disabled) and for this process."""

    def __init__(self, directory: Path | None = None, enabled: bool = True) -> None:
        self.enabled = enabled
        self._root = directory
        self._memory: dict[tuple[str, int, int], MediaProbe] = {}

    @property
    def directory(self) -> Path:
        if self._root is None:
            self._root = default_cache_dir()
        return self._root / "probes"

    def probe(self, path: str | os.PathLike[str]) -> MediaProbe:
        absolute = Path(os.path.abspath(path))
        refusal = refuse_non_regular(absolute)
        if refusal is not None:
            return refusal
        try:
            st = absolute.stat()
        except OSError:
            return probe_path(absolute)  # vanished since: let the probe report it
        key = (str(absolute), st.st_size, st.st_mtime_ns)
        remembered = self._memory.get(key)
        if remembered is not None:
            STATS.cached += 1
            return remembered
        if self.enabled:
            stored = self._read(key)
            if stored is not None:
                STATS.cached += 1
                self._memory[key] = stored
                return stored
        probe = probe_path(absolute)
        if probe.failure in (None, "empty", "corrupt"):  # facts about the bytes, not the moment
            self._memory[key] = probe
            if self.enabled:
                self._write(key, probe)
        return probe

    def entry_path(self, absolute: str) -> Path:
        import hashlib

        digest = hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def _read(self, key: tuple[str, int, int]) -> MediaProbe | None:
        try:
            data = json.loads(self.entry_path(key[0]).read_text(encoding="utf-8"))
            if (data.get("version"), data.get("path"), data.get("size"), data.get("mtime_ns")) != (
                    PROBE_VERSION, *key):
                return None
            return MediaProbe.from_json(data["probe"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _write(self, key: tuple[str, int, int], probe: MediaProbe) -> None:
        entry: dict[str, Any] = {"version": PROBE_VERSION, "path": key[0], "size": key[1],
                                 "mtime_ns": key[2], "probe": probe.to_json()}
        import tempfile

        target = self.entry_path(key[0])
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".probe-", suffix=".tmp", dir=target.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(entry, out)
            os.replace(temp, target)
        except OSError:
            try:
                os.unlink(temp)
            except OSError:
                pass
