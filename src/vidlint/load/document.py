"""File bytes -> request documents that remember where each value came from."""

from __future__ import annotations

import json
import math
import re
import sys
import threading
from typing import Any, Iterator

from vidlint.core.diagnostics import Diagnostic
from vidlint.core.pointers import escape_pointer_token, make_pointer, split_pointer
from vidlint.fix import Fix, place_fix
from vidlint.load.positions import LONE_SURROGATE, LineMap, PathIndex, PositionIndex, scan_positions
from vidlint.core.records import FrozenRecord, Record, field
from vidlint.rules.file import (
    byte_order_mark,
    duplicate_key,
    invalid_encoding,
    invalid_json,
    lone_surrogate,
    non_finite_number,
)

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class Document(Record):
    """One request: the whole of a .json file, or one line of a .jsonl file.

    ``text`` is the full file text (positions are offsets into it), ``start`` the offset where
    this request's JSON starts, ``record`` the 1-based line in a .jsonl file, ``suspicious``
    True when duplicate keys or NaN/Infinity were seen while parsing. ``plain``: the parser
    vouches that jsonschema-rs reads ``value`` as Python does (``native_schema.reads_alike``
    would say yes, and need not walk it); False says nothing either way.
    """

    path: str
    text: str
    start: int
    value: Any
    record: int | None
    line_map: LineMap
    suspicious: bool = False
    plain: bool = False
    _index: PositionIndex | None = field(default=None, init=False)
    _paths: PathIndex | None = field(default=None, init=False)
    _escapes: dict[int, EscapeMap] | None = field(default=None, init=False)  # literal offset -> map, made when needed

    @property
    def index(self) -> PositionIndex:
        """Every value's and key's offset, duplicate keys and NaN/Infinity: the whole request scanned."""
        if self._index is None:
            self._index = scan_positions(self.text, self.start)
        return self._index

    def value_offset(self, pointer: str) -> int | None:
        """Where the value at ``pointer`` starts (None: no such value). Only the containers on
        its path are read, unless the parser saw duplicate keys or NaN/Infinity: then the whole
        request is scanned (which value a repeated key's pointer names is the scanner's call)."""
        if self.suspicious or self._index is not None:
            return self.index.values.get(pointer)
        return self._path_index().value(pointer)

    def key_offset(self, pointer: str) -> int | None:
        """Where the key of the member at ``pointer`` starts (None: not an object member)."""
        if self.suspicious or self._index is not None:
            return self.index.keys.get(pointer)
        return self._path_index().key(pointer)

    def _path_index(self) -> PathIndex:
        if self._paths is None:
            self._paths = PathIndex(self.text, self.start, self.value if self.record is None else None)
        return self._paths

    def locate(self, pointer: str, at_key: bool = False) -> tuple[int, int]:
        """Position of the value (or key) at ``pointer``; the nearest existing ancestor otherwise."""
        if at_key:
            key = self.key_offset(pointer)
            if key is not None:
                return self.line_map.position(key)
        offset = self.value_offset(pointer)
        if offset is not None:  # the common case: the value exists
            return self.line_map.position(offset)
        tokens = split_pointer(pointer)
        while True:
            offset = self.value_offset(make_pointer(*tokens))
            if offset is not None:
                return self.line_map.position(offset)
            if not tokens:
                return self.line_map.position(self.start)
            tokens.pop()

    def char_offset(self, pointer: str, char: int) -> int | None:
        """Source offset of character ``char`` of the string at ``pointer`` (None: no such value);
        each string's escapes are mapped once, however many findings it has."""
        literal = self.value_offset(pointer)
        if literal is None:
            return None
        if self._escapes is None:
            self._escapes = {}
        if literal not in self._escapes:
            self._escapes[literal] = escape_map(self.text, literal)
        return string_char_offset(self.text, literal, char, self._escapes[literal])

    def place(self, diagnostic: Diagnostic) -> Diagnostic:
        offset = self.char_offset(diagnostic.pointer, diagnostic.char) if diagnostic.char is not None else None
        if offset is not None:
            line, column = self.line_map.position(offset)
        else:
            line, column = self.locate(diagnostic.pointer, diagnostic.at_key)
        fix = diagnostic.fix
        if fix is not None:
            fix = place_fix(fix, self)
        return diagnostic.with_position(line, column, self.record, fix)

    def place_all(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """``[self.place(d) for d in diagnostics]``, a request's findings at once: one about a
        value (most are: no key, no character in a string, no fix) is placed by the path index
        directly, without going through ``locate``."""
        if self.suspicious or self._index is not None:
            return [self.place(d) for d in diagnostics]
        if not diagnostics:  # a clean request: no path index to make
            return []
        paths = self._path_index()
        values, value, position, record = paths.values, paths.value, self.line_map.position, self.record
        placed = []
        for d in diagnostics:
            pointer = d.pointer
            if d.char is None and not d.at_key and d.fix is None:
                # (a pointer met before, e.g. a second finding on a value, is found without a call)
                offset = values.get(pointer)
                if offset is None:
                    offset = value(pointer)
                if offset is not None:
                    line, column = position(offset)
                    placed.append(Diagnostic(d.code, d.severity, d.message, pointer, d.hint, line, column, record,
                                             False, None, None))
                    continue
            placed.append(self.place(d))
        return placed

    def parse_warnings(self) -> list[Diagnostic]:
        """Duplicate keys and NaN/Infinity: found by the position scanner, so only when suspicious."""
        if not self.suspicious:
            return []
        found: list[Diagnostic] = []
        for pointer, first, repeat in self.index.duplicates:
            first_line, _ = self.line_map.position(first)
            line, column = self.line_map.position(repeat)
            name = split_pointer(pointer)[-1]
            found.append(duplicate_key.emit(
                f'duplicate key "{name}": it is also set on line {first_line}; only one of the two values reaches the server',
                pointer, "keep one of the two", line=line, column=column, record=self.record, at_key=True,
            ))
        from vidlint.core.wording import label

        for pointer, escape in lone_surrogates(self.value):
            line, column = self.locate(pointer)
            found.append(lone_surrogate.emit(
                f"{label(pointer)} holds the escape {escape}, half of a UTF-16 surrogate pair and not a "
                "character on its own; the server rejects or garbles it", pointer,
                "remove it, or write the whole character (both halves of the pair)", line=line, column=column,
                record=self.record,
            ))
        for pointer, offset, token in self.index.constants:
            line, column = self.line_map.position(offset)
            found.append(non_finite_number.emit(
                f"{token} is not valid JSON (JSON numbers are finite)",
                pointer, "write a finite number", line=line, column=column, record=self.record,
            ))
        return found


_ESCAPE_OR_QUOTE = re.compile(r'[\\"]')


class EscapeMap(FrozenRecord):
    """Where the escapes of one JSON string literal are, so any character is found by bisection.

    For escape k: ``chars[k]`` is the index of the character it decodes to, ``offsets[k]`` the
    offset of its backslash, ``afters[k]`` the offset just after it. ``length`` is the number of
    characters, ``end`` the offset reached after the last one (the closing quote, or the end
    of a text cut short).
    """

    chars: list[int]
    offsets: list[int]
    afters: list[int]
    length: int
    end: int


def escape_map(text: str, literal_start: int) -> EscapeMap:
    chars: list[int] = []
    offsets: list[int] = []
    afters: list[int] = []
    pos, index, end = literal_start + 1, 0, len(text)
    while pos < end:
        found = _ESCAPE_OR_QUOTE.search(text, pos)
        stop = found.start() if found else end
        index += stop - pos
        pos = stop
        if pos >= end or text[pos] == '"':
            break
        step = 6 if text[pos + 1:pos + 2] == "u" else 2
        chars.append(index)
        offsets.append(pos)
        afters.append(pos + step)
        index, pos = index + 1, pos + step
    return EscapeMap(chars, offsets, afters, index, pos)


def string_char_offset(text: str, literal_start: int, char_index: int, escapes: EscapeMap | None = None) -> int:
    """Source offset of character ``char_index`` of the JSON string literal starting at ``literal_start``.

    With the literal's :class:`EscapeMap` (built once, O(length)) each look-up is a bisection,
    so a 1 MB prompt full of escapes with thousands of findings stays fast in any order.
    ``literal_start`` itself when the string has fewer characters.
    """
    import bisect

    escapes = escapes or escape_map(text, literal_start)
    if char_index > escapes.length:
        return literal_start
    if char_index == escapes.length:
        return escapes.end
    k = bisect.bisect_right(escapes.chars, char_index) - 1
    if k < 0:
        return literal_start + 1 + char_index
    if escapes.chars[k] == char_index:
        return escapes.offsets[k]
    return escapes.afters[k] + char_index - escapes.chars[k] - 1


class LoadedFile(Record):
    """A request file's documents, and the problems found before any request could be checked."""

    path: str
    documents: list[Document]
    diagnostics: list[Diagnostic]


# What json.loads's hooks noticed while parsing the current text (per thread: the editor's
# server may parse in several). Trouble is only noted; the scanner finds where it is later.
_NOTICED = threading.local()

# What jsonschema-rs reads as Python does (``vidlint.check.native_schema.reads_alike``, which
# walks a value; the parser notes the same while it reads the text): integers of 64 bits, signed
# or not (past them it may round), and texts of at most NATIVE_TEXT_LIMIT characters (it copies a
# request's values several times: an 8 MB prompt peaked at 110 MB instead of 59 MB).
NATIVE_INTS = range(-(2**63), 2**64)
NATIVE_TEXT_LIMIT = 1 << 18  # characters


def _note_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        _NOTICED.suspicious = True
    return result


def _note_constant(token: str) -> float:
    _NOTICED.suspicious = True
    return float(token)


def _note_int(token: str) -> int:
    value = int(token)
    if value not in NATIVE_INTS:
        _NOTICED.unlike = True
    return value


def _note_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):  # a literal past the largest float (1e400) reads as infinity
        _NOTICED.unlike = True
    return value


