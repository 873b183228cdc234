"""``vidlint rules [CODE]``: every rule, or one rule's documentation (its function's docstring)."""

from __future__ import annotations

import click


def find_rule(name: str):  # type: ignore[no-untyped-def]
    """A rule by code (any case) or by name; exit 2 with a suggestion when there is none."""
    import difflib

    from vidlint.check.rules.registry import load_all_rules

    rules = load_all_rules()
    by_name = {r.name: r for r in rules.values()}
    wanted = name.strip()
    if wanted.upper() in rules:
        return rules[wanted.upper()]
    if wanted.lower() in by_name:
        return by_name[wanted.lower()]
    close = difflib.get_close_matches(wanted.upper(), list(rules), n=1, cutoff=0.75) or \
        [by_name[m].code for m in difflib.get_close_matches(wanted.lower(), list(by_name), n=1, cutoff=0.75)]
    hint = f'; did you mean "{close[0]}"?' if close else "; `vidlint rules` lists them"
    click.echo(f'vidlint: unknown rule "{name}"{hint}', err=True)
    raise click.exceptions.Exit(2)


@click.command("rules")
@click.argument("code", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON (code, name, severity, kind, summary, doc).")
def rules(code: str | None, as_json: bool) -> None:
    """List every rule (code, default severity, name, one line), or print one rule's documentation.

    CODE is a rule code such as VL311 (or its name, such as reference-spelling).
    """
    from vidlint.check.rules.registry import load_all_rules

    chosen = [find_rule(code)] if code else list(load_all_rules().values())
    if as_json:
        import json

        click.echo(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity.label, "kind": r.kind,
                                "summary": r.summary, "doc": r.doc} for r in chosen], ensure_ascii=False, indent=2))
        return
    if code:
        rule = chosen[0]
        click.echo(f"{rule.code} {rule.name} [{rule.severity.label}]\n")
        click.echo(rule.doc)
        return
    name_width = max(len(r.name) for r in chosen)
    for rule in chosen:
        click.echo(f"{rule.code}  {rule.severity.label:<7}  {rule.name:<{name_width}}  {rule.summary}")
