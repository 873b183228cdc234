"""JSON pointers (RFC 6901), the one set of helpers: escape and split tokens, make a pointer,
read the value at one, match pointer patterns (``*`` for any array index or object key), and
say whether one pointer covers another."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def make_pointer(*tokens: str | int) -> str:
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def match_pattern(node: Any, pattern: str) -> list[tuple[str, Any]]:
    """(pointer, value) for every value inside ``node`` that a pointer pattern matches, in
    document order: ``*`` stands for any array index or object key; a number also indexes an
    array (``/image_urls/*``, ``/model_params/voice_bindings/*``, ``/image_start``)."""
    shape = _field_shape(pattern)
    if shape is None or not isinstance(node, dict):
        return _walk(node, _pattern_tokens(pattern))
    # the common shapes, "/field" and "/field/*" (a request's own fields and their items), directly
    name, at, items = shape
    if name not in node:
        return []
    value = node[name]
    if not items:
        return [(at, value)]
    if isinstance(value, list):
        return [(f"{at}/{index}", child) for index, child in enumerate(value)]
    if isinstance(value, dict):
        return [(f"{at}/{escape_pointer_token(key)}", child) for key, child in value.items()]
    return []


@lru_cache(maxsize=512)
def _field_shape(pattern: str) -> tuple[str, str, bool] | None:
    """(field, its pointer, whether the pattern is its items) of a pattern ``/field`` or
    ``/field/*``; None for any other pattern, which :func:`_walk` reads level by level."""
    tokens = split_pointer(pattern)
    if len(tokens) not in (1, 2) or tokens[0] == "*" or (len(tokens) == 2 and tokens[1] != "*"):
        return None
    return tokens[0], make_pointer(tokens[0]), len(tokens) == 2


def _walk(node: Any, tokens: tuple[tuple[str, str], ...]) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = [("", node)]
    for token, escaped in tokens:  # one level at a time, each in document order
        deeper: list[tuple[str, Any]] = []
        for at, value in found:
            if token == "*":  # (loops, not comprehensions: the lists are short, mostly one or two items)
                if isinstance(value, list):
                    for index, child in enumerate(value):
                        deeper.append((f"{at}/{index}", child))
                elif isinstance(value, dict):
                    for name, child in value.items():
                        deeper.append((f"{at}/{escape_pointer_token(name)}", child))
            elif isinstance(value, dict):
                if token in value:
                    deeper.append((f"{at}/{escaped}", value[token]))
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                deeper.append((f"{at}/{int(token)}", value[int(token)]))
        if not deeper:
            return deeper
        found = deeper
    return found


@lru_cache(maxsize=512)
def _pattern_tokens(pattern: str) -> tuple[tuple[str, str], ...]:
    """(token, token escaped again) of a pattern: a model's few patterns, taken apart once."""
    return tuple((token, escape_pointer_token(token)) for token in split_pointer(pattern))


def get_pointer(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` inside ``document``; None when there is none. A top-level field
    (what rules read most: a request's own fields) is read with ``get``, without the walk."""
    shape = _field_shape(pointer)
    if shape is not None and not shape[2] and isinstance(document, dict):
        return document.get(shape[0])
    node = document
    for token in _tokens(pointer):
        if isinstance(node, dict):
            if token not in node:
                return None
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


@lru_cache(maxsize=1024)
def _tokens(pointer: str) -> tuple[str, ...]:
    """:func:`split_pointer`, once per pointer: the rules read the same few pointers of every request."""
    return tuple(split_pointer(pointer))


def pattern_matches(pattern: str, pointer: str) -> bool:
    """Whether ``pointer`` is one of the pointers ``pattern`` names (``*``: any one token)."""
    wanted, given = pattern.split("/"), pointer.split("/")
    return len(wanted) == len(given) and all(w in ("*", g) for w, g in zip(wanted, given, strict=True))


def covers(outer: str, pointer: str) -> bool:
    """``/model_params`` covers itself and everything below it; ``""`` covers the whole document."""
    return pointer == outer or pointer.startswith(outer + "/") or outer == ""
