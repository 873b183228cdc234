"""``vidlint lint``: check request files and report diagnostics."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

import click

from vidlint.cli.base import FILE, WRITABLE_FILE, InputPaths, VidlintCommand, usage_error
from vidlint.cli.collector import collector_for_a_run
from vidlint.core.diagnostics import Severity
from vidlint.core.records import Record
from vidlint.fix import FixOptions
from vidlint.report import FORMATTERS, TEXT_STYLES
from vidlint.run import AssetOptions, Inputs

SUMMARY = "Check request files (.json: one request; .jsonl: one per line)."
DESCRIPTION = """Check request files (.json: one request; .jsonl: one request per line).

PATHS may be files, folders (searched for *.json and *.jsonl), globs, or '-' for stdin.
Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, configuration or read errors.
"""


def fail(message: str) -> SystemExit:
    print(f"vidlint: {message}", file=sys.stderr)
    return SystemExit(2)


def choose_format(requested: str | None, output_file: str | None) -> str:
    """``--format``, else ``github`` inside GitHub Actions (when printing to the log), else ``text``."""
    if requested:
        return requested
    if output_file is None and os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "text"


def load_configuration(config_path: str | None, isolated: bool) -> Any:
    """The configuration that applies (None with --isolated or when there is none); exit 2 when invalid."""
    if isolated:
        if config_path:
            raise usage_error("--config and --isolated cannot be used together")
        return None
    from vidlint.settings.discovery import find_config

    path = Path(config_path) if config_path else find_config(Path.cwd())
    if path is None:
        return None
    from vidlint.settings.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        raise fail(str(exc)) from None


def print_statistics(run: Any, stream: TextIO) -> None:
    from vidlint.core.wording import number
    from vidlint.rules.registry import RULES

    ordered = sorted(run.totals.by_code.items(), key=lambda item: (-item[1], item[0][0]))
    rows = [(number(count), code, f"[{severity.label}]", RULES[code].name if code in RULES else "")
            for (code, severity), count in ordered]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    for count_text, code, label, name in rows:
        stream.write(f"{count_text:>{widths[0]}}  {code:<{widths[1]}}  {label:<{widths[2]}}  {name}".rstrip() + "\n")


def terminal_summary(run: Any, output_file: str, output_format: str) -> str:
    from vidlint.report.text import summary_line

    return f"{summary_line(run)} Report ({output_format}) written to {output_file}."


def record_baseline(run: Any, path: str) -> int:
    """``--write-baseline``: write the file, say so on stderr; the exit code: 0, or 2 when a path was unreadable."""
    from vidlint.settings.baseline import write_baseline

    try:
        written = write_baseline(Path(path), [(r.path, r.diagnostics) for r in run.files])
    except OSError as exc:
        raise fail(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None
    for reason in run.path_errors:
        print(f"vidlint: {reason}", file=sys.stderr)
    print(f"vidlint: wrote {written} finding{'s' if written != 1 else ''} to {path}", file=sys.stderr)
    return 2 if run.path_errors else 0


def report(run: Any, output_format: str, output_file: str | None, colour: str, quiet: bool, statistics: bool,
           show_infos: bool = False, streamed: StreamedReport | None = None) -> None:
    """The report on stdout, or in ``output_file`` with a one-line summary on stdout; then
    statistics. ``streamed``: the report whose files were written as the results came; its end
    is written here."""
    from vidlint.report import formatter, output_errors, use_output_errors

    style = "auto"
    if output_format in TEXT_STYLES:
        style, output_format = output_format, "text"
    if output_file is None:
        if streamed is not None:
            streamed.end(run)
        else:
            use_output_errors(sys.stdout, output_format)
            formatter(output_format).render(run, sys.stdout, colour=colour, quiet=quiet, show_infos=show_infos,
                                            style=style)
        if statistics:  # keep a machine-readable stdout parseable
            print_statistics(run, sys.stdout if output_format == "text" else sys.stderr)
        return
    if streamed is not None:
        streamed.end(run)
    else:
        try:
            with open(output_file, "w", encoding="utf-8", errors=output_errors(output_format), newline="\n") as handle:
                formatter(output_format).render(run, handle, colour="never", quiet=quiet, show_infos=show_infos,
                                                style=style)
        except OSError as exc:
            raise cannot_write(output_file, exc) from None
    if statistics:
        print_statistics(run, sys.stdout)
    if not quiet:
        print(terminal_summary(run, output_file, output_format))


def cannot_write(output_file: str, exc: OSError) -> SystemExit:
    return fail(f"{output_file}: cannot write the report: {exc.strerror or exc}")


STREAMED_FORMATS = ("json", "text")  # formats whose report is written as the results come


class StreamedReport:
    """A report written as the results come (``json_report.Writer``, ``text.Writer``): nothing
    a file's part says depends on later files, and the summary is last, so the run keeps no
    results for it. ``output_file`` is opened at the first result, after the files to lint were
    found (made before, a new report file in a linted folder would be linted as a request)."""

    def __init__(self, output_format: str, output_file: str | None, **options: Any) -> None:
        self.output_format, self.output_file, self.options = output_format, output_file, options
        self._handle: TextIO | None = None
        self._writer: Any = None

    def add(self, run: Any, result: Any) -> None:
        try:
            self._started().add(run, result)
        except OSError as exc:
            self._failed(exc)

    def encoder(self) -> Any:
        """What the report writes of one result, for worker processes to make of theirs (the
        JSON report's line of a file; None: the report makes it itself, as the text report does,
        which counts the infos it folds away for its last lines)."""
        if self.output_format != "json":
            return None
        from vidlint.report.json_report import result_text

        return result_text

    def end(self, run: Any) -> None:
        try:
            self._started().end(run)
            if self._handle is not None:
                self._handle.close()
        except OSError as exc:
            self._failed(exc)

    def _started(self) -> Any:
        if self._writer is None:
            from vidlint.report import formatter, output_errors, use_output_errors

            if self.output_file is None:
                use_output_errors(sys.stdout, self.output_format)
                stream: TextIO = sys.stdout
            else:
                stream = self._handle = open(self.output_file, "w", encoding="utf-8",  # noqa: SIM115  # closed by end()
                                             errors=output_errors(self.output_format), newline="\n")
            self._writer = formatter(self.output_format).Writer(stream, **self.options)
        return self._writer

    def _failed(self, exc: OSError) -> None:
        if self.output_file is None:  # stdout: as a report printed at the end
            raise exc
        raise cannot_write(self.output_file, exc) from None


def fix_options(fix: bool, unsafe_fixes: bool, diff: bool, fix_assets: str | None) -> FixOptions | None:
    """The run's FixOptions from --fix, --unsafe-fixes, --diff and --fix-assets (None: none given)."""
    if not (fix or unsafe_fixes or diff or fix_assets):
        return None
    if fix_assets and not (fix or diff):
        raise usage_error("--fix-assets needs --fix (or --diff to see what it would do)")
    if fix_assets and not unsafe_fixes:
        raise usage_error("--fix-assets is an unsafe fix: add --unsafe-fixes")
    assets = Path(os.path.abspath(fix_assets)) if fix_assets else None
    return FixOptions(unsafe=unsafe_fixes, apply=fix or diff, write=not diff, assets_dir=assets)


