"""One ``vidlint lint --online`` run's remote probing: shared client, memo, totals, diagnostics.

The asset checks hand each request's http(s) references to :meth:`OnlineSession.probe_all`,
which probes the ones not seen yet in this run (``concurrency`` at a time, one HTTP client for
all, with :func:`vidlint.remote.online.probe_uri`) and returns every URI's result. The session
adds up what the network cost for the report's last line. A result's fetch failure becomes a
VL8xx diagnostic here (:func:`problems`), on the pointer of the reference.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from vidlint.check.assets import iter_asset_refs, resolve
from vidlint.core.diagnostics import Diagnostic
from vidlint.remote.fetch import Fetcher, FetchStats
from vidlint.remote.online import RemoteOptions, RemoteResult, probe_uri
from vidlint.rules.online import diagnostic_for

ONLINE_SCHEMES = ("http", "https")


def probes_online(uri: str) -> bool:
    """Whether ``--online`` probes this reference (other schemes stay "not verified")."""
    return urlsplit(uri).scheme.lower() in ONLINE_SCHEMES


class OnlineSession:
    def __init__(self, options: RemoteOptions) -> None:
        self.options = options
        self.stats = FetchStats()
        self._results: dict[str, RemoteResult] = {}
        self._fetcher: Fetcher | None = None
        self._lock = threading.Lock()

    def _client(self) -> Fetcher | None:
        if self.options.offline_cache:
            return None
        with self._lock:
            if self._fetcher is None:
                self._fetcher = Fetcher(self.options.fetch)
            return self._fetcher

    def probe_all(self, uris: Iterable[str]) -> dict[str, RemoteResult]:
        wanted = [u for u in dict.fromkeys(uris) if probes_online(u)]
        todo = [u for u in wanted if u not in self._results]
        if todo:
            fetcher = self._client()
            workers = max(1, min(self.options.concurrency, len(todo)))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="vidlint-online") as pool:
                futures = {u: pool.submit(probe_uri, u, self.options, fetcher) for u in todo}
                for uri, future in futures.items():
                    result = future.result()
                    self._results[uri] = result
                    self.stats.merge(result.stats)
        return {u: self._results[u] for u in wanted}

    def prefetch(self, requests: Iterable[Any], base_dir: Path, asset_maps: list[tuple[str, Path]]) -> None:
        """Probe the remote assets of a whole batch at once, so a JSON Lines file's requests
        do not wait for each other; the per-request checks then find every result memoised."""
        from vidlint.check.pipeline import select_profile

        uris: list[str] = []
        for request in requests:
            if not isinstance(request, dict):
                continue
            profile, _ = select_profile(request)
            patterns = profile.meta.get("assets") if profile is not None else None
            if not patterns:
                continue
            uris.extend(ref.value for ref in iter_asset_refs(request, patterns)
                        if resolve(ref.value, base_dir, asset_maps).how == "remote")
        self.probe_all(uris)

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None

    def summary(self) -> dict[str, int]:
        return self.stats.to_json()


def problems(result: RemoteResult, pointer: str = "") -> list[Diagnostic]:
    """The VL8xx diagnostic for the result's fetch failure (none when it was probed), on ``pointer``."""
    return [] if result.error is None else [diagnostic_for(result.error, pointer)]


def probe_remote(uri: str, options: RemoteOptions | None = None, *, fetcher: Fetcher | None = None,
                 pointer: str = "") -> tuple[Any, list[Diagnostic], FetchStats]:
    """Probe the asset at ``uri``: ``(MediaProbe or None, problems, what the network cost)``.

    Never raises for network or media trouble: those become the problems (VL8xx diagnostics
    with ``pointer``); a MediaProbe whose ``error`` is set is returned for unreadable media, as
    for a local file. ``fetcher`` lets several probes share one HTTP client.
    """
    result = probe_uri(uri, options or RemoteOptions(), fetcher)
    return result.probe, problems(result, pointer), result.stats


def probe_remote_many(uris: Iterable[str], options: RemoteOptions | None = None,
                      ) -> tuple[dict[str, RemoteResult], FetchStats]:
    """Probe several http(s) URIs at once (``options.concurrency`` at a time, each URI once).

    Returns each URI's result (:func:`problems` turns its ``error`` into a diagnostic) and the
    total network cost. Other schemes are left out of the result.
    """
    session = OnlineSession(options or RemoteOptions())
    try:
        return session.probe_all(uris), session.stats
    finally:
        session.close()
