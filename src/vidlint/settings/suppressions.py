"""Apply a configuration to a run's findings: selection, severity overrides, per-file and
pointer ignores; then report the ignores that matched nothing (VL901).

Stale-entry reports are careful about partial runs (pre-commit passes only the changed
files): an entry is reported only when every file it names was linted in this run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vidlint.core.diagnostics import Diagnostic, Severity
from vidlint.core.pointers import covers

if TYPE_CHECKING:
    from vidlint.settings.config import CodeSuppression, Config


class Suppressor:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.linted: set[str] = set()
        self.used: set[tuple[str, str, str]] = set()  # (table, key, code)
        self.suppressed = 0
        self._request_files: set[str] | None = None

    def select(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Selection and severity overrides only (no path): for findings about config and baseline files."""
        kept: list[Diagnostic] = []
        for d in diagnostics:
            if not self.config.enabled(d.code):
                continue
            severity = self.config.severity_for(d.code, d.severity)
            if severity is None:
                continue
            kept.append(d if severity == d.severity else d.with_severity(severity))
        return kept

    def dropped_codes(self) -> frozenset[str]:
        """The rules' codes whose every finding ``select`` drops (turned off by the selection or
        a severity of "off"), but VL105: a misspelt field's finding names the findings it causes
        (``vidlint.check.cascade``), which say so even when it is not shown."""
        from vidlint.rules.registry import load_all_rules
        from vidlint.rules.schema import unknown_field

        return frozenset(code for code in load_all_rules() if code != unknown_field.code
                         and (not self.config.enabled(code) or self.config.severity_for(code, Severity.INFO) is None))

    def apply(self, display: str, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """The findings of one file (as displayed) that selection and ignores leave."""
        relative = self.config.relative(display) if display != "<stdin>" else None
        if relative is not None:
            self.linted.add(relative)
        kept: list[Diagnostic] = []
        for d in self.select(diagnostics):
            if relative is not None and self._ignored(relative, d):
                self.suppressed += 1
                continue
            kept.append(d)
        return kept

    def _ignored(self, relative: str, d: Diagnostic) -> bool:
        hit = False
        for entry in self.config.per_file_ignores:
            if entry.glob is not None and entry.glob.matches(relative):
                hit |= self._mark("per-file-ignores", entry, d.code)
        for entry in self.config.pointer_ignores:
            if entry.path == relative and covers(entry.pointer or "", d.pointer):
                hit |= self._mark("pointer-ignores", entry, d.code)
        return hit

    def _mark(self, table: str, entry: CodeSuppression, code: str) -> bool:
        hit = False
        for selector in entry.codes:
            if code.startswith(selector):
                self.used.add((table, entry.key, selector))
                hit = True
        return hit

    def request_files(self) -> set[str]:
        """Every request file under the configuration's folder (as a folder walk would find them)."""
        if self._request_files is None:
            from vidlint.load import discover

            sources, _ = discover([str(self.config.root)])
            self._request_files = {r for s in sources if s.path is not None and not self.config.excluded(s.path)
                                   for r in [self.config.relative(s.path)] if r is not None}
        return self._request_files

    def stale(self) -> list[Diagnostic]:
        """VL901 for each ignore entry (and code in it) that suppressed nothing, where that is certain."""
        from vidlint.rules.meta import unused_suppression

        found: list[Diagnostic] = []
        prefix = self.config.key_prefix
        for entry in self.config.per_file_ignores:
            assert entry.glob is not None
            unused = [c for c in entry.codes if ("per-file-ignores", entry.key, c) not in self.used]
            if not unused:
                continue
            matched = {p for p in self.linted if entry.glob.matches(p)}
            if not matched:
                continue
            every = {p for p in self.request_files() if entry.glob.matches(p)}
            if not every <= self.linted:
                continue  # some files it names were not linted in this run: cannot tell
            found.append(unused_suppression.emit(
                f'{prefix}per-file-ignores "{entry.key}" ignores {", ".join(unused)}, but nothing it matches '
                f"({len(matched)} file{'s' if len(matched) != 1 else ''}) has such a finding",
                hint=f"remove {', '.join(unused)} from the entry", line=self.config.line_of(entry.key)))
        for entry in self.config.pointer_ignores:
            if entry.path not in self.linted:
                continue
            unused = [c for c in entry.codes if ("pointer-ignores", entry.key, c) not in self.used]
            if unused:
                found.append(unused_suppression.emit(
                    f'{prefix}pointer-ignores "{entry.key}" ignores {", ".join(unused)}, but there is no such '
                    f"finding at {entry.pointer or 'the request'} in {entry.path}",
                    hint=f"remove {', '.join(unused)} from the entry", line=self.config.line_of(entry.key)))
        return self.select(found)

