"""Cross-field rules for a request: what JSON Schema cannot say, or says only in part.

Each function reads the parsed request and the model profile (``x-vidlint`` in the model's
schema) and yields findings; the code, severity and documentation come from ``@rule``.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterator

from vidlint.core.wording import label, number, plural, show, span
from vidlint.core.pointers import get_pointer, make_pointer, match_pattern, pattern_matches
from vidlint.fix import Fix
from vidlint.fix.ops import AddToTop, RemoveMember, ReplaceValue
from vidlint.models import known_models, load_profile
from vidlint.rules.registry import Finding, RequestContext, RequestTest, derived, has_any, rule

BINDING_KEY = re.compile(r"^(image|video)([1-9][0-9]*)$")


def as_list(request: dict[str, Any], field: str) -> list[Any]:
    value = request.get(field)
    return value if isinstance(value, list) else []


@rule("VL201", "no-reference", "error", stage="schema")
def no_reference(error: Any, profile: Any) -> None:
    """The request has no reference image or video.

    wan2.7-reference-video builds the video around characters taken from ``image_urls`` and
    ``video_urls``; at least one of them must be non-empty. ``image_start`` (the first frame)
    does not count. Enforced by the model's schema (an ``anyOf``), so editors show it too.

    Breaks it: a request with only ``image_start``.
    Fix: add the character's picture to ``image_urls`` (it may be the same file).
    """


def counted(ctx: RequestContext, pointer: str) -> int:
    """How many inputs ``pointer`` holds in the context's request (an array its items, an object
    its keys, another value 1), worked out once per request and pointer (the counts rule and the
    tag rules read the same fields)."""
    count = ctx.counts.get(pointer)
    if count is None:
        value = get_pointer(ctx.request, pointer)
        count = len(value) if isinstance(value, (list, dict)) else 0 if value is None or value == "" else 1
        ctx.counts[pointer] = count
    return count


def field_label(pointer: str) -> str:
    return pointer.lstrip("/").replace("/", ".")


def when_words(entry: dict[str, Any]) -> str:
    """" when <condition in words>" for an entry with a ``when``; "" without."""
    from vidlint.conditions import describe

    return f" when {describe(entry['when'])}" if "when" in entry else ""


def applies(entry: dict[str, Any], request: dict[str, Any]) -> bool:
    """Whether a model-data entry's ``when`` condition (if any) holds for ``request``."""
    if "when" not in entry:
        return True
    from vidlint.conditions import holds

    return holds(entry["when"], request)


@rule("VL202", "too-many-inputs", "error", stage="request", reads="counts")
def too_many_inputs(ctx: RequestContext) -> Iterator[Finding]:
    """More (or fewer) inputs across several fields together than the model takes.

    JSON Schema counts one array at a time; a model's ``counts`` entries add several up (an
    array counts its items, an object its keys, a single field 1), optionally only when a
    condition holds: reference images plus reference videos, images plus elements without a
    video, every reference file of any kind.

    Breaks it: 4 images and 2 videos where together at most 5 are allowed.
    Fix: drop a reference, or merge characters into one image.
    """
    request = ctx.request
    for entry in ctx.meta["counts"]:
        if not applies(entry, request):
            continue
        total = 0
        for pointer in entry["sum"]:
            total += counted(ctx, pointer)
        high, low = entry.get("max"), entry.get("min")
        if not (high is not None and total > high) and not (low is not None and total < low):
            continue  # within the range: no words needed
        counts = {pointer: counted(ctx, pointer) for pointer in entry["sum"]}
        noun = entry.get("label", "inputs")
        parts = " + ".join(f"{n} in {field_label(pointer)}" for pointer, n in counts.items())
        given = [pointer for pointer, n in counts.items() if n]
        where = make_pointer(*[t for t in given[-1].split("/") if t]) if given else ""
        if high is not None and total > high:
            yield Finding(where, f"{total} {noun} ({parts}); together at most {high} are allowed{when_words(entry)}",
                          f"remove {total - high} of them")
        elif low is not None and total < low:
            yield Finding(where, f"{total} {noun} ({parts or 'none'}); together at least {low} are needed{when_words(entry)}",
                          f"add {low - total}: " + ", ".join(field_label(p) for p in entry["sum"]))


