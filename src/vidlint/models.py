"""Model profiles: one JSON Schema per model under ``schemas/``, its ``x-vidlint`` object as data."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


def schema_dir() -> Path:
    """``vidlint/schemas`` inside an installed wheel; the repository's ``schemas/`` in a checkout."""
    packaged = Path(__file__).parent / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"


@dataclass(frozen=True, eq=False)
class ModelProfile:
    name: str
    path: Path
    schema: dict[str, Any]

    @property
    def meta(self) -> dict[str, Any]:
        return self.schema.get("x-vidlint", {})


@lru_cache(maxsize=None)
def known_models() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in schema_dir().glob("*.json") if not p.name.startswith("_")))


@lru_cache(maxsize=None)
def load_profile(name: str) -> ModelProfile | None:
    if name not in known_models():
        return None
    path = schema_dir() / f"{name}.json"
    with open(path, encoding="utf-8") as handle:
        return ModelProfile(name, path, json.load(handle))


def suggest_model(name: str) -> str | None:
    lowered = {m.lower(): m for m in known_models()}
    if name.lower() in lowered:
        return lowered[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None
