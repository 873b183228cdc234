"""A shared estimate's JSON text is made once (issue 19): the JSON report writes it for every
request's copy left as it was handed out, and writes any other estimate (a copy the caller
changed, prices from a configuration, inputs that are not kept) as ``json.dumps`` does.

Held against ``json.dumps`` of the report's entry on generated inputs, on copies changed in
every way a dict can be changed (equal values that print apart: 0, 0.0, -0.0, False; NaN; a key
moved, added or removed), and through pickles and copies (plain dicts again).
"""

from __future__ import annotations

import copy
import io
import json
import os
import pickle
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_vidlint
from vidlint.check.estimate import Estimate, Kept, estimate, estimate_text
from vidlint.core.wording import as_json
from vidlint.models import known_models, load_profile
from vidlint.report.json_report import Writer, file_json, file_text
from vidlint.run import FileResult, LintRun

SCALE = max(1, int(os.environ.get("VIDLINT_PROPERTY_SCALE", "1") or 1))
META = load_profile("wan2.7-reference-video").meta
PRICED = [name for name in known_models() if "billing" in load_profile(name).meta]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def written(estimates: list[dict[str, Any]]) -> str:
    """The report's line for a file with these estimates, and what json.dumps writes of its entry."""
    result = FileResult("a.json", "wan2.7-reference-video", [], len(estimates), estimates)
    return file_text(result, as_json), dumps(file_json(result))


def test_a_kept_estimate_is_handed_out_with_its_text_made_once():
    first, second = estimate({"duration": 5}, META, 0.0), estimate({"duration": 5}, META, 0.0)
    assert first.__class__ is Estimate and first is not second
    assert first.text() == dumps(first)
    assert estimate_text(first) is estimate_text(second)  # the one text, not made again
    line, expected = written([first])
    assert line == expected


ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(-5, 40), st.sampled_from([0.0, -0.0, 5.0, 2.5, -1.0]),
                     st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["720p", "1080p", "480p", "4k"]),
                     st.text(max_size=4), st.lists(st.integers(), max_size=2))


def test_every_estimate_is_written_as_json_dumps_writes_it():
    @settings(max_examples=300 * SCALE, deadline=None)
    @given(st.sampled_from(PRICED), st.lists(st.tuples(ANYTHING, ANYTHING), min_size=1, max_size=3),
           st.one_of(st.none(), st.sampled_from([0.0, -0.0, 0, 3.5, 3, float("nan")]), st.floats()),
           st.booleans(), st.one_of(st.none(), st.dictionaries(st.sampled_from(["720p", "1080p"]), st.floats())))
    def check(model: str, inputs: list[tuple[Any, Any]], seconds: Any, complete: bool,
              prices: dict[str, float] | None) -> None:
        meta = load_profile(model).meta
        found = [estimate({"duration": duration, "quality": quality}, meta, seconds, prices=prices,
                          complete=complete) for duration, quality in inputs]
        line, expected = written(found)
        assert line == expected

    check()


