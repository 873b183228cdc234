"""jsonschema's errors for an invalid request, found where jsonschema-rs says they are.

jsonschema walks the whole request through every ``$ref`` to produce its errors (~250 us for
a small invalid request); jsonschema-rs (the optional ``fast`` extra) finds the failing places
in a few microseconds but words and structures its errors differently. So jsonschema stays
the reference: jsonschema-rs only says *where* (the keyword's evaluation path and the instance
location), and there the keyword's errors are made exactly as jsonschema's walk would have
made them, put in the order its walk would have produced them: by ``vidlint.check.leaf_errors``
for a keyword that looks at one value (without importing jsonschema), else by jsonschema
running that one keyword (same function, same schema node, same resolver). What an evaluation
path leads to in the schema (the node, jsonschema's schema path, the ``$ref``s taken) depends
on the schema only: it is worked out once per model and path (``_Plan``), and a request only
walks its own values along it.

jsonschema-rs checks ``pattern`` as Python's ``re`` does: a pattern made of pieces both read
alike (``^[Hh][Tt][Tt][Pp][Ss]://``; ``\\s`` and ``\\S`` written out as Python's white space,
a final ``$`` as ``\\n?\\z``: see ``rust_pattern``) is jsonschema-rs's own, whose errors carry
the evaluation path; any other (``(?i)``, ``\\b``, lookahead) goes to a custom keyword that runs
Python's ``re.search``, whose error carries the schema location instead, which only walks where
no ``$ref`` led to it. A request jsonschema-rs would read otherwise (NaN, infinities, integers
past 64 bits, text that is not UTF-8) goes to jsonschema, and so does one with a place
jsonschema does not confirm.

The walk follows only steps whose instance location it knows (``properties``, ``items``,
``prefixItems``, ``additionalProperties``, ``$ref``, ``allOf``, ``then``/``else``); at any other
applicator (``anyOf``, ``not``, ``propertyNames``, ...) it stops and runs that applicator
whole. Anything unexpected (jsonschema-rs absent or refusing a value, a path that does not
walk, a place not confirmed) answers None, and the caller runs jsonschema over the whole request.
``VIDLINT_NO_NATIVE_SCHEMA=1`` turns this off. ``tests/test_native_schema.py`` holds both
paths to the same diagnostics on generated requests of every model and on the bench corpus.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
from typing import Any, Callable, Iterator, NamedTuple

from vidlint.load.document import NATIVE_INTS, NATIVE_TEXT_LIMIT
from vidlint.load.positions import LONE_SURROGATE
from vidlint.models import ModelProfile, follow_pointer, forget_with_models, load_schema_file

DISABLE_ENV = "VIDLINT_NO_NATIVE_SCHEMA"
# the keyword name under which jsonschema-rs runs a pattern with Python's re
PYTHON_PATTERN = "x-vidlint-python-pattern"

_NATIVE: dict[str, Any] = {}
forget_with_models(_NATIVE.clear)


def enabled() -> bool:
    """Whether jsonschema-rs may be asked: not turned off, and installed (found, not imported)."""
    if os.environ.get(DISABLE_ENV):
        return False
    try:
        return importlib.util.find_spec("jsonschema_rs") is not None
    except (ImportError, ValueError):
        return False


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
                    _python_patterns(schema), keywords={PYTHON_PATTERN: _PythonPattern}, validate_formats=False)
            except Exception:  # noqa: BLE001 - a schema it cannot compile: jsonschema alone
                _NATIVE[profile.name] = None
    return _NATIVE[profile.name]


def loaded_validator(profile: ModelProfile) -> Any:
    """The jsonschema-rs validator if it has been built already (None otherwise): a valid
    request is not worth jsonschema-rs's import (~30 ms) on its own."""
    return _NATIVE.get(profile.name)


