"""Schema check: validate a request against its model's JSON Schema and translate each error.

The schema file is the one shipped under ``schemas/`` (editors and check-jsonschema use it
as is). Translation turns jsonschema's errors into diagnostics with stable codes, the
measured value and the limit, and a hint. A schema node can set ``x-vidlint-code``,
``x-vidlint-message`` and ``x-vidlint-hint`` (a string, or an object keyed by keyword) to
name the documented rule it expresses; ``x-vidlint-truncated`` marks text the server cuts.
A message template may use ``{instance}`` (the value) and ``{field}`` (where it is). An
annotated node without a message lets its rule's function write the message (for messages
that depend on the whole request); a function that returns None leaves it to the generic
translation. Unannotated errors are translated by ``vidlint.rules.schema.TRANSLATES``; an
error inside a ``then`` (or ``else``) says its ``if`` in words. Annotations are found through
``$ref``s, also into the family's shared ``_*.json`` files.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

from vidlint.check import native_schema
from vidlint.check.fast_schema import FastValidator, fast_validator
from vidlint.core.diagnostics import Diagnostic
from vidlint.core.pointers import make_pointer
from vidlint.core.wording import label, show
from vidlint.models import ModelProfile, follow_pointer, forget_with_models, load_schema_file
from vidlint.rules.registry import RULES, Finding, Rule, load_all_rules
from vidlint.rules.schema import KEYS_ONLY, TRANSLATES, other_violation, truncated_text

_VALIDATORS: dict[str, Any] = {}
forget_with_models(_VALIDATORS.clear)


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


class _Place(NamedTuple):
    """What one place of the schema (a schema path and keyword) says of its errors, whatever the request."""

    notes: dict[str, str]  # the x-vidlint annotations that apply: code, message, hint
    condition: str  # an unannotated error's ``if`` in words ("when video_urls is given"), or ""


_PLACES: dict[str, dict[tuple[Any, ...], _Place]] = {}  # per model and place
forget_with_models(_PLACES.clear)


def _place(error: Any, profile: ModelProfile) -> _Place:
    """What the place of ``error`` in the schema says, worked out once per model and place."""
    known = _PLACES.get(profile.name)
    if known is None:
        known = _PLACES[profile.name] = {}
    key = (*error.absolute_schema_path, error.validator)
    place = known.get(key)
    if place is None:
        notes = _annotations(error, profile)
        place = known[key] = _Place(notes, "" if "code" in notes else _condition_words(error, profile))
    return place


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
                file_name, node = native_schema.follow_ref(profile, file_name, node["$ref"])
                position += token == "$ref"
                continue
            node = node[token]
            position += 1
        except (KeyError, IndexError, TypeError, OSError, ValueError):
            break
    return found


NATIVE_AFTER = 1000  # valid requests of a model, ~28 us each saved by jsonschema-rs: its ~30 ms paid back


class _Checks:
    """How one model's requests are checked: settled when first needed, with the switches
    (``VIDLINT_NO_FAST_SCHEMA``, ``VIDLINT_NO_NATIVE_SCHEMA``) read then, not per request."""

    def __init__(self, profile: ModelProfile) -> None:
        self.profile = profile
        self.native = native_schema.enabled()  # jsonschema-rs may say yes or no, and where
        self.fast: FastValidator | None = None  # fastjsonschema's yes or no, built when first asked
        self.fast_built = False
        self.fast_answers = 0

    def valid(self, request: Any, native_reads: bool) -> bool:
        """True when a fast check finds ``request`` valid (jsonschema would find nothing either);
        False: jsonschema is to say what is wrong, if anything. jsonschema-rs (~2 us) answers,
        where it reads the request alike (``native_reads``), once
        it is loaded (by the first invalid request, ``prepare``, or the ``NATIVE_AFTER``-th valid
        one): its import and build (~30 ms) are not worth a few valid requests; fastjsonschema's
        validator (~30 us) answers before."""
        native = None
        if native_reads:
            native = native_schema.loaded_validator(self.profile)
            if native is None:
                self.fast_answers += 1
                if self.fast_answers >= NATIVE_AFTER:  # a long run of valid requests pays for it
                    native = native_schema.native_validator(self.profile)
        if native is not None:
            answer = native_schema.is_valid(request, native)
            if answer is not None:
                return answer
        if not self.fast_built:
            self.fast, self.fast_built = fast_validator(self.profile), True
        return self.fast is not None and self.fast(request)


_CHECKS: dict[str, _Checks] = {}
forget_with_models(_CHECKS.clear)


def _checks(profile: ModelProfile) -> _Checks:
    found = _CHECKS.get(profile.name)
    if found is None:
        found = _CHECKS[profile.name] = _Checks(profile)
    return found


def read_switches() -> None:
    """Read the switches again at the next check (tests turn them on and off)."""
    _CHECKS.clear()


def check_schema(request: Any, profile: ModelProfile) -> list[Diagnostic]:
    """The diagnostics of ``request`` against its model's schema (none: valid)."""
    return check_schemas([(request, profile)])[0]


