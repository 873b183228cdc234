"""VL3xx: the prompt text: references to the request's media (tags), prompts that say nothing,
shot lists (timed shots in the prompt, structured shot lists), and a prompt limit counted in
tokens of an undocumented tokenizer (an estimate).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, Iterator

from vidlint.core.wording import number, plural, span
from vidlint.core.records import FrozenRecord
from vidlint.core.pointers import get_pointer, make_pointer, match_pattern
from vidlint.fix import Fix
from vidlint.fix.ops import ReplaceChars
from vidlint.rules.registry import Finding, RequestContext, derived, rule
from vidlint.rules.request import (
    applies,
    counted,
    field_label,
    when_words,
)

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
# An ASCII tag ends at an ASCII letter, digit or underscore only: Chinese text written right
# against it ("参考@image1的风格", "让Image 1跳舞") does not hide the tag.
_W = "[A-Za-z0-9_]"


def _matches(pattern: re.Pattern[str], text: str, starts: list[int] | None) -> list[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, given (ascending) every index at which a match can
    begin (None: any): the regex runs only there. A tag's regex opens with a look-behind, so
    ``re`` cannot skip ahead to a literal by itself and would try every character of the prompt."""
    if starts is None:
        return list(pattern.finditer(text))
    found: list[re.Match[str]] = []
    end = 0
    for start in starts:
        if start >= end:
            match = pattern.match(text, start)  # its look-behind still sees the text before ``start``
            if match is not None:
                found.append(match)
                end = match.end()
    return found


def _literal_first(literal: str, apart: bool) -> str:
    """``literal``, not part of a longer word when ``apart`` (no ASCII letter, digit or ``_``
    before it), written with the literal first: ``re`` then skips ahead to the literal with a
    fast search, where a pattern that opens with a look-behind is tried at every character.
    The look-behind, behind the literal, still looks at the character before it."""
    return f"{literal}(?<!{_W}{literal})" if apart and literal else literal


