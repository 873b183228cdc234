"""Report: a lint run -> text for people or structured output for machines.

Each formatter is a module with ``render(run, stream, **options)``; they are imported
only when chosen.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, TextIO

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
