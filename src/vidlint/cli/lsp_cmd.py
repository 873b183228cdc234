"""``vidlint lsp``: run the language server over stdio (``vidlint.lsp``)."""

from __future__ import annotations

import argparse

USAGE = "[OPTIONS]"
DESCRIPTION = "Run vidlint's Language Server on stdin/stdout, for editors (see docs/editors.md)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: the editor starts it with `vidlint lsp`."""


def run(args: argparse.Namespace) -> int:
    from vidlint.lsp.server import main

    return main()
