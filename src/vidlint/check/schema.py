"""Schema check: validate a request against its model's JSON Schema and translate each error.

The schema file is the one shipped under ``schemas/`` (editors and check-jsonschema use it
as is). Translation turns jsonschema's errors into diagnostics with stable codes, the
measured value and the limit, and a hint. A schema node can set ``x-vidlint-code``,
``x-vidlint-message`` and ``x-vidlint-hint`` (a string, or an object keyed by keyword) to
name the documented rule it expresses; ``x-vidlint-truncated`` marks text the server cuts.
A message template may use ``{instance}`` (the value) and ``{field}`` (where it is). An
annotated node without a message whose code's function takes ``(error, profile)`` lets that
function write the message (for messages that depend on the whole request). Annotations are
found through ``$ref``s, also into the family's shared ``_*.json`` files.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Iterator

from vidlint.check.fast_schema import fast_validator
from vidlint.check.rules.registry import Finding, rule
from vidlint.check.wording import did_you_mean, label, number, plural, show, span, type_name
from vidlint.diagnostics import Diagnostic, make_pointer
from vidlint.models import ModelProfile, follow_pointer, load_schema_file

Translator = Callable[[Any, "ModelProfile | None"], Iterable[Finding]]
TRANSLATORS: dict[str, list[Translator]] = {}  # keyword -> translators, each with its own code


def translates(*keywords: str) -> Callable[[Translator], Translator]:
    def register(func: Translator) -> Translator:
        for keyword in keywords:
            TRANSLATORS.setdefault(keyword, []).append(func)
        return func

    return register


_VALIDATORS: dict[str, Any] = {}


def _validator(profile: ModelProfile) -> Any:
    if profile.name in _VALIDATORS:
        return _VALIDATORS[profile.name]
    from jsonschema.validators import validator_for
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    def retrieve(uri: str) -> Resource:
        # Relative $refs ("_wan2.7-defs.json#/$defs/prompt") name files next to the model's schema.
        return Resource.from_contents(load_schema_file(uri.rsplit("/", 1)[-1]), default_specification=DRAFT202012)

    # The shared files are registered up front under the names relative $refs use: a registry
    # that only retrieves does not keep what it retrieved, and would load and crawl the shared
    # file again for every request validated.
    shared = [(path.name, Resource.from_contents(load_schema_file(path.name), default_specification=DRAFT202012))
              for path in sorted(profile.path.parent.glob("_*.json"))]
    registry = Registry(retrieve=retrieve).with_resources(shared).crawl()  # type: ignore[call-arg]
    cls = validator_for(profile.schema)
    validator = cls(profile.schema, registry=registry)
    _VALIDATORS[profile.name] = validator
    return validator


def prepare(profile: ModelProfile) -> None:
    """Build the fast and the full validator now rather than on first use."""
    fast_validator(profile)
    _validator(profile)


def _pointer(path: Iterable[Any]) -> str:
    return make_pointer(*path)


def _notes_of(node: Any, keyword: Any) -> dict[str, str]:
    if not isinstance(node, dict) or "x-vidlint-code" not in node:
        return {}
    code = node["x-vidlint-code"]
    if isinstance(code, dict):
        code = code.get(keyword)
    if not code:
        return {}
    found = {"code": code}
    for key in ("message", "hint"):
        value = node.get(f"x-vidlint-{key}")
        if isinstance(value, dict):
            value = value.get(keyword)
        if value:
            found[key] = value
    return found


def _annotations(error: Any, profile: ModelProfile) -> dict[str, str]:
    """The x-vidlint annotations that apply to ``error``: the deepest node on its schema path wins.

    jsonschema leaves ``$ref`` out of schema paths, so where the path goes on below a node
    that is only a reference, the walk follows the reference (into another file of
    ``schemas/`` when it is relative) and goes on from there.
    """
    keyword = error.validator
    found: dict[str, str] = {}
    node: Any = profile.schema
    file_name = profile.path.name
    path = list(error.absolute_schema_path)
    position, hops = 0, 0
    while True:
        found = _notes_of(node, keyword) or found
        if position == len(path):
            break
        token = path[position]
        try:
            if isinstance(node, dict) and isinstance(node.get("$ref"), str) and (token not in node or token == "$ref"):
                hops += 1
                if hops > 32:
                    break
                target, _, fragment = node["$ref"].partition("#")
                if target:
                    file_name = target.rsplit("/", 1)[-1]
                document = profile.schema if file_name == profile.path.name else load_schema_file(file_name)
                node = follow_pointer(document, fragment)
                position += token == "$ref"
                continue
            node = node[token]
            position += 1
        except (KeyError, IndexError, TypeError, OSError, ValueError):
            break
    return found


def check_schema(request: Any, profile: ModelProfile) -> list[Diagnostic]:
    from vidlint.check.rules.registry import RULES

    fast = fast_validator(profile)
    if fast is not None and fast(request):
        return []  # valid: jsonschema (slow to import) would find nothing either
    diagnostics: list[Diagnostic] = []
    for error in _validator(profile).iter_errors(request):
        notes = _annotations(error, profile)
        if "code" in notes and "message" not in notes and _is_translator(RULES[notes["code"]].func):
            produced = [(notes["code"], f) for f in RULES[notes["code"]].func(error, profile)]
        elif "code" in notes:
            produced = [(notes["code"], _annotated(error, notes))]
        elif error.validator == "maxLength" and error.schema.get("x-vidlint-truncated"):
            produced = [(truncated_text.code, f) for f in truncated_text(error, profile)]  # type: ignore[attr-defined]
        else:
            produced = [(translate.code, f)  # type: ignore[attr-defined]
                        for translate in TRANSLATORS.get(error.validator, [other_violation])
                        for f in translate(error, profile)]
        for code, finding in produced:
            diagnostics.append(Diagnostic(code, RULES[code].severity, finding.message, finding.pointer,
                                          finding.hint, at_key=finding.at_key))
    return diagnostics


def _is_translator(func: Callable[..., Any]) -> bool:
    """A code's function that takes (error, profile) writes the message for its annotated schema errors."""
    import inspect

    return len(inspect.signature(func).parameters) == 2


