"""``--fix-assets DIR``: compliant copies of local assets that break a media limit.

For each local asset with a finding of a media rule declared with a fix, a copy that keeps within the limits of its field
(its kind's ``media`` entry with ``media_overrides``) is written into DIR, then probed and
checked like any asset; only a copy that passes replaces the reference in the request (a path
relative to the request file). A copy that still fails is reported and not used. The original
is never touched. Copies are named after the original's content and the limits they were made
for, so a rerun reuses them instead of writing them again.

Images: Pillow (orientation applied, transparency flattened onto white, padded into the aspect
range, scaled into the pixel ranges, converted to an accepted format, re-encoded under the size
limit). Video and audio: PyAV (trimmed to the duration range, scaled, re-encoded as H.264/AAC in
MP4, or WAV/MP3 for audio), an optional extra: ``pip install 'vidlint[fix]'``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from vidlint.core.diagnostics import Diagnostic
from vidlint.core.records import Record

MISSING_AV = "video and audio copies need PyAV: pip install 'vidlint[fix]'"
MB = 1_000_000  # the stricter reading of the documented "MB": a copy must pass both (VL607, VL610)
# Seconds a copy stays under a maximum duration: MP3 and AAC encoders add up to ~0.25 s of
# priming and padding to what they are given, which probes count.
DURATION_MARGIN = 0.3


class RepairError(Exception):
    """A copy that cannot be made or does not pass; the message is one line."""


class AssetCopy(Record):
    """One compliant copy: the original's ``source`` path, the copy's ``path``, what to show
    (``display``), what was done (``summary``) and whether an earlier run had made it (``reused``)."""

    source: str
    path: str  # where it is now (with --diff, a temporary file)
    target: str  # where the request will find it
    display: str
    summary: str
    reused: bool = False


def repair_assets(source: Any, data: bytes, diagnostics: list[Diagnostic], options: Any, outcome: Any) -> bytes:
    """``data`` with each repairable asset pointed at its compliant copy; copies and problems
    go into ``outcome`` (a vidlint.fix.FixOutcome)."""
    from vidlint.check.assets import AssetRef, limits_for, resolve
    from vidlint.check.pipeline import select_profile
    from vidlint.core.pointers import match_pattern, pattern_matches
    from vidlint.fix import UNSAFE, Fix, apply_fixes, place_fix
    from vidlint.fix.ops import ReplaceValue
    from vidlint.load import load_source
    from vidlint.rules.registry import RULES

    wanted: dict[tuple[int | None, str], list[str]] = {}
    for d in diagnostics:
        declared = RULES.get(d.code)
        if declared is not None and declared.stage == "media" and declared.fix:  # a copy can repair it
            wanted.setdefault((d.record, d.pointer), []).append(d.code)
    if not wanted:
        return data
    loaded = load_source(source, data)
    documents = {doc.record: doc for doc in loaded.documents}
    base_dir = source.path.parent
    fixes: list[Fix] = []
    codes_of: dict[int, list[str]] = {}
    for (record, pointer), codes in wanted.items():
        document = documents.get(record)
        request = document.value if document is not None else None
        if document is None or not isinstance(request, dict):
            continue
        profile, _ = select_profile(request)
        if profile is None:
            continue
        kind = next((k for pattern, k in (profile.meta.get("assets") or {}).items() if pattern_matches(pattern, pointer)), None)
        value = next((v for p, v in match_pattern(request, pointer) if p == pointer), None)
        if kind is None or not isinstance(value, str):
            continue
        if kind == "document":
            outcome.problems.append(f"{source.display}: {value}: vidlint does not convert documents")
            continue
        resolution = resolve(value, base_dir, list(options.assets.asset_maps))
        where = f"{source.display}: {value}"
        if resolution.how != "local" or resolution.path is None:
            outcome.problems.append(f"{where}: not a local file; vidlint copies only local assets")
            continue
        ref = AssetRef(pointer, value, kind)
        limits = limits_for(ref, (profile.meta.get("media") or {}).get(kind) or {}, profile.meta.get("media_overrides") or [], request)
        copy = None
        try:
            copy = make_copy(Path(resolution.path), kind, limits, options.fix.assets_dir, options.fix.write)
            check_copy(copy, ref, limits, profile.meta, options)
        except RepairError as exc:
            outcome.problems.append(f"{where}: no compliant copy: {exc}")
            continue
        finally:
            if copy is not None and not options.fix.write:  # --diff: it was made only to be probed
                os.unlink(copy.path)
                os.rmdir(os.path.dirname(copy.path))
        outcome.copies.append(copy)
        relative = Path(os.path.relpath(copy.target, base_dir)).as_posix()
        fix = place_fix(Fix(f"use the compliant copy {relative}", (ReplaceValue(pointer, relative),), UNSAFE), document)
        if fix.edits:
            fixes.append(fix)
            codes_of[id(fix)] = codes
    if not fixes:
        return data
    bom = data.startswith(b"\xef\xbb\xbf")
    text, taken = apply_fixes(data[3:].decode("utf-8") if bom else data.decode("utf-8"), fixes)
    for fix in taken:
        for code in codes_of[id(fix)]:
            outcome.applied[code] += 1
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def check_copy(copy: AssetCopy, ref: Any, limits: dict[str, Any], meta: dict[str, Any], options: Any) -> None:
    """Probe the copy and hold it against the same limits; RepairError with what still fails."""
    from vidlint.check.assets import AssetContext, Resolution
    from vidlint.probe.core import probe_path
    from vidlint.rules.registry import run_stage

    probe = probe_path(copy.path)
    if not probe.ok:
        raise RepairError(f"the copy {copy.display} cannot be read back: {probe.error or 'unrecognised'}")
    ctx = AssetContext(ref, Resolution("local", path=copy.path), limits, probe)
    found = [d for d in run_stage("media", ctx, meta) if d.severity.label != "info"]
    if found:
        if options.fix.write and not copy.reused:  # a copy that fails is not left to be reused
            os.unlink(copy.path)
        raise RepairError(f"the copy still fails: {found[0].code} {found[0].message}")


# --- making a copy -----------------------------------------------------------------------------


def make_copy(original: Path, kind: str, limits: dict[str, Any], folder: Path, write: bool) -> AssetCopy:
    """The compliant copy of ``original`` in ``folder`` (made now, or found from an earlier run).
    Without ``write`` (``--diff``) it is made in a temporary folder, to be probed, and removed."""
    try:
        content = original.read_bytes()
    except OSError as exc:
        raise RepairError(f"cannot read it: {exc.strerror or exc}") from None
    recipe = json.dumps({k: v for k, v in limits.items() if k != "why_of"}, sort_keys=True)
    digest = hashlib.sha256(content + b"\0" + kind.encode() + recipe.encode()).hexdigest()[:16]
    maker = _image_copy if kind == "image" else _av_copy
    if write:
        folder = _own_folder(folder)
        for existing in folder.glob(f"{original.stem}-{digest}.*"):
            info = os.lstat(existing)
            if stat.S_ISREG(info.st_mode) and not existing.name.startswith("."):
                return AssetCopy(str(original), str(existing), str(existing), _shown(existing),
                                 "reused from an earlier run", True)
        scratch = Path(tempfile.mkdtemp(prefix=".vidlint-", dir=folder))
    else:
        scratch = Path(tempfile.mkdtemp(prefix="vidlint-fix-"))
    try:
        made, suffix, summary = maker(original, content, limits, scratch)
        target = folder / f"{original.stem}-{digest}{suffix}"
        if not write:
            kept = Path(tempfile.mkdtemp(prefix="vidlint-fix-")) / target.name
            os.replace(made, kept)
            return AssetCopy(str(original), str(kept), str(target), _shown(target), summary)
        try:
            os.link(made, target)  # never replaces a file (or a link) already there
        except FileExistsError:
            raise RepairError(f"{_shown(target)} exists and is not a copy vidlint can reuse") from None
        return AssetCopy(str(original), str(target), str(target), _shown(target), summary)
    finally:
        for leftover in scratch.iterdir():
            leftover.unlink()
        scratch.rmdir()


def _shown(path: Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _own_folder(folder: Path) -> Path:
    """``folder``, made if missing; RepairError when it is a symbolic link or not a folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError as exc:
        raise RepairError(f"cannot make {folder}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise RepairError(f"{folder} is not a folder (vidlint does not write through symbolic links)")
    return folder


# --- images (Pillow) ----------------------------------------------------------------------------

_PIL_FORMATS = {"jpeg": ("JPEG", ".jpg"), "png": ("PNG", ".png"), "webp": ("WEBP", ".webp"), "bmp": ("BMP", ".bmp")}


def _image_copy(original: Path, content: bytes, limits: dict[str, Any], scratch: Path) -> tuple[Path, str, str]:
    import io

    from PIL import Image, ImageOps

    done: list[str] = []
    try:
        image: Image.Image = Image.open(io.BytesIO(content))
        image.load()
        source_format = (image.format or "").lower()
        image = ImageOps.exif_transpose(image)
    except Exception as exc:  # noqa: BLE001 - any decoder failure is one line
        raise RepairError(f"Pillow cannot read it: {exc}") from None
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha and limits.get("transparency") is False:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image, has_alpha = flat, False
        done.append("flattened transparency onto white")
    elif image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if has_alpha else "RGB")
    image = _pad_to_aspect(image, limits.get("aspect"), done)
    scale = _scale_for(image.width, image.height, limits)
    if scale != 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
        done.append(f"scaled to {size[0]}x{size[1]}")
    formats = limits.get("formats") or list(_PIL_FORMATS)
    choices = [f for f in ([source_format] if source_format in formats else []) + ["jpeg", "png", "webp"]
               if f in formats and f in _PIL_FORMATS and not (has_alpha and f == "jpeg")]
    if not choices:
        raise RepairError(f"none of the accepted formats ({', '.join(formats)}) can be written")
    limit = limits.get("max_mb")
    budget = int(limit * MB) if limit else None
    for attempt in range(12):
        for name in dict.fromkeys(choices):
            encoded = _encode(image, name, quality=90 - 10 * min(attempt, 5))
            if budget is None or len(encoded) <= budget:
                if name != source_format:
                    done.append(f"converted to {name}")
                pil_name, suffix = _PIL_FORMATS[name]
                made = scratch / f"copy{suffix}"
                made.write_bytes(encoded)
                return made, suffix, ", ".join(done) or "re-encoded"
        if attempt >= 5:  # lower quality did not do it: smaller, within the minimum sizes
            smaller = _scale_for(image.width * 0.8, image.height * 0.8, limits) * 0.8
            if round(image.width * smaller) < (limits.get("width") or [1])[0]:
                break
            image = image.resize((round(image.width * smaller), round(image.height * smaller)), Image.Resampling.LANCZOS)
            done.append(f"scaled to {image.width}x{image.height} for size")
    raise RepairError(f"no encoding fits in {limit} MB")


