"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

``::error file=PATH,line=L,col=C,title=CODE::message``. Chosen automatically when
``GITHUB_ACTIONS=true`` and no ``--format`` is given. Info findings become ``::notice``.
"""

from __future__ import annotations

from typing import Any, TextIO

from vidlint.run import LintRun
from vidlint.core.diagnostics import Severity
from vidlint.core.fingerprint import portable_path

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part: %, CR and LF are escaped (the runner unescapes them)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ``:`` and ``,``, which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(path: str, d: Any) -> str:
    properties = ",".join([
        f"file={escape_property(portable_path(path))}",
        f"line={d.line}",
        f"col={d.column}",
        f"title={escape_property(d.code)}",
    ])
    text = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return f"::{COMMANDS[d.severity]} {properties}::{escape_data(text)}"


def render(run: LintRun, stream: TextIO, quiet: bool = False, **_: Any) -> None:
    for result in run.files:
        for d in result.diagnostics:
            stream.write(annotation(result.path, d) + "\n")
    for reason in run.path_errors:
        stream.write(f"::error title=vidlint::{escape_data(reason)}\n")
    if not quiet:
        from vidlint.report.text import summary_line

        stream.write(summary_line(run) + "\n")
