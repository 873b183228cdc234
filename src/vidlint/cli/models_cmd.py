"""``vidlint models``: the models vidlint knows, with the summary from each schema's ``x-vidlint``."""

from __future__ import annotations

import click

from vidlint.cli.base import VidlintCommand

DESCRIPTION = "List the models vidlint knows (name and summary)."


@click.command("models", cls=VidlintCommand, help=DESCRIPTION)
@click.option("--json", "as_json", is_flag=True, help="Print the models as JSON.")
def command(as_json: bool) -> int:
    from vidlint.models import known_models, load_profile

    rows = []
    for name in known_models():
        profile = load_profile(name)
        summary = profile.meta.get("summary", "") if profile is not None else ""
        rows.append((name, summary if isinstance(summary, str) else ""))
    if as_json:
        import json

        print(json.dumps([{"model": n, "summary": s} for n, s in rows], ensure_ascii=False, indent=2))
        return 0
    width = max((len(n) for n, _ in rows), default=0)
    for name, summary in rows:
        print(f"{name:<{width}}  {summary}".rstrip())
    return 0
