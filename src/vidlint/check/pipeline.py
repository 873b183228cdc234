"""One request document -> its positioned diagnostics: model selection, schema, rules, assets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from vidlint.check.assets import check_assets
from vidlint.check.estimate import estimate as estimate_cost
from vidlint.check.schema import check_schemas
from vidlint.core.wording import type_name
from vidlint.core.diagnostics import Diagnostic, by_position
from vidlint.load import Document
from vidlint.models import ModelProfile, load_profile, models_advice, unknown_model_hint
from vidlint.core.records import Record, field
from vidlint.rules.file import missing_model, not_an_object, unknown_model
from vidlint.rules.registry import RequestContext, load_all_rules, opted_in, run_stage_over
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


def check_request(request: Any, base_dir: Path | None, options: LintOptions | None = None,
                  plain: bool = False) -> RequestResult:
    """Diagnostics (pointer only, no position yet) for one parsed request (``plain``: see ``check_requests``)."""
    return check_requests([(request, base_dir)], options, [plain])[0]


class _Checking(RequestContext):
    """A request on its way through ``check_requests``: its rules' context (one object a request,
    not a record holding one), with its result (its findings gathered in ``result.diagnostics``, a
    stage at a time, and its facts: the context's until the asset check gives its own), where its
    assets are, and whether its parser vouched that jsonschema-rs reads it as Python does
    (``Document.plain``). (The three come after the context's defaults: check_requests gives each.)"""

    result: RequestResult = field(default=None)
    base_dir: Path | None = None
    plain: bool = False


def check_requests(requests: Sequence[tuple[Any, Path | None]], options: LintOptions | None = None,
                   plain: Sequence[bool] | None = None) -> list[RequestResult]:
    """``check_request`` of each (request, base_dir), a stage at a time: every request's schema,
    then every request's request rules, then assets, facts rules and estimates in turn. The same
    results as one by one, for less CPU over a batch (each stage's code stays warm: see
    docs/performance.md, "Files a stage at a time"). ``plain``: for each request, whether its
    parser vouched that jsonschema-rs reads it as Python does (``Document.plain``: the schema
    stage need not walk it to find out); None: none was."""
    load_all_rules()
    results: list[RequestResult] = []
    checking: list[_Checking] = []
    for index, (request, base_dir) in enumerate(requests):
        if not isinstance(request, dict):
            results.append(RequestResult(None, [not_an_object.emit(
                f"a request must be a JSON object, not {type_name(request)}", "",
                "one request object per .json file; batches go in .jsonl files, one object per line")]))
            continue
        profile, problem = select_profile(request)
        if profile is None:
            model = request.get("model")
            results.append(RequestResult(model if isinstance(model, str) else None, [problem]))  # type: ignore[list-item]
            continue
        result = RequestResult(profile.name, [])  # its findings and estimate filled in below
        checking.append(_Checking(request, profile.meta, profile, result.facts, result, base_dir,
                                  plain is not None and plain[index]))
        results.append(result)
    skip = options.dropped_codes if options is not None else frozenset()  # rules whose findings would be dropped
    opted = opted_in(getattr(options, "config", None))
    for one, found in zip(checking, check_schemas([(one.request, one.profile) for one in checking],
                                                  [one.plain for one in checking]), strict=True):
        one.result.diagnostics = found
    run_stage_over("request", checking, skip, opted, [one.result.diagnostics for one in checking])
    asset_options = options.assets if options is not None else None
    for one in checking:
        if "assets" in one.meta:
            asset_found, one.facts = check_assets(one.request, one.meta, one.base_dir or Path.cwd(), asset_options, skip)
            one.result.diagnostics += asset_found
            one.result.facts = one.facts
    run_stage_over("facts", checking, skip, found=[one.result.diagnostics for one in checking])  # probed media weighed
    costs = options.costs if options is not None else None
    for one in checking:
        if "billing" in one.meta:
            facts, result = one.facts, one.result
            result.estimate = estimate_cost(one.request, one.meta, facts.get("input_video_seconds", 0.0),
                                            complete=facts.get("complete", True),
                                            prices=costs.for_model(one.profile.name) if costs is not None else None)
    return results


def check_document(document: Document, base_dir: Path | None, options: LintOptions | None = None) -> RequestResult:
    """``check_request`` of a document, its findings placed in it and in position order; those
    of ``options.dropped_codes`` are left out, those of ``options.unplaced_codes`` not placed."""
    return placed_result(document, check_request(document.value, base_dir, options, document.plain), options)


def placed_result(document: Document, result: RequestResult, options: LintOptions | None = None) -> RequestResult:
    """``check_document``'s second half: ``result`` (``check_request`` of the document) with its
    findings placed, in position order."""
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
