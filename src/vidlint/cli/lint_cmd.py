"""``vidlint lint``: check request files and report diagnostics."""

from __future__ import annotations

import sys

import click

from vidlint.diagnostics import Severity

SEVERITIES = click.Choice(["error", "warning", "info"], case_sensitive=False)


def fail(message: str) -> "click.exceptions.Exit":
    click.echo(f"vidlint: {message}", err=True)
    return click.exceptions.Exit(2)


def parse_asset_maps(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple:
    from vidlint.check.assets import parse_asset_map

    try:
        return tuple(parse_asset_map(value) for value in values)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@click.command("lint")
@click.argument("paths", nargs=-1)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report format.")
@click.option("--fail-on", type=SEVERITIES, default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--color", "colour", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour text output (auto: only on a terminal, and not when NO_COLOR is set).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files and folders matching GLOB when walking folders.")
@click.option("--stdin-filename", default=None, metavar="NAME",
              help="Name to report for '-' (stdin); a .jsonl name reads stdin as JSON Lines.")
@click.option("-q", "--quiet", is_flag=True, help="Print only findings, no summary.")
@click.option("--asset-map", "asset_maps", multiple=True, metavar="URI_PREFIX=DIR", callback=parse_asset_maps,
              help="Check remote assets under URI_PREFIX against local copies in DIR (repeatable; longest prefix wins).")
@click.option("--no-cache", is_flag=True, help="Probe media again instead of using the probe cache.")
@click.option("--online", is_flag=True,
              help="Probe http(s) assets over the network with range requests (only the bytes the checks need).")
@click.option("--offline-cache", is_flag=True,
              help="Check http(s) assets against results cached by earlier --online runs, without any network.")
@click.option("--allow-private-hosts", is_flag=True,
              help="With --online: allow loopback, private and link-local addresses (off: refused as SSRF).")
def lint(paths: tuple[str, ...], output_format: str, fail_on: str, colour: str, exclude: tuple[str, ...],
         stdin_filename: str | None, quiet: bool, asset_maps: tuple, no_cache: bool, online: bool,
         offline_cache: bool, allow_private_hosts: bool) -> None:
    """Check request files (.json: one request; .jsonl: one request per line).

    PATHS may be files, folders (searched for *.json and *.jsonl), globs, or '-' for stdin.
    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or read errors.
    """
    if online and offline_cache:
        raise click.UsageError("--online and --offline-cache exclude each other (--offline-cache uses no network)")
    if allow_private_hosts and not online:
        raise click.UsageError("--allow-private-hosts only applies with --online")
    from vidlint.api import LintOptions, lint_paths
    from vidlint.report import formatter

    options = LintOptions(fail_on=Severity.parse(fail_on), excludes=exclude,
                          stdin_jsonl=bool(stdin_filename and stdin_filename.endswith(".jsonl")),
                          asset_maps=asset_maps, no_cache=no_cache, online=online,
                          offline_cache=offline_cache, allow_private_hosts=allow_private_hosts)
    targets = list(paths) or ["."]
    if "-" in targets:
        options.stdin_bytes = sys.stdin.buffer.read()
    try:
        run = lint_paths(targets, options)
        if stdin_filename:
            for result in run.files:
                if result.path == "<stdin>":
                    result.path = stdin_filename
        formatter(output_format).render(run, sys.stdout, colour=colour, quiet=quiet)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, exit 2
        raise fail(f"internal error: {type(exc).__name__}: {exc}") from None
    for reason in run.path_errors:
        click.echo(f"vidlint: {reason}", err=True)
    sys.stdout.flush()
    raise click.exceptions.Exit(run.exit_code)
