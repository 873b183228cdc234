"""Report: a lint run -> text for people or structured output for machines.

Each formatter is a module with ``render(run, stream, **options)``; they are imported
only when chosen.
"""

from __future__ import annotations

import json as _json
from typing import Any, Callable, Iterable, TextIO

_encode_string = _json.encoder.encode_basestring  # the C function where there is one, as json.dumps uses
_INF = float("inf")

FORMATTERS: dict[str, str] = {
    "text": "vidlint.report.text",
    "json": "vidlint.report.json_report",
    "sarif": "vidlint.report.sarif",
    "github": "vidlint.report.github",
    "junit": "vidlint.report.junit",
    "gitlab": "vidlint.report.gitlab",
    "markdown": "vidlint.report.markdown",
}
TEXT_STYLES = ("full", "concise")  # --format full|concise: the text format in one style (text: full on a terminal)


def write_json_array(stream: TextIO, items: Iterable[Any], encode: Callable[[Any], str],
                     indent: str | None = None) -> int:
    """Write ``items`` as one JSON array, each encoded as it comes (a report that streams): as
    ``json.dumps`` would lay it out with ``indent=2`` when ``indent`` is the newline and spaces
    each item starts at (its own lines shifted to it), compact (``[a, b]``) without. Returns how
    many items were written."""
    count = 0
    for item in items:
        text = encode(item) if indent is None else encode(item).replace("\n", indent)
        stream.write(("[" if not count else ",") + (indent if indent is not None else " " if count else "") + text)
        count += 1
    stream.write("[]" if not count else (indent[:-2] if indent is not None else "") + "]")
    return count


def indented_json(value: Any, indent: str = "\n") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, byte for byte, with every string
    and number written by the json module's own functions: ``json.dumps`` with ``indent`` falls
    back from the C encoder to a pure-Python one of nested generators, three times slower for
    a SARIF log. ``indent``: the newline and spaces the value's own line starts at."""
    if isinstance(value, str):
        return _encode_string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        members = [f"{_encode_string(k) if k.__class__ is str else _json_key(k)}: "
                   f"{_encode_string(v) if v.__class__ is str else indented_json(v, inner)}" for k, v in value.items()]
        return "{" + inner + ("," + inner).join(members) + indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = indent + "  "
        items = [_encode_string(v) if v.__class__ is str else indented_json(v, inner) for v in value]
        return "[" + inner + ("," + inner).join(items) + indent + "]"
    return _json_scalar(value)


def _json_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (_INF, -_INF):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_key(key: Any) -> str:
    return _encode_string(key) if isinstance(key, str) else _encode_string(_json_scalar(key))


def unshown_codes(output_format: str, config: Any, quiet: bool) -> frozenset[str]:
    """The codes whose findings the report ``output_format`` never shows without ``--show-infos``,
    with the severity the configuration (None: none) gives each: every info in SARIF and in
    quiet text, the infos about assets text folds into one line (``text.folded``). Their
    findings are still made and counted, but need no place in their file (``LintOptions.unplaced_codes``)."""
    if output_format not in ("text", "sarif"):
        return frozenset()
    from vidlint.core.diagnostics import Severity
    from vidlint.rules.registry import load_all_rules

    return frozenset(
        code for code, rule in load_all_rules().items()
        if (rule.severity if config is None else config.severity_for(code, rule.severity)) == Severity.INFO
        and (output_format == "sarif" or quiet or rule.stage == "asset"))


def formatter(name: str):  # type: ignore[no-untyped-def]
    import importlib

    return importlib.import_module(FORMATTERS[name])


def output_errors(name: str) -> str:
    """The encoding error handler for writing a report in format ``name``.

    Reports carry text vidlint did not choose: file names that are not UTF-8 (decoded with
    surrogateescape) and lone surrogate escapes from a request (``"\\ud800"``). Text keeps a
    file name's own bytes, as ``ls`` shows them, and writes ``\\ud800`` for a lone surrogate;
    the machine formats must stay valid UTF-8, so each such character becomes ``?``.
    """
    return "vidlint-text" if name == "text" else "replace"


def _text_errors(exc: UnicodeError) -> tuple[str | bytes, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = b""
    for char in exc.object[exc.start:exc.end]:
        code = ord(char)
        out += bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}".encode("ascii")
    return out, exc.end


def _register() -> None:
    import codecs

    codecs.register_error("vidlint-text", _text_errors)


_register()


def use_output_errors(stream: object, name: str) -> None:
    """Make ``stream`` (stdout) write what ``output_errors`` says instead of raising."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors=output_errors(name))
