"""Rules of the wan3.0 family that model data cannot say: the wan2.7 -> wan3.0 migration preview
(opt-in).

A model gets this rule by having the key it reads: ``migration`` (the wan2.7 profiles, whose
entries live in ``schemas/_wan3.0-defs.json``).
"""

from __future__ import annotations

from typing import Any, Iterator

from vidlint.core.wording import show
from vidlint.core.diagnostics import Severity
from vidlint.rules.registry import Finding, RequestContext, rule, run_stage
from vidlint.rules.request import applies

def migration_data(where: Any) -> dict[str, Any] | None:
    """The migration entry a profile points at: ``"_wan3.0-defs.json#/x-vidlint-shared/migration/..."``
    (a plain string, not a ``$ref``, so a bundled wan2.7 schema does not carry wan3.0's file)."""
    from vidlint.models import expand_refs, follow_pointer, load_schema_file

    if not isinstance(where, str) or "#" not in where:
        return None
    file_name, _, fragment = where.partition("#")
    try:
        found = follow_pointer(load_schema_file(file_name), fragment)
    except (OSError, KeyError, IndexError, ValueError, TypeError):
        return None
    return expand_refs(found, file_name) if isinstance(found, dict) else None


@rule("VL235", "migration-preview", "info", stage="request", reads="migration", opt_in=True)
def migration_preview(ctx: RequestContext) -> Iterator[Finding]:
    """What changes when this request moves to the next version of its model.

    Switched on with ``--extend-select VL235`` (or ``extend-select = ["VL235"]`` in the
    configuration). For a wan2.7 request it names the wan3.0 model it would move to and lists,
    each at its field: the documented differences that apply to this request (``audio_urls``
    become standalone material named "Audio N"; ``model_params.voice_bindings`` is not
    supported; the default aspect ratio becomes ``adaptive``; no video continuation or
    driving audio), what differs for every request (``general``: the longer prompt, seed from 0,
    480p, durations up to 30 s), and every error or warning the wan3.0 model's own checks find in the request
    with only ``model`` changed (``negative_prompt`` and ``prompt_extend`` do not exist there).
    wan2.7-video-edit has no wan3.0 counterpart, which it says.

    Shows it: ``vidlint lint --extend-select VL235 request.json`` on a wan2.7-reference-video
    request with ``model_params.voice_bindings``.
    Fix: nothing to fix: information for a planned move; the request stays valid for wan2.7.
    """
    from vidlint.check.schema import check_schema
    from vidlint.models import load_profile
    from vidlint.core.pointers import covers as pointer_covers

    spec = migration_data(ctx.meta["migration"])
    if spec is None:
        return
    target_name = spec.get("to")
    if not target_name:
        yield Finding("/model", spec.get("why", "no newer model documented for this one"))
        return
    target = load_profile(target_name)
    if target is None:
        return
    changes = [entry for entry in spec.get("changes", []) if applies(entry, ctx.request)]
    moved = {**ctx.request, "model": target_name}
    found = check_schema(moved, target)
    found += run_stage("request", RequestContext(moved, target.meta, target), target.meta,
                       skip=frozenset({"VL230", "VL231"}))
    covered = [entry["at"] for entry in changes if entry.get("at")]
    checks = [d for d in found if d.severity >= Severity.WARNING
              and not any(pointer_covers(at, d.pointer) for at in covered)]
    total = len(changes) + len(checks)
    summary = (f"moving this request to {target_name} changes {total} thing{'s' if total != 1 else ''} "
               "(each said at its field)" if total else
               f"this request moves to {target_name} as it is: only the model name changes")
    if spec.get("general"):
        summary += f"; {spec['general']}"
    yield Finding("/model", summary, f'set "model": {show(target_name)} to move it' if not total else None)
    for entry in changes:
        yield Finding(entry.get("at", ""), f"on {target_name}: {entry['message']}", entry.get("hint"))
    for d in checks:
        yield Finding(d.pointer, f"on {target_name} ({d.code}): {d.message}", d.hint, at_key=d.at_key)
