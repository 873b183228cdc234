"""The rules' documentation beyond their docstrings: which models each rule applies to and,
for each, the values of the model data it reads (or the schema nodes annotated with its code),
rendered from the model files so that no per-model number is written into a docstring; and the
whole as Markdown: docs/rules.md (one section per rule, headed by its code so that
``rules.md#vl104`` links to it), SARIF's ``help.markdown`` and ``vidlint rules CODE``.

Rule docstrings are written in reStructuredText's inline style (````"prompt": ...````);
Markdown has single backticks. docs/rules.md is generated, never edited by hand:
``python -m vidlint.rules.docs > docs/rules.md`` (a test says when it is out of date).
"""

from __future__ import annotations

import json
import re
from typing import Any

from vidlint.models import expand_refs, known_models, load_profile, load_schema_file
from vidlint.rules.registry import RENAMED, Rule, load_all_rules, model_data
from vidlint.rules.schema import TRANSLATES, other_violation, truncated_text


def models_using(declared: Rule) -> list[str]:
    """The models ``declared`` applies to: those whose data has what it reads; for a schema
    rule that only annotated schema nodes use, those whose schema names its code; else every one."""
    annotated_only = declared.stage == "schema" and not _translates_generically(declared)
    names = []
    for name in known_models():
        profile = load_profile(name)
        if profile is None or not declared.applies(profile.meta):
            continue
        if annotated_only and not _schema_names(profile, declared.code):
            continue
        names.append(name)
    return names


def _translates_generically(declared: Rule) -> bool:
    return declared in (other_violation, truncated_text) or any(declared in rules for rules in TRANSLATES.values())


def _schema_names(profile: Any, code: str) -> bool:
    """Whether the model's schema, or a shared file of its folder it refers to, annotates ``code``."""
    texts = [json.dumps(profile.schema)]
    texts += [json.dumps(load_schema_file(path.name)) for path in sorted(profile.path.parent.glob("_*.json"))
              if path.name in texts[0]]
    return any(f'"x-vidlint-code": "{code}"' in text or f'"{code}"' in text and "x-vidlint-code" in text
               for text in texts)


def model_values(declared: Rule) -> list[tuple[str, str]]:
    """(model, its values of the data ``declared`` reads, compact) for ``vidlint rules CODE``."""
    if not declared.reads:
        return _schema_values(declared) if declared.stage == "schema" else []
    rows = []
    for name in models_using(declared):
        profile = load_profile(name)
        found = model_data(profile.meta if profile else {}, declared.reads)
        if found:
            rows.append((name, "; ".join(f"{where}: {json.dumps(value, ensure_ascii=False)}" if where
                                         else json.dumps(value, ensure_ascii=False) for where, value in found)))
    return rows


_SCHEMA_NOISE = ("description", "title", "default", "examples", "$comment")


def _schema_values(declared: Rule) -> list[tuple[str, str]]:
    """For a schema rule: each model's schema nodes annotated with its code (or, for VL301,
    marked truncated), as ``where: constraint`` — the numbers live in the schema itself."""
    rows = []
    for name in models_using(declared):
        profile = load_profile(name)
        if profile is None:
            continue
        found: list[str] = []

        def walk(node: Any, where: str, found: list[str] = found) -> None:
            if isinstance(node, list):
                for item in node:
                    walk(item, where)
                return
            if not isinstance(node, dict):
                return
            code = node.get("x-vidlint-code")
            named = code == declared.code or (isinstance(code, dict) and declared.code in code.values())
            if named or (declared.name == "truncated-text" and node.get("x-vidlint-truncated")):
                shown = {k: v for k, v in node.items() if not k.startswith("x-") and k not in _SCHEMA_NOISE}
                if declared.name == "truncated-text":
                    shown = {"maxLength": node.get("maxLength")}
                text = json.dumps(shown, ensure_ascii=False)
                found.append(f"{where or '(request)'}: {text if len(text) <= 160 else text[:157] + '...'}")
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    for field, sub in value.items():
                        walk(sub, f"{where}.{field}" if where else field)
                elif not key.startswith("x-") and isinstance(value, (dict, list)):
                    walk(value, where)

        walk(expand_refs({k: v for k, v in profile.schema.items() if k != "x-vidlint"}, profile.path.name), "")
        if found:
            rows.append((name, "; ".join(dict.fromkeys(found))))
    return rows


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


def fix_text(rule: Any) -> str:
    """Whether and how safely the rule fixes (its ``fix=`` declaration), in one line."""
    if rule.fix and rule.stage == "media":
        return ("Fixable: unsafe, for a local asset: `vidlint lint --fix --unsafe-fixes --fix-assets DIR` writes a "
                "compliant copy into DIR and points the request at it.")
    return {"safe": "Fixable: safe (applied by `vidlint lint --fix`).",
            "unsafe": "Fixable: unsafe (applied by `vidlint lint --fix --unsafe-fixes`).",
            None: "Fixable: no (the finding is only shown)."}[rule.fix]


def rules_markdown() -> str:
    rules = sorted(load_all_rules().values(), key=lambda r: r.code)
    lines = ["# Rules", "",
             "<!-- Generated from vidlint's rule registry by `python -m vidlint.rules.docs > docs/rules.md`;"
             " edit the rules' docstrings, not this file. -->", "",
             "Every finding has a code. `vidlint rules CODE` prints the same documentation; codes and",
             "prefixes select and ignore rules in the configuration ([ci.md](ci.md)).", "",
             "| Code | Name | Default severity | Summary |", "| --- | --- | --- | --- |"]
    lines += [f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.severity.label} | "
              f"{rst_to_markdown(r.summary).replace('|', chr(92) + '|')} |" for r in rules]
    if RENAMED:
        lines += ["", "Renamed codes (still read in configuration and on the command line, with a note): "
                  + ", ".join(f"{old} is now [{new}](#{new.lower()})" for old, new in sorted(RENAMED.items())) + "."]
    for r in rules:
        lines += ["", f"## {r.code}", "", f"**{r.name}** · {r.severity.label} · {r.stage}", "", rule_markdown(r), "",
                  applies_to(r, markdown=True), "", fix_text(r)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(rules_markdown())
