"""`vidlint submit REQUEST`: lint, upload local assets, create the task, follow it, download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from vidlint.cli.base import FILE, VidlintCommand
from vidlint.submit.cli_common import build_settings, confirm_on_terminal, endpoint_options, run_guarded

DESCRIPTION = """Send a clean REQUEST to Evolink, follow the task, and optionally download the result.

The request is linted first and refused while it has errors. Local asset paths are uploaded
through the files API and replaced by their URLs in the body sent (the file is not changed).
Each submission is recorded in a ledger; a request that already has a live or completed task
is refused unless --force.
"""


@click.command("submit", cls=VidlintCommand, help=DESCRIPTION)
@click.argument("request", type=FILE)
@endpoint_options
@click.option("--dry-run", is_flag=True, help="Print the body and the uploads that would be sent; send nothing.")
@click.option("--force", is_flag=True, help="Submit even if the ledger has a live, completed or unknown task for it.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (needed when stdin is not a terminal).")
def command(request: str, dry_run: bool, force: bool, yes: bool, **endpoint: Any) -> int:
    def body() -> int:
        from vidlint.submit.preflight import lint_before_submit
        from vidlint.submit.session import submit as run_submit

        settings = build_settings(**endpoint)
        return run_submit(Path(request), settings, force=force, dry_run=dry_run, yes=yes,
                          lint=lint_before_submit, confirm=confirm_on_terminal)

    return run_guarded(endpoint["api_key_env"], body)
