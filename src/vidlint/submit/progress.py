"""Progress of a task on stderr: a redrawn bar on a terminal, one line per change otherwise."""

from __future__ import annotations

import sys
from typing import TextIO


class TaskProgress:
    WIDTH = 30

    def __init__(self, stream: TextIO | None = None, interactive: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self._last: tuple[str, int | None] | None = None
        self._drawn = False

    def update(self, task_id: str, status: str, progress: int | None) -> None:
        state = (status, progress)
        if state == self._last:
            return
        self._last = state
        if self.interactive:
            filled = int(self.WIDTH * (progress or 0) / 100)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            pct = f"{progress:3d}%" if progress is not None else "  ?%"
            self.stream.write(f"\r[{bar}] {pct} {status:<10} {task_id}\x1b[K")
            self._drawn = True
        else:
            pct = f" {progress}%" if progress is not None else ""
            self.stream.write(f"{task_id}: {status}{pct}\n")
        self.stream.flush()

    def finish(self) -> None:
        """End the redrawn line so the next message starts on its own line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def message(self, text: str) -> None:
        self.finish()
        self.stream.write(text + "\n")
        self.stream.flush()
