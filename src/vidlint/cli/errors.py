"""The last line of defence: an unexpected exception becomes one ``internal error`` line (exit 2).

``VIDLINT_DEBUG=1`` prints the traceback behind that line first, for a bug report.
"""

from __future__ import annotations

import os
import sys
from typing import Callable

DEBUG_ENV = "VIDLINT_DEBUG"


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def report_internal_error(exc: BaseException, scrub: Callable[[str], str] = str) -> None:
    """On stderr: the traceback when debugging, then ``vidlint: internal error: Type: message``.

    ``scrub`` removes secrets (the API key) from both.
    """
    if debugging():
        import traceback

        sys.stderr.write(scrub("".join(traceback.format_exception(exc))))
    hint = "" if debugging() else f" (set {DEBUG_ENV}=1 to see the traceback)"
    sys.stderr.write(scrub(f"vidlint: internal error: {type(exc).__name__}: {exc}") + hint + "\n")
