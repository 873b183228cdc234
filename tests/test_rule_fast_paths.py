"""The shortcuts the rule stages take (issue 19) give what the plain way gives.

- Prompt tags: canonical tags are searched for by their literal (the look-behind written after
  it); in an ASCII prompt a form whose words occur as often as its canonical tags holds nothing
  else (``TagGrammar.scan`` counts ``Tag.sought``); otherwise the near-miss and zero regexes run
  only where one of its words begins in the prompt in lower case (``TagFinder``). Held against running every regex,
  written look-behind first, over the whole text, on generated prompts of every model's tag
  words and of made-up grammars, in ASCII (the shortcuts) and with characters ``re.I`` folds
  differently from ``lower()`` ("ımage", "ſ", the Kelvin sign: every character is tried, as
  before).
- Asset rules declared ``needs_probe`` say nothing of a reference nothing read, so a
  remote uri runs only the others.
- ``match_pattern`` walks one level at a time and still gives document order.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vidlint.api import lint_bytes
from vidlint.check.assets import AssetContext, AssetRef, Resolution
from vidlint.core.pointers import _field_shape, _pattern_tokens, _walk, get_pointer, make_pointer, match_pattern
from vidlint.models import known_models, load_profile
from vidlint.probe.model import MediaProbe
from vidlint.rules.prompt import PromptText, TagGrammar, grammar
from vidlint.rules.registry import load_all_rules, stage_rules

SCALE = max(1, int(os.environ.get("VIDLINT_PROPERTY_SCALE", "1") or 1))
SETTINGS = settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

GRAMMARS = {name: grammar(load_profile(name).meta) for name in known_models()
            if "reference_tags" in load_profile(name).meta}
# one grammar per distinct tag data (many models share theirs)
DISTINCT = list({json.dumps(load_profile(n).meta["reference_tags"], sort_keys=True): n for n in GRAMMARS}.values())


_BEHIND = "(?<![A-Za-z0-9_]"


def look_behind_first(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A tag's regex as it was written before round 4: ``(?<!W)LITERAL...``, not ``LITERAL(?<!W
    LITERAL)...`` (literal first, so that ``re`` searches for the literal)."""
    if _BEHIND not in pattern.pattern:
        return pattern
    literal, rest = pattern.pattern.split(_BEHIND, 1)
    assert rest.startswith(literal + ")"), pattern.pattern
    return re.compile(_BEHIND + ")" + literal + rest[len(literal) + 1:], pattern.flags)


def everywhere(rules: TagGrammar, pointer: str, text: str, canonical_near_misses: bool = False) -> PromptText:
    """The scan without the shortcuts: every regex, written look-behind first, over the whole text
    (what vidlint did before); its near misses without those that are the same tag's canonical
    match (the scan leaves them out), or with them (``canonical_near_misses``: what the tag rules
    were given before)."""
    def canonical(tag):
        return list(look_behind_first(tag.exact).finditer(text))

    def near(tag):
        spans = {m.span() for m in canonical(tag)}
        return [m for m in tag.loose.finditer(text) if canonical_near_misses or m.span() not in spans]

    return PromptText(
        pointer, text, text.lower(),
        [(tag, [m.group(1) for m in canonical(tag)]) for tag in rules.tags if canonical(tag)],
        [(tag, m) for tag in rules.tags if tag.zero is not None for m in look_behind_first(tag.zero).finditer(text)],
        [(tag, m) for tag in rules.tags for m in near(tag)],
        [(entry, m) for tag, entry in rules.forbidden for m in canonical(tag)])


def canonical_everywhere(rules: TagGrammar, text: str) -> list:
    """(tag, match) of every canonical tag, each form's regex written look-behind first over the
    whole text: what ``PromptText.exact`` gives."""
    return [(tag, m) for tag in rules.tags for m in look_behind_first(tag.exact).finditer(text)]


def spans(scanned: PromptText, exact: list | None = None) -> tuple:
    """What a scan found, comparable: the numbers of each form's canonical tags, the canonical
    tags' matches (``exact``: those given, else the scan's), near misses and the rest."""
    def of(pairs):
        return [(id(owner), m.span(), m.group(0)) for owner, m in pairs]
    numbers = [(id(tag), list(written)) for tag, written in scanned.numbers]
    return numbers, of(scanned.exact if exact is None else exact), of(scanned.zero), of(scanned.loose), \
        of(scanned.foreign)


def fragments(rules: TagGrammar) -> list[str]:
    """Pieces a prompt is made of: each tag's words in several cases, its edges, digits, joiners."""
    pieces = [" ", "  ", "\t", "_", "-", "#", "№", ".", ",", "a", "x", "s", "Z", "0", "1", "2", "9", "12", "０", "３",
              "的", "参考", "ı", "İ", "ſ", "\u212a", "K", "k"]
    for tag, _ in [(t, None) for t in rules.tags] + rules.forbidden:
        pieces += [tag.spelled(1), tag.spelled(0), tag.spelled(10)]
        for word in tag.words:
            pieces += [word, word.upper(), word.capitalize(), word[:-1]]
        pieces += list(tag.edges)
    return pieces


