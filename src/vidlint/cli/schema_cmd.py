"""``vidlint schema MODEL``: print the model's JSON Schema, bundled to stand alone (``vidlint.schema_bundle``)."""

from __future__ import annotations

import argparse
import sys

USAGE = "[OPTIONS] MODEL"
DESCRIPTION = ("Print MODEL's JSON Schema (draft 2020-12, one file, no external $ref), e.g. to save it for an "
               "editor or check-jsonschema.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from vidlint.models import known_models, load_profile, suggest_model

    profile = load_profile(args.model)
    if profile is None:
        guess = suggest_model(args.model)
        hint = f'; did you mean "{guess}"?' if guess else f"; vidlint knows: {', '.join(known_models())}"
        print(f'vidlint: unknown model "{args.model}"{hint}', file=sys.stderr)
        return 2
    import json

    from vidlint.schema_bundle import bundle

    sys.stdout.write(json.dumps(bundle(profile), ensure_ascii=False, indent=2) + "\n")
    return 0
