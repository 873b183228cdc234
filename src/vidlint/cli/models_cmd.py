"""``vidlint models``: the models vidlint knows, with the summary from each schema's ``x-vidlint``."""

from __future__ import annotations

import click

from vidlint.cli.base import VidlintCommand

DESCRIPTION = "List the models vidlint knows, grouped by family (name and summary)."


@click.command("models", cls=VidlintCommand, help=DESCRIPTION)
@click.option("--json", "as_json", is_flag=True, help="Print the models as JSON.")
def command(as_json: bool) -> int:
    from vidlint.models import known_models, load_profile

    families: dict[str, list[tuple[str, str]]] = {}
    notes: dict[str, list[str]] = {}
    for name in known_models():
        profile = load_profile(name)
        meta = profile.meta if profile is not None else {}
        summary = meta.get("summary", "")
        family = meta["family"] if isinstance(meta.get("family"), str) else "other"
        families.setdefault(family, []).append((name, summary if isinstance(summary, str) else ""))
        notes[name] = [n for n in meta.get("notes", []) if isinstance(n, str)]
    if as_json:
        import json

        print(json.dumps([{"model": n, "family": f, "summary": s, "notes": notes[n]}
                          for f, rows in families.items() for n, s in rows],
                         ensure_ascii=False, indent=2))
        return 0
    width = max((len(n) for rows in families.values() for n, _ in rows), default=0)
    for index, (family, rows) in enumerate(sorted(families.items())):
        print(("\n" if index else "") + f"{family}:")
        for name, summary in rows:
            print(f"  {name:<{width}}  {summary}".rstrip())
    return 0
