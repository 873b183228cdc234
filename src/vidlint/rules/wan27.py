"""Rules of the wan2.7 family that model data cannot say: ``duration`` against probed input
media (video_continuation counts the input clip; driving audio is cut or padded).

A model gets these rules by having the keys they read (``continuation``, ``driving_audio``).
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from vidlint.rules.registry import Finding, RequestContext, rule
from vidlint.rules.request import effective_mode, get_pointer, probed_duration, requested_duration
from vidlint.check.wording import label
from vidlint.diagnostics import make_pointer

# --- durations measured against probed input media (facts from the asset check) --------------


def _s(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


@rule("VL223", "continuation-shorter-than-input", "error", stage="facts", reads="continuation")
def continuation_shorter_than_input(ctx: RequestContext) -> Iterator[Finding]:
    """In video_continuation, ``duration`` is shorter than the probed input clip.

    ``duration`` is the TOTAL output length, input clip included: the model generates
    ``duration`` minus the clip's length, and ``duration`` below the clip's length is an error.
    Without ``duration`` the default (5 s) applies. Checked against the clip's probed length,
    so only when the asset check could read the clip.

    Breaks it: a 7.2 s clip with ``"duration": 5`` (or no duration).
    Fix: ``"duration": 8`` or more (8 gives 0.8 s of continuation; 15 gives 7.8 s).
    """
    request, meta, facts = ctx.request, ctx.meta, ctx.facts
    spec = meta["continuation"]
    if effective_mode(request, meta["generation_modes"]) != spec["mode"]:
        return
    clip = probed_duration(facts, spec["input"])
    duration = requested_duration(request, meta, spec["duration_field"])
    if clip is None or duration is None or duration >= clip:
        return
    where = spec["duration_field"] if spec["duration_field"] in request else ""
    shown = f"{_s(duration)} s" + ("" if where else " (the default)")
    yield Finding(make_pointer(where) if where else "",
                  f"{spec['duration_field']} is {shown}, the total length in {spec['mode']}, but the input clip "
                  f"{label(spec['input'])} is {_s(clip)} s; it must be at least the clip's length",
                  f"set {spec['duration_field']} to at least {math.ceil(clip)} (the continuation adds "
                  f"{spec['duration_field']} minus {_s(clip)} s)")


@rule("VL224", "continuation-length", "info", stage="facts", reads="continuation")
def continuation_length(ctx: RequestContext) -> Iterator[Finding]:
    """In video_continuation, how much the model will add, when that may be nothing.

    ``duration`` is the total length, input clip included. When it is within a second of the
    probed clip, little or nothing is generated (equal: the clip comes back as is). When the
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
            yield Finding(pointer, f"{field} is {_s(duration)} s, the TOTAL length in {spec['mode']} (input clip "
                          f"included), and the input clip was not probed: it must be at most {_s(duration)} s",
                          f"make sure the clip is at most {_s(duration)} s, or set {field} to {_s(longest)} or more")
    elif 0 <= duration - clip < 1:
        added = duration - clip
        what = "nothing is generated: the clip comes back as is" if added < 0.05 else f"only {_s(added)} s is generated"
        yield Finding(pointer, f"{field} is {_s(duration)} s and the input clip is {_s(clip)} s: {what}",
                      f"raise {field} to continue the clip further")


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
    request, meta, facts = ctx.request, ctx.meta, ctx.facts
    found = _driving_audio(ctx)
    if found is None or found[0] <= found[1] + 0.05:
        return
    audio, duration = found
    spec = meta["driving_audio"]
    yield Finding(spec["pointer"], f"the driving audio is {_s(audio)} s but {spec['duration_field']} is {_s(duration)} s: "
                  + spec["longer"].format(duration=_s(duration)),
                  f"set {spec['duration_field']} to {min(math.ceil(audio), 15)}, or trim the audio")


@rule("VL226", "driving-audio-short", "info", stage="facts", reads="driving_audio")
def driving_audio_short(ctx: RequestContext) -> Iterator[Finding]:
    """The driving audio is shorter than the video: the rest of the video is silent.

    Documented: with 3 s of audio and a 5 s video, the first 3 s have sound and the last 2 s
    are silent. Checked against the audio's probed length.

    Breaks it (info): a 3 s clip with ``"duration": 5``.
    Fix: ``"duration": 3``, or a longer audio track, if silence is not meant.
    """
    request, meta, facts = ctx.request, ctx.meta, ctx.facts
    found = _driving_audio(ctx)
    if found is None or found[0] >= found[1] - 0.05:
        return
    audio, duration = found
    spec = meta["driving_audio"]
    yield Finding(spec["pointer"], f"the driving audio is {_s(audio)} s but {spec['duration_field']} is {_s(duration)} s: "
                  + spec["shorter"].format(gap=_s(duration - audio)),
                  f"set {spec['duration_field']} to {max(2, math.floor(audio))}, or use a longer track")


