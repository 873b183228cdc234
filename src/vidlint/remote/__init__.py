"""--online: probe http(s) assets with range requests, behind an SSRF guard.

Nothing here is imported unless ``vidlint lint --online`` (or ``--offline-cache``) asks for it.
"""

from vidlint.remote.fetch import FetchOptions, FetchStats, RemoteError
from vidlint.remote.guard import BlockedAddress, GuardPolicy, classify_host
from vidlint.remote.online import RemoteOptions, RemoteResult, format_stats, probe_remote, probe_remote_many

__all__ = ["BlockedAddress", "FetchOptions", "FetchStats", "GuardPolicy", "RemoteError", "RemoteOptions",
           "RemoteResult", "classify_host", "format_stats", "probe_remote", "probe_remote_many"]