def check_schemas(requests: Sequence[tuple[Any, ModelProfile]], plain: Sequence[bool] | None = None) -> list[list[Diagnostic]]:
    """``check_schema`` of each (request, profile), a step at a time: every request's yes or no,
    then the places of those that are not valid, then their diagnostics. The same as one by one,
    for less CPU over a batch: jsonschema-rs's code and data stay warm from one request to the
    next (see docs/performance.md, "Schema, assets and the estimate, round 5"). ``plain``: for
    each request, whether its parser vouched that jsonschema-rs reads it as Python does
    (``Document.plain``); the others (all without ``plain``) are walked (``native_schema.reads_alike``)."""
    found: list[list[Diagnostic]] = []
    invalid: list[tuple[int, Any, ModelProfile, bool]] = []
    for index, (request, profile) in enumerate(requests):
        checks = _checks(profile)
        vouched = plain is not None and plain[index]
        native_reads = checks.native and (vouched or native_schema.reads_alike(request))  # jsonschema-rs may be asked
        if not checks.valid(request, native_reads):  # (valid: jsonschema, slow to import, would find nothing either)
            invalid.append((len(found), request, profile, native_reads))
        found.append([])
    if not invalid:
        return found
    load_all_rules()
    sites = [native_schema.confirmed_sites(request, profile) if native_reads else None
             for _, request, profile, native_reads in invalid]
    for (index, request, profile, _), places in zip(invalid, sites, strict=True):
        made = _at_sites(places, profile) if places is not None else None
        if made is None:  # jsonschema's own walk over the whole request
            made = [declared.emit_finding(finding) for error in _validator(profile).iter_errors(request)
                    for declared, finding in _translated(error, profile)]
        found[index] = made
    return found


REMEMBERED_PER_MODEL = 4096  # the diagnostics of one value at one place: a batch repeats its mistakes
_REMEMBERED: dict[str, dict[tuple[Any, ...], tuple[Diagnostic, ...]]] = {}
forget_with_models(_REMEMBERED.clear)
_SCALARS = (str, int, bool, type(None))


def _at_sites(sites: list[native_schema.Site], profile: ModelProfile) -> list[Diagnostic] | None:
    """The diagnostics of the places jsonschema-rs found (``native_schema.confirmed_sites``), in
    their order; None where jsonschema is to walk the whole request. A keyword's errors made from
    its node and one value alone (``leaf_errors``) of a scalar value (a text of at most 100
    characters) read the same wherever they are met: their diagnostics are kept per model under
    the place (its plan and instance path) and the value (a float by its ``repr``: ``0.0`` and
    ``-0.0`` are equal and shown apart; the type too: ``1``, ``1.0`` and ``true``). So are those
    of an object's ``additionalProperties`` or ``required`` under its keys, in order, where every
    finding is one that reads the keys alone (``rules.schema.KEYS_ONLY``: not VL107, whose fix
    carries the value; not an annotated place's)."""
    from vidlint.check.leaf_errors import LEAF_KEYWORDS  # (a run of valid requests does not import it)

    known = _REMEMBERED.get(profile.name)
    if known is None:
        known = _REMEMBERED[profile.name] = {}
    found: list[Diagnostic] = []
    for site in sites:
        value = site.instance
        kind = type(value)
        key = None
        if site.plan.keyword in LEAF_KEYWORDS and (kind in _SCALARS or kind is float) and not (
                kind is str and len(value) > 100):
            key = (site.plan, site.instance_path, kind, repr(value) if kind is float else value)
        elif kind is dict and site.plan.keyword in _OF_KEYS:
            key = (site.plan, site.instance_path, kind, tuple(value))
        if key is not None:
            remembered = known.get(key)
            if remembered is not None:
                found += remembered
                continue
        errors = native_schema.site_errors(site, lambda: _validator(profile))
        if errors is None:
            return None
        made = tuple(declared.emit_finding(finding) for error in errors for declared, finding in _translated(error, profile))
        if key is not None and len(known) < REMEMBERED_PER_MODEL and (kind is not dict or _of_keys(errors, made, profile)):
            known[key] = made
        found += made
    return found