def _encode(image: Any, name: str, quality: int) -> bytes:
    import io

    buffer = io.BytesIO()
    pil_name = _PIL_FORMATS[name][0]
    if pil_name == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True)
    elif pil_name == "WEBP":
        image.save(buffer, "WEBP", quality=quality)
    elif pil_name == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.convert("RGB").save(buffer, pil_name)
    return buffer.getvalue()


def _pad_to_aspect(image: Any, aspect: list[float] | None, done: list[str]) -> Any:
    """Pad with white so that width / height is within ``aspect`` (the whole picture is kept)."""
    from PIL import Image

    if not aspect:
        return image
    low, high = aspect
    ratio = image.width / image.height
    if low <= ratio <= high:
        return image
    if ratio > high:
        size = (image.width, math.ceil(image.width / high))
    else:
        size = (math.ceil(image.height * low), image.height)
    padded = Image.new(image.mode, size, "white" if image.mode in ("RGB", "L") else (255, 255, 255, 0))
    padded.paste(image, ((size[0] - image.width) // 2, (size[1] - image.height) // 2))
    done.append(f"padded to {size[0]}x{size[1]}")
    return padded


def _scale_for(width: float, height: float, limits: dict[str, Any]) -> float:
    """The factor that brings width, height and area within their ranges (1 when they are)."""
    largest, smallest = math.inf, 0.0
    for key, size in (("width", width), ("height", height)):
        if limits.get(key):
            low, high = limits[key]
            largest, smallest = min(largest, high / size), max(smallest, low / size)
    if limits.get("frame_pixels"):
        low, high = limits["frame_pixels"]
        largest, smallest = min(largest, math.sqrt(high / (width * height))), max(smallest, math.sqrt(low / (width * height)))
    if largest < 1:
        return largest * 0.999 if largest * 0.999 >= smallest else largest
    if smallest > 1:
        return min(smallest * 1.001, largest)
    return 1.0


# --- video and audio (PyAV) ---------------------------------------------------------------------


def _av_copy(original: Path, content: bytes, limits: dict[str, Any], scratch: Path) -> tuple[Path, str, str]:
    try:
        import av
    except ImportError:
        raise RepairError(MISSING_AV) from None
    try:
        with av.open(str(original)) as source:
            if source.streams.video:
                return _transcode_video(av, source, limits, scratch)
            if source.streams.audio:
                return _transcode_audio(av, source, limits, scratch)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise RepairError(f"cannot transcode it: {exc}") from None
    raise RepairError("it has no video or audio stream")


def _longest(limits: dict[str, Any]) -> float | None:
    bounds = limits.get("duration")
    return bounds[1] - DURATION_MARGIN if bounds else None


def _transcode_video(av: Any, source: Any, limits: dict[str, Any], scratch: Path) -> tuple[Path, str, str]:
    from fractions import Fraction

    done = []
    made = scratch / "copy.mp4"
    video_in = source.streams.video[0]
    audio_in = source.streams.audio[0] if source.streams.audio else None
    width, height = video_in.codec_context.width, video_in.codec_context.height
    scale = _scale_for(width, height, limits)
    out_w, out_h = max(2, round(width * scale) // 2 * 2), max(2, round(height * scale) // 2 * 2)
    if (out_w, out_h) != (width, height):
        done.append(f"scaled to {out_w}x{out_h}")
    rate = video_in.average_rate or Fraction(24)
    fps = limits.get("fps")
    if fps and not fps[0] <= float(rate) <= fps[1]:
        rate = Fraction(fps[1]).limit_denominator(1001) if float(rate) > fps[1] else Fraction(fps[0]).limit_denominator(1001)
        done.append(f"{float(rate):g} fps")
    longest = _longest(limits)
    with av.open(str(made), "w", format="mp4") as out:
        video_out = out.add_stream("libx264", rate=rate)
        video_out.width, video_out.height, video_out.pix_fmt = out_w, out_h, "yuv420p"
        audio_out = out.add_stream("aac", rate=audio_in.codec_context.sample_rate or 44100) if audio_in else None
        streams = [s for s in (video_in, audio_in) if s is not None]
        frames = 0
        for frame in source.decode(*streams):
            seconds = float(frame.time) if frame.time is not None else 0.0
            if longest is not None and seconds >= longest:
                continue
            if isinstance(frame, av.VideoFrame):
                picture = frame.reformat(width=out_w, height=out_h, format="yuv420p")
                picture.pts, picture.time_base = frames, 1 / rate
                frames += 1
                out.mux(video_out.encode(picture))
            elif audio_out is not None:
                frame.pts = None
                out.mux(audio_out.encode(frame))
        out.mux(video_out.encode(None))
        if audio_out is not None:
            out.mux(audio_out.encode(None))
    if longest is not None and source.duration and source.duration / 1_000_000 > longest:
        done.append(f"trimmed to {longest:g} s")
    done.append("re-encoded as H.264" + ("/AAC" if audio_in else "") + " in MP4")
    return made, ".mp4", ", ".join(done)


def _transcode_audio(av: Any, source: Any, limits: dict[str, Any], scratch: Path) -> tuple[Path, str, str]:
    formats = limits.get("formats") or ["wav"]
    codecs = limits.get("audio_codecs")
    if "mp3" in formats and (not codecs or "mp3" in codecs):
        suffix, container, codec = ".mp3", "mp3", "libmp3lame"
    elif "wav" in formats and (not codecs or "pcm" in codecs):
        suffix, container, codec = ".wav", "wav", "pcm_s16le"
    else:
        raise RepairError(f"none of the accepted audio formats ({', '.join(formats)}) can be written")
    made = scratch / f"copy{suffix}"
    audio_in = source.streams.audio[0]
    longest = _longest(limits)
    rate = audio_in.codec_context.sample_rate or 44100
    with av.open(str(made), "w", format=container) as out:
        audio_out = out.add_stream(codec, rate=rate)
        kept = 0
        for frame in source.decode(audio_in):
            if longest is not None and (kept + frame.samples) / rate > longest:
                break  # whole frames only: a frame is a few dozen milliseconds
            frame.pts = None
            kept += frame.samples
            out.mux(audio_out.encode(frame))
        out.mux(audio_out.encode(None))
    done = [f"trimmed to {kept / rate:.2f} s"] if source.duration and source.duration / 1_000_000 > kept / rate + 0.05 else []
    done.append(f"re-encoded as {container.upper()}")
    return made, suffix, ", ".join(done)
