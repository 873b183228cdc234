"""``vidlint models``: the models vidlint knows, with the summary from each schema's ``x-vidlint``."""

from __future__ import annotations

import click


@click.command("models")
@click.option("--json", "as_json", is_flag=True, help="Print the models as JSON.")
def models(as_json: bool) -> None:
    """List the models vidlint knows (name and summary)."""
    from vidlint.models import known_models, load_profile

    rows = []
    for name in known_models():
        profile = load_profile(name)
        summary = profile.meta.get("summary", "") if profile is not None else ""
        rows.append((name, summary if isinstance(summary, str) else ""))
    if as_json:
        import json

        click.echo(json.dumps([{"model": n, "summary": s} for n, s in rows], ensure_ascii=False, indent=2))
        return
    width = max((len(n) for n, _ in rows), default=0)
    for name, summary in rows:
        click.echo(f"{name:<{width}}  {summary}".rstrip())