def is_valid(request: Any, native: Any) -> bool | None:
    """jsonschema-rs's yes or no for ``request``, a request it reads alike (``reads_alike``);
    None where it refuses a value."""
    try:
        return bool(native.is_valid(request))
    except Exception:  # noqa: BLE001 - a value it cannot take (a lone surrogate, ...)
        return None


class _PythonPattern:
    """``pattern`` as jsonschema checks it (Python's ``re.search``), for the patterns Rust's
    dialect may read otherwise; a pattern inside an ``if`` would otherwise even pick another
    branch."""

    def __init__(self, parent_schema: Any, value: str, schema_path: Any) -> None:
        self.regex = re.compile(value)

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not self.regex.search(instance):
            raise ValueError(f"{instance!r} does not match {self.regex.pattern!r}")


# The pieces of a pattern that Python's re and jsonschema-rs read alike: ASCII letters, digits
# and punctuation that are no syntax, escaped metacharacters, classes of ASCII letters and digits
# (ranges, and "+._" members, no negation), groups without "(?", alternation, the quantifiers;
# and \s and \S, which jsonschema-rs reads as ECMA-262 does (U+FEFF is white space, U+001C..U+001F
# and U+0085 are not): they are written out as Python's white space.
# (A pattern text: compiled by re's cache when a validator is first built, not by every run's import.)
_TOKEN = (r"""(?P<space>\\[sS])|\\[.\\()\[\]{}*+?|^$/-]|\[(?:[A-Za-z0-9](?:-[A-Za-z0-9])?|[+._])+-?\]
                        |[A-Za-z0-9 :/_,=@#%'"!<>;-]|[()|?*+]|\{[0-9]+(?:,[0-9]*)?\}""")
_PYTHON_WHITE_SPACE = "\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_RUST_SPACE = {"\\s": f"[{_PYTHON_WHITE_SPACE}]", "\\S": f"[^{_PYTHON_WHITE_SPACE}]"}


def rust_pattern(pattern: str) -> str | None:
    """``pattern`` in Rust's regex dialect, matching (``is_match``) the strings Python's
    ``re.search`` matches; None when it is not made only of pieces known to read alike (a
    ``^`` first and a ``$`` last included: searched, ``$`` is ``\\n?\\z``)."""
    if "(?" in pattern:  # flags, lookaround, named groups
        return None
    tokens = re.compile(_TOKEN, re.VERBOSE)
    out = []
    position, end = 0, len(pattern)
    if pattern.startswith("^"):
        out.append("^")
        position = 1
    escapes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
    if pattern.endswith("$") and escapes % 2 == 0:
        end -= 1  # an anchor, not an escaped "$"
    while position < end:
        token = tokens.match(pattern, position, end)
        if token is None:
            return None
        out.append(_RUST_SPACE[token.group()] if token.group("space") else token.group())
        position = token.end()
    if end < len(pattern):
        out.append(r"\n?\z")
    return "".join(out)


_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
              "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema")


def _python_patterns(node: Any) -> Any:
    """``node`` (a schema) with each pattern in Rust's dialect, or moved to the keyword that runs
    Python's ``re`` where there is no telling that Rust reads it alike."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SUBSCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _python_patterns(sub) for name, sub in value.items()}
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            out[key] = [_python_patterns(sub) for sub in value]
        elif key in _SUBSCHEMA:
            out[key] = _python_patterns(value)
        elif key == "pattern" and isinstance(value, str):
            rust = rust_pattern(value)
            out["pattern" if rust is not None else PYTHON_PATTERN] = rust if rust is not None else value
        else:
            out[key] = value
    return out


def _schemas_in(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema object in ``node`` (a schema), ``node`` first."""
    if not isinstance(node, dict):
        return
    yield node
    for key, value in node.items():
        if key in _SUBSCHEMA_MAPS and isinstance(value, dict):
            for sub in value.values():
                yield from _schemas_in(sub)
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            for sub in value:
                yield from _schemas_in(sub)
        elif key in _SUBSCHEMA:
            yield from _schemas_in(value)


