"""VL1xx (and VL301): errors of the model's JSON Schema, translated into words.

Each code is one rule (stage ``schema``) taking ``(error, profile)``: a jsonschema error and
the model's profile. ``TRANSLATES`` says which rules translate an unannotated error of each
JSON Schema keyword; annotated schema nodes (``x-vidlint-code``) name their rule themselves.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterator

from vidlint.core.wording import did_you_mean, label, number, plural, show, span, type_name
from vidlint.core.pointers import make_pointer
from vidlint.fix import Fix
from vidlint.fix.ops import MoveToTop, RenameKey, ReplaceValue
from vidlint.models import ModelProfile, forget_with_models
from vidlint.rules.registry import Finding, Rule, rule




@rule("VL101", "missing-field", "error", stage="schema")
def missing_field(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A required field is missing.

    The model's schema lists the fields the API requires (for wan2.7-reference-video:
    ``model`` and ``prompt``). A request without them is rejected when it is sent.

    Breaks it: ``{"model": "wan2.7-reference-video", "image_urls": ["a.jpg"]}``
    Fix: add the field, for example ``"prompt": "Image 1 waves at the camera"``.
    """
    instance = error.instance if isinstance(error.instance, dict) else {}
    where = label(make_pointer(*error.absolute_path))
    for name in error.validator_value:
        if name not in instance:
            inside = "" if not error.absolute_path else f" in {where}"
            yield Finding(make_pointer(*error.absolute_path), f'missing required field "{name}"{inside}',
                          f'add "{name}" to the request')


_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_JSON_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?")  # as JSON writes a number: the fix reads it back


