"""The rule registry: the only place a diagnostic code and its default severity live.

Every code is declared once, with :func:`rule`::

    @rule("VL606", "asset-duration", "error", stage="media", reads="media.*.duration")
    def asset_duration(ctx: AssetContext) -> Iterator[Finding]:
        \"\"\"The asset's duration is outside the model's range. (the documentation)\"\"\"

and every finding becomes a :class:`~vidlint.core.diagnostics.Diagnostic` through one call,
:meth:`Rule.emit` (the runners call it for what a rule function yields; the loader, the
budget and the online probe call it for the codes they find themselves). A rule's docstring
is its documentation (``vidlint rules CODE``); the numbers each model uses are rendered from
the model data named by ``reads``, never written into docstrings.

A rule's ``stage`` says when it runs and what its function takes:

- ``file``, ``cost``, ``online``, ``meta``: found outside the rule runner (reading the file,
  the budget, ``--online``, suppressions); the function only documents; the finder calls
  ``RULE.emit(...)``.
- ``schema``: ``(error, profile)``, for an error of the model's JSON Schema; a function that
  returns None leaves the message to the schema's annotation or the generic translation.
- ``request``: ``(ctx: RequestContext)`` over one parsed request and its model data.
- ``asset``: ``(ctx: AssetContext)`` for each referenced asset (finding and reading it).
- ``media``: ``(ctx: AssetContext)`` for each asset that was probed: its documented limits.
- ``facts``: ``(ctx: RequestContext)`` after the asset check, with ``ctx.facts`` (probed media).

``fix`` says whether the rule's findings can be fixed and how safely (``"safe"``, ``"unsafe"``;
see :mod:`vidlint.fix`): a finding then carries ``Finding(..., fix=Fix(message, ops))``.

An ``opt_in`` rule (request stage) is off by default: it runs only when its full code is named
in ``select`` or ``extend-select`` (``--extend-select VL235``); a prefix such as ``VL`` does not
switch it on. For advice nobody asked for on every request (a migration preview).

``reads`` is the ``x-vidlint`` key (a dotted path, ``*`` for any key) a rule reads: a
request, facts, asset or media rule runs only for models whose data has it (a media limit,
``media.*.duration``, may also come from ``media_overrides``): the models its documentation
lists (:func:`model_data`), worked out once per model.

An asset rule declared ``needs_probe=True`` judges a file that was read (its probe): it is not
run for a reference nothing read (a remote uri without ``--online``), the common case, about
which only the other asset rules can say anything. ``about`` names the only kinds of reference
(``Resolution.how``: local, mapped, remote, online, invalid) an asset rule can speak of
(``about=("remote",)``); the asset check reads it to give a remote reference nothing read, about
which VL502 alone can speak, that rule's finding without a context for it (``check_assets``).

A request or facts rule that says nothing of a request without one field declares, with
``needs_field``, the dotted path of the model data that names that field (a field name,
``"callback_url"``, or a pointer, ``"/model_params/voice_bindings"``: its first member): it is
not called for a request that lacks the field (``needs_field="callback.field"``). A rule that
says nothing of most requests for a cheaper reason declares ``speaks_if``: built once per model
data, ``(model data) -> (request -> bool)`` (or None: no test for that model), a test that is
False only where the rule would say nothing (VL204: none of the fields the model ignores is
there, :func:`has_any`; VL230: no key the model does not take). A test is worth it only where
it is much cheaper than the rule's call and skips it for most requests. The two make one test
per rule and model (:meth:`Rule.speaks_of`), which the stages ask before the call.
"""

from __future__ import annotations

import functools
from itertools import compress
from typing import Any, Callable, Iterable

from vidlint.core.diagnostics import Diagnostic, Severity
from vidlint.core.pointers import split_pointer
from vidlint.core.records import FrozenRecord, Record, field
from vidlint.fix import APPLICABILITIES, Fix

