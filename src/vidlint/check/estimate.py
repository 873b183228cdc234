"""Cost preview: what a request would be billed, from the profile's dated billing data.

Billed seconds = input reference-video seconds + output seconds (the documented rule for
reference-video and video-edit); models whose profile says ``"bills_input_video": false``
(text-to-video, image-to-video: in video_continuation ``duration`` already is the total) bill the
output only. ``"output_seconds_when_duration_is_0": "input_video_seconds"`` (video-edit) makes a
``duration`` of 0 mean "as long as the input video"; ``"billed_duration_for": {"-1": 30}`` bills a
sentinel ``duration`` as the seconds the server holds for it (wan3.0 smart duration). The
per-second price depends on the quality. Prices are data with a date (``billing.as_of``) and
can be overridden, e.g. from configuration, with ``prices={"720p": 0.09}``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from operator import is_
from typing import Any, Iterable

from vidlint.core.wording import as_json, number, show
from vidlint.rules.registry import derived


class Billing:
    """What the estimate reads of one model's data (``defaults`` and ``billing``), read once per model."""

    __slots__ = ("duration", "quality", "bills_input_video", "held", "zero_is_input", "usd_per_second",
                 "unpriced", "as_of")

    def __init__(self, profile_meta: dict[str, Any]) -> None:
        defaults = profile_meta.get("defaults") or {}
        billing = profile_meta.get("billing") or {}
        self.duration = defaults.get("duration")
        self.quality = defaults.get("quality")
        self.bills_input_video = billing.get("bills_input_video") is not False
        self.held: dict[str, Any] = billing.get("billed_duration_for") or {}
        self.zero_is_input = billing.get("output_seconds_when_duration_is_0") == "input_video_seconds"
        self.usd_per_second: dict[str, Any] = billing.get("usd_per_second") or {}
        self.unpriced = billing.get("unpriced")
        self.as_of = billing.get("as_of")


def estimate(request: dict[str, Any], profile_meta: dict[str, Any], input_video_seconds: float | None,
             *, prices: dict[str, float] | None = None, complete: bool = True) -> dict[str, Any]:
    """``input_video_seconds`` is the probed total of the reference videos (0 when there are
    none, None when unknown). ``complete`` is False when that total is a lower bound (a
    reference video could not be probed) or the price or duration is unknown; ``usd`` is then
    the estimate for what is known, or None when nothing can be priced."""
    billing: Billing = derived(profile_meta, Billing)
    request = request if isinstance(request, dict) else {}
    duration, quality = request.get("duration", billing.duration), request.get("quality", billing.quality)
    if prices is None and _keyable(duration, quality, input_video_seconds):
        # A batch repeats a few durations and qualities: each model's estimate for them is
        # worked out once, and every request gets its own copy.
        return _repeated_estimate(billing, duration, quality, input_video_seconds, complete).copy()
    return _estimate(billing, duration, quality, input_video_seconds, prices, complete)


_KEYABLE = frozenset({str, int, bool, type(None)})


def _keyable(duration: Any, quality: Any, input_video_seconds: Any) -> bool:
    """Whether an estimate's inputs can key the estimates kept: each a string, an int or None (a
    bool is an int, but the cache is typed), or a float that is neither -0.0 (equal to 0.0 but
    printed apart) nor NaN (equal to nothing, so never found again). One call for the three: a
    request asks it once."""
    for value in (duration, quality, input_video_seconds):
        if type(value) is float:
            if value != value or (value == 0 and math.copysign(1.0, value) < 0):
                return False
        elif type(value) not in _KEYABLE:
            return False
    return True


