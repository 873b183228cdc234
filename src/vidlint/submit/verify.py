"""Check a downloaded result with vidlint's media probes: not empty, a video, as long as asked."""

from __future__ import annotations

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
    """(duration in seconds, error) from ``vidlint.probe``."""
    from vidlint.probe import probe_path

    media = probe_path(path)
    if media.error:
        return None, str(media.error)
    if getattr(media, "kind", "video") not in ("video", None):
        return None, f"not a video ({media.kind})"
    return (float(media.duration) if media.duration is not None else None), None


def verify_download(path: Path, expected_duration: float | None) -> Verification:
    size = path.stat().st_size if path.exists() else 0
    if size == 0:
        return Verification(path, 0, None, expected_duration, "the downloaded file is empty")
    duration, error = probe_duration(path)
    if error:
        return Verification(path, size, None, expected_duration, f"cannot probe the result: {error}")
    result = Verification(path, size, duration, expected_duration)
    if expected_duration and duration is not None and \
            abs(duration - expected_duration) > duration_tolerance(expected_duration):
        result.problem = (f"the result is {duration:.2f} s long but the request asked for "
                          f"{expected_duration:g} s")
    return result