# Made once: json.loads with hooks builds a new decoder for every call (half its time here). The
# number hooks cost ~0.4 us a request; walking the value afterwards (reads_alike) ~2-4 us.
_DECODER = json.JSONDecoder(object_pairs_hook=_note_pairs, parse_constant=_note_constant,
                            parse_int=_note_int, parse_float=_note_float)
_SCAN = _DECODER.scan_once  # type: ignore[attr-defined]  # (set by JSONDecoder.__init__; not in its stubs)
_JSON_SPACE = " \t\n\r"  # the white space JSON allows between values (str.isspace says yes to more)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _parse(text: str, start: int, end: int) -> tuple[Any, bool, bool]:
    """The value of ``text[start:end]``, whether it is suspicious (``Document.suspicious``) and
    whether it is plain (``Document.plain``). ``text`` was decoded from UTF-8, so it holds no
    surrogate code point: a lone one in the value comes from an escape."""
    source = text[start:end]
    if source.startswith("\ufeff"):  # what json.loads checks before it decodes
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", source, 0)
    _NOTICED.suspicious = _NOTICED.unlike = False
    value = _decode(source)
    # the decoder joins a valid surrogate pair into one character; a lone half stays behind
    lone = text.find("\\", start, end) >= 0 and _SURROGATE_ESCAPE.search(text, start, end) is not None
    suspicious = _NOTICED.suspicious or lone
    return value, suspicious, not (suspicious or _NOTICED.unlike) and end - start <= NATIVE_TEXT_LIMIT


