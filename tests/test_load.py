"""Loading a request: parsing with one shared decoder says what json.loads says, and source
positions from the path index (only the containers on a finding's path are read) are the
whole-document scanner's; a document with duplicate keys keeps the scanner's answers."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from request_strategies import json_values

from vidlint.load.document import load_bytes
from vidlint.load.positions import PathIndex, scan_positions

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Strings that make the path index's string skip take its slow way (an escaped quote or
# backslash before the closing quote), keys with pointer escapes, non-ASCII written both ways.
tricky_text = st.sampled_from(['a"b', "a\\", '\\"', "x/y", "m~n", "", "é", "\n", "]},:[{", '"'])
# Keys the path index looks for by name ("a" in '"a"' followed by a colon), also written as
# string values, inside strings with a colon after them, and among braces.
WORDS = ["a", "b", "ab", "_1", "é"]
words = st.sampled_from([*WORDS, 'x"a', 'a": 1, "b', '"a":', "} \"a\": {", "a\\"])
keys = st.one_of(st.text(max_size=6), tricky_text, words)
values = st.recursive(
    st.one_of(json_values, tricky_text, words),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
    max_leaves=25,
)
layouts = st.sampled_from([
    {}, {"indent": 2}, {"indent": "\t"}, {"separators": (",", ":")}, {"separators": (" , ", " : "), "indent": 1},
    {"ensure_ascii": False}, {"ensure_ascii": False, "indent": 0},
])


def asked(index: Any) -> list[str]:
    """Every pointer the scanner found, and some that name nothing."""
    pointers = list(index.values)
    return (pointers + [p + "/missing" for p in pointers[:5]] + [p + "/0" for p in pointers[:5]] + ["/~2", "nope"]
            + [f"{p}/{word}" for p in pointers[:8] for word in WORDS])  # a key that may be elsewhere


@FAST
@given(value=values, layout=layouts, order=st.randoms(use_true_random=False), prefix=st.sampled_from(["", "  ", "\n{}\n"]))
def test_path_index_gives_the_scanners_offsets(value: Any, layout: dict[str, Any], order: Any, prefix: str) -> None:
    text = prefix + json.dumps(value, **layout) + "\n"
    start = len(prefix)
    full = scan_positions(text, start)
    pointers = asked(full)
    order.shuffle(pointers)  # any order of questions: a later one resumes where an earlier one stopped
    lazy, knowing = PathIndex(text, start), PathIndex(text, start, json.loads(text[start:]))  # the latter: strings by literal
    for pointer in pointers:
        assert lazy.value(pointer) == full.values.get(pointer), pointer
        assert lazy.key(pointer) == full.keys.get(pointer), pointer
        assert knowing.value(pointer) == full.values.get(pointer), pointer
        assert knowing.key(pointer) == full.keys.get(pointer), pointer


def test_a_string_value_is_found_by_its_literal_only_where_that_literal_is_its_own() -> None:
    """Given the parsed document, a string value whose literal occurs once in a text without a
    backslash is found by that literal; a literal that occurs twice, or as a key too, or a text
    with an escape, leaves it to its key's literal or the containers' reading: each answer the
    scanner's."""
    text = '{\n  "image_urls": ["https://a/1.jpg", "https://a/2.jpg"],\n  "x": "https://a/2.jpg",\n  "https://a/3.jpg": "https://a/3.jpg"\n}'
    index = PathIndex(text, 0, json.loads(text))
    assert index._by_literal("/image_urls/0") == text.index('"https://a/1.jpg"')
    assert index._by_literal("/image_urls/1") is None  # twice, and an array's item has no key
    assert index._by_literal("/x") == text.index('"https://a/2.jpg"', text.index('"x"'))  # by its key
    assert index._by_literal("/https:~1~1a~13.jpg") is None  # its key is written alike
    assert index._by_literal("/image_urls/01") is None
    escaped = text.replace("1.jpg", "1\\u002ejpg")
    assert PathIndex(escaped, 0, json.loads(escaped))._by_literal("/image_urls/0") is None
    full = scan_positions(text)
    for pointer in full.values:
        assert PathIndex(text, 0, json.loads(text)).value(pointer) == full.values[pointer], pointer


