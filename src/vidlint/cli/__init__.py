"""Command-line entry point.

Subcommands live in their own modules and are imported only when invoked, so that
``vidlint lint`` does not pay for the HTTP client, the media probes or submit. Each module
provides ``USAGE``, ``DESCRIPTION``, ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, NoReturn, Sequence

from vidlint import __version__

if TYPE_CHECKING:
    from vidlint.cli.parsing import CommandParser


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
    try:
        try:
            code = dispatch(args)
        finally:
            sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught below
    except BrokenPipeError:
        code = reader_went_away()
    except KeyboardInterrupt:
        print("vidlint: interrupted", file=sys.stderr)
        code = 2
    sys.exit(code)


def entry() -> NoReturn:
    """The ``vidlint`` program (the console script, ``python -m vidlint``): :func:`main`, then
    leave without tearing the interpreter down.

    Freeing every module and object at exit costs ~6 ms, a tenth of a warm ``vidlint lint``.
    By then everything vidlint wrote is flushed or closed (reports, caches and ledgers are
    written in ``with`` blocks; worker pools and thread pools are shut down), so nothing is
    lost. ``main`` stays an ordinary function that raises SystemExit, for callers in the same
    process.
    """
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe: main already said what it had to
    os._exit(code)


def dispatch(args: list[str]) -> int:
    from vidlint.cli.parsing import CommandParser, UsageError

    if args and args[0] in COMMANDS:
        name = args[0]
        module = importlib.import_module(COMMANDS[name].module)
        parser = CommandParser(f"vidlint {name}", f"%(prog)s {module.USAGE}", module.DESCRIPTION)
        module.add_arguments(parser)
        options = parser.parse_command_line(args[1:])
        try:
            return int(module.run(options))
        except UsageError as exc:
            parser.error(str(exc))
    top = top_parser()
    if not args:
        top.print_help(sys.stderr)
        return 2
    if args[0].startswith("-"):
        top.parse_command_line(args)  # -h and --version exit here; unknown options are errors
        top.error("missing command")
    from vidlint.cli.parsing import did_you_mean

    hint = did_you_mean(args[0], COMMANDS) or f" Commands: {', '.join(COMMANDS)}."
    top.error(f"unknown command '{args[0]}'.{hint}")


def top_parser() -> CommandParser:
    from vidlint.cli.parsing import CommandParser

    width = max(len(name) for name in COMMANDS)
    table = "\n".join(f"  {name:<{width}}  {command.summary}" for name, command in COMMANDS.items())
    epilog = f"commands:\n{table}\n\nRun 'vidlint COMMAND --help' for a command's options."
    parser = CommandParser("vidlint", "%(prog)s [OPTIONS] COMMAND [ARGS ...]", DESCRIPTION, epilog)
    parser.add_argument("--version", action="version", version=version_text(), help="Show the version and exit.")
    return parser


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
