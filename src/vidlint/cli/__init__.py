"""Command-line entry point, on click.

Subcommands live in their own modules and are imported only when invoked (click's "lazy group"
pattern), so that ``vidlint lint`` does not pay for the HTTP client, the media probes or submit.
Each module provides ``command``, a :class:`click.Command` made with :func:`vidlint.cli.base.command`.

Shell completion is click's: ``eval "$(_VIDLINT_COMPLETE=bash_source vidlint)"`` (zsh_source, fish_source).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING, NoReturn, Sequence

from vidlint import __version__
from vidlint.cli.collector import end_collector_pause, pause_collector

if TYPE_CHECKING:
    import click


class Command:
    """``module`` implements the command; ``summary`` is the line `vidlint --help` shows, kept
    here so that listing the commands imports none of them. (Not a NamedTuple: creating one
    costs ~1 ms of every start.)"""

    __slots__ = ("module", "summary")

    def __init__(self, module: str, summary: str) -> None:
        self.module = module
        self.summary = summary


# The order is the order `vidlint --help` lists them.
COMMANDS: dict[str, Command] = {
    "lint": Command("vidlint.cli.lint_cmd", "Check request files (.json: one request; .jsonl: one per line)."),
    "submit": Command("vidlint.cli.submit_cmd", "Send a clean request to Evolink, follow the task, download."),
    "status": Command("vidlint.cli.status_cmd", "Follow a submitted task, or list the open ones."),
    "probe": Command("vidlint.cli.probe_cmd", "Print what vidlint reads from media files."),
    "rules": Command("vidlint.cli.rules_cmd", "List every rule, or print one rule's documentation."),
    "schema": Command("vidlint.cli.schema_cmd", "Print a model's JSON Schema."),
    "models": Command("vidlint.cli.models_cmd", "List the models vidlint knows."),
    "lsp": Command("vidlint.cli.lsp_cmd", "Run the Language Server (stdio) for editors."),
}

DESCRIPTION = "Lint and preflight AI video-generation requests before any credit is spent."
VERSION = f"vidlint, version {__version__}"


def main(argv: Sequence[str] | None = None) -> NoReturn:
    args = list(sys.argv[1:] if argv is None else argv)
    pause_collector()
    try:
        try:
            code = dispatch(args)
        finally:
            end_collector_pause()
            sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught below
    except BrokenPipeError:
        code = reader_went_away()
    except KeyboardInterrupt:
        print("vidlint: interrupted", file=sys.stderr)
        code = 2
    except Exception as exc:  # noqa: BLE001 - a bug in any command: one line (VIDLINT_DEBUG=1: the traceback), exit 2
        from vidlint.cli.errors import report_internal_error

        report_internal_error(exc)
        code = 2
    sys.exit(code)


def entry() -> NoReturn:
    """The ``vidlint`` program (the console script, ``python -m vidlint``). It leaves through
    ``sys.exit``, so ``atexit`` handlers and the interpreter's own clean-up run; what is left is
    frozen first, so that the collection at exit does not walk every object (~5 ms)."""
    try:
        main()
    finally:
        gc.freeze()


def dispatch(args: list[str]) -> int:
    """Run the command line; the exit code. Usage errors are the usage and one ``vidlint: error:`` line."""
    import click

    from vidlint.cli.base import print_usage_error

    group = cli()
    if not args and "_VIDLINT_COMPLETE" not in os.environ:
        with group.make_context("vidlint", ["--help"], resilient_parsing=True) as ctx:
            click.echo(group.get_help(ctx), err=True)
        return 2
    try:
        result = group.main(args, prog_name="vidlint", standalone_mode=False)
    except click.UsageError as exc:
        print_usage_error(exc)
        return 2
    except click.Abort:
        raise KeyboardInterrupt from None
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return int(result or 0)


def cli() -> click.Group:
    """The ``vidlint`` group: it lists COMMANDS and imports a command's module only to run it."""
    from vidlint.cli.base import LazyGroup

    return LazyGroup(COMMANDS, name="vidlint", help=DESCRIPTION, version=version_text,
                     epilog="Run 'vidlint COMMAND --help' for a command's options.")


def version_text() -> str:
    """The version, and how current the model data is (read from the schemas)."""
    from vidlint.models import documentation_date

    when = documentation_date()
    return f"{VERSION} (model data: Evolink API documentation as of {when})" if when else VERSION


def reader_went_away() -> int:
    """stdout's reader closed the pipe (``vidlint lint | head -1``): stop quietly.

    Python flushes stdout again at exit, which would fail the same way, so stdout is pointed at
    devnull (https://docs.python.org/3/library/signal.html#note-on-sigpipe). Exit 1, as the Python
    docs do: the output is incomplete, which is neither "clean" (0) nor a usage error (2).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1
