"""Command-line entry point.

Subcommands live in their own modules and are imported only when invoked, so that
``vidlint lint`` does not pay for the HTTP client, the media probes or submit.
"""

from __future__ import annotations

import importlib
import sys

import click

from vidlint import __version__

# name -> "module:attribute"; the order is the order `vidlint --help` lists them.
COMMANDS: dict[str, str] = {
    "lint": "vidlint.cli.lint_cmd:lint",
    "submit": "vidlint.cli.submit_cmd:submit",
    "status": "vidlint.cli.status_cmd:status",
    "probe": "vidlint.cli.probe_cmd:probe",
    "rules": "vidlint.cli.rules_cmd:rules",
    "schema": "vidlint.cli.schema_cmd:schema",
    "models": "vidlint.cli.models_cmd:models",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)

    def resolve_command(self, ctx, args):  # type: ignore[no-untyped-def]
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            name = args[0] if args else ""
            import difflib

            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            if close:
                raise click.UsageError(f"No such command {name!r}. Did you mean {close[0]!r}?", ctx) from exc
            raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vidlint")
def cli() -> None:
    """Lint and preflight AI video-generation requests before any credit is spent."""


def main() -> None:
    try:
        cli.main(prog_name="vidlint", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("vidlint: interrupted", err=True)
        sys.exit(2)
