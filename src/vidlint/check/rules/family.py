"""Rules of the wan2.7 family beyond reference-video: inputs a model does not take, the input
combinations and generation modes of image-to-video, durations measured against probed input
media, and a hint when a request fits a sibling model better than the one it names.

Every rule reads its facts from the model profile (``x-vidlint``): a model gets a rule by
having the profile key the rule ``needs`` (``generation_modes``, ``continuation``,
``driving_audio``, ``family``), not by its name.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from vidlint.check.assets import PADDING_SECONDS
from vidlint.check.rules.registry import Finding, rule
from vidlint.check.rules.requests import get_pointer
from vidlint.check.wording import label, show
from vidlint.diagnostics import make_pointer

# --- schema-level codes (the model's schema finds them; these functions document them) -------


@rule("VL205", "field-not-taken", "error", kind="schema")
def field_not_taken() -> None:
    """A field the model documents as not taken.

    wan2.7-text-to-video generates from the prompt (and one optional driving audio track)
    only: ``image_start``, ``image_end``, ``image_urls`` and ``video_urls`` are not inputs.
    wan2.7-image-to-video has no ``aspect_ratio``: the output's shape follows its first frame
    or input clip. Enforced by the model's schema (the property's schema is ``{"not": {}}``),
    so editors and check-jsonschema reject it too.

    Breaks it: ``{"model": "wan2.7-text-to-video", "prompt": "...", "image_start": "a.jpg"}``.
    Fix: remove the field, or use the model that takes it (here wan2.7-image-to-video).
    """


@rule("VL206", "duration-zero-or-range", "error", kind="schema")
def duration_zero_or_range() -> None:
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


@rule("VL220", "input-combination", "error", kind="schema")
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


@rule("VL221", "mode-inputs-mismatch", "error", kind="schema")
def mode_inputs_mismatch(error: Any, profile: Any) -> Iterator[Finding]:
    """``generation_mode`` names one mode while the inputs are those of another.

    first_frame takes image_start (+ audio_urls) and refuses image_end and video_urls;
    first_last_frame needs image_start + image_end (+ audio_urls); video_continuation needs
    video_urls (+ image_end) and refuses image_start and audio_urls. Enforced by the model's
    schema (``if``/``then`` per mode). When the inputs fit no mode at all, VL220 reports it
    instead.

    Breaks it: ``"generation_mode": "first_frame", "image_start": "a.jpg", "image_end": "b.jpg"``.
    Fix: ``"generation_mode": "first_last_frame"``, or remove ``image_end``.
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
                  f'set {spec["field"]} to "{actual}"' + (f", or {fix}" if fix else ""))


