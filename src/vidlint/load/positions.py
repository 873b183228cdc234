"""Source positions for JSON values, computed only when a diagnostic needs them.

``json.loads`` is fast but forgets where things were. The scanner walks text that is
already known to be valid JSON (iteratively, so deep nesting cannot overflow the stack)
and records, for every JSON pointer, where its value and its key start. It also notes
duplicate keys and the non-standard constants NaN / Infinity that Python's parser accepts.
Most documents have neither, and their findings are placed by :class:`PathIndex`, which
reads only the containers on the findings' paths.
"""

from __future__ import annotations

import bisect
import json
import re
from functools import lru_cache
from typing import Any

from vidlint.core.pointers import escape_pointer_token
from vidlint.core.records import Record, field

_WS = re.compile(r"[ \t\n\r]*")
JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.S)  # possessive, unrolled: no backtracking stack per character
# A lone surrogate: a character a JSON text can escape ("\ud800") but UTF-8 cannot hold. The
# pattern's text, searched with re.search (compiled by re's cache where first needed: the
# 2,048-character class costs ~0.5 ms to compile, and few runs meet a text that is not ASCII).
LONE_SURROGATE = "[\ud800-\udfff]"
_SCALAR = re.compile(r"[^,\]\}\s]+")
NON_STANDARD_CONSTANTS = ("NaN", "Infinity", "-Infinity")


class PositionIndex(Record):
    """Offsets of every value and key by JSON pointer; ``duplicates``: (pointer, first key,
    repeated key); ``constants``: (pointer, offset, token) of NaN/Infinity."""

    values: dict[str, int] = field(default_factory=dict, init=False)
    keys: dict[str, int] = field(default_factory=dict, init=False)
    duplicates: list[tuple[str, int, int]] = field(default_factory=list, init=False)
    constants: list[tuple[str, int, str]] = field(default_factory=list, init=False)


def _read_key(text: str, pos: int, frame: list, index: PositionIndex) -> tuple[int, str]:
    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
    match = JSON_STRING.match(text, pos)
    if match is None:  # not reachable for valid JSON; stay safe anyway
        return len(text), frame[1]
    literal = match.group()
    key = literal[1:-1] if "\\" not in literal else json.loads(literal)  # most keys have no escapes
    pointer = frame[1] + "/" + escape_pointer_token(key)
    seen: dict[str, int] = frame[3]
    if key in seen:
        index.duplicates.append((pointer, seen[key], pos))
    else:
        seen[key] = pos
        index.keys[pointer] = pos
    pos = _WS.match(text, match.end()).end()  # type: ignore[union-attr]
    return pos + 1, pointer  # skip ':'


def scan_positions(text: str, start: int = 0) -> PositionIndex:
    index = PositionIndex()
    n = len(text)
    stack: list[list[Any]] = []  # [is_object, pointer, item_index, seen_keys]
    pointer = ""
    pos = start
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= n:
            return index
        index.values[pointer] = pos
        char = text[pos]
        if char == "{":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if pos < n and text[pos] != "}":
                frame: list[Any] = [True, pointer, 0, {}]
                stack.append(frame)
                pos, pointer = _read_key(text, pos, frame, index)
                continue
            pos += 1
        elif char == "[":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if pos < n and text[pos] != "]":
                stack.append([False, pointer, 0, None])
                pointer += "/0"
                continue
            pos += 1
        elif char == '"':
            match = JSON_STRING.match(text, pos)
            pos = match.end() if match else n
        else:
            match = _SCALAR.match(text, pos)
            if match is None:
                pos += 1
            else:
                if match.group() in NON_STANDARD_CONSTANTS:
                    index.constants.append((pointer, pos, match.group()))
                pos = match.end()
        # after a value: close containers or move to the next member
        while True:
            if not stack:
                return index
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= n:
                return index
            frame = stack[-1]
            if text[pos] == ",":
                if frame[0]:
                    pos, pointer = _read_key(text, pos + 1, frame, index)
                else:
                    frame[2] += 1
                    pointer = f"{frame[1]}/{frame[2]}"
                    pos += 1
                break
            stack.pop()
            pos += 1


_DECODER = json.JSONDecoder()
_ABSENT = object()
# From the end of a value to the start of the next member's value (past white space, a comma,
# the key and its colon; group 1: the key), or to the start of the next array item.
_MEMBER = re.compile(r'[ \t\n\r]*+,?[ \t\n\r]*+"([^"\\]*+(?:\\.[^"\\]*+)*+)"[ \t\n\r]*+:[ \t\n\r]*+', re.S)
_ITEM = re.compile(r"[ \t\n\r]*+,?[ \t\n\r]*+")
_COLON = re.compile(r"[ \t\n\r]*+:[ \t\n\r]*+")


