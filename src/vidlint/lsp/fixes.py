"""Code actions: where fixes plug in.

vidlint has no fix engine yet, so no provider is registered and the server offers no code
action. A provider takes the document's text and one of vidlint's LSP diagnostics (its
``data`` holds the finding's JSON ``pointer`` and JSONL ``record``) and returns the actions
that fix it, safe ones with ``is_preferred=True``. Register it with :func:`fix_provider`.
"""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types

FixProvider = Callable[[str, str, types.Diagnostic], list[types.CodeAction]]
PROVIDERS: list[FixProvider] = []


def fix_provider(func: FixProvider) -> FixProvider:
    PROVIDERS.append(func)
    return func


def code_actions(uri: str, text: str, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    """Every registered provider's actions for the vidlint diagnostics in the request's range."""
    return [action for d in diagnostics if d.source == "vidlint"
            for provider in PROVIDERS for action in provider(uri, text, d)]
