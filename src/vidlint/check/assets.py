"""Asset checks: find every image, video and voice clip a request references, probe it and
hold it against the model profile's media limits, without any network access.

Codes: VL5xx for finding and reading an asset, VL6xx for a limit it breaks. Each code is one
function below, registered with the core rule registry (kind ``asset``); its docstring is the
code's documentation.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from vidlint.check.rules.registry import rule as registry_rule
from vidlint.diagnostics import Diagnostic, Severity, match_pattern
from vidlint.probe.cache import ProbeCache
from vidlint.probe.model import MediaProbe
from vidlint.records import FrozenRecord, Record
from vidlint.check.wording import number

# ---------------------------------------------------------------------------------------------
# options and the objects rules look at
# ---------------------------------------------------------------------------------------------


class AssetOptions(Record):
    """``asset_maps``: (uri prefix, local mirror dir) pairs; the longest matching prefix wins.
    ``online``: a vidlint.remote.session.OnlineSession with --online / --offline-cache."""

    __slots__ = ("asset_maps", "no_cache", "cache", "online")

    def __init__(self, asset_maps: list[tuple[str, Path]] | None = None, no_cache: bool = False,
                 cache: ProbeCache | None = None, online: Any = None) -> None:
        self.asset_maps = [] if asset_maps is None else asset_maps
        self.no_cache = no_cache
        self.cache = cache
        self.online = online

    def probe_cache(self) -> ProbeCache:
        if self.cache is None:
            self.cache = ProbeCache(enabled=not self.no_cache)
        return self.cache


def parse_asset_map(text: str) -> tuple[str, Path]:
    """``URI_PREFIX=DIR`` -> (prefix, absolute dir); a relative DIR is taken from the current
    directory, as a shell user expects. Raises ValueError with a one-line reason."""
    prefix, sep, directory = text.rpartition("=")
    if not sep or not prefix or not directory:
        raise ValueError(f"asset map {text!r} is not URI_PREFIX=DIR")
    if "://" not in prefix:
        raise ValueError(f"asset map prefix {prefix!r} is not a uri (expected e.g. https://cdn.example.com/)")
    return prefix, Path(os.path.abspath(os.path.expanduser(directory)))  # Path.expanduser raises for ~nosuchuser


class AssetRef(FrozenRecord):
    """A reference to an asset; ``kind`` is what the request field expects: image | video | audio."""

    __slots__ = ("pointer", "value", "kind")

    def __init__(self, pointer: str, value: str, kind: str) -> None:
        self.pointer = pointer
        self.value = value
        self.kind = kind


class Resolution(Record):
    """Where an asset reference leads. ``how``: local | mapped | remote | invalid, or online
    (a remote asset probed over HTTP by ``--online`` / ``--offline-cache``). ``path`` and
    ``map_dir`` are normalised absolute paths."""

    __slots__ = ("how", "path", "scheme", "map_prefix", "map_dir", "reason")

    def __init__(self, how: str, path: str | None = None, scheme: str = "", map_prefix: str | None = None,
                 map_dir: str | None = None, reason: str | None = None) -> None:
        self.how = how
        self.path = path
        self.scheme = scheme
        self.map_prefix = map_prefix
        self.map_dir = map_dir
        self.reason = reason


class AssetContext(Record):
    """What the asset rules look at: the reference, where it led, the limits for its kind, the probe."""

    __slots__ = ("ref", "resolution", "limits", "probe")

    def __init__(self, ref: AssetRef, resolution: Resolution, limits: dict[str, Any],
                 probe: MediaProbe | None = None) -> None:
        self.ref = ref
        self.resolution = resolution
        self.limits = limits
        self.probe = probe

    @property
    def label(self) -> str:
        value = self.ref.value
        return value if len(value) <= 80 else value[:38] + "..." + value[-39:]

    def diagnostic(self, rule: "AssetRule", message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(code=rule.code, severity=rule.severity,  # type: ignore[attr-defined]
                          message=f"{self.label}: {message}", pointer=self.ref.pointer, hint=hint)


AssetRule = Callable[[AssetContext], Iterator[Diagnostic]]
RESOLUTION_RULES: list[AssetRule] = []
PROBE_RULES: list[AssetRule] = []
LIMIT_RULES: list[AssetRule] = []


def _rule(code: str, name: str, severity: str, phase: list[AssetRule]) -> Callable[[AssetRule], AssetRule]:
    """Register an asset rule with the core registry (code, docs, ``vidlint rules``) and in
    the phase of check_assets that runs it."""
    def register(function: AssetRule) -> AssetRule:
        registry_rule(code, name, severity, kind="asset", needs="assets")(function)
        function.severity = Severity.parse(severity)  # type: ignore[attr-defined]
        phase.append(function)
        return function

    return register


ALL_RULES = (RESOLUTION_RULES, PROBE_RULES, LIMIT_RULES)

MB, MIB = 1000 * 1000, 1024 * 1024  # the two readings of the documentation's "MB"
# Encoder padding: an MP3 or AAC frame or two of silence (an MP3 frame is 26 ms at 44.1 kHz).
PADDING_SECONDS = 0.06

# ---------------------------------------------------------------------------------------------
# finding the references and resolving them
# ---------------------------------------------------------------------------------------------


def iter_asset_refs(request: dict[str, Any], patterns: dict[str, str]) -> Iterator[AssetRef]:
    """Every non-blank string value matched by a pointer pattern (``*`` = any array index or object key)."""
    for pattern, kind in patterns.items():
        for pointer, value in match_pattern(request, pattern):
            if isinstance(value, str) and value.strip():
                yield AssetRef(pointer, value, kind)


def resolve(value: str, base_dir: Path | str, asset_maps: list[tuple[str, Path]]) -> Resolution:
    if "\x00" in value:
        return Resolution("invalid", reason="the reference contains a NUL character")
    if asset_maps:
        for prefix, directory in sorted(asset_maps, key=lambda pair: len(pair[0]), reverse=True):
            if value.startswith(prefix):
                return _resolve_mapped(value[len(prefix):], prefix, directory, base_dir)
    if ":" not in value:  # no scheme: a local path (the common case, without parsing a uri)
        return Resolution("local", path=_under(base_dir, os.path.expanduser(value)))
    if value.startswith(("https://", "http://")):  # the other common case
        return Resolution("remote", scheme=value[:value.index(":")])
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return Resolution("invalid", scheme=scheme,
                              reason=f"file uri names the host {parts.netloc!r}; only local files can be checked")
        return Resolution("local", path=_under(base_dir, unquote(parts.path)), scheme=scheme)
    if scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        return Resolution("remote", scheme=scheme)
    return Resolution("local", path=_under(base_dir, os.path.expanduser(value)))  # not Path.expanduser: it raises for ~nosuchuser


def _resolve_mapped(rest: str, prefix: str, directory: Path, base_dir: Path | str) -> Resolution:
    relative = unquote(rest.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
    root = _under(base_dir, os.fspath(directory))
    target = os.path.normpath(os.path.join(root, relative))
    if relative and os.path.commonpath([root, target]) != root:
        return Resolution("invalid", map_prefix=prefix, map_dir=root,
                          reason=f"the asset map {prefix} -> {directory} would lead outside {root}")
    return Resolution("mapped", path=target, map_prefix=prefix, map_dir=root)


def _under(base_dir: Path | str, path: str) -> str:
    # Lexical normalisation, as for a relative URI reference: "refs/../a.jpg" is "a.jpg".
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(base_dir, path))

# ---------------------------------------------------------------------------------------------
# VL5xx: resolution and probing
# ---------------------------------------------------------------------------------------------


@_rule("VL501", "local-asset", "info", RESOLUTION_RULES)
def local_asset_is_uploaded(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset is a local file, which the API cannot read: ``vidlint submit`` uploads it.

    A relative path or ``file://`` uri is resolved against the request file's folder. The
    API needs https uris; ``vidlint submit`` uploads local files and puts the uploaded uri in
    the request. vidlint still checks the file against every media limit.

    Breaks it: ``"image_urls": ["refs/ann.png"]``.
    Fix: nothing to fix; give an https uri instead if you submit the request another way.
    """
    if ctx.resolution.how == "local" and ctx.probe is not None and ctx.probe.failure not in ("missing", "not_file"):
        where = "" if ctx.resolution.path == ctx.ref.value else f" ({ctx.resolution.path})"
        yield ctx.diagnostic(local_asset_is_uploaded,
                             f"local file{where}; the API needs an https uri, so `vidlint submit` uploads it")


