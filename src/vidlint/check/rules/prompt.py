"""Prompt rules: references to images and videos, and prompts that say nothing."""

from __future__ import annotations

import re
from typing import Any, Iterator

from vidlint.check.rules.registry import Finding, rule
from vidlint.check.rules.requests import as_list
from vidlint.check.wording import plural, span

# Canonical references per the docs: "Image 1" / "Video 2" (capitalised, one space), "图1" / "视频2".
_EXACT_EN = re.compile(r"(?<![\w])(Image|Video) ([1-9][0-9]*)(?![\w])")
_EXACT_ZH = re.compile(r"(图|视频)([1-9][0-9]*)(?![0-9])")
# "Image 0" / "图0": the right spelling with a number the 1-based count never reaches.
_ZERO = re.compile(r"(?<![\w])(Image|Video) (0+)(?![\w])|(图|视频)(0+)(?![0-9])")
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


@rule("VL302", "empty-prompt", "warning")
def empty_prompt(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """The prompt is empty or only white space.

    The model then has nothing to go on but the references; results are unpredictable.

    Fix: describe what happens in the video.
    """
    if "prompt" in request and isinstance(request["prompt"], str) and not request["prompt"].strip():
        yield Finding("/prompt", "prompt is empty", "describe the scene and what the characters do")


@rule("VL310", "reference-out-of-range", "error", needs="references")
def reference_out_of_range(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """The prompt refers to an image or video that the request does not have.

    "Image 3" means ``image_urls[2]`` and "Video 1" means ``video_urls[0]`` (Chinese: 图3,
    视频1); images and videos are counted separately. A reference past the end renders a
    clip in which "Image 3" points at nothing.

    Counting starts at 1: "Image 0" and "图0" name nothing at all.

    Breaks it: ``"prompt": "Image 3 waves"`` with two entries in ``image_urls``; ``"Image 0 waves"``.
    Fix: refer to Image 1 or Image 2, or add the third image.
    """
    words = _arrays(meta)
    text = _prompt(request)
    for match in _ZERO.finditer(text):
        word = match.group(1) or match.group(3)
        field = words.get(word)
        if field is not None:
            first = f"{word} 1" if match.group(1) else f"{word}1"
            yield Finding("/prompt", f'the prompt refers to "{match.group(0)}", but references count from 1: '
                          f'"{first}" is {field}[0]', f'write "{first}" for the first entry of {field}',
                          char=match.start())
    for match in exact_references(text):
        field = words.get(match.group(1))
        if field is None:
            continue
        index, count = int(match.group(2)), len(as_list(request, field))
        if index > count:
            having = f"{field} has {plural(count, 'entry').replace('entrys', 'entries')}" if count else f"{field} is empty"
            yield Finding("/prompt", f'the prompt refers to "{match.group(0)}", but {having}',
                          f"refer to {span(1, count)}" if count else f"add it to {field} or reword the prompt",
                          char=match.start())


@rule("VL311", "reference-spelling", "warning", needs="references")
def reference_spelling(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """A reference written in a form the model does not read as a reference.

    The model recognises exactly "Image N" / "Video N" (capitalised, one space before the
    number, no leading zero) and "图N" / "视频N". "image 1", "Image1", "IMAGE 1", "img 2",
    "Image 01" or "图 1" read as ordinary words, so the character is not tied to its reference.

    Breaks it: ``"prompt": "image 1 dances with Video1"``.
    Fix: ``"prompt": "Image 1 dances with Video 1"``.
    """
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


@rule("VL312", "ambiguous-reference", "warning", needs="references")
def ambiguous_reference(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """"the reference image" (or video) while the request has none, or several.

    The docs allow "the reference image" / "the reference video" only when there is exactly
    one; with several the model cannot tell which is meant.

    Breaks it: "the reference image smiles" with three images.
    Fix: "Image 2 smiles".
    """
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


@rule("VL313", "unnamed-references", "info", needs="references")
def unnamed_references(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """Several references, and the prompt names none of them.

    With two or more references the model learns who is who only from "Image N" /
    "Video N" in the prompt; without them it guesses.

    Fix: name each character by its reference, e.g. "Image 1 hands Image 2 a cup".
    """
    total = sum(len(as_list(request, field)) for field in meta["references"]["arrays"])
    text = _prompt(request)
    if total >= 2 and text.strip() and next(exact_references(text), None) is None:
        yield Finding("/prompt", f"the request has {total} references, but the prompt names none of them",
                      "refer to them as Image 1.. / Video 1.. (or 图1 / 视频1)")