def _mentions(node: Any, keyword: str) -> bool:
    if isinstance(node, dict):
        return keyword in node or any(_mentions(value, keyword) for value in node.values())
    return isinstance(node, list) and any(_mentions(value, keyword) for value in node)


def reads_alike(value: Any) -> bool:
    """Whether jsonschema-rs sees ``value`` as Python does, at a memory cost like jsonschema's: it
    reads NaN and infinities as null and may round integers past 64 bits; text with a lone
    surrogate (not UTF-8) it refuses, or passes over where no keyword reads it; a text longer
    than ``NATIVE_TEXT_LIMIT`` it would copy several times. A value of a type json.loads does
    not make (a subclass, a tuple) is not vouched for either. Asked once per request, before
    jsonschema-rs sees it (``is_valid``, ``confirmed_sites``). A loop over a list that grows
    as containers are met, not recursion: a request may nest as deep as the JSON reader allows.
    A loaded document's parser notes the same as it reads (``Document.plain``): then this walk
    is not needed (``schema.check_schemas``)."""
    pending = [value]
    for item in pending:
        kind = type(item)
        if kind is str:  # first: most values are text
            if len(item) > NATIVE_TEXT_LIMIT or (not item.isascii() and re.search(LONE_SURROGATE, item)):
                return False
        elif kind is dict:
            pending += item.values()
        elif kind is list:
            pending += item
        elif kind is int:
            if item not in NATIVE_INTS:
                return False
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif kind is not bool and item is not None:
            return False
    return True


class _Unwalkable(Exception):
    """An evaluation path this module does not follow: jsonschema checks the whole request."""


class _Step(NamedTuple):
    """One step of an evaluation path into the instance."""

    keyword: str  # properties, prefixItems, items or additionalProperties
    key: Any  # the property name or item index the step must take (None: any item / extra key)
    order: tuple[int, ...]  # the order key of the schema steps up to and including this one


class _Plan:
    """Where an evaluation path leads in the schema, whatever the request."""

    __slots__ = ("steps", "order", "named", "schema_path", "node", "keyword", "hops", "evolved")

    def __init__(self, steps: tuple[_Step, ...], order: tuple[int, ...], schema_path: tuple[Any, ...],
                 node: dict[str, Any], keyword: str, hops: tuple[tuple[str, Any, Any], ...]) -> None:
        self.steps = steps
        self.order = order  # the order key of the schema steps after the last instance step
        # where every step names its key (properties, prefixItems): the one instance path there
        # and the whole order key, the same for every request
        self.named: tuple[tuple[Any, ...], tuple[int, ...]] | None = None
        if all(step.keyword in ("properties", "prefixItems") for step in steps):
            self.named = (tuple(step.key for step in steps), (*(i for step in steps for i in step.order), *order))
        self.schema_path = schema_path  # jsonschema's schema path to the node
        self.node = node
        self.keyword = keyword
        self.hops = hops  # ("$ref", reference, node it leads to) / ("$id", node, node): for jsonschema's resolver
        self.evolved: Any = None  # jsonschema's validator evolved to the node and its resolver, once needed


_PLANS: dict[str, dict[tuple[Any, ...], _Plan | None]] = {}
forget_with_models(_PLANS.clear)


class Site(NamedTuple):
    """A place jsonschema-rs reports: where its evaluation path leads in the schema, and the value there."""

    plan: _Plan
    instance_path: tuple[Any, ...]
    instance: Any


