"""Codes found while reading a file, before any request in it can be checked.

These rules only document their codes (stage ``file``): the loader (``vidlint.load``) and the
model selection (``vidlint.check.pipeline``) emit them with ``Rule.emit``.
"""

from vidlint.rules.registry import rule


@rule("VL001", "invalid-json", "error", stage="file")
def invalid_json() -> None:
    """The file (or a line of a .jsonl file) is not valid JSON.

    The position is where the parser stopped: a missing comma, a trailing comma, a comment,
    single quotes, an unclosed string. An empty file is reported here too.

    Breaks it: ``{"model": "wan2.7-reference-video", "prompt": "hi",}``
    Fix: remove the trailing comma.
    """


@rule("VL002", "invalid-encoding", "error", stage="file")
def invalid_encoding() -> None:
    """The file is not UTF-8 (JSON requests must be).

    Files saved as UTF-16 or in a legacy code page garble non-ASCII prompts, Chinese
    references (图1) in particular.

    Fix: save the file as UTF-8.
    """


@rule("VL003", "non-finite-number", "error", stage="file")
def non_finite_number() -> None:
    """``NaN``, ``Infinity`` or ``-Infinity`` appear as values.

    Python and JavaScript produce them, JSON does not allow them; the API rejects the body.

    Breaks it: ``"seed": NaN``. Fix: a finite number, or drop the field.
    """


@rule("VL004", "byte-order-mark", "warning", stage="file")
def byte_order_mark() -> None:
    """The file starts with a UTF-8 byte order mark.

    JSON forbids a BOM; some tools strip it, others send it to the server with the body.

    Fix: save the file as UTF-8 without BOM.
    """


@rule("VL005", "duplicate-key", "warning", stage="file")
def duplicate_key() -> None:
    """The same key appears twice in one object.

    JSON parsers keep one of the two values (most keep the last), so one of them is silently
    lost; the author meant only one.

    Breaks it: ``{"duration": 5, ..., "duration": 10}``. Fix: keep one.
    """


@rule("VL006", "not-an-object", "error", stage="file")
def not_an_object() -> None:
    """A request must be a JSON object.

    A .json file holds one request object; batches go in .jsonl files, one object per line.

    Breaks it: a .json file holding ``[{...}, {...}]``.
    Fix: one file per request, or a .jsonl file with one request per line.
    """


@rule("VL007", "lone-surrogate", "error", stage="file")
def lone_surrogate() -> None:
    """A string holds a lone surrogate escape (``"\\ud800"``).

    JSON escapes characters outside the Basic Multilingual Plane as two ``\\uXXXX`` halves
    (``"\\ud83d\\ude00"`` is one emoji); one half alone is not a character. Strict servers
    reject the body, lenient ones replace it. vidlint reports it and checks the rest.

    Breaks it: ``"prompt": "a cat \\ud83d plays"`` (an emoji cut in half).
    Fix: remove it, or write the whole character.
    """


@rule("VL008", "unreadable-file", "error", stage="file")
def unreadable_file() -> None:
    """The request file exists but the operating system refuses to read it.

    Permissions (``chmod 000``) or an I/O error. The other files are linted all the same;
    a folder that cannot be listed is a usage error instead (exit code 2).

    Fix: make the file readable by the user running vidlint, or exclude it.
    """


@rule("VL010", "missing-model", "error", stage="file")
def missing_model() -> None:
    """The request has no ``model`` field (or it is not a string).

    The model decides which schema, limits and prices apply, and the API requires it.

    Fix: add ``"model": "wan2.7-reference-video"`` (``vidlint models`` lists the models).
    """


@rule("VL011", "unknown-model", "error", stage="file")
def unknown_model() -> None:
    """The ``model`` is not one vidlint knows.

    The message lists the known models and the closest match.

    Breaks it: ``"model": "wan2.7-reference"``. Fix: ``"model": "wan2.7-reference-video"``.
    """
