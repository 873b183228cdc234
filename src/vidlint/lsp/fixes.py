"""Code actions: vidlint's fixes (:mod:`vidlint.fix`) offered in the editor.

For the vidlint diagnostics of the request (their ``data`` holds the finding's JSON ``pointer``
and JSONL ``record``), the text is linted again, with only the media facts the probe cache
already holds, and each finding with the same code, pointer and record gives its fix as a quick
fix: the fix's own edits, safe ones preferred, unsafe ones saying so in the title. One more
action, ``source.fixAll.vidlint``, applies every safe fix of the file as ``vidlint lint --fix``
would (passes until nothing changes). Asset copies (``--fix-assets``) are not offered here:
they write files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lsprotocol import types

from vidlint.core.diagnostics import Diagnostic
from vidlint.fix import SAFE
from vidlint.lsp.ranges import TextPositions

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.vidlint"


def code_actions(uri: str, text: str, diagnostics: list[types.Diagnostic], positions: TextPositions,
                 lint: Callable[[str], list[Diagnostic]], only: Sequence[str] | None = None) -> list[types.CodeAction]:
    """The quick fixes for ``diagnostics`` (the request's, in its range) and the fix-all action;
    ``lint`` gives vidlint's diagnostics of a text as the editor's file; ``only``: the kinds asked for."""
    wanted = [d for d in diagnostics if d.source == "vidlint" and isinstance(d.data, dict)]
    quick = not only or any(types.CodeActionKind.QuickFix.value.startswith(kind) for kind in only)
    fix_all = not only or any(FIX_ALL.startswith(kind) for kind in only)
    found = lint(text) if (wanted and quick) or fix_all else []
    actions: list[types.CodeAction] = []
    for d in wanted if quick else ():
        data: dict = d.data  # type: ignore[assignment]  # a dict: checked above
        match = next((f for f in found if f.fix is not None and f.fix.edits and f.code == d.code
                      and f.pointer == data.get("pointer") and f.record == data.get("record")), None)
        if match is None:
            continue
        fix = match.fix
        title = f"{fix.message} ({match.code})" if fix.applicability == SAFE else f"{fix.message} ({match.code}, unsafe)"
        edits = [types.TextEdit(range=positions.range(e.start, e.end), new_text=e.content) for e in fix.edits]
        actions.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[d],
                                        is_preferred=fix.applicability == SAFE,
                                        edit=types.WorkspaceEdit(changes={uri: edits})))
    if fix_all and any(f.fix is not None and f.fix.edits and f.fix.applicability == SAFE for f in found):
        from vidlint.fix.apply import fix_bytes

        outcome, _ = fix_bytes(text.encode("utf-8"), lambda data: lint(data.decode("utf-8")), unsafe=False)
        if outcome.changed:
            whole = positions.range(0, len(text))
            actions.append(types.CodeAction(
                title=f"Fix all safe vidlint findings ({outcome.count})", kind=FIX_ALL,
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=whole, new_text=outcome.after.decode("utf-8"))]})))
    return actions
