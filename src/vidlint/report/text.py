"""``--format text`` for people: ``full`` on a terminal, ``concise`` otherwise (or ``--format full|concise``).

concise, one finding a line (what editors and ``grep`` read)::

    limits.json:13:15: VL203 [error] duration is 12 s, but with video_urls the limit is 2..10 s

full, the source line with a caret under the column (ruff's full format)::

    limits.json:13:15: VL203 [error] duration is 12 s, but with video_urls the limit is 2..10 s
       |
    13 |   "duration": 12,
       |               ^^
       = hint: set duration to 10 or less, or drop the reference videos

Informational findings about each asset ("local file", "remote asset not verified") are
folded into one line unless ``show_infos`` (``--show-infos``/``-v``); ``quiet`` (``-q``)
prints neither them nor the summary. Folded findings still count (summary, ``--fail-on info``).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Any, TextIO

from vidlint.run import LintRun
from vidlint.core.wording import number, plural
from vidlint.core.diagnostics import Diagnostic, Severity
from vidlint.load.positions import JSON_STRING
from vidlint.report import TEXT_STYLES
from vidlint.rules.registry import load_all_rules, rule_stage

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
_WORD = re.compile(r'[^,:\]}\[{ \t"]*')
MAX_SOURCE_WIDTH = 100  # a longer source line (a JSON Lines record) is shown as a window around the column


def use_colour(stream: TextIO, choice: str = "auto") -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_terminal(stream)


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def choose_style(stream: TextIO, style: str = "auto") -> str:
    """``full`` or ``concise``; ``auto``: full on a terminal."""
    if style in TEXT_STYLES:
        return style
    return "full" if is_terminal(stream) else "concise"


def folded(d: Diagnostic) -> bool:
    """An informational finding that repeats for each asset: folded into one line by default."""
    return d.severity == Severity.INFO and rule_stage(d.code) == "asset"


def summary_line(run: LintRun) -> str:
    totals = run.totals
    errors, warnings, infos = (totals.counts[s] for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    files = _count(totals.request_files, "file")
    hidden = f" {_count(run.baselined, 'finding')} in the baseline not shown." if run.baselined else ""
    if not totals.request_files:
        return "No request files linted." if run.path_errors else "No request files found (*.json, *.jsonl)."
    if not (errors or warnings or infos):
        return f"All checks passed ({files}).{hidden}"
    parts = [_count(errors, "error"), _count(warnings, "warning"), _count(infos, "info")]
    return f"Found {', '.join(parts)} in {files}.{hidden}"


def fix_lines(run: LintRun) -> str:
    """What was fixed, and what ``--fix`` / ``--unsafe-fixes`` would fix of what is shown."""
    totals = run.totals
    unsafe = run.fix is not None and run.fix.unsafe
    lines = []
    fixed, copies = totals.fixed, totals.copies
    writes = run.fix is not None and run.fix.apply and run.fix.write
    if fixed or copies:
        made = f" and {plural(copies, 'asset copy')}" if copies else ""
        lines.append(f"{'Fixed' if writes else 'Would fix'} {plural(fixed, 'finding')}{made}.")
    lines.extend(f"vidlint: {problem}" for problem in totals.fix_problems)
    now = totals.safe_fixes + (totals.unsafe_fixes if unsafe else 0)
    hidden = totals.safe_fixes + totals.unsafe_fixes - now
    if now or hidden:
        text = f"[*] {now} fixable with --fix" if now else "No fixes available with --fix"
        if hidden:
            text += f" ({hidden} more with --unsafe-fixes)"
        lines.append(text + ".")
    return "\n".join(lines)


def _count(n: int, word: str) -> str:
    return f"{number(n)} {word}" + ("" if n == 1 else "s")


def folded_line(hidden: Counter[str]) -> str:
    """``49 infos not shown (41 VL502 remote-asset-not-verified, 8 VL501 local-asset); --show-infos lists them``."""
    rules = load_all_rules()
    parts = [f"{number(n)} {code} {rules[code].name}" for code, n in sorted(hidden.items(), key=lambda i: (-i[1], i[0]))]
    total = sum(hidden.values())
    return f"{_count(total, 'info')} about assets not shown ({', '.join(parts)}); -v or --show-infos lists them"


def caret_span(line: str, start: int) -> int:
    """How many characters the value at ``start`` (0-based) covers: a whole string (to the end
    of the line when it is not closed there), or a number/word."""
    if start >= len(line):
        return 1
    if line[start] == '"':
        string = JSON_STRING.match(line, start)
        return len(line) - start if string is None else string.end() - start
    return max(1, _WORD.match(line, start).end() - start)  # type: ignore[union-attr]


def source_excerpt(line_text: str, line: int, column: int, paint: Any) -> list[str]:
    """The ``NN | source`` and caret lines for one finding."""
    text = line_text.rstrip("\r\n").expandtabs(1)
    start = max(0, column - 1)
    width = caret_span(text, start)
    if len(text) > MAX_SOURCE_WIDTH:  # a window around the column, marked with … at the cut ends
        left = max(0, min(start - MAX_SOURCE_WIDTH // 3, len(text) - MAX_SOURCE_WIDTH))
        shown = text[left:left + MAX_SOURCE_WIDTH]
        prefix = "…" if left else ""
        suffix = "…" if left + MAX_SOURCE_WIDTH < len(text) else ""
        text, start = prefix + shown + suffix, start - left + len(prefix)
        width = min(width, len(shown) + len(prefix) - start)
    gutter = " " * len(str(line))
    bar = paint("|", "34;1")
    return [f"{gutter} {bar}", f"{paint(str(line), '34;1')} {bar} {text}",
            f"{gutter} {bar} {' ' * start}{paint('^' * max(1, width), '31;1')}"]


class SourceLines:
    """The lines of the file findings are in, read when the full format first needs them. Only
    the last file read is kept: the report shows the files one after the other. The file read
    from stdin (``LintRun.stdin_source``) is quoted from what stdin held, never from disk."""

    def __init__(self, stdin_source: tuple[str, bytes] | None = None) -> None:
        self._stdin = stdin_source
        self._path: str | None = None
        self._lines: list[str] | None = None

    def line(self, path: str, number_: int) -> str | None:
        if path != self._path:
            self._path = path
            if self._stdin is not None and self._stdin[0] == path:
                self._lines = self._split(self._stdin[1])
            else:
                self._lines = self._read(path)
        lines = self._lines
        return lines[number_ - 1] if lines is not None and 0 < number_ <= len(lines) else None

    @staticmethod
    def _split(data: bytes) -> list[str]:
        return data.decode("utf-8", "replace").split("\n")

    @classmethod
    def _read(cls, path: str) -> list[str] | None:
        try:
            with open(path, "rb") as handle:
                return cls._split(handle.read())
        except OSError:
            return None


def render(run: LintRun, stream: TextIO, colour: str = "auto", quiet: bool = False, show_infos: bool = False,
           style: str = "auto", **_: Any) -> None:
    writer = Writer(stream, colour=colour, quiet=quiet, show_infos=show_infos, style=style)
    for result in run.files:
        writer.add(run, result)
    writer.end(run)


class Writer:
    """The text report written file by file as the results come (``vidlint lint`` hands each
    result here as it arrives): a file's findings depend on nothing later, and the folded
    infos, the summary and the estimate come last."""

    def __init__(self, stream: TextIO, colour: str = "auto", quiet: bool = False, show_infos: bool = False,
                 style: str = "auto") -> None:
        self.stream, self.quiet, self.show_infos = stream, quiet, show_infos
        self.coloured = use_colour(stream, colour)
        self.full = choose_style(stream, style) == "full"
        self.hidden: Counter[str] = Counter()
        self._sources = SourceLines(None)
        self._stdin: tuple[str, bytes] | None = None  # what "-" read, once the run has read it

    def paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.coloured else text

    def add(self, run: LintRun, result: Any) -> None:
        stream, full, paint, hidden = self.stream, self.full, self.paint, self.hidden
        if run.stdin_source is not self._stdin:  # set by the run when it reads "-", before that result
            self._stdin = run.stdin_source
            self._sources = SourceLines(run.stdin_source)
        sources = self._sources
        unsafe = run.fix is not None and run.fix.unsafe
        for d in result.diagnostics:
            if not self.show_infos and (folded(d) or (self.quiet and d.severity == Severity.INFO)):
                hidden[d.code] += 1
                continue
            where = paint(f"{result.path}:{d.line}:{d.column}:", "1")
            tag = paint(f"{d.code} [{d.severity.label}]", _COLOURS[d.severity] + ";1")
            fixable = "[*] " if d.fix is not None and d.fix.applies(unsafe) else ""
            stream.write(f"{where} {tag} {fixable}{d.message}\n")
            source = sources.line(result.path, d.line) if full else None
            if source is not None:
                stream.write("".join(f"{row}\n" for row in source_excerpt(source, d.line, d.column, paint)))
            if d.hint:
                lead = f"{' ' * len(str(d.line))} = " if source is not None else "    "
                stream.write(f"{lead}{paint('hint:', '2')} {d.hint}\n")
            if full:
                stream.write("\n")

    def end(self, run: LintRun) -> None:
        stream = self.stream
        if self.quiet:
            return
        if self.hidden:
            stream.write(folded_line(self.hidden) + "\n")
        stream.write(summary_line(run) + "\n")
        fixes = fix_lines(run)
        if fixes:
            stream.write(fixes + "\n")
        estimates = run.totals.estimates
        if estimates.requests:
            stream.write(estimates.text() + "\n")
        if run.online is not None:  # an --online run ends with what the network cost
            from vidlint.remote.online import format_stats_line

            stream.write(format_stats_line(run.online) + "\n")
