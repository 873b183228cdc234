"""Apply fixes to a request file: non-overlapping edits, lint again, repeat (as ruff does).

Each pass lints the current bytes, takes the applicable fixes of what is still reported, and
applies those whose edits touch no edit taken before them in the pass; the others wait for the
next pass, which sees the file as the first ones left it. At most :data:`MAX_PASSES` passes:
after them, or when a pass changes nothing, the file is what it is.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Callable

from vidlint.core.diagnostics import Diagnostic
from vidlint.fix import FixOptions, FixOutcome, apply_fixes

MAX_PASSES = 10
UTF8_BOM = b"\xef\xbb\xbf"


def fix_bytes(data: bytes, lint: Callable[[bytes], list[Diagnostic]], unsafe: bool,
              outcome: FixOutcome | None = None) -> tuple[FixOutcome, list[Diagnostic]]:
    """Fix ``data`` pass by pass; ``lint`` reports the diagnostics of some bytes (those that are
    shown: suppressed findings are not fixed). The outcome and the diagnostics that remain."""
    outcome = outcome or FixOutcome(data, data)
    diagnostics = lint(data)
    for _ in range(MAX_PASSES):
        chosen = [d for d in diagnostics if d.fix is not None and d.fix.applies(unsafe)]
        if not chosen:
            break
        bom = data.startswith(UTF8_BOM)
        body = data[len(UTF8_BOM):] if bom else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            break
        fixed, taken = apply_fixes(text, [d.fix for d in chosen if d.fix.edits])
        taken_ids = {id(f) for f in taken}
        drop_bom = bom and any(d.fix.remove_bom for d in chosen)
        new = (UTF8_BOM if bom and not drop_bom else b"") + fixed.encode("utf-8")
        if new == data:
            break
        for d in chosen:
            if id(d.fix) in taken_ids or (drop_bom and d.fix.remove_bom):
                outcome.applied[d.code] += 1
        data = new
        diagnostics = lint(data)
    outcome.after = data
    return outcome, diagnostics


def write_request(path: Path, data: bytes) -> None:
    """Replace the request file atomically, keeping its permissions; a symbolic link is not
    followed (OSError: the file is left alone)."""
    from vidlint.core.paths import replace_file

    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise OSError(f"{path} is a symbolic link; vidlint does not write through links")
    replace_file(path, data, prefix=f".{path.name}.", mode=stat.S_IMODE(info.st_mode))


def _key(d: Diagnostic) -> tuple[Any, ...]:
    return d.code, d.pointer, d.record, d.message


def fix_source(source: Any, result: Any, options: Any, select: Callable[[list[Diagnostic]], list[Diagnostic]],
               lint_bytes: Callable[..., Any]) -> None:
    """Fix one linted request file as ``options.fix`` says: its fixes (and, with an assets
    folder, compliant copies of its assets), written or only shown. Findings the run hid (the
    configuration, the baseline) are not fixed; ``result`` then holds what remains and the
    :class:`FixOutcome` (``result.fixes``). ``lint_bytes``: vidlint.api's, which calls this."""
    from vidlint.load import PathError, read_source

    fixing: FixOptions = options.fix
    if not fixing.apply:
        return
    try:
        data = read_source(source)
    except PathError:
        return  # reported by the lint already
    base_dir = source.path.parent
    shown = {_key(d) for d in result.diagnostics}
    hidden: set[tuple[Any, ...]] | None = None
    last = result

    def lint(content: bytes) -> list[Diagnostic]:
        nonlocal hidden, last
        last = lint_bytes(source.display, content, source.jsonl, base_dir, options)
        found = select(last.diagnostics)
        if hidden is None:  # the first lint is the run's: what it did not show stays unfixed and unshown
            hidden = {_key(d) for d in found} - shown
        return [d for d in found if _key(d) not in hidden]

    outcome = FixOutcome(data, data)
    if fixing.assets_dir is not None:
        lint(data)  # what the run hid, before the copies change the messages
        from vidlint.fix.assets import repair_assets

        data = repair_assets(source, data, result.diagnostics, options, outcome)
    outcome, remaining = fix_bytes(data, lint, fixing.unsafe, outcome)
    result.fixes = outcome
    if not outcome.changed or not fixing.write:
        return
    try:
        write_request(source.path, outcome.after)
    except OSError as exc:
        outcome.problems.append(f"{source.display}: not fixed: {exc.strerror or exc}")
        outcome.applied.clear()
        return
    result.diagnostics = remaining
    result.estimates, result.estimate_sites, result.model = last.estimates, last.estimate_sites, last.model
