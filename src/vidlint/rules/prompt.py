"""VL3xx: the prompt text: references to the request's media (tags), prompts that say nothing,
and shot lists (timed shots in the prompt, structured shot lists).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from vidlint.rules.registry import Finding, RequestContext, rule
from vidlint.rules.request import as_list
from vidlint.check.wording import plural
from vidlint.records import FrozenRecord

# Canonical references per the docs: "Image 1" / "Video 2" (capitalised, one space), "图1" / "视频2".
_EXACT_EN = re.compile(r"(?<![\w])(Image|Video) ([1-9][0-9]*)(?![\w])")
_EXACT_ZH = re.compile(r"(图|视频)([1-9][0-9]*)(?![0-9])")
_LOOSE_EN = re.compile(r"(?<![\w])(images?|img|pic(?:ture)?|videos?|vid)[ \t]*[#№_-]?[ \t]*([0-9]+)(?![\w.,][0-9]|[A-Za-z0-9])", re.I)
_LOOSE_ZH = re.compile(r"(图片|图|视频)[ \t]*([0-9０-９]+)")
_CANONICAL = {"image": "Image", "images": "Image", "img": "Image", "pic": "Image", "picture": "Image",
              "video": "Video", "videos": "Video", "vid": "Video", "图": "图", "图片": "图", "视频": "视频"}


def _arrays(meta: dict[str, Any]) -> dict[str, str]:
    """Reference word (English and Chinese) -> the array it indexes."""
    words: dict[str, str] = {}
    for field, spec in meta["references"]["arrays"].items():
        words[spec["en"]] = field
        words[spec["zh"]] = field
    return words


def _prompt(request: dict[str, Any]) -> str:
    prompt = request.get("prompt")
    return prompt if isinstance(prompt, str) else ""


def exact_references(text: str) -> Iterator[re.Match[str]]:
    yield from _EXACT_EN.finditer(text)
    yield from _EXACT_ZH.finditer(text)


@rule("VL302", "empty-prompt", "warning", stage="request")
def empty_prompt(ctx: RequestContext) -> Iterator[Finding]:
    """The prompt is empty or only white space.

    The model then has nothing to go on but the references; results are unpredictable.

    Fix: describe what happens in the video.
    """
    request, meta = ctx.request, ctx.meta
    if "prompt" in request and isinstance(request["prompt"], str) and not request["prompt"].strip():
        yield Finding("/prompt", "prompt is empty", "describe the scene and what the characters do")


@rule("VL310", "reference-out-of-range", "error", stage="request", reads="references")
def reference_out_of_range(ctx: RequestContext) -> Iterator[Finding]:
    """The prompt refers to an image or video that the request does not have.

    "Image 3" means ``image_urls[2]`` and "Video 1" means ``video_urls[0]`` (Chinese: 图3,
    视频1); images and videos are counted separately. A reference past the end renders a
    clip in which "Image 3" points at nothing.

    Breaks it: ``"prompt": "Image 3 waves"`` with two entries in ``image_urls``.
    Fix: refer to Image 1 or Image 2, or add the third image.
    """
    request, meta = ctx.request, ctx.meta
    words = _arrays(meta)
    text = _prompt(request)
    for match in exact_references(text):
        field = words.get(match.group(1))
        if field is None:
            continue
        index, count = int(match.group(2)), len(as_list(request, field))
        if index > count:
            having = f"{field} has {plural(count, 'entry').replace('entrys', 'entries')}" if count else f"{field} is empty"
            yield Finding("/prompt", f'the prompt refers to "{match.group(0)}", but {having}',
                          f"refer to 1..{count}" if count else f"add it to {field} or reword the prompt",
                          char=match.start())


@rule("VL311", "reference-spelling", "warning", stage="request", reads="references")
def reference_spelling(ctx: RequestContext) -> Iterator[Finding]:
    """A reference written in a form the model does not read as a reference.

    The model recognises exactly "Image N" / "Video N" (capitalised, one space before the
    number, no leading zero) and "图N" / "视频N". "image 1", "Image1", "IMAGE 1", "img 2",
    "Image 01" or "图 1" read as ordinary words, so the character is not tied to its reference.

    Breaks it: ``"prompt": "image 1 dances with Video1"``.
    Fix: ``"prompt": "Image 1 dances with Video 1"``.
    """
    request, meta = ctx.request, ctx.meta
    text = _prompt(request)
    exact_spans = {m.span() for m in exact_references(text)}
    for pattern in (_LOOSE_EN, _LOOSE_ZH):
        for match in pattern.finditer(text):
            if match.span() in exact_spans:
                continue
            word, digits = match.group(1), match.group(2)
            canonical_word = _CANONICAL.get(word.lower(), _CANONICAL.get(word))
            number = int(digits.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
            if canonical_word is None or number == 0:
                continue
            joiner = " " if canonical_word in ("Image", "Video") else ""
            canonical = f"{canonical_word}{joiner}{number}"
            if canonical == match.group(0):
                continue
            yield Finding("/prompt", f'"{match.group(0)}" is not read as a reference; the model reads "{canonical}"',
                          f'write "{canonical}"', char=match.start())


@rule("VL312", "ambiguous-reference", "warning", stage="request", reads="references")
def ambiguous_reference(ctx: RequestContext) -> Iterator[Finding]:
    """"the reference image" (or video) while the request has none, or several.

    The docs allow "the reference image" / "the reference video" only when there is exactly
    one; with several the model cannot tell which is meant.

    Breaks it: "the reference image smiles" with three images.
    Fix: "Image 2 smiles".
    """
    request, meta = ctx.request, ctx.meta
    text = _prompt(request)
    lowered = text.lower()
    for field, spec in meta["references"]["arrays"].items():
        phrase = spec.get("singular")
        if not phrase:
            continue
        at = lowered.find(phrase)
        if at < 0:
            continue
        count = len(as_list(request, field))
        if count > 1:
            yield Finding("/prompt", f'"{text[at:at + len(phrase)]}" is ambiguous: {field} has {count} entries',
                          f'name it: "{spec["en"]} 1" .. "{spec["en"]} {count}"', char=at)
        elif count == 0:
            yield Finding("/prompt", f'the prompt mentions "{text[at:at + len(phrase)]}", but {field} is empty',
                          f"add it to {field} or reword the prompt", char=at)


@rule("VL313", "unnamed-references", "info", stage="request", reads="references")
def unnamed_references(ctx: RequestContext) -> Iterator[Finding]:
    """Several references, and the prompt names none of them.

    With two or more references the model learns who is who only from "Image N" /
    "Video N" in the prompt; without them it guesses.

    Fix: name each character by its reference, e.g. "Image 1 hands Image 2 a cup".
    """
    request, meta = ctx.request, ctx.meta
    total = sum(len(as_list(request, field)) for field in meta["references"]["arrays"])
    text = _prompt(request)
    if total >= 2 and text.strip() and next(exact_references(text), None) is None:
        yield Finding("/prompt", f"the request has {total} references, but the prompt names none of them",
                      "refer to them as Image 1.. / Video 1.. (or 图1 / 视频1)")


# --- shots -------------------------------------------------------------------------------------

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


def _setting(ctx: RequestContext) -> tuple[str, list[Shot], float | None, bool]:
    request, meta = ctx.request, ctx.meta
    spec = meta["multi_shot"]
    text = request.get(spec["field"])
    text = text if isinstance(text, str) else ""
    field = spec["duration_field"]
    value = request.get(field, meta.get("defaults", {}).get(field))
    duration = None if isinstance(value, bool) or not isinstance(value, (int, float)) else float(value)
    return text, timed_shots(text), duration, field in request


@rule("VL320", "shot-past-duration", "warning", stage="request", reads="multi_shot")
def shot_past_duration(ctx: RequestContext) -> Iterator[Finding]:
    """A timed shot runs past the video's ``duration``.

    In a shot list like "Shot 5 [12-15s] close-up: ..." the times are seconds of the output
    video. A shot that starts or ends after ``duration`` (5 s when not set) is cut short or
    never shown.

    Breaks it: shots up to "[12-15s]" with ``"duration": 10`` (or no duration).
    Fix: ``"duration": 15``, or retime the shots to fit.
    """
    request, meta = ctx.request, ctx.meta
    text, shots, duration, explicit = _setting(ctx)
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


@rule("VL321", "shot-timing", "info", stage="request", reads="multi_shot")
def shot_timing(ctx: RequestContext) -> Iterator[Finding]:
    """Timed shots that overlap, leave a gap, run backwards or are numbered out of order.

    "Shot 2 [3-6s]" after "Shot 1 [0-3s]" reads cleanly; "Shot 2 [2-6s]" overlaps shot 1,
    "Shot 2 [4-6s]" leaves a second the list does not describe, "[6-3s]" ends before it starts.
    The model interprets such lists its own way.

    Breaks it (info): "Shot 1 [0-3s] ... Shot 2 [2-6s] ...".
    Fix: "Shot 1 [0-3s] ... Shot 2 [3-6s] ...".
    """
    request, meta = ctx.request, ctx.meta
    text, shots, _, _ = _setting(ctx)
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


@rule("VL322", "single-shot-with-shot-list", "warning", stage="request", reads="multi_shot")
def single_shot_with_shot_list(ctx: RequestContext) -> Iterator[Finding]:
    """The prompt asks for a single-shot video and lists several timed shots.

    "generate a single-shot video" and a list "Shot 1 [0-3s] ... Shot 2 [3-6s] ..." ask for
    opposite things; which one the model follows is not documented.

    Breaks it: "Generate a single-shot video. Shot 1 [0-3s] ... Shot 2 [3-5s] ...".
    Fix: drop the shot list, or say "generate a multi-shot video".
    """
    request, meta = ctx.request, ctx.meta
    text, shots, _, _ = _setting(ctx)
    single = _SINGLE.search(text)
    if single and len(shots) >= 2:
        yield Finding(f"/{meta['multi_shot']['field']}",
                      f'the prompt asks for "{single.group(0)}" but lists {len(shots)} timed shots',
                      'remove the shot list, or ask for "a multi-shot video"', char=single.start())
