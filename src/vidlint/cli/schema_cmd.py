"""``vidlint schema MODEL``: print the model's JSON Schema, bundled to stand alone (``vidlint.schema_bundle``)."""

from __future__ import annotations

import sys

import click

from vidlint.cli.base import VidlintCommand

DESCRIPTION = ("Print MODEL's JSON Schema (draft 2020-12, one file, no external $ref), e.g. to save it for an "
               "editor or check-jsonschema.")


def complete_model(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from vidlint.models import known_models

    return [name for name in known_models() if name.startswith(incomplete)]


@click.command("schema", cls=VidlintCommand, help=DESCRIPTION)
@click.argument("model", shell_complete=complete_model)
def command(model: str) -> int:
    from vidlint.models import load_profile, unknown_model_hint

    profile = load_profile(model)
    if profile is None:
        print(f'vidlint: unknown model "{model}"; {unknown_model_hint(model)}', file=sys.stderr)
        return 2
    import json

    from vidlint.schema_bundle import bundle

    sys.stdout.write(json.dumps(bundle(profile), ensure_ascii=False, indent=2) + "\n")
    return 0
