"""jsonschema's errors for an invalid request, found where jsonschema-rs says they are.

jsonschema walks the whole request through every ``$ref`` to produce its errors (~250 us for
a small invalid request); jsonschema-rs (the optional ``fast`` extra) finds the failing places
in a few microseconds but words and structures its errors differently. So jsonschema stays
the reference: jsonschema-rs only says *where* (the keyword's evaluation path and the instance
location), and there jsonschema runs that one keyword, exactly as its own walk would have
(same function, same schema node, same resolver), giving the same error objects, put in the
order jsonschema's walk would have produced them. jsonschema-rs checks ``pattern`` with
Python's ``re``, as jsonschema does (Rust's dialect differs); a request it would read
otherwise (NaN, infinities, integers past 64 bits) goes to jsonschema, and so does one with a
place jsonschema does not confirm, or a failed ``pattern`` (jsonschema-rs gives a custom
keyword's error the schema location, not the evaluation path).

The walk follows only steps whose instance location it knows (``properties``, ``items``,
``prefixItems``, ``additionalProperties``, ``$ref``, ``allOf``, ``then``/``else``); at any other
applicator (``anyOf``, ``not``, ``propertyNames``, ...) it stops and runs that applicator
whole. Anything unexpected (jsonschema-rs absent or refusing a value, a path that does not
walk, a place not confirmed) answers None, and the caller runs jsonschema over the whole request.
``VIDLINT_NO_NATIVE_SCHEMA=1`` turns this off. ``tests/test_native_schema.py`` holds both
paths to the same diagnostics on generated requests of every model and on the bench corpus.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any, Iterator

from vidlint.models import ModelProfile, forget_with_models

DISABLE_ENV = "VIDLINT_NO_NATIVE_SCHEMA"

_NATIVE: dict[str, Any] = {}
forget_with_models(_NATIVE.clear)


def native_validator(profile: ModelProfile) -> Any:
    """The jsonschema-rs validator of the model's bundled schema; None without jsonschema-rs."""
    if profile.name not in _NATIVE:
        try:
            import jsonschema_rs
        except ImportError:
            _NATIVE[profile.name] = None
        else:
            from vidlint.schema_bundle import bundle

            schema = bundle(profile)
            try:  # formats are not asserted, as jsonschema does not by default
                _NATIVE[profile.name] = None if _mentions(schema, "patternProperties") else jsonschema_rs.validator_for(
                    schema, keywords={"pattern": _PythonPattern}, validate_formats=False)
            except Exception:  # noqa: BLE001 - a schema it cannot compile: jsonschema alone
                _NATIVE[profile.name] = None
    return _NATIVE[profile.name]


class _PythonPattern:
    """``pattern`` as jsonschema checks it (Python's ``re.search``): Rust's regex dialect differs
    (``\\S`` lets U+001F through, ``$`` does not match before a final newline, ...), and a
    pattern inside an ``if`` would otherwise even pick another branch."""

    def __init__(self, parent_schema: Any, value: str, schema_path: Any) -> None:
        self.regex = re.compile(value)

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not self.regex.search(instance):
            raise ValueError(f"{instance!r} does not match {self.regex.pattern!r}")


def _mentions(node: Any, keyword: str) -> bool:
    if isinstance(node, dict):
        return keyword in node or any(_mentions(value, keyword) for value in node.values())
    return isinstance(node, list) and any(_mentions(value, keyword) for value in node)


def _rust_reads_alike(value: Any) -> bool:
    """Whether jsonschema-rs sees ``value`` as Python does: it reads NaN and infinities as null
    and may round integers past 64 bits (a lone surrogate makes it raise). A loop, not recursion:
    a request may nest as deep as the JSON reader allows."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif isinstance(item, int) and not -(2**63) <= item < 2**64:
            return False
    return True


class _Unwalkable(Exception):
    """An evaluation path this module does not follow: jsonschema checks the whole request."""


def confirmed_errors(request: Any, profile: ModelProfile, validator: Any) -> list[Any] | None:
    """jsonschema's errors for ``request`` (``validator``: the model's jsonschema validator), in
    jsonschema's order, found at the places jsonschema-rs reports; None: run jsonschema whole."""
    if os.environ.get(DISABLE_ENV):
        return None
    native = native_validator(profile)
    if native is None or not _rust_reads_alike(request):
        return None
    try:
        places = dict.fromkeys((tuple(e.evaluation_path), tuple(e.instance_path)) for e in native.iter_errors(request))
    except Exception:  # noqa: BLE001 - a value it cannot take (a lone surrogate, ...)
        return None
    sites: dict[tuple[int, ...], _Site] = {}
    try:
        for evaluation_path, instance_path in places:
            site = _site(request, validator, evaluation_path, instance_path)
            sites.setdefault(site[0], site)
    except (_Unwalkable, RecursionError):
        return None
    errors: list[Any] = []
    for _, (_, node, schema_path, path, resolver, instance, keyword) in sorted(sites.items(), key=lambda item: item[0]):
        try:
            found = list(_run_keyword(validator, node, resolver, keyword, instance))
        except RecursionError:  # as deep as the reader allows: jsonschema's own walk copes with it
            return None
        if not found:  # the engines disagree here: jsonschema decides, over the whole request
            return None
        for error in found:
            error.schema_path.extendleft(reversed(schema_path))
            error.path.extendleft(reversed(path))
            errors.append(error)
    return errors or None