def _decode(source: str) -> Any:
    """``_DECODER.decode(source)``. The usual text, an object from its first character with only
    white space after it, is scanned directly: ``decode`` adds two regular expressions for the
    white space around the value and two calls (~1.5 us of a small request's ~8). Anything else,
    and any error, goes through ``decode``, which says what is wrong as it always has."""
    if source.startswith("{"):
        try:
            value, end = _SCAN(source, 0)
        except (StopIteration, ValueError, RecursionError):
            pass
        else:
            if end == len(source) or not source[end:].strip(_JSON_SPACE):
                return value
    return _DECODER.decode(source)


def parse_request(path: str, data: bytes) -> Document | None:
    """The document of a request file's bytes when ``load_bytes(path, data, False)`` finds that
    one document and nothing else (UTF-8 without a byte order mark, one JSON value): the usual
    file, made without the general way's lists and checks. None: anything else (invalid UTF-8,
    a byte order mark, an empty file, invalid JSON), for ``load_bytes`` to say what."""
    try:
        text = data.decode()
        value, suspicious, plain = _parse(text, 0, len(text))
    except (UnicodeDecodeError, ValueError, RecursionError):  # (a JSONDecodeError is a ValueError)
        return None
    return Document(path, text, 0, value, None, LineMap(text), suspicious, plain)