@rule("VL203", "duration-with-video", "error", stage="schema")
def duration_with_video(error: Any, profile: Any) -> None:
    """``duration`` over 10 seconds while reference videos are given.

    Without ``video_urls`` the output may be 2..15 s; with reference videos it is capped at
    10 s. Enforced by the model's schema (``if``/``then``).

    Breaks it: ``"video_urls": ["ref.mp4"], "duration": 12``.
    Fix: ``"duration": 10`` or less.
    """


def _has_an_ignored_field(meta: dict[str, Any]) -> RequestTest:
    return has_any(entry["field"] for entry in meta["ignored_fields"])


@rule("VL204", "ignored-field", "warning", stage="request", reads="ignored_fields", fix="safe",
      speaks_if=_has_an_ignored_field)
def ignored_field(ctx: RequestContext) -> Iterator[Finding]:
    """A field the server ignores because of another field.

    With ``image_start`` the video takes an aspect ratio close to the starting frame's, so
    ``aspect_ratio`` has no effect: the output may not have the ratio the request asks for.

    Breaks it: ``"image_start": "first.jpg", "aspect_ratio": "9:16"``.
    Fix: drop ``aspect_ratio``, or crop the starting frame to the ratio you want.

    The fix (safe: the server ignores the field either way) removes the field.
    """
    request, meta = ctx.request, ctx.meta
    for entry in meta["ignored_fields"]:
        if entry["field"] in request and applies(entry, request):
            yield Finding(make_pointer(entry["field"]), f"{entry['field']} is ignored{when_words(entry)}: {entry['why']}",
                          entry.get("hint", f"remove {entry['field']}"), at_key=True,
                          fix=Fix(f"remove {entry['field']}", (RemoveMember(make_pointer(entry["field"])),)))


@rule("VL210", "voice-binding-key", "error", stage="schema")
def voice_binding_key(error: Any, profile: Any) -> None:
    """A ``model_params.voice_bindings`` key is not ``image{N}`` or ``video{N}``.

    N is 1-based without leading zeros: ``img1``, ``image01``, ``Image1``, ``image0`` are
    rejected by the server. ``image_start`` takes no voice. Enforced by the schema
    (``propertyNames``).

    Fix: ``"image1"``, ``"video2"``.
    """


def _bound_fields(meta: dict[str, Any]) -> dict[str, str]:
    """The field a voice binding key's word names (``image`` -> ``image_urls``), per model."""
    return {word: field_label(target) for word, target in meta["voice_bindings"].get("keys", {}).items()}


@rule("VL211", "voice-binding-range", "error", stage="request", reads="voice_bindings",
      needs_field="voice_bindings.pointer")
def voice_binding_range(ctx: RequestContext) -> Iterator[Finding]:
    """A voice binding names a reference that does not exist.

    ``image3`` binds the voice to ``image_urls[2]``; with two images it points at nothing
    and the server rejects the request (``voice_bindings.image3 out of range``).

    Breaks it: ``"image_urls": ["a.jpg"], "model_params": {"voice_bindings": {"image2": "v.mp3"}}``.
    Fix: bind ``image1``, or add the second image.
    """
    request, meta = ctx.request, ctx.meta
    pointer = meta["voice_bindings"]["pointer"]
    bindings = get_pointer(request, pointer)
    if not isinstance(bindings, dict):
        return
    arrays = derived(meta, _bound_fields)
    for key in bindings:
        match = BINDING_KEY.match(key)
        if not match or match.group(1) not in arrays:
            continue
        field = arrays[match.group(1)]
        index, count = int(match.group(2)), len(as_list(request, field))
        if index > count:
            having = f"{field} has {plural(count, 'entry')}" if count else f"{field} is empty"
            yield Finding(pointer + make_pointer(key),
                          f"voice binding {key} points at {field}[{index - 1}], but {having}",
                          f"bind {span(1, count, prefix=match.group(1))}" if count else f"add the {match.group(1)} to {field}",
                          at_key=True)


