"""Kling family: what the model format's keys cannot say.

kling-v3-turbo-text-to-video writes its shots in the prompt, ``镜头 n, m, words;`` (shot
number, seconds, the shot's prompt): a grammar of its own, checked here from the model data
``prompt_shots`` (``field``, ``duration_field``, ``max_shots``, ``max_shot_chars``).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from vidlint.core.records import FrozenRecord
from vidlint.core.wording import number
from vidlint.rules.registry import Finding, RequestContext, rule

# 镜头 n, m, words;  (ASCII commas and semicolon, as documented; the last ";" may be missing)
_SHOT = re.compile(r"镜头[ \t]*([0-9]+)[ \t]*,[ \t]*([0-9]+(?:\.[0-9]+)?)[ \t]*,([^;]*)(?:;|$)")


class PromptShot(FrozenRecord):
    """One ``镜头 n, m, words;`` of a prompt; ``at``: where it starts in the prompt."""

    __slots__ = ("number", "seconds", "words", "at", "text")

    def __init__(self, number: int, seconds: float, words: str, at: int, text: str) -> None:
        self.number = number
        self.seconds = seconds
        self.words = words
        self.at = at
        self.text = text


def prompt_shots(text: str) -> list[PromptShot]:
    return [PromptShot(int(m.group(1)), float(m.group(2)), m.group(3).strip(), m.start(), m.group(0))
            for m in _SHOT.finditer(text)]


@rule("VL329", "prompt-shot-list", "error", stage="request", reads="prompt_shots")
def prompt_shot_list(ctx: RequestContext) -> Iterator[Finding]:
    """Shots written in the prompt (``镜头 n, m, words;``) that break the documented limits.

    kling-v3-turbo-text-to-video takes no structured shot list; its prompt describes each shot
    as ``镜头 n, m, words;``: n the shot number (at most 6), m its length in seconds, words its
    prompt (at most 512 characters). The shots' seconds must add up to ``duration`` (5 when
    not set).

    Breaks it: ``"镜头 1, 3, the girl walks; 镜头 2, 3, she turns;"`` with ``"duration": 5``.
    Fix: make the seconds add up to ``duration`` (``镜头 2, 2, ...``), or set ``"duration": 6``.
    """
    spec: dict[str, Any] = ctx.meta["prompt_shots"]
    request = ctx.request
    field = spec.get("field", "prompt")
    text = request.get(field)
    if not isinstance(text, str):
        return
    shots = prompt_shots(text)
    if not shots:
        return
    pointer = f"/{field}"
    most, longest = spec.get("max_shots", 6), spec.get("max_shot_chars", 512)
    for shot in shots:
        if shot.number > most or shot.number < 1:
            shown = shot.text if len(shot.text) <= 24 else shot.text[:21] + "..."
            yield Finding(pointer, f'"{shown}": shot number {shot.number}; shots are numbered 1..{most}',
                          f"use at most {most} shots", char=shot.at)
        if len(shot.words) > longest:
            yield Finding(pointer, f"shot {shot.number}'s prompt is {len(shot.words)} characters; each shot's words "
                          f"are at most {longest}", "shorten it, or split the shot", char=shot.at)
    if len(shots) > most:
        yield Finding(pointer, f"the prompt lists {len(shots)} shots; at most {most} are allowed",
                      f"merge shots until there are {most} or fewer", char=shots[most].at)
    duration_field = spec.get("duration_field", "duration")
    total = request.get(duration_field, (ctx.meta.get("defaults") or {}).get(duration_field))
    if isinstance(total, bool) or not isinstance(total, (int, float)):
        return
    seconds = sum(s.seconds for s in shots)
    if abs(seconds - total) > 1e-6:
        told = "" if duration_field in request else " (the default)"
        shown = " + ".join(number(s.seconds) for s in shots)
        yield Finding(pointer, f"the prompt's shots last {shown} = {number(seconds)} s, but {duration_field} is "
                      f"{number(total)} s{told}; they must add up to it",
                      f"make the shots' seconds add up to {number(total)}, or set {duration_field} to {number(seconds)}",
                      char=shots[0].at)
