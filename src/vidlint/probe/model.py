"""What a probe found out about one media file."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

MediaKind = Literal["image", "video", "audio", "unknown"]
KINDS: tuple[str, ...] = ("image", "video", "audio", "unknown")
# missing: no such path; not_file: directory, FIFO, device...; unreadable: the OS refused;
# empty: zero bytes; corrupt: bytes present but not a readable image, video or audio file.
FAILURES: tuple[str, ...] = ("missing", "not_file", "unreadable", "empty", "corrupt")


@dataclass
class MediaProbe:
    """Facts read from a file's bytes, never from its name.

    ``format`` is the container as a short lowercase name (jpeg, png, webp, mp4, mov, webm,
    wav, mp3, ogg, ...); ``codec`` the main stream's codec when there is one. ``width`` and
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

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "MediaProbe":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("kind") not in KINDS:
            raise ValueError(f"bad kind {values.get('kind')!r}")
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
