"""Check a downloaded result: not empty, and as long as the request asked for."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Verification:
    path: Path
    size: int
    duration: float | None
    expected_duration: float | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def duration_tolerance(expected: float) -> float:
    return max(0.5, 0.05 * expected)


def probe_duration(path: Path) -> tuple[float | None, str | None]:
    """(duration in seconds, error) using vidlint's media probes.

    CALL SITE FOR THE LEAD: this prefers ``vidlint.probe.probe_path`` (branch ``probe``) and
    falls back to reading the mp4/mov ``mvhd`` box when that module is not there yet. Once the
    probe module is on main, the fallback can go.
    """
    try:
        from vidlint.probe import probe_path  # type: ignore[import-not-found, attr-defined]
    except ImportError:
        return mp4_duration(path)
    media = probe_path(path)
    error = getattr(media, "error", None)
    if error:
        return None, str(error)
    duration = getattr(media, "duration", None)
    return (float(duration) if duration is not None else None), None


def mp4_duration(path: Path) -> tuple[float | None, str | None]:
    """Duration from the ISO-BMFF movie header (moov/mvhd); enough to verify an mp4 result."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot read {path.name}: {exc.strerror}"
    moov = _find_box(data, 0, len(data), b"moov")
    if moov is None:
        return None, "not an mp4/mov file (no moov box)"
    mvhd = _find_box(data, moov[0], moov[1], b"mvhd")
    if mvhd is None:
        return None, "mp4 without a movie header (mvhd)"
    start = mvhd[0]
    version = data[start]
    try:
        if version == 1:
            timescale, duration = struct.unpack_from(">IQ", data, start + 4 + 16)
        else:
            timescale, duration = struct.unpack_from(">II", data, start + 4 + 8)
    except struct.error:
        return None, "truncated movie header"
    if timescale == 0:
        return None, "movie header with a zero timescale"
    return duration / timescale, None


def _find_box(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    """(payload start, payload end) of the first box of ``kind`` among siblings in [start, end)."""
    pos = start
    while pos + 8 <= end:
        size, box = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                return None
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return None
        if box == kind:
            return pos + header, min(pos + size, end)
        pos += size
    return None


def verify_download(path: Path, expected_duration: float | None) -> Verification:
    size = path.stat().st_size if path.exists() else 0
    if size == 0:
        return Verification(path, 0, None, expected_duration, "the downloaded file is empty")
    duration, error = probe_duration(path)
    if error:
        return Verification(path, size, None, expected_duration, f"cannot probe the result: {error}")
    result = Verification(path, size, duration, expected_duration)
    if expected_duration and duration is not None:
        if abs(duration - expected_duration) > duration_tolerance(expected_duration):
            result.problem = (f"the result is {duration:.2f} s long but the request asked for "
                              f"{expected_duration:g} s")
    return result
