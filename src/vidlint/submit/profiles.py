"""Model profiles (the ``x-vidlint`` object of each model's schema) for the submit flow."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from vidlint.submit.config import UsageError


def _schema_dirs() -> list[Path]:
    package = Path(__file__).resolve().parents[1]
    return [package / "schemas", package.parents[1] / "schemas"]


@lru_cache(maxsize=None)
def profile_for(model: Any) -> dict[str, Any]:
    if not isinstance(model, str) or not model or "/" in model or "\\" in model or model.startswith("."):
        raise UsageError(f"the request names no known model ({model!r})")
    for folder in _schema_dirs():
        path = folder / f"{model}.json"
        if path.is_file():
            schema = json.loads(path.read_text(encoding="utf-8"))
            profile = schema.get("x-vidlint")
            if isinstance(profile, dict):
                return profile
    raise UsageError(f"no profile for model {model!r}: vidlint cannot tell which fields hold assets")