def lone_surrogates(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, the escape as written) for every string holding half of a UTF-16 pair."""
    stack = [(pointer, value)]
    while stack:
        here, node = stack.pop()
        if isinstance(node, str):
            found = re.search(LONE_SURROGATE, node)
            if found:
                yield here, f"\\u{ord(found.group()):04x}"
        elif isinstance(node, dict):
            stack.extend((here + "/" + escape_pointer_token(k), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((f"{here}/{i}", v) for i, v in reversed(list(enumerate(node))))


def _last_non_space(text: str, offset: int) -> int:
    """Index of the last non-whitespace character before ``offset`` (-1: none). Looks back only
    over the whitespace: copying ``text[:offset]`` for every bad line of a large JSON Lines
    batch made the batch quadratic."""
    index = offset - 1
    while index >= 0 and text[index].isspace():
        index -= 1
    return index


def _syntax_hint(text: str, offset: int) -> str | None:
    last = _last_non_space(text, offset)
    if last >= 0 and text[last] == "," and text[offset:offset + 1] in ("}", "]"):
        return "remove the trailing comma before it"
    if text.startswith(("//", "/*"), offset) or text[offset:offset + 1] == "#":
        return "JSON has no comments; remove it"
    if text[offset:offset + 1] == "'":
        return "JSON strings and keys use double quotes"
    return None


# Python's json messages, as a person who wrote the file would say them.
_PARSER_WORDING = {
    "Extra data": "text after the end of the JSON value (a request file holds one object; "
                  "use .jsonl for one request per line)",
    "Expecting value": "a value was expected here",
    "Expecting property name enclosed in double quotes": "a field name in double quotes was expected here",
    "Expecting ',' delimiter": "a comma was expected here",
    "Expecting ':' delimiter": "a colon was expected here",
    "Unterminated string starting at": "this string is never closed",
    "Invalid control character at": "a control character (e.g. a raw newline or tab) inside a string; "
                                     "write it as \\n or \\t",
    "Invalid \\escape": "an unknown backslash escape",
    "Invalid \\uXXXX escape": "a \\u escape needs four hex digits",
}


def _plain_parser_message(message: str) -> str:
    return _PARSER_WORDING.get(message, message[:1].lower() + message[1:])


def _syntax_error(path: str, text: str, line_map: LineMap, offset: int, message: str,
                  record: int | None) -> Diagnostic:
    hint = _syntax_hint(text, offset)
    if hint and "trailing comma" in hint:
        offset = _last_non_space(text, offset)  # point at the comma itself
    line, column = line_map.position(offset)
    return invalid_json.emit(f"invalid JSON: {_plain_parser_message(message)}", "", hint, line=line, column=column, record=record)


_DIGITS_SAID = re.compile(r"value has (\d+) digits")


def _long_number(path: str, text: str, line_map: LineMap, start: int, end: int, message: str, record: int | None) -> Diagnostic:
    """VL001 for an integer longer than Python reads (``sys.get_int_max_str_digits()``, 4,300),
    said in vidlint's words at the number (Python's own advice, to raise the limit, is no use to
    the person who wrote the file)."""
    said = _DIGITS_SAID.search(message)
    if said is None:  # another ValueError: Python's first line as it is
        return _syntax_error(path, text, line_map, start, message.split("\n")[0], record)
    digits = int(said.group(1))
    number = re.compile(rf"(?<![\d\"])-?\d{{{digits}}}(?![\d\"])").search(text, start, end)
    line, column = line_map.position(number.start() if number is not None else start)
    return invalid_json.emit(f"invalid JSON: a number of {digits:,} digits; vidlint reads numbers of at most "
                             f"{sys.get_int_max_str_digits():,}", "", "no request field takes a number this long: shorten it, or write it "
                             "as a string if it is an identifier", line=line, column=column, record=record)


def _parse_one(path: str, text: str, start: int, end: int, line_map: LineMap,
               record: int | None) -> Document | Diagnostic:
    try:
        value, suspicious, plain = _parse(text, start, end)
    except json.JSONDecodeError as exc:
        offset = start + exc.pos
        if record is not None and text[end - 1:end] == "\n":
            offset = min(offset, end - 1)  # "unexpected end" of a JSON Lines record: its own line, not the next
        return _syntax_error(path, text, line_map, offset, exc.msg, record)
    except RecursionError:
        return _syntax_error(path, text, line_map, start, "nesting is too deep to be a request", record)
    except ValueError as exc:  # an integer with more digits than Python converts
        return _long_number(path, text, line_map, start, end, str(exc), record)
    return Document(path, text, start, value, record, line_map, suspicious, plain)


def decode(path: str, data: bytes) -> tuple[str | None, list[Diagnostic]]:
    """Bytes -> text, or the diagnostic that says why not."""
    found: list[Diagnostic] = []
    if data.startswith(UTF16_BOMS):
        return None, [invalid_encoding.emit("file is UTF-16 encoded; JSON requests must be UTF-8",
                                             "", "save the file as UTF-8")]
    if data.startswith(UTF8_BOM):
        found.append(byte_order_mark.emit(
                                "file starts with a byte order mark, which JSON does not allow",
                                "", "save the file as UTF-8 without BOM",
                                fix=Fix("remove the byte order mark", remove_bom=True)))
        data = data[len(UTF8_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8", "replace")
        line_map = LineMap(good)
        line, column = line_map.position(len(good))
        found.append(invalid_encoding.emit(
                                f"invalid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded",
                                "", "save the file as UTF-8", line=line, column=column))
        return None, found
    return text, found


def load_bytes(path: str, data: bytes, jsonl: bool) -> LoadedFile:
    text, found = decode(path, data)
    if text is None:
        return LoadedFile(path, [], found)
    line_map = LineMap(text)
    documents: list[Document] = []
    if not jsonl:
        if not text or text.isspace():  # (not text.strip(), without copying the text)
            found.append(invalid_json.emit("invalid JSON: the file is empty", "",
                                    "a request file holds one JSON object"))
            return LoadedFile(path, [], found)
        parsed = _parse_one(path, text, 0, len(text), line_map, None)
        (documents if isinstance(parsed, Document) else found).append(parsed)  # type: ignore[arg-type]
        return LoadedFile(path, documents, found)
    for span in record_spans(text):
        parsed = load_record(path, text, line_map, span)
        (documents if isinstance(parsed, Document) else found).append(parsed)  # type: ignore[arg-type]
    if not documents and not found:
        found.append(no_records())
    return LoadedFile(path, documents, found)


Span = tuple[int, int, int]  # (start offset, end offset, 1-based line) of one JSON Lines record


def record_spans(text: str) -> list[Span]:
    """Where each record of a JSON Lines text is: its lines that are not blank."""
    # JSON Lines separates records by "\n" only; a JSON string may hold U+2028 and friends.
    spans: list[Span] = []
    offset, number = 0, 1
    while offset <= len(text):
        end = text.find("\n", offset)
        end = len(text) if end == -1 else end + 1
        if text[offset:end].strip():
            spans.append((offset, end, number))
        if end >= len(text):
            break
        offset, number = end, number + 1
    return spans


def load_record(path: str, text: str, line_map: LineMap, span: Span) -> Document | Diagnostic:
    """One JSON Lines record: its document, or why it is not JSON."""
    return _parse_one(path, text, span[0], span[1], line_map, span[2])


def no_records() -> Diagnostic:
    return invalid_json.emit("the JSON Lines file holds no request", "", "write one request object per line")
