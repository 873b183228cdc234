"""``vidlint lint --watch``: lint, then lint again what changes, until Ctrl-C.

A changed request file is linted again; so is every request that references a changed
local asset (images, videos, audio: the probe cache sees the new size and mtime and probes
it again). Changes are gathered for ``DEBOUNCE_MS`` (watchfiles) so that an editor's
save-and-rename counts once. The folders watched are the paths given plus the folders of
the assets the requests reference, recomputed after each round.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from vidlint.api import LintOptions, LintRun, is_tool_text, lint_paths
from vidlint.core.wording import plural
from vidlint.load import PathError, Source, discover, load_source, read_source

DEBOUNCE_MS = 300
TICK_MS = 200
Renderer = Callable[[LintRun], None]


def referenced_assets(path: Path, options: LintOptions) -> set[str]:
    """Absolute paths of the local files the requests in ``path`` reference (mirrors included)."""
    from vidlint.check.assets import iter_asset_refs, resolve
    from vidlint.models import load_profile

    found: set[str] = set()
    try:
        source = next(iter(discover([str(path)])[0]))
        loaded = load_source(source, read_source(source))
    except Exception:  # noqa: BLE001 - an unreadable file references nothing; lint says why
        return found
    for document in loaded.documents:
        request = document.value
        profile = load_profile(request["model"]) if isinstance(request, dict) and isinstance(
            request.get("model"), str) else None
        if profile is None:
            continue
        for ref in iter_asset_refs(request, profile.meta.get("assets") or {}):
            resolution = resolve(ref.value, path.parent, options.assets.asset_maps)
            if resolution.path is not None:
                found.add(os.path.abspath(resolution.path))
    return found


class Watcher:
    """What is watched: the request files the paths name now, and who references which asset."""

    def __init__(self, paths: list[str], options: LintOptions) -> None:
        self.paths = paths
        self.options = options
        self.requests: dict[str, Path] = {}  # absolute path -> path as given (shown in reports)
        self.users: dict[str, set[str]] = {}  # asset -> requests (absolute) that reference it
        self.tools: set[str] = set()  # walked .json files that are JSON Schemas or baselines: no requests

    def refresh(self, linted: Iterable[str] | None = None) -> None:
        """Find the request files again; re-read the asset references of ``linted`` (None: all)."""
        sources, _ = discover(self.paths, self.options.inputs.excludes)
        found = {os.path.abspath(s.path): s for s in sources if s.path is not None}
        linted = None if linted is None else set(linted)
        self.tools &= set(found)
        # new files, and edited ones (an edit may turn a file into a request or out of one)
        for path in set(found) if linted is None else (set(found) - set(self.requests) - self.tools) | (linted & set(found)):
            self._sort_out(path, found[path])
        self.requests = {path: s.path for path, s in found.items() if path not in self.tools and s.path is not None}
        again = set(self.requests) if linted is None else {p for p in linted if p in self.requests}
        for users in self.users.values():
            users.difference_update(again)
            users.intersection_update(self.requests)
        for request in again:
            for asset in referenced_assets(self.requests[request], self.options):
                self.users.setdefault(asset, set()).add(request)
        self.users = {asset: users for asset, users in self.users.items() if users}

    def _sort_out(self, path: str, source: Source) -> None:
        """As the lint of a walked folder does: a JSON Schema or a baseline found there is no request."""
        tool = False
        if source.found_by_walking and not source.jsonl:
            try:
                tool = is_tool_text(source.display, read_source(source))
            except PathError:  # an unreadable file stays a request file: lint says why
                tool = False
        if tool:
            self.tools.add(path)
        else:
            self.tools.discard(path)

    def roots(self) -> list[str]:
        """Folders to watch: the paths given (their folder, for a file) and the assets' folders."""
        folders = {os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in self.paths}
        folders |= {os.path.dirname(asset) for asset in self.users}
        folders = {f for f in folders if os.path.isdir(f)}
        return sorted(f for f in folders if not any(f != o and f.startswith(o.rstrip(os.sep) + os.sep) for o in folders))

    def affected(self, changed: set[str]) -> list[str]:
        """The request files to lint again for these changed paths, in the order of discovery."""
        chosen = {p for p in changed if p in self.requests}
        for path in changed:
            chosen |= self.users.get(path, set())
        return [p for p in self.requests if p in chosen]


def watch(paths: list[str], options: LintOptions, render: Renderer, stream: Any = None,
          ignored: Iterable[str] = ()) -> int:
    """Lint ``paths``, then again on every change, until interrupted; the exit code (0).
    Changes to ``ignored`` (the report file) are not changes: writing it must not relint."""
    import watchfiles

    stream = stream or sys.stderr
    skip = {os.path.abspath(path) for path in ignored}
    watcher = Watcher(paths, options)
    try:
        render(lint_paths(paths, options))
        watcher.refresh()
        while True:
            roots = watcher.roots()
            announced = False
            # An empty set every TICK_MS: the first one says the watcher is up, so nothing saved
            # after "Watching ..." is missed.
            for changes in watchfiles.watch(*roots, debounce=DEBOUNCE_MS, rust_timeout=TICK_MS,
                                            yield_on_timeout=True, raise_interrupt=True):
                if not announced:
                    say(stream, f"Watching {plural(len(watcher.requests), 'request file')} and "
                                f"{plural(len(watcher.users), 'asset')} for changes (Ctrl-C to stop).")
                    announced = True
                if not changes:
                    continue
                changed = {os.path.abspath(path) for _, path in changes} - skip
                watcher.refresh(changed)  # new and deleted request files, edited asset references
                targets = watcher.affected(changed)
                if targets:
                    names = ", ".join(str(watcher.requests[p]) for p in targets)
                    say(stream, f"[{time.strftime('%H:%M:%S')}] changed: linting {names}")
                    options.jobs = 1  # a few files: no worker processes
                    render(lint_paths([str(watcher.requests[p]) for p in targets], fresh(options)))
                if watcher.roots() != roots:
                    break  # an asset in a new folder: watch it too
    except KeyboardInterrupt:
        say(stream, "Stopped watching.")
        return 0


def fresh(options: LintOptions) -> LintOptions:
    """``options`` with the baseline's matches forgotten (each round starts from the whole file)."""
    baseline = options.baseline
    if baseline is not None:
        options.baseline = type(baseline)(baseline.path, baseline.entries, baseline.text)
    return options


def say(stream: Any, line: str) -> None:
    sys.stdout.flush()  # the report before it, when both go to one pipe
    stream.write(line + "\n")
    stream.flush()
