"""The command line itself: help, version, usage errors, path checks, lazy command modules, a closed stdout."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, SRC, run_vidlint, write_request

from vidlint import __version__
from vidlint.cli import COMMANDS
from vidlint.submit.cli_common import ask_yes_no

REQUEST = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["https://x.example.com/a.jpg"]}
USAGE_ERROR_LINE = "vidlint: error: "


def usage_error(result, command: str = "") -> str:  # type: ignore[no-untyped-def]
    """The error line of a usage error, after checking its shape: exit 2, usage, one error line, no output."""
    assert result.code == 2 and result.out == "", result
    usage, error = result.err.splitlines()
    assert usage.startswith(f"usage: vidlint {command}".rstrip() + " ")
    assert error.startswith(USAGE_ERROR_LINE)
    return error[len(USAGE_ERROR_LINE):]


# --- help and version --------------------------------------------------------------------------

def test_version_prints_the_version_and_the_model_datas_documentation_date() -> None:
    result = run_vidlint("--version")
    # The date the schemas' prices were read from the vendor's documentation (x-vidlint prices.as_of).
    expected = f"vidlint, version {__version__} (model data: Evolink API documentation as of 2026-05)\n"
    assert (result.code, result.out, result.err) == (0, expected, "")


def test_help_lists_every_command_with_its_summary() -> None:
    result = run_vidlint("--help")
    assert result.code == 0 and result.err == ""
    assert result.out.startswith("usage: vidlint [OPTIONS] COMMAND [ARGS]...\n")
    for name, command in COMMANDS.items():
        assert f"  {name}  " in result.out and command.summary in result.out
    assert run_vidlint("-h").out == result.out


def test_no_arguments_prints_the_help_on_stderr_with_exit_2() -> None:
    result = run_vidlint()
    assert result.code == 2 and result.out == "" and "Commands:" in result.err


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help(name: str) -> None:
    result = run_vidlint(name, "--help")
    assert result.code == 0 and result.err == ""
    assert result.out.startswith(f"usage: vidlint {name} [OPTIONS]")
    assert "  -h, --help " in result.out and run_vidlint(name, "-h").out == result.out


def test_summaries_fit_the_help_table() -> None:
    width = max(len(name) for name in COMMANDS)
    for command in COMMANDS.values():
        assert "\n" not in command.summary and 2 + width + 2 + len(command.summary) <= 80


def test_option_help_keeps_paragraphs_defaults_and_short_flags() -> None:
    lint = run_vidlint("lint", "--help").out
    assert "\n\n  PATHS may be files, folders" in lint  # the description's second paragraph stays one
    assert "-o, --output-file FILE" in lint and "-q, --quiet" in lint and "[default: auto]" in lint
    submit = run_vidlint("submit", "--help").out
    assert "--wait / --no-wait" in submit and "[default: wait]" in submit and "(default: True)" not in submit
    assert "-y, --yes" in submit and "[default: EVOLINK_API_KEY]" in submit


# --- usage errors -------------------------------------------------------------------------------

def test_mistyped_command_and_options_get_a_suggestion() -> None:
    # click's own "did you mean", for commands and options
    assert usage_error(run_vidlint("lnit")) == "No such command 'lnit'. Did you mean 'lint'?"
    assert usage_error(run_vidlint("xyzzy")).startswith("No such command 'xyzzy'. Commands: lint, submit,")
    assert usage_error(run_vidlint("--versio")) == "No such option '--versio'. Did you mean '--version'?"
    assert usage_error(run_vidlint("lint", "--formt", "json"), "lint") == \
        "No such option '--formt'. Did you mean '--format'?"


def test_options_are_not_matched_by_prefix() -> None:
    # --form could only mean --format, but a prefix is never taken silently
    assert usage_error(run_vidlint("lint", "--form", "json", str(EXAMPLES / "clean")), "lint").startswith(
        "No such option '--form'. (Did you mean one of: '--color', '--format'?)")
    assert usage_error(run_vidlint("submit", "--dry", "x.json"), "submit").startswith("No such option '--dry'.")


@pytest.mark.parametrize("args, message", [
    (["lint", "--format", "yaml"], "Invalid value for '--format': 'yaml' is not one of 'text', 'json', "),
    (["lint", "--fail-on", "bogus"], "Invalid value for '--fail-on': 'bogus' is not one of 'error', 'warning', 'info'."),
    (["lint", "--format"], "Option '--format' requires an argument."),
    (["lint", "--asset-map", "no-equals-sign"],
     "Invalid value for '--asset-map': asset map 'no-equals-sign' is not URI_PREFIX=DIR"),
    (["lint", "--online", "--offline-cache"], "--online and --offline-cache exclude each other"),
    (["lint", "--config", "a.toml", "--isolated"], "--config and --isolated cannot be used together"),
    (["submit"], "Missing argument 'REQUEST'."),
    (["submit", "r.json", "--timeout", "soon"], "Invalid value for '--timeout': 'soon' is not a valid float."),
    (["probe"], "Missing argument 'FILES...'."),
    (["schema"], "Missing argument 'MODEL'."),
    (["rules", "VL311", "VL312"], "Got unexpected extra argument (VL312)"),
    (["models", "extra"], "Got unexpected extra argument (extra)"),
])
def test_usage_errors_are_one_line_after_the_usage(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_vidlint(*args, cwd=tmp_path)
    assert usage_error(result, args[0]).startswith(message)


@pytest.mark.parametrize("args, message", [
    (["lint", "-o", "{folder}", "r.json"], "Invalid value for '-o' / '--output-file': File '{folder}' is a directory."),
    (["lint", "--config", "{folder}"], "Invalid value for '--config': File '{folder}' is a directory."),
    (["lint", "--baseline", "{folder}"], "Invalid value for '--baseline': File '{folder}' is a directory."),
    (["lint", "--write-baseline", "{folder}"], "Invalid value for '--write-baseline': File '{folder}' is a directory."),
    (["submit", "{folder}"], "Invalid value for 'REQUEST': File '{folder}' is a directory."),
    (["submit", "r.json", "--ledger", "{folder}"], "Invalid value for '--ledger': File '{folder}' is a directory."),
    (["submit", "r.json", "--download", "r.json"], "Invalid value for '--download': Directory 'r.json' is a file."),
    (["status", "--request", "{folder}"], "Invalid value for '--request': File '{folder}' is a directory."),
])
def test_paths_of_the_wrong_kind_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    write_request(tmp_path / "r.json", REQUEST)
    (tmp_path / "folder").mkdir()
    result = run_vidlint(*[arg.format(folder="folder") for arg in args], cwd=tmp_path)
    assert usage_error(result, args[0]) == message.format(folder="folder")
    assert not (tmp_path / ".vidlint").exists()  # refused before anything ran


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write read-only files")
def test_read_only_output_file_is_a_usage_error(tmp_path: Path) -> None:
    write_request(tmp_path / "r.json", REQUEST)
    (tmp_path / "report.txt").write_text("old")
    (tmp_path / "report.txt").chmod(0o444)
    result = run_vidlint("lint", "-o", "report.txt", "r.json", cwd=tmp_path)
    assert usage_error(result, "lint") == "Invalid value for '-o' / '--output-file': File 'report.txt' is not writable."


def test_options_and_paths_mix_in_any_order_and_dashes_after_double_dash(tmp_path: Path) -> None:
    for name in ("a.json", "b.json", "-dash.json"):
        write_request(tmp_path / name, REQUEST)
    mixed = run_vidlint("lint", "a.json", "--format", "json", "b.json", "-q", cwd=tmp_path)
    assert mixed.code == 0 and [f["path"] for f in mixed.json()["files"]] == ["a.json", "b.json"]
    dashed = run_vidlint("lint", "--format", "json", "--", "-dash.json", cwd=tmp_path)
    assert dashed.code == 0 and [f["path"] for f in dashed.json()["files"]] == ["-dash.json"]


def test_repeatable_options_keep_every_value(tmp_path: Path) -> None:
    for name in ("keep.json", "skip-1.json", "skip-2.json"):
        write_request(tmp_path / "requests" / name, REQUEST)
    result = run_vidlint("lint", "--format", "json", "--exclude", "skip-1.json", "--exclude", "skip-2.json",
                         "requests", cwd=tmp_path)
    assert [f["path"] for f in result.json()["files"]] == ["requests/keep.json"]


# --- what gets imported ------------------------------------------------------------------------

MODULES_AFTER = """
import json, sys
from vidlint.cli import main
sys.argv = ["vidlint", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\n" + json.dumps(sorted(sys.modules)) + "\\n")
"""


def modules_after(*args: str, cwd: Path | None = None) -> tuple[str, set[str]]:
    """stdout, and the modules imported, when ``vidlint ARGS`` runs in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDLINT_", "GITHUB_ACTIONS"))}
    env["PYTHONPATH"] = str(SRC)
    proc = subprocess.run([sys.executable, "-c", MODULES_AFTER, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)
    return proc.stdout, set(json.loads(proc.stderr.splitlines()[-1]))


def command_modules(modules: set[str]) -> set[str]:
    return {name for name in modules if name.startswith("vidlint.cli.") and name.endswith("_cmd")}


def test_listing_the_commands_imports_none_of_them() -> None:
    out, modules = modules_after("--help")
    assert "models" in out and command_modules(modules) == set()
    assert "difflib" not in modules


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_commands_help_imports_only_that_command(name: str) -> None:
    out, modules = modules_after(name, "--help")
    assert out.startswith(f"usage: vidlint {name} ") and command_modules(modules) == {COMMANDS[name].module}


def test_clean_lint_imports_no_other_command_nor_the_http_client(tmp_path: Path) -> None:
    write_request(tmp_path / "r.json", REQUEST)
    out, modules = modules_after("lint", "r.json", cwd=tmp_path)
    assert "Found 0 errors" in out
    assert command_modules(modules) == {"vidlint.cli.lint_cmd"}
    assert not {"vidlint.submit", "httpx", "difflib"} & modules
    # its one reference is remote: nothing is probed, so the probes' code is not imported; nor
    # is what only an invalid request's errors need
    assert not {"vidlint.probe.core", "vidlint.probe.sniff", "vidlint.check.leaf_errors"} & modules


# --- a reader that goes away -------------------------------------------------------------------

def test_closed_stdout_ends_quietly(tmp_path: Path) -> None:
    # far more output than a pipe buffers, so vidlint is still writing when the reader goes away
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps({**REQUEST, "seed": -1}) for _ in range(1000)) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDLINT_", "GITHUB_ACTIONS"))}
    env["PYTHONPATH"] = str(SRC)
    proc = subprocess.Popen([sys.executable, "-m", "vidlint", "lint", "--exit-zero", str(batch)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert b"VL" in first
    assert "Traceback" not in err and "internal error" not in err and "Exception ignored" not in err, err
    assert err == "" and code == 1  # 1: the report is incomplete (with --exit-zero, a full one exits 0)


# --- the confirmation prompt of submit ---------------------------------------------------------

@pytest.mark.parametrize("typed, answer", [
    ("y\n", True), ("YES\n", True), (" yes \n", True), ("\n", False), ("n\n", False), ("yep\n", False), ("", False),
])
def test_confirmation_defaults_to_no(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                     typed: str, answer: bool) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    assert ask_yes_no("Submit r.json?") is answer
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("Submit r.json? [y/N]: ")


# --- shell completion (click's, through _VIDLINT_COMPLETE) -------------------------------------

def complete(words: str) -> list[str]:
    """What bash completion offers for the last word of ``words``."""
    parts = words.split(" ")
    result = run_vidlint(env={"_VIDLINT_COMPLETE": "bash_complete", "COMP_WORDS": words,
                              "COMP_CWORD": str(len(parts) - 1)})
    assert result.code == 0 and result.err == "", result
    return [line.split(",", 1)[1] for line in result.out.splitlines()]


def test_bash_completion_script() -> None:
    result = run_vidlint(env={"_VIDLINT_COMPLETE": "bash_source"})
    assert result.code == 0
    assert "_vidlint_completion()" in result.out and "complete -o nosort -F _vidlint_completion vidlint" in result.out


def test_completion_of_commands_options_choices_and_models() -> None:
    assert complete("vidlint s") == ["submit", "status", "schema"]
    assert complete("vidlint lint --fo") == ["--format"]
    assert complete("vidlint lint --format j") == ["json", "junit"]
    assert complete("vidlint schema wan2.7-image") == ["wan2.7-image-to-video"]


def test_completion_of_lint_paths_is_left_to_the_shell_as_files() -> None:
    result = run_vidlint(env={"_VIDLINT_COMPLETE": "bash_complete", "COMP_WORDS": "vidlint lint exam", "COMP_CWORD": "2"})
    assert result.code == 0 and result.out.splitlines() == ["file,exam"]  # bash then lists the matching paths


@pytest.mark.parametrize("args", [
    [], ["a.json"], ["a.json", "b.json", "-"], ["--quiet", "a.json", "b.json"], ["-o", "out.json", "a.json", "b.json"],
    ["a.json", "--format", "json", "b.json", "c.json"], ["--exclude", "x", "--exclude=y", "a.json", "b"],
    ["a.json", "--", "-b.json", "c.json"], ["a.json", "-q"], ["-qv", "a", "b"], ["--format", "json"],
    ["--select", "VL1", "-"], ["--stdin-filename", "s.json", "-", "a.json", "b.json"],
])
def test_the_arguments_after_the_last_option_are_read_as_click_reads_them(args: list[str]) -> None:
    """``vidlint lint`` marks where its trailing paths begin (click's parser is quadratic in
    the number of arguments); what it reads is the same."""
    import click

    from vidlint.cli.lint_cmd import command

    def parsed(parse: object) -> dict[str, object]:
        ctx = click.Context(command, info_name="lint")
        parse(ctx, list(args))  # type: ignore[operator]
        return ctx.params

    assert parsed(command.parse_args) == parsed(lambda ctx, a: click.Command.parse_args(command, ctx, a))


# --- the garbage collector while vidlint starts ------------------------------------------------

def _command_noting_the_collector(monkeypatch: pytest.MonkeyPatch, seen: list[tuple[bool, int]]) -> None:
    """A command ``gc-probe`` whose body notes (collector on, objects frozen)."""
    import gc
    import types

    import click

    from vidlint.cli import Command
    from vidlint.cli.base import VidlintCommand

    @click.command("gc-probe", cls=VidlintCommand)
    def command() -> int:
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return 0

    module = types.ModuleType("vidlint_test_gc_probe")
    module.command = command  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(COMMANDS, "gc-probe", Command(module.__name__, "Note the collector."))


@pytest.mark.parametrize("argv", [["gc-probe"], ["--version"], ["gc-probe", "--no-such-option"], ["no-such-command"]])
@pytest.mark.parametrize("collecting", [True, False])
def test_the_collector_is_paused_while_starting_and_put_back(monkeypatch: pytest.MonkeyPatch, argv: list[str],
                                                          collecting: bool) -> None:
    import gc

    from vidlint import cli

    seen: list[tuple[bool, int]] = []
    _command_noting_the_collector(monkeypatch, seen)
    paused: list[bool] = []
    real_dispatch = cli.dispatch

    def dispatch(args: list[str]) -> int:
        paused.append(gc.isenabled())
        return real_dispatch(args)

    monkeypatch.setattr(cli, "dispatch", dispatch)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        with pytest.raises(SystemExit):
            cli.main(argv)
        after = gc.isenabled(), gc.get_freeze_count()
    finally:
        (gc.enable if was else gc.disable)()
    assert paused == [False]  # off while starting
    assert after == (collecting, 0)  # as it was, nothing left frozen
    if argv == ["gc-probe"]:  # the command's own work: the collector as it was, what start-up made frozen
        assert len(seen) == 1 and seen[0][0] is collecting and seen[0][1] > 0


def test_the_program_freezes_what_is_left_before_the_collection_at_exit(tmp_path: Path) -> None:
    script = ("import atexit, gc, sys\n"
              "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))\n"
              "from vidlint.cli import entry\n"
              "sys.argv = ['vidlint', '--version']\n"
              "entry()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(SRC)}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith(f"vidlint, version {__version__}")
    assert done.stdout.splitlines()[-1] == "frozen at exit: True"  # and atexit handlers still run