STAGES = ("file", "schema", "request", "asset", "media", "facts", "cost", "online", "meta")
_FIELDS_NEEDED = ("request", "facts")  # the stages whose rules may declare needs_field (their ctx has the request)
_RESOLUTIONS = frozenset({"local", "mapped", "remote", "online", "invalid"})  # Resolution.how: an asset rule's ``about``


RequestTest = Callable[[dict[str, Any]], bool]  # whether a rule may speak of a request (Rule.speaks_of)


def has_any(fields: Iterable[str]) -> RequestTest:
    """The ``speaks_if`` test of a rule that says nothing of a request without one of ``fields``."""
    wanted = frozenset(fields)
    if len(wanted) == 1:
        (field,) = wanted
        return lambda request: field in request
    return lambda request: not wanted.isdisjoint(request)


class Finding(FrozenRecord):
    """What a rule function yields; :meth:`Rule.emit` turns it into a Diagnostic. ``char``: for
    string values, the index of the character the finding is about."""

    pointer: str
    message: str
    hint: str | None = None
    at_key: bool = False
    char: int | None = None
    fix: Fix | None = None  # what would repair it (vidlint.fix); only from a rule declared with fix=


class Rule:
    """A declared rule: code, name, default severity, stage, the model data it reads, its
    function, and ``fix``: how safe its fixes are (``"safe"``, ``"unsafe"``, None: it has none)."""

    def __init__(self, code: str, name: str, severity: Severity, stage: str, reads: str | None,
                 func: Callable[..., Any], opt_in: bool = False, fix: str | None = None,
                 needs_probe: bool = False, needs_field: str | None = None,
                 about: tuple[str, ...] | None = None,
                 speaks_if: Callable[[dict[str, Any]], RequestTest | None] | None = None) -> None:
        self.code = code
        self.opt_in = opt_in
        self.needs_probe = needs_probe
        self.needs_field = needs_field
        self.speaks_if = speaks_if
        self.about = about  # an asset rule: the only kinds of reference it speaks of (None: any)
        self.name = name
        self.severity = severity
        self.stage = stage
        self.reads = reads
        self.func = func
        self.fix = fix
        self.fixer: Callable[..., Fix | None] | None = None  # a schema rule's fix for an annotated error
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__
        self.__wrapped__ = func

    def __repr__(self) -> str:
        return f"Rule({self.code} {self.name})"

    def __call__(self, *args: Any) -> Any:
        return self.func(*args)

    def fixes(self, fixer: Callable[..., Fix | None]) -> Callable[..., Fix | None]:
        """Declare, beside a schema rule whose message its schema annotation writes, the fix
        for one of its errors: ``@callback_not_https.fixes`` over ``(error, profile) -> Fix | None``."""
        if self.fix is None:
            raise ValueError(f"{self.code}: declare fix= in @rule before giving it a fixer")
        self.fixer = fixer
        return fixer

    def applies(self, meta: dict[str, Any]) -> bool:
        """Whether the model data ``meta`` has what the rule reads (the models its documentation lists)."""
        return self.reads is None or bool(model_data(meta, self.reads))

    def field_needed(self, meta: dict[str, Any]) -> str | None:
        """The request's top-level field without which the rule says nothing, as the model data
        ``meta`` names it (``needs_field``); None: the rule is called for every request."""
        if self.needs_field is None:
            return None
        found = model_data(meta, self.needs_field)
        named = found[0][1] if len(found) == 1 else None
        if not isinstance(named, str) or not named:
            return None
        if not named.startswith("/"):
            return named
        tokens = split_pointer(named)
        return tokens[0] if tokens else None

    def speaks_of(self, meta: dict[str, Any]) -> RequestTest | None:
        """The test a request passes where the rule may speak of it, built for the model data
        ``meta``: it has the field the rule needs (``needs_field``) and passes the rule's
        ``speaks_if``; None: the rule is called for every request."""
        needed = self.field_needed(meta)
        test = self.speaks_if(meta) if self.speaks_if is not None else None
        if needed is None:
            return test
        if test is None:
            return has_any((needed,))
        return lambda request: needed in request and test(request)

    @property
    def doc(self) -> str:
        import inspect  # only for documentation: a clean lint never needs it

        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        """The docstring's first sentence (its first paragraph, on one line)."""
        return " ".join(self.doc.split("\n\n", 1)[0].split())

    def emit(self, message: str, pointer: str = "", hint: str | None = None, at_key: bool = False,
             char: int | None = None, line: int = 1, column: int = 1, record: int | None = None,
             fix: Fix | None = None) -> Diagnostic:
        """The one way a finding becomes a diagnostic: this rule's code and default severity; a
        fix takes the applicability the rule declares."""
        if fix is not None:
            if self.fix is None:
                raise ValueError(f"{self.code} proposes a fix but is not declared with fix=")
            fix = Fix(fix.message, fix.ops, self.fix, fix.edits, fix.remove_bom)
        return Diagnostic(self.code, self.severity, message, pointer, hint, line, column, record, at_key, char, fix)

    def emit_finding(self, finding: Finding) -> Diagnostic:
        # arguments by position: a few findings per request, and keywords cost twice the call
        return self.emit(finding.message, finding.pointer, finding.hint, finding.at_key, finding.char, 1, 1, None,
                         finding.fix)


