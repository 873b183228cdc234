"""The words of a schema error that are the same for every request of a model (an enum's
choices, the field a typo meant, a range) are worked out once; they read as worked out each time."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vidlint.check.leaf_errors import LeafError
from vidlint.core.wording import did_you_mean, label, show, span
from vidlint.rules.schema import out_of_range, unknown_field, value_not_allowed

_NAMES = st.sampled_from(["720p", "1080p", "16:9", "9:16", "aspect_ratio", "image_urls", "duration", "x"])
_VALUES = st.one_of(_NAMES, st.text(max_size=8), st.integers(-3, 3), st.booleans(), st.none(), st.floats(-3, 3),
                    st.builds(lambda name: name.upper() * 30, _NAMES))  # longer than a typo: not remembered


def _one(rule: Any, error: LeafError, profile: Any = None) -> Any:
    found = list(rule(error, profile))
    assert len(found) == 1
    return found[0]


@settings(max_examples=300, deadline=None, database=None)
@given(allowed=st.lists(_VALUES, min_size=1, max_size=5), given_value=_VALUES)
def test_an_enums_choices_and_guess_read_as_worked_out_each_time(allowed: list[Any], given_value: Any) -> None:
    error = LeafError("enum", {"enum": allowed}, given_value, 0)
    error.path.append("quality")
    first = _one(value_not_allowed, error)
    again = _one(value_not_allowed, LeafError("enum", {"enum": list(allowed)}, given_value, 0))
    choices = ", ".join(show(a) for a in allowed)
    assert first.message == f"quality is {show(given_value)}; expected one of {choices}"
    assert again.message.endswith(f"expected one of {choices}")  # a new list, equal: the same words
    meant = did_you_mean(given_value, [a for a in allowed if isinstance(a, str)]) if isinstance(given_value, str) else None
    if meant is not None:
        assert first.hint == f"did you mean {show(meant)}?"


@settings(max_examples=200, deadline=None, database=None)
@given(known=st.lists(_NAMES, min_size=1, max_size=6, unique=True),
       typo=st.text(min_size=1, max_size=12) | _NAMES | st.builds(lambda name: name + "_" * 100, _NAMES))
def test_the_field_a_typo_meant_reads_as_worked_out_each_time(known: list[str], typo: str) -> None:
    if typo in known:
        return
    schema = {"properties": dict.fromkeys(known, {}), "additionalProperties": False}
    for _ in range(2):  # the second time from the cache
        finding = _one(unknown_field, LeafError("additionalProperties", schema, {typo: 1}, 0))
        meant = did_you_mean(typo, known)
        assert finding.message.endswith(f'; did you mean "{meant}"?' if meant else f'unknown field "{typo}"')


def test_a_range_reads_the_same_for_whole_and_fractional_limits() -> None:
    for low, high in ((2, 15), (2.0, 15.0), (0.5, 2.5), (1, 1.0)):
        error = LeafError("maximum", {"minimum": low, "maximum": high}, 99, 0)
        error.path.append("duration")
        finding = _one(out_of_range, error)
        assert finding.message == f"{label('/duration')} is 99; the limit is {span(low, high)}"
    at_least = LeafError("minimum", {"minimum": 1}, 0, 0)
    assert _one(out_of_range, at_least).message == "the request is 0; the limit is at least 1"
