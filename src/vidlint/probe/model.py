"""What a probe found out about one media file."""

from __future__ import annotations

from typing import Any, Literal

from vidlint.core.records import Record, field

MediaKind = Literal["image", "video", "audio", "document", "unknown"]
KINDS: tuple[str, ...] = ("image", "video", "audio", "document", "unknown")
# missing: no such path; not_file: directory, FIFO, device...; unreadable: the OS refused;
# empty: zero bytes; corrupt: bytes present but not a readable image, video or audio file.
FAILURES: tuple[str, ...] = ("missing", "not_file", "unreadable", "empty", "corrupt")


class MediaProbe(Record):
    """Facts read from a file's bytes, never from its name.

    ``format`` is the container as a short lowercase name (jpeg, png, webp, heic, heif, mp4,
    mov, webm, wav, mp3, ogg, ...); ``codec`` the main stream's codec when there is one (a
    video's video codec: h264, hevc, ...); ``audio_codec`` an audio file's codec or the codec
    of a video's first audio track (aac, mp3, opus, pcm, ...); ``fps`` a video's frame rate; ``pages``
    a document's page count when it could be read (:mod:`vidlint.probe.document`). ``width`` and
    ``height`` are the displayed size, i.e. after ``rotation`` (0/90/180/270 degrees, as the file stores it)
    is applied; ``stored_width``/``stored_height`` are the coded size. ``duration`` is in
    seconds. ``error`` is set when the file could not be read or recognised; the other fields
    then hold whatever was learned before the failure, and ``failure`` classifies it as one of
    ``FAILURES``.
    """

    kind: MediaKind = "unknown"
    format: str | None = None
    codec: str | None = None
    width: int | None = None
    height: int | None = None
    stored_width: int | None = None
    stored_height: int | None = None
    rotation: int = 0
    duration: float | None = None
    size: int | None = None
    has_alpha: bool | None = None
    alpha_source: str | None = None
    has_audio: bool | None = None
    truncated: bool = False
    error: str | None = None
    failure: str | None = None
    notes: list[str] = field(default_factory=list)
    fps: float | None = None
    audio_codec: str | None = None
    pages: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "MediaProbe":
        """The probe ``to_json`` wrote; ValueError for anything else (a cache entry edited by
        hand, or written by another version): every field must have its own type."""
        if not isinstance(data, dict):
            raise ValueError("a probe is a JSON object")
        values = {k: v for k, v in data.items() if k in _FIELD_NAMES}
        if values.get("kind") not in KINDS:
            raise ValueError(f"bad kind {values.get('kind')!r}")
        if values.get("failure") not in (None, *FAILURES) or values.get("rotation", 0) not in (0, 90, 180, 270):
            raise ValueError("bad failure or rotation")
        for name, value in values.items():
            if not _FIELD_TYPES[name](value):
                raise ValueError(f"bad {name} {value!r}")
        values["notes"] = list(values.get("notes") or [])
        return cls(**values)

    def fail(self, failure: str, error: str) -> "MediaProbe":
        self.failure, self.error = failure, error
        return self

    def set_stored_size(self, width: int | None, height: int | None, rotation: int = 0) -> None:
        self.stored_width, self.stored_height = width, height
        self.rotation = rotation % 360
        if self.rotation in (90, 270):
            self.width, self.height = height, width
        else:
            self.width, self.height = width, height


_FIELD_NAMES: tuple[str, ...] = MediaProbe.__slots__


def _text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _count(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


def _flag(value: Any) -> bool:
    return value is None or isinstance(value, bool)


def _seconds(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                             and 0 <= value < float("inf"))


_FIELD_TYPES = {
    "kind": _text, "format": _text, "codec": _text, "alpha_source": _text, "error": _text, "failure": _text,
    "width": _count, "height": _count, "stored_width": _count, "stored_height": _count, "size": _count,
    "rotation": _count, "duration": _seconds, "has_alpha": _flag, "has_audio": _flag,
    "truncated": lambda value: isinstance(value, bool),
    "notes": lambda value: value is None or (isinstance(value, list) and all(isinstance(n, str) for n in value)),
    "fps": _seconds, "audio_codec": _text, "pages": _count,
}


class ProbeStats:
    """Counts of this process's probes: ``performed`` read media bytes, ``cached`` did not.
    (Here, not in ``probe.core``: a run that probes nothing reads them without importing the
    probes' code, ~2.5 ms.)"""

    def __init__(self) -> None:
        self.performed = 0
        self.cached = 0

    def to_json(self) -> dict[str, int]:
        return {"performed": self.performed, "cached": self.cached}

    def reset(self) -> None:
        self.performed = self.cached = 0


STATS = ProbeStats()
