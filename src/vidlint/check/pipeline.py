"""One request document -> its positioned diagnostics: model selection, schema, rules, assets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vidlint.check.assets import check_assets
from vidlint.check.estimate import estimate as estimate_cost
from vidlint.check.schema import check_schema
from vidlint.core.wording import type_name
from vidlint.core.diagnostics import Diagnostic, by_position
from vidlint.load import Document
from vidlint.models import ModelProfile, load_profile, models_advice, unknown_model_hint
from vidlint.core.records import Record, field
from vidlint.rules.file import missing_model, not_an_object, unknown_model
from vidlint.rules.registry import RequestContext, load_all_rules, opted_in, run_stage
from vidlint.run import LintOptions


class RequestResult(Record):
    """What checking one request found, plus facts other steps reuse (model, estimate)."""

    model: str | None
    diagnostics: list[Diagnostic]
    estimate: dict[str, Any] | None = None
    facts: dict[str, Any] = field(default_factory=dict)


def _missing_model_hint(model: Any) -> str:
    hint = f'add "model": "<model id>"; {models_advice()}'
    if model is None and os.environ.get("PRE_COMMIT"):  # the hook was handed JSON that is no request
        hint += ("; if this JSON is not a request, narrow the hook's `files:` in .pre-commit-config.yaml "
                 "to your request folders (e.g. files: ^requests/) or add it to `exclude:`")
    return hint


def select_profile(request: dict[str, Any]) -> tuple[ModelProfile | None, Diagnostic | None]:
    model = request.get("model")
    if not isinstance(model, str):
        what = "has no model" if model is None else f"has a model that is {type_name(model)}, not a string"
        return None, missing_model.emit(f"the request {what}", "/model" if "model" in request else "",
                                        _missing_model_hint(model))
    profile = load_profile(model)
    if profile is None:
        return None, unknown_model.emit(f'unknown model "{model}"', "/model", unknown_model_hint(model))
    return profile, None


def check_request(request: Any, base_dir: Path | None, options: LintOptions | None = None) -> RequestResult:
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
    meta = profile.meta
    ctx = RequestContext(request, meta, profile)
    skip = options.dropped_codes if options is not None else frozenset()  # rules whose findings would be dropped
    found.extend(run_stage("request", ctx, meta, skip, opted_in(getattr(options, "config", None))))
    facts: dict[str, Any] = {}
    if "assets" in meta:
        asset_found, facts = check_assets(request, meta, base_dir or Path.cwd(),
                                          options.assets if options is not None else None, skip)
        found.extend(asset_found)
    ctx.facts = facts
    found.extend(run_stage("facts", ctx, meta, skip))  # rules that weigh probed media
    estimate = None
    if "billing" in meta:
        estimate = estimate_cost(request, meta, facts.get("input_video_seconds", 0.0),
                                 complete=facts.get("complete", True),
                                 prices=options.costs.for_model(profile.name) if options is not None else None)
    return RequestResult(profile.name, found, estimate, facts)


def check_document(document: Document, base_dir: Path | None, options: LintOptions | None = None) -> RequestResult:
    """``check_request`` of a document, its findings placed in it and in position order; those
    of ``options.dropped_codes`` are left out, those of ``options.unplaced_codes`` not placed."""
    result = check_request(document.value, base_dir, options)
    found = result.diagnostics
    if options is not None and (options.dropped_codes or options.unplaced_codes):
        dropped, unplaced = options.dropped_codes, options.unplaced_codes
        found = [d for d in found if d.code not in dropped]
        placed = document.place_all([d for d in found if d.code not in unplaced])
        placed += [d for d in found if d.code in unplaced]
    else:
        placed = document.place_all(found)
    if document.suspicious:
        placed += document.parse_warnings()
    placed.sort(key=by_position)
    result.diagnostics = placed
    return result
