"""The program's own plumbing: internal errors (with VIDLINT_DEBUG), a normal exit, hermetic tests."""

from __future__ import annotations

import json
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


# --- hermetic tests ----------------------------------------------------------------------------

SPELLING = {"model": "wan2.7-reference-video", "prompt": "image 1 waves", "image_urls": ["https://x.example.com/a.jpg"]}


def test_configuration_above_the_repository_root_is_never_read(tmp_path: Path) -> None:
    """A vidlint.toml in the folder a repository was cloned into (here: selecting only VL9) would
    silence every finding; discovery stops at the clone's root, the first folder with a .git."""
    (tmp_path / "vidlint.toml").write_text('select = ["VL9"]\n', encoding="utf-8")
    clone = tmp_path / "clone"
    (clone / "requests").mkdir(parents=True)
    (clone / "requests" / "r.json").write_text(json.dumps(SPELLING), encoding="utf-8")
    outside_git = run_vidlint("lint", "--format", "json", "requests", cwd=clone)
    assert outside_git.code == 0 and outside_git.json()["summary"]["warnings"] == 0  # not a repository: it applies
    for git in ("dir", "file"):  # a repository, or a worktree (whose .git is a file)
        marker = clone / ".git"
        if marker.is_dir():
            marker.rmdir()
        (marker.mkdir() if git == "dir" else marker.write_text("gitdir: /elsewhere\n", encoding="utf-8"))
        for cwd in (clone, clone / "requests"):
            result = run_vidlint("lint", "--format", "json", ".", cwd=cwd)
            codes = {d["code"] for f in result.json()["files"] for d in f["diagnostics"]}
            assert "VL311" in codes, (git, cwd, result.out)  # the whole default rule set ran


def test_the_repository_root_configuration_still_applies_from_a_subfolder(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "vidlint.toml").write_text('ignore = ["VL311"]\n', encoding="utf-8")
    (project / "requests").mkdir()
    (project / "requests" / "r.json").write_text(json.dumps(SPELLING), encoding="utf-8")
    result = run_vidlint("lint", "--format", "json", ".", cwd=project / "requests")
    codes = {d["code"] for f in result.json()["files"] for d in f["diagnostics"]}
    assert "VL311" not in codes and result.err == ""


def test_this_repository_is_where_discovery_stops_for_the_tests() -> None:
    from vidlint.settings.discovery import find_config

    # nothing in the repository configures vidlint, and nothing above it is read
    assert find_config(REPO / "tests") is None
    assert find_config(REPO / "examples" / "clean") is None


def test_each_session_has_its_own_cache_folder_in_and_out_of_process(tmp_path: Path) -> None:
    from conftest import SESSION_CACHE

    from vidlint.core.paths import cache_folder

    assert cache_folder() == SESSION_CACHE
    assert SESSION_CACHE.name.startswith("vidlint-test-cache-") and SESSION_CACHE != Path("/tmp/vidlint-test-cache")
    media = tmp_path / "ok.png"
    media.write_bytes((REPO / "fixtures" / "media" / "alpha.png").read_bytes())
    request = tmp_path / "r.json"
    request.write_text(json.dumps({**SPELLING, "image_urls": [str(media)]}), encoding="utf-8")
    before = {p for p in SESSION_CACHE.rglob("*") if p.is_file()}
    result = run_vidlint("lint", "--format", "json", str(request))
    assert result.json()["summary"]["probes"]["performed"] == 1
    assert {p for p in SESSION_CACHE.rglob("*") if p.is_file()} - before  # the child wrote its probe there