@rule("VL212", "voice-binding-value", "error", stage="schema")
def voice_binding_value(error: Any, profile: Any) -> None:
    """A voice binding's value is empty or not a string.

    Each value is the uri (or, for vidlint, a local path) of a wav or mp3 voice clip. Empty
    values are rejected by the server. Enforced by the schema.

    Fix: ``"image1": "https://example.com/voice.mp3"``, or remove the binding.
    """


@rule("VL213", "too-many-voice-bindings", "error", stage="schema")
def too_many_voice_bindings(error: Any, profile: Any) -> None:
    """More than 5 voice bindings.

    Enforced by the schema (``maxProperties``). Fix: bind at most 5 characters.
    """


@rule("VL214", "audio-urls-ignored", "warning", stage="request", reads="positional_audio", fix="safe",
      needs_field="positional_audio.field")
def audio_urls_ignored(ctx: RequestContext) -> Iterator[Finding]:
    """``audio_urls`` is given together with ``model_params.voice_bindings``.

    When both are supplied only ``voice_bindings`` is used and ``audio_urls`` is ignored, so
    those voices are never heard. That holds for an empty ``voice_bindings: {}`` too: it may
    win and drop every voice.

    Breaks it: ``"audio_urls": ["v.mp3"], "model_params": {"voice_bindings": {}}``.
    Fix: move each voice into ``voice_bindings`` and drop ``audio_urls``.

    The fix (safe: the server ignores ``audio_urls`` either way) removes ``audio_urls`` when
    ``voice_bindings`` binds voices; beside an empty ``voice_bindings`` there is none.
    """
    request, meta = ctx.request, ctx.meta
    spec = meta["positional_audio"]
    audio = as_list(request, spec["field"])
    if not audio:
        return
    bindings = get_pointer(request, spec["overridden_by"])
    if isinstance(bindings, dict):
        overridden = label(spec["overridden_by"])
        yield Finding(make_pointer(spec["field"]),
                      f"{spec['field']} is ignored because {overridden} is also given" if bindings else
                      f"{overridden} is given but empty; when both are given only {overridden} is used, so "
                      f"every voice in {spec['field']} may be dropped",
                      f"move these voices into {overridden} and remove {spec['field']}" if bindings else
                      f"remove the empty {overridden}, or move the voices into it", at_key=True,
                      fix=Fix(f"remove {spec['field']}", (RemoveMember(make_pointer(spec["field"])),)) if bindings else None)


@rule("VL215", "unbound-audio", "warning", stage="request", reads="positional_audio",
      needs_field="positional_audio.field")
def unbound_audio(ctx: RequestContext) -> Iterator[Finding]:
    """``audio_urls`` has more entries than there are references to bind them to.

    ``audio_urls`` binds positionally, first to ``video_urls`` then to ``image_urls``; an
    entry past the last reference binds to nothing.

    Breaks it: one image and two voices in ``audio_urls``.
    Fix: remove the extra voice, or use ``voice_bindings``.
    """
    request, meta = ctx.request, ctx.meta
    spec = meta["positional_audio"]
    audio = as_list(request, spec["field"])
    if not audio or isinstance(get_pointer(request, spec["overridden_by"]), dict):
        return  # no voices, or VL214 covers them
    slots = sum(len(as_list(request, field)) for field in spec["order"])
    order = " then ".join(spec["order"])
    for index in range(slots, len(audio)):
        yield Finding(make_pointer(spec["field"], index),
                      f"{spec['field']}[{index}] binds to nothing: voices bind in order to {order}, "
                      f"which hold {plural(slots, 'reference')}",
                      "remove it, or bind voices explicitly with model_params.voice_bindings")


