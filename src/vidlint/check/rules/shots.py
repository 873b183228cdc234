"""Multi-shot prompt conventions (wan2.7-text-to-video): timed shot lists such as
"Shot 1 [0-3s] wide angle: ...", and "single-shot" / "multi-shot" instructions.

The docs describe shot structure in natural language: say "generate a single-shot video" or
"generate a multi-shot video", or list timed shots. A model gets these rules by having
``multi_shot`` in its profile.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from vidlint.check.rules.registry import Finding, rule
from vidlint.records import FrozenRecord

# No two [ \t]* next to each other (even across an optional token): that backtracks quadratically.
_SHOT = re.compile(
    r"(?<![\w])shot[ \t]*(?:#[ \t]*)?(\d+)[ \t]*[\[(（【][ \t]*(\d+(?:\.\d+)?)[ \t]*(?:s[ \t]*)?(?:-|–|—|~|～|to)[ \t]*"
    r"(\d+(?:\.\d+)?)[ \t]*(?:(?:s|sec|seconds?)[ \t]*)?[\])）】]",
    re.I,
)
_SINGLE = re.compile(r"single[- ]shot|一镜到底|单镜头", re.I)


class Shot(FrozenRecord):
    """A timed shot of a multi-shot prompt; ``at``: its index in the prompt."""

    __slots__ = ("number", "start", "end", "at", "text")

    def __init__(self, number: int, start: float, end: float, at: int, text: str) -> None:
        self.number = number
        self.start = start
        self.end = end
        self.at = at
        self.text = text


def timed_shots(text: str) -> list[Shot]:
    return [Shot(int(m.group(1)), float(m.group(2)), float(m.group(3)), m.start(), m.group(0))
            for m in _SHOT.finditer(text)]


def _s(value: float) -> str:
    return f"{value:g}"


def _setting(request: dict[str, Any], meta: dict[str, Any]) -> tuple[str, list[Shot], float | None, bool]:
    spec = meta["multi_shot"]
    text = request.get(spec["field"])
    text = text if isinstance(text, str) else ""
    field = spec["duration_field"]
    value = request.get(field, meta.get("defaults", {}).get(field))
    duration = None if isinstance(value, bool) or not isinstance(value, (int, float)) else float(value)
    return text, timed_shots(text), duration, field in request


@rule("VL320", "shot-past-duration", "warning", needs="multi_shot")
def shot_past_duration(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """A timed shot runs past the video's ``duration``.

    In a shot list like "Shot 5 [12-15s] close-up: ..." the times are seconds of the output
    video. A shot that starts or ends after ``duration`` (5 s when not set) is cut short or
    never shown.

    Breaks it: shots up to "[12-15s]" with ``"duration": 10`` (or no duration).
    Fix: ``"duration": 15``, or retime the shots to fit.
    """
    text, shots, duration, explicit = _setting(request, meta)
    if duration is None:
        return
    late = [s for s in shots if s.end > duration]
    if not late:
        return
    first, last_end = late[0], max(s.end for s in shots)
    field = meta["multi_shot"]["duration_field"]
    told = f"{field} is {_s(duration)} s" + ("" if explicit else " (the default)")
    yield Finding(f"/{meta['multi_shot']['field']}",
                  f'"{first.text}" ends at {_s(first.end)} s, but {told}: the shot list runs to {_s(last_end)} s',
                  f"set {field} to {_s(min(last_end, 15))}" + (" (the maximum is 15)" if last_end > 15 else "")
                  + ", or retime the shots", char=first.at)


@rule("VL321", "shot-timing", "info", needs="multi_shot")
def shot_timing(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """Timed shots that overlap, leave a gap, run backwards or are numbered out of order.

    "Shot 2 [3-6s]" after "Shot 1 [0-3s]" reads cleanly; "Shot 2 [2-6s]" overlaps shot 1,
    "Shot 2 [4-6s]" leaves a second the list does not describe, "[6-3s]" ends before it starts.
    The model interprets such lists its own way.

    Breaks it (info): "Shot 1 [0-3s] ... Shot 2 [2-6s] ...".
    Fix: "Shot 1 [0-3s] ... Shot 2 [3-6s] ...".
    """
    text, shots, _, _ = _setting(request, meta)
    field = f"/{meta['multi_shot']['field']}"
    for index, shot in enumerate(shots):
        if shot.end <= shot.start:
            yield Finding(field, f'"{shot.text}" ends before it starts', "write the start time first", char=shot.at)
            continue
        if index == 0:
            if shot.start > 0:
                yield Finding(field, f'the first timed shot "{shot.text}" starts at {_s(shot.start)} s, not 0',
                              "start the first shot at 0s", char=shot.at)
            continue
        before = shots[index - 1]
        if shot.number != before.number + 1:
            yield Finding(field, f'"{shot.text}" follows shot {before.number}', f"number it Shot {before.number + 1}",
                          char=shot.at)
        if shot.start < before.end:
            yield Finding(field, f'"{shot.text}" overlaps the shot before it (which ends at {_s(before.end)} s)',
                          f"start it at {_s(before.end)}s", char=shot.at)
        elif shot.start > before.end:
            yield Finding(field, f'"{shot.text}" leaves {_s(shot.start - before.end)} s after the shot before it '
                          f"undescribed", f"start it at {_s(before.end)}s", char=shot.at)


@rule("VL322", "single-shot-with-shot-list", "warning", needs="multi_shot")
def single_shot_with_shot_list(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """The prompt asks for a single-shot video and lists several timed shots.

    "generate a single-shot video" and a list "Shot 1 [0-3s] ... Shot 2 [3-6s] ..." ask for
    opposite things; which one the model follows is not documented.

    Breaks it: "Generate a single-shot video. Shot 1 [0-3s] ... Shot 2 [3-5s] ...".
    Fix: drop the shot list, or say "generate a multi-shot video".
    """
    text, shots, _, _ = _setting(request, meta)
    single = _SINGLE.search(text)
    if single and len(shots) >= 2:
        yield Finding(f"/{meta['multi_shot']['field']}",
                      f'the prompt asks for "{single.group(0)}" but lists {len(shots)} timed shots',
                      'remove the shot list, or ask for "a multi-shot video"', char=single.start())
