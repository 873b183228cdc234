"""MP4/MOV top-level box walking, and a sparse view that lets MediaInfo read only ``moov``.

MediaInfo reads most of an MP4's ``mdat`` (the media payload) at its default parse speed; over
HTTP that is the whole asset. Everything the limits need (duration, width, height, rotation
matrix, codec) lives in ``moov``. :func:`sparse_mp4_view` walks the top-level box headers by
seeking (a few range requests wherever ``moov`` sits), and returns a file-like view of the same
size in which ``ftyp``, ``moov``, the other small boxes and every box header are the real bytes
and the payload of ``mdat`` reads as zeros (or, once ``moov`` has been read, as the end of
the file) without touching the network.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

from vidlint.remote.sparse import SparseView

# Top-level box types an MP4/MOV file can start with.
MP4_LEADING_TYPES = frozenset({b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid", b"styp", b"junk"})
PAYLOAD_TYPES = frozenset({"mdat"})  # big, never needed for the probe
SMALL_BOX_LIMIT = 1024 * 1024  # other boxes up to this size are kept whole (free, uuid, meta...)
MAX_MOOV_BYTES = 64 * 1024 * 1024
MAX_TOP_LEVEL_BOXES = 64
HEADERS_AFTER_MOOV = 4  # fragmented files repeat moof/mdat; a few headers past moov are enough


@dataclass(frozen=True)
class Box:
    type: str
    offset: int
    size: int
    header: int  # 8, or 16 with a 64-bit size

    @property
    def end(self) -> int:
        return self.offset + self.size


class NotMp4(Exception):
    pass


def looks_like_mp4(head: bytes) -> bool:
    return len(head) >= 8 and head[4:8] in MP4_LEADING_TYPES


def read_box_header(f: BinaryIO, offset: int, file_size: int) -> Box:
    f.seek(offset)
    head = f.read(min(16, file_size - offset))
    if len(head) < 8:
        raise NotMp4(f"truncated box header at byte {offset}")
    size, raw_type = struct.unpack(">I4s", head[:8])
    header = 8
    if size == 1:
        if len(head) < 16:
            raise NotMp4(f"truncated 64-bit box size at byte {offset}")
        size = struct.unpack(">Q", head[8:16])[0]
        header = 16
    elif size == 0:  # the box runs to the end of the file
        size = file_size - offset
    if size < header or not all(32 <= c < 127 for c in raw_type):
        raise NotMp4(f"invalid box at byte {offset}")
    return Box(raw_type.decode("latin-1"), offset, size, header)


def walk_top_level(f: BinaryIO, file_size: int) -> list[Box]:
    """Top-level boxes from the start, by seeking from header to header.

    Stops a few headers after ``moov`` (fragmented files repeat moof/mdat pairs), at the end of
    the file, or at a box that runs past the end (a truncated file: the box is kept, clipped).
    """
    boxes: list[Box] = []
    offset = 0
    after_moov = -1
    while offset + 8 <= file_size and len(boxes) < MAX_TOP_LEVEL_BOXES:
        box = read_box_header(f, offset, file_size)
        boxes.append(box)
        if box.type == "moov":
            after_moov = 0
        elif after_moov >= 0:
            after_moov += 1
            if after_moov >= HEADERS_AFTER_MOOV:
                break
        offset = box.end
    if not boxes:
        raise NotMp4("no boxes")
    return boxes


def child_types(payload: bytes) -> list[str]:
    """Types of the boxes directly inside a container box's payload."""
    types: list[str] = []
    pos = 0
    while pos + 8 <= len(payload):
        size, raw_type = struct.unpack(">I4s", payload[pos:pos + 8])
        if size == 1 and pos + 16 <= len(payload):
            size = struct.unpack(">Q", payload[pos + 8:pos + 16])[0]
        elif size == 0:
            size = len(payload) - pos
        if size < 8:
            break
        types.append(raw_type.decode("latin-1"))
        pos += size
    return types


def sparse_mp4_view(f: BinaryIO, file_size: int) -> SparseView | None:
    """A view of an MP4/MOV with the media payload zeroed, or None when that is not safe.

    None means: not an MP4, no ``moov`` among the top-level boxes, or a fragmented file
    (``mvex`` in ``moov``: its sample tables live in the ``moof`` boxes between payloads).
    The caller then probes the file itself.
    """
    f.seek(0)
    if not looks_like_mp4(f.read(8)):
        return None
    try:
        boxes = walk_top_level(f, file_size)
    except NotMp4:
        return None
    moov = next((b for b in boxes if b.type == "moov"), None)
    if moov is None or moov.size > MAX_MOOV_BYTES or moov.end > file_size:
        return None
    f.seek(moov.offset + moov.header)
    if "mvex" in child_types(f.read(moov.size - moov.header)):
        return None
    regions: list[tuple[int, int]] = []
    for box in boxes:
        end = min(box.end, file_size)
        if box.type in PAYLOAD_TYPES or (box.type != "moov" and box.size > SMALL_BOX_LIMIT):
            regions.append((box.offset, min(box.offset + box.header, end)))
        else:
            regions.append((box.offset, end))
    return SparseView(f, file_size, regions, end_at_gaps=(moov.offset, moov.end))