@rule("VL217", "positional-voice-binding", "info", stage="facts", reads="positional_audio",
      needs_field="positional_audio.field")
def positional_voice_binding(ctx: RequestContext) -> Iterator[Finding]:
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
    request, meta, facts = ctx.request, ctx.meta, ctx.facts
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


@rule("VL216", "duplicate-voice", "warning", stage="request", reads="voice_bindings",
      needs_field="voice_bindings.pointer")
def duplicate_voice(ctx: RequestContext) -> Iterator[Finding]:
    """The same voice clip is bound to two characters.

    The documentation lists duplicate bindings among the voice_bindings validation errors;
    two characters sharing one voice is rarely what was meant.

    Fix: give each character its own clip.
    """
    request, meta = ctx.request, ctx.meta
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


# --- schema-level codes (the model's schema finds them; these functions document them) -------


@rule("VL205", "field-not-taken", "error", stage="schema")
def field_not_taken(error: Any, profile: Any) -> None:
    """A field the model documents as not taken.

    wan2.7-text-to-video generates from the prompt (and one optional driving audio track)
    only: ``image_start``, ``image_end``, ``image_urls`` and ``video_urls`` are not inputs.
    wan2.7-image-to-video has no ``aspect_ratio``: the output's shape follows its first frame
    or input clip. Enforced by the model's schema (the property's schema is ``{"not": {}}``),
    so editors and check-jsonschema reject it too.

    Breaks it: ``{"model": "wan2.7-text-to-video", "prompt": "...", "image_start": "a.jpg"}``.
    Fix: remove the field, or use the model that takes it (here wan2.7-image-to-video).
    """


@rule("VL206", "duration-zero-or-range", "error", stage="schema")
def duration_zero_or_range(error: Any, profile: Any) -> None:
    """wan2.7-video-edit's ``duration`` is 1.

    ``duration`` is 0 (the default: keep the input video's length) or 2..10 seconds (cut the
    input video from 0 s to that length); 1 is neither. Enforced by the schema (``not``).

    Breaks it: ``"duration": 1``.
    Fix: ``"duration": 0`` (or leave it out) to keep the whole input, or ``"duration": 2``.
    """


# --- image-to-video: input combinations and generation modes ----------------------------------


