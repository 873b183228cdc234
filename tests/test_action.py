"""The GitHub Action (action.yml) run step by step as a runner would: each `run:` script with
`bash --noprofile --norc -eo pipefail`, `${{ inputs.x }}` and `${{ github.action_path }}`
substituted, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_PATH files, against the examples.
`vidlint` on PATH is this checkout's (the install step runs with install: "false": installing
with pip needs the network)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import EXAMPLES, REPO, SRC
from test_formats import SARIF_SCHEMA

ACTION = yaml.safe_load((REPO / "action.yml").read_text())


def expression(text: str, inputs: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        name = match[1].strip()
        if name.startswith("inputs."):
            key = name[len("inputs."):]
            return inputs.get(key, ACTION["inputs"][key].get("default", ""))
        if name == "github.action_path":
            return str(REPO)
        raise AssertionError(f"unexpected expression {name}")

    return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))


def run_action(workspace, tmp_path, **inputs: str):
    """Every step in order, until one fails; (exit code, stdout, outputs, summary)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "vidlint"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{SRC}" exec "{sys.executable}" -m vidlint "$@"\n')
    shim.chmod(0o755)
    files = {name: tmp_path / name for name in ("output", "summary", "path")}
    for path in files.values():
        path.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDLINT_", "GITHUB_", "INPUT_"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(workspace),
               GITHUB_OUTPUT=str(files["output"]), GITHUB_STEP_SUMMARY=str(files["summary"]),
               GITHUB_PATH=str(files["path"]), GITHUB_ACTION_PATH=str(REPO), RUNNER_TEMP=str(tmp_path),
               VIDLINT_CACHE_DIR=str(tmp_path / "cache"))
    stdout, code = "", 0
    for step in ACTION["runs"]["steps"]:
        assert step["shell"] == "bash"
        step_env = {**env, **{k: expression(v, inputs) for k, v in step.get("env", {}).items()}}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=workspace, env=step_env, capture_output=True, text=True, timeout=120)
        stdout += done.stdout
        assert "Traceback" not in done.stderr, done.stderr
        added = [line for line in files["path"].read_text().splitlines() if line]
        env["PATH"] = os.pathsep.join([*reversed(added), env["PATH"]])
        code = done.returncode
        if code:
            break
    outputs = dict(line.split("=", 1) for line in files["output"].read_text().splitlines() if "=" in line)
    return code, stdout, outputs, files["summary"].read_text()


@pytest.fixture
def workspace(tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "ws" / "examples")
    return tmp_path / "ws"


def test_the_action_is_composite_with_documented_inputs():
    assert ACTION["runs"]["using"] == "composite"
    assert {"paths", "fail-on", "sarif-file", "summary", "version"} <= set(ACTION["inputs"])
    for step in ACTION["runs"]["steps"]:  # inputs reach scripts through env only (no script injection)
        assert "${{" not in step["run"], step["name"]


def test_broken_examples_fail_with_annotations_sarif_and_a_summary(workspace, tmp_path):
    code, stdout, outputs, summary = run_action(
        workspace, tmp_path, install="false", paths="examples/clean examples/broken", **{"sarif-file": "vidlint.sarif"})
    assert code == 1 and outputs["exit-code"] == "1"
    assert re.search(r"^::error file=examples/broken/limits\.json,line=\d+,col=\d+,title=VL\d+::", stdout, re.M)
    sarif = json.loads((workspace / "vidlint.sarif").read_text())
    assert outputs["sarif-file"] == "vidlint.sarif"
    results = sarif["runs"][0]["results"]
    assert any(r["ruleId"] == "VL104" and r["level"] == "error" for r in results)
    assert all(r["level"] in ("error", "warning") for r in results)  # infos are not code-scanning alerts
    if SARIF_SCHEMA.is_file():
        from jsonschema import Draft7Validator

        Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    assert summary.startswith("## vidlint\n")
    assert "| Code | Severity | Findings | Rule |" in summary
    assert re.search(r"\| \[VL104\]\(https://\S+rules\.md#vl104\) \| error \| \d+ \| out-of-range \|", summary)
    assert "Estimated cost: at least $" in summary


def test_clean_examples_pass_and_the_summary_can_be_turned_off(workspace, tmp_path):
    code, stdout, outputs, summary = run_action(workspace, tmp_path, install="false", paths="examples/clean",
                                                summary="false")
    assert code == 0 and outputs == {"exit-code": "0", "sarif-file": ""}
    assert "::error" not in stdout and "::notice" in stdout  # infos are annotated as notices
    assert summary == ""
    assert not list(workspace.glob("*.sarif"))


def test_fail_on_and_args_reach_vidlint(workspace, tmp_path):
    code, _, outputs, summary = run_action(workspace, tmp_path, install="false", paths="examples/clean",
                                           **{"fail-on": "info", "args": "--select VL5"})
    assert code == 1 and outputs["exit-code"] == "1"
    assert "VL501" in summary and "VL502" in summary and "VL104" not in summary


def test_sarif_infos_on_request(workspace, tmp_path):
    code, _, _, _ = run_action(workspace, tmp_path, install="false", paths="examples/clean",
                               **{"sarif-file": "out/clean.sarif", "sarif-infos": "true"})
    assert code == 0
    results = json.loads((workspace / "out" / "clean.sarif").read_text())["runs"][0]["results"]
    assert results and {r["level"] for r in results} == {"note"}
