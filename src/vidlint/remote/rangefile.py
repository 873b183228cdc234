"""A seekable, read-only binary file over HTTP range requests.

Reads are served from fixed-size blocks (64 KiB by default) kept in a small LRU, and a read
that needs several missing blocks fetches them in one ``Range`` request, so a probe that reads
a header, seeks to the end and reads a box costs a handful of round trips.

A server that ignores ``Range`` (200 with the whole body) is read as a stream, only as far as
the probe actually reads, up to ``stream_cap`` bytes; a read beyond the cap raises a
:class:`~vidlint.remote.fetch.RemoteError` of kind ``range_unsupported`` instead of downloading
the asset whole.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from vidlint.remote.fetch import Fetcher, RemoteError, Response, error_for_status
from vidlint.remote.rawio import SizedReader

KiB = 1024
MiB = 1024 * KiB
DEFAULT_BLOCK = 64 * KiB

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)\s*$", re.IGNORECASE)


def parse_content_range(value: str | None) -> tuple[int | None, int | None, int | None]:
    """``bytes 0-65535/1234567`` -> (0, 65535, 1234567); ``bytes */0`` -> (None, None, 0)."""
    if not value:
        return None, None, None
    match = _CONTENT_RANGE.match(value)
    if not match:
        return None, None, None
    first, last, total = match.groups()
    return (int(first) if first else None, int(last) if last else None,
            int(total) if total and total != "*" else None)


class RangeFile(SizedReader):
    def __init__(self, fetcher: Fetcher, url: str, *, block_size: int = DEFAULT_BLOCK,
                 max_blocks: int = 32, stream_cap: int = 4 * MiB, max_transfer: int | None = None,
                 validators: dict[str, str] | None = None) -> None:
        super().__init__()
        if block_size <= 0:
            raise ValueError("block_size must be positive")
        self.fetcher = fetcher
        self.url = url
        self.block_size = block_size
        self.max_blocks = max(1, max_blocks)
        self.stream_cap = stream_cap
        self.max_transfer = max_transfer
        self.size = 0
        self.supports_ranges = False
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.not_modified = False  # set when ``validators`` matched (HTTP 304); nothing else is read
        self.bytes_fetched = 0
        self.requests = 0
        self._pos = 0
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self._stream: Response | None = None
        self._streamed = bytearray()
        # The first network failure while a probe reads: MediaInfo swallows exceptions raised
        # inside its read loop, so the caller checks this after probing.
        self.error: RemoteError | None = None
        self._open(validators or {})

    # -- opening --------------------------------------------------------------------------

    def _open(self, validators: dict[str, str]) -> None:
        headers = {"Range": f"bytes=0-{self.block_size - 1}", **validators}
        response = self._request(headers)
        self.url = response.url
        self.etag = response.headers.get("etag")
        self.last_modified = response.headers.get("last-modified")
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity") and response.status in (200, 206):
            response.close()  # byte offsets into a compressed body are not offsets into the file
            raise RemoteError("bad_response", f"{self.url} sent the asset {encoding}-encoded although identity was asked for", url=self.url)
        if response.status == 304:
            response.close()
            self.not_modified = True
            return
        if response.status == 206:
            first, last, total = parse_content_range(response.headers.get("content-range"))
            if first != 0 or last is None or total is None:
                response.close()
                raise RemoteError("bad_response", f"unusable Content-Range {response.headers.get('content-range')!r} from {self.url}",
                                  url=self.url)
            data = self._read_body(response, last + 1)
            self.size = total
            self.supports_ranges = True
            self._store_run(0, data)
            return
        if response.status == 416:
            _, _, total = parse_content_range(response.headers.get("content-range"))
            response.close()
            if total == 0:
                self.size = 0
                self.supports_ranges = True
                return
            raise error_for_status(416, self.url)
        if response.status == 200:
            length = response.headers.get("content-length")
            if length is None or not length.isdigit():
                response.close()
                raise RemoteError("range_unsupported",
                                  f"{self.url} supports neither Range requests nor Content-Length; its size is unknown", url=self.url)
            self.size = int(length)
            self._stream = response
            return
        response.close()
        raise error_for_status(response.status, self.url)

    def _request(self, headers: dict[str, str]) -> Response:
        self.requests += 1
        return self.fetcher.open(self.url, headers)

    def _read_body(self, response: Response, expected: int) -> bytes:
        try:
            if self.max_transfer is not None and self.bytes_fetched + expected > self.max_transfer:
                raise RemoteError("too_large", f"probing {self.url} would transfer more than {self.max_transfer} bytes", url=self.url)
            data = response.read_up_to(expected)
        finally:
            response.close()
        self.bytes_fetched += len(data)
        if len(data) < expected:
            raise RemoteError("bad_response", f"{self.url} sent {len(data)} of {expected} bytes", url=self.url)
        return data

    # -- block cache ----------------------------------------------------------------------

    def _store_run(self, first_block: int, data: bytes) -> None:
        for i in range(0, len(data), self.block_size):
            self._blocks[first_block + i // self.block_size] = data[i:i + self.block_size]
            self._blocks.move_to_end(first_block + i // self.block_size)
        while len(self._blocks) > self.max_blocks:
            self._blocks.popitem(last=False)

    def _fetch_run(self, first: int, last: int) -> dict[int, bytes]:
        start = first * self.block_size
        end = min((last + 1) * self.block_size, self.size) - 1
        response = self._request({"Range": f"bytes={start}-{end}"})
        if response.status != 206:
            response.close()
            if response.status == 200:
                raise RemoteError("range_unsupported", f"{self.url} stopped honouring Range requests", url=self.url)
            raise error_for_status(response.status, self.url)
        got_first, _, total = parse_content_range(response.headers.get("content-range"))
        etag = response.headers.get("etag")
        if got_first != start or (total is not None and total != self.size) or (etag and self.etag and etag != self.etag):
            response.close()
            raise RemoteError("changed", f"{self.url} changed while it was being probed", url=self.url)
        data = self._read_body(response, end - start + 1)
        return {first + i // self.block_size: data[i:i + self.block_size] for i in range(0, len(data), self.block_size)}

    def _ranged_read(self, pos: int, n: int) -> bytes:
        bs = self.block_size
        first, last = pos // bs, (pos + n - 1) // bs
        have: dict[int, bytes] = {}
        for index in range(first, last + 1):
            if index in self._blocks:
                have[index] = self._blocks[index]
                self._blocks.move_to_end(index)
        run_start: int | None = None
        for index in range(first, last + 2):  # one past the end closes the last run
            if index <= last and index not in have:
                run_start = index if run_start is None else run_start
            elif run_start is not None:
                fetched = self._fetch_run(run_start, index - 1)
                have.update(fetched)
                self._blocks.update(fetched)
                run_start = None
        while len(self._blocks) > self.max_blocks:
            self._blocks.popitem(last=False)
        joined = b"".join(have[i] for i in range(first, last + 1))
        offset = pos - first * bs
        return joined[offset:offset + n]

    def _streamed_read(self, pos: int, n: int) -> bytes:
        need = pos + n
        if need > len(self._streamed):
            if need > self.stream_cap:
                raise RemoteError(
                    "range_unsupported",
                    f"{self.url} ignores Range requests and the probe needs bytes up to {need} of {self.size}; "
                    f"vidlint stops streaming after {self.stream_cap} bytes",
                    url=self.url,
                )
            assert self._stream is not None
            target = min(max(need, len(self._streamed) + self.block_size), self.size, self.stream_cap)
            chunk = self._stream.read_up_to(target - len(self._streamed))
            self.bytes_fetched += len(chunk)
            self._streamed += chunk
            if len(self._streamed) < need:
                raise RemoteError("bad_response", f"{self.url} ended after {len(self._streamed)} of {self.size} bytes", url=self.url)
        return bytes(self._streamed[pos:need])

    # -- io.RawIOBase ---------------------------------------------------------------------

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        view = memoryview(buffer).cast("B")
        n = min(len(view), self.size - self._pos)
        if n <= 0:
            return 0
        if self.not_modified:
            raise RemoteError("bad_response", "no body to read after a 304 revalidation", url=self.url)
        try:
            data = self._ranged_read(self._pos, n) if self.supports_ranges else self._streamed_read(self._pos, n)
        except RemoteError as exc:
            self.error = self.error or exc
            raise
        view[:len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        super().close()
