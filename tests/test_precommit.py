"""The pre-commit hook with the real pre-commit: `pre-commit try-repo` on a temporary git
repository with one good and one bad request, and a `pre-commit run` from a
.pre-commit-config.yaml that pins this checkout, as a team would set it up.

pre-commit installs the hook repository into its own virtualenv (pip, from PyPI or pip's cache);
PRE_COMMIT_HOME is shared by the tests of one session so that happens once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CLEAN = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["https://x.example.com/a.jpg"]}
BAD = {**CLEAN, "seed": 0}  # VL104
PACKAGE_FILES = ("src/", "schemas/", "pyproject.toml", "README", "LICENSE", ".pre-commit-hooks.yaml")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "vidlint tests", "GIT_AUTHOR_EMAIL": "tests@vidlint.invalid",
           "GIT_COMMITTER_NAME": "vidlint tests", "GIT_COMMITTER_EMAIL": "tests@vidlint.invalid"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def working_tree_files() -> list[str]:
    """Tracked and new (not ignored) files of this checkout: what the hook repository would hold if committed now."""
    listed = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    return sorted({p for p in listed if p and (REPO / p).is_file()})


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This checkout, working-tree changes included, committed into a fresh git repository."""
    target = tmp_path_factory.mktemp("hook-repo")
    for relative in working_tree_files():
        if not relative.startswith(PACKAGE_FILES):
            continue  # what pip needs to install the hook; tests, fixtures and docs stay behind
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / relative, destination)
    assert (target / ".pre-commit-hooks.yaml").is_file()
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "vidlint under test")
    return target, git(target, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_env(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDLINT_", "GITHUB_ACTIONS", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", NO_COLOR="1",
               GIT_AUTHOR_NAME="vidlint tests", GIT_AUTHOR_EMAIL="tests@vidlint.invalid",
               GIT_COMMITTER_NAME="vidlint tests", GIT_COMMITTER_EMAIL="tests@vidlint.invalid")
    return env


@pytest.fixture
def project(tmp_path) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / "requests").mkdir()
    (tmp_path / "requests" / "good.json").write_text(json.dumps(CLEAN, indent=2))
    (tmp_path / "requests" / "bad.json").write_text(json.dumps(BAD, indent=2))
    (tmp_path / "package.json").write_text('{"name": "web", "version": "1.0.0"}')  # not a request
    git(tmp_path, "add", "-A")
    return tmp_path


def pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_try_repo_fails_on_the_bad_request_and_passes_the_good_one(hook_repo, pre_commit_env, project):
    repo, _ = hook_repo
    both = pre_commit(project, pre_commit_env, "try-repo", str(repo), "vidlint", "--verbose",
                      "--files", "requests/good.json", "requests/bad.json")
    output = both.stdout + both.stderr
    assert both.returncode == 1, output
    assert "vidlint" in output and "Failed" in output
    assert "requests/bad.json:" in output and "VL104 [error] seed is 0" in output
    assert not any(line.startswith("requests/good.json:") and "[error]" in line for line in output.splitlines())

    good = pre_commit(project, pre_commit_env, "try-repo", str(repo), "vidlint", "--files", "requests/good.json")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout


@pytest.mark.slow
def test_pinned_hook_from_pre_commit_config(hook_repo, pre_commit_env, project):
    repo, rev = hook_repo
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: vidlint\n")
    git(project, "add", "-A")
    run = pre_commit(project, pre_commit_env, "run", "--all-files", "--verbose")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "VL104" in output and "requests/bad.json" in output
    assert "package.json" not in output  # excluded by the hook's default pattern

    # fixing the request makes the hook pass; the configuration file of the project is honoured too
    (project / "requests" / "bad.json").write_text(json.dumps(CLEAN, indent=2))
    (project / "requests" / "warn.json").write_text(json.dumps({**CLEAN, "prompt": "image 1 waves"}))
    (project / "vidlint.toml").write_text('fail-on = "warning"\n')
    git(project, "add", "-A")
    strict = pre_commit(project, pre_commit_env, "run", "--all-files")
    assert strict.returncode == 1 and "VL311" in strict.stdout + strict.stderr
    (project / "vidlint.toml").write_text('[per-file-ignores]\n"requests/warn.json" = ["VL311"]\n')
    git(project, "add", "-A")
    fixed = pre_commit(project, pre_commit_env, "run", "--all-files")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
