"""Video and audio probing with pymediainfo (its wheel bundles libmediainfo)."""

from __future__ import annotations

from typing import Any, BinaryIO

from vidlint.probe.model import MediaProbe

# MediaInfo "Format" of the General track -> vidlint's short container name.
_CONTAINERS = {
    "mpeg-4": "mp4", "quicktime": "mov", "webm": "webm", "matroska": "mkv", "wave": "wav",
    "wave64": "wav", "rf64": "wav", "ogg": "ogg", "flac": "flac", "adts": "aac", "avi": "avi",
    "flash video": "flv", "mpeg-ts": "ts", "mpeg-ps": "mpeg", "aiff": "aiff", "amr": "amr",
    "windows media": "wmv", "3gpp": "3gp", "dv": "dv", "ac-3": "ac3", "e-ac-3": "eac3",
    "opus": "opus", "monkey's audio": "ape", "wavpack": "wv", "midi": "midi",
}
# ISO base media brands that are not plain mp4.
_MP4_BRANDS = {"qt": "mov", "m4a": "m4a", "m4b": "m4a", "m4v": "mp4", "3gp4": "3gp", "3gp5": "3gp",
               "3gp6": "3gp", "3g2a": "3g2", "heic": "heic", "mif1": "heif", "avif": "avif"}
_CODECS = {
    "avc": "h264", "hevc": "hevc", "vp8": "vp8", "vp9": "vp9", "av1": "av1", "mpeg-4 visual": "mpeg4",
    "prores": "prores", "mpeg video": "mpeg2", "pcm": "pcm", "aac": "aac", "vorbis": "vorbis",
    "opus": "opus", "flac": "flac", "ac-3": "ac3", "e-ac-3": "eac3", "alac": "alac",
}


# Image containers of the ISO base media family that MediaInfo reads and Pillow does not.
STILL_CONTAINERS = ("heic", "heif", "avif")


# MediaInfo reads a few hundred kilobytes of a real file, but scans all of one it cannot
# recognise; this bounds that scan (and the download, when the stream is a remote file).
READ_BUDGET = 16 * 1024 * 1024


class _BudgetedReader:
    """Ends the stream early (EOF) once ``budget`` bytes have been read; seeking is free."""

    def __init__(self, stream: BinaryIO, budget: int) -> None:
        self._stream, self.remaining = stream, budget
        self.exhausted = False

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self.remaining:
            size = self.remaining
        data = self._stream.read(size) if size > 0 else b""
        self.remaining -= len(data)
        if self.remaining <= 0:
            self.exhausted = True
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()


def probe_av(stream: BinaryIO, size: int, budget: int = READ_BUDGET) -> MediaProbe:
    from pymediainfo import MediaInfo

    probe = MediaProbe(size=size)
    stream.seek(0)
    reader = _BudgetedReader(stream, budget)
    try:
        info = MediaInfo.parse(reader)
    except OSError as exc:
        if exc.errno is not None:  # the stream itself failed: not a fact about the file
            raise
        probe.fail("corrupt", f"MediaInfo could not read the file: {' '.join(str(exc).split())}")
        return probe
    except Exception as exc:  # the native library can fail in ways we cannot enumerate
        probe.fail("corrupt", f"MediaInfo could not read the file: {' '.join(str(exc).split())}")
        return probe
    general = info.general_tracks[0] if info.general_tracks else None
    videos, audios, images = info.video_tracks, info.audio_tracks, info.image_tracks
    if general is not None:
        probe.format = _container(general, audios)
        probe.truncated = str(general.to_data().get("istruncated", "")).lower() == "yes"
        probe.duration = _seconds(general.duration)
    probe.has_audio = bool(audios)
    if audios:
        probe.audio_codec = _codec(audios[0].format)
    if videos:
        video = videos[0]
        probe.kind = "video"
        probe.codec = _codec(video.format)
        rotation = _rotation(video.rotation)
        probe.set_stored_size(_int(video.width), _int(video.height), rotation)
        probe.duration = probe.duration or _seconds(video.duration)
        probe.fps = _fps(video.frame_rate)
        if probe.width is None or probe.height is None:
            probe.notes.append("MediaInfo reported no frame size")
    elif audios:
        audio = audios[0]
        probe.kind = "audio"
        probe.codec = _codec(audio.format)
        probe.duration = probe.duration or _seconds(audio.duration)
    elif images:
        probe.kind = "image"
        if probe.format in STILL_CONTAINERS:  # HEIC/HEIF/AVIF stills: Pillow cannot read them, MediaInfo can
            probe.codec = _codec(images[0].format)
            probe.set_stored_size(_int(images[0].width), _int(images[0].height), _rotation(images[0].rotation))
    else:
        probe.kind = "unknown"
        if reader.exhausted:
            probe.notes.append(f"MediaInfo found nothing in the first {budget // (1024 * 1024)} MB")
        if probe.format:
            what = f"a {probe.format} file with no video or audio track"
            probe.fail("corrupt", what + (" (the file is truncated)" if probe.truncated else ""))
        else:
            probe.fail("corrupt", "not a recognised image, video or audio file")
    return probe


def _container(general: Any, audios: list[Any]) -> str | None:
    name = (general.format or "").strip()
    if not name:
        return None
    key = name.lower()
    if key == "mpeg-4":
        brand = (general.codec_id or "").strip().lower()
        if brand in _MP4_BRANDS:
            return _MP4_BRANDS[brand]
        if (general.format_profile or "").lower() == "quicktime":
            return "mov"
        return "mp4"
    if key == "mpeg audio":
        layer = (audios[0].format_profile or "") if audios else ""
        return {"layer 2": "mp2", "layer 1": "mp1"}.get(layer.lower(), "mp3")
    return _CONTAINERS.get(key, key.replace(" ", "-"))


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    key = name.strip().lower()
    if key == "mpeg audio":
        return "mp3"
    return _CODECS.get(key, key.replace(" ", "-"))


def _fps(value: Any) -> float | None:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        return None
    return round(rate, 3) if rate > 0 else None


def _seconds(value: Any) -> float | None:
    try:
        ms = float(value)
    except (TypeError, ValueError):
        return None
    return round(ms / 1000.0, 3) if ms >= 0 else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rotation(value: Any) -> int:
    try:
        return int(round(float(value))) % 360
    except (TypeError, ValueError):
        return 0
