"""``vidlint schema MODEL``: print the model's JSON Schema (the file vidlint itself checks with)."""

from __future__ import annotations

import click


@click.command("schema")
@click.argument("model")
def schema(model: str) -> None:
    """Print MODEL's JSON Schema (draft 2020-12), e.g. to save it for an editor or check-jsonschema."""
    from vidlint.models import known_models, load_profile, suggest_model

    profile = load_profile(model)
    if profile is None:
        guess = suggest_model(model)
        hint = f'; did you mean "{guess}"?' if guess else f"; vidlint knows: {', '.join(known_models())}"
        click.echo(f'vidlint: unknown model "{model}"{hint}', err=True)
        raise click.exceptions.Exit(2)
    click.echo(profile.path.read_text(encoding="utf-8"), nl=False)
