"""The GitHub Action (action.yml) run step by step as a runner would: each `run:` script with
`bash --noprofile --norc -eo pipefail`, `${{ inputs.x }}` and `${{ github.action_path }}`
substituted, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_PATH files, against the examples.
Most tests put this checkout's `vidlint` on PATH and run the install step with install: "false";
the slow one lets the install step build and pip-install this checkout into a fresh virtual
environment, with no other `vidlint` on PATH (pip fetches the dependencies from the registry)."""

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
    if inputs.get("install") == "false":
        shim = bin_dir / "vidlint"
        shim.write_text(f'#!/bin/sh\nPYTHONPATH="{SRC}" exec "{sys.executable}" -m vidlint "$@"\n')
        shim.chmod(0o755)
    files = {name: tmp_path / name for name in ("output", "summary", "path")}
    for path in files.values():
        path.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDLINT_", "GITHUB_", "INPUT_"))}
    elsewhere = [folder for folder in env["PATH"].split(os.pathsep) if not os.path.exists(os.path.join(folder, "vidlint"))]
    env.update(PATH=os.pathsep.join([str(bin_dir), *elsewhere]), GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(workspace),
               GITHUB_OUTPUT=str(files["output"]), GITHUB_STEP_SUMMARY=str(files["summary"]),
               GITHUB_PATH=str(files["path"]), GITHUB_ACTION_PATH=str(REPO), RUNNER_TEMP=str(tmp_path),
               VIDLINT_CACHE_DIR=str(tmp_path / "cache"))
    stdout, code = "", 0
    for step in ACTION["runs"]["steps"]:
        assert step["shell"] == "bash"
        step_env = {**env, **{k: expression(v, inputs) for k, v in step.get("env", {}).items()}}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=workspace, env=step_env, capture_output=True, text=True, timeout=600)
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


def summary_table(summary: str) -> dict[str, tuple[str, int]]:
    """The job summary's findings by code: code -> (severity, count)."""
    rows = re.findall(r"^\| \[(VL\d+)\]\(\S+\) \| (\w+) \| ([\d,]+) \| [\w-]+ \|$", summary, re.M)
    return {code: (severity, int(count.replace(",", ""))) for code, severity, count in rows}


@pytest.mark.slow
def test_the_install_step_installs_this_checkout_into_a_fresh_environment(workspace, tmp_path):
    from vidlint.api import LintOptions, lint_paths
    from vidlint.core.links import rule_url

    code, stdout, outputs, summary = run_action(workspace, tmp_path, paths="examples/clean examples/broken",
                                                **{"sarif-file": "reports/vidlint.sarif"})
    venv = tmp_path / "vidlint-venv"  # under RUNNER_TEMP
    assert (tmp_path / "path").read_text().splitlines() == [str(venv / "bin")]
    assert re.search(r"^vidlint, version \S+ \(model data: .+\)$", stdout, re.M)  # the install step's last line
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import vidlint; print(vidlint.__file__)"],
                           capture_output=True, text=True, check=True).stdout
    assert "site-packages" in where and str(SRC) not in where  # installed, not this checkout's src on a path

    assert code == 1 and outputs == {"exit-code": "1", "sarif-file": "reports/vidlint.sarif"}
    assert re.search(r"^::error file=examples/broken/limits\.json,line=\d+,col=\d+,title=VL\d+::", stdout, re.M)
    cwd = os.getcwd()
    os.chdir(workspace)
    try:
        expected = lint_paths(["examples/clean", "examples/broken"], LintOptions())
    finally:
        os.chdir(cwd)
    counts: dict[str, tuple[str, int]] = {}
    for result in expected.files:
        for d in result.diagnostics:
            counts[d.code] = (d.severity.label, counts.get(d.code, ("", 0))[1] + 1)
    from vidlint.report.text import summary_line

    assert summary.startswith(f"## vidlint\n\n{summary_line(expected)}\n")
    requests = [p for folder in ("clean", "broken") for p in (workspace / "examples" / folder).iterdir()
                if p.suffix in (".json", ".jsonl")]
    assert f" in {len(requests)} files." in summary_line(expected)
    assert summary_table(summary) == counts
    assert f"| [VL104]({rule_url('VL104')}) | error |" in summary
    assert "Estimated cost: at least $" in summary

    sarif = json.loads((workspace / "reports" / "vidlint.sarif").read_text())
    results = sarif["runs"][0]["results"]
    found = {code: n for code, (severity, n) in counts.items() if severity != "info"}
    assert {code: sum(r["ruleId"] == code for r in results) for code in found} == found
    assert len(results) == sum(found.values())
    assert sarif["runs"][0]["properties"]["omittedInfos"] == sum(n for s, n in counts.values() if s == "info")
    if SARIF_SCHEMA.is_file():
        from jsonschema import Draft7Validator

        Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)


def test_docs_show_the_actions_inputs_as_action_yml_declares_them():
    ci_md = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    section = ci_md.split("## GitHub Actions", 1)[1].split("\n## ", 1)[0]
    table = dict(re.findall(r"^\| `([\w-]+)` \| (.*?) \|", section, re.M))
    assert set(table) == set(ACTION["inputs"])
    for name, shown in table.items():  # a literal default is shown as it is; an empty one in words
        default = ACTION["inputs"][name].get("default", "")
        assert shown == f"`{default}`" if default else shown.startswith("("), (name, shown)
    outputs = section.split("Outputs:", 1)[1].split("\n", 1)[0]
    assert set(re.findall(r"`([\w-]+)`", outputs)) == set(ACTION["outputs"]), outputs
    readme = (REPO / "README.md").read_text(encoding="utf-8").split("## In GitHub Actions", 1)[1]
    for text in (section, readme):
        workflow = yaml.safe_load(text.split("```yaml\n", 1)[1].split("```", 1)[0])
        steps = workflow["jobs"]["vidlint"]["steps"] if isinstance(workflow, dict) else workflow
        ours = [step for step in steps if step.get("uses", "").split("@")[0] == "vidlint/vidlint"]
        assert ours and set(ours[0]["with"]) <= set(ACTION["inputs"])
