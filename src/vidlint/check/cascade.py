"""One typo, one story: the root cause first, the findings it causes after it, saying so.

A misspelt field (``image_url`` for ``image_urls``, VL105 with "did you mean") leaves the
field it meant missing, so other rules report its absence (VL201 "no reference", VL310 "the
prompt refers to Image 1, but image_urls is empty"). Those follow the VL105 in the report and
name it; renaming the field fixes them all.
"""

from __future__ import annotations

import re

from vidlint.core.diagnostics import Diagnostic
from vidlint.rules.schema import unknown_field

_MEANT = re.compile(r'^unknown field "([^"]+)"; did you mean "([^"]+)"\?')
_FOLLOWS = "follows from"


def root_causes_first(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` (in position order) with each finding that a misspelt field explains moved
    right after that field's VL105 and told so; the rest keep their order."""
    code = unknown_field.code
    for d in diagnostics:  # most requests have no VL105: one loop, without the comprehension's call
        if d.code == code:
            break
    else:
        return diagnostics
    causes = [(d, found) for d in diagnostics if d.code == code and (found := _MEANT.match(d.message)) is not None]
    if not causes:
        return diagnostics
    consequences: dict[int, list[Diagnostic]] = {}
    moved: dict[int, Diagnostic] = {}  # id of a consequence as found -> its cause
    for cause, match in causes:
        typo, meant = match.groups()
        word = re.compile(rf"\b{re.escape(meant)}\b")
        note = f'; this {_FOLLOWS} the unknown field "{typo}" on line {cause.line}, probably meant as "{meant}"'
        for d in diagnostics:
            if d is cause or id(d) in moved or d.code == unknown_field.code or d.record != cause.record:
                continue
            if d.message.endswith(note):  # told already (ordered again after more findings were added)
                told = d
            elif _FOLLOWS not in d.message and word.search(d.message):
                told = d.replace(message=d.message + note)
            else:
                continue
            moved[id(d)] = cause
            consequences.setdefault(id(cause), []).append(told)
    # Each cause with its consequences goes where the first of them was.
    ordered: list[Diagnostic] = []
    placed: set[int] = set()
    for d in diagnostics:
        root = moved.get(id(d), d if id(d) in consequences else None)
        if root is None:
            ordered.append(d)
        elif id(root) not in placed:
            placed.add(id(root))
            ordered.append(root)
            ordered.extend(consequences.get(id(root), []))
    return ordered