@pytest.mark.parametrize("model", DISTINCT)
def test_tag_scan_finds_what_every_regex_over_the_text_finds(model):
    rules = GRAMMARS[model]
    _assert_scans_alike(rules, fragments(rules), 14)


def _assert_scans_alike(rules, pieces: list[str], most: int) -> None:
    """On texts of up to ``most`` of ``pieces``, the scan finds what every regex over the text finds."""

    @SETTINGS
    @given(st.lists(st.sampled_from(pieces), max_size=most))
    def check(parts):
        text = "".join(parts)
        assert spans(rules.scan("/prompt", text)) == spans(everywhere(rules, "/prompt", text),
                                                           canonical_everywhere(rules, text)), text

    check()


def _put(request: dict, pointer: str, value) -> None:
    *parents, last = pointer.strip("/").split("/")
    for key in parents:
        request = request.setdefault(key, {})
    request[last] = value


@pytest.mark.parametrize("model", DISTINCT)
def test_tag_rules_find_what_they_found_in_the_plain_scan(model):
    """VL310-VL314 over the scan (the shortcut, near misses that are canonical tags left out,
    counts shared per request) say what they said over every regex run on the whole text
    with every near miss (before)."""
    from vidlint.rules.registry import RequestContext

    rules = GRAMMARS[model]
    meta = load_profile(model).meta
    codes = [code for code in ("VL310", "VL311", "VL312", "VL313", "VL314")
             if load_all_rules()[code].applies(meta)]
    pieces = fragments(rules) + [tag.singular for tag in rules.tags if tag.singular] + ["the reference image"]
    targets = [t for target in rules.targets() for t in ((target,) if isinstance(target, str) else target)]

    @SETTINGS
    @given(st.lists(st.sampled_from(pieces), max_size=14), st.lists(st.integers(0, 4), min_size=len(targets),
                                                                    max_size=len(targets)))
    def check(parts, sizes):
        request = {"model": model, "prompt": "".join(parts)}
        for target, size in zip(targets, sizes):
            _put(request, target, [f"https://cdn.example.com/{i}.jpg" for i in range(size)])
        fast = RequestContext(request, meta)
        plain = RequestContext(request, meta)
        plain.tags = (rules, [everywhere(rules, "/prompt", request["prompt"], canonical_near_misses=True)]
                      if request["prompt"] else [])
        for code in codes:
            declared = load_all_rules()[code]
            assert list(declared.func(fast)) == list(declared.func(plain)), (code, request)
        if "VL310" in codes:  # its tags past the end: each canonical tag's number, converted, against the count
            counts = {target: len(get_pointer(request, target) or []) for target in targets}
            past = [m.start() for tag, m in canonical_everywhere(rules, request["prompt"])
                    if int(m.group(1)) - tag.base >= sum(counts[t] for t in ((tag.target,) if isinstance(tag.target, str)
                                                                              else tag.target))]
            zero = [m.start() for tag, m in everywhere(rules, "/prompt", request["prompt"]).zero]
            assert [f.char for f in load_all_rules()["VL310"].func(fast)] == zero + past, request

    check()


def test_ascii_prompts_take_the_shortcut_and_others_are_searched_everywhere():
    rules = GRAMMARS["wan2.7-reference-video"]
    assert rules.finder.starts("the robot waves at Image 1 and image2") is not None
    assert rules.finder.starts("让Image 1跳舞") is None  # beyond ASCII: every character is tried
    # "ımage 2" (dotless i) is a near miss to re.I, though "ımage".lower() is not "image"
    scanned = rules.scan("/prompt", "ımage 2 waves")
    assert [m.group(0) for _, m in scanned.loose] == ["ımage 2"]


@pytest.mark.parametrize("form", ["x{n}x", "<<<ab_{n}>>>", "[[a{n}]]"])
def test_places_whose_run_of_edges_reaches_back_over_earlier_places(form):
    # a tag whose edges are letters of its own word: the run of edges before a later
    # occurrence reaches back over earlier ones, so the places are merged, not appended
    rules = TagGrammar({"tags": [{"form": form, "target": "/image_urls", "aliases": ["ab"]}]})
    pieces = fragments(rules) + ["xx", "<<<", ">>>", "[[", "]]", "xab"]

    @SETTINGS
    @given(st.lists(st.sampled_from(pieces), max_size=14))
    def check(parts):
        text = "".join(parts)
        starts = rules.finder.starts(text)
        assert starts is None or all(places == sorted(set(places)) for places in starts.values())
        assert spans(rules.scan("/prompt", text)) == spans(everywhere(rules, "/prompt", text),
                                                           canonical_everywhere(rules, text)), text

    check()
    assert rules.finder.starts("xxx1" if form == "x{n}x" else "ab ab") == ({0: [0, 1, 2]} if form == "x{n}x" else {0: [0, 3]})


def test_exact_regexes_are_written_literal_first():
    # the look-behind behind the literal lets re search for the literal (the shortcut below
    # needs it); look_behind_first undoes it for the plain scan above
    for rules in GRAMMARS.values():
        for tag in rules.tags + [tag for tag, _ in rules.forbidden]:
            if tag.ascii or tag.edges:
                assert not tag.exact.pattern.startswith("(?<!"), tag.exact.pattern
                assert look_behind_first(tag.exact).pattern.startswith(_BEHIND), tag.exact.pattern


