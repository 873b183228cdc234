"""One request document -> its positioned diagnostics: model selection, schema, rules, assets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vidlint.check.schema import check_schema
from vidlint.check.wording import type_name
from vidlint.diagnostics import Diagnostic
from vidlint.load import Document
from vidlint.models import ModelProfile, known_models, load_profile, suggest_model
from vidlint.records import Record
from vidlint.rules.file import missing_model, not_an_object, unknown_model
from vidlint.rules.registry import RequestContext, load_all_rules, opted_in, run_stage


class RequestResult(Record):
    """What checking one request found, plus facts other steps reuse (model, estimate)."""

    __slots__ = ("model", "diagnostics", "estimate", "facts")

    def __init__(self, model: str | None, diagnostics: list[Diagnostic], estimate: dict[str, Any] | None = None,
                 facts: dict[str, Any] | None = None) -> None:
        self.model = model
        self.diagnostics = diagnostics
        self.estimate = estimate
        self.facts = {} if facts is None else facts


def _missing_model_hint(model: Any) -> str:
    hint = 'add "model": "<one of the models above>"'
    if model is None and os.environ.get("PRE_COMMIT"):  # the hook was handed JSON that is no request
        hint += ("; if this JSON is not a request, narrow the hook's `files:` in .pre-commit-config.yaml "
                 "to your request folders (e.g. files: ^requests/) or add it to `exclude:`")
    return hint


def select_profile(request: dict[str, Any]) -> tuple[ModelProfile | None, Diagnostic | None]:
    model = request.get("model")
    known = ", ".join(known_models())
    if not isinstance(model, str):
        what = "has no model" if model is None else f"has a model that is {type_name(model)}, not a string"
        return None, missing_model.emit(f"the request {what}; vidlint knows: {known}",
                                        "/model" if "model" in request else "", _missing_model_hint(model))
    profile = load_profile(model)
    if profile is None:
        guess = suggest_model(model)
        return None, unknown_model.emit(f'unknown model "{model}"; vidlint knows: {known}',
                                        "/model", f'did you mean "{guess}"?' if guess else "run `vidlint models` for details")
    return profile, None


def prepare_models() -> None:
    """Rules, profiles and both schema validators of every model, loaded now (see vidlint.parallel)."""
    from vidlint.check.schema import prepare

    load_all_rules()
    for name in known_models():
        profile = load_profile(name)
        if profile is not None:
            prepare(profile)


def check_request(request: Any, base_dir: Path | None, options: Any = None) -> RequestResult:
    """Diagnostics (pointer only, no position yet) for one parsed request."""
    load_all_rules()
    if not isinstance(request, dict):
        return RequestResult(None, [not_an_object.emit(
            f"a request must be a JSON object, not {type_name(request)}", "",
            "one request object per .json file; batches go in .jsonl files, one object per line")])
    profile, problem = select_profile(request)
    if profile is None:
        return RequestResult(request.get("model") if isinstance(request.get("model"), str) else None, [problem])  # type: ignore[list-item]
    found = check_schema(request, profile)
    ctx = RequestContext(request, profile.meta, profile)
    found.extend(run_stage("request", ctx, profile.meta, opted_in=opted_in(getattr(options, "config", None))))
    facts: dict[str, Any] = {}
    if "assets" in profile.meta:
        from vidlint.check.assets import check_assets

        asset_found, facts = check_assets(request, profile.meta, base_dir or Path.cwd(), asset_options(options))
        found.extend(asset_found)
    ctx.facts = facts
    found.extend(run_stage("facts", ctx, profile.meta))  # rules that weigh probed media
    estimate = None
    if "billing" in profile.meta:
        from vidlint.check.estimate import estimate as estimate_cost

        estimate = estimate_cost(request, profile.meta, facts.get("input_video_seconds", 0.0),
                                 complete=facts.get("complete", True), prices=prices_for(options, profile.name))
    return RequestResult(profile.name, found, estimate, facts)


def prices_for(options: Any, model: str) -> dict[str, float] | None:
    """Configured prices for ``model`` (``LintOptions.model_prices``), else the flat ``prices`` override."""
    by_model = getattr(options, "model_prices", None) or {}
    return by_model.get(model) or getattr(options, "prices", None)


def asset_options(options: Any) -> Any:
    """The run's asset options, built once per run so that its probe cache is shared."""
    from vidlint.check.assets import AssetOptions

    if options is None:
        return AssetOptions()
    built = getattr(options, "asset_options", None)
    if built is None:
        built = AssetOptions(asset_maps=list(getattr(options, "asset_maps", ()) or ()),
                             no_cache=bool(getattr(options, "no_cache", False)),
                             online=getattr(options, "online_session", None))
        options.asset_options = built
    return built


def check_document(document: Document, base_dir: Path | None, options: Any = None) -> RequestResult:
    result = check_request(document.value, base_dir, options)
    placed = [document.place(d) for d in result.diagnostics] + document.parse_warnings()
    placed.sort(key=lambda d: (d.line, d.column, d.code))
    result.diagnostics = placed
    return result