def test_a_member_of_any_value_is_found_by_its_keys_literal_only_where_that_literal_is_its_own() -> None:
    """Given the parsed document, a member whose key's literal occurs once in a text without a
    backslash is found by it, its key and its value recorded; a key also written as a string
    value, as a key of another object, or a member that does not exist is read the slow way."""
    text = '{"duration": 99, "m": {"n": [1, {"q": null}], "size": "n"}, "k": {"duration": 1}, "t": true}'
    index = PathIndex(text, 0, json.loads(text))
    assert index._by_literal("/m") == text.index("{", 1) and index.keys["/m"] == text.index('"m"')
    assert index._by_literal("/m/n/1/q") == text.index("null") and index._by_literal("/m/size") == text.index('"n"}')
    assert index._by_literal("/t", True) == text.index("true") and index.key("/t") == text.index('"t"')
    for pointer in ["/duration", "/k/duration", "/m/n", "/nope", "/m/nope", "/m/n/0", "/k/duration/x"]:
        assert PathIndex(text, 0, json.loads(text))._by_literal(pointer) is None, pointer
    full = scan_positions(text)
    for pointer in [*full.values, "/nope", "/m/nope"]:
        knowing = PathIndex(text, 0, json.loads(text))
        assert (knowing.key(pointer), knowing.value(pointer)) == (full.keys.get(pointer), full.values.get(pointer))
        knowing = PathIndex(text, 0, json.loads(text))
        assert (knowing.value(pointer), knowing.key(pointer)) == (full.values.get(pointer), full.keys.get(pointer))


def test_a_pointers_steps_name_an_array_index_only_as_json_pointer_does() -> None:
    """``_by_literal`` walks the parsed document by a pointer's tokens, worked out once per
    pointer: "0" or "12" index an array, "01", "-1" or "１" (a digit, not ASCII) index none, a
    token is an object's key whatever it looks like, and a string is not walked into."""
    text = '{"a": ["x0", "x1"], "0": {"01": "k01", "-1": "km", "1": "k1"}, "s": "str"}'
    index = PathIndex(text, 0, json.loads(text))
    assert index._by_literal("/a/1") == text.index('"x1"')
    assert index._by_literal("/0/01") == text.index('"k01"') and index._by_literal("/0/1") == text.index('"k1"')
    assert index._by_literal("/0/-1") == text.index('"km"')
    for pointer in ["/a/01", "/a/-1", "/a/\uff11", "/a/2", "/s/0", "a/0", "/a~1/0"]:
        assert index._by_literal(pointer.encode().decode("unicode_escape")) is None, pointer
    full = scan_positions(text)
    for pointer in [*full.values, "/a/01", "/a/-1", "/s/0"]:
        assert PathIndex(text, 0, json.loads(text)).value(pointer) == full.values.get(pointer), pointer


def test_a_string_with_escaped_quotes_is_skipped_whole() -> None:
    text = '{"a": "say \\"hi\\" \\\\", "b": ["\\\\", "\\"", 1], "c": {"d": [true]}}'
    lazy = PathIndex(text)
    assert text[lazy.value("/b/1"):].startswith('"\\""')  # type: ignore[misc]
    assert text[lazy.value("/c/d/0"):].startswith("true")  # type: ignore[misc]
    assert lazy.key("/c") == text.index('"c"')


def test_a_member_is_found_by_its_key_only_where_that_is_its_key() -> None:
    """The path index looks for ``"b"`` followed by a colon rather than reading the members
    before it, and takes what it finds only where no escaped quote, string value or other
    object can have made it: each asked alone, with the scanner's answers."""
    text = '{"x\\"a": 1, "p": "b", "b": {"c": 1, "q": "}"}, "c": 2, "d": "{", "e": 3, "f": {"g": {}}, "h": {"i": 1}, "j": 4}'
    full = scan_positions(text)
    for pointer in ["/a", "/b", "/c", "/b/c", "/b/q", "/e", "/b/e", "/d", "/f/g", "/f/e", "/f/g/e", "/h/j", "/j"]:
        assert PathIndex(text).value(pointer) == full.values.get(pointer), pointer
        assert PathIndex(text).key(pointer) == full.keys.get(pointer), pointer


def test_positions_of_a_document_with_duplicate_keys_are_the_scanners() -> None:
    text = '{\n  "a": {"x": 1},\n  "a": {"y": 2},\n  "b": 3\n}\n'
    document = load_bytes("r.json", text.encode(), False).documents[0]
    assert document.suspicious
    # /a/x exists only in the first object: the scanner knows it, the parsed value does not
    assert document.locate("/a/x") == (2, 14)
    assert document.locate("/a", at_key=True) == (2, 3)  # the first key
    assert document.locate("/a") == (3, 8)  # the value the parser kept: the last one