_REGEXES = ("exact", "zero", "loose")


def _compiled(tag, slot: str) -> bool:
    try:
        type(tag).__dict__[slot].__get__(tag, type(tag))  # the slot itself, not __getattr__
    except AttributeError:
        return False
    return True


def _found(scanned: PromptText) -> tuple:
    def of(pairs):
        return [(owner["form"] if isinstance(owner, dict) else owner.form, m.span(), m.group(0)) for owner, m in pairs]
    return [(tag.form, written) for tag, written in scanned.numbers], of(scanned.exact), of(scanned.zero), \
        of(scanned.loose), of(scanned.foreign)


@pytest.mark.parametrize("model", DISTINCT)
def test_a_tags_regexes_are_compiled_when_first_read(model):
    """A grammar compiles no regex when it is made (5-10 ms of a model's first request); a scan
    compiles those it reads, and finds what a grammar with every regex compiled up front finds."""
    spec = load_profile(model).meta["reference_tags"]
    lazy, eager = TagGrammar(spec), TagGrammar(spec)
    lazy_tags = lazy.tags + [tag for tag, _ in lazy.forbidden]
    assert not any(_compiled(tag, slot) for tag in lazy_tags for slot in _REGEXES)
    for tag in eager.tags + [tag for tag, _ in eager.forbidden]:
        for slot in _REGEXES:
            getattr(tag, slot)
    first = (lazy.tags or [tag for tag, _ in lazy.forbidden])[0]
    lazy.scan("/prompt", first.spelled(1) + " walks in")
    assert _compiled(first, "exact") and first.exact is first.exact  # read once, then a plain slot
    if first.counted and lazy.tags:  # its word occurs as often as its canonical tag: nothing else is looked for
        assert not _compiled(first, "loose")
    assert not any(_compiled(tag, slot) for tag in lazy.tags[1:] if tag.words[0] not in first.words
                   for slot in ("zero", "loose"))

    @SETTINGS
    @given(st.lists(st.sampled_from(fragments(eager)), max_size=14))
    def check(parts):
        text = "".join(parts)
        assert _found(TagGrammar(spec).scan("/prompt", text)) == _found(eager.scan("/prompt", text)), text

    check()
    with pytest.raises(AttributeError):
        first.no_such_field  # noqa: B018


@pytest.mark.parametrize("spec, sought, counted, occurring", [
    ({"form": "Image {n}", "aliases": ["image", "images", "img", "pic", "picture"]}, ["image", "img", "pic"], True, 3),
    ({"form": "Image{n}", "aliases": ["img"]}, ["image", "img"], True, 2),
    ({"form": "Image-{n}", "aliases": [], "base": 0}, ["image"], True, 1),
    ({"form": "图{n}", "aliases": ["图片"]}, [], False, 0),  # beyond ASCII: nothing of it in an ASCII text
    ({"form": "@image{n}", "aliases": ["img"]}, ["image", "img"], False, 2),  # a run of edges may begin a near miss
    ({"form": "<<<image_{n}>>>", "aliases": []}, ["image"], False, 1),
    ({"form": "Aba {n}", "aliases": []}, ["aba"], True, 0),  # (it overlaps itself: see the next test)
    ({"form": "Image {n}", "aliases": ["im-age"]}, ["im-age", "image"], False, 1),  # a word not of letters alone
    ({"form": "Image {n}", "aliases": ["图片"]}, ["image"], False, 1),  # ASCII and beyond
])
def test_forms_whose_words_tell_where_their_tags_are(spec, sought, counted, occurring):
    tag = TagGrammar({"tags": [{"target": "/image_urls", **spec}]}).tags[0]
    assert sorted(tag.sought) == sought
    assert tag.counted is counted
    assert sum("an image, a picture 2 and img3".count(word) for word in tag.sought) == occurring


@pytest.mark.parametrize("tags", [
    [{"form": "Image {n}", "aliases": ["images", "img", "pic", "picture"]}, {"form": "图{n}", "aliases": ["图片"]}],
    [{"form": "Image{n}", "aliases": ["img"]}, {"form": "Video_{n}", "aliases": ["vid", "video"]}],
    [{"form": "Image-{n}", "aliases": ["imag"], "base": 0}, {"form": "Images {n}", "aliases": []}],
    [{"form": "Aba {n}", "aliases": []}, {"form": "Image {n}", "aliases": ["im-age"]}],
    [{"form": "Image {n}", "aliases": []}, {"form": "@image{n}", "aliases": []}],
])
def test_a_form_whose_words_are_its_canonical_tags_holds_nothing_else(tags):
    """The scan skips the places and the near-miss regex for a form whose words occur in an ASCII
    text as often as its canonical tags (and every regex of a form whose words do not occur):
    the same tags, near misses and numbers below the base as every regex over the whole text,
    on texts made of the forms' words, separators, digits and their canonical spellings."""
    rules = TagGrammar({"tags": [{"target": "/image_urls", **tag} for tag in tags]})
    pieces = fragments(rules) + ["Image ", "image-", "Image-0", "Images 2", "aba", "Aba 1", "ababa 2", "abAba 3", "Ababa 4", "Video_1",
                                 "1.5", ",2", "Image 1.5", "Image 1,2", "Image 01", "Image  2", "Image 3_"]
    _assert_scans_alike(rules, pieces, 12)


