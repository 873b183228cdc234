"""``probe_uri``: probe an http(s) asset the way a local one is probed, fetching little.

The bytes come from a :class:`~vidlint.remote.rangefile.RangeFile`; MP4/MOV files are seen
through :func:`~vidlint.remote.mp4boxes.sparse_mp4_view` so that only ``moov`` crosses the
network, and WAV files through :func:`~vidlint.remote.sparse.sparse_wav_view` (samples
zeroed). The probe itself is :func:`vidlint.probe.probe_stream`, the same code that probes local
files, so remote and local copies get the same verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidlint.remote.fetch import Fetcher, FetchOptions, FetchStats, RemoteError
from vidlint.remote.guard import GuardPolicy
from vidlint.core.wording import number

KiB = 1024
MiB = 1024 * KiB



@dataclass(frozen=True)
class RemoteOptions:
    """Everything ``--online`` can tune; defaults suit a CDN over the internet."""

    fetch: FetchOptions = field(default_factory=FetchOptions)
    concurrency: int = 4
    block_size: int = 64 * KiB
    max_blocks: int = 32
    # How far a server that ignores Range is read: a little more than the largest asset the API
    # accepts that is not a video (images: 20 MB), so a probe's tail read still works; a video
    # whose moov sits beyond it is reported (VL807) instead of downloaded.
    stream_cap: int = 21 * MiB
    max_transfer: int = 24 * MiB  # per asset, whatever the probe asks for
    cache_dir: Path | None = None  # default: <vidlint cache dir>/remote
    use_cache: bool = True
    offline_cache: bool = False  # cached results only, no network at all

    @classmethod
    def from_flags(cls, *, allow_private_hosts: bool = False, offline_cache: bool = False,
                   use_cache: bool = True, timeout: float | None = None,
                   concurrency: int | None = None) -> "RemoteOptions":
        fetch = FetchOptions(policy=GuardPolicy(allow_private=allow_private_hosts),
                             timeout=timeout or FetchOptions.timeout)
        return cls(fetch=fetch, use_cache=use_cache, offline_cache=offline_cache,
                   concurrency=concurrency or cls.concurrency)


@dataclass
class RemoteResult:
    """One URI's probe: ``error`` says why there is no verdict (the lint turns it into a VL8xx)."""

    probe: Any  # vidlint.probe.MediaProbe | None
    error: RemoteError | None
    stats: FetchStats
    from_cache: bool = False


def _cache(options: RemoteOptions):  # type: ignore[no-untyped-def]
    from vidlint.remote.cache import RemoteProbeCache

    return RemoteProbeCache(options.cache_dir)


def probe_uri(uri: str, options: RemoteOptions, fetcher: Fetcher | None = None) -> RemoteResult:
    """Probe the asset at ``uri``. Never raises for network or media trouble: that becomes the
    result's ``error``; a MediaProbe whose ``error`` is set is returned for unreadable media, as
    for a local file. ``fetcher`` lets several probes share one HTTP client."""
    stats = FetchStats()
    cache = _cache(options) if (options.use_cache or options.offline_cache) else None
    cached = cache.get(uri) if cache is not None else None
    if options.offline_cache:
        if cached is not None:
            return RemoteResult(cached.probe, None, stats, from_cache=True)
        return RemoteResult(None, RemoteError("offline_cache_miss", "no cached probe for this URL (--offline-cache)",
                                              url=uri), stats)

    own_fetcher = fetcher is None
    base = fetcher or Fetcher(options.fetch)
    try:
        return _fetch_and_probe(uri, options, base.with_stats(stats), cache, cached, stats)
    except Exception as exc:  # noqa: BLE001 - a server's odd behaviour must not crash the lint
        error = RemoteError("bad_response", f"unexpected failure probing {uri}: {type(exc).__name__}: {exc}", url=uri)
        return RemoteResult(None, error, stats)
    finally:
        if own_fetcher:
            base.close()


def _fetch_and_probe(uri: str, options: RemoteOptions, fetcher: Fetcher, cache: Any, cached: Any,
                     stats: FetchStats) -> RemoteResult:
    from vidlint.probe import probe_stream
    from vidlint.remote.mp4boxes import sparse_mp4_view
    from vidlint.remote.rangefile import RangeFile
    from vidlint.remote.sparse import sparse_wav_view

    validators = cached.validators() if cached is not None else {}
    try:
        remote = RangeFile(fetcher, uri, block_size=options.block_size, max_blocks=options.max_blocks,
                           stream_cap=options.stream_cap, max_transfer=options.max_transfer,
                           validators=validators)
    except RemoteError as exc:
        return RemoteResult(None, exc, stats)
    with remote:
        if remote.not_modified and cached is not None:
            return RemoteResult(cached.probe, None, stats, from_cache=True)
        try:
            view = (sparse_mp4_view(remote, remote.size)  # type: ignore[arg-type]  # a RangeFile reads like a file
                    or sparse_wav_view(remote, remote.size) or remote)  # type: ignore[arg-type]
            probe = probe_stream(view, remote.size, uri)  # type: ignore[arg-type]
        except RemoteError as exc:
            remote.error = remote.error or exc
            probe = None
        if remote.error is not None:
            return RemoteResult(None, remote.error, stats)
        if cache is not None and options.use_cache:
            cache.put(uri, probe, remote.etag, remote.last_modified, remote.size)
        return RemoteResult(probe, None, stats)


def format_stats(stats: FetchStats) -> str:
    """``online: 146,022 bytes (142.6 KiB) transferred in 5 requests``, ending an --online run."""
    n = stats.bytes_transferred
    human = f" ({_human_bytes(n)})" if n >= KiB else ""
    return f"online: {number(n)} bytes{human} transferred in {stats.requests} request{'s' if stats.requests != 1 else ''}"


def format_stats_line(summary: dict[str, int]) -> str:
    """The same line from a run summary's ``{"bytes_transferred", "requests"}``."""
    return format_stats(FetchStats(bytes_transferred=summary.get("bytes_transferred", 0),
                                   requests=summary.get("requests", 0)))


def _human_bytes(n: int) -> str:
    if n < KiB:
        return f"{n} B"
    if n < MiB:
        return f"{n / KiB:.1f} KiB"
    return f"{n / MiB:.1f} MiB"