@rule("VL102", "wrong-type", "error", stage="schema", fix="safe")
def wrong_type(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A field has the wrong JSON type.

    Numbers written as strings, a single uri where an array is expected, a string where a
    boolean is expected: the API rejects these or reads them differently from what was meant.

    Breaks it: ``"duration": "5"``, ``"image_urls": "https://example.com/a.jpg"``.
    Fix: ``"duration": 5``, ``"image_urls": ["https://example.com/a.jpg"]``.

    The fix is safe: the request is invalid as written and the number, boolean or list is its
    only reading. It is offered only for a string that is exactly a number (``"5"``, not
    ``" 5"`` or ``"05"``), ``"true"``/``"false"``, or one string where a list is wanted.
    """
    expected = error.validator_value
    names = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(("an " if n[0] in "aeiou" else "a ") + n for n in names)
    value = error.instance
    pointer = make_pointer(*error.absolute_path)
    hint = fix = None
    if isinstance(value, str):
        stripped = value.strip()
        if ("integer" in names and _INTEGER.fullmatch(stripped)) or ("number" in names and _DECIMAL.fullmatch(stripped)):
            hint = f"write {stripped} without quotes"
        elif "boolean" in names and stripped.lower() in ("true", "false"):
            hint = f"write {stripped.lower()} without quotes"
        elif "array" in names:
            hint = f"wrap it in a list: [{show(value)}]"
            fix = Fix(f"wrap {label(pointer)} in a list", (ReplaceValue(pointer, [value]),))
        if hint and not fix and stripped == value and (stripped in ("true", "false") or _JSON_NUMBER.fullmatch(value)):
            fix = Fix(f"write {value} without quotes", (ReplaceValue(pointer, json.loads(value)),))
    elif "integer" in names and isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
        hint = f"use a whole number, for example {round(value)}"
    yield Finding(pointer, f"{label(pointer)} must be {wanted}, not {type_name(value)} ({show(value)})", hint, fix=fix)


@rule("VL103", "value-not-allowed", "error", stage="schema", fix="unsafe")
def value_not_allowed(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A field's value is not one of the values the API accepts.

    Enumerated fields (``quality``, ``aspect_ratio``) take exact strings: ``"720P"`` or
    ``"16/9"`` are rejected.

    Breaks it: ``"quality": "4k"``.
    Fix: ``"quality": "1080p"`` (or ``"720p"``, the default).

    The fix (unsafe: it is a guess) writes the "did you mean" value: ``"720P"`` -> ``"720p"``.
    """
    allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
    pointer = make_pointer(*error.absolute_path)
    texts = tuple(a for a in allowed if isinstance(a, str))
    choices = _shown(texts) if len(texts) == len(allowed) else ", ".join(show(a) for a in allowed)
    hint = fix = None
    if isinstance(error.instance, str):
        match = _guess(error.instance, texts)
        if match is None:
            normalised = error.instance.replace("/", ":").replace("x", ":").replace(" ", "")
            match = next((a for a in allowed if isinstance(a, str) and a.lower() == normalised.lower()), None)
        if match is not None:
            hint = f"did you mean {show(match)}?"
            fix = Fix(f"write {show(match)}", (ReplaceValue(pointer, match),))
    yield Finding(pointer, f"{label(pointer)} is {show(error.instance)}; expected one of {choices}", hint, fix=fix)


# Worked out once per model's list of names and the name given: a model has a few enums and
# fields, and the same wrong value or typo is met again and again in a batch.
@lru_cache(maxsize=256)
def _shown(allowed: tuple[str, ...]) -> str:
    """``"720p", "1080p"``: the values an enum of strings allows, as a message shows them."""
    return ", ".join(show(a) for a in allowed)


def _guess(given: str, names: tuple[str, ...]) -> str | None:
    """The name ``given`` most likely meant (``did_you_mean``), remembered for a name of typo
    length: a long text is no typo, and a cache would keep it in memory."""
    return _remembered_guess(given, names) if len(given) <= 100 else did_you_mean(given, names)


@lru_cache(maxsize=1024)
def _remembered_guess(given: str, names: tuple[str, ...]) -> str | None:
    return did_you_mean(given, names)


def _range(schema: dict[str, Any]) -> str:
    return _range_words(schema.get("minimum", schema.get("exclusiveMinimum")),
                        schema.get("maximum", schema.get("exclusiveMaximum")))


@lru_cache(maxsize=256, typed=True)  # a model's few ranges, in words once
def _range_words(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return span(low, high)
    if low is not None:
        return f"at least {number(low)}"
    return f"at most {number(high)}" if high is not None else "a number"


@rule("VL104", "out-of-range", "error", stage="schema", fix="unsafe")
def out_of_range(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A number is outside the documented range.

    ``duration`` is 2..15 whole seconds, ``seed`` is 1..2147483647. Out-of-range values are
    rejected by the API.

    Breaks it: ``"duration": 20``, ``"seed": 0``.
    Fix: ``"duration": 15``, ``"seed": 1``.

    The fix (unsafe: the video's length, its cost or the seed change) clamps the value to the
    nearest limit; there is none for an exclusive limit.
    """
    pointer = make_pointer(*error.absolute_path)
    where = label(pointer)
    yield Finding(pointer, f"{where} is {show(error.instance)}; the limit is {_range(error.schema)}",
                  fix=_clamp(pointer, where, error.instance, error.validator, error.schema))


def _clamp(pointer: str, where: str, value: Any, keyword: str, schema: dict[str, Any]) -> Fix | None:
    if keyword not in ("minimum", "maximum") or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    limit = schema[keyword]
    if isinstance(limit, float) and limit.is_integer() and isinstance(value, int):
        limit = int(limit)
    return Fix(f"clamp {where} to {limit}", (ReplaceValue(pointer, limit),))


def extra_keys(instance: Any, schema: dict[str, Any]) -> list[str]:
    """The keys of ``instance`` that ``schema``'s ``properties`` and ``patternProperties`` leave
    to ``additionalProperties``, in the instance's order."""
    properties = schema.get("properties", {})
    extra = [k for k in instance if k not in properties] if isinstance(instance, dict) else []
    patterns = schema.get("patternProperties")
    if patterns:
        extra = [k for k in extra if not any(re.search(p, k) for p in patterns)]
    return extra


def _extra_keys(error: Any) -> list[str]:
    return extra_keys(error.instance, error.schema)


@rule("VL105", "unknown-field", "error", stage="schema", fix="unsafe")
def unknown_field(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A field the model does not document.

    Unknown fields are ignored or rejected by the API; either way what they meant does not
    happen. Typos are the usual cause, so the message says which documented field is
    closest ("did you mean"). Fields nested in ``model_params`` that belong at the top level
    are reported as VL106, legacy fields as VL107.

    Breaks it: ``"aspectRatio": "9:16"``, ``"image_url": ["a.jpg"]``.
    Fix: ``"aspect_ratio": "9:16"``, ``"image_urls": ["a.jpg"]``.

    The fix (unsafe: the field starts to take effect, and the guess may be wrong) renames the
    field to its one "did you mean", when the request does not have that field already.
    """
    base = make_pointer(*error.absolute_path)
    # at the top level a legacy field is VL107's, below it a top-level field is VL106's
    others = (profile.meta.get("legacy_fields", {}) if not base else profile.schema.get("properties", {})) if profile else {}
    unknown = [key for key in _extra_keys(error) if key not in others]
    if not unknown:
        return
    names = _documented(error.schema, profile if not base else None)
    for key in unknown:
        pointer = base + make_pointer(key)
        guess = _guess(key, names)
        where = f" in {label(base)}" if base else ""
        message = f'unknown field "{key}"{where}'
        if guess:
            message += f'; did you mean "{guess}"?'
        hint = f'rename it to "{guess}"' if guess else f"documented fields: {', '.join(names)}"
        fix = Fix(f'rename "{key}" to "{guess}"', (RenameKey(pointer, guess),)) if guess and guess not in error.instance else None
        yield Finding(pointer, message, hint, at_key=True, fix=fix)


_DOCUMENTED: dict[tuple[int, str | None], tuple[dict[str, Any], tuple[str, ...]]] = {}
forget_with_models(_DOCUMENTED.clear)


def _documented(schema: dict[str, Any], top: ModelProfile | None) -> tuple[str, ...]:
    """The fields an object's schema documents, the names an unknown field may have meant: of
    the top level (``top``, the model's profile), those the model takes. The same for every
    error there: worked out once per schema node (kept with the node, which a reload replaces)."""
    key = (id(schema), top.name if top is not None else None)
    kept = _DOCUMENTED.get(key)
    if kept is None or kept[0] is not schema:
        known = list(schema.get("properties", {}))
        if top is not None:
            known = [k for k in known if k in top.fields]  # fields documented as not taken are no target
        kept = _DOCUMENTED[key] = (schema, tuple(k for k in known if k != "$schema"))
    return kept[1]


@rule("VL106", "misplaced-field", "error", stage="schema", fix="unsafe")
def misplaced_field(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A top-level field was nested inside another object (usually ``model_params``).

    The documentation lists ``model_params`` right before ``quality``, which reads as if
    ``quality``, ``aspect_ratio``, ``duration``, ``seed`` and ``prompt_extend`` were nested.
    They are not: ``model_params`` has one documented child, ``voice_bindings``. Nested, those
    fields are silently ignored and the defaults apply.

    Breaks it: ``"model_params": {"duration": 10}``.
    Fix: ``"duration": 10`` at the top level of the request.

    The fix (unsafe: the field starts to take effect, which changes the video and may change
    its cost) moves the field, its value as written, to the end of the top level, unless the
    top level has the field already.
    """
    if not error.absolute_path:
        return  # at the top level, nothing is misplaced
    base = make_pointer(*error.absolute_path)
    root_properties = profile.schema.get("properties", {}) if profile else {}
    for key in _extra_keys(error):
        if key in root_properties:
            yield Finding(base + make_pointer(key),
                          f'"{key}" belongs at the top level, not in {label(base)}: there the server ignores it',
                          f'move "{key}" out of {label(base)} to the top level of the request', at_key=True,
                          fix=Fix(f'move "{key}" to the top level', (MoveToTop(base + make_pointer(key)),)))


@rule("VL107", "legacy-field", "error", stage="schema", fix="safe")
def legacy_field(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A field from an earlier version of the model's API.

    Earlier versions of the wan2.7 schema circulate; requests written against them use
    fields the current API does not read (for example the singular ``audio_url``).

    Breaks it: ``"audio_url": "https://example.com/voice.mp3"``.
    Fix: ``"model_params": {"voice_bindings": {"image1": "https://example.com/voice.mp3"}}``.

    When the model data names the one field that replaces it (``replaced_by``), the fix (safe:
    the old field is not read, the new one means the same) renames the field, and wraps a single
    value in a list when the new field is a list. ``audio_url`` has two replacements: no fix.
    """
    if error.absolute_path:
        return  # legacy fields are top-level fields
    legacy = profile.meta.get("legacy_fields", {}) if profile else {}
    for key in _extra_keys(error):
        if key in legacy:
            yield Finding(make_pointer(key), legacy[key]["message"], legacy[key].get("hint"), at_key=True,
                          fix=_replace_legacy(key, legacy[key].get("replaced_by"), error.instance, profile))


def _replace_legacy(key: str, new: str | None, request: dict[str, Any], profile: ModelProfile | None) -> Fix | None:
    if not new or new in request or profile is None:
        return None
    ops: tuple[Any, ...] = (RenameKey(make_pointer(key), new),)
    wanted = profile.schema.get("properties", {}).get(new, {})
    if wanted.get("type") == "array" and not isinstance(request[key], list):
        ops += (ReplaceValue(make_pointer(key), [request[key]]),)
    return Fix(f'replace "{key}" with "{new}"', ops)


@rule("VL108", "wrong-count", "error", stage="schema")
def wrong_count(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """An array or object has more (or fewer) entries than allowed.

    Breaks it: six entries in ``audio_urls`` (at most 5).
    Fix: keep at most 5, or bind voices with ``model_params.voice_bindings``.
    """
    pointer = make_pointer(*error.absolute_path)
    count = len(error.instance) if isinstance(error.instance, (list, dict)) else 0
    noun = "item" if isinstance(error.instance, list) else "entry"
    bound = "at most" if error.validator.startswith("max") else "at least"
    counted = plural(count, noun)
    yield Finding(pointer, f"{label(pointer)} has {counted}; {bound} {error.validator_value} allowed")


@rule("VL109", "bad-string", "error", stage="schema")
def bad_string(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A string is empty, too long, or not of the documented form.

    An asset reference that is only white space (``" "``) is as empty as ``""``: the
    documentation lists an empty value among the validation errors.

    Breaks it: ``"image_urls": [""]`` or ``"image_start": " "``.
    Fix: give the asset's https uri, or a local path that ``vidlint submit`` uploads.
    """
    pointer = make_pointer(*error.absolute_path)
    value = error.instance if isinstance(error.instance, str) else ""
    if error.validator == "minLength" and not value:
        yield Finding(pointer, f"{label(pointer)} is an empty string", "give a value or remove the field")
    elif error.validator == "pattern" and isinstance(error.instance, str) and not value.strip():
        # the docs call an empty value a validation error; the server strips white space first
        yield Finding(pointer, f"{label(pointer)} is {show(value)}, only white space: the server reads it as empty",
                      "give a value or remove the field")
    elif error.validator in ("minLength", "maxLength"):
        bound = "at least" if error.validator == "minLength" else "at most"
        yield Finding(pointer, f"{label(pointer)} is {len(value)} characters; {bound} {error.validator_value} allowed")
    else:
        yield Finding(pointer, f"{label(pointer)} {show(value)} is not of the expected form ({error.message})")


@rule("VL100", "schema-violation", "error", stage="schema")
def other_violation(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """Any other violation of the model's JSON Schema.

    The message is the validator's own. Most schema problems have a more specific code;
    this one catches the rest.
    """
    yield Finding(make_pointer(*error.absolute_path), error.message)


@rule("VL301", "truncated-text", "warning", stage="schema")
def truncated_text(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A prompt longer than the model reads: the server truncates it without a word.

    Text fields whose ``maxLength`` the model's schema marks ``x-vidlint-truncated`` are cut,
    not rejected, so the task runs on a prompt that ends mid-sentence. Each character counts
    1, whatever the script. The message shows where the cut falls.

    Breaks it: a 5200-character prompt where the model reads 5000.
    Fix: shorten it to the limit; put what matters first.
    """
    pointer = make_pointer(*error.absolute_path)
    text = error.instance if isinstance(error.instance, str) else ""
    limit = error.validator_value
    kept_tail = text[max(0, limit - 30):limit].replace("\n", " ")
    dropped_head = text[limit:limit + 30].replace("\n", " ")
    yield Finding(
        pointer,
        f"{label(pointer)} is {len(text)} characters; the server keeps the first {limit} and silently drops "
        f"the other {len(text) - limit}: the cut falls after \"…{kept_tail}\" and drops \"{dropped_head}…\"",
        f"shorten {label(pointer)} by {len(text) - limit} characters",
    )


@rule("VL207", "requires-field", "error", stage="schema")
def requires_field(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A field is given without the field it needs.

    Declared in the model's schema with ``dependentRequired`` (for example a last frame
    needs a first frame), so editors and check-jsonschema report it too.

    Breaks it: ``"image_end": "b.jpg"`` without ``image_start``.
    Fix: add the field it needs, or remove the field.
    """
    instance = error.instance if isinstance(error.instance, dict) else {}
    base = make_pointer(*error.absolute_path)
    for given, needed in (error.validator_value or {}).items():
        if given not in instance:
            continue
        missing = [name for name in needed if name not in instance]
        if missing:
            yield Finding(base + make_pointer(given), f"{given} needs {' and '.join(missing)}, which the request does not have",
                          f"add {' and '.join(missing)}, or remove {given}", at_key=True)


@rule("VL208", "mutually-exclusive", "error", stage="schema")
def mutually_exclusive(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """Two fields that cannot be given together.

    Declared in the model's schema as ``{"not": {"required": ["a", "b"]}}``.

    Breaks it: ``model_params.file_url`` and ``model_params.link_url`` in one request.
    Fix: keep one of them.
    """
    forbidden = error.validator_value if isinstance(error.validator_value, dict) else {}
    names = forbidden.get("required")
    if set(forbidden) != {"required"} or not isinstance(names, list) or len(names) < 2:
        return
    base = make_pointer(*error.absolute_path)
    together = ", ".join(names[:-1]) + f" and {names[-1]}"
    yield Finding(base + make_pointer(names[-1]), f"{together} cannot be given together",
                  f"keep only one of {', '.join(names)}", at_key=True)


# JSON Schema keyword -> the rules that translate its errors (in order)
TRANSLATES: dict[str, tuple[Rule, ...]] = {
    "dependentRequired": (requires_field,),
    "not": (mutually_exclusive,),
    "required": (missing_field,),
    "type": (wrong_type,),
    "enum": (value_not_allowed,),
    "const": (value_not_allowed,),
    "minimum": (out_of_range,),
    "maximum": (out_of_range,),
    "exclusiveMinimum": (out_of_range,),
    "exclusiveMaximum": (out_of_range,),
    "multipleOf": (out_of_range,),
    "additionalProperties": (unknown_field, misplaced_field, legacy_field,),
    "minItems": (wrong_count,),
    "maxItems": (wrong_count,),
    "minProperties": (wrong_count,),
    "maxProperties": (wrong_count,),
    "minLength": (bad_string,),
    "maxLength": (bad_string,),
    "pattern": (bad_string,),
    "format": (bad_string,),
}

# The codes of the translations above whose findings depend only on which keys an object has,
# in order, never on their values (the schema stage keeps such findings per place and keys).
# Not VL107: its fix carries the legacy field's value.
KEYS_ONLY = frozenset({missing_field.code, unknown_field.code, misplaced_field.code})