def test_the_places_are_looked_for_only_when_a_form_holds_more_than_its_canonical_tags():
    rules = TagGrammar({"tags": [{"form": "Image {n}", "target": "/image_urls", "aliases": ["img"]},
                                 {"form": "@video{n}", "target": "/video_urls", "aliases": []}]})
    looked = []
    starts = rules.finder.starts
    rules.finder.starts = lambda text: looked.append(text) or starts(text)
    assert [m.group(0) for _, m in rules.scan("/prompt", "Image 1 waves at Image 2").exact] == ["Image 1", "Image 2"]
    assert [m.group(0) for _, m in rules.scan("/prompt", "Image 1 waves at img 2").loose] == ["img 2"]
    assert [m.group(0) for _, m in rules.scan("/prompt", "Image 1 waves at @video1").exact] == ["Image 1", "@video1"]
    assert looked == ["Image 1 waves at img 2", "Image 1 waves at @video1"]  # a near miss; a form with edges
    assert rules.scan("/prompt", "Image 1 waves at a vid").loose == []  # "video" is not there: nothing of @video


@pytest.mark.parametrize("prompt, expected", [
    ("Image 1 waves, image 2 and Video 1 dance, Image 0 bows", ["VL310", "VL311"]),
    ("the reference image waves at Video 3", ["VL310", "VL312"]),
    ("ımage 1 waves", ["VL311", "VL313"]),  # a near miss names no reference
])
def test_tag_rules_through_lint(prompt, expected):
    request = {"model": "wan2.7-reference-video", "prompt": prompt,
               "image_urls": ["https://cdn.example.com/a.jpg", "https://cdn.example.com/b.jpg"],
               "video_urls": ["https://cdn.example.com/c.mp4"]}
    result = lint_bytes("r.json", json.dumps(request, ensure_ascii=False).encode(), False, None)
    assert sorted({d.code for d in result.diagnostics} - {"VL502"}) == expected


# --- asset rules for a reference nothing read --------------------------------------------------


def contexts_without_probe():
    for how in ("remote", "invalid", "local", "mapped", "online"):
        for kind in ("image", "video", "audio", "document"):
            resolution = Resolution(how, path="/nowhere/x" if how in ("local", "mapped") else None, scheme="https",
                                    reason="unusable" if how == "invalid" else None)
            yield AssetContext(AssetRef("/image_urls/0", "https://cdn.example.com/x.zip", kind), resolution,
                               {"formats": ["pdf"]})


def test_rules_that_need_a_probe_say_nothing_without_one():
    load_all_rules()
    needing = [r for r in stage_rules("asset") if r.needs_probe]
    assert {r.code for r in needing} == {"VL501", "VL503", "VL504", "VL505", "VL506", "VL507"}
    for ctx in contexts_without_probe():
        for declared in needing:
            assert list(declared.func(ctx)) == [], (declared.code, ctx)


def test_rules_that_need_no_probe_are_silent_beside_one():
    """With a probe, the others say nothing either: skipping the first set without one
    leaves each reference's findings as they were."""
    load_all_rules()
    probe = MediaProbe(kind="image", format="jpeg", size=10, width=300, height=300)
    for declared in stage_rules("asset"):
        if declared.needs_probe:
            continue
        for how in ("local", "mapped", "online"):
            for kind in ("image", "document"):
                ctx = AssetContext(AssetRef("/image_urls/0", "x.zip", kind), Resolution(how, path="/x.jpg"),
                                   {"formats": ["pdf"]}, probe)
                assert list(declared.func(ctx)) == [], (declared.code, how, kind)


def test_remote_and_local_references_still_get_their_findings(tmp_path):
    request = {"model": "wan2.7-reference-video", "prompt": "Image 1 and Image 2 wave",
               "image_urls": ["https://cdn.example.com/a.jpg", "missing.png"]}
    result = lint_bytes("r.json", json.dumps(request).encode(), False, tmp_path)
    assert [(d.code, d.pointer) for d in result.diagnostics] == [("VL502", "/image_urls/0"), ("VL503", "/image_urls/1")]


# --- pointer patterns --------------------------------------------------------------------------


def test_match_pattern_gives_document_order_at_every_depth():
    doc = {"a": [{"b": {"y": 1, "x/z": 2}}, {"b": [3, 4]}, {"c": 5}], "d~": {"e": 6}}
    assert match_pattern(doc, "/a/*/b/*") == [("/a/0/b/y", 1), ("/a/0/b/x~1z", 2), ("/a/1/b/0", 3), ("/a/1/b/1", 4)]
    assert match_pattern(doc, "/d~0/e") == [("/d~0/e", 6)]
    assert match_pattern(doc, "/a/1/b/01") == [("/a/1/b/1", 4)]
    assert match_pattern(doc, "") == [("", doc)]
    assert match_pattern(doc, "/a/*/missing") == []


