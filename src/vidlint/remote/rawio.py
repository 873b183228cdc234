"""The seekable, read-only raw file shape shared by the HTTP range file and the sparse view."""

from __future__ import annotations

import io


class SizedReader(io.RawIOBase):
    """A raw reader of known ``size`` with a position ``_pos``; subclasses implement ``readinto``."""

    size: int
    _pos: int = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        bases = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}
        if whence not in bases:
            raise ValueError(f"invalid whence {whence}")
        target = bases[whence] + offset
        if target < 0:
            raise OSError("negative seek position")
        self._pos = target
        return target