def present_inputs(request: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """The mode-deciding inputs the request has, in the profile's order (a key counts when present)."""
    return [name for name in spec["inputs"] if name in request]


def combinations(spec: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(mode, combo) for mode, combos in spec["modes"].items() for combo in combos]


def mode_of(inputs: list[str], spec: dict[str, Any]) -> str | None:
    """The generation mode whose combinations include exactly ``inputs``; None when none does."""
    wanted = set(inputs)
    return next((mode for mode, combo in combinations(spec) if set(combo) == wanted), None)


def effective_mode(request: dict[str, Any], spec: dict[str, Any]) -> str | None:
    """The mode the request asks for, or the one the server infers from the inputs."""
    given = request.get(spec["field"])
    if isinstance(given, str) and given in spec["modes"]:
        return given
    return mode_of(present_inputs(request, spec), spec)


def _plus(names: list[str]) -> str:
    return " + ".join(names) if names else "no input"


def _edits(inputs: list[str], combo: list[str]) -> str:
    removed = [n for n in inputs if n not in combo]
    added = [n for n in combo if n not in inputs]
    parts = ([f"remove {', '.join(removed)}"] if removed else []) + ([f"add {', '.join(added)}"] if added else [])
    return " and ".join(parts)


@rule("VL220", "input-combination", "error", stage="schema", reads="generation_modes")
def input_combination(error: Any, profile: Any) -> Iterator[Finding]:
    """The request's inputs are not one of the valid combinations of wan2.7-image-to-video.

    The API accepts exactly six combinations of ``image_start``, ``image_end``,
    ``audio_urls`` and ``video_urls``, and rejects any other:

    1. image_start (first_frame)
    2. image_start + audio_urls (first_frame with driving audio)
    3. image_start + image_end (first_last_frame)
    4. image_start + image_end + audio_urls (first_last_frame with driving audio)
    5. video_urls (video_continuation)
    6. video_urls + image_end (video_continuation towards a last frame)

    The message names the combination the request has and the valid ones; the hint gives the
    smallest change that makes it valid. Enforced by the model's schema (an ``anyOf``).

    Breaks it: ``"image_start": "a.jpg", "video_urls": ["clip.mp4"]``; or only ``image_end``.
    Fix: drop one of them, e.g. keep ``video_urls`` to continue the clip.
    """
    request = error.instance if isinstance(error.instance, dict) else {}
    spec = profile.meta["generation_modes"]
    inputs = present_inputs(request, spec)
    valid = "; ".join(f"{_plus(combo)} ({mode})" for mode, combo in combinations(spec))
    closest: list[tuple[int, str, list[str]]] = []
    for mode, combo in combinations(spec):
        distance = len(set(inputs) ^ set(combo))
        closest.append((distance, mode, combo))
    best = min(d for d, _, _ in closest)
    fixes = [f"{_edits(inputs, combo)} ({mode})" for d, mode, combo in closest if d == best]
    having = f"the inputs are {_plus(inputs)}" if inputs else "the request has none of " + ", ".join(spec["inputs"])
    yield Finding(make_pointer(inputs[-1]) if inputs else "",
                  f"{having}, which is not a valid combination; valid: {valid}",
                  " or ".join(fixes), at_key=bool(inputs))


@rule("VL221", "mode-inputs-mismatch", "error", stage="schema", reads="generation_modes", fix="unsafe")
def mode_inputs_mismatch(error: Any, profile: Any) -> Iterator[Finding]:
    """``generation_mode`` names one mode while the inputs are those of another.

    first_frame takes image_start (+ audio_urls) and refuses image_end and video_urls;
    first_last_frame needs image_start + image_end (+ audio_urls); video_continuation needs
    video_urls (+ image_end) and refuses image_start and audio_urls. Enforced by the model's
    schema (``if``/``then`` per mode). When the inputs fit no mode at all, VL220 reports it
    instead.

    Breaks it: ``"generation_mode": "first_frame", "image_start": "a.jpg", "image_end": "b.jpg"``.
    Fix: ``"generation_mode": "first_last_frame"``, or remove ``image_end``.

    The fix (unsafe: the other reading, removing an input, may be the one meant) sets the mode
    the inputs select.
    """
    request = error.instance if isinstance(error.instance, dict) else {}
    spec = profile.meta["generation_modes"]
    inputs = present_inputs(request, spec)
    actual = mode_of(inputs, spec)
    given = request.get(spec["field"])
    if actual is None or not isinstance(given, str) or given == actual:
        return  # VL220
    takes = "; ".join(_plus(combo) for combo in spec["modes"].get(given, []))
    fixes = [f"{_edits(inputs, combo)}" for combo in spec["modes"].get(given, [])]
    fix = min(fixes, key=len) if fixes else ""
    yield Finding(make_pointer(spec["field"]),
                  f'{spec["field"]} is "{given}", but the inputs {_plus(inputs)} are those of {actual}; '
                  f"{given} takes {takes}",
                  f'set {spec["field"]} to "{actual}"' + (f", or {fix}" if fix else ""),
                  fix=Fix(f'set {spec["field"]} to "{actual}"', (ReplaceValue(make_pointer(spec["field"]), actual),)))


@rule("VL222", "mode-inferred", "info", stage="request", reads="generation_modes", fix="safe")
def mode_inferred(ctx: RequestContext) -> Iterator[Finding]:
    """``generation_mode`` is not set, so the server infers it from the inputs.

    The field is optional for backward compatibility; the docs recommend setting it to avoid
    ambiguity. vidlint says which mode the inputs select.

    Breaks it (info): ``"image_start": "a.jpg", "image_end": "b.jpg"`` without a mode.
    Fix: ``"generation_mode": "first_last_frame"``.

    The fix (safe: the server picks that mode anyway) adds the mode at the end of the request.
    """
    request, meta = ctx.request, ctx.meta
    spec = meta["generation_modes"]
    if "field" not in spec or spec["field"] in request:
        return  # no mode field to recommend (minimax-h3-image-to-video), or it is set
    inputs = present_inputs(request, spec)
    mode = mode_of(inputs, spec)
    if mode is not None:
        yield Finding("", f"{spec['field']} is not set; from {_plus(inputs)} the server picks {mode}",
                      f'set "{spec["field"]}": "{mode}" (the docs recommend an explicit mode)',
                      fix=Fix(f'set "{spec["field"]}": "{mode}"', (AddToTop(spec["field"], mode),)))



def probed_duration(facts: dict[str, Any], pointer: str) -> float | None:
    """The probed duration in seconds of the asset at ``pointer``; None when not probed."""
    for asset in facts.get("assets") or []:
        if asset.get("pointer") != pointer:
            continue
        probe = asset.get("probe") or {}
        duration = probe.get("duration")
        if probe.get("error") is None and probe.get("kind") == asset.get("kind") and isinstance(duration, (int, float)):
            return float(duration)
    return None


def requested_duration(request: dict[str, Any], meta: dict[str, Any], field: str) -> float | None:
    value = request.get(field, meta.get("defaults", {}).get(field))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)



