"""Baselines: record today's findings, then report only new ones.

The file is JSON, one entry per finding, with paths relative to the baseline's own folder
(so it works from any working directory) and a fingerprint that survives line shifts
(``vidlint.core.fingerprint``). A finding matches an entry with its fingerprint first; failing
that, an entry with the same file, code and pointer whose message has the same shape once
numbers are masked (``message_shape``), so editing a value (``duration`` 10 -> 12) does not
turn a baselined finding into a new one. Entries that match nothing any more are reported as
VL902.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from vidlint.core.diagnostics import Diagnostic
from vidlint.core.fingerprint import fingerprint, message_shape
from vidlint.core.paths import replace_file

FORMAT_KEY = "vidlint-baseline"
FORMAT_VERSION = 1


class BaselineError(Exception):
    """A baseline that cannot be read: ``<file>: <reason>``."""


def _relative(folder: Path, display: str) -> str:
    if display == "<stdin>":
        return display
    try:
        return os.path.relpath(os.path.abspath(display), folder).replace(os.sep, "/")
    except ValueError:  # another drive
        return os.path.abspath(display).replace(os.sep, "/")


def entries_for(found: Iterable[tuple[str, list[Diagnostic]]], folder: Path) -> list[dict[str, Any]]:
    """Baseline entries for each (file as displayed, its findings)."""
    entries = []
    for display, diagnostics in found:
        relative = _relative(folder, display)
        for d in diagnostics:
            if d.code.startswith("VL9"):
                continue  # findings about suppressions are not baselined
            entries.append({"path": relative, "code": d.code, "pointer": d.pointer, "record": d.record,
                            "fingerprint": fingerprint(relative, d), "message": d.message})
    entries.sort(key=lambda e: (e["path"], e["record"] or 0, e["code"], e["pointer"], e["fingerprint"]))
    return entries


def write_baseline(path: Path, found: Iterable[tuple[str, list[Diagnostic]]]) -> int:
    """Write a run's findings (file as displayed, its findings) to ``path``; the number of entries written."""
    folder = path.resolve().parent
    entries = entries_for(found, folder)
    lines = [f"  {json.dumps(e, ensure_ascii=False)}" for e in entries]
    body = "[\n" + ",\n".join(lines) + "\n]" if lines else "[]"
    text = f'{{"{FORMAT_KEY}": {FORMAT_VERSION},\n "entries": {body}}}\n'
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, text.encode("utf-8"))
    return len(entries)


def _loose_key(path: str, code: str, pointer: str, message: str) -> tuple[str, str, str, str]:
    return path, code, pointer, message_shape(message)


@dataclass
class Baseline:
    path: Path
    entries: list[dict[str, Any]]
    text: str = ""
    matched: set[int] = field(default_factory=set)  # indexes of the entries a finding took
    linted: set[str] = field(default_factory=set)
    suppressed: int = 0
    by_fingerprint: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_shape: dict[tuple[str, str, str, str], list[int]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for index, entry in enumerate(self.entries):
            self.by_fingerprint[entry["fingerprint"]].append(index)
            if isinstance(entry.get("message"), str):
                self.by_shape[_loose_key(entry["path"], entry["code"], entry["pointer"], entry["message"])].append(index)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def _take(self, candidates: list[int]) -> bool:
        for index in candidates:
            if index not in self.matched:
                self.matched.add(index)
                return True
        return False

    def apply(self, display: str, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """The findings of one file (as displayed) that the baseline does not hold."""
        relative = _relative(self.folder, display)
        self.linted.add(relative)
        kept: list[Diagnostic] = []
        loose: list[Diagnostic] = []
        for d in diagnostics:  # exact fingerprints first, so a loose match cannot take their entry
            if self._take(self.by_fingerprint.get(fingerprint(relative, d), [])):
                self.suppressed += 1
            else:
                loose.append(d)
        for d in loose:
            if self._take(self.by_shape.get(_loose_key(relative, d.code, d.pointer, d.message), [])):
                self.suppressed += 1
            else:
                kept.append(d)
        return kept  # still in order: kept is a subsequence of the findings

    def line_of(self, print_: str) -> int:
        for number, line in enumerate(self.text.splitlines(), 1):
            if print_ in line:
                return number
        return 1

    def stale(self) -> list[Diagnostic]:
        from vidlint.rules.meta import stale_baseline_entry

        found: list[Diagnostic] = []
        for index, entry in enumerate(self.entries):
            if index in self.matched:
                continue
            relative = entry["path"]
            gone = relative != "<stdin>" and not _exists(self.folder / relative)
            if relative not in self.linted and not gone:
                continue
            why = "the file no longer exists" if gone else "the finding is gone"
            found.append(stale_baseline_entry.emit(
                f"baseline entry {entry['code']} at {relative}#{entry['pointer']} matches nothing: {why}",
                hint="re-record the baseline with --write-baseline", line=self.line_of(entry["fingerprint"])))
        return found


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a hand-edited entry with a NUL or an over-long name
        return False


def load_baseline(path: Path) -> Baseline:
    from vidlint.settings.discovery import display_path
    from vidlint.core.paths import read_text

    shown = display_path(path)
    text = read_text(path, shown, BaselineError, "no such file (create it with --write-baseline)", "utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{shown}: not a vidlint baseline: invalid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION or not isinstance(data.get("entries"), list):
        raise BaselineError(f"{shown}: not a vidlint baseline (version {FORMAT_VERSION}); write one with --write-baseline")
    entries = data["entries"]
    for index, entry in enumerate(entries):
        if not (isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
                and isinstance(entry.get("path"), str) and isinstance(entry.get("code"), str)):
            raise BaselineError(f"{shown}: entries[{index}]: needs path, code and fingerprint")
        entry.setdefault("pointer", "")
    return Baseline(path.resolve(), entries, text)
