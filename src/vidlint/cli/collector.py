"""Python's cyclic garbage collector while vidlint starts (paused, then what start-up made
frozen) and during a lint run (:func:`collector_for_a_run`).

``vidlint.cli.main`` pauses it first; the command turns it on once its module is imported
(``LazyGroup.get_command``); ``main`` puts it back as it was at the latest. (Its own module,
without click, so that both can use it without an import cycle.)
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


def pause_collector() -> None:
    """Python's cyclic garbage collector is off while vidlint starts (click and the command's
    module imported, the command line read): the ~150 modules' objects live as long as the
    process, and collecting among them cost ~5 ms of every start for nothing."""
    global _COLLECTING
    _COLLECTING = gc.isenabled()
    gc.disable()


def start_collector() -> None:
    """Once the command's module is imported: what exists is frozen out of the collections (it
    lives as long as the process; turning the collector on would otherwise walk it all at the
    next collection) and the collector is on again, as it was before :func:`pause_collector`."""
    gc.freeze()
    if _COLLECTING:
        gc.enable()


def end_collector_pause() -> None:
    """The collector as it was before ``main`` (a caller's own choice to turn it off stays),
    nothing frozen: a long-lived caller's garbage is collected as before."""
    gc.unfreeze()
    if _COLLECTING:
        gc.enable()


_COLLECTING = True  # whether the collector was on when main paused it


@contextlib.contextmanager
def collector_for_a_run() -> Iterator[None]:
    """Python's cyclic garbage collector, set for a run and put back after it: what exists
    before the run (modules, rules, models) lives as long as the process, so it is frozen out of
    the collections, and the youngest objects are collected every 5,000 new ones, not 700 (a
    file makes hundreds, and reference counting frees nearly all of them). Measured over 10,000
    files in one process: 110-135 ms of collections became ~65 ms."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(5000, threshold[0]), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