# --- the request fits a sibling better --------------------------------------------------------


def _error_count(request: dict[str, Any], profile: Any) -> list[str]:
    """The error codes the sibling's schema and request rules find (this rule left out)."""
    from vidlint.check.schema import check_schema
    from vidlint.core.diagnostics import Severity
    from vidlint.rules.registry import RequestContext, run_stage

    codes = [d.code for d in check_schema(request, profile) if d.severity == Severity.ERROR]
    codes += [d.code for d in run_stage("request", RequestContext(request, profile.meta, profile), profile.meta,
                                        skip=frozenset({"VL230"})) if d.severity == Severity.ERROR]
    return codes


def _name_overlap(name: str, other: str) -> float:
    """Shared words of two model ids over all their words: among equally good siblings the one
    of the same tier wins (seedance-2.0-fast-text-to-video -> seedance-2.0-fast-image-to-video,
    not seedance-2.0-image-to-video)."""
    a, b = set(name.split("-")), set(other.split("-"))
    return len(a & b) / len(a | b)


def _taken(meta: dict[str, Any]) -> frozenset[str]:
    """The top-level keys a request of this model may have without naming another model's field."""
    own = load_profile(meta.get("model", ""))
    return frozenset((*own.fields, "$schema", "model")) if own is not None else frozenset()


def _siblings(meta: dict[str, Any]) -> tuple[tuple[str, Any, frozenset[str]], ...]:
    """(name, profile, :func:`_taken` of it) for each other model of the model's ``family``.
    Only the models whose name begins with the family are loaded (every model's does: a test
    holds them to it), not every model's profile (~50 ms, once per run with such a request)."""
    own, family = meta.get("model"), meta.get("family")
    found = []
    for name in known_models():
        if not name.startswith(f"{family}-"):
            continue
        sibling = load_profile(name)
        if name != own and sibling is not None and sibling.meta.get("family") == family:
            found.append((name, sibling, _taken(sibling.meta)))
    return tuple(found)