def model_data(meta: dict[str, Any], reads: str) -> list[tuple[str, Any]]:
    """The values a rule that ``reads`` this dotted path finds in one model's data, with where
    they are; a media limit may also come from ``media_overrides`` (``override <at>``)."""
    found = _values_at(meta, reads.split("."), "")
    if reads.startswith("media.*."):
        key = reads.split(".", 2)[2]
        found += [(f"override {entry.get('at')}", entry[key]) for entry in meta.get("media_overrides", [])
                  if isinstance(entry, dict) and key in entry]
    return found


def _values_at(node: Any, parts: list[str], where: str) -> list[tuple[str, Any]]:
    if not parts:
        return [(where, node)]
    head, rest = parts[0], parts[1:]
    if not isinstance(node, dict):
        return []
    if head == "*":
        found: list[tuple[str, Any]] = []
        for key, value in node.items():
            found += _values_at(value, rest, f"{where}.{key}" if where else key)
        return found
    return _values_at(node[head], rest, where) if head in node else []


RULES: dict[str, Rule] = {}
# Codes that were renumbered: a configuration or command line naming the old code keeps
# working, told the new one (as ruff's redirects do).
RENAMED: dict[str, str] = {
    "VL236": "VL509",  # an unread document URL's extension moved to the asset stage (VL5xx)
}

RULE_MODULES = (
    "vidlint.rules.file",
    "vidlint.rules.schema",
    "vidlint.rules.request",
    "vidlint.rules.prompt",
    "vidlint.rules.callback",
    "vidlint.rules.assets",
    "vidlint.rules.media",
    "vidlint.rules.cost",
    "vidlint.rules.online",
    "vidlint.rules.meta",
    "vidlint.rules.wan27",
    "vidlint.rules.wan30",
    "vidlint.rules.kling",
)


def rule(code: str, name: str, severity: str, stage: str, reads: str | None = None,
         opt_in: bool = False, fix: str | None = None, needs_probe: bool = False,
         needs_field: str | None = None, about: tuple[str, ...] | None = None,
         speaks_if: Callable[[dict[str, Any]], RequestTest | None] | None = None) -> Callable[[Callable[..., Any]], Rule]:
    """Declare a rule (see the module's docstring). The decorated function becomes the Rule."""
    if stage not in STAGES:
        raise ValueError(f"{code}: unknown stage {stage!r}")
    if needs_probe and stage != "asset":
        raise ValueError(f"{code}: needs_probe is for asset rules")
    if about is not None and (stage != "asset" or not set(about) <= _RESOLUTIONS):
        raise ValueError(f"{code}: about is for asset rules, a tuple of {sorted(_RESOLUTIONS)}")
    if (needs_field is not None or speaks_if is not None) and stage not in _FIELDS_NEEDED:
        raise ValueError(f"{code}: needs_field and speaks_if are for request and facts rules")
    if fix is not None and fix not in APPLICABILITIES:
        raise ValueError(f"{code}: fix must be one of {APPLICABILITIES}, not {fix!r}")

    def register(func: Callable[..., Any]) -> Rule:
        known = RULES.get(code)
        if known is not None and known.func.__qualname__ != func.__qualname__:
            raise RuntimeError(f"rule code {code} declared twice")
        declared = Rule(code, name, Severity.parse(severity), stage, reads, func, opt_in, fix, needs_probe, needs_field,
                        about, speaks_if)
        RULES[code] = declared
        return declared

    return register