_KEYS = st.sampled_from(["a", "b", "0", "1", "x/y", "t~", "", "*"])
_VALUES = st.recursive(st.none() | st.integers() | st.text(max_size=3),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
                       max_leaves=8)


@SETTINGS
@given(node=_VALUES, request=st.dictionaries(_KEYS, _VALUES, max_size=4),
       pattern=st.lists(_KEYS, max_size=4).map(lambda tokens: make_pointer(*tokens)))
def test_match_pattern_of_a_field_or_its_items_is_the_level_by_level_walk(node, request, pattern):
    """``/field`` and ``/field/*`` (taken without the walk) give what the walk gives, as does
    every other pattern (which is walked): escaped names, digits, "*" as a key, non-objects."""
    for tried in (node, request):
        assert match_pattern(tried, pattern) == _walk(tried, _pattern_tokens(pattern))
    for name in [*request, "absent"]:
        for shape in (make_pointer(name), make_pointer(name, "*")):
            assert match_pattern(request, shape) == _walk(request, _pattern_tokens(shape))


@SETTINGS
@given(request=st.dictionaries(_KEYS, _VALUES | st.text(max_size=6), max_size=4),
       pattern=st.lists(_KEYS, min_size=1, max_size=3).map(lambda tokens: make_pointer(*tokens)))
def test_the_texts_tags_are_read_in_are_what_their_patterns_match(request, pattern):
    """The texts scanned are every non-empty string the pattern matches ("/prompt", escaped
    names, "*", digits and deeper patterns)."""
    from vidlint.rules.prompt import _texts
    from vidlint.rules.registry import RequestContext

    meta = {"reference_tags": {"tags": [{"form": "Image {n}", "target": "/image_urls"}], "texts": [pattern]}}
    _, texts = _texts(RequestContext(request, meta))
    assert [(t.pointer, t.text) for t in texts] == \
        [(at, value) for at, value in match_pattern(request, pattern) if isinstance(value, str) and value]


@SETTINGS
@given(request=st.dictionaries(_KEYS, _VALUES, max_size=4),
       pointer=st.lists(_KEYS, max_size=3).map(lambda tokens: make_pointer(*tokens)))
def test_a_field_counted_is_what_its_pointer_holds(request, pointer):
    """``counted``: the count is what the value at the pointer holds."""
    from vidlint.rules.registry import RequestContext
    from vidlint.rules.request import counted

    value = get_pointer(request, pointer)
    held = len(value) if isinstance(value, (list, dict)) else 0 if value is None or value == "" else 1
    assert counted(RequestContext(request, {}), pointer) == held


@SETTINGS
@given(node=_VALUES, request=st.dictionaries(_KEYS, _VALUES, max_size=4),
       pointer=st.lists(_KEYS, max_size=3).map(lambda tokens: make_pointer(*tokens)))
def test_get_pointer_of_a_field_read_with_get_is_the_walk(node, request, pointer):
    """``get_pointer`` reads a top-level field of an object with ``get``: the value its walk
    finds one level down (the same pointer under a wrapping object, which is walked), for every
    pointer (escaped names, "*" and digits as keys, deeper ones, non-objects)."""
    for tried in (node, request, *({"": value} for value in request.values())):
        for asked in (pointer, *(make_pointer(name) for name in [*(tried if isinstance(tried, dict) else ()), "absent"])):
            assert get_pointer(tried, asked) is get_pointer({"w": tried}, "/w" + asked)


def test_get_pointer_reads_fields_arrays_and_escaped_names():
    doc = {"prompt": "p", "a/b": 1, "t~": 2, "*": 3, "": 4, "l": ["x"], "n": None}
    assert [get_pointer(doc, p) for p in ("/prompt", "/a~1b", "/t~0", "/*", "/", "/l/0", "/n", "/absent")] == \
        ["p", 1, 2, 3, 4, "x", None, None]
    assert get_pointer(["x"], "/0") == "x" and get_pointer("text", "/0") is None and get_pointer(doc, "") is doc


def test_field_shapes_are_recognised_and_other_patterns_walked():
    assert _field_shape("/image_urls/*") == ("image_urls", "/image_urls", True)
    assert _field_shape("/x~1y") == ("x/y", "/x~1y", False)
    for walked in ("", "/*", "/*/a", "/a/0", "/a/*/b", "/a/b"):
        assert _field_shape(walked) is None
    doc = {"a/b": {"k~": 1}, "l": [5, 6]}
    assert match_pattern(doc, "/a~1b/*") == [("/a~1b/k~0", 1)]
    assert match_pattern(doc, "/l/*") == [("/l/0", 5), ("/l/1", 6)]
    assert match_pattern(doc, "/l") == [("/l", [5, 6])]
    assert match_pattern(doc, "/missing/*") == match_pattern(doc, "/missing") == []
    assert match_pattern(["x"], "/0") == [("/0", "x")]  # an array at the top: walked


# --- a rule runs only for models whose data has what it reads ------------------------------------

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]


