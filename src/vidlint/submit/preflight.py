"""Lint the request before anything is sent; submit refuses while it has errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vidlint.submit.session import Console


def lint_before_submit(path: Path, console: Console) -> bool:
    """True when the request may be sent. Prints the findings (errors and warnings) on stderr."""
    try:
        from vidlint import api  # type: ignore[attr-defined]  # the lead's core (lint_paths)
    except ImportError:
        return _schema_only(path, console)
    raise NotImplementedError  # wired after merging main


def _schema_only(path: Path, console: Console) -> bool:
    """TEMPORARY until the core lint is on main: JSON Schema validation of the request only."""
    import jsonschema

    from vidlint.submit.profiles import _schema_dirs

    request: Any = json.loads(path.read_text(encoding="utf-8"))
    model = request.get("model") if isinstance(request, dict) else None
    for folder in _schema_dirs():
        schema_path = folder / f"{model}.json"
        if schema_path.is_file():
            break
    else:
        console.error(f"{path.name}: unknown model {model!r}; not submitted")
        return False
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(request))
    for error in errors:
        console.info(f"{path.name}: error: {error.message}")
    if errors:
        console.error(f"{path.name} has {len(errors)} error(s); not submitted")
    return not errors