@rule("VL222", "mode-inferred", "info", needs="generation_modes")
def mode_inferred(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """``generation_mode`` is not set, so the server infers it from the inputs.

    The field is optional for backward compatibility; the docs recommend setting it to avoid
    ambiguity. vidlint says which mode the inputs select.

    Breaks it (info): ``"image_start": "a.jpg", "image_end": "b.jpg"`` without a mode.
    Fix: ``"generation_mode": "first_last_frame"``.
    """
    spec = meta["generation_modes"]
    if spec["field"] in request:
        return
    inputs = present_inputs(request, spec)
    mode = mode_of(inputs, spec)
    if mode is not None:
        yield Finding("", f"{spec['field']} is not set; from {_plus(inputs)} the server picks {mode}",
                      f'set "{spec["field"]}": "{mode}" (the docs recommend an explicit mode)')


# --- durations measured against probed input media (facts from the asset check) --------------


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


LONGEST_OUTPUT, SHORTEST_OUTPUT = 15, 2  # the duration range of the models with driving audio
NOTHING_ADDED = 0.05  # a continuation shorter than this generates nothing


def _s(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


@rule("VL223", "continuation-shorter-than-input", "error", kind="facts", needs="continuation")
def continuation_shorter_than_input(request: dict[str, Any], meta: dict[str, Any],
                                    facts: dict[str, Any]) -> Iterator[Finding]:
    """In video_continuation, ``duration`` is shorter than the probed input clip.

    ``duration`` is the TOTAL output length, input clip included: the model generates
    ``duration`` minus the clip's length, and ``duration`` below the clip's length is an error.
    Without ``duration`` the default (5 s) applies. Checked against the clip's probed length,
    so only when the asset check could read the clip. A clip at most 60 ms longer than
    ``duration`` (encoder padding) is VL227, a warning.

    Breaks it: a 7.2 s clip with ``"duration": 5`` (or no duration).
    Fix: ``"duration": 8`` or more (8 gives 0.8 s of continuation; 15 gives 7.8 s).
    """
    spec = meta["continuation"]
    if effective_mode(request, meta["generation_modes"]) != spec["mode"]:
        return
    clip = probed_duration(facts, spec["input"])
    duration = requested_duration(request, meta, spec["duration_field"])
    if clip is None or duration is None or clip - duration <= PADDING_SECONDS:
        return  # within encoder padding: VL227
    where = spec["duration_field"] if spec["duration_field"] in request else ""
    shown = f"{_s(duration)} s" + ("" if where else " (the default)")
    yield Finding(make_pointer(where) if where else "",
                  f"{spec['duration_field']} is {shown}, the total length in {spec['mode']}, but the input clip "
                  f"{label(spec['input'])} is {_s(clip)} s; it must be at least the clip's length",
                  f"set {spec['duration_field']} to at least {math.ceil(clip)} (the continuation adds "
                  f"{spec['duration_field']} minus {_s(clip)} s)")


@rule("VL224", "continuation-length", "info", kind="facts", needs="continuation")
def continuation_length(request: dict[str, Any], meta: dict[str, Any], facts: dict[str, Any]) -> Iterator[Finding]:
    """In video_continuation, how much the model will add, when that may be nothing.

    ``duration`` is the total length, input clip included. When it is within a second of the
    probed clip, little is generated (equal: VL227, a warning). When the
    clip could not be probed and ``duration`` is below the longest clip the model takes
    (10 s), vidlint cannot tell whether ``duration`` is long enough, and says so.

    Breaks it (info): an unprobed clip with ``"duration": 5``.
    Fix: let vidlint probe the clip (a local file, or --asset-map), or set ``duration`` to
    at least the clip's length.
    """
    spec = meta["continuation"]
    if effective_mode(request, meta["generation_modes"]) != spec["mode"]:
        return
    if not isinstance(get_pointer(request, spec["input"]), str):
        return
    field = spec["duration_field"]
    duration = requested_duration(request, meta, field)
    if duration is None:
        return
    pointer = make_pointer(field) if field in request else ""
    clip = probed_duration(facts, spec["input"])
    if clip is None:
        longest = (meta.get("media", {}).get("video", {}).get("duration") or [0, 0])[1]
        if duration < longest:
            yield Finding(pointer, f"{field} is {_s(duration)} s, the TOTAL length in {spec['mode']} (input clip "
                          f"included), and the input clip was not probed: it must be at most {_s(duration)} s",
                          f"make sure the clip is at most {_s(duration)} s, or set {field} to {_s(longest)} or more")
    elif NOTHING_ADDED <= duration - clip < 1:
        yield Finding(pointer, f"{field} is {_s(duration)} s and the input clip is {_s(clip)} s: "
                      f"only {_s(duration - clip)} s is generated",
                      f"raise {field} to continue the clip further")


@rule("VL227", "continuation-returns-input", "warning", kind="facts", needs="continuation")
def continuation_returns_input(request: dict[str, Any], meta: dict[str, Any],
                               facts: dict[str, Any]) -> Iterator[Finding]:
    """In video_continuation, ``duration`` equals the input clip's length: nothing is generated.

    The server returns the input clip and bills it. Documented: "When duration equals the input video length, no continuation is generated
    and the input clip is returned as-is", billed on ``duration``. Equal means within encoder
    padding (the clip at most 60 ms longer, or less than 50 ms shorter).

    Breaks it: an 8 s clip with ``"duration": 8``.
    Fix: raise ``duration`` above the clip's length (9 adds 1 s).
    """
    spec = meta["continuation"]
    if effective_mode(request, meta["generation_modes"]) != spec["mode"]:
        return
    field = spec["duration_field"]
    clip = probed_duration(facts, spec["input"])
    duration = requested_duration(request, meta, field)
    if clip is None or duration is None or not -PADDING_SECONDS <= duration - clip < NOTHING_ADDED:
        return
    yield Finding(make_pointer(field) if field in request else "",
                  f"{field} is {_s(duration)} s and the input clip {label(spec['input'])} is {_s(clip)} s: nothing is "
                  f"generated, the server returns the input clip as is and bills {_s(duration)} s",
                  f"set {field} to {min(math.floor(clip) + 1, 15)} or more to continue the clip"
                  if math.floor(clip) + 1 <= 15 else "use a shorter clip to continue it")


# --- wan2.7-video-edit: the cut and the instruction ---------------------------------------------


@rule("VL228", "edit-duration-past-input", "error", kind="facts", needs="cut")
def edit_duration_past_input(request: dict[str, Any], meta: dict[str, Any],
                             facts: dict[str, Any]) -> Iterator[Finding]:
    """wan2.7-video-edit's ``duration`` is longer than the input video.

    An explicit ``duration`` (2..10) is documented as a cut: "the system truncates the input
    video starting at 0s up to the specified duration", so it cannot be longer than the input
    video. 0 (the default) keeps the input's length. Checked against the video's probed
    length; at most 60 ms over (encoder padding) passes.

    Breaks it: a 4 s input video with ``"duration": 6``.
    Fix: ``"duration": 0`` to keep the whole video, or at most its length.
    """
    spec = meta["cut"]
    field = spec["duration_field"]
    clip = probed_duration(facts, spec["input"])
    duration = requested_duration(request, meta, field)
    if clip is None or duration is None or duration == spec["keep"] or duration <= clip + PADDING_SECONDS:
        return
    yield Finding(make_pointer(field),
                  f"{field} is {_s(duration)} s, a cut of the input video from 0 s, but {label(spec['input'])} "
                  f"is only {_s(clip)} s",
                  f"set {field} to {spec['keep']} to keep the whole video, or to at most {_s(clip)}")


@rule("VL229", "edit-without-instruction", "warning", needs="instruction")
def edit_without_instruction(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """A wan2.7-video-edit request with neither ``prompt`` nor ``image_urls``.

    Nothing says what to change. The documented patterns are instruction-only (video + prompt) and instruction + reference
    images; with neither, the task is billed (input and output seconds) for an edit nobody
    asked for.

    Breaks it: ``{"model": "wan2.7-video-edit", "video_urls": ["clip.mp4"]}``.
    Fix: add a ``prompt`` describing the edit.
    """
    fields = meta["instruction"]["any_of"]
    given = [f for f in fields if (isinstance(request.get(f), str) and request[f].strip())
             or (isinstance(request.get(f), list) and request[f])]
    if not given:
        yield Finding("", f"the request has no {' and no '.join(fields)}: nothing says what to edit, "
                      "and the task is billed all the same", "add a prompt that describes the edit")


def _driving_audio(request: dict[str, Any], meta: dict[str, Any], facts: dict[str, Any]) -> tuple[float, float] | None:
    spec = meta["driving_audio"]
    modes = meta.get("generation_modes")
    if modes and effective_mode(request, modes) == meta.get("continuation", {}).get("mode"):
        return None  # no driving audio in continuation (VL220/VL221 say so)
    audio = probed_duration(facts, spec["pointer"])
    duration = requested_duration(request, meta, spec["duration_field"])
    return None if audio is None or duration is None else (audio, duration)


@rule("VL225", "driving-audio-truncated", "warning", kind="facts", needs="driving_audio")
def driving_audio_truncated(request: dict[str, Any], meta: dict[str, Any], facts: dict[str, Any]) -> Iterator[Finding]:
    """The driving audio is longer than the video: the server keeps only its start.

    For wan2.7-text-to-video and wan2.7-image-to-video, audio longer than ``duration`` is cut:
    the first ``duration`` seconds are used and the rest is discarded. Checked against the
    audio's probed length.

    Breaks it: a 12 s recital with ``"duration": 5``.
    Fix: ``"duration": 12``, or trim the audio to what the video should say.
    """
    found = _driving_audio(request, meta, facts)
    if found is None or found[0] <= found[1] + 0.05:
        return
    audio, duration = found
    spec = meta["driving_audio"]
    yield Finding(spec["pointer"], f"the driving audio is {_s(audio)} s but {spec['duration_field']} is {_s(duration)} s: "
                  + spec["longer"].format(duration=_s(duration)),
                  _change_or(spec["duration_field"], duration, min(math.ceil(audio), LONGEST_OUTPUT),
                             f"trim the audio to {_s(duration)} s"))


@rule("VL226", "driving-audio-short", "info", kind="facts", needs="driving_audio")
def driving_audio_short(request: dict[str, Any], meta: dict[str, Any], facts: dict[str, Any]) -> Iterator[Finding]:
    """The driving audio is shorter than the video: the rest of the video is silent.

    Documented: with 3 s of audio and a 5 s video, the first 3 s have sound and the last 2 s
    are silent. Checked against the audio's probed length.

    Breaks it (info): a 3 s clip with ``"duration": 5``.
    Fix: ``"duration": 3``, or a longer audio track, if silence is not meant.
    """
    found = _driving_audio(request, meta, facts)
    if found is None or found[0] >= found[1] - 0.05:
        return
    audio, duration = found
    spec = meta["driving_audio"]
    yield Finding(spec["pointer"], f"the driving audio is {_s(audio)} s but {spec['duration_field']} is {_s(duration)} s: "
                  + spec["shorter"].format(gap=_s(duration - audio)),
                  _change_or(spec["duration_field"], duration, max(SHORTEST_OUTPUT, math.floor(audio)),
                             f"use a track of at least {_s(duration)} s"))


def _change_or(field: str, current: float, proposed: int, otherwise: str) -> str:
    """A hint that proposes a new value for ``field`` only when it differs from the one set."""
    if proposed == current:
        return f"{otherwise} ({field} is already {_s(current)} s, the nearest it can be)"
    return f"set {field} to {proposed}, or {otherwise}"


# --- the request fits a sibling better --------------------------------------------------------


def _error_count(request: dict[str, Any], profile: Any) -> list[str]:
    """The error codes the sibling's schema and request rules find (this rule left out)."""
    from vidlint.check.rules.registry import run_request_rules
    from vidlint.check.schema import check_schema
    from vidlint.diagnostics import Severity

    codes = [d.code for d in check_schema(request, profile) if d.severity == Severity.ERROR]
    codes += [r.code for r, _ in run_request_rules(request, profile.meta, skip=frozenset({"VL230"}))
              if r.severity == Severity.ERROR]
    return codes


@rule("VL230", "sibling-fits-better", "warning", needs="family")
def sibling_fits_better(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """The request's fields fit another model of the same family better than the one it names.

    When a request uses fields its model does not take, vidlint looks for a sibling model
    (same ``family`` in the profile) that takes every field of the request and checks the
    request against it. The best fit is named when it finds fewer errors than the declared
    model, with whether it passes.

    Breaks it: ``{"model": "wan2.7-reference-video", "prompt": "...", "image_start": "a.jpg",
    "image_end": "b.jpg"}`` (first and last frame: that is wan2.7-image-to-video).
    Fix: ``"model": "wan2.7-image-to-video"``.
    """
    from vidlint.models import known_models, load_profile

    own = load_profile(meta.get("model", ""))
    if own is None:
        return
    foreign = [key for key in request if key not in own.fields and key not in ("$schema", "model")]
    if not foreign:
        return
    ranked: list[tuple[int, str, list[str]]] = []
    for name in known_models():
        sibling = load_profile(name)
        if name == own.name or sibling is None or sibling.meta.get("family") != meta.get("family"):
            continue
        if any(key not in sibling.fields for key in request if key not in ("$schema", "model")):
            continue
        errors = _error_count({**request, "model": name}, sibling)
        ranked.append((len(errors), name, errors))
    if not ranked:
        return
    count, name, errors = min(ranked)
    if count >= len(_error_count(request, own)):
        return  # not a better fit
    fields = ", ".join(foreign)
    verdict = "and passes its checks" if count == 0 else \
        f"though it would still report {count} error{'s' if count > 1 else ''} ({', '.join(sorted(set(errors)))})"
    yield Finding("/model",
                  f"{fields} {'is' if len(foreign) == 1 else 'are'} not taken by {own.name}, but this request fits "
                  f"{name} {verdict}",
                  f'set "model": {show(name)} if that is the model you meant')
