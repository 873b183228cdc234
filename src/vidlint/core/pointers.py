"""JSON pointers (RFC 6901), the one set of helpers: escape and split tokens, make a pointer,
read the value at one, match pointer patterns (``*`` for any array index or object key), and
say whether one pointer covers another."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def make_pointer(*tokens: str | int) -> str:
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def match_pattern(node: Any, pattern: str) -> Iterator[tuple[str, Any]]:
    """(pointer, value) for every value inside ``node`` that a pointer pattern matches, in
    document order: ``*`` stands for any array index or object key; a number also indexes an
    array (``/image_urls/*``, ``/model_params/voice_bindings/*``, ``/image_start``)."""
    return _match(node, _pattern_tokens(pattern), "")


@lru_cache(maxsize=512)
def _pattern_tokens(pattern: str) -> tuple[str, ...]:
    return tuple(split_pointer(pattern))  # a model's few patterns, taken apart once


def _match(node: Any, tokens: tuple[str, ...], at: str) -> Iterator[tuple[str, Any]]:
    # ``at``: the pointer of ``node``, extended one token at a time (never rebuilt from all of them)
    if not tokens:
        yield at, node
        return
    token, rest = tokens[0], tokens[1:]
    if token == "*":
        if isinstance(node, list):
            for index, child in enumerate(node):
                yield from _match(child, rest, f"{at}/{index}")
        elif isinstance(node, dict):
            for name, child in node.items():
                yield from _match(child, rest, f"{at}/{escape_pointer_token(name)}")
        return
    if isinstance(node, dict) and token in node:
        yield from _match(node[token], rest, f"{at}/{escape_pointer_token(token)}")
    elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
        yield from _match(node[int(token)], rest, f"{at}/{int(token)}")


def get_pointer(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` inside ``document``; None when there is none."""
    if pointer.count("/") == 1 and "~" not in pointer:  # "/field", the common case
        return document.get(pointer[1:]) if isinstance(document, dict) else None
    node = document
    for token in split_pointer(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def pattern_matches(pattern: str, pointer: str) -> bool:
    """Whether ``pointer`` is one of the pointers ``pattern`` names (``*``: any one token)."""
    wanted, given = pattern.split("/"), pointer.split("/")
    return len(wanted) == len(given) and all(w in ("*", g) for w, g in zip(wanted, given, strict=True))


def covers(outer: str, pointer: str) -> bool:
    """``/model_params`` covers itself and everything below it; ``""`` covers the whole document."""
    return pointer == outer or pointer.startswith(outer + "/") or outer == ""
