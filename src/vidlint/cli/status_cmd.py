"""`vidlint status [TASK_ID]`: resume following a task, or list the ledger's open tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from vidlint.cli.base import FILE, VidlintCommand
from vidlint.submit.cli_common import build_settings, endpoint_options, run_guarded

DESCRIPTION = """Follow TASK_ID to its end (like submit does), or, without it, query and list open tasks.

Open tasks are those the ledger records as pending, processing, or with an unknown outcome.
"""


@click.command("status", cls=VidlintCommand, help=DESCRIPTION)
@click.argument("task_id", required=False)
@endpoint_options
@click.option("--request", "request_path", type=FILE, metavar="FILE",
              help="With TASK_ID: attach that task to FILE (after an unknown outcome). Without: list FILE's submissions.")
@click.option("--all", "show_all", is_flag=True, help="List every submission in the ledger, not only open ones.")
def command(task_id: str | None, request_path: str | None, show_all: bool, **endpoint: Any) -> int:
    def body() -> int:
        from vidlint.submit.session import status as run_status

        settings = build_settings(**endpoint)
        request = Path(request_path) if request_path is not None else None
        return run_status(task_id, settings, request_path=request, show_all=show_all)

    return run_guarded(endpoint["api_key_env"], body)
