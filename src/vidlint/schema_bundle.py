"""Stand-alone model schemas: a model's schema with the shared family files it ``$ref``s
copied in, so that an editor or check-jsonschema needs that one file only.

The sources under ``schemas/`` stay the one truth (vidlint validates with them); the
bundle is built from them when asked (``vidlint schema MODEL``). A shared file
``_wan2.7-defs.json`` goes to ``$defs/_wan2.7-defs`` and every reference to it, from the
model's file or from inside the shared file, is rewritten to point there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vidlint.core.links import schema_id
from vidlint.models import ModelProfile, load_schema_file


def bundle(profile: ModelProfile) -> dict[str, Any]:
    source = load_schema_file(profile.path.name)
    embedded: dict[str, Any] = {}
    pending = _external_files(source)
    while pending:
        name = pending.pop()
        if name in embedded:
            continue
        shared = {k: v for k, v in load_schema_file(name).items() if k not in ("$schema", "$id")}
        embedded[name] = _rewrite(shared, name)
        pending |= _external_files(shared) - set(embedded)
    out: dict[str, Any] = {"$schema": source.get("$schema"), "$id": schema_id(profile.name)}
    out.update((k, v) for k, v in _rewrite(source, None).items() if k not in ("$schema", "$id"))
    if embedded:
        out["$defs"] = {**out.get("$defs", {}), **{_def_name(n): v for n, v in embedded.items()}}
    return out


def _def_name(file_name: str) -> str:
    return Path(file_name).stem


def _external_files(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*map(_external_files, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set().union(*map(_external_files, node.values())) if node else set()
    ref = node.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#"):
        found.add(Path(ref.partition("#")[0]).name)
    return found


def _rewrite(node: Any, current: str | None) -> Any:
    """``node`` with references into shared files pointed at their copies; ``current`` is the
    shared file ``node`` comes from (None: the model's own file)."""
    if isinstance(node, list):
        return [_rewrite(item, current) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _rewrite(value, current) for key, value in node.items()}
    ref = node.get("$ref")
    if isinstance(ref, str):
        target, _, fragment = ref.partition("#")
        file_name = Path(target).name if target else current
        if file_name is not None:
            out["$ref"] = f"#/$defs/{_def_name(file_name)}{fragment}"
    return out
