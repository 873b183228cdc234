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
import stat
from pathlib import Path
from typing import Any

from vidlint.probe.core import PROBE_VERSION, STATS, probe_path, refuse_non_regular
from vidlint.probe.model import MediaProbe

CACHE_ENV = "VIDLINT_CACHE_DIR"

try:  # CPython's built-in SHA-256: the same digests as hashlib without loading OpenSSL (~4 ms)
    from _sha256 import sha256 as _sha256  # Python <= 3.11
except ImportError:
    try:
        from _sha2 import sha256 as _sha256  # Python >= 3.12
    except ImportError:
        from hashlib import sha256 as _sha256


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
        try:
            st = os.stat(absolute)  # one stat for the type check and the key (a warm run is all stats)
        except (OSError, ValueError):
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            refusal = refuse_non_regular(absolute)  # says why, in the probe's own words
            return refusal if refusal is not None else probe_path(absolute)
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
        return Path(self._entry_name(absolute))

    def _entry_name(self, absolute: str) -> str:
        digest = _sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self.directory, digest[:2], f"{digest}.json")

    def _read(self, key: tuple[str, int, int]) -> MediaProbe | None:
        try:
            with open(self._entry_name(key[0]), encoding="utf-8") as handle:
                data = json.loads(handle.read())
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
