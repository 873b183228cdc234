"""VL6xx: a probed asset against the model's documented media limits (``media.<kind>``,
``media_overrides``), and the totals over a request's assets. Each per-asset code is one
rule (stage ``media``) over an :class:`AssetContext` whose ``limits`` are the asset's own;
totals are stage ``facts``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import urlsplit

from vidlint.core.wording import number
from vidlint.rules.registry import Finding, RequestContext, rule

MB, MIB = 1000 * 1000, 1024 * 1024  # the two readings of the documentation's "MB"
# Encoder padding: an MP3 or AAC frame or two of silence (an MP3 frame is 26 ms at 44.1 kHz).
PADDING_SECONDS = 0.06

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
    # documents (vidlint.probe.document names them so)
    "pdf": "pdf", "doc": "doc", "docx": "docx", "xls": "xls", "xlsx": "xlsx", "ppt": "ppt", "pptx": "pptx",
    "key": "key", "pages": "pages", "numbers": "numbers", "txt": "txt", "text": "txt", "md": "md", "markdown": "md",
    "zip": "zip",
}


# HEIC is HEIF with HEVC images: .heif and .heic name the same kind of file, either way round.
_HEIF = {"heic", "heif"}


def _extension_format(ctx: AssetContext) -> tuple[str, str | None]:
    """The extension of the name the service will see, and the format it implies."""
    name = urlsplit(ctx.ref.value).path if ctx.resolution.how in ("mapped", "online") else ctx.ref.value
    suffix = os.path.splitext(name.rstrip("/"))[1].lstrip(".").lower()
    return suffix, _EXTENSION_FORMATS.get(suffix)


@rule("VL601", "asset-format", "error", stage="media", reads="media.*.formats", fix="unsafe")
def asset_format_not_accepted(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's real format is not one the field accepts.

    Read from the file's bytes, not its extension, against the model's ``formats`` for the
    field's kind. A GIF or TIFF image, a WebM renamed ``.mp4``, an Ogg or FLAC voice clip, and
    a file of the wrong kind (a video where an image is expected) are reported with the
    detected format named.

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


@rule("VL602", "asset-extension-mismatch", "warning", stage="media", reads="media.*.formats", fix="unsafe")
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
            and implied is not None and implied != probe.format and {implied, probe.format} != _HEIF):
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
    if not _inside(value, bounds):
        yield ctx.finding(f"{ctx.ref.kind} {noun} is {value} px ({_dimension_detail(probe)}); "
                                   f"the limit is {_span(bounds)} px{ctx.why(axis)}",
                             hint=f"resize it so that both sides are {_span(bounds, within=True)} px")


@rule("VL603", "asset-width", "error", stage="media", reads="media.*.width", fix="unsafe")
def asset_width_out_of_range(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's width is outside the documented range.

    The displayed width is checked (a video's rotation metadata is applied first) against the
    model's ``width`` range for the kind.

    Breaks it: a 200x300 image for a model whose images are at least 240 px wide.
    Fix: resize it.
    """
    if ctx.probe is not None:
        yield from _range_rule(ctx, "width", ctx.probe.width, "width")


