"""Conditions in model data: a small subset of JSON Schema applied to a request.

Every ``"when"`` in a model's ``x-vidlint`` data is a JSON Schema. :func:`holds` evaluates it
without jsonschema (which is slow to import and build) for the keywords in ``KEYWORDS``;
:func:`unsupported` names any other keyword, so a model file cannot use one by mistake;
:func:`describe` says a condition in words for messages ("when video_url is given").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

KEYWORDS = frozenset({
    "type", "const", "enum", "required", "properties", "minItems", "maxItems", "minLength", "maxLength",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "pattern", "not", "allOf", "anyOf", "oneOf",
    "description", "$comment",
})
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _type_ok(value: Any, name: str) -> bool:
    if name == "integer":
        return _is_number(value) and float(value).is_integer()
    if name == "number":
        return _is_number(value)
    wanted = _TYPES.get(name)
    return wanted is not None and isinstance(value, wanted) and not (wanted is not bool and isinstance(value, bool))


def _equal(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def holds(condition: Any, value: Any) -> bool:
    """Whether ``value`` is valid against ``condition`` (``True``/``{}``: always; ``False``: never)."""
    if condition is True or condition == {}:
        return True
    if condition is False or not isinstance(condition, dict):
        return False
    for key, want in condition.items():
        if key == "type":
            names = [want] if isinstance(want, str) else want
            if not any(_type_ok(value, n) for n in names):
                return False
        elif key == "const":
            if not _equal(value, want):
                return False
        elif key == "enum":
            if not any(_equal(value, w) for w in want):
                return False
        elif key == "required":
            if isinstance(value, dict) and any(name not in value for name in want):
                return False
        elif key == "properties":
            if isinstance(value, dict) and any(name in value and not holds(sub, value[name])
                                               for name, sub in want.items()):
                return False
        elif key in ("minItems", "maxItems"):
            if isinstance(value, list) and not (len(value) >= want if key == "minItems" else len(value) <= want):
                return False
        elif key in ("minLength", "maxLength"):
            if isinstance(value, str) and not (len(value) >= want if key == "minLength" else len(value) <= want):
                return False
        elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if _is_number(value) and not {"minimum": value >= want, "maximum": value <= want,
                                          "exclusiveMinimum": value > want, "exclusiveMaximum": value < want}[key]:
                return False
        elif key == "pattern":
            if isinstance(value, str) and not _regex(want).search(value):
                return False
        elif key == "not":
            if holds(want, value):
                return False
        elif key == "allOf":
            if not all(holds(sub, value) for sub in want):
                return False
        elif key == "anyOf":
            if not any(holds(sub, value) for sub in want):
                return False
        elif key == "oneOf":
            if sum(1 for sub in want if holds(sub, value)) != 1:
                return False
    return True


def unsupported(condition: Any, where: str = "") -> list[str]:
    """Where ``condition`` uses a keyword :func:`holds` does not know (a model file's mistake)."""
    if isinstance(condition, bool):
        return []
    if not isinstance(condition, dict):
        return [f"{where or '/'}: a condition must be an object or a boolean"]
    found = [f"{where}/{key}" for key in condition if key not in KEYWORDS]
    for key, value in condition.items():
        if key == "properties" and isinstance(value, dict):
            for name, sub in value.items():
                found += unsupported(sub, f"{where}/properties/{name}")
        elif key == "not":
            found += unsupported(value, f"{where}/not")
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            for index, sub in enumerate(value):
                found += unsupported(sub, f"{where}/{key}/{index}")
    return found


def conditions_in(data: Any, where: str = "") -> list[tuple[str, Any]]:
    """Every ``when`` condition in a model's ``x-vidlint`` data, with where it is."""
    found: list[tuple[str, Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "when":
                found.append((f"{where}/when", value))
            else:
                found += conditions_in(value, f"{where}/{key}")
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found += conditions_in(item, f"{where}/{index}")
    return found


def _show(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def describe(condition: Any, prefix: str = "") -> str:
    """The condition in words, without "when": ``video_url is given``, ``shot_type is "customize"``."""
    if not isinstance(condition, dict) or not condition:
        return "always" if condition in (True, {}) else "never"
    parts: list[str] = []
    named = prefix or "the value"
    for key, want in condition.items():
        if key == "required":
            said = condition.get("properties") or {}  # "x.y is true" already says x is given
            parts += [f"{prefix + '.' if prefix else ''}{name} is given" for name in want
                      if not (isinstance(said.get(name), dict) and said[name] not in ({}, {"minLength": 1}, {"minItems": 1})
                              and describe(said[name], f"{prefix}.{name}" if prefix else name) != "always")]
        elif key == "properties":
            for name, sub in want.items():
                if name in condition.get("required", ()) and sub in ({"minLength": 1}, {"minItems": 1}):
                    continue  # "given" says it: an empty value is not what a reader pictures
                text = describe(sub, f"{prefix}.{name}" if prefix else name)
                if text != "always":
                    parts.append(text)
        elif key == "const":
            parts.append(f"{named} is {_show(want)}")
        elif key == "enum":
            parts.append(f"{named} is one of {', '.join(_show(w) for w in want)}")
        elif key == "minItems":
            parts.append(f"{named} is non-empty" if want == 1 else f"{named} has at least {want} items")
        elif key == "maxItems":
            parts.append(f"{named} is empty" if want == 0 else f"{named} has at most {want} items")
        elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[key]
            parts.append(f"{named} {sign} {want}")
        elif key == "pattern":
            parts.append(f"{named} matches {_show(want)}")
        elif key == "type":
            parts.append(f"{named} is {'/'.join([want] if isinstance(want, str) else want)}")
        elif key == "not":
            inner = describe(want, prefix)
            parts.append(inner.replace(" is given", " is not given") if inner.endswith(" is given")
                         and " and " not in inner and " or " not in inner else f"not ({inner})")
        elif key == "allOf":
            parts += [describe(sub, prefix) for sub in want]
        elif key in ("anyOf", "oneOf"):
            parts.append("(" + " or ".join(describe(sub, prefix) for sub in want) + ")")
        elif key == "minLength" and want == 1:
            parts.append(f"{named} is non-empty")
        elif key in ("minLength", "maxLength"):
            parts.append(f"{named} has {'at least' if key == 'minLength' else 'at most'} {want} characters")
    return " and ".join(p for p in parts if p) or "always"