_SORTED: dict[str, Rule] = {}
_BY_STAGE: dict[str, tuple[Rule, ...]] = {}
_OPT_IN: frozenset[str] = frozenset()  # the codes of the opt-in rules


def load_all_rules() -> dict[str, Rule]:
    """Every rule, by code (imports the rule modules once)."""
    global _OPT_IN
    if not _SORTED:
        import importlib

        for module in RULE_MODULES:
            importlib.import_module(module)
        _SORTED.update(sorted(RULES.items()))
        _OPT_IN = frozenset(code for code, declared in _SORTED.items() if declared.opt_in)
        for stage in STAGES:
            _BY_STAGE[stage] = tuple(r for r in _SORTED.values() if r.stage == stage)
    return _SORTED


def by_name(name: str) -> Rule:
    """A rule by its name (``"invalid-json"``): how finders outside the rule modules emit."""
    load_all_rules()
    for declared in _SORTED.values():
        if declared.name == name:
            return declared
    raise KeyError(name)


def rule_stage(code: str) -> str | None:
    """The stage of the rule with this code (None: no such rule)."""
    declared = load_all_rules().get(code)
    return declared.stage if declared is not None else None


def stage_rules(stage: str) -> tuple[Rule, ...]:
    if not _BY_STAGE:
        load_all_rules()
    return _BY_STAGE[stage]


# by id(meta): (meta, {build or (build, *args): what it built}); the model data itself is kept,
# so its id is not reused
_DERIVED: dict[int, tuple[dict[str, Any], dict[Any, Any]]] = {}
_NOT_BUILT = object()


def derived(meta: dict[str, Any], build: Callable[..., Any], *args: Any) -> Any:
    """``build(meta, *args)``, worked out once per model data (``meta``: a profile's
    ``x-vidlint``) and ``args``: what rules and the estimate read of a model's data, not read
    again for every request."""
    kept = _DERIVED.get(id(meta))
    if kept is None or kept[0] is not meta:
        kept = _DERIVED[id(meta)] = (meta, {})
    key = (build, *args) if args else build  # (asked several times a request: no tuple without args)
    found = kept[1].get(key, _NOT_BUILT)
    if found is _NOT_BUILT:
        found = kept[1][key] = build(meta, *args)
    return found


def _rules_applying(meta: dict[str, Any], stage: str, unread: bool) -> tuple[Rule, ...]:
    return tuple(r for r in stage_rules(stage) if r.applies(meta) and not (unread and r.needs_probe))


def applying(stage: str, meta: dict[str, Any], unread: bool = False) -> tuple[Rule, ...]:
    """The rules of ``stage`` that apply to the model data ``meta`` (worked out once per model);
    ``unread``: only those that can speak of an asset nothing read (no ``needs_probe``)."""
    return derived(meta, _rules_applying, stage, unread)  # type: ignore[no-any-return]


def _rules_running(meta: dict[str, Any], stage: str, unread: bool, skip: frozenset[str],
                   opted: frozenset[str]) -> tuple[tuple[Rule, RequestTest | None], ...]:
    """(rule, :meth:`Rule.speaks_of`) of each rule ``stage`` runs for the model data (skips and
    opt-ins applied), worked out once per model, stage and selection."""
    return tuple((declared, declared.speaks_of(meta))
                 for declared in applying(stage, meta, unread)
                 if declared.code not in skip and (not declared.opt_in or declared.code in opted))


