"""jsonschema's errors for the keywords that look at one value only, made without jsonschema.

Importing jsonschema costs ~115 ms of CPU, more than the schema checks of a few hundred invalid
requests together. Where jsonschema-rs has said which keyword fails at which place
(``vidlint.check.native_schema``), the errors of a keyword that only compares the value with
the keyword's own value (``type``, ``enum`` of strings, ``maximum``, ``required``, ...) are
made here as jsonschema makes them: same conditions, same number and order, with the same
attributes the translations read (``validator``, ``validator_value``, ``instance``, ``schema``,
``absolute_path``, ``absolute_schema_path``). Only the message, read by the few translations
that show jsonschema's own words, imports jsonschema, which then words it. Any other keyword
(or an ``enum`` or ``const`` of other values) answers None: jsonschema runs it.
``tests/test_native_schema.py`` holds the output to jsonschema's own walk.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from vidlint.rules.schema import extra_keys

# Draft 2020-12's keywords (jsonschema's Draft202012Validator.VALIDATORS): the last step of an
# evaluation path names one of them; a step that does not is a schema location ("$defs").
KEYWORDS = frozenset({
    "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "const", "contains", "dependentRequired",
    "dependentSchemas", "enum", "exclusiveMaximum", "exclusiveMinimum", "format", "if", "items", "maxItems",
    "maxLength", "maxProperties", "maximum", "minItems", "minLength", "minProperties", "minimum", "multipleOf",
    "not", "oneOf", "pattern", "patternProperties", "prefixItems", "properties", "propertyNames", "required",
    "type", "unevaluatedItems", "unevaluatedProperties", "uniqueItems",
})


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# jsonschema's default type checker, for what json.loads makes
_IS_TYPE: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "number": _number,
    "integer": lambda value: _number(value) and (isinstance(value, int) or value.is_integer()),
}


def _type(types: Any, value: Any, node: dict[str, Any]) -> int | None:
    names = [types] if isinstance(types, str) else types
    if not all(name in _IS_TYPE for name in names):
        return None
    return 0 if any(_IS_TYPE[name](value) for name in names) else 1


def _strings(allowed: list[Any], value: Any, node: Any = None) -> int | None:
    # jsonschema compares a string with ==; other values need its type-aware equality
    if not all(isinstance(each, str) for each in allowed):
        return None
    return 0 if any(each == value for each in allowed) else 1


# keyword -> (keyword value, instance, schema node) -> how many errors jsonschema yields (None: ask jsonschema)
_COUNT: dict[str, Callable[[Any, Any, dict[str, Any]], int | None]] = {
    "type": _type,
    "enum": _strings,
    "const": lambda const, value, node: _strings([const], value),
    "minimum": lambda limit, value, node: int(_number(value) and value < limit),
    "maximum": lambda limit, value, node: int(_number(value) and value > limit),
    "exclusiveMinimum": lambda limit, value, node: int(_number(value) and value <= limit),
    "exclusiveMaximum": lambda limit, value, node: int(_number(value) and value >= limit),
    "minLength": lambda limit, value, node: int(isinstance(value, str) and len(value) < limit),
    "maxLength": lambda limit, value, node: int(isinstance(value, str) and len(value) > limit),
    "minItems": lambda limit, value, node: int(isinstance(value, list) and len(value) < limit),
    "maxItems": lambda limit, value, node: int(isinstance(value, list) and len(value) > limit),
    "minProperties": lambda limit, value, node: int(isinstance(value, dict) and len(value) < limit),
    "maxProperties": lambda limit, value, node: int(isinstance(value, dict) and len(value) > limit),
    "pattern": lambda pattern, value, node: int(isinstance(value, str) and not re.search(pattern, value)),
    "required": lambda names, value, node: (
        sum(name not in value for name in names) if isinstance(value, dict) else 0),
    "dependentRequired": lambda needs, value, node: (
        sum(each not in value for given, needed in needs.items() if given in value for each in needed)
        if isinstance(value, dict) else 0),
    "additionalProperties": lambda allowed, value, node: (
        None if isinstance(allowed, dict) else int(not allowed and isinstance(value, dict) and bool(extra_keys(value, node)))),
}
LEAF_KEYWORDS = frozenset(_COUNT)


class LeafError:
    """One error of a keyword at one place, as jsonschema's ``ValidationError`` shows it to the
    translations."""

    __slots__ = ("validator", "validator_value", "instance", "schema", "path", "schema_path", "index")

    def __init__(self, keyword: str, node: dict[str, Any], instance: Any, index: int,
                 path: tuple[Any, ...] = (), schema_path: tuple[Any, ...] = ()) -> None:
        self.validator = keyword
        self.validator_value = node[keyword]
        self.instance = instance
        self.schema = node
        # where the value is in the request, and the keyword in the schema; tuples, not
        # jsonschema's deques: made complete, read only
        self.path = path
        self.schema_path = (*schema_path, keyword)
        self.index = index  # which of the keyword's errors at this place

    @property
    def absolute_path(self) -> tuple[Any, ...]:
        return self.path

    @property
    def absolute_schema_path(self) -> tuple[Any, ...]:
        return self.schema_path

    @property
    def message(self) -> str:
        from jsonschema.validators import Draft202012Validator  # only jsonschema's own words need it

        check = Draft202012Validator.VALIDATORS[self.validator]
        errors = list(check(Draft202012Validator({}), self.validator_value, self.instance, self.schema))
        return str(errors[self.index].message)


def leaf_errors(keyword: str, node: dict[str, Any], instance: Any, path: tuple[Any, ...] = (),
                schema_path: tuple[Any, ...] = ()) -> list[LeafError] | None:
    """jsonschema's errors of ``node``'s ``keyword`` on ``instance`` (at ``path`` in the request,
    ``node`` at ``schema_path`` in the schema); None: jsonschema is to run it."""
    count = _COUNT[keyword](node[keyword], instance, node)
    if count is None:
        return None
    return [LeafError(keyword, node, instance, index, path, schema_path) for index in range(count)]
