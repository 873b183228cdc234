"""VL5xx: finding and reading the assets a request references (local files, asset maps,
remote uris). Each code is one rule (stage ``asset``) over an :class:`AssetContext`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator
from urllib.parse import urlsplit

from vidlint.check.assets import NOT_FETCHED_HINT, not_fetched
from vidlint.core.wording import number
from vidlint.rules.media import _article
from vidlint.rules.registry import Finding, rule

if TYPE_CHECKING:
    from vidlint.check.assets import AssetContext

_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")



@rule("VL501", "local-asset", "info", stage="asset", reads="assets", needs_probe=True)
def local_asset_is_uploaded(ctx: AssetContext) -> Iterator[Finding]:
    """The asset is a local file, which the API cannot read: ``vidlint submit`` uploads it.

    A relative path or ``file://`` uri is resolved against the request file's folder. The
    API needs https uris; ``vidlint submit`` uploads local files and puts the uploaded uri in
    the request. vidlint still checks the file against every media limit.

    Breaks it: ``"image_urls": ["refs/ann.png"]``.
    Fix: nothing to fix; give an https uri instead if you submit the request another way.
    """
    if ctx.resolution.how == "local" and ctx.probe is not None and ctx.probe.failure not in ("missing", "not_file"):
        where = "" if ctx.resolution.path == ctx.ref.value else f" ({ctx.resolution.path})"
        yield ctx.finding(f"local file{where}; the API needs an https uri, so `vidlint submit` uploads it")


@rule("VL502", "remote-asset-not-verified", "info", stage="asset", reads="assets", about=("remote",))
def remote_asset_not_verified(ctx: AssetContext) -> Iterator[Finding]:
    """A remote asset was not fetched, so its format, size and duration are unverified.

    vidlint never touches the network while linting. A uri that no ``--asset-map`` covers
    (https, http, s3, ...) is reported once per reference and left alone; cost estimates
    that need its duration are marked incomplete.

    Breaks it: ``"video_urls": ["https://cdn.example.com/clip.mp4"]`` without an asset map.
    Fix: ``--asset-map https://cdn.example.com/=./mirror`` with a local copy, or ``--online``.
    """
    if ctx.resolution.how == "remote":
        yield ctx.finding(not_fetched(ctx.ref.kind, ctx.resolution.scheme), NOT_FETCHED_HINT)


@rule("VL503", "asset-not-found", "error", stage="asset", reads="assets", needs_probe=True)
def asset_not_found(ctx: AssetContext) -> Iterator[Finding]:
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
        yield ctx.finding(f"mapped to {where} by the asset map {ctx.resolution.map_prefix}, "
                             "but that file does not exist",
                             hint=f"copy the asset into {ctx.resolution.map_dir}, or fix the uri")
    else:
        yield ctx.finding(f"{ctx.ref.kind} file not found: {where}",
                             hint="relative paths are resolved against the request file's folder")


@rule("VL504", "asset-not-a-file", "error", stage="asset", reads="assets", needs_probe=True)
def asset_not_a_file(ctx: AssetContext) -> Iterator[Finding]:
    """The asset path is a directory, FIFO, device or socket, not a file.

    vidlint checks the path's type before opening it and never opens such paths (reading a
    FIFO or a device could block or never end).

    Breaks it: ``"image_urls": ["refs/"]``.
    Fix: name the file itself.
    """
    if ctx.probe is not None and ctx.probe.failure == "not_file":
        yield ctx.finding(f"expected {_article(ctx.ref.kind)} {ctx.ref.kind} file: {ctx.probe.error}")


@rule("VL505", "asset-unreadable", "error", stage="asset", reads="assets", needs_probe=True)
def asset_unreadable(ctx: AssetContext) -> Iterator[Finding]:
    """The asset file exists but cannot be read.

    The operating system refused (permissions) or reading failed (an I/O error).

    Breaks it: a file with mode 000.
    Fix: make the file readable by the user running vidlint.
    """
    if ctx.probe is not None and ctx.probe.failure == "unreadable":
        yield ctx.finding(ctx.probe.error or "cannot read the file")


@rule("VL506", "asset-unrecognised", "error", stage="asset", reads="assets", needs_probe=True)
def asset_unrecognised(ctx: AssetContext) -> Iterator[Finding]:
    """The asset file is empty, corrupt, or not an image, video or audio file.

    Judged by its bytes: the extension is never trusted. A file cut inside its own header
    lands here too.

    Breaks it: an empty ``photo.jpg``, or a text file named ``clip.mp4``.
    Fix: export or download the asset again.
    """
    if ctx.probe is not None and ctx.probe.failure in ("empty", "corrupt"):
        where = f" ({ctx.resolution.path})" if ctx.resolution.path is not None else ""
        yield ctx.finding(f"{ctx.probe.error}{where}")


@rule("VL507", "asset-truncated", "error", stage="asset", reads="assets", needs_probe=True)
def asset_truncated(ctx: AssetContext) -> Iterator[Finding]:
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
        yield ctx.finding(f"{probe.format or ctx.ref.kind} file is truncated "
                             f"({number(probe.size or 0)} bytes, shorter than its headers declare)",
                             hint="download or copy the file again")


@rule("VL508", "asset-reference-unusable", "error", stage="asset", reads="assets", about=("invalid",))
def asset_uri_unusable(ctx: AssetContext) -> Iterator[Finding]:
    """The asset reference cannot name a file vidlint can check.

    A ``file://`` uri with a remote host (``file://server/share/a.png``), an asset-mapped
    uri whose path climbs out of the mirror folder with ``..``, or a value with a NUL
    character.

    Breaks it: ``"image_urls": ["file://fileserver/refs/a.png"]``.
    Fix: use a local path, or an https uri.
    """
    if ctx.resolution.how == "invalid":
        yield ctx.finding(ctx.resolution.reason or "unusable asset reference")


@rule("VL509", "document-format", "error", stage="asset", reads="media.document.formats")
def document_format(ctx: AssetContext) -> Iterator[Finding]:
    """A reference document that was not fetched has an extension the model does not read.

    For a document field (wan3.0 ``model_params.file_url``) whose file vidlint did not read (a
    remote URL without ``--online`` or an asset map), the extension of the URL's path is held
    against the model's document ``formats`` (docx, doc, xlsx, xls, pptx, ppt, pdf, txt, key,
    pages, numbers, md); a URL without one is not judged. A document that was read is judged by
    its bytes instead (VL601, VL602), with its size (VL607) and a PDF's pages (VL618).

    Breaks it: ``"model_params": {"file_url": "https://example.com/deck.zip"}``.
    Fix: export the document as one of the listed formats (``deck.pdf``).
    """
    if ctx.ref.kind != "document" or ctx.probe is not None:
        return
    formats = [str(f) for f in ctx.limits.get("formats", [])]
    try:
        name = urlsplit(ctx.ref.value).path.rsplit("/", 1)[-1]
    except ValueError:
        return
    found = _EXTENSION.search(name)
    if found is not None and formats and found.group(1).lower() not in formats:
        yield ctx.finding(f"the document's extension .{found.group(1)} is not a format the model reads "
                          f"({', '.join(formats)})", hint="export the document as one of those formats")
