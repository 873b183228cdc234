"""The program's own plumbing: internal errors (with VIDLINT_DEBUG), a normal exit, hermetic tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO, SRC, run_vidlint

import vidlint.api
from vidlint.cli import main

CLEAN = str(EXAMPLES / "clean" / "storyboard.json")


def broken_lint(*args: object, **kwargs: object) -> object:
    raise RuntimeError("a bug in vidlint")


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


# --- internal errors -------------------------------------------------------------------------

def test_an_internal_error_is_one_line_without_vidlint_debug(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("VIDLINT_DEBUG", raising=False)
    monkeypatch.setattr(vidlint.api, "lint_paths", broken_lint)
    code, out, err = run_main(["lint", "--isolated", CLEAN], capsys)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "vidlint: internal error: RuntimeError: a bug in vidlint (set VIDLINT_DEBUG=1 to see the traceback)"]


def test_vidlint_debug_prints_the_traceback_behind_the_line(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VIDLINT_DEBUG", "1")
    monkeypatch.setattr(vidlint.api, "lint_paths", broken_lint)
    code, out, err = run_main(["lint", "--isolated", CLEAN], capsys)
    assert code == 2 and out == ""
    assert err.startswith("Traceback (most recent call last):\n")
    assert 'in broken_lint\n    raise RuntimeError("a bug in vidlint")' in err
    assert err.endswith("\nvidlint: internal error: RuntimeError: a bug in vidlint\n")


def test_vidlint_debug_traceback_of_submit_never_shows_the_key(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    key = "sk-secret-key-123456"

    def leaky(*args: object, **kwargs: object) -> object:
        raise RuntimeError(f"server echoed Bearer {key}")

    import vidlint.submit.session

    monkeypatch.setenv("VIDLINT_DEBUG", "1")
    monkeypatch.setenv("EVOLINK_API_KEY", key)
    monkeypatch.setattr(vidlint.submit.session, "status", leaky)
    code, out, err = run_main(["status", "--ledger", str(tmp_path / "ledger.jsonl")], capsys)
    assert code == 2
    assert "Traceback" in err and "in leaky" in err
    assert key not in err + out and "Bearer ***" in err


def test_a_bug_in_any_command_is_an_internal_error_line(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import vidlint.models

    monkeypatch.delenv("VIDLINT_DEBUG", raising=False)
    monkeypatch.setattr(vidlint.models, "known_models", broken_lint)
    code, out, err = run_main(["models"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("vidlint: internal error: RuntimeError: a bug in vidlint") and "Traceback" not in err


# --- leaving the program -----------------------------------------------------------------------

def test_the_program_exits_normally_so_atexit_handlers_run(tmp_path: Path) -> None:
    script = ("import atexit, sys\n"
              "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
              f"sys.argv = ['vidlint', 'lint', '--isolated', {CLEAN!r}]\n"
              "from vidlint.cli import entry\n"
              "entry()\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIDLINT_")}
    env["PYTHONPATH"] = str(SRC)
    env["VIDLINT_CACHE_DIR"] = str(tmp_path / "cache")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Found 0 errors, 0 warnings, 1 info in 1 file." in proc.stdout
    assert proc.stderr == "atexit ran\n"
