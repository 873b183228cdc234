"""Lint the request before anything is sent; submit refuses while it has errors."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from vidlint.core.diagnostics import Severity
from vidlint.submit.console import Console


def lint_options_for(path: Path) -> Any:
    """The options ``vidlint lint`` runs with in the request's project: the nearest configuration
    file from the request's folder up (fail level, severities, select/ignore, per-file ignores,
    budget, prices, asset maps), so submit never sends what lint fails and shows lint's estimate."""
    from vidlint.api import LintOptions
    from vidlint.settings.config import ConfigError, load_config
    from vidlint.settings.discovery import find_config
    from vidlint.submit.config import UsageError

    found = find_config(path.resolve().parent)
    if found is None:
        return LintOptions()
    try:
        return LintOptions.from_config(load_config(found))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def lint_before_submit(path: Path, console: Console) -> bool:
    """True when the request may be sent. Prints the findings (errors and warnings) on stderr."""
    from vidlint.api import lint_paths
    from vidlint.report.text import render

    # Probe every asset afresh: what is about to be paid for is what is on disk now, not what a
    # cache entry (perhaps of a file rewritten with its mtime put back) remembers.
    options = lint_options_for(path)
    options.assets.no_cache = True
    run = lint_paths([str(path)], options)
    for reason in run.path_errors:
        console.error(reason)
    if run.path_errors:
        return False
    # Errors and warnings only: infos (e.g. "local file, submit uploads it") are lint's business.
    shown = run.replace(files=[result.replace(diagnostics=[d for d in result.diagnostics
                                                           if d.severity >= Severity.WARNING])
                               for result in run.files])
    if any(result.diagnostics for result in shown.files):
        report = io.StringIO()
        render(shown, report, colour="never", quiet=True)
        for line in report.getvalue().splitlines():
            console.info(line)
    console.lint_estimates = [e for result in run.files for e in result.estimates]
    if run.failed:
        console.error(f"{path.name} has lint errors; not submitted (fix them, then submit again)")
        return False
    return True


def format_lint_estimate(estimate: dict[str, Any]) -> str | None:
    """The one-line cost estimate submit prints, when the estimate gives a price."""
    from vidlint.check.estimate import format_estimate

    if not isinstance(estimate.get("usd"), (int, float)):
        return None
    return "estimated cost: " + format_estimate(estimate)