@rule("VL604", "asset-height", "error", stage="media", reads="media.*.height", fix="unsafe")
def asset_height_out_of_range(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's height is outside the documented range.

    The displayed height is checked (a video's rotation metadata is applied first) against
    the model's ``height`` range for the kind.

    Breaks it: a 160x120 video for a model whose videos are at least 240 px high.
    Fix: resize it.
    """
    if ctx.probe is not None:
        yield from _range_rule(ctx, "height", ctx.probe.height, "height")


@rule("VL605", "asset-aspect-ratio", "error", stage="media", reads="media.*.aspect", fix="unsafe")
def asset_aspect_out_of_range(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's aspect ratio is outside the model's range.

    Width divided by height, as displayed, against the model's ``aspect`` range for the kind.
    The ratio is printed with as many decimals as it takes to differ from the limit it
    breaks (240x1921 is ``1:8.004``, not ``1:8``).

    Breaks it: a 240x2000 image (1:8.33) where the limit is 1:8..8:1.
    Fix: crop or pad it to a less extreme shape.
    """
    probe, bounds = ctx.probe, ctx.limits.get("aspect")
    if probe is None or not bounds or not probe.width or not probe.height or probe.kind != ctx.ref.kind:
        return
    ratio = probe.width / probe.height
    if not _inside(ratio, bounds):
        low, high = bounds
        limit = low if low is not None and ratio < low else high
        yield ctx.finding(f"{ctx.ref.kind} aspect ratio is {_ratio(ratio, limit)} ({_dimension_detail(probe)}); "
                             f"the limit is {_span(bounds, _ratio)}",
                             hint="crop or pad it to a less extreme shape")


@rule("VL606", "asset-duration", "error", stage="media", reads="media.*.duration", fix="unsafe")
def asset_duration_out_of_range(ctx: AssetContext) -> Iterator[Finding]:
    """The asset's duration is outside the documented range.

    Against the model's ``duration`` range for the kind, or a ``media_overrides`` entry for
    this asset (the first video of an edit; a range that depends on another field). A file
    at most 60 ms over the maximum is VL612 (encoder padding), a warning.

    Breaks it: a 31 s reference video (``video is 31.0 s; the limit is 1..30 s``).
    Fix: trim it (or use a longer clip when it is too short).
    """
    probe, bounds = ctx.probe, ctx.limits.get("duration")
    if probe is None or not bounds or probe.kind != ctx.ref.kind:
        return
    low, high = bounds
    if probe.duration is None:
        return
    if high is not None and high < probe.duration <= high + PADDING_SECONDS:
        return  # VL612: over by encoder padding only
    if not _inside(probe.duration, bounds):
        yield ctx.finding(f"{ctx.ref.kind} is {number(probe.duration, 1)} s; the limit is "
                             f"{_span(bounds)} s{ctx.why('duration')}",
                             hint=f"trim it to at most {number(high)} s" if high is not None and probe.duration > high
                             else f"use a clip of at least {number(low)} s")


@rule("VL607", "asset-too-large", "error", stage="media", reads="media.*.max_mb", fix="unsafe")
def asset_too_large(ctx: AssetContext) -> Iterator[Finding]:
    """The asset file is larger than the documented maximum, however "MB" is read.

    Against the model's ``max_mb`` for the kind. The documentation does not say whether a MB
    is 1,000,000 or 1,048,576 bytes; this error is for a file larger than the binary reading
    (20 MB = 20,971,520 bytes), which no reading allows. A file between the two readings is
    VL610, a warning. Checked from the file size, whatever the format; the message gives the
    size in both units.

    Breaks it: a 21 MiB JPEG where the limit is 20 MB.
    Fix: re-encode or downscale it.
    """
    probe, limit = ctx.probe, ctx.limits.get("max_mb")
    if probe is None or probe.size is None or not limit:
        return
    if probe.size > limit * MIB:
        yield ctx.finding(f"file is {_both_mb(probe.size)}; the limit is {number(limit)} MB, at most "
                          f"{number(limit * MIB)} bytes even if a MB is 1,048,576 bytes",
                          hint=f"re-encode or downscale it to at most {number(limit * MB)} bytes "
                               f"({number(limit)} MB in either reading)")


@rule("VL608", "image-transparency", "error", stage="media", reads="media.*.transparency", fix="unsafe")
def image_has_transparency(ctx: AssetContext) -> Iterator[Finding]:
    """The image has transparency, which the API does not accept.

    An alpha channel (RGBA, LA, PA modes; WebP alpha) or a PNG tRNS chunk that makes a colour
    or palette entry transparent, for a kind whose ``transparency`` is false.

    Decided by the alpha values: an RGBA or LA PNG whose every pixel is opaque has no
    transparency and passes. The documentation names PNG ("PNG (transparency not
    supported)"); a transparent WebP or BMP is VL611, a warning.

    Breaks it: an RGBA PNG with a transparent background.
    Fix: flatten it onto an opaque background and save it without alpha.
    """
    probe = ctx.probe
    if _transparent_image(ctx) and probe is not None and probe.format == "png":
        yield ctx.finding(f"{probe.format} image has transparency ({probe.alpha_source}); "
                          "transparent images are not accepted",
                          hint="flatten it onto an opaque background (save as RGB without alpha)")


def _transparent_image(ctx: AssetContext) -> bool:
    probe = ctx.probe
    return (probe is not None and not ctx.limits.get("transparency", True) and probe.kind == "image"
            and ctx.ref.kind == "image" and bool(probe.has_alpha))


@rule("VL610", "asset-size-ambiguous", "warning", stage="media", reads="media.*.max_mb", fix="unsafe")
def asset_size_ambiguous(ctx: AssetContext) -> Iterator[Finding]:
    """The asset file is over the documented maximum in one reading of MB only.

    Over it if a MB is 1,000,000 bytes, within it if a MB is 1,048,576. The documentation gives
    sizes in "MB" (the model's ``max_mb``) without saying which reading the server applies. A
    file between the two readings may be refused; above the binary reading it is VL607, an
    error.

    Breaks it: a 20,500,000-byte image where the limit is 20 MB.
    Fix: re-encode it to at most 20,000,000 bytes to be safe under either reading.
    """
    probe, limit = ctx.probe, ctx.limits.get("max_mb")
    if probe is None or probe.size is None or not limit:
        return
    if limit * MB < probe.size <= limit * MIB:
        yield ctx.finding(f"file is {_both_mb(probe.size)}: over the {number(limit)} MB limit if a MB is "
                          f"1,000,000 bytes ({number(limit * MB)}), within it if a MB is 1,048,576 bytes "
                          f"({number(limit * MIB)}); the documentation does not say which",
                          hint=f"re-encode it to at most {number(limit * MB)} bytes to be safe")


@rule("VL611", "image-transparency-other-format", "warning", stage="media", reads="media.*.transparency", fix="unsafe")
def image_transparency_other_format(ctx: AssetContext) -> Iterator[Finding]:
    """A WebP (or BMP) image has transparency; the documentation forbids it for PNG only.

    "JPEG, JPG, PNG (transparency not supported), BMP, WEBP": the note is attached to PNG, so
    whether a transparent WebP is refused or flattened onto some background is not said.

    Breaks it: a WebP with a transparent background.
    Fix: flatten it onto the background you want, so the result does not depend on the server.
    """
    probe = ctx.probe
    if _transparent_image(ctx) and probe is not None and probe.format != "png":
        yield ctx.finding(f"{probe.format} image has transparency ({probe.alpha_source}); the documentation "
                          "refuses transparency in PNG and does not say what happens to it in "
                          f"{probe.format}",
                          hint="flatten it onto an opaque background to be sure of the result")


@rule("VL612", "duration-padding", "warning", stage="media", reads="media.*.duration", fix="unsafe")
def duration_padding(ctx: AssetContext) -> Iterator[Finding]:
    """The asset is over its maximum duration by at most 60 ms: encoder padding.

    MP3 and AAC encoders add a frame or two of silence (an MP3 made from 10.000 s of audio
    reads 10.03 s), so a clip cut to exactly the limit often measures a little over it.
    Whether the server rounds that away is not documented; more than 60 ms over is VL606.

    Breaks it: a 10.03 s voice clip (limit 10 s).
    Fix: trim it a little shorter (``ffmpeg -i in.mp3 -t 9.95 out.mp3``).
    """
    probe, bounds = ctx.probe, ctx.limits.get("duration")
    if probe is None or not bounds or probe.kind != ctx.ref.kind or probe.duration is None:
        return
    high = bounds[1]
    if high is not None and high < probe.duration <= high + PADDING_SECONDS:
        over = round((probe.duration - high) * 1000)
        yield ctx.finding(f"{ctx.ref.kind} is {number(probe.duration, 1)} s, {over} ms over the {number(high)} s "
                          "limit: encoder padding, which the server may or may not round away",
                          hint=f"trim it to {number(high)} s or a little less "
                               f"(e.g. ffmpeg -i IN -t {number(high - 0.05)} OUT)")


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

@rule("VL614", "video-frame-rate", "error", stage="media", reads="media.*.fps", fix="unsafe")
def video_frame_rate(ctx: AssetContext) -> Iterator[Finding]:
    """The video's frame rate is outside the model's range.

    Read from the file (MediaInfo's frame rate of the video stream) against the model's
    ``fps`` range for videos. Screen recordings at 10 or 15 fps and slow-motion clips at 120
    fps are the usual cases.

    Breaks it: a 10 fps clip where the model takes 24..60 fps.
    Fix: re-encode it at a frame rate inside the range (``ffmpeg -i in.mp4 -r 30 out.mp4``).
    """
    probe, bounds = ctx.probe, ctx.limits.get("fps")
    if probe is None or not bounds or probe.kind != "video" or probe.fps is None:
        return
    low, high = bounds
    if not _inside(probe.fps, bounds):
        target = low if low is not None and probe.fps < low else high
        yield ctx.finding(f"video frame rate is {number(probe.fps)} fps; the limit is {_span(bounds)} fps"
                          f"{ctx.why('fps')}", hint=f"re-encode it at {number(target)} fps")


@rule("VL615", "video-codec", "error", stage="media", reads="media.*.video_codecs", fix="unsafe")
def video_codec_not_accepted(ctx: AssetContext) -> Iterator[Finding]:
    """The video stream's codec is not one the model accepts.

    The container can be right (mp4, mov) while the codec inside is not: an mp4 of AV1 or
    VP9, a mov of ProRes. Checked against the model's ``video_codecs``.

    Breaks it: a VP9 mp4 where the model takes h264 or hevc.
    Fix: re-encode the video stream (``ffmpeg -i in.mp4 -c:v libx264 -c:a copy out.mp4``).
    """
    probe, accepted = ctx.probe, ctx.limits.get("video_codecs")
    if probe is None or not accepted or probe.kind != "video" or not probe.codec:
        return
    if probe.codec not in accepted:
        yield ctx.finding(f"video codec is {probe.codec}; accepted: {', '.join(accepted)}{ctx.why('video_codecs')}",
                          hint=f"re-encode the video stream as {accepted[0]}")


@rule("VL616", "audio-codec", "error", stage="media", reads="media.*.audio_codecs", fix="unsafe")
def audio_codec_not_accepted(ctx: AssetContext) -> Iterator[Finding]:
    """An audio file's codec, or the codec of a video's audio track, is not one the model accepts.

    Checked against the model's ``audio_codecs`` for the kind: for a video, its first audio
    track (an mp4 with Opus sound where the model takes AAC or MP3); for an audio file, its
    codec.

    Breaks it: an mp4 whose audio track is Opus where the model takes aac or mp3.
    Fix: re-encode the audio (``ffmpeg -i in.mp4 -c:v copy -c:a aac out.mp4``).
    """
    probe, accepted = ctx.probe, ctx.limits.get("audio_codecs")
    if probe is None or not accepted or probe.kind != ctx.ref.kind or not probe.audio_codec:
        return
    if probe.audio_codec not in accepted:
        what = "the audio track's codec" if probe.kind == "video" else "audio codec"
        yield ctx.finding(f"{what} is {probe.audio_codec}; accepted: {', '.join(accepted)}{ctx.why('audio_codecs')}",
                          hint=f"re-encode the audio as {accepted[0]}")


@rule("VL617", "frame-pixels", "error", stage="media", reads="media.*.frame_pixels", fix="unsafe")
def frame_pixels_out_of_range(ctx: AssetContext) -> Iterator[Finding]:
    """The frame's area (width x height) is outside the model's range.

    Some models bound the number of pixels of a frame rather than each side: 640x640 is the
    smallest and 2206x946 the largest video frame of one model, both about the same area
    range. Checked against the model's ``frame_pixels`` for the kind.

    Breaks it: a 480x480 video (230,400 pixels) where at least 409,600 are needed.
    Fix: scale it so that width x height is inside the range.
    """
    probe, bounds = ctx.probe, ctx.limits.get("frame_pixels")
    if probe is None or not bounds or probe.kind != ctx.ref.kind or not probe.width or not probe.height:
        return
    low, high = bounds
    area = probe.width * probe.height
    if not _inside(area, bounds):
        yield ctx.finding(f"{ctx.ref.kind} frame is {probe.width}x{probe.height} = {number(area)} pixels; the limit is "
                          f"{_span(bounds, lambda n: f'{number(n)}')} pixels{ctx.why('frame_pixels')}",
                          hint="scale it up" if low is not None and area < low else "scale it down")


@rule("VL618", "document-pages", "error", stage="media", reads="media.*.pages")
def document_pages(ctx: AssetContext) -> Iterator[Finding]:
    """The reference document has more pages than the model reads.

    Against the model's ``pages`` range for documents (wan3.0 ``model_params.file_url``: at most
    50). Read for a PDF from its page tree in the first or last MiB of the file, and for a docx
    (pages) or pptx (slides) from the count the application wrote when it last saved the file
    (``docProps/app.xml``). A PDF whose page tree is compressed, a file without that count, and
    the other formats (doc, xlsx, key, txt, ...) are not counted: the check stays silent for them.

    Breaks it: a 51-page PDF as ``model_params.file_url``.
    Fix: split the document, or keep the pages the video needs.
    """
    probe, bounds = ctx.probe, ctx.limits.get("pages")
    if probe is None or not bounds or probe.kind != "document" or probe.pages is None:
        return
    if not _inside(probe.pages, bounds):
        low, high = bounds
        yield ctx.finding(f"document has {number(probe.pages)} pages; the limit is {_span(bounds)} pages{ctx.why('pages')}",
                          hint=f"split it, or keep at most {number(high)} pages" if high is not None and probe.pages > high
                          else f"use a document of at least {number(low)} pages")


@rule("VL613", "total-duration", "error", stage="facts", reads="media.*.total_duration")
def total_duration(ctx: RequestContext) -> Iterator[Finding]:
    """The durations of all assets of one kind in the request add up to more than allowed.

    Some models cap the sum over every reference video (or audio clip) of a request, besides
    each clip's own range. Checked against the model's ``total_duration`` for the kind from
    the probed lengths; assets that could not be probed count as 0, so the sum is a lower bound.

    Breaks it: two 9 s reference videos where the total is at most 15 s.
    Fix: trim the clips, or drop one.
    """
    for kind, limits in (ctx.meta.get("media") or {}).items():
        cap = limits.get("total_duration") if isinstance(limits, dict) else None
        if not isinstance(cap, (int, float)):
            continue
        total, unknown = 0.0, 0
        for asset in ctx.facts.get("assets") or []:
            if asset.get("kind") != kind:
                continue
            probe = asset.get("probe") or {}
            if probe.get("error") is None and probe.get("kind") == kind and isinstance(probe.get("duration"), (int, float)):
                total += probe["duration"]
                if total > cap:
                    lower = f" at least (and {unknown} not probed)" if unknown else ""
                    yield Finding(asset["pointer"], f"the {kind} assets add up to{lower} {number(total, 1)} s with this "
                                  f"one; together at most {number(cap)} s are allowed",
                                  f"trim the {kind} clips by {number(total - cap, 1)} s, or drop one")
                    break
            else:
                unknown += 1


# ---------------------------------------------------------------------------------------------
# formatting helpers
# ---------------------------------------------------------------------------------------------


def _inside(value: float, bounds: Any) -> bool:
    """Whether ``value`` is within ``[low, high]``; a ``null`` bound is open (the docs state none)."""
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


def _span(bounds: Any, show: Any = None, within: bool = False) -> str:
    """``300..2160``, ``at least 300`` or ``at most 30`` (``within``: ``within 300..2160``)."""
    show = show or number
    low, high = bounds
    if low is not None and high is not None:
        shown = show(low) if low == high else f"{show(low)}..{show(high)}"  # never 1..1
        return f"{'within ' if within else ''}{shown}"
    return f"at least {show(low)}" if low is not None else f"at most {show(high)}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _preferred_extension(fmt: str | None) -> str:
    return {"jpeg": "jpg"}.get(fmt or "", fmt or "")


def _ratio(value: float, differ_from: float | None = None) -> str:
    """``8.33:1`` or ``1:8.33``; with ``differ_from`` (the limit it breaks), as many decimals
    as it takes not to print the same text as that limit."""
    for places in range(2, 7):
        text = f"{_trim(value, places)}:1" if value >= 1 else f"1:{_trim(1 / value, places)}"
        if differ_from is None or text != _ratio(differ_from):
            return text
    return text


def _trim(value: float, places: int = 2) -> str:
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def _both_mb(size: int) -> str:
    """``20,500,000 bytes (20.5 MB, 19.55 MiB)``: both readings of a documented MB."""
    return f"{number(size)} bytes ({_trim(size / MB)} MB, {_trim(size / MIB)} MiB)"
