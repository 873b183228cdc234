"""``vidlint rules [CODE]``: every rule, or one rule's documentation (its function's docstring)."""

from __future__ import annotations

import sys

import click

from vidlint.cli.base import VidlintCommand

DESCRIPTION = """List every rule (code, default severity, name, one line), or print one rule's documentation.

CODE is a rule code such as VL311 (or its name, such as reference-spelling).
"""


def find_rule(name: str):  # type: ignore[no-untyped-def]
    """A rule by code (any case) or by name; None, with a suggestion on stderr, when there is none."""
    import difflib

    from vidlint.rules.registry import RENAMED, load_all_rules

    rules = load_all_rules()
    by_name = {r.name: r for r in rules.values()}
    wanted = name.strip()
    if wanted.upper() in RENAMED:
        print(f'vidlint: "{wanted.upper()}" is now "{RENAMED[wanted.upper()]}"', file=sys.stderr)
        wanted = RENAMED[wanted.upper()]
    if wanted.upper() in rules:
        return rules[wanted.upper()]
    if wanted.lower() in by_name:
        return by_name[wanted.lower()]
    close = difflib.get_close_matches(wanted.upper(), list(rules), n=1, cutoff=0.75) or \
        [by_name[m].code for m in difflib.get_close_matches(wanted.lower(), list(by_name), n=1, cutoff=0.75)]
    hint = f'; did you mean "{close[0]}"?' if close else "; `vidlint rules` lists them"
    print(f'vidlint: unknown rule "{name}"{hint}', file=sys.stderr)
    return None


def _models_note(rule, every: int) -> str:  # type: ignore[no-untyped-def]
    from vidlint.rules.docs import models_using

    if rule.stage in ("file", "cost", "online", "meta"):
        return "every model"
    using = models_using(rule)
    if len(using) == every:
        return "every model"
    return ", ".join(using) if using else "no model yet"


@click.command("rules", cls=VidlintCommand, help=DESCRIPTION)
@click.argument("code", required=False)
@click.option("--json", "as_json", is_flag=True,
              help="Print the rules as JSON (code, name, severity, stage, summary, doc, models, fix).")
def command(code: str | None, as_json: bool) -> int:
    from vidlint.models import known_models
    from vidlint.rules.docs import applies_to, fix_text, models_using
    from vidlint.rules.registry import load_all_rules

    if code:
        rule = find_rule(code)
        if rule is None:
            return 2
        chosen = [rule]
    else:
        chosen = list(load_all_rules().values())
    if as_json:
        import json

        print(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity.label, "stage": r.stage,
                           "summary": r.summary, "doc": r.doc, "models": models_using(r), "fix": r.fix} for r in chosen],
                         ensure_ascii=False, indent=2))
        return 0
    if code:
        rule = chosen[0]
        off = f"; off by default: --extend-select {rule.code}" if rule.opt_in else ""
        print(f"{rule.code} {rule.name} [{rule.severity.label}{off}]\n")
        print(rule.doc)
        print("\n" + applies_to(rule))
        print(fix_text(rule))
        return 0
    name_width = max(len(r.name) for r in chosen)
    every = len(known_models())
    for rule in chosen:
        off = " (off by default)" if rule.opt_in else ""
        print(f"{rule.code}  {rule.severity.label:<7}  {rule.name:<{name_width}}  {rule.summary}{off}  "
              f"[{_models_note(rule, every)}]")
    return 0