def _all(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, for a pattern that matches no empty string (a
    search from each match's end; quicker than the iterator for the few matches of a prompt)."""
    found = []
    match = pattern.search(text)
    while match is not None:
        found.append(match)
        match = pattern.search(text, match.end())
    return found


class Tag(FrozenRecord):
    """One tag form of a model's ``reference_tags``, compiled: ``exact`` finds the canonical
    spelling (group 1: the number), ``zero`` it numbered below the base, ``loose`` its near misses
    (group 1: the word, 2: the number). Every match of them begins with one of ``words`` (lower
    case) after a run of ``edges`` (the opener's and suffix's characters, lower case): where
    :class:`TagFinder` looks for them. ``sought``, ``counted``: what :meth:`TagGrammar.scan` counts
    (how many of ``sought`` an ASCII text in lower case holds: none, nothing of this form is in
    it; as many as its canonical tags of a form ``counted``, nothing else). The three regexes are
    compiled when first read (``_sources``): a prompt meets few of a model's forms, and compiling
    all of them cost the first request of a model 5-10 ms (``re`` parses each in Python)."""

    __slots__ = ("form", "target", "base", "singular", "exact", "zero", "loose", "ascii", "words", "edges", "sought",
                 "counted", "_sources")

    def __init__(self, form: str, target: str | list[str], base: int, singular: str | None, aliases: list[str]) -> None:
        prefix, _, rest = form.partition("{n}")[0], None, form.partition("{n}")[2]
        suffix = rest
        head = prefix.rstrip(" _-")
        separator = prefix[len(head):]
        word = head.lstrip("@<[{(#")
        opener = head[:len(head) - len(word)]
        self.form, self.base, self.singular = form, base, singular
        self.target: str | tuple[str, ...] = target if isinstance(target, str) else tuple(target)
        self.ascii = bool(_ASCII_WORD.match(word[:1]))
        number = "(0|[1-9][0-9]*)" if base == 0 else "([1-9][0-9]*)"
        literal = _literal_first(re.escape(opener + word + separator), self.ascii or bool(opener))
        after = f"(?!{_W})" if self.ascii and not suffix else r"(?![0-9])"
        words = sorted({word.lower(), *(a.lower() for a in aliases)}, key=len, reverse=True)
        edges = "".join(sorted(set(opener + suffix)))
        around = f"[{re.escape(edges)}]*" if edges else ""
        joiner = r"[ \t]*[#№_-]?[ \t]*" if self.ascii else r"[ \t]*"
        tail = r"(?![A-Za-z0-9_.,][0-9]|[A-Za-z0-9])" if self.ascii else ""
        # (name, pattern, flags) of each regex, compiled by __getattr__ when first read (a tuple: hashable)
        self._sources: tuple[tuple[str, str | None, int], ...] = (
            ("exact", literal + number + re.escape(suffix) + after, 0),
            # the right spelling with a number below the base ("Image 0" when counting starts at 1)
            ("zero", literal + "(0+)" + re.escape(suffix) + after if base > 0 else None, 0),
            ("loose", (f"(?<!{_W})" if self.ascii else "") + around + "(" + "|".join(map(re.escape, words))
             + ")" + joiner + "([0-9０-９]+)" + around + tail, re.I if self.ascii else 0),
        )
        self.words, self.edges = tuple(words), edges.lower()
        # In an ASCII text a match of this form begins where one of these words does (its ASCII
        # words that begin with no other of them), after a run of edges: none of them, nothing of it.
        self.sought = tuple(w for w in words if w.isascii() and not any(v != w and w.startswith(v) for v in words))
        # A form without edges whose words are ASCII letters has, where its canonical tag begins,
        # no near miss but that tag (``loose`` fails there or ends where it ends: a shorter or
        # longer word would stop at a letter, the separator or a digit; the digits are the tag's,
        # all of them) and none numbered below the base. So when its words occur as often as its
        # canonical tags, there is nothing else. (``str.count`` leaves out an occurrence that
        # overlaps the one before it, "aba" in "ababa": after a letter, where no match begins.)
        self.counted = not edges and all(w.isascii() and w.isalpha() for w in words)

    exact: re.Pattern[str]
    zero: re.Pattern[str] | None
    loose: re.Pattern[str]

    def __getattr__(self, name: str) -> Any:
        """``exact``, ``zero`` or ``loose`` not read before: compiled now, then a plain slot."""
        for slot, pattern, flags in object.__getattribute__(self, "_sources"):
            if slot == name:
                compiled = None if pattern is None else re.compile(pattern, flags)
                setattr(self, name, compiled)
                return compiled
        raise AttributeError(name)

    def spelled(self, number: int) -> str:
        return self.form.replace("{n}", str(number))

class TagFinder:
    """Where any of a grammar's tags can begin in a text: each tag's zero and loose regexes then
    run only at those places (:func:`_matches`), not at every character (``exact``, written
    literal first, searches for its literal itself); looked for only when the count of a form's
    words (:meth:`TagGrammar.scan`) does not tell that there is nothing to find. A match of a
    tag begins with one of its ``words`` (lower case) after a run of its ``edges``, so the places
    are found with ``str.find`` in the text in lower case (one search per word that no shorter
    word begins). In an ASCII text ``re.I`` compares characters as ``lower()`` does; beyond
    ASCII it does not ("ımage" matches "image"), so other texts are searched everywhere."""

    def __init__(self, tags: list[Tag]) -> None:
        self.tags = tags
        words = {w for tag in tags for w in tag.words}
        shortest = sorted(w for w in words if not any(w != v and w.startswith(v) for v in words))
        # a tag can begin where a word of it does, so where the shortest word its word begins with does
        # (only ASCII words: :meth:`starts` answers for ASCII texts only, where no other word occurs)
        self.sought = [(word, tuple(i for i, tag in enumerate(tags) if any(w.startswith(word) for w in tag.words)))
                       for word in shortest if word.isascii()]
        self.usable = all(all(w.isascii() for w in tag.words) and tag.edges.isascii() for tag in tags if tag.ascii)
        self.edgeless = not any(tag.edges for tag in tags)  # every match begins where its word does

    def starts(self, text: str) -> dict[int, list[int]] | None:
        """For each tag (by its index) that can occur in ``text``, the indexes at which a match of
        it can begin (ascending); None when the text is to be searched everywhere."""
        if not self.usable or not text.isascii():
            return None
        lowered = text.lower()
        if self.edgeless:
            return self._word_starts(lowered)
        hits: list[tuple[int, tuple[int, ...]]] = []
        for word, indexes in self.sought:
            at = lowered.find(word)
            while at >= 0:
                hits.append((at, indexes))
                at = lowered.find(word, at + 1)
        hits.sort()  # in text order: each tag's places are then mostly appended, already in order
        found: dict[int, list[int]] = {}
        for at, indexes in hits:
            for index in indexes:
                first, edges = at, self.tags[index].edges
                while first > 0 and lowered[first - 1] in edges:
                    first -= 1
                places = found.get(index)
                if places is None:
                    found[index] = list(range(first, at + 1))
                elif first > places[-1]:
                    places.extend(range(first, at + 1))
                else:  # a run of edges reaches back over places already found
                    found[index] = sorted({*places, *range(first, at + 1)})
        return found

    def _word_starts(self, lowered: str) -> dict[int, list[int]]:
        """:meth:`starts` for tags without edges: the places are where the words begin (no two
        sought words begin at one place: none begins another)."""
        found: dict[int, list[int]] = {}
        for word, indexes in self.sought:
            at = lowered.find(word)
            while at >= 0:
                for index in indexes:
                    places = found.get(index)
                    if places is None:
                        found[index] = [at]
                    else:
                        places.append(at)
                at = lowered.find(word, at + 1)
        if len(self.sought) > 1:
            for places in found.values():
                places.sort()  # one tag's words interleave
        return found


class TagGrammar(FrozenRecord):
    """A model's ``reference_tags``: its tag forms and the foreign syntaxes it forbids."""

    __slots__ = ("tags", "forbidden", "name_them_from", "near_miss", "finder", "texts", "singulars", "ascii_tags")

    def __init__(self, spec: dict[str, Any]) -> None:
        base = spec.get("base", 1)
        # what VL311 says of a near miss: families whose docs say loose wording may still be
        # understood (seedance) say so instead of "not read"
        self.near_miss = spec.get("near_miss", "is not read as a reference; the model reads")
        self.tags = [Tag(t["form"], t["target"], t.get("base", base), t.get("singular"), t.get("aliases", []))
                     for t in spec.get("tags", [])]
        self.forbidden = [(Tag(f["form"], "", 0, None, []), f) for f in spec.get("forbidden", [])]
        self.name_them_from = spec.get("name_them_from", 2)
        self.finder = TagFinder(self.tags)
        # (index, tag) of the forms with a word in ASCII: the only ones an ASCII text can hold
        self.ascii_tags = [(index, tag) for index, tag in enumerate(self.tags) if tag.sought]
        self.texts: list[str] = spec.get("texts", ["/prompt"])  # pointer patterns of the texts tags are read in
        self.singulars = [(tag, tag.singular) for tag in self.tags if tag.singular]  # VL312's phrases

    def scan(self, pointer: str, text: str) -> PromptText:
        """Every tag, near miss and foreign tag in ``text``: what the tag rules read. A near miss
        (``loose``) that is the tag's own canonical match, same span, is left out: it is no near
        miss (most tags of a prompt are written right)."""
        lowered = text.lower()
        in_ascii = text.isascii()  # (then re.I compares characters as lower() does)
        starts: dict[int, list[int]] | None = None
        looked = False
        numbers: list[tuple[Tag, list[str]]] = []
        zero: list[tuple[Tag, re.Match[str]]] = []
        loose: list[tuple[Tag, re.Match[str]]] = []
        for index, tag in self.ascii_tags if in_ascii else enumerate(self.tags):
            if in_ascii:
                occurring = 0
                for word in tag.sought:  # (in a loop here, not a method: a call costs ~0.2 us a form)
                    occurring += lowered.count(word)
                if not occurring:
                    continue  # none of its words: nothing of it in this text
            else:
                occurring = None
            written = tag.exact.findall(text)  # the canonical tags' numbers (their matches: PromptText.exact)
            if written:
                numbers.append((tag, written))
            if tag.counted and occurring == len(written):
                continue  # each begins a canonical tag: nothing else of it (most prompts)
            if not looked:
                starts, looked = self.finder.starts(text), True
            places = None
            if starts is not None:  # None: every regex over the whole text
                places = starts.get(index)
                if places is None:
                    continue  # none of its words is in the text
            if tag.zero is not None and "0" in text:
                for match in _matches(tag.zero, text, places):
                    zero.append((tag, match))
            spans = {match.span() for match in _all(tag.exact, text)} if written else set()
            for match in _matches(tag.loose, text, places):
                if match.span() not in spans:
                    loose.append((tag, match))
        foreign = [(entry, match) for tag, entry in self.forbidden for match in _all(tag.exact, text)] \
            if self.forbidden else []
        return PromptText(pointer, text, lowered, numbers, zero, loose, foreign)

    def targets(self) -> list[str | tuple[str, ...]]:
        return list(dict.fromkeys(tag.target for tag in self.tags))


def _field(target: str | tuple[str, ...]) -> str:
    return field_label(target) if isinstance(target, str) else " + ".join(field_label(t) for t in target)


def grammar(meta: dict[str, Any]) -> TagGrammar:
    """The model's ``reference_tags``, compiled once per model."""
    return derived(meta, _compile_grammar)  # type: ignore[no-any-return]


def _compile_grammar(meta: dict[str, Any]) -> TagGrammar:
    return TagGrammar(meta["reference_tags"])


class PromptText(FrozenRecord):
    """One text the tags are read in, scanned once per request and read by every tag rule: the
    numbers of its canonical tags as written (``numbers``: (tag, [number, ...]) for each form
    that has some), those numbered below the base (``zero``) and near misses (``loose``: not
    those that are a canonical tag of the same form, same span), each (tag, match), in the
    grammar's order; ``foreign``: (``forbidden`` entry, match); ``lowered``: the text in lower
    case. The canonical tags' matches (``exact``) are found again when asked for: only a
    finding needs where a tag is, and most prompts give none."""

    pointer: str
    text: str
    lowered: str
    numbers: list[tuple[Tag, list[str]]]
    zero: list[tuple[Tag, re.Match[str]]]
    loose: list[tuple[Tag, re.Match[str]]]
    foreign: list[tuple[dict[str, Any], re.Match[str]]]

    @property
    def exact(self) -> list[tuple[Tag, re.Match[str]]]:
        """(tag, match) of each canonical tag, in the order of ``numbers``."""
        return [(tag, match) for tag, _ in self.numbers for match in _all(tag.exact, self.text)]


def _texts(ctx: RequestContext) -> tuple[TagGrammar, list[PromptText]]:
    """The model's tag grammar and every non-empty text the tags are read in, scanned once per
    request: ``reference_tags.texts`` (pointer patterns; kling also reads
    ``/model_params/multi_prompt/*/prompt``), default the prompt."""
    scanned = ctx.tags
    if scanned is None:
        rules, texts = grammar(ctx.meta), []
        for pattern in rules.texts:
            for pointer, value in match_pattern(ctx.request, pattern):
                if isinstance(value, str) and value:
                    texts.append(rules.scan(pointer, value))
        scanned = ctx.tags = (rules, texts)
    return scanned  # type: ignore[no-any-return]


def _counted(ctx: RequestContext, target: str | tuple[str, ...]) -> int:
    """How many inputs a tag's target holds, worked out once per request (:func:`counted`); a
    list of pointers (one numbering over several fields, in order) counts them all."""
    count = ctx.counts.get(target)
    if count is None:
        count = counted(ctx, target) if isinstance(target, str) else sum(counted(ctx, t) for t in target)
        ctx.counts[target] = count
    return count


@lru_cache(maxsize=64)
def _named(base: int, count: int) -> frozenset[str]:
    """The numbers of the tags that name one of ``count`` entries counted from ``base``, as a
    canonical tag writes them (no leading zero): a tag's number is looked up, not converted."""
    return frozenset(str(number) for number in range(base, base + count))


def _having(field: str, count: int) -> str:
    return f"{field} has {plural(count, 'entry')}" if count else f"{field} is empty"


@rule("VL302", "empty-prompt", "warning", stage="request")
def empty_prompt(ctx: RequestContext) -> Iterator[Finding]:
    """The prompt is empty or only white space.

    The model then has nothing to go on but the references; results are unpredictable.

    Fix: describe what happens in the video.
    """
    request = ctx.request
    if "prompt" in request and isinstance(request["prompt"], str) and not request["prompt"].strip():
        yield Finding("/prompt", "prompt is empty", "describe the scene and what the characters do")


@rule("VL310", "reference-out-of-range", "error", stage="request", reads="reference_tags")
def reference_out_of_range(ctx: RequestContext) -> Iterator[Finding]:
    """The prompt refers to an input that the request does not have.

    Each tag form of the model's ``reference_tags`` points into one field: "Image 3" means
    ``image_urls[2]``, "<<<element_2>>>" ``model_params.element_list[1]``; each field is
    counted on its own. A tag past the end renders a clip in which it points at nothing.

    Counting starts at the tag's ``base`` (1 unless the data says otherwise): "Image 0" and
    "图0" name nothing at all.

    Breaks it: ``"prompt": "Image 3 waves"`` with two entries in ``image_urls``; ``"Image 0 waves"``.
    Fix: refer to Image 1 or Image 2, or add the third image.
    """
    for scanned in _texts(ctx)[1]:
        pointer = scanned.pointer
        for tag, match in scanned.zero:
            first, field = tag.spelled(tag.base), _field(tag.target)
            yield Finding(pointer, f'the prompt refers to "{match.group(0)}", but references count from {tag.base}: '
                          f'"{first}" is {field}[0]', f'write "{first}" for the first entry of {field}',
                          char=match.start())
        for form, numbers in scanned.numbers:
            count = _counted(ctx, form.target)
            named = _named(form.base, count)
            if named.issuperset(numbers):
                continue  # each of the form's tags names an entry (nearly every prompt)
            for tag, match in scanned.exact:
                if tag is not form or match[1] in named:
                    continue
                field = _field(tag.target)
                hint = (f"refer to {tag.spelled(tag.base)}" if count == 1
                        else f"refer to {span(tag.base, count - 1 + tag.base)}" if count
                        else f"add it to {field} or reword the prompt")
                yield Finding(pointer, f'the prompt refers to "{match.group(0)}", but {_having(field, count)}', hint,
                              char=match.start())


@rule("VL311", "reference-spelling", "warning", stage="request", reads="reference_tags", fix="unsafe")
def reference_spelling(ctx: RequestContext) -> Iterator[Finding]:
    """A reference written in a form the model does not read as a reference.

    The model recognises its tag forms exactly (``reference_tags``: "Image N" capitalised with
    one space, "@image1", "<<<image_1>>>", "图N"); other case, spacing or separators, a leading
    zero, full-width digits or another word for the same thing (an alias: "img", "pic") read
    as ordinary words, so the character is not tied to its reference.

    Breaks it: ``"prompt": "image 1 dances with Video1"`` where the form is "Image N".
    Fix: ``"prompt": "Image 1 dances with Video 1"``.

    The fix writes the canonical form. It is unsafe: the request was valid, and afterwards the
    model ties the character to the reference, which changes the video; and a near miss may be
    prose ("a picture 2 metres wide").
    """
    rules, texts = _texts(ctx)
    for scanned in texts:
        if scanned.loose:  # (most prompts have none)
            yield from _spelling(rules.near_miss, scanned)


def _spelling(near_miss: str, scanned: PromptText) -> Iterator[Finding]:
    pointer = scanned.pointer
    taken = {m.span() for _, m in scanned.exact}
    foreign = [m.span() for _, m in scanned.foreign]
    for tag, match in scanned.loose:
        if match.span() in taken or any(a < match.end() and match.start() < b for a, b in foreign):
            continue
        number = int(match.group(2).translate(_DIGITS))
        if number < tag.base:
            continue
        canonical = tag.spelled(number)
        if canonical == match.group(0):
            continue
        taken.add(match.span())
        yield Finding(pointer, f'"{match.group(0)}" {near_miss} "{canonical}"',
                      f'write "{canonical}"', char=match.start(),
                      fix=Fix(f'write "{canonical}"', (ReplaceChars(pointer, match.start(), match.end(), canonical),)))


@rule("VL312", "ambiguous-reference", "warning", stage="request", reads="reference_tags")
def ambiguous_reference(ctx: RequestContext) -> Iterator[Finding]:
    """A phrase meaning "the only one" ("the reference image") while the request has none, or several.

    The docs allow such a phrase (a tag's ``singular`` in the model data) only when there is
    exactly one; with several the model cannot tell which is meant.

    Breaks it: "the reference image smiles" with three images.
    Fix: "Image 2 smiles".
    """
    rules, texts = _texts(ctx)
    if not rules.singulars:
        return
    for scanned in texts:
        lowered = scanned.lowered
        for tag, singular in rules.singulars:
            if singular not in lowered:
                continue  # (most prompts: a test, not a method call)
            pointer, text, at = scanned.pointer, scanned.text, lowered.find(singular)
            count, field = _counted(ctx, tag.target), _field(tag.target)
            if count > 1:
                yield Finding(pointer, f'"{text[at:at + len(singular)]}" is ambiguous: {field} has {count} entries',
                              f'name it: "{tag.spelled(tag.base)}" .. "{tag.spelled(count - 1 + tag.base)}"', char=at)
            elif count == 0:
                yield Finding(pointer, f'the prompt mentions "{text[at:at + len(singular)]}", but {field} is empty',
                              f"add it to {field} or reword the prompt", char=at)


@rule("VL313", "unnamed-references", "info", stage="request", reads="reference_tags")
def unnamed_references(ctx: RequestContext) -> Iterator[Finding]:
    """Several references, and the prompt names none of them.

    With several references (``reference_tags.name_them_from``, default 2) the model learns
    who is who only from the tags in the prompt; without them it guesses.

    Fix: name each character by its tag, e.g. "Image 1 hands Image 2 a cup".
    """
    rules, scanned_texts = _texts(ctx)
    for scanned in scanned_texts:
        if scanned.numbers:
            return  # the prompt names one
    texts = [scanned for scanned in scanned_texts if scanned.text.strip()]
    if not texts:
        return  # no prompt
    total = sum(_counted(ctx, target) for target in rules.targets())
    if total >= rules.name_them_from:
        first: dict[str | tuple[str, ...], Tag] = {}
        others = []
        for tag in rules.tags:
            if tag.target in first:
                others.append(tag.spelled(tag.base))
            else:
                first[tag.target] = tag
        hint = "refer to them as " + " / ".join(f"{t.spelled(t.base)}.." for t in first.values())
        yield Finding(texts[0].pointer, f"the request has {total} references, but the prompt names none of them",
                      hint + (f" (or {' / '.join(others)})" if others else ""))


@rule("VL314", "foreign-tag-syntax", "error", stage="request", reads="reference_tags.forbidden")
def foreign_tag_syntax(ctx: RequestContext) -> Iterator[Finding]:
    """The prompt uses another family's tag syntax, which this model does not read.

    The model data's ``reference_tags.forbidden`` lists syntaxes the docs warn against
    (minimax: "do not use Seedance-style @image1"), with the documented words.

    Breaks it: ``"prompt": "@image1 walks in"`` for a model whose tags are "Image N".
    Fix: the model's own form, "Image 1 walks in".
    """
    for scanned in _texts(ctx)[1]:
        for entry, match in scanned.foreign:
            yield Finding(scanned.pointer, f'"{match.group(0)}": {entry["message"]}', entry.get("hint"), char=match.start())


# --- shots -------------------------------------------------------------------------------------

# No two [ \t]* next to each other (even across an optional token): that backtracks quadratically.
# Pattern texts, compiled by re's cache when a model with shots first reads them (~1.5 ms, which
# the first request of a model without shots would otherwise pay).
_SHOT = (r"(?i)(?<![\w])shot[ \t]*(?:#[ \t]*)?(\d+)[ \t]*[\[(（【][ \t]*(\d+(?:\.\d+)?)[ \t]*(?:s[ \t]*)?"
         r"(?:-|–|—|~|～|to)[ \t]*(\d+(?:\.\d+)?)[ \t]*(?:(?:s|sec|seconds?)[ \t]*)?[\])）】]")
_SINGLE = r"(?i)single[- ]shot|一镜到底|单镜头"


class Shot(FrozenRecord):
    """A timed shot of a multi-shot prompt; ``at``: its index in the prompt."""

    number: int
    start: float
    end: float
    at: int
    text: str


def timed_shots(text: str) -> list[Shot]:
    return [Shot(int(m.group(1)), float(m.group(2)), float(m.group(3)), m.start(), m.group(0))
            for m in re.finditer(_SHOT, text)]


def _setting(ctx: RequestContext) -> tuple[str, list[Shot], float | None, bool]:
    request, meta = ctx.request, ctx.meta
    spec = meta["multi_shot"]
    text = request.get(spec["field"])
    text = text if isinstance(text, str) else ""
    field = spec["duration_field"]
    value = request.get(field, meta.get("defaults", {}).get(field))
    duration = None if isinstance(value, bool) or not isinstance(value, (int, float)) else float(value)
    return text, timed_shots(text), duration, field in request


@rule("VL320", "shot-past-duration", "warning", stage="request", reads="multi_shot")
def shot_past_duration(ctx: RequestContext) -> Iterator[Finding]:
    """A timed shot runs past the video's ``duration``.

    In a shot list like "Shot 5 [12-15s] close-up: ..." the times are seconds of the output
    video. A shot that starts or ends after ``duration`` (5 s when not set) is cut short or
    never shown.

    Breaks it: shots up to "[12-15s]" with ``"duration": 10`` (or no duration).
    Fix: ``"duration": 15``, or retime the shots to fit.
    """
    meta = ctx.meta
    text, shots, duration, explicit = _setting(ctx)
    if duration is None:
        return
    late = [s for s in shots if s.end > duration]
    if not late:
        return
    first, last_end = late[0], max(s.end for s in shots)
    field = meta["multi_shot"]["duration_field"]
    told = f"{field} is {number(duration)} s" + ("" if explicit else " (the default)")
    yield Finding(f"/{meta['multi_shot']['field']}",
                  f'"{first.text}" ends at {number(first.end)} s, but {told}: the shot list runs to {number(last_end)} s',
                  f"set {field} to {number(min(last_end, 15))}" + (" (the maximum is 15)" if last_end > 15 else "")
                  + ", or retime the shots", char=first.at)


@rule("VL321", "shot-timing", "info", stage="request", reads="multi_shot")
def shot_timing(ctx: RequestContext) -> Iterator[Finding]:
    """Timed shots that overlap, leave a gap, run backwards or are numbered out of order.

    "Shot 2 [3-6s]" after "Shot 1 [0-3s]" reads cleanly; "Shot 2 [2-6s]" overlaps shot 1,
    "Shot 2 [4-6s]" leaves a second the list does not describe, "[6-3s]" ends before it starts.
    The model interprets such lists its own way.

    Breaks it (info): "Shot 1 [0-3s] ... Shot 2 [2-6s] ...".
    Fix: "Shot 1 [0-3s] ... Shot 2 [3-6s] ...".
    """
    meta = ctx.meta
    text, shots, _, _ = _setting(ctx)
    field = f"/{meta['multi_shot']['field']}"
    for index, shot in enumerate(shots):
        if shot.end <= shot.start:
            yield Finding(field, f'"{shot.text}" ends before it starts', "write the start time first", char=shot.at)
            continue
        if index == 0:
            if shot.start > 0:
                yield Finding(field, f'the first timed shot "{shot.text}" starts at {number(shot.start)} s, not 0',
                              "start the first shot at 0s", char=shot.at)
            continue
        before = shots[index - 1]
        if shot.number != before.number + 1:
            yield Finding(field, f'"{shot.text}" follows shot {before.number}', f"number it Shot {before.number + 1}",
                          char=shot.at)
        if shot.start < before.end:
            yield Finding(field, f'"{shot.text}" overlaps the shot before it (which ends at {number(before.end)} s)',
                          f"start it at {number(before.end)}s", char=shot.at)
        elif shot.start > before.end:
            yield Finding(field, f'"{shot.text}" leaves {number(shot.start - before.end)} s after the shot before it '
                          f"undescribed", f"start it at {number(before.end)}s", char=shot.at)


@rule("VL322", "single-shot-with-shot-list", "warning", stage="request", reads="multi_shot")
def single_shot_with_shot_list(ctx: RequestContext) -> Iterator[Finding]:
    """The prompt asks for a single-shot video and lists several timed shots.

    "generate a single-shot video" and a list "Shot 1 [0-3s] ... Shot 2 [3-6s] ..." ask for
    opposite things; which one the model follows is not documented.

    Breaks it: "Generate a single-shot video. Shot 1 [0-3s] ... Shot 2 [3-5s] ...".
    Fix: drop the shot list, or say "generate a multi-shot video".
    """
    meta = ctx.meta
    text, shots, _, _ = _setting(ctx)
    single = re.search(_SINGLE, text)
    if single and len(shots) >= 2:
        yield Finding(f"/{meta['multi_shot']['field']}",
                      f'the prompt asks for "{single.group(0)}" but lists {len(shots)} timed shots',
                      'remove the shot list, or ask for "a multi-shot video"', char=single.start())


@rule("VL323", "shot-list-durations", "error", stage="request", reads="shot_lists")
def shot_list_durations(ctx: RequestContext) -> Iterator[Finding]:
    """A structured shot list whose shot durations do not add up to the video's duration.

    A model's ``shot_lists`` entry names the array of shots (kling ``model_params.multi_prompt``),
    the key of each shot's duration (numeric strings such as ``"3"`` are read as numbers) and
    the field they must add up to; each shot lasts at least ``min_shot`` seconds (default 1).
    With ``index_key``, each shot also carries its number, which must count 1, 2, 3... in the
    list's order (kling: "shot sequence number, starting from 1").

    Breaks it: shots of "3" and "3" seconds with ``"duration": 5``; shots whose ``index`` is
    2 then 1.
    Fix: make the shots add up to ``duration``, or change ``duration``; number the shots 1, 2,
    3... in order.
    """
    request = ctx.request
    for entry in ctx.meta["shot_lists"]:
        shots = get_pointer(request, entry["at"])
        if not isinstance(shots, list) or not shots or not applies(entry, request):
            continue
        yield from _shot_numbers(entry, shots)
        key, lengths = entry.get("duration_key", "duration"), []
        for index, shot in enumerate(shots):
            value = shot.get(key) if isinstance(shot, dict) else None
            try:
                seconds = float(value) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else None
            except ValueError:
                seconds = None
            if seconds is None:
                break  # the schema reports the shot's type
            if seconds < entry.get("min_shot", 1):
                yield Finding(f"{entry['at']}/{index}/{key}", f"shot {index + 1} lasts {number(seconds)} s; each shot lasts at "
                              f"least {number(entry.get('min_shot', 1))} s", "lengthen it, or merge it into a neighbour")
            lengths.append(seconds)
        else:
            total_field = entry.get("total", "/duration")
            name = field_label(total_field)
            total = get_pointer(request, total_field)
            if total is None:
                total = (ctx.meta.get("defaults") or {}).get(name)
            if isinstance(total, bool) or not isinstance(total, (int, float)):
                continue
            if abs(sum(lengths) - total) > 1e-6:
                shown = " + ".join(number(s) for s in lengths)
                told = "" if get_pointer(request, total_field) is not None else " (the default)"
                yield Finding(entry["at"], f"the shots last {shown} = {number(sum(lengths))} s, but {name} is {number(total)} s{told}; "
                              f"they must add up to it{when_words(entry)}",
                              f"make the shot durations add up to {number(total)}, or set {name} to {number(sum(lengths))}")


def _shot_numbers(entry: dict[str, Any], shots: list[Any]) -> Iterator[Finding]:
    """The first shot whose ``index_key`` is not its place in the list (1, 2, 3...)."""
    key = entry.get("index_key")
    if not key:
        return
    for place, shot in enumerate(shots, start=1):
        value = shot.get(key) if isinstance(shot, dict) else None
        if isinstance(value, bool) or not isinstance(value, int):
            continue  # missing or mistyped: the schema reports it
        if value != place:
            yield Finding(f"{entry['at']}/{place - 1}/{key}", f"shot {place} of the list has {key} {value}; shots are "
                          f"numbered 1, 2, 3... in the list's order, so it must be {place}",
                          f"set {key} to {place} (renumber the shots 1..{len(shots)} in order)")
            return  # one finding: the rest follow from renumbering


# Han, kana, Hangul and full-width forms: scripts a tokenizer spends about a token (or more) on per character
# (compiled at the first non-ASCII prompt, by re's cache: compiling it costs ~8 ms, and most runs never need it)
_WIDE = ("[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
         "\U00020000-\U0003ffff]")
OTHER_CHARACTERS_PER_TOKEN = 4


def estimated_tokens(text: str) -> tuple[int, int]:
    """(the estimate, the number of wide characters): one token per wide character, one per four others."""
    wide = 0 if text.isascii() else len(re.findall(_WIDE, text))
    return wide + math.ceil((len(text) - wide) / OTHER_CHARACTERS_PER_TOKEN), wide


@rule("VL305", "prompt-token-estimate", "warning", stage="request", reads="prompt_tokens")
def prompt_token_estimate(ctx: RequestContext) -> Iterator[Finding]:
    """The prompt is probably longer than the model's limit, which is counted in tokens.

    Seedance 2.0 and 2.5 limit the prompt to 10000 tokens (the model's ``prompt_tokens``:
    ``field``, ``max_tokens``, ``recommended``) and document no tokenizer, so vidlint cannot
    count them. It estimates: one token per Chinese, Japanese or Korean character and one per 4
    other characters (typical for English with common tokenizers), and warns when the estimate
    is over the limit. It is an estimate: a prompt just under it may still be too long, and what
    the server does with a longer prompt is not documented. The message repeats the family's
    recommended length.

    Breaks it: a 12000-character Chinese prompt, or 48000 characters of English.
    Fix: shorten the prompt; the docs recommend far less than the limit.
    """
    spec = ctx.meta["prompt_tokens"]
    text = get_pointer(ctx.request, make_pointer(spec["field"]))
    if not isinstance(text, str):
        return
    estimate, wide = estimated_tokens(text)
    if estimate <= spec["max_tokens"]:
        return
    yield Finding(make_pointer(spec["field"]),
                  f"{spec['field']} is about {number(estimate)} tokens ({number(len(text))} characters, {number(wide)} of them Chinese, "
                  f"Japanese or Korean); the limit is {number(spec['max_tokens'])} tokens. No tokenizer is documented, so "
                  f"this is an estimate (one token per such character, one per {OTHER_CHARACTERS_PER_TOKEN} others)",
                  f"shorten it; the docs recommend {spec['recommended']}" if spec.get("recommended") else "shorten it")
