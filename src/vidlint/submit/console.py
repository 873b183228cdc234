"""What ``vidlint submit`` and ``status`` print: results on stdout, progress, notes and errors
on stderr, every line through the key scrubber."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from vidlint.submit.config import Scrubber
from vidlint.submit.progress import TaskProgress


class Console:
    def __init__(self, scrub: Scrubber | None = None, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.scrub = scrub or Scrubber(None)
        self.out_stream = out or sys.stdout
        self.err_stream = err or sys.stderr
        self.progress = TaskProgress(self.err_stream)
        self.lint_estimates: list[dict[str, Any]] = []  # filled by the preflight lint, when it prices

    def out(self, text: str) -> None:
        self.progress.finish()
        self.out_stream.write(self.scrub(text) + "\n")
        self.out_stream.flush()

    def info(self, text: str) -> None:
        self.progress.message(self.scrub(text))

    def warn(self, text: str) -> None:
        self.info(f"vidlint: warning: {text}")

    def error(self, text: str) -> None:
        self.info(f"vidlint: error: {text}")