def _left_out(model: str) -> list:
    """Request and facts rules whose ``reads`` starts with a key the model has, but whose whole
    path it lacks: run before, skipped now."""
    meta = load_profile(model).meta
    return [r for stage in ("request", "facts") for r in stage_rules(stage)
            if r.reads and r.reads.split(".")[0] in meta and not r.applies(meta)]


def _generated_requests(model):
    """Hypothesis requests of ``model`` from its schema, seeded with the clean examples."""
    from request_strategies import model_requests

    from vidlint.models import load_schema_file, schema_dir

    schema = load_schema_file(f"{model}.json")
    shared = {path.name: load_schema_file(path.name) for path in sorted(schema_dir().glob("_*.json"))}
    seeds = [json.loads(path.read_text(encoding="utf-8")) for path in sorted((REPO / "examples" / "clean").rglob("*.json"))]
    seeds = [seed for seed in seeds + schema.get("examples", []) if isinstance(seed, dict) and seed.get("model") == model]
    return model_requests(model, schema, shared, seeds)


def _assert_silent(model: str, cases) -> None:
    """For requests generated for ``model``: each rule of ``cases(request)``'s (request, rules)
    pairs finds nothing in that request (its facts from ``check_request``)."""
    from vidlint.check.pipeline import check_request
    from vidlint.rules.registry import RequestContext

    load_all_rules()
    profile = load_profile(model)

    @settings(max_examples=25 * SCALE, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_generated_requests(model))
    def silent(request):
        if not isinstance(request, dict):
            return
        for checked, rules in cases(request):
            ctx = RequestContext(checked, profile.meta, profile, check_request(checked, None).facts)
            for declared in rules:
                assert list(declared.func(ctx)) == [], (declared.code, checked)

    silent()


@pytest.mark.parametrize("model", [m for m in known_models() if _left_out(m)])
def test_rules_left_out_for_a_model_say_nothing_of_its_requests(model):
    _assert_silent(model, lambda request: [(request, _left_out(model))])


# --- a rule that needs a field of the request is not called for a request without it -----------


def _gated(model: str) -> list:
    """(rule, field) of the request and facts rules the model's requests run only with that field."""
    meta = load_profile(model).meta
    return [(r, r.field_needed(meta)) for stage in ("request", "facts") for r in stage_rules(stage)
            if r.applies(meta) and r.field_needed(meta) is not None]


def test_the_field_a_rule_needs_is_named_by_the_model_data():
    load_all_rules()
    meta = load_profile("wan2.7-reference-video").meta
    needed = {r.code: field for r, field in _gated("wan2.7-reference-video")}
    assert needed == {"VL211": "model_params", "VL216": "model_params", "VL214": "audio_urls", "VL215": "audio_urls",
                      "VL217": "audio_urls", "VL403": "callback_url", "VL404": "callback_url"}
    # without the model data that names the field, the rule is called for every request
    assert load_all_rules()["VL211"].field_needed({**meta, "voice_bindings": {}}) is None
    assert load_all_rules()["VL302"].field_needed(meta) is None  # declares none


def test_needs_field_is_for_request_and_facts_rules():
    from vidlint.rules.registry import rule

    with pytest.raises(ValueError, match="needs_field"):
        rule("VL599", "x", "info", stage="asset", needs_field="callback.field")


@pytest.mark.parametrize("request_, called", [
    ({"prompt": "Image 1 waves", "image_urls": ["a.jpg"]}, set()),
    ({"prompt": "Image 1 waves", "image_urls": ["a.jpg"], "audio_urls": ["v.mp3"]}, {"VL214", "VL215", "VL217"}),
    ({"prompt": "Image 1 waves", "image_urls": ["a.jpg"], "model_params": {}, "callback_url": "x"},
     {"VL211", "VL216", "VL403", "VL404"}),
])
def test_a_rule_is_called_only_for_a_request_with_its_field(monkeypatch, request_, called):
    from vidlint.rules.registry import RequestContext, run_stage

    load_all_rules()
    profile = load_profile("wan2.7-reference-video")
    calls = []
    for declared, _ in _gated(profile.name):
        monkeypatch.setattr(declared, "func", lambda ctx, code=declared.code: calls.append(code) or ())
    request = {"model": profile.name, **request_}
    for stage in ("request", "facts"):
        run_stage(stage, RequestContext(request, profile.meta, profile), profile.meta)
    assert set(calls) == called


def test_rules_that_need_a_field_find_their_findings_through_lint():
    request = {"model": "wan2.7-reference-video", "prompt": "Image 1 and Video 1 wave",
               "image_urls": ["https://cdn.example.com/a.jpg"], "video_urls": ["https://cdn.example.com/b.mp4"],
               "audio_urls": ["https://cdn.example.com/v.mp3", "https://cdn.example.com/w.mp3",
                              "https://cdn.example.com/x.mp3"],
               "callback_url": "https://127.0.0.1/hook"}
    result = lint_bytes("r.json", json.dumps(request).encode(), False, None)
    assert {"VL215", "VL217", "VL403"} <= {d.code for d in result.diagnostics}
    request.pop("audio_urls")
    request["model_params"] = {"voice_bindings": {"image2": "https://cdn.example.com/v.mp3",
                                                  "video1": "https://cdn.example.com/v.mp3"}}
    result = lint_bytes("r.json", json.dumps(request).encode(), False, None)
    assert {"VL211", "VL216"} <= {d.code for d in result.diagnostics}


