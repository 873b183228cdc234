"""Model profiles: one JSON Schema per model under ``schemas/``, its ``x-vidlint`` object as data.

A profile may take shared data from another file of the family with ``{"$ref":
"_wan2.7-defs.json#/x-vidlint-shared/media/image"}``; keys written next to the ``$ref``
override the referenced ones. :func:`load_profile` expands them, so ``profile.meta`` is
plain data.
"""

from __future__ import annotations

import json
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable

from vidlint.core.pointers import split_pointer

_SCHEMA_DIR: list[Path] = []  # set by use_schema_dir
_DERIVED_CACHES: list[Callable[[], None]] = []  # see forget_with_models


def schema_dir() -> Path:
    """``vidlint/schemas`` inside an installed wheel; the repository's ``schemas/`` in a checkout
    (or the folder :func:`use_schema_dir` names)."""
    if _SCHEMA_DIR:
        return _SCHEMA_DIR[-1]
    return _shipped_schema_dir()


@lru_cache(maxsize=1)
def _shipped_schema_dir() -> Path:
    """Found once per process: a ``stat`` and a ``realpath`` each time cost ~5 ms of the run
    that first loads every model's profile (VL230 asks for each model's fields)."""
    packaged = Path(__file__).parent / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


class ModelProfile:
    """A model's schema (``path``, parsed as ``schema``); one object per model and process."""

    def __init__(self, name: str, path: Path, schema: dict[str, Any]) -> None:
        self.name = name
        self.path = path
        self.schema = schema

    def __repr__(self) -> str:
        return f"ModelProfile({self.name!r}, {str(self.path)!r})"

    @cached_property  # read once per request; the schema does not change
    def meta(self) -> dict[str, Any]:
        return self.schema.get("x-vidlint", {})  # type: ignore[no-any-return]

    @cached_property  # rules ask for it once per request; the schema does not change
    def fields(self) -> tuple[str, ...]:
        """The top-level fields the model takes. A property whose schema is ``{"not": {}}``
        (directly or through a local ``$ref``) is documented as NOT taken, so it is left out."""
        taken = []
        for name, node in self.schema.get("properties", {}).items():
            if name == "$schema":
                continue
            if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
                node = follow_pointer(self.schema, node["$ref"][1:])
            if not (isinstance(node, dict) and node.get("not") == {}) and node is not False:
                taken.append(name)
        return tuple(taken)


@lru_cache(maxsize=None)
def known_models() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in schema_dir().glob("*.json") if not p.name.startswith("_")))


@lru_cache(maxsize=None)
def load_profile(name: str) -> ModelProfile | None:
    if name not in known_models():
        return None
    path = schema_dir() / f"{name}.json"
    schema = load_schema_file(path.name)
    schema = {**schema, "x-vidlint": expand_refs(schema.get("x-vidlint", {}), path.name)}
    check_conditions(schema["x-vidlint"], path.name)
    return ModelProfile(name, path, schema)


def check_conditions(meta: dict[str, Any], file_name: str) -> None:
    """Refuse a model whose data uses a condition keyword vidlint cannot evaluate (a typo would
    otherwise make a condition silently true)."""
    from vidlint.conditions import conditions_in, unsupported

    problems = [p for where, condition in conditions_in(meta) for p in unsupported(condition, where)]
    if problems:
        raise ValueError(f"{file_name}: x-vidlint conditions use unsupported keywords: {', '.join(problems)}")


@lru_cache(maxsize=None)
def load_schema_file(file_name: str) -> dict[str, Any]:
    """A file of ``schemas/`` by its bare name (what relative ``$ref``s name)."""
    with open(schema_dir() / Path(file_name).name, encoding="utf-8") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


def follow_pointer(document: Any, fragment: str) -> Any:
    for token in [t for t in split_pointer("/" + fragment.lstrip("/")) if t]:
        document = document[int(token)] if isinstance(document, list) else document[token]
    return document


def expand_refs(node: Any, file_name: str, depth: int = 0) -> Any:
    """``node`` with every ``{"$ref": ...}`` replaced by a copy of its target, local keys on top."""
    if depth > 32:
        raise ValueError(f"{file_name}: $ref chain too deep")
    if isinstance(node, list):
        return [expand_refs(item, file_name, depth) for item in node]
    if not isinstance(node, dict):
        return node
    local = {key: expand_refs(value, file_name, depth) for key, value in node.items() if key != "$ref"}
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return local
    target, _, fragment = ref.partition("#")
    target_file = Path(target).name if target else file_name
    base = expand_refs(follow_pointer(load_schema_file(target_file), fragment), target_file, depth + 1)
    return {**base, **local} if isinstance(base, dict) else base


def suggest_model(name: str) -> str | None:
    lowered = {m.lower(): m for m in known_models()}
    if name.lower() in lowered:
        return lowered[name.lower()]
    import difflib  # only on this error path

    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def models_advice() -> str:
    """Where the list of models is, without printing all of them into one message."""
    return f"`vidlint models` lists the {len(known_models())} models vidlint knows"


def unknown_model_hint(name: str) -> str:
    guess = suggest_model(name)
    return f'did you mean "{guess}"?' if guess else models_advice()


class use_schema_dir:
    """``with use_schema_dir(folder):`` vidlint knows the models of ``folder`` instead of its own
    (a contributor trying a new model file; tests with small test-only models)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def __enter__(self) -> Path:
        _SCHEMA_DIR.append(self.folder)
        _forget_models()
        return self.folder

    def __exit__(self, *exc: object) -> None:
        _SCHEMA_DIR.pop()
        _forget_models()


def forget_with_models(clear: Callable[[], None]) -> None:
    """Have ``clear`` called when the schema folder changes: a cache built from models (the
    schema checks' compiled validators) registers here, so this module imports none of them."""
    _DERIVED_CACHES.append(clear)


def _forget_models() -> None:
    for cached in (known_models, load_profile, load_schema_file):
        cached.cache_clear()
    for clear in _DERIVED_CACHES:
        clear()


def documentation_date() -> str | None:
    """When the model data was last checked against the vendor's documentation: the newest
    ``as_of`` date of the models' dated prices (``billing.as_of``, ``YYYY-MM``)."""
    dates = []
    for name in known_models():
        profile = load_profile(name)
        billing = profile.meta.get("billing") if profile is not None else None
        if isinstance(billing, dict) and isinstance(billing.get("as_of"), str):
            dates.append(billing["as_of"])
    return max(dates, default=None)