def confirmed_sites(request: Any, profile: ModelProfile) -> list[Site] | None:
    """The places jsonschema-rs reports for ``request`` (one it ``reads_alike``), each once, in
    the order jsonschema's walk reaches them; None: run jsonschema whole."""
    native = native_validator(profile)
    if native is None:
        return None
    try:
        places = dict.fromkeys((tuple(e.evaluation_path), tuple(e.instance_path)) for e in native.iter_errors(request))
    except Exception:  # noqa: BLE001 - a value it cannot take (a lone surrogate, ...)
        return None
    plans = _PLANS.get(profile.name)
    if plans is None:
        plans = _PLANS[profile.name] = {}
    sites: dict[tuple[int, ...], Site] = {}
    for evaluation_path, instance_path in places:
        if evaluation_path not in plans:
            try:
                plans[evaluation_path] = _plan(profile, evaluation_path)
            except (_Unwalkable, KeyError, IndexError, ValueError, TypeError, OSError):
                plans[evaluation_path] = None
        plan = plans[evaluation_path]
        if plan is None:
            return None
        try:
            order, instance = _walk(request, plan, instance_path)
        except (_Unwalkable, KeyError, IndexError, TypeError):
            return None
        sites.setdefault(order, Site(plan, instance_path, instance))
    if len(sites) > 1:  # most invalid requests have one place
        sites = dict(sorted(sites.items()))  # the order keys differ: no sites compared
    return list(sites.values()) or None


def site_errors(site: Site, jsonschema_validator: Callable[[], Any]) -> list[Any] | None:
    """jsonschema's errors of the keyword at ``site`` (``jsonschema_validator()``: the model's
    jsonschema validator, asked for only where jsonschema is to run the keyword); None where
    there are none (the engines disagree) or the keyword does not run there: jsonschema decides,
    over the whole request."""
    from vidlint.check.leaf_errors import LEAF_KEYWORDS, leaf_errors  # an invalid request's: not every run's import

    plan, instance_path, instance = site
    found: list[Any] | None
    try:
        found = leaf_errors(plan.keyword, plan.node, instance, instance_path, plan.schema_path) \
            if plan.keyword in LEAF_KEYWORDS else None
        if found is None:
            found = list(_run_keyword(plan, instance, jsonschema_validator()))
            for error in found:  # jsonschema's paths start at the node: the plan's lead there
                error.schema_path.extendleft(reversed(plan.schema_path))
                error.path.extendleft(reversed(instance_path))
    except (_Unwalkable, RecursionError):  # as deep as the reader allows: jsonschema's own walk copes with it
        return None
    return found or None


def _walk(request: Any, plan: _Plan, instance_path: tuple[Any, ...]) -> tuple[tuple[int, ...], Any]:
    """The order key of ``plan``'s site in ``request`` (the order jsonschema's walk reaches
    sites in) and the value there; _Unwalkable where the request does not go that way."""
    if plan.named is not None:
        path, whole_order = plan.named
        if instance_path != path:
            raise _Unwalkable
        instance = request
        for key in path:
            instance = instance[key]
        return whole_order, instance
    if len(instance_path) != len(plan.steps):
        raise _Unwalkable
    order: list[int] = []
    instance = request
    for step, key in zip(plan.steps, instance_path, strict=True):
        order += step.order
        if step.keyword in ("properties", "prefixItems"):
            if key != step.key:
                raise _Unwalkable
        elif step.keyword == "items":
            if not (isinstance(instance, list) and isinstance(key, int)):
                raise _Unwalkable
            order.append(key)
        else:  # additionalProperties
            if not (isinstance(instance, dict) and key in instance):
                raise _Unwalkable
            order.append(list(instance).index(key))
        instance = instance[key]
    return (*order, *plan.order), instance


# steps that stay on the same instance: the next token names the subschema
_IN_PLACE = {"allOf", "then", "else"}
_INTO_INSTANCE = ("properties", "items", "prefixItems", "additionalProperties")


def follow_ref(profile: ModelProfile, file_name: str, ref: str) -> tuple[str, Any]:
    """Where a ``$ref`` in the schema file ``file_name`` leads: (file name, node). Relative
    references name files of ``schemas/``, as jsonschema's registry does (``vidlint.check.schema``)."""
    target, _, fragment = ref.partition("#")
    if target:
        file_name = target.rsplit("/", 1)[-1]
    document = profile.schema if file_name == profile.path.name else load_schema_file(file_name)
    return file_name, follow_pointer(document, fragment)


