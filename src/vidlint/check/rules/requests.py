"""Cross-field rules for a request: what JSON Schema cannot say, or says only in part.

Each function reads the parsed request and the model profile (``x-vidlint`` in the model's
schema) and yields findings; the code, severity and documentation come from ``@rule``.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from vidlint.check.rules.registry import Finding, rule
from vidlint.check.wording import label, plural, span
from vidlint.diagnostics import make_pointer, split_pointer

BINDING_KEY = re.compile(r"^(image|video)([1-9][0-9]*)$")


def as_list(request: dict[str, Any], field: str) -> list[Any]:
    value = request.get(field)
    return value if isinstance(value, list) else []


def get_pointer(request: Any, pointer: str) -> Any:
    node = request
    for token in split_pointer(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


@rule("VL201", "no-reference", "error", kind="schema")
def no_reference() -> None:
    """The request has no reference image or video.

    wan2.7-reference-video builds the video around characters taken from ``image_urls`` and
    ``video_urls``; at least one of them must be non-empty. ``image_start`` (the first frame)
    does not count. Enforced by the model's schema (an ``anyOf``), so editors show it too.

    Breaks it: a request with only ``image_start``.
    Fix: add the character's picture to ``image_urls`` (it may be the same file).
    """


@rule("VL202", "too-many-references", "error", needs="references")
def too_many_references(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """More reference images and videos together than the model takes.

    ``len(image_urls) + len(video_urls)`` must be at most 5 for wan2.7-reference-video
    (``image_start`` is not counted). JSON Schema cannot add up two arrays, so this is a rule.

    Breaks it: 4 images and 2 videos.
    Fix: drop a reference, or merge characters into one image.
    """
    spec = meta["references"]
    counts = {field: len(as_list(request, field)) for field in spec["arrays"]}
    total = sum(counts.values())
    if total > spec["max_total"]:
        parts = " + ".join(f"{n} in {field}" for field, n in counts.items())
        last_field = next(reversed([f for f, n in counts.items() if n]))
        yield Finding(make_pointer(last_field),
                      f"{total} references ({parts}); together at most {spec['max_total']} are allowed",
                      f"remove {total - spec['max_total']} of them")


@rule("VL203", "duration-with-video", "error", kind="schema")
def duration_with_video() -> None:
    """``duration`` over 10 seconds while reference videos are given.

    Without ``video_urls`` the output may be 2..15 s; with reference videos it is capped at
    10 s. Enforced by the model's schema (``if``/``then``).

    Breaks it: ``"video_urls": ["ref.mp4"], "duration": 12``.
    Fix: ``"duration": 10`` or less.
    """


@rule("VL204", "ignored-field", "warning", needs="ignored_fields")
def ignored_field(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """A field the server ignores because of another field.

    With ``image_start`` the video takes an aspect ratio close to the starting frame's, so
    ``aspect_ratio`` has no effect: the output may not have the ratio the request asks for.

    Breaks it: ``"image_start": "first.jpg", "aspect_ratio": "9:16"``.
    Fix: drop ``aspect_ratio``, or crop the starting frame to the ratio you want.
    """
    for entry in meta["ignored_fields"]:
        if entry["field"] in request and request.get(entry["when"]) not in (None, ""):
            yield Finding(make_pointer(entry["field"]),
                          f"{entry['field']} is ignored when {entry['when']} is given: {entry['why']}",
                          f"remove {entry['field']}, or crop {entry['when']} to the ratio you want", at_key=True)


@rule("VL210", "voice-binding-key", "error", kind="schema")
def voice_binding_key() -> None:
    """A ``model_params.voice_bindings`` key is not ``image{N}`` or ``video{N}``.

    N is 1-based without leading zeros: ``img1``, ``image01``, ``Image1``, ``image0`` are
    rejected by the server. ``image_start`` takes no voice. Enforced by the schema
    (``propertyNames``).

    Fix: ``"image1"``, ``"video2"``.
    """


@rule("VL211", "voice-binding-range", "error", needs="voice_bindings")
def voice_binding_range(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """A voice binding names a reference that does not exist.

    ``image3`` binds the voice to ``image_urls[2]``; with two images it points at nothing
    and the server rejects the request (``voice_bindings.image3 out of range``).

    Breaks it: ``"image_urls": ["a.jpg"], "model_params": {"voice_bindings": {"image2": "v.mp3"}}``.
    Fix: bind ``image1``, or add the second image.
    """
    pointer = meta["voice_bindings"]["pointer"]
    bindings = get_pointer(request, pointer)
    if not isinstance(bindings, dict):
        return
    arrays = {spec["binding"]: field for field, spec in meta.get("references", {}).get("arrays", {}).items()}
    for key in bindings:
        match = BINDING_KEY.match(key)
        if not match or match.group(1) not in arrays:
            continue
        field = arrays[match.group(1)]
        index, count = int(match.group(2)), len(as_list(request, field))
        if index > count:
            having = f"{field} has {plural(count, 'entry').replace('entrys', 'entries')}" if count else f"{field} is empty"
            yield Finding(pointer + make_pointer(key),
                          f"voice binding {key} points at {field}[{index - 1}], but {having}",
                          f"bind {span(1, count, prefix=match.group(1))}" if count else f"add the {match.group(1)} to {field}",
                          at_key=True)


@rule("VL212", "voice-binding-value", "error", kind="schema")
def voice_binding_value() -> None:
    """A voice binding's value is empty or not a string.

    Each value is the uri (or, for vidlint, a local path) of a wav or mp3 voice clip. Empty
    values are rejected by the server. Enforced by the schema.

    Fix: ``"image1": "https://example.com/voice.mp3"``, or remove the binding.
    """


@rule("VL213", "too-many-voice-bindings", "error", kind="schema")
def too_many_voice_bindings() -> None:
    """More than 5 voice bindings.

    Enforced by the schema (``maxProperties``). Fix: bind at most 5 characters.
    """


@rule("VL214", "audio-urls-ignored", "warning", needs="positional_audio")
def audio_urls_ignored(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """``audio_urls`` is given together with ``model_params.voice_bindings``.

    When both are supplied only ``voice_bindings`` is used and ``audio_urls`` is ignored, so
    those voices are never heard. That holds for an empty ``voice_bindings: {}`` too: it may
    win and drop every voice.

    Breaks it: ``"audio_urls": ["v.mp3"], "model_params": {"voice_bindings": {}}``.
    Fix: move each voice into ``voice_bindings`` and drop ``audio_urls``.
    """
    spec = meta["positional_audio"]
    bindings = get_pointer(request, spec["overridden_by"])
    audio = as_list(request, spec["field"])
    if audio and isinstance(bindings, dict):
        overridden = label(spec["overridden_by"])
        yield Finding(make_pointer(spec["field"]),
                      f"{spec['field']} is ignored because {overridden} is also given" if bindings else
                      f"{overridden} is given but empty; when both are given only {overridden} is used, so "
                      f"every voice in {spec['field']} may be dropped",
                      f"move these voices into {overridden} and remove {spec['field']}" if bindings else
                      f"remove the empty {overridden}, or move the voices into it", at_key=True)


@rule("VL215", "unbound-audio", "warning", needs="positional_audio")
def unbound_audio(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """``audio_urls`` has more entries than there are references to bind them to.

    ``audio_urls`` binds positionally, first to ``video_urls`` then to ``image_urls``; an
    entry past the last reference binds to nothing.

    Breaks it: one image and two voices in ``audio_urls``.
    Fix: remove the extra voice, or use ``voice_bindings``.
    """
    spec = meta["positional_audio"]
    if isinstance(get_pointer(request, spec["overridden_by"]), dict):
        return  # VL214 covers it
    audio = as_list(request, spec["field"])
    slots = sum(len(as_list(request, field)) for field in spec["order"])
    order = " then ".join(spec["order"])
    for index in range(slots, len(audio)):
        yield Finding(make_pointer(spec["field"], index),
                      f"{spec['field']}[{index}] binds to nothing: voices bind in order to {order}, "
                      f"which hold {plural(slots, 'reference')}",
                      "remove it, or bind voices explicitly with model_params.voice_bindings")


@rule("VL217", "positional-voice-binding", "info", kind="facts", needs="positional_audio")
def positional_voice_binding(request: dict[str, Any], meta: dict[str, Any],
                             facts: dict[str, Any]) -> Iterator[Finding]:
    """What each ``audio_urls`` entry binds to, when reference videos are involved.

    ``audio_urls`` binds positionally, first to ``video_urls`` then to ``image_urls``; a
    voice bound to a video replaces the video's own audio, and a video left without a voice
    keeps its own. With reference videos in the request this is easy to get wrong (a voice
    meant for an image lands on the video), so vidlint says where each voice goes and which
    reference is left silent (an image without a voice, a video without a voice or audio).

    Breaks it (info): ``"video_urls": ["talk.mp4"], "image_urls": ["ann.png"],
    "audio_urls": ["ann.mp3"]``: ann.mp3 binds to the video, and Ann stays silent.
    Fix: bind voices by name with ``model_params.voice_bindings`` (``{"image1": "ann.mp3"}``).
    """
    spec = meta["positional_audio"]
    audio = as_list(request, spec["field"])
    if not audio or isinstance(get_pointer(request, spec["overridden_by"]), dict):
        return  # VL214 covers it
    slots = [(field, index) for field in spec["order"] for index in range(len(as_list(request, field)))]
    if not any(field == "video_urls" for field, _ in slots):
        return
    own_audio = {asset["pointer"]: (asset.get("probe") or {}).get("has_audio") for asset in facts.get("assets") or []}
    for position, (field, index) in enumerate(slots[:len(audio)]):
        target = make_pointer(field, index)
        replaced = {True: ", replacing that video's own audio", False: " (the video has no audio of its own)",
                    None: ", replacing that video's own audio if it has any"}[own_audio.get(target)] \
            if field == "video_urls" else ""
        yield Finding(make_pointer(spec["field"], position),
                      f"{spec['field']}[{position}] binds to {field}[{index}]{replaced}: voices bind in order to "
                      f"{' then '.join(spec['order'])}",
                      f"use {label(spec['overridden_by'])} to bind voices by name" if field == "video_urls" else None)
    silent = [f"{field}[{index}]" for field, index in slots[len(audio):]
              if field != "video_urls" or own_audio.get(make_pointer(field, index)) is False]
    if silent:
        yield Finding(make_pointer(spec["field"]),
                      f"{', '.join(silent)} {'gets' if len(silent) == 1 else 'get'} no voice from {spec['field']} "
                      "and no audio of its own: silent",
                      f"bind a voice with {label(spec['overridden_by'])} if that character should speak", at_key=True)


@rule("VL216", "duplicate-voice", "warning", needs="voice_bindings")
def duplicate_voice(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """The same voice clip is bound to two characters.

    The documentation lists duplicate bindings among the voice_bindings validation errors;
    two characters sharing one voice is rarely what was meant.

    Fix: give each character its own clip.
    """
    pointer = meta["voice_bindings"]["pointer"]
    bindings = get_pointer(request, pointer)
    if not isinstance(bindings, dict):
        return
    first: dict[str, str] = {}
    for key, value in bindings.items():
        if not isinstance(value, str) or not value:
            continue
        if value in first:
            yield Finding(pointer + make_pointer(key),
                          f"{key} uses the same voice as {first[value]}", "give each character its own voice clip")
        else:
            first[value] = key
