"""The rules' documentation as Markdown: docs/rules.md (one section per rule, headed by its
code so that ``rules.md#vl104`` links to it) and SARIF's ``help.markdown``.

Rule docstrings are written in reStructuredText's inline style (````"prompt": ...````);
Markdown has single backticks. docs/rules.md is generated, never edited by hand:
``python -m vidlint.rules_doc > docs/rules.md`` (a test says when it is out of date).
"""

from __future__ import annotations

import re
from typing import Any

_LITERAL = re.compile(r"``(.+?)``", re.S)



def rst_to_markdown(text: str) -> str:
    """Inline literals ````x```` -> ```x```; a literal holding a backtick gets a longer fence."""
    def literal(match: re.Match[str]) -> str:
        body = match[1]
        return f"`` {body} ``" if "`" in body else f"`{body}`"

    return _LITERAL.sub(literal, text)


def rule_markdown(rule: Any) -> str:
    """A rule's documentation: its docstring, in Markdown."""
    return rst_to_markdown(rule.doc or rule.summary or rule.name)


def applies_to(rule: Any, markdown: bool = False) -> str:
    """Which models the rule applies to and, for rules that read model data (or annotated schema
    nodes), each model's values, rendered from the models themselves."""
    from vidlint.rules.registry import model_values, models_using

    def code(text: str) -> str:
        return f"`{text}`" if markdown else text

    bullet = "- " if markdown else "  "
    if rule.stage in ("file", "cost", "online", "meta"):
        return "Applies to: every model."
    values = model_values(rule)
    if values:
        source = f"model data {code(rule.reads)}" if rule.reads else "the models' schemas"
        return "\n".join([f"Applies to ({source}):", *(f"{bullet}{model}: {code(shown)}" for model, shown in values)])
    if rule.reads:
        return f"Applies to: no model yet (switched on by the model data key {code(rule.reads)})."
    using = models_using(rule)
    return "Applies to: " + (", ".join(using) if using else "no model yet") + "."


def rules_markdown() -> str:
    from vidlint.rules.registry import load_all_rules

    rules = sorted(load_all_rules().values(), key=lambda r: r.code)
    lines = ["# Rules", "",
             "<!-- Generated from vidlint's rule registry by `python -m vidlint.rules_doc > docs/rules.md`;"
             " edit the rules' docstrings, not this file. -->", "",
             "Every finding has a code. `vidlint rules CODE` prints the same documentation; codes and",
             "prefixes select and ignore rules in the configuration ([ci.md](ci.md)).", "",
             "| Code | Name | Default severity | Summary |", "| --- | --- | --- | --- |"]
    lines += [f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.severity.label} | "
              f"{rst_to_markdown(r.summary).replace('|', chr(92) + '|')} |" for r in rules]
    for r in rules:
        lines += ["", f"## {r.code}", "", f"**{r.name}** · {r.severity.label} · {r.stage}", "", rule_markdown(r), "",
                  applies_to(r, markdown=True)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(rules_markdown())
