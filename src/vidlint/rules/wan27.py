"""Rules of the wan2.7 family that model data cannot say: ``duration`` against probed input
media (video_continuation counts the input clip; driving audio is cut or padded).

A model gets these rules by having the keys they read (``continuation``, ``driving_audio``).
"""

from __future__ import annotations

import math
from typing import Iterator

from vidlint.core.wording import label, number
from vidlint.core.pointers import make_pointer
from vidlint.rules.media import PADDING_SECONDS
from vidlint.rules.registry import Finding, RequestContext, rule
from vidlint.rules.request import (
    effective_mode,
    get_pointer,
    probed_duration,
    requested_duration,
)

# --- durations measured against probed input media (facts from the asset check) --------------


LONGEST_OUTPUT, SHORTEST_OUTPUT = 15, 2  # the duration range of the models with driving audio
NOTHING_ADDED = 0.05  # a continuation shorter than this generates nothing


@rule("VL223", "continuation-shorter-than-input", "error", stage="facts", reads="continuation")
def continuation_shorter_than_input(ctx: RequestContext) -> Iterator[Finding]:
    """In video_continuation, ``duration`` is shorter than the probed input clip.

    ``duration`` is the TOTAL output length, input clip included: the model generates
    ``duration`` minus the clip's length, and ``duration`` below the clip's length is an error.
    Without ``duration`` the default (5 s) applies. Checked against the clip's probed length,
    so only when the asset check could read the clip. A clip at most 60 ms longer than
    ``duration`` (encoder padding) is VL227, a warning.

    Breaks it: a 7.2 s clip with ``"duration": 5`` (or no duration).
    Fix: ``"duration": 8`` or more (8 gives 0.8 s of continuation; 15 gives 7.8 s).
    """
    request, meta, facts = ctx.request, ctx.meta, ctx.facts
    spec = meta["continuation"]
    if effective_mode(request, meta["generation_modes"]) != spec["mode"]:
        return
    clip = probed_duration(facts, spec["input"])
    duration = requested_duration(request, meta, spec["duration_field"])
    if clip is None or duration is None or clip - duration <= PADDING_SECONDS:
        return  # within encoder padding: VL227
    where = spec["duration_field"] if spec["duration_field"] in request else ""
    shown = f"{number(duration)} s" + ("" if where else " (the default)")
    yield Finding(make_pointer(where) if where else "",
                  f"{spec['duration_field']} is {shown}, the total length in {spec['mode']}, but the input clip "
                  f"{label(spec['input'])} is {number(clip)} s; it must be at least the clip's length",
                  f"set {spec['duration_field']} to at least {math.ceil(clip)} (the continuation adds "
                  f"{spec['duration_field']} minus {number(clip)} s)")


@rule("VL224", "continuation-length", "info", stage="facts", reads="continuation")
def continuation_length(ctx: RequestContext) -> Iterator[Finding]:
    """In video_continuation, how much the model will add, when that may be nothing.

    ``duration`` is the total length, input clip included. When it is within a second of the
    probed clip, little is generated (equal: VL227, a warning). When the
    clip could not be probed and ``duration`` is below the longest clip the model takes
    (10 s), vidlint cannot tell whether ``duration`` is long enough, and says so.

    Breaks it (info): an unprobed clip with ``"duration": 5``.
    Fix: let vidlint probe the clip (a local file, or --asset-map), or set ``duration`` to
    at least the clip's length.
    """
    request, meta, facts = ctx.request, ctx.meta, ctx.facts
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
            yield Finding(pointer, f"{field} is {number(duration)} s, the TOTAL length in {spec['mode']} (input clip "
                          f"included), and the input clip was not probed: it must be at most {number(duration)} s",
                          f"make sure the clip is at most {number(duration)} s, or set {field} to {number(longest)} or more")
    elif NOTHING_ADDED <= duration - clip < 1:
        yield Finding(pointer, f"{field} is {number(duration)} s and the input clip is {number(clip)} s: "
                      f"only {number(duration - clip)} s is generated",
                      f"raise {field} to continue the clip further")


@rule("VL227", "continuation-returns-input", "warning", stage="facts", reads="continuation")
def continuation_returns_input(ctx: RequestContext) -> Iterator[Finding]:
    """In video_continuation, ``duration`` equals the input clip's length: nothing is generated.

    The server returns the input clip and bills it. Documented: "When duration equals the input video length, no continuation is generated
    and the input clip is returned as-is", billed on ``duration``. Equal means within encoder
    padding (the clip at most 60 ms longer, or less than 50 ms shorter).

    Breaks it: an 8 s clip with ``"duration": 8``.
    Fix: raise ``duration`` above the clip's length (9 adds 1 s).
    """
    request, meta, facts = ctx.request, ctx.meta, ctx.facts
    spec = meta["continuation"]
    if effective_mode(request, meta["generation_modes"]) != spec["mode"]:
        return
    field = spec["duration_field"]
    clip = probed_duration(facts, spec["input"])
    duration = requested_duration(request, meta, field)
    if clip is None or duration is None or not -PADDING_SECONDS <= duration - clip < NOTHING_ADDED:
        return
    yield Finding(make_pointer(field) if field in request else "",
                  f"{field} is {number(duration)} s and the input clip {label(spec['input'])} is {number(clip)} s: nothing is "
                  f"generated, the server returns the input clip as is and bills {number(duration)} s",
                  f"set {field} to {min(math.floor(clip) + 1, 15)} or more to continue the clip"
                  if math.floor(clip) + 1 <= 15 else "use a shorter clip to continue it")


