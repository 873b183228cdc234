"""Hover on a field: what the request's model documents about it (from the bundled schema:
description, range, length, items, allowed values, default)."""

from __future__ import annotations

from functools import cache
from typing import Any

from vidlint.core.pointers import split_pointer
from vidlint.core.wording import number, span
from vidlint.load import Document
from vidlint.models import follow_pointer, load_profile


@cache
def _bundled(model: str) -> dict[str, Any] | None:
    from vidlint.schema_bundle import bundle

    profile = load_profile(model)
    return None if profile is None else bundle(profile)


def _resolved(node: Any, root: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its local ``$ref`` chain merged in; keys written next to a ``$ref`` win."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#") and seen < 16:
        target = follow_pointer(root, node["$ref"][1:])
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}} if isinstance(target, dict) else target
        seen += 1
    return node if isinstance(node, dict) else {}


def field_schema(model: str, pointer: str) -> dict[str, Any] | None:
    """The schema of the value at ``pointer`` in a request for ``model``; None if not documented."""
    root = _bundled(model)
    if root is None:
        return None
    node = _resolved(root, root)
    for token in split_pointer(pointer):
        if token in node.get("properties", {}):
            node = _resolved(node["properties"][token], root)
        elif token.isdigit() and isinstance(node.get("items"), dict):
            node = _resolved(node["items"], root)
        elif isinstance(node.get("additionalProperties"), dict):
            node = _resolved(node["additionalProperties"], root)
        else:
            return None
    return node


def _span(low: Any, high: Any, unit: str) -> str | None:
    if low is None and high is None:
        return None
    if high is None:
        return f"at least {number(low)}{unit}"
    if low is None:
        return f"at most {number(high)}{unit}"
    return span(low, high, unit)


def describe(model: str, pointer: str) -> str | None:
    """Markdown for the field at ``pointer``: its documented limits for ``model``."""
    node = field_schema(model, pointer)
    if node is None or pointer == "":
        return None
    name = split_pointer(pointer)[-1]
    kind = node.get("type")
    title = f"**{name}**" + (f" ({kind})" if isinstance(kind, str) else "") + f" · {model}"
    if node.get("not") == {}:
        return f"{title}\n\nnot taken by this model. {node.get('description', '')}".rstrip()
    lines = [title]
    if node.get("description"):
        lines += ["", str(node["description"])]
    facts = [
        ("range", _span(node.get("minimum", node.get("exclusiveMinimum")), node.get("maximum", node.get("exclusiveMaximum")), "")),
        ("length", _span(node.get("minLength"), node.get("maxLength"), " characters")),
        ("items", _span(node.get("minItems"), node.get("maxItems"), "")),
        ("one of", ", ".join(f"`{v}`" for v in node["enum"]) if isinstance(node.get("enum"), list) else None),
        ("must be", f"`{node['const']}`" if "const" in node else None),
        ("default", f"`{node['default']}`" if "default" in node else None),
    ]
    listed = [f"- {label}: {value}" for label, value in facts if value]
    if listed:
        lines += [""] + listed
    return "\n".join(lines)


def pointer_at(document: Document, offset: int) -> tuple[str, int] | None:
    """The pointer and start offset of the key under ``offset`` (or of the scalar value under it)."""
    from vidlint.lsp.ranges import token_end

    text = document.text
    for kind in (document.index.keys, document.index.values):
        for pointer, start in kind.items():
            if text[start] not in "{[" and start <= offset < token_end(text, start, inside_string=False):
                return pointer, start
    return None