@pytest.mark.parametrize("model", [m for m in known_models() if _gated(m)])
def test_rules_that_need_a_field_say_nothing_of_requests_without_it(model):
    _assert_silent(model, lambda request: [({k: v for k, v in request.items() if k != field}, [declared])
                                           for declared, field in _gated(model)])


# --- a finding becomes its diagnostic (arguments by position) -----------------------------------


def test_a_finding_becomes_the_diagnostic_emit_makes_of_its_fields():
    from vidlint.fix import Fix
    from vidlint.fix.ops import ReplaceChars
    from vidlint.rules.registry import Finding

    spelling = load_all_rules()["VL311"]  # declared fix="unsafe"
    fix = Fix('write "Image 1"', (ReplaceChars("/prompt", 0, 7, "Image 1"),))
    for finding in (Finding("/prompt", "m", "h", at_key=True, char=3, fix=fix), Finding("", "m"),
                    Finding("/prompt", "m", None, char=0)):
        made = spelling.emit_finding(finding)
        expected = spelling.emit(finding.message, finding.pointer, finding.hint, at_key=finding.at_key,
                                 char=finding.char, fix=finding.fix)
        fields = ("code", "severity", "message", "pointer", "hint", "line", "column", "record", "at_key", "char")
        assert [getattr(made, name) for name in fields] == [getattr(expected, name) for name in fields]
        assert (made.line, made.column, made.record, made.at_key, made.char) == (1, 1, None, finding.at_key, finding.char)
        assert made.fix == expected.fix and (made.fix is None) == (finding.fix is None)
        if finding.fix is not None:
            assert made.fix.applicability == "unsafe"  # the rule's own, not the finding's
    with pytest.raises(ValueError, match="not declared with fix="):
        load_all_rules()["VL310"].emit_finding(Finding("/prompt", "m", fix=fix))


# --- work done once per run or per model -------------------------------------------------------


def test_opted_in_follows_the_selection_it_is_asked_about(tmp_path):
    """The opt-in codes are kept per selection: a configuration whose selection changes, or
    another configuration, gets its own answer."""
    from vidlint.rules.registry import opted_in
    from vidlint.settings.config import Config

    config = Config(tmp_path / "vidlint.toml")
    assert opted_in(config) == frozenset() and opted_in(None) == frozenset()
    config.extend_select = ("VL235",)
    assert opted_in(config) == {"VL235"}
    config.select, config.extend_select = ("VL2",), ()  # a prefix does not switch an opt-in rule on
    assert opted_in(config) == frozenset()
    assert opted_in(Config(tmp_path / "other.toml", select=("VL", "VL235"))) == {"VL235"}


def test_the_siblings_vl230_weighs_are_the_other_models_of_the_family():
    from vidlint.rules.registry import derived
    from vidlint.rules.request import _siblings

    for model in known_models():
        meta = load_profile(model).meta
        family = meta.get("family")
        expected = [name for name in known_models() if name != model and load_profile(name).meta.get("family") == family]
        siblings = derived(meta, _siblings)
        assert [name for name, _, _ in siblings] == expected
        for name, profile, takes in siblings:
            assert profile is load_profile(name)
            assert takes == {*profile.fields, "$schema", "model"}
        # _siblings loads only the models whose name begins with the family: every model's does
        assert family is None or model.startswith(f"{family}-"), (model, family)


def test_vl230_loads_only_the_profiles_of_its_family():
    """A request with a field its model does not take loads the family's profiles, not every model's."""
    import subprocess
    import sys

    script = ("from vidlint.models import load_profile\n"
              "from vidlint.rules.registry import derived\n"
              "from vidlint.rules.request import _siblings\n"
              "derived(load_profile('wan2.7-reference-video').meta, _siblings)\n"
              "print(load_profile.cache_info().currsize)\n")
    env = {**os.environ, "PYTHONPATH": os.path.join(os.path.dirname(__file__), "..", "src")}
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True).stdout
    assert shown.split()[-1] == "4", shown  # wan2.7-reference-video and its three siblings


def test_derived_builds_once_per_model_data_and_arguments():
    from vidlint.rules.registry import derived

    calls = []

    def build(meta, *args):
        calls.append(args)
        return (meta["n"], *args)

    one, same_content = {"n": 1}, {"n": 1}
    assert derived(one, build) == (1,) and derived(one, build) == (1,)
    assert derived(one, build, "request", False) == (1, "request", False)
    assert derived(one, build, "request", True) == (1, "request", True)
    assert derived(one, build, "request", False) == (1, "request", False)
    assert derived(same_content, build) == (1,)  # another model's data, equal or not, is built for
    assert calls == [(), ("request", False), ("request", True), ()]

    def nothing(meta):
        calls.append("nothing")

    assert derived(one, nothing) is None and derived(one, nothing) is None  # a None is kept too
    assert calls[-1:] == ["nothing"] and calls.count("nothing") == 1