_UNVERIFIED = {"image": "format, size and dimensions", "video": "format, size, dimensions and duration",
               "audio": "format, size and duration"}


@_rule("VL502", "remote-asset-not-verified", "info", RESOLUTION_RULES)
def remote_asset_not_verified(ctx: AssetContext) -> Iterator[Diagnostic]:
    """A remote asset was not fetched, so its format, size and duration are unverified.

    vidlint never touches the network while linting. A uri that no ``--asset-map`` covers
    (https, http, s3, ...) is reported once per reference and left alone; cost estimates
    that need its duration are marked incomplete.

    Breaks it: ``"video_urls": ["https://cdn.example.com/clip.mp4"]`` without an asset map.
    Fix: ``--asset-map https://cdn.example.com/=./mirror`` with a local copy, or ``--online``.
    """
    if ctx.resolution.how == "remote":
        yield ctx.diagnostic(remote_asset_not_verified,
                             f"remote {ctx.ref.kind} ({ctx.resolution.scheme} uri) was not fetched, "
                             f"so its {_UNVERIFIED[ctx.ref.kind]} were not verified",
                             hint="map it to a local copy with --asset-map URI_PREFIX=DIR, "
                                  "or verify it online with --online")


@_rule("VL503", "asset-not-found", "error", PROBE_RULES)
def asset_not_found(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset's file does not exist.

    A relative path is resolved against the request file's folder. For a uri mapped with
    ``--asset-map``, the mirror folder must hold the file at the uri's relative path (query
    and fragment dropped, percent-escapes decoded).

    Breaks it: ``"image_urls": ["refs/missing.png"]``.
    Fix: correct the path, or copy the asset into the mirror folder.
    """
    if ctx.probe is None or ctx.probe.failure != "missing":
        return
    where = ctx.resolution.path
    if ctx.resolution.how == "mapped":
        yield ctx.diagnostic(asset_not_found,
                             f"mapped to {where} by the asset map {ctx.resolution.map_prefix}, "
                             "but that file does not exist",
                             hint=f"copy the asset into {ctx.resolution.map_dir}, or fix the uri")
    else:
        yield ctx.diagnostic(asset_not_found, f"{ctx.ref.kind} file not found: {where}",
                             hint="relative paths are resolved against the request file's folder")


@_rule("VL504", "asset-not-a-file", "error", PROBE_RULES)
def asset_not_a_file(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset path is a directory, FIFO, device or socket, not a file.

    vidlint checks the path's type before opening it and never opens such paths (reading a
    FIFO or a device could block or never end).

    Breaks it: ``"image_urls": ["refs/"]``.
    Fix: name the file itself.
    """
    if ctx.probe is not None and ctx.probe.failure == "not_file":
        yield ctx.diagnostic(asset_not_a_file, f"expected {_article(ctx.ref.kind)} {ctx.ref.kind} file: {ctx.probe.error}")


