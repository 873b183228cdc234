"""Media probes: what an image, video or audio file really is, read from its bytes.

Pillow and pymediainfo are imported only inside the functions that use them, so importing
this package costs nothing on ``vidlint lint``'s hot path.
"""

from vidlint.probe.cache import ProbeCache
from vidlint.probe.core import PROBE_VERSION, STATS, ProbeStats, probe_path, probe_stream
from vidlint.probe.model import FAILURES, MediaProbe

__all__ = ["FAILURES", "PROBE_VERSION", "STATS", "MediaProbe", "ProbeCache", "ProbeStats",
           "probe_path", "probe_stream"]