def print_diffs(run: Any) -> int:
    """--diff: the unified diffs on stdout, what they would fix on stderr; 1 when there is a diff."""
    from vidlint.report.text import fix_lines

    for result in run.files:
        if result.fixes is not None and (result.fixes.changed or result.fixes.copies):
            sys.stdout.write(result.fixes.diff(result.path))
    for reason in run.path_errors:
        print(f"vidlint: {reason}", file=sys.stderr)
    for result in run.files:
        for problem in result.fixes.problems if result.fixes is not None else ():
            print(f"vidlint: {problem}", file=sys.stderr)
    summary = fix_lines(run)
    if summary:
        print(summary.splitlines()[0] if run.exit_code == 1 else "No fixes to apply.", file=sys.stderr)
    return run.exit_code



class AssetMap(click.ParamType):
    """One ``--asset-map URI_PREFIX=DIR``: (prefix, folder)."""

    name = "asset map"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, Path]:
        if isinstance(value, tuple):
            return value
        from vidlint.check.assets import parse_asset_map

        try:
            return parse_asset_map(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.command("lint", cls=VidlintCommand, help=DESCRIPTION, short_help=SUMMARY)
@click.argument("paths", nargs=-1, type=InputPaths())
@click.option("--format", "output_format", type=click.Choice([*FORMATTERS, *TEXT_STYLES]), default=None,
              help="Report format [default: text; github inside GitHub Actions]. text is full on a terminal "
                   "(each finding with its source line and a caret under the column), concise otherwise "
                   "(one line a finding); full or concise choose one.")
@click.option("-o", "--output-file", type=WRITABLE_FILE, default=None, metavar="FILE",
              help="Write the report to this file; a one-line summary still goes to stdout.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"], case_sensitive=False), default=None,
              help="Lowest severity that makes the exit code 1 [default: error, or fail-on in the configuration].")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when there are findings (2 still means a usage or read error).")
