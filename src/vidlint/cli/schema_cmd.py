"""``vidlint schema MODEL``: print the model's JSON Schema, bundled to stand alone (``vidlint.schema_bundle``)."""

from __future__ import annotations

import sys
from typing import Any

import click

from vidlint.cli.base import VidlintCommand

DESCRIPTION = ("Print MODEL's JSON Schema (draft 2020-12, one file, no external $ref), e.g. to save it for an "
               "editor or check-jsonschema.")


def complete_model(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from vidlint.models import known_models

    return [name for name in known_models() if name.startswith(incomplete)]


@click.command("schema", cls=VidlintCommand, help=DESCRIPTION)
@click.argument("model", required=False, shell_complete=complete_model)
@click.option("--all", "folder", default=None, metavar="DIR", type=click.Path(file_okay=False),
              help="Write every model's schema to DIR/MODEL.schema.json instead (the name its $id ends in); "
                   "DIR is created, existing files are never overwritten.")
def command(model: str | None, folder: str | None) -> int:
    from vidlint.models import load_profile, unknown_model_hint

    if model is None and folder is None:
        raise click.UsageError("Missing argument 'MODEL'. (Or --all DIR to write every model's schema.)")
    if model is not None and folder is not None:
        raise click.UsageError("give MODEL to print one schema or --all DIR to write every model's, not both")
    if folder is not None:
        return _write_all(folder)
    assert model is not None
    profile = load_profile(model)
    if profile is None:
        print(f'vidlint: unknown model "{model}"; {unknown_model_hint(model)}', file=sys.stderr)
        return 2
    sys.stdout.write(_schema_text(profile))
    return 0


def _schema_text(profile: Any) -> str:
    import json

    from vidlint.schema_bundle import bundle

    return json.dumps(bundle(profile), ensure_ascii=False, indent=2) + "\n"


def _write_all(folder: str) -> int:
    """Every model's bundled schema as DIR/MODEL.schema.json (what a release uploads under each
    schema's ``$id``); nothing is written when one of the files exists already."""
    import os

    from vidlint.core.paths import create_new
    from vidlint.models import known_models, load_profile

    targets = {name: os.path.join(folder, f"{name}.schema.json") for name in known_models()}
    taken = [path for path in targets.values() if os.path.lexists(path)]
    if taken:
        print(f"vidlint: {taken[0]} exists (and {len(taken) - 1} more); remove them or choose an empty folder"
              if len(taken) > 1 else f"vidlint: {taken[0]} exists; remove it or choose an empty folder", file=sys.stderr)
        return 2
    try:
        os.makedirs(folder, exist_ok=True)
        for name, path in targets.items():
            profile = load_profile(name)
            assert profile is not None
            create_new(path, _schema_text(profile).encode("utf-8"))
    except OSError as exc:
        print(f"vidlint: {folder}: cannot write the schemas: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(targets)} schemas to {folder}")
    return 0
