"""What a rule asks to change, by JSON pointer; :func:`vidlint.fix.place_fix` turns it into text edits.

Each operation finds its text through the document's source positions and edits only that
text: the value, the key, or the member with the separator next to it. What it inserts copies
the separators the file already uses (its indentation, ``": "`` or ``":"``, CRLF or LF).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from vidlint.core.pointers import get_pointer, make_pointer, split_pointer
from vidlint.core.wording import as_json
from vidlint.fix import Edit
from vidlint.load.positions import JSON_STRING, value_end
from vidlint.core.records import FrozenRecord

if TYPE_CHECKING:
    from vidlint.load.document import Document

_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def json_text(value: Any) -> str:
    """A value written as JSON on one line, non-ASCII characters kept as they are."""
    if isinstance(value, str) and not _NEEDS_ESCAPE.search(value):  # most: no escape needed
        return f'"{value}"'
    return as_json(value)  # json.dumps(value, ensure_ascii=False), without making an encoder each call


def _value_span(document: Document, pointer: str) -> tuple[int, int] | None:
    start = document.value_offset(pointer)
    if start is None:
        return None
    try:
        return start, value_end(document.text, start)
    except ValueError:
        return None


def _key_span(document: Document, pointer: str) -> tuple[int, int] | None:
    start = document.key_offset(pointer)
    found = JSON_STRING.match(document.text, start) if start is not None else None
    return (found.start(), found.end()) if found else None


def _parent(document: Document, pointer: str) -> tuple[str, list[str]] | None:
    """The pointer of the object holding ``pointer`` and its member names, in file order."""
    tokens = split_pointer(pointer)
    if not tokens:
        return None
    parent = make_pointer(*tokens[:-1])
    node = get_pointer(document.value, parent)
    if not isinstance(node, dict) or tokens[-1] not in node:
        return None
    return parent, list(node)


def _edit(document: Document, start: int, end: int, content: str) -> Edit:
    line, column = document.line_map.position(start)
    end_line, end_column = document.line_map.position(end)
    return Edit(start, end, content, line, column, end_line, end_column)


class ReplaceValue(FrozenRecord):
    """The value at ``pointer`` becomes ``value`` (written as JSON)."""

    pointer: str
    value: Any

    def edits(self, document: Document) -> list[Edit] | None:
        span = _value_span(document, self.pointer)
        return None if span is None else [_edit(document, *span, json_text(self.value))]


class ReplaceChars(FrozenRecord):
    """Characters ``start:end`` of the string at ``pointer`` become ``text`` (escapes kept intact)."""

    pointer: str
    start: int
    end: int
    text: str

    def edits(self, document: Document) -> list[Edit] | None:
        literal = document.value_offset(self.pointer)
        if literal is None or document.text[literal] != '"':
            return None
        start, end = document.char_offset(self.pointer, self.start), document.char_offset(self.pointer, self.end)
        return None if start is None or end is None else [_edit(document, start, end, json_text(self.text)[1:-1])]


class RenameKey(FrozenRecord):
    """The member at ``pointer`` is renamed ``name``; its value stays as written."""

    pointer: str
    name: str

    def edits(self, document: Document) -> list[Edit] | None:
        span = _key_span(document, self.pointer)
        return None if span is None else [_edit(document, *span, json_text(self.name))]


class RemoveMember(FrozenRecord):
    """The member at ``pointer`` goes, with the comma and white space that separated it."""

    pointer: str

    def edits(self, document: Document) -> list[Edit] | None:
        span = _removal(document, self.pointer)
        return None if span is None else [_edit(document, *span, "")]


def _removal(document: Document, pointer: str) -> tuple[int, int] | None:
    found = _parent(document, pointer)
    if found is None:
        return None
    parent, names = found
    index = names.index(split_pointer(pointer)[-1])
    own_key, own_value = _key_span(document, pointer), _value_span(document, pointer)
    if own_key is None or own_value is None:
        return None
    if index + 1 < len(names):  # up to the next key: its line takes this member's place
        following = _key_span(document, parent + make_pointer(names[index + 1]))
        return None if following is None else (own_key[0], following[0])
    if index > 0:  # the last member: from the end of the previous value, its comma included
        previous = _value_span(document, parent + make_pointer(names[index - 1]))
        return None if previous is None else (previous[1], own_value[1])
    whole = _value_span(document, parent)  # the only member: the object becomes {}
    return None if whole is None else (whole[0] + 1, whole[1] - 1)


class MoveToTop(FrozenRecord):
    """The member at ``pointer`` (inside ``model_params``, say) moves to the end of the
    request's top level, its value as written, separated as the top level's members are."""

    pointer: str

    def edits(self, document: Document) -> list[Edit] | None:
        name = split_pointer(self.pointer)[-1] if self.pointer else None
        removal = _removal(document, self.pointer) if name is not None else None
        value = _value_span(document, self.pointer)
        if removal is None or value is None:
            return None
        added = _append_to_top(document, name, document.text[value[0]:value[1]])  # type: ignore[arg-type]
        return None if added is None else [_edit(document, *removal, ""), added]


class AddToTop(FrozenRecord):
    """A new member ``name``: ``value`` at the end of the request's top level."""

    name: str
    value: Any

    def edits(self, document: Document) -> list[Edit] | None:
        added = _append_to_top(document, self.name, json_text(self.value))
        return None if added is None else [added]


def _append_to_top(document: Document, name: str, value_text: str) -> Edit | None:
    """The insertion of ``"name": value`` after the last top-level member, separated as the
    top level's members are (the white space after their commas, their colon), or None when
    the request has the field already or no member to follow."""
    root = document.value
    if not isinstance(root, dict) or not root or name in root:
        return None
    names = list(root)
    last = make_pointer(names[-1])
    last_key, last_value = _key_span(document, last), _value_span(document, last)
    if last_key is None or last_value is None:
        return None
    text = document.text
    before = _value_span(document, make_pointer(names[-2])) if len(names) > 1 else None
    if before is not None:  # what follows a comma at the top level: its line break and indentation
        gap = text[before[1]:last_key[0]]
        separator = gap[gap.index(",") + 1:] if "," in gap else " "
    else:
        separator = text[(document.value_offset("") or 0) + 1:last_key[0]]  # after the opening brace
    colon = text[last_key[1]:last_value[0]]
    member = f"{json_text(name)}{colon}{value_text}"
    return _edit(document, last_value[1], last_value[1], f",{separator}{member}")