# --- a rule that cannot speak of a request is not called (needs_field, speaks_if) --------------


def _opted(stage: str) -> frozenset:
    return frozenset(r.code for r in stage_rules(stage) if r.opt_in)


def _left_out_by_the_request(stage: str, request: dict, meta: dict) -> list:
    """The rules of ``stage`` the run leaves out for this request (``needs_field``, ``speaks_if``)."""
    from vidlint.rules.registry import _rules_running

    load_all_rules()
    return [declared for declared, speaks in _rules_running(meta, stage, False, frozenset(), _opted(stage))
            if speaks is not None and not speaks(request)]


def _skipped_findings(stage: str, ctx, meta: dict) -> list:
    """(code, message) of what the rules the run leaves out for this request would have found."""
    return [(declared.code, finding.message) for declared in _left_out_by_the_request(stage, ctx.request, meta)
            for finding in declared.func(ctx)]


def _every_rule_found(stage: str, ctx, meta: dict) -> list:
    """What every rule of the stage finds of the request, none left out."""
    from vidlint.rules.registry import _rules_running

    return [(declared.code, finding.message, finding.pointer)
            for declared, _ in _rules_running(meta, stage, False, frozenset(), _opted(stage))
            for finding in declared.func(ctx)]


def _model_cases(model: str):
    from request_strategies import model_requests

    from vidlint.models import load_schema_file, schema_dir

    examples = os.path.join(os.path.dirname(__file__), "..", "examples", "clean")
    schema = load_schema_file(f"{model}.json")
    shared = {path.name: load_schema_file(path.name) for path in sorted(schema_dir().glob("_*.json"))}
    seeds = []
    for root, _, files in os.walk(examples):
        for name in files:
            if name.endswith(".json"):
                with open(os.path.join(root, name), encoding="utf-8") as file:
                    seeds.append(json.load(file))
    seeds += schema.get("examples", [])
    return model_requests(model, schema, shared, [s for s in seeds if isinstance(s, dict) and s.get("model") == model])


@pytest.mark.parametrize("model", known_models())
def test_rules_left_out_for_a_request_would_have_said_nothing(model):
    """Property: over generated requests of every model (its clean examples changed, its own
    fields and others with plausible and odd values), the rules a request's fields leave out
    find nothing, and the run with them left out finds what every rule finds."""
    from vidlint.check.pipeline import check_request
    from vidlint.rules.registry import RequestContext, run_stage_over

    profile = load_profile(model)
    left_out = {"count": 0}

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(request=_model_cases(model))
    def same(request):
        facts = check_request({**request, "model": model}, None).facts
        for stage in ("request", "facts"):
            def context():
                return RequestContext(request, profile.meta, profile, facts)

            assert _skipped_findings(stage, context(), profile.meta) == [], (stage, request)
            assert [(d.code, d.message, d.pointer) for d in run_stage_over(stage, [context()], frozenset(), _opted(stage))[0]] \
                == _every_rule_found(stage, context(), profile.meta)
            left_out["count"] += len(_left_out_by_the_request(stage, request, profile.meta))

    same()
    gated = [r for stage in ("request", "facts") for r in stage_rules(stage) if r.applies(profile.meta)
             and r.speaks_of(profile.meta) is not None]
    assert left_out["count"] > 0 or not gated  # the generated requests leave some rules out


def test_a_rule_left_out_where_it_would_speak_is_found():
    """The property above fails for a test that leaves a rule out where it speaks (VL204's,
    written as if the field never mattered)."""
    from vidlint.rules.registry import RequestContext

    profile = load_profile("wan2.7-reference-video")
    request = {"model": profile.name, "prompt": "Image 1 waves", "image_urls": ["a.jpg"], "image_start": "s.jpg",
               "aspect_ratio": "9:16"}
    assert _skipped_findings("request", RequestContext(request, profile.meta, profile), profile.meta) == []
    vl204 = load_all_rules()["VL204"]
    broken = dict(profile.meta)  # model data of its own: what runs is worked out per model data
    original = vl204.speaks_if
    try:
        vl204.speaks_if = lambda meta: lambda request: False
        assert [code for code, _ in _skipped_findings("request", RequestContext(request, broken, profile), broken)] \
            == ["VL204"]
    finally:
        vl204.speaks_if = original


@pytest.mark.parametrize("extra, called", [
    ({}, set()),
    ({"aspect_ratio": "9:16"}, {"VL204"}),
    ({"aspectRatio": "9:16"}, {"VL230"}),
    ({"aspect_ratio": "9:16", "aspectRatio": "9:16"}, {"VL204", "VL230"}),
])
def test_the_ignored_field_and_sibling_rules_are_called_only_for_a_request_with_such_a_field(extra, called):
    """Nearly every request has neither a field its model ignores (VL204) nor one it does not
    take (VL230): those rules are not called for it."""
    load_all_rules()
    meta = load_profile("wan2.7-reference-video").meta
    request = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["a.jpg"], **extra}
    left_out = {declared.code for declared in _left_out_by_the_request("request", request, meta)}
    assert {"VL204", "VL230"} - left_out == called
