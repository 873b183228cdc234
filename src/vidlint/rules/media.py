"""VL6xx: a probed asset against the model's documented media limits (``media.<kind>``,
``media_overrides``), and the totals over a request's assets. Each per-asset code is one
rule (stage ``media``) over an :class:`AssetContext` whose ``limits`` are the asset's own;
totals are stage ``facts``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import urlsplit

from vidlint.rules.registry import Finding, RequestContext, rule

if TYPE_CHECKING:
    from vidlint.check.assets import AssetContext
    from vidlint.probe.model import MediaProbe

# ---------------------------------------------------------------------------------------------
# VL6xx: documented media limits
# ---------------------------------------------------------------------------------------------

_EXTENSION_FORMATS = {
    "jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg", "jfif": "jpeg", "png": "png", "bmp": "bmp",
    "dib": "bmp", "webp": "webp", "heic": "heic", "heif": "heif", "avif": "avif", "gif": "gif", "tif": "tiff", "tiff": "tiff", "mp4": "mp4",
    "m4v": "mp4", "mov": "mov", "qt": "mov", "webm": "webm", "mkv": "mkv", "avi": "avi",
    "wav": "wav", "wave": "wav", "mp3": "mp3", "ogg": "ogg", "oga": "ogg", "opus": "ogg",
    "flac": "flac", "m4a": "m4a", "aac": "aac",
}


def _extension_format(ctx: AssetContext) -> tuple[str, str | None]:
    """The extension of the name the service will see, and the format it implies."""
    name = urlsplit(ctx.ref.value).path if ctx.resolution.how in ("mapped", "online") else ctx.ref.value
    suffix = os.path.splitext(name.rstrip("/"))[1].lstrip(".").lower()
    return suffix, _EXTENSION_FORMATS.get(suffix)


@rule("VL601", "asset-format", "error", stage="media", reads="media")
def asset_format_not_accepted(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's real format is not one the field accepts.

    Read from the file's bytes, not its extension. Accepted: images jpeg, png, bmp, webp;
    videos mp4, mov; audio (audio_urls, voice_bindings) wav, mp3. A GIF or TIFF image, a WebM
    renamed ``.mp4``, an Ogg or FLAC voice clip, and a file of the wrong kind (a video where
    an image is expected) are reported with the detected format named.

    Breaks it: ``"audio_urls": ["voice.ogg"]``.
    Fix: convert the file to an accepted format.
    """
    probe, kind = ctx.probe, ctx.ref.kind
    if probe is None:
        return
    accepted = [str(f) for f in ctx.limits.get("formats", [])]
    suffix, implied = _extension_format(ctx)
    named = f" (named .{suffix})" if suffix and implied != probe.format else ""
    if probe.kind != kind:
        yield ctx.finding(f"expected {_article(kind)} {kind} but the file is {_article(probe.kind)} "
                             f"{probe.kind} ({probe.format}){named}; accepted {kind} formats: "
                             f"{', '.join(accepted)}",
                             hint=f"reference {_article(kind)} {kind} file here")
    elif accepted and probe.format not in accepted:
        yield ctx.finding(f"{kind} format is {probe.format}{named}; accepted {kind} formats: "
                             f"{', '.join(accepted)}",
                             hint=f"convert it to {' or '.join(accepted[:2])}")