# --- wan2.7-video-edit: the cut and the instruction ---------------------------------------------


@rule("VL228", "edit-duration-past-input", "error", stage="facts", reads="cut")
def edit_duration_past_input(ctx: RequestContext) -> Iterator[Finding]:
    """wan2.7-video-edit's ``duration`` is longer than the input video.

    An explicit ``duration`` (2..10) is documented as a cut: "the system truncates the input
    video starting at 0s up to the specified duration", so it cannot be longer than the input
    video. 0 (the default) keeps the input's length. Checked against the video's probed
    length; at most 60 ms over (encoder padding) passes.

    Breaks it: a 4 s input video with ``"duration": 6``.
    Fix: ``"duration": 0`` to keep the whole video, or at most its length.
    """
    request, meta, facts = ctx.request, ctx.meta, ctx.facts
    spec = meta["cut"]
    field = spec["duration_field"]
    clip = probed_duration(facts, spec["input"])
    duration = requested_duration(request, meta, field)
    if clip is None or duration is None or duration == spec["keep"] or duration <= clip + PADDING_SECONDS:
        return
    yield Finding(make_pointer(field),
                  f"{field} is {number(duration)} s, a cut of the input video from 0 s, but {label(spec['input'])} "
                  f"is only {number(clip)} s",
                  f"set {field} to {spec['keep']} to keep the whole video, or to at most {number(clip)}")


@rule("VL229", "edit-without-instruction", "warning", stage="request", reads="instruction")
def edit_without_instruction(ctx: RequestContext) -> Iterator[Finding]:
    """A wan2.7-video-edit request with neither ``prompt`` nor ``image_urls``.

    Nothing says what to change. The documented patterns are instruction-only (video + prompt) and instruction + reference
    images; with neither, the task is billed (input and output seconds) for an edit nobody
    asked for.

    Breaks it: ``{"model": "wan2.7-video-edit", "video_urls": ["clip.mp4"]}``.
    Fix: add a ``prompt`` describing the edit.
    """
    request = ctx.request
    fields = ctx.meta["instruction"]["any_of"]
    given = [f for f in fields if (isinstance(request.get(f), str) and request[f].strip())
             or (isinstance(request.get(f), list) and request[f])]
    if not given:
        yield Finding("", f"the request has no {' and no '.join(fields)}: nothing says what to edit, "
                      "and the task is billed all the same", "add a prompt that describes the edit")


def _driving_audio(ctx: RequestContext) -> tuple[float, float] | None:
    request, meta, facts = ctx.request, ctx.meta, ctx.facts
    spec = meta["driving_audio"]
    modes = meta.get("generation_modes")
    if modes and effective_mode(request, modes) == meta.get("continuation", {}).get("mode"):
        return None  # no driving audio in continuation (VL220/VL221 say so)
    audio = probed_duration(facts, spec["pointer"])
    duration = requested_duration(request, meta, spec["duration_field"])
    return None if audio is None or duration is None else (audio, duration)


@rule("VL225", "driving-audio-truncated", "warning", stage="facts", reads="driving_audio")
def driving_audio_truncated(ctx: RequestContext) -> Iterator[Finding]:
    """The driving audio is longer than the video: the server keeps only its start.

    For wan2.7-text-to-video and wan2.7-image-to-video, audio longer than ``duration`` is cut:
    the first ``duration`` seconds are used and the rest is discarded. Checked against the
    audio's probed length.

    Breaks it: a 12 s recital with ``"duration": 5``.
    Fix: ``"duration": 12``, or trim the audio to what the video should say.
    """
    meta = ctx.meta
    found = _driving_audio(ctx)
    if found is None or found[0] <= found[1] + 0.05:
        return
    audio, duration = found
    spec = meta["driving_audio"]
    yield Finding(spec["pointer"], f"the driving audio is {number(audio)} s but {spec['duration_field']} is {number(duration)} s: "
                  + spec["longer"].format(duration=number(duration)),
                  _change_or(spec["duration_field"], duration, min(math.ceil(audio), LONGEST_OUTPUT),
                             f"trim the audio to {number(duration)} s"))


@rule("VL226", "driving-audio-short", "info", stage="facts", reads="driving_audio")
def driving_audio_short(ctx: RequestContext) -> Iterator[Finding]:
    """The driving audio is shorter than the video: the rest of the video is silent.

    Documented: with 3 s of audio and a 5 s video, the first 3 s have sound and the last 2 s
    are silent. Checked against the audio's probed length.

    Breaks it (info): a 3 s clip with ``"duration": 5``.
    Fix: ``"duration": 3``, or a longer audio track, if silence is not meant.
    """
    meta = ctx.meta
    found = _driving_audio(ctx)
    if found is None or found[0] >= found[1] - 0.05:
        return
    audio, duration = found
    spec = meta["driving_audio"]
    yield Finding(spec["pointer"], f"the driving audio is {number(audio)} s but {spec['duration_field']} is {number(duration)} s: "
                  + spec["shorter"].format(gap=number(duration - audio)),
                  _change_or(spec["duration_field"], duration, max(SHORTEST_OUTPUT, math.floor(audio)),
                             f"use a track of at least {number(duration)} s"))


def _change_or(field: str, current: float, proposed: int, otherwise: str) -> str:
    """A hint that proposes a new value for ``field`` only when it differs from the one set."""
    if proposed == current:
        return f"{otherwise} ({field} is already {number(current)} s, the nearest it can be)"
    return f"set {field} to {proposed}, or {otherwise}"