def _annotated(error: Any, notes: dict[str, str]) -> Finding:
    pointer = _pointer(error.absolute_path)
    at_key = False
    if error.validator == "propertyNames":
        pointer, at_key = pointer + make_pointer(error.instance), True
    template = notes.get("message")
    if template:
        shown = error.instance if isinstance(error.instance, (str, int, float)) else show(error.instance)
        message = template.format(instance=shown, field=label(pointer))
    else:
        generic = [f for t in TRANSLATORS.get(error.validator, [other_violation]) for f in t(error, None)]
        message = generic[0].message if generic else error.message
    return Finding(pointer, message, notes.get("hint"), at_key)


# --- translators: one per code; the docstring is the code's documentation -----------------

@translates("required")
@rule("VL101", "missing-field", "error", kind="schema")
def missing_field(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A required field is missing.

    The model's schema lists the fields the API requires (for wan2.7-reference-video:
    ``model`` and ``prompt``). A request without them is rejected when it is sent.

    Breaks it: ``{"model": "wan2.7-reference-video", "image_urls": ["a.jpg"]}``
    Fix: add the field, for example ``"prompt": "Image 1 waves at the camera"``.
    """
    instance = error.instance if isinstance(error.instance, dict) else {}
    where = label(_pointer(error.absolute_path))
    for name in error.validator_value:
        if name not in instance:
            inside = "" if not error.absolute_path else f" in {where}"
            yield Finding(_pointer(error.absolute_path), f'missing required field "{name}"{inside}',
                          f'add "{name}" to the request')


@translates("type")
@rule("VL102", "wrong-type", "error", kind="schema")
def wrong_type(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A field has the wrong JSON type.

    Numbers written as strings, a single uri where an array is expected, a string where a
    boolean is expected: the API rejects these or reads them differently from what was meant.

    Breaks it: ``"duration": "5"``, ``"image_urls": "https://example.com/a.jpg"``.
    Fix: ``"duration": 5``, ``"image_urls": ["https://example.com/a.jpg"]``.
    """
    expected = error.validator_value
    names = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(("an " if n[0] in "aeiou" else "a ") + n for n in names)
    value = error.instance
    pointer = _pointer(error.absolute_path)
    hint = None
    if isinstance(value, str):
        stripped = value.strip()
        if ("integer" in names and re.fullmatch(r"-?\d+", stripped)) or \
                ("number" in names and re.fullmatch(r"-?\d+(\.\d+)?", stripped)):
            hint = f"write {stripped} without quotes"
        elif "boolean" in names and stripped.lower() in ("true", "false"):
            hint = f"write {stripped.lower()} without quotes"
        elif "array" in names:
            hint = f"wrap it in a list: [{show(value)}]"
    elif "integer" in names and isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
        hint = f"use a whole number, for example {round(value)}"
    yield Finding(pointer, f"{label(pointer)} must be {wanted}, not {type_name(value)} ({show(value)})", hint)