def _has_a_foreign_key(meta: dict[str, Any]) -> RequestTest:
    taken = derived(meta, _taken)
    return lambda request: not taken.issuperset(request)


@rule("VL230", "sibling-fits-better", "warning", stage="request", reads="family", fix="unsafe",
      speaks_if=_has_a_foreign_key)
def sibling_fits_better(ctx: RequestContext) -> Iterator[Finding]:
    """The request's fields fit another model of the same family better than the one it names.

    When a request uses fields its model does not take, vidlint looks for a sibling model
    (same ``family`` in the profile) that takes every field of the request and checks the
    request against it. The best fit is named when it finds fewer errors than the declared
    model, with whether it passes.

    Breaks it: ``{"model": "wan2.7-reference-video", "prompt": "...", "image_start": "a.jpg",
    "image_end": "b.jpg"}`` (first and last frame: that is wan2.7-image-to-video).
    Fix: ``"model": "wan2.7-image-to-video"``.

    The fix (unsafe: another model makes another video at another price) sets that model.
    """
    request, meta = ctx.request, ctx.meta
    taken = derived(meta, _taken)
    if taken.issuperset(request):
        return  # every field is the model's own: nothing to compare (nearly every request; see speaks_if)
    foreign = [key for key in request if key not in taken]
    own = load_profile(meta.get("model", ""))
    if own is None:
        return
    ranked: list[tuple[int, float, str, list[str]]] = []
    for name, sibling, sibling_takes in derived(meta, _siblings):
        if not sibling_takes.issuperset(request):
            continue
        errors = _error_count({**request, "model": name}, sibling)
        ranked.append((len(errors), -_name_overlap(name, own.name), name, errors))
    if not ranked:
        return
    count, _, name, errors = min(ranked)
    if count >= len(_error_count(request, own)):
        return  # not a better fit
    fields = ", ".join(foreign)
    verdict = "and passes its checks" if count == 0 else \
        f"though it would still report {count} error{'s' if count > 1 else ''} ({', '.join(sorted(set(errors)))})"
    yield Finding("/model",
                  f"{fields} {'is' if len(foreign) == 1 else 'are'} not taken by {own.name}, but this request fits "
                  f"{name} {verdict}",
                  f'set "model": {show(name)} if that is the model you meant',
                  fix=Fix(f"set model to {show(name)}", (ReplaceValue("/model", name),)))


# --- documented advice, traps, durations and the body (model data: siblings, traps, ...) ----


@rule("VL231", "sibling-hint", "warning", stage="request", reads="siblings")
def sibling_hint(ctx: RequestContext) -> Iterator[Finding]:
    """The docs route requests like this one to another model.

    A model's ``siblings`` entries say, with a condition, which model the documentation
    recommends instead (no reference media: the text-to-video sibling; edit wording: the edit
    model). VL230 finds a better-fitting sibling by itself; this rule says what the docs say.

    Breaks it: a reference-to-video request with no reference media.
    Fix: ``"model"`` set to the model named in the message.
    """
    for entry in ctx.meta["siblings"]:
        if applies(entry, ctx.request) and entry["model"] != ctx.request.get("model"):
            yield Finding("/model", f"{entry['why']}: the docs send this request to {entry['model']}",
                          f'set "model": {show(entry["model"])}')


@rule("VL232", "documented-trap", "warning", stage="request", reads="traps")
def documented_trap(ctx: RequestContext) -> Iterator[Finding]:
    """The request is accepted, but the docs say the task will then fail (or do something else).

    A model's ``traps`` entries describe such cases with a condition and the documented
    consequence: the server does not reject them at submission, so the money and the wait
    are spent first.

    Breaks it: a seedance-2.5 reference-to-video prompt that asks to "remove" something while
    ``aspect_ratio`` is fixed (the task is classified as an edit and fails).
    Fix: what the message's hint says (often: the sibling model that validates up front).
    """
    for entry in ctx.meta["traps"]:
        if applies(entry, ctx.request):
            yield Finding(entry.get("at", ""), entry["message"], entry.get("hint"))