@_rule("VL505", "asset-unreadable", "error", PROBE_RULES)
def asset_unreadable(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset file exists but cannot be read.

    The operating system refused (permissions) or reading failed (an I/O error).

    Breaks it: a file with mode 000.
    Fix: make the file readable by the user running vidlint.
    """
    if ctx.probe is not None and ctx.probe.failure == "unreadable":
        yield ctx.diagnostic(asset_unreadable, ctx.probe.error or "cannot read the file")


@_rule("VL506", "asset-unrecognised", "error", PROBE_RULES)
def asset_unrecognised(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset file is empty, corrupt, or not an image, video or audio file.

    Judged by its bytes: the extension is never trusted. A file cut inside its own header
    lands here too.

    Breaks it: an empty ``photo.jpg``, or a text file named ``clip.mp4``.
    Fix: export or download the asset again.
    """
    if ctx.probe is not None and ctx.probe.failure in ("empty", "corrupt"):
        where = f" ({ctx.resolution.path})" if ctx.resolution.path is not None else ""
        yield ctx.diagnostic(asset_unrecognised, f"{ctx.probe.error}{where}")


@_rule("VL507", "asset-truncated", "error", PROBE_RULES)
def asset_truncated(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset file ends before its own headers say it should.

    Typical of a partial download or an interrupted copy: the header (size, duration) still
    reads, so the limits are checked, but the service would fail to decode the file. Images
    are checked for their end marker (PNG IEND, JPEG EOI, GIF trailer) or declared size
    (WebP, BMP); video and audio by MediaInfo.

    Breaks it: the first 3000 bytes of a PNG.
    Fix: download or copy the file again.
    """
    probe = ctx.probe
    if probe is not None and probe.truncated and probe.failure is None:
        yield ctx.diagnostic(asset_truncated,
                             f"{probe.format or ctx.ref.kind} file is truncated "
                             f"({number(probe.size)} bytes, shorter than its headers declare)",
                             hint="download or copy the file again")


@_rule("VL508", "asset-reference-unusable", "error", RESOLUTION_RULES)
def asset_uri_unusable(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset reference cannot name a file vidlint can check.

    A ``file://`` uri with a remote host (``file://server/share/a.png``), an asset-mapped
    uri whose path climbs out of the mirror folder with ``..``, or a value with a NUL
    character.

    Breaks it: ``"image_urls": ["file://fileserver/refs/a.png"]``.
    Fix: use a local path, or an https uri.
    """
    if ctx.resolution.how == "invalid":
        yield ctx.diagnostic(asset_uri_unusable, ctx.resolution.reason or "unusable asset reference")

# ---------------------------------------------------------------------------------------------
# VL6xx: documented media limits
# ---------------------------------------------------------------------------------------------

_EXTENSION_FORMATS = {
    "jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg", "jfif": "jpeg", "png": "png", "bmp": "bmp",
    "dib": "bmp", "webp": "webp", "gif": "gif", "tif": "tiff", "tiff": "tiff", "mp4": "mp4",
    "m4v": "mp4", "mov": "mov", "qt": "mov", "webm": "webm", "mkv": "mkv", "avi": "avi",
    "wav": "wav", "wave": "wav", "mp3": "mp3", "ogg": "ogg", "oga": "ogg", "opus": "ogg",
    "flac": "flac", "m4a": "m4a", "aac": "aac",
}


def _extension_format(ctx: AssetContext) -> tuple[str, str | None]:
    """The extension of the name the service will see, and the format it implies."""
    name = urlsplit(ctx.ref.value).path if ctx.resolution.how in ("mapped", "online") else ctx.ref.value
    suffix = os.path.splitext(name.rstrip("/"))[1].lstrip(".").lower()
    return suffix, _EXTENSION_FORMATS.get(suffix)


@_rule("VL601", "asset-format", "error", LIMIT_RULES)
def asset_format_not_accepted(ctx: AssetContext) -> Iterator[Diagnostic]:
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
        yield ctx.diagnostic(asset_format_not_accepted,
                             f"expected {_article(kind)} {kind} but the file is {_article(probe.kind)} "
                             f"{probe.kind} ({probe.format}){named}; accepted {kind} formats: "
                             f"{', '.join(accepted)}",
                             hint=f"reference {_article(kind)} {kind} file here")
    elif accepted and probe.format not in accepted:
        yield ctx.diagnostic(asset_format_not_accepted,
                             f"{kind} format is {probe.format}{named}; accepted {kind} formats: "
                             f"{', '.join(accepted)}",
                             hint=f"convert it to {' or '.join(accepted[:2])}")


@_rule("VL602", "asset-extension-mismatch", "warning", LIMIT_RULES)
def asset_extension_mismatch(ctx: AssetContext) -> Iterator[Diagnostic]:
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
        yield ctx.diagnostic(asset_extension_mismatch,
                             f"named .{suffix} but the file is really {probe.format}",
                             hint=f"rename it with the .{_preferred_extension(probe.format)} extension")


def _dimension_detail(probe: MediaProbe) -> str:
    size = f"{probe.width}x{probe.height}"
    if probe.rotation in (90, 270):
        return f"{size} as displayed; stored {probe.stored_width}x{probe.stored_height}, rotated {probe.rotation}°"
    return size


def _range_rule(ctx: AssetContext, rule: AssetRule, axis: str, value: int | None, noun: str) -> Iterator[Diagnostic]:
    bounds = ctx.limits.get(axis)
    probe = ctx.probe
    if probe is None or value is None or not bounds or probe.kind != ctx.ref.kind:
        return
    low, high = bounds
    if not low <= value <= high:
        yield ctx.diagnostic(rule, f"{ctx.ref.kind} {noun} is {value} px ({_dimension_detail(probe)}); "
                                   f"the limit is {low}..{high} px",
                             hint=f"resize it so that both sides are within {low}..{high} px")


@_rule("VL603", "asset-width", "error", LIMIT_RULES)
def asset_width_out_of_range(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset's width is outside the documented range.

    Images 240..8000 px, videos 240..4096 px. The displayed width is checked: a video's
    rotation metadata is applied first.

    Breaks it: a 200x300 image.
    Fix: resize it.
    """
    if ctx.probe is not None:
        yield from _range_rule(ctx, asset_width_out_of_range, "width", ctx.probe.width, "width")


@_rule("VL604", "asset-height", "error", LIMIT_RULES)
def asset_height_out_of_range(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset's height is outside the documented range.

    Images 240..8000 px, videos 240..4096 px. The displayed height is checked: a video's
    rotation metadata is applied first.

    Breaks it: a 160x120 video.
    Fix: resize it.
    """
    if ctx.probe is not None:
        yield from _range_rule(ctx, asset_height_out_of_range, "height", ctx.probe.height, "height")


@_rule("VL605", "asset-aspect-ratio", "error", LIMIT_RULES)
def asset_aspect_out_of_range(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset's aspect ratio is outside 1:8..8:1.

    Applies to images and videos (width divided by height, as displayed).

    The ratio is printed with as many decimals as it takes to differ from the limit it
    breaks (240x1921 is ``1:8.004``, not ``1:8``).

    Breaks it: a 240x2000 image (1:8.33).
    Fix: crop or pad it to a less extreme shape.
    """
    probe, bounds = ctx.probe, ctx.limits.get("aspect")
    if probe is None or not bounds or not probe.width or not probe.height or probe.kind != ctx.ref.kind:
        return
    low, high = bounds
    ratio = probe.width / probe.height
    if not low <= ratio <= high:
        limit = low if ratio < low else high
        yield ctx.diagnostic(asset_aspect_out_of_range,
                             f"{ctx.ref.kind} aspect ratio is {_ratio(ratio, limit)} ({_dimension_detail(probe)}); "
                             f"the limit is {_ratio(low)}..{_ratio(high)}",
                             hint="crop or pad it to a less extreme shape")


@_rule("VL606", "asset-duration", "error", LIMIT_RULES)
def asset_duration_out_of_range(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset's duration is outside the documented range.

    Reference videos 1..30 s; voice clips (audio_urls, voice_bindings values) 1..10 s;
    driving audio 2..30 s; edited and continued videos 2..10 s. A file at most 60 ms over
    the maximum is VL612 (encoder padding), a warning.

    Breaks it: a 31 s reference video (``video is 31.0 s; the limit is 1..30 s``).
    Fix: trim it (or use a longer clip when it is too short).
    """
    probe, bounds = ctx.probe, ctx.limits.get("duration")
    if probe is None or not bounds or probe.kind != ctx.ref.kind:
        return
    low, high = bounds
    if probe.duration is None:
        return
    if high < probe.duration <= high + PADDING_SECONDS:
        return  # VL612: over by encoder padding only
    if not low <= probe.duration <= high:
        yield ctx.diagnostic(asset_duration_out_of_range,
                             f"{ctx.ref.kind} is {_seconds(probe.duration)} s; the limit is "
                             f"{number(low)}..{number(high)} s",
                             hint=f"trim it to at most {number(high)} s" if probe.duration > high
                             else f"use a clip of at least {number(low)} s")


@_rule("VL607", "asset-too-large", "error", LIMIT_RULES)
def asset_too_large(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset file is larger than the documented maximum, however "MB" is read.

    Images 20 MB, videos 100 MB, audio 15 MB. The documentation does not say whether a MB
    is 1,000,000 or 1,048,576 bytes; this error is for a file larger than the binary reading
    (20 MB = 20,971,520 bytes), which no reading allows. A file between the two readings is
    VL610, a warning. Checked from the file size, whatever the format; the message gives the
    size in both units.

    Breaks it: a 21 MiB JPEG.
    Fix: re-encode or downscale it.
    """
    probe, limit = ctx.probe, ctx.limits.get("max_mb")
    if probe is None or probe.size is None or not limit:
        return
    if probe.size > limit * MIB:
        yield ctx.diagnostic(asset_too_large,
                             f"file is {_both_mb(probe.size)}; the limit is {number(limit)} MB, at most "
                             f"{number(limit * MIB)} bytes even if a MB is 1,048,576 bytes",
                             hint=f"re-encode or downscale it to at most {number(limit * MB)} bytes "
                                  f"({number(limit)} MB in either reading)")


@_rule("VL608", "image-transparency", "error", LIMIT_RULES)
def image_has_transparency(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The image has transparency, which the API does not accept.

    An alpha channel (RGBA, LA, PA modes; WebP alpha) or a PNG tRNS chunk that makes a colour
    or palette entry transparent. The documentation accepts PNG only without transparency.

    Decided by the alpha values: an RGBA or LA PNG whose every pixel is opaque has no
    transparency and passes. The documentation names PNG ("PNG (transparency not
    supported)"); a transparent WebP or BMP is VL611, a warning.

    Breaks it: an RGBA PNG with a transparent background.
    Fix: flatten it onto an opaque background and save it without alpha.
    """
    probe = ctx.probe
    if _transparent_image(ctx) and probe is not None and probe.format == "png":
        yield ctx.diagnostic(image_has_transparency,
                         f"{probe.format} image has transparency ({probe.alpha_source}); "
                         "transparent images are not accepted",
                         hint="flatten it onto an opaque background (save as RGB without alpha)")


def _transparent_image(ctx: AssetContext) -> bool:
    probe = ctx.probe
    return (probe is not None and not ctx.limits.get("transparency", True) and probe.kind == "image"
            and ctx.ref.kind == "image" and bool(probe.has_alpha))


@_rule("VL609", "video-rotation", "info", LIMIT_RULES)
def video_rotation_applied(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The video carries rotation metadata; its displayed size is what vidlint checks.

    For 90 and 270 degrees width and height are swapped, as a player shows them.

    Breaks it: a 320x240 phone video stored with a 90 degree rotation (displays 240x320).
    Fix: nothing to fix; re-encode without rotation if the service shows it sideways.
    """
    probe = ctx.probe
    if probe is None or probe.kind != "video" or ctx.ref.kind != "video" or probe.rotation == 0:
        return
    yield ctx.diagnostic(video_rotation_applied,
                         f"video is stored {probe.stored_width}x{probe.stored_height} with "
                         f"{probe.rotation}° rotation metadata; it displays as {probe.width}x{probe.height}")


@_rule("VL610", "asset-size-ambiguous", "warning", LIMIT_RULES)
def asset_size_ambiguous(ctx: AssetContext) -> Iterator[Diagnostic]:
    """The asset file is over the documented maximum in one reading of MB only.

    Over it if a MB is 1,000,000 bytes, within it if a MB is 1,048,576. The documentation says
    "up to 20MB" (images), "100MB" (videos), "15MB" (audio) without saying which reading the
    server applies. A file between the two readings may be refused; above the binary reading it is VL607, an error.

    Breaks it: a 20,500,000-byte image.
    Fix: re-encode it to at most 20,000,000 bytes to be safe under either reading.
    """
    probe, limit = ctx.probe, ctx.limits.get("max_mb")
    if probe is None or probe.size is None or not limit:
        return
    if limit * MB < probe.size <= limit * MIB:
        yield ctx.diagnostic(asset_size_ambiguous,
                             f"file is {_both_mb(probe.size)}: over the {number(limit)} MB limit if a MB is "
                             f"1,000,000 bytes ({number(limit * MB)}), within it if a MB is 1,048,576 bytes "
                             f"({number(limit * MIB)}); the documentation does not say which",
                             hint=f"re-encode it to at most {number(limit * MB)} bytes to be safe")


@_rule("VL611", "image-transparency-other-format", "warning", LIMIT_RULES)
def image_transparency_other_format(ctx: AssetContext) -> Iterator[Diagnostic]:
    """A WebP (or BMP) image has transparency; the documentation forbids it for PNG only.

    "JPEG, JPG, PNG (transparency not supported), BMP, WEBP": the note is attached to PNG, so
    whether a transparent WebP is refused or flattened onto some background is not said.

    Breaks it: a WebP with a transparent background.
    Fix: flatten it onto the background you want, so the result does not depend on the server.
    """
    probe = ctx.probe
    if _transparent_image(ctx) and probe is not None and probe.format != "png":
        yield ctx.diagnostic(image_transparency_other_format,
                             f"{probe.format} image has transparency ({probe.alpha_source}); the documentation "
                             "refuses transparency in PNG and does not say what happens to it in "
                             f"{probe.format}",
                             hint="flatten it onto an opaque background to be sure of the result")


@_rule("VL612", "duration-padding", "warning", LIMIT_RULES)
def duration_padding(ctx: AssetContext) -> Iterator[Diagnostic]:
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
    if high < probe.duration <= high + PADDING_SECONDS:
        over = round((probe.duration - high) * 1000)
        yield ctx.diagnostic(duration_padding,
                             f"{ctx.ref.kind} is {_seconds(probe.duration)} s, {over} ms over the {number(high)} s "
                             "limit: encoder padding, which the server may or may not round away",
                             hint=f"trim it to {number(high)} s or a little less "
                                  f"(e.g. ffmpeg -i IN -t {high - 0.05:g} OUT)")

# ---------------------------------------------------------------------------------------------
# the entry point
# ---------------------------------------------------------------------------------------------


def check_assets(request: dict[str, Any], profile_meta: dict[str, Any], base_dir: Path,
                 options: AssetOptions | None = None) -> tuple[list[Diagnostic], dict[str, Any]]:
    """Check every asset ``request`` references against ``profile_meta`` (the schema's
    ``x-vidlint`` object). Returns the diagnostics and the facts the cost estimate needs:
    ``input_video_seconds`` (sum over probed reference videos) and ``complete`` (False when
    a reference video's duration is unknown), plus ``assets`` (what each reference led to).
    """
    options = options or AssetOptions()
    diagnostics: list[Diagnostic] = []
    facts: dict[str, Any] = {"input_video_seconds": 0.0, "complete": True, "assets": []}
    if not isinstance(request, dict):
        return diagnostics, facts
    patterns = profile_meta.get("assets") or {}
    media = profile_meta.get("media") or {}
    refs = [(ref, resolve(ref.value, base_dir, options.asset_maps)) for ref in iter_asset_refs(request, patterns)]
    if "/video_urls/*" in patterns and any(not isinstance(value, str) or not value.strip()
                                           for _, value in match_pattern(request, "/video_urls/*")):
        facts["complete"] = False  # a blank video reference: the billed input seconds are unknown
    remote_results: dict[str, Any] = {}
    if options.online is not None:  # --online: probe this request's http(s) assets, several at once
        remote_results = options.online.probe_all(ref.value for ref, how in refs if how.how == "remote")
    for ref, resolution in refs:
        ctx = AssetContext(ref, resolution, media.get(ref.kind) or {})
        if resolution.path is not None:
            ctx.probe = options.probe_cache().probe(resolution.path)
        elif ref.value in remote_results:
            from vidlint.remote.session import problems_at

            result = remote_results[ref.value]
            ctx.resolution = resolution = Resolution("online", scheme=resolution.scheme)
            ctx.probe = result.probe
            diagnostics.extend(problems_at(result, ref.pointer, ctx.label))
        for phase in ALL_RULES:
            if phase is LIMIT_RULES and (ctx.probe is None or not ctx.probe.ok):
                continue
            for rule in phase:
                diagnostics.extend(rule(ctx))
        facts["assets"].append({"pointer": ref.pointer, "kind": ref.kind, "resolution": resolution.how,
                                "path": resolution.path,
                                "probe": ctx.probe.to_json() if ctx.probe else None})
        if ref.kind == "video" and ref.pointer.startswith("/video_urls/"):
            probe = ctx.probe
            if probe is not None and probe.ok and probe.kind == "video" and probe.duration is not None:
                facts["input_video_seconds"] = round(facts["input_video_seconds"] + probe.duration, 3)
            else:
                facts["complete"] = False
    return diagnostics, facts


def asset_rules() -> list[AssetRule]:
    """Every asset rule, in code order (for documentation and rule listings)."""
    return sorted((r for phase in ALL_RULES for r in phase), key=lambda r: r.code)  # type: ignore[attr-defined]

# ---------------------------------------------------------------------------------------------
# formatting helpers
# ---------------------------------------------------------------------------------------------


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _preferred_extension(fmt: str | None) -> str:
    return {"jpeg": "jpg"}.get(fmt or "", fmt or "")



def _seconds(value: float) -> str:
    text = f"{value:.1f}"
    if abs(float(text) - value) > 0.0005:
        text = f"{value:.3f}".rstrip("0")
    return text


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