def run_stage(stage: str, ctx: Any, meta: dict[str, Any], skip: frozenset[str] = frozenset(),
              opted_in: frozenset[str] = frozenset(), unread: bool = False) -> list[Diagnostic]:
    """Run every rule of ``stage`` that applies to ``meta`` on ``ctx`` (an opt-in rule only when its
    code is in ``opted_in``; ``unread``: see :func:`applying`; a request or facts rule only when the
    request has the field it needs, ``needs_field``, and passes its ``speaks_if``); their
    diagnostics. Which rules run is worked out once per model, stage and selection (a run has one:
    each request asks the same)."""
    request: dict[str, Any] = ctx.request if stage in _FIELDS_NEEDED else {}
    found = []
    for declared, speaks in derived(meta, _rules_running, stage, unread, skip, opted_in):
        if speaks is not None and not speaks(request):
            continue  # the rule says nothing of such a request
        for finding in declared.func(ctx):
            found.append(declared.emit_finding(finding))
    return found


def run_stage_over(stage: str, contexts: list[Any], skip: frozenset[str] = frozenset(),
                   opted_in: frozenset[str] = frozenset(),
                   found: list[list[Diagnostic]] | None = None) -> list[list[Diagnostic]]:
    """``run_stage(stage, ctx, ctx.meta, skip, opted_in)`` of each request or facts context, a
    rule at a time: each rule runs over every context of its model before the next rule does
    (its code stays warm: ~8 us a request less for the request rules of a batch of 32). Each
    context's findings come in the order ``run_stage`` gives them, appended to its list in
    ``found`` (None: a new list each), which is returned."""
    if found is None:
        found = [[] for _ in contexts]
    by_model: dict[int, list[tuple[Any, list[Diagnostic]]]] = {}  # (context, its findings) of each model
    for ctx, into in zip(contexts, found, strict=True):
        by_model.setdefault(id(ctx.meta), []).append((ctx, into))
    for members in by_model.values():
        meta = members[0][0].meta
        requests = [ctx.request for ctx, _ in members]
        for declared, speaks in derived(meta, _rules_running, stage, False, skip, opted_in):
            func, emit = declared.func, declared.emit_finding
            # the members whose request the rule may speak of (its test asked without a loop of ours)
            speaking = members if speaks is None else compress(members, map(speaks, requests))
            for ctx, into in speaking:
                for finding in func(ctx):
                    into.append(emit(finding))
    return found


def opted_in(config: Any) -> frozenset[str]:
    """The opt-in rules a configuration names by their full code (``select`` / ``extend-select``)."""
    if config is None:
        return frozenset()
    return _opted_in(config.select, config.extend_select)


@functools.lru_cache(maxsize=16)
def _opted_in(select: tuple[str, ...], extend_select: tuple[str, ...]) -> frozenset[str]:
    """:func:`opted_in`, worked out once per selection (a run has one; it was asked per request)."""
    load_all_rules()
    return _OPT_IN.intersection({*select, *extend_select})


def iter_findings(items: Iterable[Finding] | None) -> Iterable[Finding]:
    return () if items is None else items


class RequestContext(Record):
    """What request and facts rules look at: the parsed request, the model's ``x-vidlint`` data
    (``meta``), the model's profile, and (facts rules) what the asset check learned."""

    request: dict[str, Any]
    meta: dict[str, Any]
    profile: Any = None
    facts: dict[str, Any] = field(default_factory=dict)
    # the prompt's tags, read by several rules: scanned once per request (``rules.prompt._texts``)
    tags: Any = field(default=None, init=False)
    # how many inputs a field (or fields: a tag's target) holds, by pointer (``rules.request.counted``)
    counts: dict[str | tuple[str, ...], int] = field(default_factory=dict, init=False)
