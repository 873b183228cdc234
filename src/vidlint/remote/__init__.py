"""--online: probe http(s) assets with range requests, behind an SSRF guard.

A leaf: it imports the core and the probe only. ``vidlint.check.online`` turns its results
into findings (``probe_remote`` there returns VL8xx diagnostics).

The names below load on first use: ``vidlint lint`` imports this package (for the VL8xx rule
documentation) on every run, and must not pay for the fetch machinery unless it goes online.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "FetchOptions": "vidlint.remote.fetch",
    "FetchStats": "vidlint.remote.fetch",
    "RemoteError": "vidlint.remote.fetch",
    "BlockedAddress": "vidlint.remote.guard",
    "GuardPolicy": "vidlint.remote.guard",
    "classify_host": "vidlint.core.netaddr",
    "RemoteOptions": "vidlint.remote.online",
    "RemoteResult": "vidlint.remote.online",
    "format_stats": "vidlint.remote.online",
    "probe_uri": "vidlint.remote.online",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'vidlint.remote' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
