"""Sparse views: a file's structure with its media payload read as zeros.

Probes need headers (MP4 ``moov``, WAV ``fmt ``), not samples, but MediaInfo reads samples
anyway. A :class:`SparseView` has the size of the real file, serves the real bytes inside the
regions that hold structure and zeros elsewhere, so the payload never crosses the network.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from vidlint.remote.rawio import SizedReader


class SparseView(SizedReader):
    """The underlying file's bytes inside ``regions``, zeros elsewhere; same size.

    With ``end_at_gaps`` set to a region (an MP4's ``moov``), once that region has been read
    to its last byte a read that starts in a gap returns end-of-file: MediaInfo then finishes
    with what ``moov`` told it instead of scanning megabytes of zeros (same result, seconds
    less CPU). Until then gaps read as zeros, so a reader walking toward ``moov`` gets there.
    """

    def __init__(self, source: BinaryIO, size: int, regions: list[tuple[int, int]],
                 end_at_gaps: tuple[int, int] | None = None) -> None:
        super().__init__()
        self._source = source
        self.size = size
        self.regions = _merge(regions)
        self._end_at_gaps = end_at_gaps
        self._gaps_are_eof = False
        self._pos = 0

    def in_region(self, offset: int) -> bool:
        return any(lo <= offset < hi for lo, hi in self.regions)

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        view = memoryview(buffer).cast("B")
        n = min(len(view), self.size - self._pos)
        if n <= 0 or (self._gaps_are_eof and not self.in_region(self._pos)):
            return 0
        start, end = self._pos, self._pos + n
        view[:n] = bytes(n)
        for lo, hi in self.regions:
            a, b = max(lo, start), min(hi, end)
            if a < b:
                self._source.seek(a)
                data = self._source.read(b - a)
                view[a - start:a - start + len(data)] = data
        if self._end_at_gaps is not None and start < self._end_at_gaps[1] <= end:
            self._gaps_are_eof = True
        self._pos = end
        return n


def _merge(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(r for r in regions if r[1] > r[0]):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def sparse_wav_view(f: BinaryIO, file_size: int, max_chunks: int = 64) -> SparseView | None:
    """A view of a RIFF/WAVE (or RF64) file with the ``data`` chunk's samples zeroed.

    Every chunk header and every other chunk (``fmt ``, ``LIST``, ``ds64``, ...) stays real;
    None when the file is not a WAV file or its chunks do not add up.
    """
    f.seek(0)
    head = f.read(12)
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64", b"BW64") or head[8:12] != b"WAVE":
        return None
    regions: list[tuple[int, int]] = [(0, 12)]
    offset = 12
    for _ in range(max_chunks):
        if offset + 8 > file_size:
            break
        f.seek(offset)
        header = f.read(8)
        if len(header) < 8:
            return None
        chunk_id, size = header[:4], struct.unpack("<I", header[4:8])[0]
        if not all(32 <= c < 127 for c in chunk_id):
            return None
        if chunk_id == b"data":
            regions.append((offset, offset + 8))
            if size == 0xFFFFFFFF or offset + 8 + size > file_size:  # RF64 or streamed: runs to the end
                break
        else:
            regions.append((offset, min(offset + 8 + size, file_size)))
        offset += 8 + size + (size & 1)
    return SparseView(f, file_size, regions)
