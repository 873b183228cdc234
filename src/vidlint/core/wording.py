"""Small helpers that make messages read the same everywhere."""

from __future__ import annotations

import json
from functools import lru_cache
from json.encoder import c_make_encoder  # type: ignore[attr-defined]  # None where json has no C speedups
from json.encoder import encode_basestring
from typing import Any, Callable, Iterable

from vidlint.core.pointers import split_pointer


@lru_cache(maxsize=1024)  # a model's few places, met again and again in a batch
def label(pointer: str) -> str:
    """``/model_params/voice_bindings/image1`` -> ``model_params.voice_bindings.image1``; ``/image_urls/2`` -> ``image_urls[2]``."""
    out = ""
    for token in split_pointer(pointer):
        if token.isdigit() and out:
            out += f"[{token}]"
        else:
            out += ("." if out else "") + token
    return out or "the request"


def compact_encoder() -> Callable[[Any], str]:
    """``json.JSONEncoder(ensure_ascii=False, check_circular=False).encode``, with its C encoder
    made once: ``encode`` makes it again on every call (~2 us; a report encodes every file's
    cost estimate, a message shows a value). The same function writes the same text."""
    encoder = json.JSONEncoder(ensure_ascii=False, check_circular=False)
    if c_make_encoder is None:
        return encoder.encode
    chunks = c_make_encoder(None, encoder.default, encode_basestring, None, encoder.key_separator,
                            encoder.item_separator, encoder.sort_keys, encoder.skipkeys, encoder.allow_nan)
    return lambda value: "".join(chunks(value, 0))


# ``json.dumps(value, ensure_ascii=False)`` of the values vidlint writes (parsed JSON: no cycles)
as_json = compact_encoder()


def show(value: Any, limit: int = 60) -> str:
    # an integer, the value most often shown, as json writes it (its repr), without the encoder
    text = repr(value) if type(value) is int else as_json(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _squash(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate a typo most likely meant: same letters ignoring case and separators, else close."""
    candidates = list(candidates)
    squashed = {_squash(c): c for c in candidates}
    if _squash(name) in squashed:
        return squashed[_squash(name)]
    for suffix in ("s", ""):  # image_url -> image_urls
        if _squash(name) + suffix in squashed:
            return squashed[_squash(name) + suffix]
    import difflib  # only when a name is unknown

    close = difflib.get_close_matches(_squash(name), list(squashed), n=1, cutoff=0.75)
    return squashed[close[0]] if close else None


def plural(count: int, word: str) -> str:
    """``1 entry``, ``2 entries``, ``3 files``: a consonant and y take -ies."""
    if count == 1:
        return f"{count} {word}"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return f"{count} {word[:-1]}ies"
    return f"{count} {word}s"


def number(value: float, decimals: int = 0) -> str:
    """The one way vidlint prints a number: thousands grouped, to the thousandth, without trailing
    zeros, with at least ``decimals`` decimals (1 for a measured length: ``31.0``).
    ``59995000`` -> ``59,995,000``; ``12.0`` -> ``12``; ``7.25`` -> ``7.25``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    if decimals:
        whole, _, fraction = text.partition(".")
        text = f"{whole}.{fraction.ljust(decimals, '0')}"
    return text


def span(low: float, high: float, unit: str = "", prefix: str = "") -> str:
    """``1..10 s``, or ``1 s`` when both ends are the same (never ``1..1``); ``prefix`` goes
    before each end (``image1..image3``)."""
    unit = f" {unit}" if unit and unit[0].isalnum() else unit
    if low == high:
        return f"{prefix}{number(low)}{unit}"
    return f"{prefix}{number(low)}..{prefix}{number(high)}{unit}"
