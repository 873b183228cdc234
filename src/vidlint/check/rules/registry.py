"""The rule registry: every diagnostic code vidlint can emit is a registered function.

A rule's docstring is its documentation (``vidlint rules CODE`` prints it), so the two
cannot drift. ``kind`` says where the rule runs:

- ``request``: a function over one parsed request and the model profile, run by the linter;
- ``schema``: found by the model's JSON Schema (so editors and check-jsonschema see it too);
  the function translates the schema error or, for annotated constraints, only documents it;
- ``file``: found while reading the file, before any request can be checked;
- ``asset``: found while resolving and probing referenced media;
- ``facts``: a function over one request, the profile and the facts the asset check
  learned (``check_assets``: probed durations of each asset), run after the asset check.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from vidlint.diagnostics import Severity
from vidlint.records import FrozenRecord


class Finding(FrozenRecord):
    """What a rule function yields; the registry turns it into a Diagnostic. ``char``: for
    string values, the index of the character the finding is about."""

    __slots__ = ("pointer", "message", "hint", "at_key", "char")

    def __init__(self, pointer: str, message: str, hint: str | None = None, at_key: bool = False,
                 char: int | None = None) -> None:
        self.pointer = pointer
        self.message = message
        self.hint = hint
        self.at_key = at_key
        self.char = char


class Rule(FrozenRecord):
    """A registered rule. ``needs``: the profile key this rule reads; it runs only for models
    that have it."""

    __slots__ = ("code", "name", "severity", "kind", "func", "needs")

    def __init__(self, code: str, name: str, severity: Severity, kind: str, func: Callable[..., Any],
                 needs: str | None = None) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.kind = kind
        self.func = func
        self.needs = needs

    @property
    def doc(self) -> str:
        import inspect

        return inspect.getdoc(self.func) or ""

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0].strip()


RULES: dict[str, Rule] = {}

RULE_MODULES = (
    "vidlint.check.rules.file_rules",
    "vidlint.check.schema",
    "vidlint.check.rules.requests",
    "vidlint.check.rules.prompt",
    "vidlint.check.rules.callback",
    "vidlint.check.rules.family",
    "vidlint.check.rules.shots",
)
# Modules of optional features add themselves here (assets, budget, ...).
EXTRA_RULE_MODULES: list[str] = ["vidlint.check.assets", "vidlint.remote.rules", "vidlint.check.rules.meta",
                                "vidlint.check.rules.budget"]


def rule(code: str, name: str, severity: str = "error", kind: str = "request",
         needs: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if code in RULES and RULES[code].func.__qualname__ != func.__qualname__:
            raise RuntimeError(f"rule code {code} registered twice")
        RULES[code] = Rule(code, name, Severity.parse(severity), kind, func, needs)
        func.code = code  # type: ignore[attr-defined]
        return func

    return register


_SORTED: dict[str, Rule] = {}
_LOADED: list[tuple[str, ...]] = []  # the module list last imported (load_all_rules runs per request)


def load_all_rules() -> dict[str, Rule]:
    import importlib

    modules = (*RULE_MODULES, *EXTRA_RULE_MODULES)
    if not _LOADED or _LOADED[-1] != modules:
        for module in modules:
            try:
                importlib.import_module(module)
            except ImportError:
                if module in RULE_MODULES:
                    raise
        _LOADED.append(modules)
    if len(_SORTED) != len(RULES):
        _SORTED.clear()
        _SORTED.update(sorted(RULES.items()))
    return dict(_SORTED)


def request_rules() -> Iterator[Rule]:
    for rule_ in list(RULES.values()):
        if rule_.kind == "request":
            yield rule_


def run_request_rules(request: dict[str, Any], meta: dict[str, Any],
                      skip: frozenset[str] = frozenset()) -> Iterable[tuple[Rule, Finding]]:
    for rule_ in request_rules():
        if rule_.code in skip or (rule_.needs is not None and rule_.needs not in meta):
            continue
        for finding in rule_.func(request, meta):
            yield rule_, finding


def run_fact_rules(request: dict[str, Any], meta: dict[str, Any],
                   facts: dict[str, Any]) -> Iterable[tuple[Rule, Finding]]:
    """Rules that need what the asset check learned (``facts``, as ``check_assets`` returns them)."""
    for rule_ in RULES.values():
        if rule_.kind != "facts" or (rule_.needs is not None and rule_.needs not in meta):
            continue
        for finding in rule_.func(request, meta, facts):
            yield rule_, finding
