"""VL8xx: what can go wrong fetching a remote asset with ``--online``.

Each code is one function registered with the core rule registry (kind ``asset``); its
docstring is the code's documentation. The function turns a fetch failure
(:class:`~vidlint.remote.fetch.RemoteError`) into the diagnostic on the asset's pointer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vidlint.core.diagnostics import Diagnostic
from vidlint.rules.registry import Rule, rule

if TYPE_CHECKING:  # loaded on every lint for the docs: keep the fetch machinery out
    from vidlint.remote.fetch import RemoteError

SAME_FOR_THE_API = "the API fetches this URL too and will fail the same way"


@rule("VL801", "remote-asset-not-found", "error", stage="online")
def remote_asset_not_found() -> None:
    """The server answered 404, 410 or another client error for the asset's URL.

    The API downloads assets from the same URL, so the task would fail.

    Breaks it: ``"video_urls": ["https://cdn.example.com/deleted.mp4"]`` (HTTP 404).
    Fix: correct the URL, or upload the asset again.
    """


@rule("VL802", "remote-asset-forbidden", "error", stage="online")
def remote_asset_forbidden() -> None:
    """The server refused access to the asset (HTTP 401 or 403).

    Private bucket objects and expired signed URLs end here; the API would be refused too.

    Breaks it: a presigned S3 URL whose signature has expired.
    Fix: make the object public, or sign the URL for longer than the task takes.
    """


@rule("VL803", "remote-server-error", "warning", stage="online")
def remote_server_error() -> None:
    """The server kept failing (HTTP 5xx or 429) after vidlint's retries.

    vidlint retries twice with backoff and honours a short Retry-After; after that the asset
    is left unverified. The failure may be temporary.

    Breaks it: a CDN answering 503 during maintenance.
    Fix: run again later, or check the origin server.
    """


@rule("VL804", "remote-unreachable", "warning", stage="online")
def remote_unreachable() -> None:
    """The asset's host could not be reached in time (DNS failure, refused connection, timeout).

    Connects and reads time out after 10 s, a whole response after 30 s; failures are retried
    twice. The asset is left unverified.

    Breaks it: ``https://cdn.example.invalid/a.png``.
    Fix: correct the host name, or check the network.
    """


@rule("VL805", "remote-internal-address", "error", stage="online")
def remote_internal_address() -> None:
    """The asset's URL leads to an internal address, which vidlint refuses to connect to.

    Loopback, private, link-local, carrier-grade NAT, multicast and cloud metadata addresses,
    in any spelling, after DNS resolution, and after every redirect (SSRF guard).

    Breaks it: ``"image_urls": ["http://169.254.169.254/latest/meta-data/"]``.
    Fix: use a public URL; ``--allow-private-hosts`` when the host is deliberately internal.
    """


@rule("VL806", "remote-redirects", "error", stage="online")
def remote_redirects() -> None:
    """The asset's URL redirects too many times (more than 5) or to an unusable location.

    Breaks it: a URL that redirects to itself.
    Fix: use the final URL.
    """


@rule("VL807", "remote-range-unsupported", "warning", stage="online")
def remote_range_unsupported() -> None:
    """The server ignores HTTP Range requests and the probe needs bytes too far into the file.

    vidlint streams such a response only as far as the probe reads, up to 21 MiB; an MP4
    whose ``moov`` box is at the end of a larger file is not downloaded, and stays unverified.

    Breaks it: a 90 MB MP4 with moov at the end on a server without Range support.
    Fix: serve it from a server with Range support, or write moov first (``-movflags +faststart``).
    """


@rule("VL809", "remote-bad-response", "warning", stage="online")
def remote_bad_response() -> None:
    """The remote asset could not be probed reliably.

    It changed while it was being read (a new ETag or size), the server's answer was
    malformed or cut short, or the probe would have needed more than 24 MiB of it.

    Breaks it: an asset replaced on the server during the run.
    Fix: run again; report a bug if a well-formed file keeps hitting the limit.
    """


@rule("VL810", "remote-scheme", "info", stage="online")
def remote_scheme() -> None:
    """The asset's URL is not http or https, so ``probe_remote`` cannot fetch it.

    ``vidlint lint --online`` leaves such references (s3://, gs://) to VL502 instead.

    Breaks it: ``probe_remote("ftp://example.com/a.mp4")``.
    Fix: use an https URL.
    """


@rule("VL808", "remote-offline-cache-miss", "info", stage="online")
def offline_cache_miss() -> None:
    """No cached ``--online`` result exists for this URL, and ``--offline-cache`` uses no network.

    The asset is left unverified.

    Breaks it: ``vidlint lint --offline-cache`` before any ``--online`` run.
    Fix: run once with ``--online`` to fill the cache.
    """


# RemoteError.kind -> the rule that reports it and the hint it gives
BY_KIND: dict[str, tuple[Rule, str | None]] = {
    "not_found": (remote_asset_not_found, SAME_FOR_THE_API),
    "http_error": (remote_asset_not_found, SAME_FOR_THE_API),
    "forbidden": (remote_asset_forbidden, "make the asset publicly readable, or use a signed URL that outlives the task"),
    "server_error": (remote_server_error, "the server failed after retries; the asset was not verified"),
    "timeout": (remote_unreachable, "check that the host is reachable from here; the asset was not verified"),
    "connection": (remote_unreachable, "check that the host is reachable from here; the asset was not verified"),
    "blocked": (remote_internal_address, "the API cannot reach internal addresses either; --allow-private-hosts lifts this check"),
    "redirects": (remote_redirects, "point the request at the final URL"),
    "range_unsupported": (remote_range_unsupported,
                          "serve the asset from a host that supports HTTP Range requests, or check a local copy with --asset-map"),
    "changed": (remote_bad_response, None),
    "bad_response": (remote_bad_response, None),
    "too_large": (remote_bad_response, None),
    "scheme": (remote_scheme, "only http and https assets are probed online"),
    "offline_cache_miss": (offline_cache_miss, "run once with --online to fill the cache"),
}


def diagnostic_for(error: "RemoteError", pointer: str = "") -> Diagnostic:
    """The diagnostic for a fetch failure, on the asset's pointer."""
    declared, hint = BY_KIND.get(error.kind, (remote_bad_response, None))
    verdict = "remote asset not verified: " if declared is offline_cache_miss else "remote asset: "
    return declared.emit(f"{verdict}{error}", pointer, hint)