@translates("enum", "const")
@rule("VL103", "value-not-allowed", "error", kind="schema")
def value_not_allowed(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A field's value is not one of the values the API accepts.

    Enumerated fields (``quality``, ``aspect_ratio``) take exact strings: ``"720P"`` or
    ``"16/9"`` are rejected.

    Breaks it: ``"quality": "4k"``.
    Fix: ``"quality": "1080p"`` (or ``"720p"``, the default).
    """
    allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
    pointer = _pointer(error.absolute_path)
    choices = ", ".join(show(a) for a in allowed)
    hint = None
    if isinstance(error.instance, str):
        match = did_you_mean(error.instance, [a for a in allowed if isinstance(a, str)])
        if match is None:
            normalised = error.instance.replace("/", ":").replace("x", ":").replace(" ", "")
            match = next((a for a in allowed if isinstance(a, str) and a.lower() == normalised.lower()), None)
        if match is not None:
            hint = f"did you mean {show(match)}?"
    yield Finding(pointer, f"{label(pointer)} is {show(error.instance)}; expected one of {choices}", hint)


def _range(schema: dict[str, Any]) -> str:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if low is not None and high is not None:
        return span(low, high)
    if low is not None:
        return f"at least {number(low)}"
    return f"at most {number(high)}"


@translates("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
@rule("VL104", "out-of-range", "error", kind="schema")
def out_of_range(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A number is outside the documented range.

    ``duration`` is 2..15 whole seconds, ``seed`` is 1..2147483647. Out-of-range values are
    rejected by the API.

    Breaks it: ``"duration": 20``, ``"seed": 0``.
    Fix: ``"duration": 15``, ``"seed": 1``.
    """
    pointer = _pointer(error.absolute_path)
    yield Finding(pointer, f"{label(pointer)} is {show(error.instance)}; the limit is {_range(error.schema)}")


def _extra_keys(error: Any) -> list[str]:
    properties = error.schema.get("properties", {})
    patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [k for k in instance if k not in properties and not any(p.search(k) for p in patterns)]


@translates("additionalProperties")
@rule("VL105", "unknown-field", "error", kind="schema")
def unknown_field(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A field the model does not document.

    Unknown fields are ignored or rejected by the API; either way what they meant does not
    happen. Typos are the usual cause, so the message says which documented field is
    closest ("did you mean"). Fields nested in ``model_params`` that belong at the top level
    are reported as VL106, legacy fields as VL107.

    Breaks it: ``"aspectRatio": "9:16"``, ``"image_url": ["a.jpg"]``.
    Fix: ``"aspect_ratio": "9:16"``, ``"image_urls": ["a.jpg"]``.
    """
    base = _pointer(error.absolute_path)
    known = list(error.schema.get("properties", {}))
    if profile is not None and not base:
        known = [k for k in known if k in profile.fields]  # fields documented as not taken are no target
    root_properties = profile.schema.get("properties", {}) if profile else {}
    legacy = profile.meta.get("legacy_fields", {}) if profile else {}
    for key in _extra_keys(error):
        pointer = base + make_pointer(key)
        if base == "" and key in legacy:
            continue  # VL107
        if base and key in root_properties:
            continue  # VL106
        guess = did_you_mean(key, [k for k in known if k != "$schema"])
        where = f" in {label(base)}" if base else ""
        message = f'unknown field "{key}"{where}'
        if guess:
            message += f'; did you mean "{guess}"?'
        hint = f'rename it to "{guess}"' if guess else f"documented fields: {', '.join(k for k in known if k != '$schema')}"
        yield Finding(pointer, message, hint, at_key=True)


@translates("additionalProperties")
@rule("VL106", "misplaced-field", "error", kind="schema")
def misplaced_field(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A top-level field was nested inside another object (usually ``model_params``).

    The documentation lists ``model_params`` right before ``quality``, which reads as if
    ``quality``, ``aspect_ratio``, ``duration``, ``seed`` and ``prompt_extend`` were nested.
    They are not: ``model_params`` has one documented child, ``voice_bindings``. Nested, those
    fields are silently ignored and the defaults apply.

    Breaks it: ``"model_params": {"duration": 10}``.
    Fix: ``"duration": 10`` at the top level of the request.
    """
    base = _pointer(error.absolute_path)
    root_properties = profile.schema.get("properties", {}) if profile else {}
    for key in _extra_keys(error):
        if base and key in root_properties:
            yield Finding(base + make_pointer(key),
                          f'"{key}" belongs at the top level, not in {label(base)}: there the server ignores it',
                          f'move "{key}" out of {label(base)} to the top level of the request', at_key=True)


@translates("additionalProperties")
@rule("VL107", "legacy-field", "error", kind="schema")
def legacy_field(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A field from an earlier version of the model's API.

    Earlier versions of the wan2.7 schema circulate; requests written against them use
    fields the current API does not read (for example the singular ``audio_url``).

    Breaks it: ``"audio_url": "https://example.com/voice.mp3"``.
    Fix: ``"model_params": {"voice_bindings": {"image1": "https://example.com/voice.mp3"}}``.
    """
    legacy = profile.meta.get("legacy_fields", {}) if profile else {}
    if _pointer(error.absolute_path):
        return
    for key in _extra_keys(error):
        if key in legacy:
            yield Finding(make_pointer(key), legacy[key]["message"], legacy[key].get("hint"), at_key=True)


@translates("minItems", "maxItems", "minProperties", "maxProperties")
@rule("VL108", "wrong-count", "error", kind="schema")
def wrong_count(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """An array or object has more (or fewer) entries than allowed.

    Breaks it: six entries in ``audio_urls`` (at most 5).
    Fix: keep at most 5, or bind voices with ``model_params.voice_bindings``.
    """
    pointer = _pointer(error.absolute_path)
    count = len(error.instance) if isinstance(error.instance, (list, dict)) else 0
    noun = "item" if isinstance(error.instance, list) else "entry"
    bound = "at most" if error.validator.startswith("max") else "at least"
    counted = plural(count, noun).replace("entrys", "entries")
    yield Finding(pointer, f"{label(pointer)} has {counted}; {bound} {error.validator_value} allowed")


@translates("minLength", "maxLength", "pattern", "format")
@rule("VL109", "bad-string", "error", kind="schema")
def bad_string(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A string is empty, too long, or not of the documented form.

    An asset reference that is only white space (``" "``) is as empty as ``""``: the
    documentation lists an empty value among the validation errors.

    Breaks it: ``"image_urls": [""]`` or ``"image_start": " "``.
    Fix: give the asset's https uri, or a local path that ``vidlint submit`` uploads.
    """
    pointer = _pointer(error.absolute_path)
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


@rule("VL100", "schema-violation", "error", kind="schema")
def other_violation(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """Any other violation of the model's JSON Schema.

    The message is the validator's own. Most schema problems have a more specific code;
    this one catches the rest.
    """
    yield Finding(_pointer(error.absolute_path), error.message)


@rule("VL301", "truncated-text", "warning", kind="schema")
def truncated_text(error: Any, profile: ModelProfile | None) -> Iterator[Finding]:
    """A prompt longer than the model reads: the server truncates it without a word.

    ``prompt`` (5000 characters) and ``negative_prompt`` (500) are cut, not rejected, so the
    task runs on a prompt that ends mid-sentence. Each character counts 1, whatever the
    script. The message shows where the cut falls.

    Breaks it: a 5200-character prompt.
    Fix: shorten it to 5000 characters; put what matters first.
    """
    pointer = _pointer(error.absolute_path)
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