def change(key: str) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
    """Ways to change a copy, each of which changes what json.dumps writes of it."""
    def put(value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda found: found.__setitem__(key, value)
    return [
        ("0", put(0)), ("0.0", put(0.0)), ("-0.0", put(-0.0)), ("False", put(False)), ("True", put(True)),
        ("1", put(1)), ("nan", put(float("nan"))), ("None", put(None)), ("a string", put("720p")),
        ("moved to the end", lambda found: found.__setitem__(key, found.pop(key))),
        ("deleted", lambda found: found.__delitem__(key)),
        ("updated", lambda found: found.update({key: -0.0})),
        ("|=", lambda found: found.__ior__({key: 0})),
        ("past the subclass", lambda found: dict.__setitem__(found, key, False)),
    ]


@pytest.mark.parametrize("key", ["output_seconds", "input_video_seconds", "billed_seconds", "usd", "complete",
                                 "usd_per_second", "prices_as_of"])
def test_a_changed_copy_is_written_as_it_is(key: str):
    for how, changed in change(key):
        found = estimate({"duration": 5}, META, 0.0)
        assert found.__class__ is Estimate
        changed(found)
        line, expected = written([found])
        assert line == expected, how
        assert estimate_text(estimate({"duration": 5}, META, 0.0)) == dumps(estimate({"duration": 5}, META, 0.0))


@pytest.mark.parametrize("changed", [
    lambda found: found.__setitem__("extra", 1), lambda found: found.setdefault("extra", None),
    lambda found: found.popitem(), lambda found: found.clear(),
    lambda found: found.update(found.fromkeys(found, 0.0)),
    lambda found: found.__setitem__("as_of", found.pop(list(found)[-1])),  # the same values, a key renamed
])
def test_keys_added_or_taken_away_are_written(changed: Callable[[dict[str, Any]], None]):
    found = estimate({"duration": 5}, META, 0.0)
    changed(found)
    line, expected = written([found])
    assert line == expected


def test_equal_inputs_that_print_apart_each_write_their_own_estimate():
    for duration in (5, 5.0, True, 0, 0.0, -0.0, False, float("nan")):
        for seconds in (0, 0.0, -0.0, None, float("nan")):
            found = estimate({"duration": duration}, META, seconds)
            line, expected = written([found])
            assert line == expected, (duration, seconds)


def test_prices_from_a_configuration_are_not_kept_and_are_written():
    found = estimate({"duration": 5, "quality": "720p"}, META, 0.0, prices={"720p": 0.5})
    assert found.__class__ is dict and found["usd_per_second"] == 0.5
    line, expected = written([found, estimate({"duration": 5}, META, 0.0)])
    assert line == expected


def test_an_estimate_holding_something_that_can_change_in_place_has_no_text():
    kept = Kept({"usd": 1.0, "prices_as_of": ["2026", "01"]})
    assert kept.text is None and kept.copy().__class__ is dict


def test_pickles_and_copies_are_plain_dicts_written_alike():
    found = estimate({"duration": 5}, META, 0.0)
    for again in (pickle.loads(pickle.dumps(found)), copy.copy(found), copy.deepcopy(found)):
        assert again.__class__ is dict and again == found and repr(again) == repr(found)


def test_the_written_report_is_the_json_of_its_document():
    estimates = [estimate({"duration": d}, META, 0.0) for d in (5, 5, 10)]
    estimates[1]["usd"] = 0  # one copy changed: the others keep their text
    run = LintRun([FileResult("a.jsonl", "wan2.7-reference-video", [], 3, estimates),
                   FileResult("b.json", "wan2.7-reference-video", [], 1, [estimate({"duration": 5}, META, 0.0)])],
                  [])
    stream = io.StringIO()
    writer = Writer(stream)
    for result in run.files:
        writer.add(run, result)
    writer.end(run)
    assert json.loads(stream.getvalue())["files"][0]["estimate"][1]["usd"] == 0
    lines = stream.getvalue().splitlines()[1:-1]
    assert [line.rstrip(",") for line in lines] == [dumps(file_json(result)) for result in run.files]


def test_a_quality_that_is_no_string_with_prices_from_a_configuration_is_a_finding_not_a_crash(tmp_path):
    (tmp_path / "vidlint.toml").write_text('[prices."wan2.7-reference-video"]\n"720p" = 0.2\n')
    (tmp_path / "r.json").write_text(json.dumps({"model": "wan2.7-reference-video", "prompt": "a cat",
                                                 "quality": [], "video_urls": []}))
    result = run_vidlint("lint", "--format", "json", "r.json", cwd=tmp_path)
    assert result.code == 1 and "internal error" not in result.err
    report = json.loads(result.out)
    assert report["files"][0]["estimate"]["quality"] is None and report["files"][0]["estimate"]["usd"] is None


def test_the_text_report_says_a_quality_that_is_no_text_has_no_price_without_pythons_none(tmp_path):
    (tmp_path / "r.json").write_text(json.dumps({"model": "wan2.7-reference-video", "prompt": "a cat",
                                                 "quality": [], "duration": 5}))
    result = run_vidlint("lint", "r.json", cwd=tmp_path)
    assert result.code == 1
    assert "Estimated cost: unavailable (no price for a quality that is not text)" in result.out
    assert "None" not in result.out


def test_the_text_report_names_an_unpriced_quality_as_json_writes_it(tmp_path):
    (tmp_path / "r.json").write_text(json.dumps({"model": "wan2.7-reference-video", "prompt": "a cat",
                                                 "quality": "4k", "duration": 5}))
    result = run_vidlint("lint", "r.json", cwd=tmp_path)
    assert 'Estimated cost: unavailable (no price for quality "4k")' in result.out
