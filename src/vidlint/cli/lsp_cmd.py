"""``vidlint lsp``: run the language server over stdio (``vidlint.lsp``)."""

from __future__ import annotations

import click

from vidlint.cli.base import VidlintCommand

DESCRIPTION = "Run vidlint's Language Server on stdin/stdout, for editors (see docs/editors.md)."


@click.command("lsp", cls=VidlintCommand, help=DESCRIPTION)
def command() -> int:
    """No options: the editor starts it with `vidlint lsp`."""
    from vidlint.lsp.server import main

    return main()