# (order key, schema node, jsonschema's schema path to it, instance path, resolver, instance, keyword)
_Site = tuple[tuple[int, ...], Any, list[Any], list[Any], Any, Any, str]

# steps that stay on the same instance: the next token names the subschema
_IN_PLACE = {"allOf", "then", "else"}


def _site(request: Any, validator: Any, evaluation_path: tuple[Any, ...],
          instance_path: tuple[Any, ...]) -> _Site:
    """Where jsonschema is to run one keyword: (order key, schema node, jsonschema's schema path
    to the node, instance path, resolver, instance, keyword). The order key sorts sites in the
    order jsonschema's walk reaches them."""
    node: Any = validator.schema
    resolver = validator._resolver
    instance = request
    order: list[int] = []
    schema_path: list[Any] = []
    path: list[Any] = []
    tokens = list(evaluation_path)
    at = 0  # next instance token
    position = 0
    try:
        while True:
            if not isinstance(node, dict) or position >= len(tokens):
                raise _Unwalkable
            keys = list(node)
            token = tokens[position]
            last = position == len(tokens) - 1
            if last or token not in ("$ref", "properties", "items", "prefixItems", "additionalProperties", *_IN_PLACE):
                if token not in validator.VALIDATORS:  # e.g. "$defs": a location, not an evaluation path
                    raise _Unwalkable
                order.append(keys.index(token))
                return (tuple(order), node, schema_path, path, resolver, instance, token)
            if token == "$ref":
                order.append(keys.index(token))
                resolved = resolver.lookup(node["$ref"])
                node, resolver = resolved.contents, resolved.resolver
                position += 1
                continue
            if token in ("then", "else"):
                order += [keys.index("if") if "if" in keys else keys.index(token), 0]
                node = node[token]
                schema_path.append(token)
                position += 1
            elif token == "allOf":
                index = tokens[position + 1]
                order += [keys.index(token), int(index)]
                node = node[token][int(index)]
                schema_path += [token, int(index)]
                position += 2
            else:  # a step into the instance: one instance token
                step = instance_path[at]
                at += 1
                if token == "properties":
                    name = tokens[position + 1]
                    if name != step:
                        raise _Unwalkable
                    order += [keys.index(token), list(node[token]).index(name)]
                    schema_path += [token, name]
                    node = node[token][name]
                    position += 2
                elif token == "prefixItems":
                    index = int(tokens[position + 1])
                    if index != step:
                        raise _Unwalkable
                    order += [keys.index(token), index]
                    schema_path += [token, index]
                    node = node[token][index]
                    position += 2
                else:  # items, additionalProperties: one subschema for every item / extra key
                    if token == "items" and not (isinstance(instance, list) and isinstance(step, int)):
                        raise _Unwalkable
                    if token == "additionalProperties" and not (isinstance(instance, dict) and step in instance):
                        raise _Unwalkable
                    order += [keys.index(token), step if token == "items" else list(instance).index(step)]
                    schema_path.append(token)
                    node = node[token]
                    position += 1
                instance = instance[step]
                path.append(step)
            if isinstance(node, dict) and "$id" in node:
                resolver = resolver.in_subresource(_resource(node))
    except (KeyError, IndexError, ValueError, TypeError) as problem:
        raise _Unwalkable from problem


def _resource(node: dict[str, Any]) -> Any:
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012.create_resource(node)


def _run_keyword(validator: Any, node: dict[str, Any], resolver: Any, keyword: str, instance: Any) -> Iterator[Any]:
    """The errors of one keyword of ``node`` on ``instance``, as ``Validator.descend`` makes them."""
    evolved = validator.evolve(schema=node, _resolver=resolver)
    check = evolved.VALIDATORS.get(keyword)
    if check is None:
        return
    value = node[keyword]
    for error in check(evolved, value, instance, node) or ():
        error._set(validator=keyword, validator_value=value, instance=instance, schema=node,
                   type_checker=evolved.TYPE_CHECKER)
        if keyword not in {"if", "$ref"}:
            error.schema_path.appendleft(keyword)
        yield error