@rule("VL602", "asset-extension-mismatch", "warning", stage="media", reads="media")
def asset_extension_mismatch(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's extension names another format than its content.

    The content is in an accepted format, but the name says otherwise (a JPEG saved as
    ``.png``). Servers often go by the extension or the Content-Type it implies.

    Breaks it: a JPEG named ``photo.png``.
    Fix: rename the file to match its content.
    """
    probe = ctx.probe
    if probe is None:
        return
    suffix, implied = _extension_format(ctx)
    if (probe.kind == ctx.ref.kind and probe.format in ctx.limits.get("formats", [])
            and implied is not None and implied != probe.format):
        yield ctx.finding(f"named .{suffix} but the file is really {probe.format}",
                             hint=f"rename it with the .{_preferred_extension(probe.format)} extension")


def _dimension_detail(probe: MediaProbe) -> str:
    size = f"{probe.width}x{probe.height}"
    if probe.rotation in (90, 270):
        return f"{size} as displayed; stored {probe.stored_width}x{probe.stored_height}, rotated {probe.rotation}°"
    return size


def _range_rule(ctx: AssetContext, axis: str, value: int | None, noun: str) -> Iterator[Finding]:
    bounds = ctx.limits.get(axis)
    probe = ctx.probe
    if probe is None or value is None or not bounds or probe.kind != ctx.ref.kind:
        return
    low, high = bounds
    if not low <= value <= high:
        yield ctx.finding(f"{ctx.ref.kind} {noun} is {value} px ({_dimension_detail(probe)}); "
                                   f"the limit is {low}..{high} px",
                             hint=f"resize it so that both sides are within {low}..{high} px")


@rule("VL603", "asset-width", "error", stage="media", reads="media")
def asset_width_out_of_range(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's width is outside the documented range.

    Images 240..8000 px, videos 240..4096 px. The displayed width is checked: a video's
    rotation metadata is applied first.

    Breaks it: a 200x300 image.
    Fix: resize it.
    """
    if ctx.probe is not None:
        yield from _range_rule(ctx, "width", ctx.probe.width, "width")


@rule("VL604", "asset-height", "error", stage="media", reads="media")
def asset_height_out_of_range(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's height is outside the documented range.

    Images 240..8000 px, videos 240..4096 px. The displayed height is checked: a video's
    rotation metadata is applied first.

    Breaks it: a 160x120 video.
    Fix: resize it.
    """
    if ctx.probe is not None:
        yield from _range_rule(ctx, "height", ctx.probe.height, "height")


@rule("VL605", "asset-aspect-ratio", "error", stage="media", reads="media")
def asset_aspect_out_of_range(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's aspect ratio is outside 1:8..8:1.

    Applies to images and videos (width divided by height, as displayed).

    Breaks it: a 240x2000 image (1:8.33).
    Fix: crop or pad it to a less extreme shape.
    """
    probe, bounds = ctx.probe, ctx.limits.get("aspect")
    if probe is None or not bounds or not probe.width or not probe.height or probe.kind != ctx.ref.kind:
        return
    low, high = bounds
    ratio = probe.width / probe.height
    if not low <= ratio <= high:
        yield ctx.finding(f"{ctx.ref.kind} aspect ratio is {_ratio(ratio)} ({_dimension_detail(probe)}); "
                             f"the limit is {_ratio(low)}..{_ratio(high)}",
                             hint="crop or pad it to a less extreme shape")


@rule("VL606", "asset-duration", "error", stage="media", reads="media")
def asset_duration_out_of_range(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's duration is outside the documented range.

    Reference videos 1..30 s; voice clips (audio_urls, voice_bindings values) 1..10 s.

    Breaks it: a 31 s reference video (``video is 31.0 s; the limit is 1..30 s``).
    Fix: trim it (or use a longer clip when it is too short).
    """
    probe, bounds = ctx.probe, ctx.limits.get("duration")
    if probe is None or not bounds or probe.kind != ctx.ref.kind:
        return
    low, high = bounds
    if probe.duration is None:
        return
    if not low <= probe.duration <= high:
        yield ctx.finding(f"{ctx.ref.kind} is {_seconds(probe.duration)} s; the limit is "
                             f"{_number(low)}..{_number(high)} s",
                             hint=f"trim it to at most {_number(high)} s" if probe.duration > high
                             else f"use a clip of at least {_number(low)} s")


@rule("VL607", "asset-too-large", "error", stage="media", reads="media")
def asset_too_large(ctx: AssetContext) -> Iterator[Finding]:
    """The asset file is larger than the documented maximum.

    Images 20 MB, videos 100 MB, audio 15 MB, where MB = 1024 x 1024 bytes. Checked from the
    file size, whatever the format.

    Breaks it: a 21 MB JPEG.
    Fix: re-encode or downscale it.
    """
    probe, limit = ctx.probe, ctx.limits.get("max_bytes")
    if probe is None or probe.size is None or not limit:
        return
    if probe.size > limit:
        yield ctx.finding(f"file is {probe.size:,} bytes ({_mb(probe.size)}); the limit is "
                             f"{limit:,} bytes ({_mb(limit)})",
                             hint="re-encode or downscale it")


@rule("VL608", "image-transparency", "error", stage="media", reads="media")
def image_has_transparency(ctx: AssetContext) -> Iterator[Finding]:
    """The image has transparency, which the API does not accept.

    An alpha channel (RGBA, LA, PA modes; WebP alpha) or a PNG tRNS chunk that makes a colour
    or palette entry transparent. The documentation accepts PNG only without transparency.

    Breaks it: an RGBA PNG.
    Fix: flatten it onto an opaque background and save it without alpha.
    """
    probe = ctx.probe
    if (probe is None or ctx.limits.get("transparency", True) or probe.kind != "image"
            or ctx.ref.kind != "image" or not probe.has_alpha):
        return
    yield ctx.finding(f"{probe.format} image has transparency ({probe.alpha_source}); "
                         "transparent images are not accepted",
                         hint="flatten it onto an opaque background (save as RGB without alpha)")


@rule("VL609", "video-rotation", "info", stage="media", reads="media")
def video_rotation_applied(ctx: AssetContext) -> Iterator[Finding]:
    """The video carries rotation metadata; its displayed size is what vidlint checks.

    For 90 and 270 degrees width and height are swapped, as a player shows them.

    Breaks it: a 320x240 phone video stored with a 90 degree rotation (displays 240x320).
    Fix: nothing to fix; re-encode without rotation if the service shows it sideways.
    """
    probe = ctx.probe
    if probe is None or probe.kind != "video" or ctx.ref.kind != "video" or probe.rotation == 0:
        return
    yield ctx.finding(f"video is stored {probe.stored_width}x{probe.stored_height} with "
                         f"{probe.rotation}° rotation metadata; it displays as {probe.width}x{probe.height}")

# ---------------------------------------------------------------------------------------------
# formatting helpers
# ---------------------------------------------------------------------------------------------


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _preferred_extension(fmt: str | None) -> str:
    return {"jpeg": "jpg"}.get(fmt or "", fmt or "")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _seconds(value: float) -> str:
    text = f"{value:.1f}"
    if abs(float(text) - value) > 0.0005:
        text = f"{value:.3f}".rstrip("0")
    return text


def _ratio(value: float) -> str:
    if value >= 1:
        return f"{_trim(value)}:1"
    return f"1:{_trim(1 / value)}"


def _trim(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _mb(size: int) -> str:
    mb = size / (1024 * 1024)
    return f"{_trim(mb)} MB" if mb >= 0.01 else f"{size:,} bytes"

