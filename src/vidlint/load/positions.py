"""Source positions for JSON values, computed only when a diagnostic needs them.

``json.loads`` is fast but forgets where things were. This scanner walks text that is
already known to be valid JSON (iteratively, so deep nesting cannot overflow the stack)
and records, for every JSON pointer, where its value and its key start. It also notes
duplicate keys and the non-standard constants NaN / Infinity that Python's parser accepts.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from vidlint.core.pointers import escape_pointer_token
from vidlint.core.records import Record, field

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.S)  # possessive, unrolled: no backtracking stack per character
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
    match = _STRING.match(text, pos)
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
            match = _STRING.match(text, pos)
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


class LineMap:
    """Offset -> 1-based (line, column) in characters."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            self._starts.append(i + 1)
            i = find("\n", i + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1