_OF_KEYS = frozenset({"additionalProperties", "required"})  # an object's keywords whose errors its keys decide


def _of_keys(errors: list[Any], made: tuple[Diagnostic, ...], profile: ModelProfile) -> bool:
    """Whether the diagnostics ``made`` of an object's ``errors`` depend on its keys alone: each
    error's place unannotated (an annotation's rule or message may read the values), each
    diagnostic of a translation that reads only the keys."""
    return all("code" not in _place(error, profile).notes for error in errors) and all(
        diagnostic.code in KEYS_ONLY for diagnostic in made)


def _translated(error: Any, profile: ModelProfile) -> tuple[tuple[Rule, Finding], ...]:
    """The findings of ``error``, each with the rule that emits it."""
    notes, condition = _place(error, profile)
    if "code" in notes:
        declared = RULES[notes["code"]]
        written = None if "message" in notes else declared.func(error, profile)
        found = list(written) if written is not None else [_annotated(error, notes)]
        if declared.fixer is not None:
            found = [f.replace(fix=f.fix or declared.fixer(error, profile)) for f in found]
        return tuple((declared, f) for f in found)
    if error.validator == "maxLength" and error.schema.get("x-vidlint-truncated"):
        return tuple((truncated_text, f) for f in truncated_text(error, profile))
    produced = [(translate, f) for translate in TRANSLATES.get(error.validator, ()) for f in translate(error, profile)]
    if not produced and (error.validator not in TRANSLATES or error.validator == "not"):
        produced = [(other_violation, f) for f in other_violation(error, profile)]
    if condition:
        produced = [(r, f.replace(message=f"{f.message} {condition}")) for r, f in produced]
    return tuple(produced)


def _condition_words(error: Any, profile: ModelProfile) -> str:
    """"when video_urls is given" for an error inside a ``then`` (or "unless ..." inside an
    ``else``) of the model's own schema; "" elsewhere."""
    from vidlint.conditions import describe

    path = list(error.absolute_schema_path)
    branches = [i for i, token in enumerate(path) if token in ("then", "else")]
    if not branches:
        return ""
    at = branches[-1]
    try:
        node = follow_pointer(profile.schema, make_pointer(*path[:at]))
    except (KeyError, IndexError, TypeError, ValueError):
        return ""
    condition = node.get("if") if isinstance(node, dict) else None
    if not isinstance(condition, dict):
        return ""
    tokens = path[:at]
    prefix = ".".join(str(tokens[i + 1]) for i, token in enumerate(tokens[:-1]) if token == "properties")
    words = describe(condition, prefix)
    if words in ("always", "never"):
        return ""
    return f"when {words}" if path[at] == "then" else f"unless {words}"


def _annotated(error: Any, notes: dict[str, str]) -> Finding:
    pointer = make_pointer(*error.absolute_path)
    at_key = False
    if error.validator == "propertyNames":
        pointer, at_key = pointer + make_pointer(error.instance), True
    template = notes.get("message")
    if template:
        shown = error.instance if isinstance(error.instance, (str, int, float)) else show(error.instance)
        message = template.format(instance=shown, field=label(pointer))
    else:
        generic = [f for t in TRANSLATES.get(error.validator, (other_violation,)) for f in t(error, None)]
        message = generic[0].message if generic else error.message
    return Finding(pointer, message, notes.get("hint"), at_key)
