"""vidlint diagnostics -> LSP diagnostics with exact ranges.

vidlint places a finding at the first character of the offending key or value (1-based line,
column in code points). The range runs to the end of that token: a whole string literal or
number, the word at a character inside a string (a reference in a prompt), one bracket for a
whole object. Positions are converted to what the client counts (UTF-16 code units unless it
negotiated otherwise) by pygls's position codec.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace.position_codec import (
    PositionCodec,
    ServerTextPosition,
    ServerTextRange,
)

from vidlint.core.diagnostics import Diagnostic, Severity
from vidlint.core.links import rule_url
from vidlint.load.positions import LineMap

SEVERITIES = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
              Severity.INFO: types.DiagnosticSeverity.Information}
_SCALAR = re.compile(r"[^,\]\}\s\"]+")
_WORD = re.compile(r"\w+")


def token_end(text: str, offset: int, inside_string: bool) -> int:
    """Where the token starting at ``offset`` ends (at least one character on)."""
    if offset >= len(text):
        return offset
    if inside_string:
        match = _WORD.match(text, offset)
    elif text[offset] == '"':
        try:
            return json.decoder.scanstring(text, offset + 1)[1]  # type: ignore[attr-defined,no-any-return]
        except ValueError:  # an unterminated string while typing
            match = None
    else:
        match = _SCALAR.match(text, offset) if text[offset] not in "{[" else None
    return match.end() if match and match.end() > offset else offset + 1


class TextPositions:
    """1-based (line, column) in code points <-> offsets and LSP positions for one text."""

    def __init__(self, text: str, lines: Sequence[str], codec: PositionCodec) -> None:
        self.text = text
        self.lines = lines
        self.codec = codec
        self._starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self._line_map = LineMap(text)

    def offset(self, line: int, column: int) -> int:
        index = min(max(line, 1), len(self._starts)) - 1
        return min(self._starts[index] + column - 1, len(self.text))

    def range(self, start: int, end: int) -> types.Range:
        (l1, c1), (l2, c2) = self._line_map.position(start), self._line_map.position(end)
        server = ServerTextRange(ServerTextPosition(l1 - 1, c1 - 1), ServerTextPosition(l2 - 1, c2 - 1))
        return self.codec.range_to_client_units(self.lines, server)

    def offset_at(self, position: types.Position) -> int:
        server = self.codec.position_from_client_units(self.lines, position)
        return self.offset(server.line + 1, server.character + 1)


def to_lsp(d: Diagnostic, positions: TextPositions) -> types.Diagnostic:
    start = positions.offset(d.line, d.column)
    end = token_end(positions.text, start, inside_string=d.char is not None)
    return types.Diagnostic(
        range=positions.range(start, end),
        message=d.message + (f"\nhint: {d.hint}" if d.hint else ""),
        severity=SEVERITIES[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=rule_url(d.code)),
        source="vidlint",
        data={"pointer": d.pointer, "record": d.record},
    )
