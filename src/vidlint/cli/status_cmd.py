"""`vidlint status [TASK_ID]`: resume following a task, or list the ledger's open tasks."""

from __future__ import annotations

import argparse
from pathlib import Path

from vidlint.cli.parsing import file_path
from vidlint.submit.cli_common import add_endpoint_arguments, build_settings, run_guarded

USAGE = "[OPTIONS] [TASK_ID]"
DESCRIPTION = """Follow TASK_ID to its end (like submit does), or, without it, query and list open tasks.

Open tasks are those the ledger records as pending, processing, or with an unknown outcome.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task_id", nargs="?", metavar="TASK_ID", help=argparse.SUPPRESS)
    add_endpoint_arguments(parser)
    add = parser.add_argument
    add("--request", dest="request_path", type=file_path, metavar="FILE",
        help="With TASK_ID: attach that task to FILE (after an unknown outcome). Without: list FILE's submissions.")
    add("--all", dest="show_all", action="store_true", help="List every submission in the ledger, not only open ones.")


def run(args: argparse.Namespace) -> int:
    def body() -> int:
        from vidlint.submit.session import status as run_status

        settings = build_settings(**vars(args))
        request_path = Path(args.request_path) if args.request_path is not None else None
        return run_status(args.task_id, settings, request_path=request_path, show_all=args.show_all)

    return run_guarded(args.api_key_env, body)