class PathIndex:
    """Offsets of the values (and keys) on the paths asked for, without scanning the rest.

    The objects on the way to a pointer are read member by member, only as far as that
    pointer (a later question resumes where the last one stopped), and an array's items at
    once: a finding about ``/image_urls/1`` reads the top level up to ``image_urls`` and where
    each item of that array starts; a value in between (a long prompt, an object) is passed
    over in one step. Given the parsed document (a whole file), a value is first looked for by
    its literal or its key's (``_by_literal``). For a document without duplicate keys (the parser
    notes them) this gives the offsets :func:`scan_positions` gives; ``tests/test_load.py``
    holds the two to that, with and without the parsed document.
    """

    def __init__(self, text: str, start: int = 0, parsed: Any = None) -> None:
        self.text = text
        self.values: dict[str, int] = {"": _WS.match(text, start).end()}  # type: ignore[union-attr]
        # ``parsed``: the document's value, given when the text from ``start`` on is that one
        # document; used by ``_by_literal`` in a small text without a backslash
        self._parsed = parsed if parsed is not None and len(text) <= LineMap.SMALL and "\\" not in text else None
        self._start = start
        self.keys: dict[str, int] = {}
        # object pointer -> how far its members were read: (offset, whether the offset is the
        # start of the last member's value, not yet passed over); None once all were read (or it
        # holds none), and for an array (its items are read at once) or a scalar
        self._read: dict[str, tuple[int, bool] | None] = {}

    def value(self, pointer: str) -> int | None:
        values = self.values
        if pointer not in values:
            if self._parsed is not None:
                found = self._by_literal(pointer)
                if found is not None:
                    return found
            self._walk(pointer)
        return values.get(pointer)

    def key(self, pointer: str) -> int | None:
        if pointer not in self.values and (self._parsed is None or self._by_literal(pointer, True) is None):
            self._walk(pointer)
        return self.keys.get(pointer)

    def _by_literal(self, pointer: str, key: bool = False) -> int | None:
        """Where the value at ``pointer`` starts, found by looking for its literal or its key's
        (None: neither can say). In a text without a backslash every string is written as it
        is and every quote opens or closes one, so the parsed document says what to look for: a
        string value's literal, or a member's key followed by its colon; occurring once, that
        occurrence is it (another string written alike, a key or a value, would be a second).
        A finding about a remote uri, most findings, is placed so with two searches instead of
        reading the containers on its path; a member of another type (a number, an object: a
        clamp's fix, a field in the wrong place) by its key, which is recorded with the value.
        ``key``: the member's key is wanted (a string value found by its own literal says
        nothing of it)."""
        steps = _steps(pointer)
        if steps is None:
            return None
        parent, node = None, self._parsed
        for token, index in steps:
            parent = node
            if node.__class__ is dict:
                node = node.get(token, _ABSENT)
            elif node.__class__ is list and index is not None:
                node = node[index] if index < len(node) else _ABSENT
            else:
                return None
        if node is _ABSENT:
            return None
        text = self.text
        if node.__class__ is str and not key:
            literal = f'"{node}"'
            found = text.find(literal, self._start)
            if found != -1 and text.find(literal, found + 1) == -1:
                return found
        if parent.__class__ is not dict:
            return None
        literal = f'"{steps[-1][0]}"'
        found = text.find(literal, self._start)
        if found == -1 or text.find(literal, found + 1) != -1:
            return None
        colon = _COLON.match(text, found + len(literal))
        if colon is None:
            return None
        self.keys[pointer] = found
        at = self.values[pointer] = colon.end()
        return at

    def _walk(self, pointer: str) -> None:
        # The containers on the way are the pointer's own prefixes (the recorded pointers are
        # escaped as the pointer is, so a prefix ends at each "/").
        values = self.values
        here, end = "", 0
        while True:
            end = pointer.find("/", end + 1)
            child = pointer if end == -1 else pointer[:end]
            if child not in values and not self._read_to(here, child):
                return
            if end == -1:
                return
            here = child

    def _read_to(self, pointer: str, child: str) -> bool:
        """Read the members of the container at ``pointer``, recording each one's offsets, until
        ``child`` (False: it holds no such member). An object's member's value is passed over
        (one step: ``value_end``) only when the next member is asked for, so a finding about a
        long prompt does not read the prompt; an array's items are read at once (``_read_items``)."""
        text, values = self.text, self.values
        if pointer in self._read:
            state = self._read[pointer]
            if state is None:
                return False
            at, on_value = state
        else:
            start = values[pointer]
            opening = text[start]
            if opening == "{":
                at, on_value = start + 1, False
            else:
                self._read[pointer] = None
                if opening == "[":
                    self._read_items(pointer, start)
                    return child in values
                return False
        if self._find_key(at, pointer, child):
            return True
        while True:
            member = _MEMBER.match(text, value_end(text, at) if on_value else at)
            if member is None:
                self._read[pointer] = None
                return False
            literal = member.group(1)
            key = literal if "\\" not in literal else json.loads(f'"{literal}"')  # most keys have no escapes
            here = pointer + "/" + (key if "~" not in key and "/" not in key else escape_pointer_token(key))
            self.keys[here] = member.start(1) - 1
            at = values[here] = member.end()
            on_value = True
            if here == child:
                self._read[pointer] = (at, True)
                return True

    def _read_items(self, pointer: str, start: int) -> None:
        """Record where each item of the array at ``start`` begins, all in one loop: a request's
        findings often point at several items of one array (its image uris, each a VL502 info),
        and reading the rest of a short array costs less than coming back for each item. An
        item passed over is one step (``value_end``), however long."""
        text, values = self.text, self.values
        at = _ITEM.match(text, start + 1).end()  # type: ignore[union-attr]
        index = 0
        while text[at] != "]":
            values[f"{pointer}/{index}"] = at
            index += 1
            at = _ITEM.match(text, value_end(text, at)).end()  # type: ignore[union-attr]

    def _find_key(self, at: int, pointer: str, child: str) -> bool:
        """The member ``child`` of the object at ``pointer``, whose members were read up to
        ``at``, found by looking for its key, without reading the members before it (False: not
        found that way; they are read one by one). For a key of letters, digits and "_", the
        first ``"key"`` past ``at`` followed by a colon is that member's key when neither "{" nor
        "}" comes between: such a quote is no closing quote (a letter cannot follow one), not
        escaped (checked), so it opens a string holding just the key, which the colon makes a
        key, of the object open at ``at`` (another object would open or close with a brace on
        the way). So the search ends at the first "}" (a JSON Lines record's end, at the latest).
        A member found so is recorded; reading on from ``at`` records it again where it is."""
        key = child[len(pointer) + 1:]
        if not key.isidentifier():
            return False
        text, literal = self.text, f'"{key}"'
        close = text.find("}", at)
        found = text.find(literal, at, close) if close != -1 else -1
        while found != -1:
            if text[found - 1] == "\\" or text.find("{", at, found) != -1:
                return False
            colon = _COLON.match(text, found + len(literal))
            if colon is not None:
                self.keys[child] = found
                self.values[child] = colon.end()
                return True
            found = text.find(literal, found + 1, close)
        return False