def test_positions_in_a_json_lines_record() -> None:
    data = b'{"model": "m", "n": [1, 2]}\n\n  {"model": "m", "n": [3, {"k": "v"}]}\n'
    documents = load_bytes("r.jsonl", data, True).documents
    assert documents[1].locate("/n/1/k") == (3, 33)
    assert documents[1].locate("/n/1/k", at_key=True) == (3, 28)
    assert documents[1].locate("/n/7") == (3, 23)  # the nearest existing value: the array
    assert documents[0].locate("/n/1") == (1, 25)


def test_a_second_byte_order_mark_is_reported_as_json_loads_words_it() -> None:
    loaded = load_bytes("r.json", b"\xef\xbb\xbf\xef\xbb\xbf{}", False)
    assert [(d.code, d.message) for d in loaded.diagnostics] == [
        ("VL004", "file starts with a byte order mark, which JSON does not allow"),
        ("VL001", "invalid JSON: unexpected UTF-8 BOM (decode using utf-8-sig)"),
    ]


def test_duplicates_and_constants_are_noticed_per_document() -> None:
    data = b'{"a": 1}\n{"a": 1, "a": 2}\n{"b": NaN}\n{"c": [1]}\n'
    documents = load_bytes("r.jsonl", data, True).documents
    assert [d.suspicious for d in documents] == [False, True, True, False]
    assert [d.code for d in documents[1].parse_warnings()] == ["VL005"]
    assert [d.code for d in documents[2].parse_warnings()] == ["VL003"]


@FAST
@given(value=values, layout=layouts, order=st.randoms(use_true_random=False), duplicate=st.booleans())
def test_placing_a_requests_findings_at_once_is_placing_each(value: Any, layout: dict[str, Any], order: Any,
                                                              duplicate: bool) -> None:
    """``place_all``'s direct way (a finding about a value) and its fallback to ``place`` (a key,
    a character in a string, a fix, a pointer to nothing, a document with a duplicate key) give
    each finding the position ``place`` gives it, and the same finding otherwise."""
    from vidlint.core.diagnostics import Diagnostic, Severity
    from vidlint.fix import Fix

    text = json.dumps(value, **layout)
    if duplicate:
        text = '{"k": 1, "k": ' + text + "}"
    pointers = asked(scan_positions(text))
    order.shuffle(pointers)
    found = [Diagnostic("VL100", Severity.ERROR, "m", p, "h", at_key=n % 4 == 1, char=0 if n % 4 == 2 else None,
                        fix=Fix("f") if n % 4 == 3 else None) for n, p in enumerate(pointers)]
    one_by_one = load_bytes("r.json", text.encode(), False).documents[0]
    at_once = load_bytes("r.json", text.encode(), False).documents[0]
    assert at_once.suspicious or not duplicate  # (a surrogate escape makes it suspicious too)
    expected = [one_by_one.place(d) for d in found]
    placed = at_once.place_all(found)
    assert placed == expected
    assert [(d.line, d.column, d.at_key, d.char, d.fix, d.record) for d in placed] == \
        [(d.line, d.column, d.at_key, d.char, d.fix, d.record) for d in expected]


@FAST
@given(text=st.text(st.sampled_from("ab\n\r\u2028é"), max_size=60), offsets=st.lists(st.integers(0, 70), max_size=20))
def test_a_small_texts_positions_are_counted_as_a_large_ones_are_looked_up(text: str, offsets: list[int]) -> None:
    """``LineMap`` counts the newlines before an offset in a small text and bisects a table of
    line starts in a large one: the same line and column for any offset (only "\\n" ends a line)."""
    from vidlint.load.positions import LineMap

    counted = LineMap(text)
    assert counted._starts is None
    looked_up = LineMap(text)
    looked_up._starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    for offset in offsets:
        assert counted.position(offset) == looked_up.position(offset)
    large_text = text * 1000 + "x" * (LineMap.SMALL + 1)
    large, large_counted = LineMap(large_text), LineMap(large_text)
    large_counted._starts = None
    assert large._starts is not None
    for offset in offsets:
        assert large.position(offset * 997) == large_counted.position(offset * 997)


# Texts around a JSON value: JSON's own white space, white space JSON does not allow (str.isspace
# says yes to it), text after the value, a value cut short, a byte order mark, nothing at all.
befores = st.sampled_from(["", " ", "\n", "\t\r\n", "\ufeff", "\u00a0", "x", "{"])
afters = st.sampled_from(["", "\n", " \n", "\r\n\t ", "\u00a0", "\n\u2028", "\x0b", "x", "}", ",", "{}", "\n{}"])
odd_texts = st.sampled_from(['{"a": 1, "a": 2}', '{"a": NaN}', '{"a": [Infinity]}', '{"a": "\\ud800"}',
                             '{"a": "\\ud83d\\ude00"}', '{"a": "\\u00e9\\n"}', '{"a": 1,}', "{'a': 1}", '{"a" 1}',
                             '{"a": [1, 2', '{"a": 1e999999}', '{"a": ' + "[" * 3000 + "]" * 3000 + "}", "[1]", "7",
                             '"s"', "", "   ", '{"a": "\x01"}', '{"a": tru}', '{"a": -}', '{"a": 01}'])


