"""argparse shaped for vidlint: usage errors exit 2 with one line, "did you mean" hints, path checks.

Every command module provides ``USAGE``, ``DESCRIPTION``, ``add_arguments(parser)`` and
``run(args) -> int``; ``vidlint.cli.main`` builds one :class:`CommandParser` for the command invoked.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Iterable, NoReturn, Sequence


class UsageError(Exception):
    """A command-line mistake found after parsing (e.g. options that exclude each other)."""


class HelpFormatter(argparse.HelpFormatter):
    """Rewraps each paragraph of a description on its own (argparse's default merges them all);
    a paragraph with an indented line, such as the table of commands, is kept as written."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=_terminal_width() - 2)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        blocks = []
        for paragraph in text.strip("\n").split("\n\n"):
            if any(line.startswith(" ") for line in paragraph.splitlines()):
                blocks.append(textwrap.indent(paragraph, indent))
            else:
                blocks.append(textwrap.fill(" ".join(paragraph.split()), width,
                                            initial_indent=indent, subsequent_indent=indent))
        return "\n\n".join(blocks)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        """``-o, --output-file FILE`` rather than ``-o FILE, --output-file FILE`` (as Python 3.13 does)."""
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        metavar = self._format_args(action, self._get_default_metavar_for_optional(action))
        return f"{', '.join(action.option_strings)} {metavar}"


def _terminal_width() -> int:
    """What ``shutil.get_terminal_size`` answers, without importing shutil (and bz2, lzma) on
    every start: argparse builds a formatter for each option it adds, and asks for the width."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class CommandParser(argparse.ArgumentParser):
    """No prefix matching of options, ``-h/--help``, and errors as usage plus one ``vidlint: error:`` line."""

    def __init__(self, prog: str, usage: str, description: str | None = None, epilog: str | None = None) -> None:
        super().__init__(prog=prog, usage=usage, description=description, epilog=epilog,
                         formatter_class=HelpFormatter, add_help=False, allow_abbrev=False)
        self.add_argument("-h", "--help", action="help", help="Show this message and exit.")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"vidlint: error: {message}\n")

    def parse_command_line(self, args: Sequence[str]) -> argparse.Namespace:
        """Options and arguments in any order (``lint a.json --quiet b.json``); unknown ones are errors."""
        # Python 3.11's intermixed parse loses "--" (after it, even "-x.json" is an argument).
        parse = self.parse_known_args if "--" in args else self.parse_known_intermixed_args
        namespace, extras = parse(args)
        if extras:
            self.error(unexpected_arguments(extras, self.known_options()))
        return namespace

    def known_options(self) -> list[str]:
        return list(self._option_string_actions)  # argparse keeps no public list of them


def unexpected_arguments(extras: Sequence[str], known_options: Iterable[str]) -> str:
    """The message for arguments no parameter took: the first unknown option with a close match, if any."""
    option = next((arg for arg in extras if arg.startswith("-") and arg not in ("-", "--")), None)
    if option is None:
        return f"unexpected extra argument{'s' if len(extras) > 1 else ''}: {' '.join(extras)}"
    name = option.split("=", 1)[0]
    return f"unknown option '{name}'.{did_you_mean(name, known_options)}"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` for the closest candidate, or ``""``; difflib is loaded only on this error path."""
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


# Path checks of option values: only a path that exists is checked (a missing one may be created).

def file_path(value: str) -> str:
    """A file to read or create: refuses an existing folder."""
    if os.path.isdir(value):
        raise argparse.ArgumentTypeError(f"'{value}' is a directory, not a file")
    return value


def writable_file_path(value: str) -> str:
    """A file to write: refuses an existing folder, and an existing file that cannot be written."""
    file_path(value)
    if os.path.exists(value) and not os.access(value, os.W_OK):
        raise argparse.ArgumentTypeError(f"'{value}' is not writable")
    return value


def folder_path(value: str) -> str:
    """A folder to write into: refuses an existing file."""
    if os.path.exists(value) and not os.path.isdir(value):
        raise argparse.ArgumentTypeError(f"'{value}' is a file, not a directory")
    return value


def lowercase(value: str) -> str:
    """For case-insensitive choices: argparse checks ``choices`` after applying ``type``."""
    return value.lower()