def _plan(profile: ModelProfile, evaluation_path: tuple[Any, ...]) -> _Plan:
    """Follow ``evaluation_path`` through the model's schema (and its ``$ref``s) to the keyword it ends in."""
    from vidlint.check.leaf_errors import KEYWORDS

    node: Any = profile.schema
    file_name = profile.path.name
    steps: list[_Step] = []
    order: list[int] = []
    schema_path: list[Any] = []
    hops: list[tuple[str, Any, Any]] = []
    tokens = list(evaluation_path)
    position = 0
    while True:
        if not isinstance(node, dict) or position >= len(tokens):
            raise _Unwalkable
        keys = list(node)
        token = tokens[position]
        last = position == len(tokens) - 1
        if last and token == PYTHON_PATTERN:
            token = "pattern"
        if last or token not in ("$ref", *_INTO_INSTANCE, *_IN_PLACE):
            if token not in KEYWORDS:  # e.g. "$defs": a location, not an evaluation path
                raise _Unwalkable
            order.append(keys.index(token))
            return _Plan(tuple(steps), tuple(order), tuple(schema_path), node, token, tuple(hops))
        if token == "$ref":
            order.append(keys.index(token))
            file_name, target = follow_ref(profile, file_name, node["$ref"])
            hops.append(("$ref", node["$ref"], target))
            node = target
            position += 1
            continue
        if token in ("then", "else"):
            order += [keys.index("if") if "if" in keys else keys.index(token), 0]
            node = node[token]
            schema_path.append(token)
            position += 1
        elif token == "allOf":
            index = int(tokens[position + 1])
            order += [keys.index(token), index]
            node = node[token][index]
            schema_path += [token, index]
            position += 2
        elif token in ("properties", "prefixItems"):
            key = tokens[position + 1] if token == "properties" else int(tokens[position + 1])
            order += [keys.index(token), list(node[token]).index(key) if token == "properties" else key]
            steps.append(_Step(token, key, tuple(order)))
            order = []
            schema_path += [token, key]
            node = node[token][key]
            position += 2
        else:  # items, additionalProperties: one subschema for every item / extra key
            order.append(keys.index(token))
            steps.append(_Step(token, None, tuple(order)))
            order = []
            schema_path.append(token)
            node = node[token]
            position += 1
        if isinstance(node, dict) and "$id" in node:
            hops.append(("$id", node, node))


def _resource(node: dict[str, Any]) -> Any:
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012.create_resource(node)


def _evolved(plan: _Plan, validator: Any) -> Any:
    """jsonschema's validator at the plan's node, with the resolver its own walk would have there."""
    if plan.evolved is None:
        resolver = validator._resolver
        for kind, value, node in plan.hops:
            if kind == "$ref":
                resolved = resolver.lookup(value)
                if resolved.contents is not node:  # the two resolutions differ: jsonschema decides
                    raise _Unwalkable
                resolver = resolved.resolver
            else:
                resolver = resolver.in_subresource(_resource(node))
        plan.evolved = validator.evolve(schema=plan.node, _resolver=resolver)
    return plan.evolved


def _run_keyword(plan: _Plan, instance: Any, validator: Any) -> Iterator[Any]:
    """The errors of one keyword of the plan's node on ``instance``, as ``Validator.iter_errors`` makes them."""
    keyword, node, evolved = plan.keyword, plan.node, _evolved(plan, validator)
    value = node[keyword]
    check = evolved.VALIDATORS.get(keyword)
    if check is None:
        return
    for error in check(evolved, value, instance, node) or ():
        error._set(validator=keyword, validator_value=value, instance=instance, schema=node,
                   type_checker=evolved.TYPE_CHECKER)
        if keyword not in {"if", "$ref"}:
            error.schema_path.appendleft(keyword)
        yield error
