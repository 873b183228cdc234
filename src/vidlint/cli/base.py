"""click shaped for vidlint: a lazy group, ``-h/--help``, lower-case usage lines and one-line usage errors.

Every command module defines ``command`` with ``@click.command(cls=VidlintCommand, ...)``, one
``@click.option`` per line; ``vidlint.cli.COMMANDS`` names the module and the summary shown in
``vidlint --help``, so that listing the commands imports none of them.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

import click

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}
USAGE_PREFIX = "usage: "

# Paths in options and arguments: only a path that exists is checked (a missing one may be created).
FILE = click.Path(dir_okay=False)  # a file to read or create: not a folder
WRITABLE_FILE = click.Path(dir_okay=False, writable=True)  # and, if it exists, writable
FOLDER = click.Path(file_okay=False)  # a folder to write into: not a file


class InputPaths(click.Path):
    """Files and folders to read (``vidlint lint PATHS``), taken as they are written: the command
    finds out what each one is (one ``stat`` it makes anyway) and reports one that names nothing
    or cannot be read, with the others linted. click's own check costs a ``stat`` and an
    ``access`` per path (~5 us: 50 ms of a run naming 10,000 files). Shell completion still
    offers paths."""

    def __init__(self) -> None:
        super().__init__(allow_dash=True)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value


class VidlintCommand(click.Command):
    """A subcommand: ``-h`` as well as ``--help``, and ``usage:`` as argparse and the docs write it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        super().__init__(*args, **kwargs)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE_PREFIX)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, self.trailing_arguments_marked(args))
        except click.UsageError as error:
            error.ctx = error.ctx or ctx  # click's parser leaves it out of some errors; the usage line needs it
            raise

    def trailing_arguments_marked(self, args: list[str]) -> list[str]:
        """``args`` with ``--`` before the arguments that end it and can be neither an option nor
        an option's value. click's parser takes arguments off the front of the list one at a
        time (``list.pop(0)``), which is quadratic in their number: 10,000 files named on the
        command line cost ~35 ms of it, 50,000 ~0.5 s. After ``--`` it takes the rest at once,
        as the positional arguments they would have been anyway (none begins with ``-``; ``-``,
        stdin, is positional either way)."""
        if "--" in args:
            return args
        last = max((i for i, arg in enumerate(args) if arg.startswith("-") and arg != "-"), default=-1)
        # what follows the last option may be its values: those stay in front of the marker
        values = max((0 if option.is_flag or option.count else option.nargs
                      for option in self.params if isinstance(option, click.Option)), default=0)
        split = last + 1 + values if last >= 0 else 0
        return args if split >= len(args) else [*args[:split], "--", *args[split:]]


class LazyGroup(click.Group):
    """The top-level group: ``commands`` is ``vidlint.cli.COMMANDS`` (name -> module and summary);
    a command's module is imported when it runs (click's LazyGroup pattern); ``--help`` lists
    them from their summaries."""

    def __init__(self, commands: dict[str, Any], version: Callable[[], str], **kwargs: Any) -> None:
        super().__init__(context_settings=CONTEXT_SETTINGS, subcommand_metavar="COMMAND [ARGS]...", **kwargs)
        self.lazy_commands = commands
        self.params.append(click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True,
                                        callback=_print_version(version), help="Show the version and exit."))

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.lazy_commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return None
        import importlib

        from vidlint.cli.collector import start_collector

        command: click.Command = importlib.import_module(self.lazy_commands[cmd_name].module).command
        start_collector()  # the command's own work is collected as usual
        return command

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if name in self.lazy_commands or name.startswith("-") or ctx.resilient_parsing:
            return super().resolve_command(ctx, args)
        error = click.exceptions.NoSuchCommand(name, possibilities=list(self.lazy_commands), ctx=ctx)
        if not error.possibilities:  # nothing close: name them all
            error = click.exceptions.NoSuchCommand(
                name, f"No such command {name!r}. Commands: {', '.join(self.lazy_commands)}.", ctx=ctx)
        raise error

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE_PREFIX)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.summary) for name, command in self.lazy_commands.items()])


def _print_version(version: Callable[[], str]) -> Any:
    def callback(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value and not ctx.resilient_parsing:
            click.echo(version())  # reads the schemas: only when asked
            ctx.exit()

    return callback


def print_usage_error(error: click.UsageError) -> None:
    """The usage of the command that failed, then ``vidlint: error: MESSAGE`` (one line)."""
    if error.ctx is not None:
        sys.stderr.write(error.ctx.get_usage() + "\n")
    message = " ".join(error.format_message().split())
    sys.stderr.write(f"vidlint: error: {message}\n")


def usage_error(message: str) -> click.UsageError:
    """A command-line mistake found after parsing (e.g. options that exclude each other)."""
    return click.UsageError(message, click.get_current_context(silent=True))