def _texts() -> st.SearchStrategy[str]:
    return st.builds(lambda before, body, after: before + body + after, befores,
                     st.one_of(st.builds(lambda v, layout: json.dumps(v, **layout), values, layouts), odd_texts), afters)


@FAST
@given(text=_texts())
def test_the_usual_decoding_is_the_decoders(text: str) -> None:
    """``_decode`` scans an object that starts the text directly: the same value, or the same
    error where it is, as ``JSONDecoder.decode``."""
    from vidlint.load.document import _DECODER, _decode

    def outcome(decode: Any) -> Any:
        try:
            return "value", json.dumps(decode(text))  # (NaN is not equal to itself)
        except json.JSONDecodeError as exc:
            return "error", exc.msg, exc.pos
        except RecursionError:
            return "too deep"

    assert outcome(_decode) == outcome(_DECODER.decode)


@FAST
@given(text=_texts(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
def test_a_usual_files_document_is_load_bytes_one(text: str, encoding: str) -> None:
    """``parse_request`` makes the document exactly when ``load_bytes`` finds one document and
    nothing else, and the same document; None otherwise (``load_bytes`` then says what)."""
    from vidlint.load.document import parse_request

    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8") + b"\xff"
    loaded = load_bytes("r.json", data, False)
    document = parse_request("r.json", data)
    if len(loaded.documents) == 1 and not loaded.diagnostics:
        expected = loaded.documents[0]
        assert document is not None
        assert (document.path, document.text, document.start, document.record, document.suspicious) == (
            expected.path, expected.text, expected.start, expected.record, expected.suspicious)
        assert json.dumps(document.value, sort_keys=True) == json.dumps(expected.value, sort_keys=True)
        assert document.parse_warnings() == expected.parse_warnings()
    else:
        assert document is None


def test_the_usual_file_is_the_general_ones_whatever_follows_it() -> None:
    """The cases the fast ways must leave to the general one, one by one (the properties above
    draw them among others)."""
    from vidlint.load.document import parse_request

    for data in [b'{"a": 1}\n', b'{"a": 1}', b'{"a": 1} \r\n\t', b'{"a": 1, "a": 2}\n', b'{"a": NaN}',
                 b'{"a": "\\ud800"}', b'{"a": 1}\xc2\xa0', b'{"a": 1} x', b'{"a": 1}{}', b"\xef\xbb\xbf{}",
                 b"\xff\xfe{\x00}\x00", b" {}", b"[1]", b"", b"\n", b'{"a": 1', b"{\xff}"]:
        loaded = load_bytes("r.json", data, False)
        document = parse_request("r.json", data)
        usual = len(loaded.documents) == 1 and not loaded.diagnostics
        assert (document is not None) == usual, data
        if document is not None:
            assert json.dumps(document.value) == json.dumps(loaded.documents[0].value)
            assert document.suspicious == loaded.documents[0].suspicious
    assert parse_request("r.json", b'{"a": 1, "a": 2}').suspicious  # type: ignore[union-attr]
    assert parse_request("r.json", b'{"a": "\\ud800"}').suspicious  # type: ignore[union-attr]
    assert not parse_request("r.json", b'{"a": "\\u00e9"}').suspicious  # type: ignore[union-attr]


def test_a_number_too_long_to_read_is_said_in_vidlints_words_at_the_number() -> None:
    number = "-" + "7" * 5001
    text = '{"model": "wan2.7-reference-video",\n "prompt": "7777 and more",\n "seed": ' + number + "}"
    for jsonl in (False, True):
        found = load_bytes("x.jsonl" if jsonl else "x.json", text.replace("\n", " ").encode() if jsonl else text.encode(), jsonl)
        (problem,) = found.diagnostics
        assert problem.code == "VL001"
        assert problem.message == "invalid JSON: a number of 5,001 digits; vidlint reads numbers of at most 4,300"
        assert "set_int_max_str_digits" not in problem.message + (problem.hint or "")
        where = text.index(number) if not jsonl else text.replace("\n", " ").index(number)
        assert (problem.line, problem.column) == ((3, 10) if not jsonl else (1, where + 1))
