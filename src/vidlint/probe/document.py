"""Reference documents (wan3.0 ``model_params.file_url``): the format from the bytes, and a PDF's
page count from a bounded scan, with no third-party library and nothing decompressed.

The format is the container's: ``pdf``; an OLE2 compound file (``doc``, ``xls``, ``ppt``, by its
directory, else ``ole``); a ZIP (``docx``, ``xlsx``, ``pptx`` by its part names; an iWork package,
``key`` / ``pages`` / ``numbers``, by its ``Index/`` parts and its name, else ``iwork``; anything else
``zip``); plain text (``txt``, or ``md`` by the name) only when the name says text and the first
bytes decode as UTF-8.

A PDF's pages are the largest ``/Count`` of a ``/Type /Pages`` object (the page tree's root) in
the first and last :data:`WINDOW` bytes; a PDF whose page tree sits in a compressed object
stream, or in the middle of a larger file, has no page count (``pages`` None: not checked). A
docx's pages and a pptx's slides are what the application wrote into ``docProps/app.xml`` when
it last saved the file (read with :mod:`zipfile`, at most 256 KiB of it); other formats have none.
"""

from __future__ import annotations

import os
import re
from itertools import islice
from typing import BinaryIO

from vidlint.probe.model import MediaProbe

WINDOW = 1024 * 1024  # bytes read from each end of a PDF for its page tree

_PDF, _OLE, _ZIP = b"%PDF-", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04"
_OLE_STREAMS = (("WordDocument", "doc"), ("Workbook", "xls"), ("Book", "xls"), ("PowerPoint Document", "ppt"))
_OOXML_PARTS = ((b"word/", "docx"), (b"xl/", "xlsx"), (b"ppt/", "pptx"))
_IWORK = ("key", "pages", "numbers")
_OOXML_PAGES = {"docx": "Pages", "pptx": "Slides"}  # the element of docProps/app.xml that counts them
_APP_XML_MOST = 256 * 1024
_TEXT = {"txt": "txt", "text": "txt", "md": "md", "markdown": "md"}
_PAGES = re.compile(rb"/Type\s*/Pages\b")
_COUNT = re.compile(rb"/Count\s+(\d{1,9})\b")
# How far before and after "/Type /Pages" its object's "obj" and "endobj" are looked for (a flat
# page tree's /Kids array of thousands of references can stand between /Type and /Count), and
# how many page-tree nodes are read per window: a bounded cost on any bytes. Nodes past the
# limit can only raise the count, so a PDF read partly may be under-counted, never over.
_BEFORE, _AFTER = 1024, 64 * 1024
_MOST_NODES = 64
_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


def sniff_document(head: bytes, name: str | None) -> bool:
    """Whether ``head`` (the first bytes) starts a document this module reads."""
    if head.startswith((_PDF, _OLE, _ZIP)):
        return True
    return _extension(name) in _TEXT and _looks_like_text(head)


def probe_document(stream: BinaryIO, size: int, head: bytes, name: str | None) -> MediaProbe:
    probe = MediaProbe(kind="document", size=size)
    if head.startswith(_PDF):
        probe.format = "pdf"
        probe.pages = _pdf_pages(stream, size)
        if probe.pages is None:
            probe.notes.append("page count not read: the page tree is compressed or outside the first and last MiB")
    elif head.startswith(_OLE):
        directory = head.decode("utf-16-le", "ignore") + _read(stream, 0, min(size, 64 * 1024)).decode("utf-16-le", "ignore")
        probe.format = next((fmt for stream_name, fmt in _OLE_STREAMS if stream_name in directory), "ole")
    elif head.startswith(_ZIP):
        probe.format = _zip_format(_read(stream, 0, min(size, 64 * 1024)), _extension(name))
        if probe.format in _OOXML_PAGES:
            probe.pages = _ooxml_pages(stream, _OOXML_PAGES[probe.format])
    else:
        probe.format = _TEXT[_extension(name)]
    return probe


def _zip_format(start: bytes, extension: str) -> str:
    # The part names of the local file headers near the start of the package.
    names = [start[i + 30:i + 30 + int.from_bytes(start[i + 26:i + 28], "little")]
             for i in (m.start() for m in re.finditer(re.escape(_ZIP), start)) if i + 30 <= len(start)]
    for prefix, fmt in _OOXML_PARTS:
        if any(part.startswith(prefix) for part in names):
            return fmt
    if any(part.startswith(b"Index/") for part in names):
        return extension if extension in _IWORK else "iwork"
    return "zip"


def _ooxml_pages(stream: BinaryIO, element: str) -> int | None:
    """The page (docx) or slide (pptx) count the application wrote into ``docProps/app.xml`` when it
    last saved the file; None when the part is missing, too large or unreadable."""
    import zipfile

    try:
        with zipfile.ZipFile(stream) as package:
            info = package.getinfo("docProps/app.xml")
            if info.file_size > _APP_XML_MOST:
                return None
            with package.open(info) as part:
                text = part.read(_APP_XML_MOST)
    except (KeyError, OSError, EOFError, ValueError, RuntimeError, NotImplementedError, zipfile.BadZipFile):
        return None
    found = re.search(rb"<(?:\w+:)?%s>\s*(\d{1,6})\s*</" % element.encode(), text)
    return int(found.group(1)) if found else None


def _pdf_pages(stream: BinaryIO, size: int) -> int | None:
    windows = [_read(stream, 0, min(size, WINDOW))]
    if size > WINDOW:
        windows.append(_read(stream, max(WINDOW, size - WINDOW), size - max(WINDOW, size - WINDOW)))
    counts = [int(count.group(1)) for window in windows for at in islice(_PAGES.finditer(window), _MOST_NODES)
              for count in [_COUNT.search(_object_around(window, at.start(), at.end()))] if count]
    if counts:
        return max(counts)
    if size <= WINDOW:  # the whole file was read: its uncompressed page objects are all of them
        pages = len(_PAGE.findall(windows[0]))
        return pages or None
    return None


def _object_around(window: bytes, start: int, end: int) -> bytes:
    """The PDF object holding ``window[start:end]``: from the "obj" before it to the "endobj" after
    it, each looked for within :data:`_BEFORE` / :data:`_AFTER` bytes."""
    begin = window.rfind(b"obj", max(0, start - _BEFORE), start)
    finish = window.find(b"endobj", end, end + _AFTER)
    return window[begin if begin >= 0 else max(0, start - _BEFORE):finish if finish >= 0 else end + _AFTER]


def _read(stream: BinaryIO, offset: int, length: int) -> bytes:
    stream.seek(offset)
    return stream.read(length)


def _extension(name: str | None) -> str:
    return os.path.splitext((name or "").split("?", 1)[0].split("#", 1)[0])[1].lstrip(".").lower()


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut by the end of the head
    return True
