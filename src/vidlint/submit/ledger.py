"""The submission ledger: one JSON object per line, appended and fsynced per event.

Each submission attempt gets an ``attempt`` id; its events carry the request key (sha256 of
the normalised request), the task id once known, and the status after the event. Reading folds
the events into one :class:`Attempt` per attempt id. A torn last line (the process was killed
mid-write) is skipped when reading and fenced off with a newline before the next append.
The ledger never holds the API key: events are built from explicit fields only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

LEDGER_VERSION = 1

# sending: the create call is about to go out (a crash right after leaves the outcome unknown).
LIVE = ("sending", "unknown", "pending", "processing")
TERMINAL = ("completed", "failed", "cancelled", "rejected")
BLOCKS_RESUBMIT = ("sending", "unknown", "pending", "processing", "completed")


def _canonical_value(value: Any) -> Any:
    """JSON as the server reads it: 5 and 5.0 are one number; key order never matters."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical_value(v) for v in value]
    return value


def normalise_request(request: dict[str, Any], defaults: Mapping[str, Any] | None = None) -> str:
    """Canonical JSON of the request as the server sees it: sorted keys, no whitespace, integral
    numbers written one way, ``$schema`` (an editor hint) dropped, and top-level fields equal to
    their documented default (``defaults``: from the model schema's ``default`` values) dropped."""
    defaults = defaults or {}
    body = {}
    for name, value in request.items():
        if name == "$schema":
            continue
        value = _canonical_value(value)
        if name in defaults and _same(value, _canonical_value(defaults[name])):
            continue
        body[name] = value
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b  # True is not 1


def request_key(request: dict[str, Any], defaults: Mapping[str, Any] | None = None) -> str:
    return hashlib.sha256(normalise_request(request, defaults).encode("utf-8")).hexdigest()


def new_attempt_id() -> str:
    return secrets.token_hex(6)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Attempt:
    attempt: str
    key: str
    request: str | None = None
    task_id: str | None = None
    status: str = "sending"
    progress: int | None = None
    results: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    note: str | None = None
    downloads: list[str] = field(default_factory=list)
    duration: float | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def live(self) -> bool:
        return self.status in LIVE

    def apply(self, event: dict[str, Any]) -> None:
        for name in ("request", "task_id", "status", "progress", "error", "note", "duration"):
            if name in event and event[name] is not None:
                setattr(self, name, event[name])
        if isinstance(event.get("results"), list):
            self.results = [str(r) for r in event["results"]]
        if isinstance(event.get("downloads"), list):
            self.downloads = [str(d) for d in event["downloads"]]
        self.created_at = self.created_at or event.get("time")
        self.updated_at = event.get("time") or self.updated_at


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def scrub_values(value: Any, scrub: Callable[[str], str]) -> Any:
    """``value`` with every string (keys included) passed through ``scrub``."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub(str(k)): scrub_values(v, scrub) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_values(v, scrub) for v in value]
    return value


def open_private(path: Path, flags: int) -> int:
    """Open (creating 0600) a file in a 0700 folder without following a symlink planted there."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        return os.open(path, flags | os.O_CREAT | _NOFOLLOW | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as exc:
        from vidlint.submit.config import SubmitError

        if path.is_symlink():
            raise SubmitError(f"{path} is a symlink; vidlint does not write through it (remove it)") from None
        raise SubmitError(f"cannot write {path}: {exc.strerror or exc}") from None


class Ledger:
    """``scrub`` is applied to every string of every event before it is written (whatever a
    server echoed, the key never reaches the file)."""

    def __init__(self, path: Path, scrub: Callable[[str], str] | None = None) -> None:
        self.path = path
        self.scrub = scrub or (lambda text: text)

    # -- writing ------------------------------------------------------------------------------
    def append(self, event: dict[str, Any]) -> dict[str, Any]:
        record = scrub_values({"v": LEDGER_VERSION, "time": now_iso(), **event}, self.scrub)
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        with os.fdopen(open_private(self.path, os.O_RDWR | os.O_APPEND), "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    # The previous writer died mid-line: fence the torn line off.
                    handle.write(b"\n")
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        return record

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive lock across processes for check-then-record (no-op where flock is missing)."""
        from vidlint.core.paths import locked

        lock_path = self.path.with_name(self.path.name + ".lock")
        with os.fdopen(open_private(lock_path, os.O_WRONLY | os.O_APPEND), "ab") as handle, locked(handle.fileno()):
            yield

    # -- reading ------------------------------------------------------------------------------
    def events(self) -> list[dict[str, Any]]:
        """All well-formed events; unreadable lines (a torn write) are skipped."""
        raw = self._read()
        events = []
        for line in raw.split(b"\n"):
            if not line.strip():
                continue
            try:
                event = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            if isinstance(event, dict) and isinstance(event.get("attempt"), str):
                events.append(event)
        return events

    def _read(self) -> bytes:
        """The ledger's bytes, read without following a symlink and only from a regular file."""
        from vidlint.submit.config import SubmitError

        try:
            fd = os.open(self.path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            return b""
        except OSError as exc:
            if self.path.is_symlink():
                raise SubmitError(f"{self.path} is a symlink; vidlint does not read or write through it "
                                  "(remove it)") from None
            raise SubmitError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise SubmitError(f"{self.path} is not a regular file")
            return handle.read()

    def attempts(self) -> list[Attempt]:
        by_id: dict[str, Attempt] = {}
        for event in self.events():
            attempt = by_id.get(event["attempt"])
            if attempt is None:
                attempt = by_id[event["attempt"]] = Attempt(event["attempt"], str(event.get("key", "")))
            attempt.apply(event)
        return list(by_id.values())

    def for_key(self, key: str) -> list[Attempt]:
        return [a for a in self.attempts() if a.key == key]

    def blocking(self, key: str) -> Attempt | None:
        """The latest attempt for this request that makes a resubmission a likely double payment."""
        blocking = [a for a in self.for_key(key) if a.status in BLOCKS_RESUBMIT]
        return blocking[-1] if blocking else None

    def for_task(self, task_id: str) -> Attempt | None:
        matches = [a for a in self.attempts() if a.task_id == task_id]
        return matches[-1] if matches else None

    def open_attempts(self) -> list[Attempt]:
        return [a for a in self.attempts() if a.live]
