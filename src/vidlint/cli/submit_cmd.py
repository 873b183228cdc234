"""`vidlint submit REQUEST`: lint, upload local assets, create the task, follow it, download."""

from __future__ import annotations

import argparse
from pathlib import Path

from vidlint.cli.parsing import file_path
from vidlint.submit.cli_common import add_endpoint_arguments, build_settings, confirm_on_terminal, run_guarded

USAGE = "[OPTIONS] REQUEST"
DESCRIPTION = """Send a clean REQUEST to Evolink, follow the task, and optionally download the result.

The request is linted first and refused while it has errors. Local asset paths are uploaded
through the files API and replaced by their URLs in the body sent (the file is not changed).
Each submission is recorded in a ledger; a request that already has a live or completed task
is refused unless --force.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("request", type=file_path, metavar="REQUEST", help=argparse.SUPPRESS)
    add_endpoint_arguments(parser)
    add = parser.add_argument
    add("--dry-run", action="store_true", help="Print the body and the uploads that would be sent; send nothing.")
    add("--force", action="store_true", help="Submit even if the ledger has a live, completed or unknown task for it.")
    add("-y", "--yes", action="store_true",
        help="Do not ask for confirmation (needed when stdin is not a terminal).")


def run(args: argparse.Namespace) -> int:
    def body() -> int:
        from vidlint.submit.preflight import lint_before_submit
        from vidlint.submit.session import submit as run_submit

        settings = build_settings(**vars(args))
        return run_submit(Path(args.request), settings, force=args.force, dry_run=args.dry_run, yes=args.yes,
                          lint=lint_before_submit, confirm=confirm_on_terminal)

    return run_guarded(args.api_key_env, body)
