"""Media probes: what an image, video or audio file really is, read from its bytes.

Pillow and pymediainfo are imported only inside the functions that use them, and the names
below are imported from their modules when first asked for (PEP 562): ``vidlint lint`` over
remote references uses ``MediaProbe`` and the probe counts, never the probe cache (its module,
``vidlint.core.paths`` and SHA-256 are ~1 ms of every start otherwise).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vidlint.probe.cache import ProbeCache
    from vidlint.probe.core import PROBE_VERSION, probe_path, probe_stream
    from vidlint.probe.model import FAILURES, STATS, MediaProbe, ProbeStats

_HOME = {"ProbeCache": "cache", "PROBE_VERSION": "core", "STATS": "model", "ProbeStats": "model",
         "probe_path": "core", "probe_stream": "core", "FAILURES": "model", "MediaProbe": "model"}

__all__ = ["FAILURES", "PROBE_VERSION", "STATS", "MediaProbe", "ProbeCache", "ProbeStats",
           "probe_path", "probe_stream"]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value  # asked once
    return value