@click.option("--config", "config_path", type=FILE, default=None, metavar="FILE",
              help="Use this configuration file (vidlint.toml, or pyproject.toml with [tool.vidlint]).")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--baseline", "baseline_path", type=FILE, default=None, metavar="FILE",
              help="Report only findings that are not in this baseline file.")
@click.option("--write-baseline", "write_baseline_path", type=FILE, default=None, metavar="FILE",
              help="Record the current findings in this baseline file and exit 0.")
@click.option("--select", default=None, metavar="CODES",
              help="Comma-separated codes or prefixes to check (replaces select in the configuration).")
@click.option("--extend-select", default=None, metavar="CODES", help="Codes or prefixes to check in addition.")
@click.option("--ignore", default=None, metavar="CODES", help="Codes or prefixes not to check (adds to ignore).")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule.")
@click.option("--color", "colour", type=click.Choice(["auto", "always", "never"]), default="auto",
              help="Colour text output (auto: only on a terminal, and not when NO_COLOR is set). [default: auto]")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip files and folders matching GLOB, whether found in a folder or named on the command line.")
@click.option("--stdin-filename", default=None, metavar="NAME",
              help="Name to report for '-' (stdin); relative asset paths resolve from its folder, "
                   "and a .jsonl name reads stdin as JSON Lines.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only errors and warnings: no informational findings, no summary.")
@click.option("--watch", is_flag=True,
              help="Lint again whenever a request file or an asset it references changes, until Ctrl-C.")
@click.option("-v", "--show-infos", "--verbose", "show_infos", is_flag=True,
              help="Show every informational finding: in text, infos about each asset are otherwise folded into "
                   "one line; in SARIF they are otherwise left out (they are not alerts).")
@click.option("--asset-map", "asset_maps", multiple=True, type=AssetMap(), metavar="URI_PREFIX=DIR",
              help="Check remote assets under URI_PREFIX against local copies in DIR (repeatable; longest prefix wins).")
@click.option("--no-cache", is_flag=True, help="Probe media again instead of using the probe cache.")
@click.option("--online", is_flag=True,
              help="Probe http(s) assets over the network with range requests (only the bytes the checks need).")
@click.option("--offline-cache", is_flag=True,
              help="Check http(s) assets against results cached by earlier --online runs, without any network.")
@click.option("--allow-private-hosts", is_flag=True,
              help="With --online: allow loopback, private and link-local addresses (off: refused as SSRF).")
@click.option("--fix", is_flag=True, help="Apply safe fixes to the request files.")
@click.option("--unsafe-fixes", is_flag=True, help="Apply unsafe fixes too (with --fix or --diff); show them as fixable.")
@click.option("--diff", is_flag=True, help="Print a unified diff of what the fixes would change; write nothing.")
@click.option("--fix-assets", default=None, metavar="DIR",
              help="Write compliant copies of assets that break a media limit into DIR and point the requests at them (an unsafe fix).")
def command(paths: Sequence[str], fail_on: str | None, exit_zero: bool, watch: bool, exclude: Sequence[str],
            stdin_filename: str | None, asset_maps: Sequence[tuple[str, Path]], no_cache: bool, online: bool,
            offline_cache: bool, allow_private_hosts: bool, fix: bool, unsafe_fixes: bool, diff: bool,
            fix_assets: str | None, **chosen: Any) -> int:
    if online and offline_cache:
        raise usage_error("--online and --offline-cache exclude each other (--offline-cache uses no network)")
    if allow_private_hosts and not online:
        raise usage_error("--allow-private-hosts only applies with --online")
    for pattern in exclude:
        from vidlint.core.globs import GlobError, compile_glob  # only when there is an --exclude

        try:
            compile_glob(pattern)
        except GlobError as exc:
            raise usage_error(f"--exclude {pattern!r}: {exc}") from None
    settings = SettingsChoice(**{name: chosen.pop(name) for name in SettingsChoice._slots})
    return lint(list(paths), settings, Output(**chosen),
                Inputs(excludes=tuple(exclude), stdin_filename=stdin_filename),
                AssetOptions(asset_maps=list(asset_maps), no_cache=no_cache, online=online,
                             offline_cache=offline_cache, allow_private_hosts=allow_private_hosts),
                fail_on=fail_on, exit_zero=exit_zero, watch=watch,
                fix=fix_options(fix, unsafe_fixes, diff, fix_assets))


