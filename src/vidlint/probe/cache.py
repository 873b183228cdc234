"""On-disk probe cache: one JSON file per probed path, replaced atomically, plus one index
per media folder so that a warm run reads one file per folder instead of one per asset.

An entry is valid only while the file's absolute path, size and modification time (ns) and
the probe version all match, so an edited file is probed again. Two processes writing the
same entry at once each write a private temporary file and ``os.replace`` it into place: a
reader sees one complete entry or the other, never a mix. Any cache problem (unwritable
directory, corrupt entry) degrades to probing, never to an error.

The folder index (``dirs/<checksum of the folder>.json``: file name -> size, mtime, probe)
only speeds reading up: the per-path entries stay the record. ``flush`` merges what this
process learned into the indexes of the folders it touched, read-merge-replace under a lock
file, so concurrent runs add up instead of overwriting each other.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from vidlint.probe.core import PROBE_VERSION, STATS, probe_path, refuse_non_regular
from vidlint.probe.model import MediaProbe
from vidlint.core.paths import cache_folder, locked, replace_file

try:  # CPython's built-in SHA-256: the same digests as hashlib without loading OpenSSL (~4 ms)
    from _sha256 import sha256 as _sha256  # Python <= 3.11
except ImportError:
    try:
        from _sha2 import sha256 as _sha256  # Python >= 3.12
    except ImportError:
        from hashlib import sha256 as _sha256


# (absolute path, size, mtime_ns, ctime_ns, inode): all from one stat call
CacheKey = tuple[str, int, int, int, int]


class ProbeCache:
    """Probes local files, remembering results on disk (unless disabled) and for this process."""

    def __init__(self, directory: Path | None = None, enabled: bool = True) -> None:
        self.enabled = enabled
        self._root = directory
        self._memory: dict[CacheKey, MediaProbe] = {}
        self._indexes: dict[str, dict[str, Any]] = {}  # folder -> its index's entries (read once)
        self._learned: dict[str, dict[str, Any]] = {}  # folder -> entries its index lacks

    @property
    def directory(self) -> Path:
        if self._root is None:
            self._root = cache_folder()
        return self._root / "probes"

    def probe(self, path: str | os.PathLike[str]) -> MediaProbe:
        return self._look_up(path, probe_new=True)  # type: ignore[return-value]

    def known(self, path: str | os.PathLike[str]) -> MediaProbe | None:
        """What the cache knows about ``path`` without opening the file (None: it would have
        to be probed); a path that is not a regular file is answered, which costs a stat."""
        return self._look_up(path, probe_new=False)

    def _look_up(self, path: str | os.PathLike[str], probe_new: bool) -> MediaProbe | None:
        absolute = os.path.abspath(path)
        try:
            st = os.stat(absolute)  # one stat for the type check and the key (a warm run is all stats)
        except (OSError, ValueError):
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            refusal = refuse_non_regular(Path(absolute))  # says why, in the probe's own words
            return refusal if refusal is not None else probe_path(Path(absolute))
        # Everything this one stat says about the file's content: a file rewritten in place with
        # its mtime put back still gets a new ctime, and a file replaced by another a new inode.
        key = (absolute, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        remembered = self._memory.get(key)
        if remembered is not None:
            STATS.cached += 1
            return remembered
        if self.enabled:
            stored = self._indexed(key)
            if stored is None:
                stored = self._read(key)
                if stored is not None:
                    self._learn(key, stored)
            if stored is not None:
                STATS.cached += 1
                self._memory[key] = stored
                return stored
        if not probe_new:
            return None
        probe = probe_path(Path(absolute))
        if probe.failure in (None, "empty", "corrupt"):  # facts about the bytes, not the moment
            self._memory[key] = probe
            if self.enabled:
                self._write(key, probe)
                self._learn(key, probe)
        return probe

    def flush(self) -> None:
        """Add what this process learned to the folder indexes (call when a run ends)."""
        learned, self._learned = self._learned, {}
        for folder, entries in learned.items():
            path = self._index_name(folder)
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
                with os.fdopen(fd, "rb") as lock, locked(lock.fileno()):
                    # Entries of files that are gone are dropped, so an index cannot outgrow its folder.
                    merged = {name: entry for name, entry in self._load_index(folder).items()
                              if name not in entries and os.path.lexists(os.path.join(folder, name))}
                    merged.update(entries)
                    _replace_json(path, {"version": PROBE_VERSION, "folder": folder, "entries": merged})
            except OSError:
                continue  # an index is only a speed-up

    def _indexed(self, key: CacheKey) -> MediaProbe | None:
        folder, name = os.path.split(key[0])
        index = self._indexes.get(folder)
        if index is None:
            index = self._indexes[folder] = self._load_index(folder)
        entry = index.get(name)
        if not (isinstance(entry, list) and len(entry) == 5 and entry[:4] == list(key[1:])):
            return None
        try:
            return MediaProbe.from_json(entry[4])
        except (ValueError, TypeError, AttributeError):
            return None

    def _learn(self, key: CacheKey, probe: MediaProbe) -> None:
        folder, name = os.path.split(key[0])
        self._learned.setdefault(folder, {})[name] = [*key[1:], probe.to_json()]

    def _index_name(self, folder: str) -> str:
        digest = _sha256(folder.encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self.directory, "dirs", f"{digest}.json")

    def _load_index(self, folder: str) -> dict[str, Any]:
        try:
            with open(self._index_name(folder), encoding="utf-8") as handle:
                data = json.loads(handle.read())
        except (OSError, ValueError):
            return {}
        if not (isinstance(data, dict) and data.get("version") == PROBE_VERSION and data.get("folder") == folder
                and isinstance(data.get("entries"), dict)):
            return {}
        return data["entries"]

    def entry_path(self, absolute: str) -> Path:
        return Path(self._entry_name(absolute))

    def _entry_name(self, absolute: str) -> str:
        digest = _sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self.directory, digest[:2], f"{digest}.json")

    def _read(self, key: CacheKey) -> MediaProbe | None:
        try:
            with open(self._entry_name(key[0]), encoding="utf-8") as handle:
                data = json.loads(handle.read())
            if (data.get("version"), data.get("path"), data.get("size"), data.get("mtime_ns"),
                    data.get("ctime_ns"), data.get("inode")) != (PROBE_VERSION, *key):
                return None
            return MediaProbe.from_json(data["probe"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _write(self, key: CacheKey, probe: MediaProbe) -> None:
        entry: dict[str, Any] = {"version": PROBE_VERSION, "path": key[0], "size": key[1], "mtime_ns": key[2],
                                 "ctime_ns": key[3], "inode": key[4], "probe": probe.to_json()}
        target = self._entry_name(key[0])
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _replace_json(target, entry)
        except OSError:
            pass


def _replace_json(target: str, data: Any) -> None:
    replace_file(target, json.dumps(data, separators=(",", ":")).encode("utf-8"), prefix=".probe-")
