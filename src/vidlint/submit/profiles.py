"""Model profiles (the ``x-vidlint`` object of each model's schema) for the submit flow."""

from __future__ import annotations

from typing import Any

from vidlint.submit.config import UsageError


def profile_for(model: Any) -> dict[str, Any]:
    from vidlint.models import known_models, load_profile

    profile = load_profile(model) if isinstance(model, str) else None
    if profile is None:
        raise UsageError(f"unknown model {model!r}; vidlint knows: {', '.join(known_models())}")
    return profile.meta