class SettingsChoice(Record):
    """Which configuration and baseline the command line names, and its rule selection."""

    config_path: str | None
    isolated: bool
    baseline_path: str | None
    write_baseline_path: str | None
    select: str | None
    extend_select: str | None
    ignore: str | None


class Output(Record):
    """How the report is written."""

    output_format: str | None
    output_file: str | None
    colour: str
    quiet: bool
    statistics: bool
    show_infos: bool


def lint(paths: list[str], settings: SettingsChoice, output: Output, inputs: Inputs, assets: AssetOptions,
         fail_on: str | None = None, exit_zero: bool = False, watch: bool = False,
         fix: FixOptions | None = None) -> int:
    """Lint PATHS with the options of the command line; the exit code."""
    from vidlint.api import LintOptions, lint_paths

    config = load_configuration(settings.config_path, settings.isolated)
    if settings.select is not None or settings.extend_select is not None or settings.ignore is not None:
        from vidlint.settings.config import ConfigError, with_command_line_selection

        try:
            config = with_command_line_selection(config, settings.select, settings.extend_select, settings.ignore)
        except ConfigError as exc:
            raise fail(str(exc)) from None
    overrides: dict[str, Any] = {"inputs": inputs, "assets": assets}
    if fail_on:
        overrides["fail_on"] = Severity.parse(fail_on)
    options = LintOptions.from_config(config, **overrides) if config is not None else LintOptions(**overrides)
    options.fix = fix
    write_baseline_path = settings.write_baseline_path
    baseline_file = Path(settings.baseline_path) if settings.baseline_path else (
        config.baseline if config is not None else None)
    if baseline_file is not None and not write_baseline_path:
        from vidlint.settings.baseline import BaselineError, load_baseline

        try:
            options.baseline = load_baseline(baseline_file)
        except BaselineError as exc:
            raise fail(str(exc)) from None
    output_format, output_file = choose_format(output.output_format, output.output_file), output.output_file
    name, style = (output_format, "auto") if output_format not in TEXT_STYLES else ("text", output_format)
    if not (output.show_infos or write_baseline_path or fix is not None or options.baseline is not None):
        from vidlint.report import unshown_codes

        # what the report folds away or leaves out is counted, not placed (a baseline matches,
        # a fix edits, --write-baseline records what the run found: each has them placed)
        options.unplaced_codes = unshown_codes(name, config, output.quiet)
    targets = list(paths) or ["."]
    if "-" in targets:
        from vidlint.load import PathError, read_stdin

        try:
            options.inputs.stdin_bytes = read_stdin()
        except PathError as exc:
            raise fail(str(exc)) from None
    if watch:
        if "-" in targets or write_baseline_path:
            raise usage_error("--watch lints files: not with - (stdin) or --write-baseline")
        if fix is not None and fix.apply:
            raise usage_error("--watch only reports: not with --fix or --diff")
        from vidlint.watch import watch as watch_paths

        return watch_paths(targets, options, lambda run: report(
            run, output_format, output_file, colour=output.colour, quiet=output.quiet, statistics=output.statistics,
            show_infos=output.show_infos), ignored=[output_file] if output_file else [])
    diff = fix is not None and fix.apply and not fix.write
    # The JSON and text reports are written as the results come; the others, and a run that
    # prints diffs or writes a baseline instead, read the results the run keeps.
    streamed = None
    if name in STREAMED_FORMATS and not (write_baseline_path or diff):
        streamed = StreamedReport(name, output_file, colour=output.colour if output_file is None else "never",
                                  quiet=output.quiet, show_infos=output.show_infos, style=style)
    try:
        with collector_for_a_run():
            lint_run = lint_paths(targets, options, sink=streamed.add if streamed is not None else None,
                                  encode=streamed.encoder() if streamed is not None else None)
            if write_baseline_path:
                return record_baseline(lint_run, write_baseline_path)
            if diff:
                return print_diffs(lint_run)
            report(lint_run, output_format, output_file, colour=output.colour, quiet=output.quiet,
                   statistics=output.statistics, show_infos=output.show_infos, streamed=streamed)
    except BrokenPipeError:
        raise  # the reader of stdout went away: vidlint.cli.main ends quietly
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, exit 2
        from vidlint.cli.errors import report_internal_error

        report_internal_error(exc)
        raise SystemExit(2) from None
    for reason in lint_run.path_errors:
        print(f"vidlint: {reason}", file=sys.stderr)
    code = lint_run.exit_code
    return 0 if exit_zero and code == 1 else code