def _estimate(billing: Billing, output_seconds: Any, quality: Any, input_video_seconds: float | None,
              prices: dict[str, float] | None, complete: bool) -> dict[str, Any]:
    """The estimate for the request's ``duration`` (``output_seconds``) and ``quality`` (see :func:`estimate`)."""
    input_unknown = not complete and billing.bills_input_video  # a video not probed
    if isinstance(output_seconds, bool) or not isinstance(output_seconds, (int, float)) \
            or not -1e9 <= output_seconds <= 1e9:  # NaN, Infinity, 10**400: no cost to show (and no crash)
        output_seconds, complete = None, False
    held = billing.held.get(str(output_seconds)) if billing.held else None
    if isinstance(held, (int, float)) and not isinstance(held, bool):
        output_seconds = held  # a sentinel (wan3.0 -1, smart duration) is held at the documented cap
    if not billing.bills_input_video:
        input_seconds, complete = 0.0, True  # the input video's length does not change the bill
    elif input_video_seconds is None:
        input_seconds, complete, input_unknown = 0.0, False, True
    else:
        input_seconds = float(input_video_seconds)
    if output_seconds == 0 and billing.zero_is_input:
        # as long as the input video: unknown when the input was not (fully) probed
        output_seconds = input_seconds if complete and input_video_seconds is not None else None
    table = {**billing.usd_per_second, **prices} if prices else billing.usd_per_second
    price = table.get(quality) if isinstance(quality, str) else None
    unpriced = billing.unpriced if not prices else None  # no documented price: never a made-up one
    if unpriced:
        price = None
    if not isinstance(price, (int, float)) or isinstance(price, bool):
        price, complete = None, False

    billed = None if output_seconds is None else round(input_seconds + float(output_seconds), 3)
    usd = None if billed is None or price is None else round(billed * float(price), 4)
    found = {
        "output_seconds": output_seconds,
        "input_video_seconds": round(input_seconds, 3),
        "billed_seconds": billed,
        "usd": usd,
        "complete": complete,
        "quality": quality if isinstance(quality, str) else None,
        "usd_per_second": price,
        "prices_as_of": None if prices and isinstance(quality, str) and quality in prices else billing.as_of,
    }
    if unpriced:
        found["unpriced"] = unpriced
    if input_unknown:
        found["input_video_unknown"] = True
    return found


class Estimate(dict[str, Any]):
    """A request's estimate where many requests share one (see ``_repeated_estimate``): a dict
    like any other (a caller may change it), which also knows the JSON text of the estimate it
    was copied from, made once for them all. The JSON report writes that text while the dict
    still holds what it was copied with (``text``); a pickle or a copy of it is a plain dict."""

    __slots__ = ("_kept",)

    _kept: Kept

    def text(self) -> str | None:
        """``as_json(self)`` while the dict holds the keys and values it was copied with, in
        order, each the same object (a value put back equal but of another type, 0 for 0.0 or
        False, or a key moved, is a change); None once it was changed."""
        kept = self._kept
        if tuple(self) == kept.keys and all(map(is_, self.values(), kept.values)):  # keys: equal strings write alike
            return kept.text
        return None

    def __reduce__(self) -> tuple[type, tuple[dict[str, Any]]]:
        return dict, (dict(self),)


class Kept:
    """An estimate worked out once for many requests, with its JSON text when its values are
    all numbers, strings, booleans or None (nothing in it can change in place)."""

    __slots__ = ("found", "keys", "values", "text")

    def __init__(self, found: dict[str, Any]) -> None:
        self.found = found
        self.keys, self.values = tuple(found), tuple(found.values())
        plain = all(value is None or value.__class__ in _SCALARS for value in self.values)
        self.text = as_json(found) if plain else None

    def copy(self) -> dict[str, Any]:
        """A request's own copy of the estimate."""
        if self.text is None:
            return dict(self.found)
        copy = Estimate(self.found)
        copy._kept = self
        return copy


_SCALARS = frozenset({str, int, float, bool})


