"""Rules of the seedance-2.5 family that model data cannot say: the prompt's limit is counted in
tokens, and no tokenizer is documented.

A model gets this rule by having the key it reads (``prompt_tokens``).
"""

from __future__ import annotations

import math
import re
from typing import Iterator

from vidlint.core.wording import number
from vidlint.rules.registry import Finding, RequestContext, rule
from vidlint.core.pointers import get_pointer
from vidlint.core.pointers import make_pointer

# Han, kana, Hangul and full-width forms: scripts a tokenizer spends about a token (or more) on per character
_WIDE = re.compile("[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
                   "\U00020000-\U0003ffff]")
OTHER_CHARACTERS_PER_TOKEN = 4


def estimated_tokens(text: str) -> tuple[int, int]:
    """(the estimate, the number of wide characters): one token per wide character, one per four others."""
    wide = len(_WIDE.findall(text))
    return wide + math.ceil((len(text) - wide) / OTHER_CHARACTERS_PER_TOKEN), wide


@rule("VL305", "prompt-token-estimate", "warning", stage="request", reads="prompt_tokens")
def prompt_token_estimate(ctx: RequestContext) -> Iterator[Finding]:
    """The prompt is probably longer than the model's limit, which is counted in tokens.

    seedance-2.5 limits the prompt to 10000 tokens and documents no tokenizer, so vidlint
    cannot count them. It estimates: one token per Chinese, Japanese or Korean character and
    one per 4 other characters (typical for English with common tokenizers), and warns when
    the estimate is over the limit. It is an estimate: a prompt just under it may still be too
    long, and what the server does with a longer prompt is not documented. The docs recommend at
    most 500 Chinese characters or 1000 English words.

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
