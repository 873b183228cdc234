"""Report: a lint run -> text for people or structured output for machines.

Each formatter is a module with ``render(run, stream, **options)``; they are imported
only when chosen.
"""

from __future__ import annotations

FORMATTERS: dict[str, str] = {
    "text": "vidlint.report.text",
    "json": "vidlint.report.json_report",
    "sarif": "vidlint.report.sarif",
    "github": "vidlint.report.github",
    "junit": "vidlint.report.junit",
    "gitlab": "vidlint.report.gitlab",
    "markdown": "vidlint.report.markdown",
}


def formatter(name: str):  # type: ignore[no-untyped-def]
    import importlib

    return importlib.import_module(FORMATTERS[name])