@lru_cache(maxsize=1024)
def _steps(pointer: str) -> tuple[tuple[str, int | None], ...] | None:
    """A pointer's tokens, each with the array index it names (None: none, e.g. "01"), worked
    out once per pointer (a run's findings point at a few places again and again); None for
    a pointer with an escape ("~") or not starting with "/" (``_by_literal`` leaves those)."""
    if "~" in pointer or not pointer.startswith("/"):
        return None
    return tuple((token, int(token) if token.isascii() and token.isdigit() and (token == "0" or token[0] != "0") else None)
                 for token in pointer.split("/")[1:])


def value_end(text: str, start: int) -> int:
    """Where the JSON value starting at ``start`` ends. Most values are strings without an
    escaped quote: they end at the next quote, which ``str.find`` finds several times faster
    than a regular expression or the decoder reads a long prompt."""
    if text[start] != '"':
        return _DECODER.raw_decode(text, start)[1]
    end = text.find('"', start + 1)
    if text[end - 1] != "\\":
        return end + 1
    return JSON_STRING.match(text, start).end()  # type: ignore[union-attr]


class LineMap:
    """Offset -> 1-based (line, column) in characters. In a small text (most request files) the
    newlines before the offset are counted when it is asked (two C calls: making a table of a
    16-line request's line starts took longer than placing its findings); a large one (a big
    JSON Lines batch) bisects a table of line starts made once."""

    SMALL = 32768  # characters: counting up to here costs about what a bisection does

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        if len(text) > self.SMALL:
            starts = [0]
            find, append = text.find, starts.append
            i = find("\n")
            while i != -1:
                append(i + 1)
                i = find("\n", i + 1)
            self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        starts = self._starts
        if starts is None:
            text = self._text
            return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1