@lru_cache(maxsize=256, typed=True)  # typed: 5, 5.0 and True are three keys, as they are three estimates
def _repeated_estimate(billing: Billing, output_seconds: Any, quality: Any, input_video_seconds: float | None,
                       complete: bool) -> Kept:
    return Kept(_estimate(billing, output_seconds, quality, input_video_seconds, None, complete))


def estimate_text(estimate: dict[str, Any]) -> str:
    """``as_json(estimate)``: the text kept for a shared estimate's unchanged copy, else encoded."""
    text = estimate.text() if estimate.__class__ is Estimate else None
    return as_json(estimate) if text is None else text


def format_estimate(est: dict[str, Any]) -> str:
    """One line for the text report, e.g. ``~$0.60 for 7 billed s (5 s output + 2 s input video, 720p)``."""
    if est.get("unpriced"):
        seconds = "" if est.get("billed_seconds") is None else f"{number(est['billed_seconds'])} billed s; "
        return f"cannot be priced ({seconds}{est['unpriced']})"
    if est.get("usd") is None:
        quality = est.get("quality")  # None: the request's quality is no text (a finding says what it is)
        return "unavailable (" + ("unknown duration" if est.get("billed_seconds") is None
                                  else f"no price for quality {show(quality)}" if isinstance(quality, str)
                                  else "no price for a quality that is not text") + ")"
    prefix = "" if est.get("complete") else "at least "
    parts = f"{number(est['output_seconds'])} s output"
    if est.get("input_video_seconds"):
        parts += f" + {number(est['input_video_seconds'])} s input video"
    if not est.get("complete"):
        parts += ", some input video not probed"
    dated = f", prices as of {est['prices_as_of']}" if est.get("prices_as_of") else ""
    return (f"{prefix}${est['usd']:.2f} for {number(est['billed_seconds'])} billed s "
            f"({parts}; {est.get('quality')} at ${est['usd_per_second']}/s{dated})")


class EstimateTotal:
    """The sum over requests, added one estimate at a time (a run's summary without holding
    every request's estimate); the same figures as summing a list in that order."""

    __slots__ = ("requests", "billed_seconds", "usd", "complete", "unpriced", "first")

    def __init__(self, estimates: Iterable[dict[str, Any]] = ()) -> None:
        self.requests = 0
        self.billed_seconds: float = 0
        self.usd: float = 0
        self.complete = True
        self.unpriced = 0
        self.first: dict[str, Any] | None = None  # a single request's line is its own estimate
        for estimate in estimates:
            self.add(estimate)

    def add(self, estimate: dict[str, Any]) -> None:
        if self.first is None:
            self.first = estimate
        self.requests += 1
        if estimate.get("billed_seconds") is not None:
            self.billed_seconds += estimate["billed_seconds"]
        if estimate.get("usd") is not None:
            self.usd += estimate["usd"]
        else:
            self.unpriced += 1
        self.complete = self.complete and bool(estimate.get("complete"))

    def to_json(self) -> dict[str, Any]:
        """The report's ``estimate`` total; ``complete`` only when every request's estimate is."""
        return {"requests": self.requests, "billed_seconds": round(self.billed_seconds, 3), "usd": round(self.usd, 4),
                "complete": self.complete}

    def text(self) -> str:
        """The text report's estimate line."""
        if self.requests == 1 and self.first is not None:
            return "Estimated cost: " + format_estimate(self.first)
        total = self.to_json()
        if self.unpriced == self.requests:  # nothing priced: no dollar figure, not even $0.00
            return (f"Estimated cost: cannot be priced ({total['requests']} requests, "
                    f"{number(total['billed_seconds'])} billed s)")
        prefix = "" if total["complete"] else "at least "
        unpriced = self.unpriced
        tail = f"; {unpriced} could not be priced" if unpriced else ""
        if not total["complete"] and not unpriced:
            tail = "; some input video not probed"
        return (f"Estimated cost: {prefix}${total['usd']:.2f} for {total['requests']} requests "
                f"({number(total['billed_seconds'])} billed s{tail})")
