"""Model profiles (the ``x-vidlint`` object of each model's schema) for the submit flow."""

from __future__ import annotations

from typing import Any

from vidlint.submit.config import UsageError


def _model(model: Any):  # type: ignore[no-untyped-def]
    from vidlint.models import load_profile, models_advice, unknown_model_hint

    profile = load_profile(model) if isinstance(model, str) else None
    if profile is None:
        raise UsageError(f"unknown model {model!r}; "
                         + (unknown_model_hint(model) if isinstance(model, str) else models_advice()))
    return profile


def profile_for(model: Any) -> dict[str, Any]:
    return _model(model).meta


def schema_defaults(model: Any) -> dict[str, Any]:
    """Top-level field -> the ``default`` its schema documents (the property's own, else its
    ``$ref`` target's): what the server uses when the field is left out."""
    from vidlint.models import expand_refs

    try:
        profile = _model(model)
    except UsageError:
        return {}
    defaults = {}
    for name, node in (profile.schema.get("properties") or {}).items():
        if not isinstance(node, dict):
            continue
        if "default" not in node and "$ref" in node:
            node = expand_refs(node, profile.path.name)
        if isinstance(node, dict) and "default" in node:
            defaults[name] = node["default"]
    return defaults