@rule("VL233", "input-plus-output-duration", "error", stage="facts", reads="duration_budgets")
def input_plus_output_duration(ctx: RequestContext) -> Iterator[Finding]:
    """Probed input media plus the requested output are longer than the model allows.

    A model's ``duration_budgets`` entry adds the probed lengths of some inputs (reference
    videos) to the output ``duration`` and caps the sum: 10 s of reference video leaves 20 s
    of output under a 30 s cap. Inputs that were not probed count 0, so the check is a lower
    bound; values of the duration field in ``skip_values`` (automatic duration) skip it.

    Breaks it: 12 s of reference video with ``"duration": 20`` under a 30 s cap.
    Fix: a shorter ``duration``, or shorter reference videos.
    """

    request = ctx.request
    for entry in ctx.meta["duration_budgets"]:
        if not applies(entry, request):
            continue
        field = entry.get("plus", "duration")
        output = requested_duration(request, ctx.meta, field)
        if output is None or output in entry.get("skip_values", []):
            continue
        inputs, measured = 0.0, False
        for asset in ctx.facts.get("assets") or []:
            if any(pattern_matches(pattern, asset.get("pointer", "")) for pattern in entry["inputs"]):
                seconds = probed_duration(ctx.facts, asset["pointer"])
                measured = measured or seconds is not None
                inputs += seconds or 0.0
        if measured and inputs + output > entry["max"]:
            room = entry["max"] - inputs
            shown = number(inputs)
            yield Finding(make_pointer(field) if field in request else "",
                          f"the inputs are {shown} s and {field} is {number(output)} s: {number(inputs + output)} s in all; "
                          f"at most {number(entry['max'])} s are allowed{when_words(entry)}",
                          f"set {field} to at most {number(math.floor(room))}" if room >= 1 else "use shorter input media")


@rule("VL240", "body-too-large", "error", stage="request", reads="body.max_bytes")
def body_too_large(ctx: RequestContext) -> Iterator[Finding]:
    """The JSON request body is larger than the model accepts.

    Measured as the request serialised compactly in UTF-8 (what a client sends), against the
    model's ``body.max_bytes``. Inline media (Base64) is what makes bodies this large.

    Breaks it: a 70 MB request with Base64 images where the limit is 64 MB.
    Fix: upload the media and reference it by URL.
    """
    import json

    limit = ctx.meta["body"].get("max_bytes")
    if not isinstance(limit, int):
        return
    size = len(json.dumps(ctx.request, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))
    if size > limit:
        yield Finding("", f"the request body is {number(size)} bytes; the limit is {number(limit)} bytes",
                      "reference media by URL instead of inlining it")


_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]{256,}$")


@rule("VL241", "inline-data", "error", stage="request", reads="body.inline_data")
def inline_data(ctx: RequestContext) -> Iterator[Finding]:
    """A media field holds inline data (a ``data:`` URI or Base64) the model does not accept.

    Models whose ``body.inline_data`` is false take media only by URL.

    Breaks it: ``"image_urls": ["data:image/png;base64,iVBORw0..."]``.
    Fix: upload the file (``vidlint submit`` does it for local paths) and give its https URL.
    """

    if ctx.meta["body"].get("inline_data", True):
        return
    for pattern in ctx.meta.get("assets") or {}:
        for pointer, value in match_pattern(ctx.request, pattern):
            if isinstance(value, str) and (value[:5].lower() == "data:" or _BASE64.match(value[:4096])):
                form = "a data: URI" if value[:5].lower() == "data:" else "Base64 data"
                yield Finding(pointer, f"{field_label(pointer)} holds {form}; this model takes media only by URL",
                              "upload the file and give its https URL (vidlint submit uploads local paths)")
