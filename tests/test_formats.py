"""Machine formats (SARIF, GitHub annotations, JUnit, GitLab Code Quality), each parsed back,
plus --output-file, --statistics, --quiet and --exit-zero as a CI job sees them."""

from __future__ import annotations

import json
import os
import re
from xml.etree import ElementTree as ET

import pytest

from conftest import REPO, run_vidlint, write_request

# Remote assets are not fetched offline: each request also gets a VL502 info (asset not verified).
CLEAN = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["https://x.example.com/a.jpg"]}
# VL104 (error, /seed) and VL311 (warning, /prompt), on known lines.
BAD = {**CLEAN, "prompt": "image 1 waves", "seed": 0}
# CI keeps the reference data beside the clone; a git worktree sits one folder deeper.
SARIF_SCHEMA = next((base / "shared" / "data" / "sarif-schema-2.1.0.json" for base in (REPO.parent, REPO.parent.parent)
                     if (base / "shared" / "data" / "sarif-schema-2.1.0.json").is_file()),
                    REPO.parent / "shared" / "data" / "sarif-schema-2.1.0.json")


@pytest.fixture
def project(tmp_path):
    write_request(tmp_path / "requests" / "good.json", CLEAN)
    write_request(tmp_path / "requests" / "bad.json", BAD)
    return tmp_path


def text_findings(project):
    """(path, line, col, code) from the text format: the reference the other formats must agree with."""
    out = run_vidlint("lint", "--show-infos", "requests", cwd=project).out
    return {(m[1], int(m[2]), int(m[3]), m[4]) for m in re.finditer(r"^(\S+):(\d+):(\d+): (VL\d+)", out, re.M)}


# --- SARIF ----------------------------------------------------------------------------------

def sarif(project, *args):
    result = run_vidlint("lint", "--format", "sarif", *args, "requests", cwd=project)
    assert result.code == 1, result.err
    return result.json()


def test_sarif_has_the_structure_github_code_scanning_requires(project):
    report = sarif(project)
    assert report["version"] == "2.1.0" and "sarif-2.1.0" in report["$schema"]
    (run,) = report["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "vidlint" and driver["version"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) and "VL104" in ids and "VL311" in ids
    located = set()
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note") and res["message"]["text"]
        (loc,) = res["locations"]
        uri = loc["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "\\" not in uri
        region = loc["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        located.add((uri, region["startLine"], region["startColumn"], res["ruleId"]))
        assert res["partialFingerprints"]
    assert located == {f for f in text_findings(project) if f[3] != "VL502"}
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"VL104": "error", "VL311": "warning"}  # infos (VL502) are not alerts by default
    assert run["properties"]["omittedInfos"] == 2


def test_sarif_rules_come_from_the_registry(project):
    from vidlint.rules.registry import load_all_rules

    rules = {r["id"]: r for r in sarif(project)["runs"][0]["tool"]["driver"]["rules"]}
    registry = load_all_rules()
    assert set(rules) == set(registry)
    vl311 = rules["VL311"]
    assert vl311["name"] == "reference-spelling"
    assert vl311["shortDescription"]["text"] == registry["VL311"].summary
    assert "Breaks it" in vl311["fullDescription"]["text"] and vl311["help"]["text"] == vl311["fullDescription"]["text"]
    assert vl311["defaultConfiguration"]["level"] == "warning"
    assert rules["VL313"]["defaultConfiguration"]["level"] == "note"


def test_sarif_message_carries_the_hint(project):
    results = sarif(project)["runs"][0]["results"]
    vl311 = next(r for r in results if r["ruleId"] == "VL311")
    assert 'the model reads "Image 1"' in vl311["message"]["text"]
    assert "hint: write \"Image 1\"" in vl311["message"]["text"]


def test_sarif_validates_against_the_oasis_schema(project):
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} not present (it sits beside the clone in CI)")
    from jsonschema import Draft7Validator

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    report = sarif(project)
    errors = sorted(Draft7Validator(schema).iter_errors(report), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    # a clean run is valid too (no results)
    clean = run_vidlint("lint", "--format", "sarif", "requests/good.json", cwd=project).json()
    assert clean["runs"][0]["results"] == [] and clean["runs"][0]["properties"]["omittedInfos"] == 1
    assert not list(Draft7Validator(schema).iter_errors(clean))


# --- GitHub annotations ---------------------------------------------------------------------

ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,]*),line=(\d+),col=(\d+),title=([^:]*)::(.*)$")


def test_github_annotations_point_at_the_findings(project):
    result = run_vidlint("lint", "--format", "github", "requests", cwd=project)
    assert result.code == 1
    found = set()
    for line in result.out.splitlines():
        match = ANNOTATION.match(line)
        if match:
            found.add((match[2], int(match[3]), int(match[4]), match[5]))
            if match[5] == "VL311":
                assert match[1] == "warning" and "%0Ahint: " in match[6]
    assert found == text_findings(project)
    assert result.out.splitlines()[-1].startswith("Found 1 error, 1 warning")


def test_github_is_chosen_inside_github_actions(project):
    auto = run_vidlint("lint", "requests", cwd=project, env={"GITHUB_ACTIONS": "true"})
    assert auto.out.startswith("::warning file=requests/bad.json,line=3,")
    explicit = run_vidlint("lint", "--format", "text", "requests", cwd=project, env={"GITHUB_ACTIONS": "true"})
    assert explicit.out.startswith("requests/bad.json:")
    outside = run_vidlint("lint", "requests", cwd=project)
    assert outside.out.startswith("requests/bad.json:")


def test_github_escapes_properties_and_data(tmp_path):
    from vidlint.report.github import escape_data, escape_property

    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    write_request(tmp_path / "x,y:z.json", {**CLEAN, "odd%key": 1})
    out = run_vidlint("lint", "--format", "github", "x,y:z.json", cwd=tmp_path).out
    line = next(l for l in out.splitlines() if "VL105" in l)
    assert line.startswith("::error file=x%2Cy%3Az.json,line=")
    assert 'unknown field "odd%25key"' in line
    assert "\r" not in out


# --- JUnit ----------------------------------------------------------------------------------

def test_junit_one_testcase_per_file_with_failures(project):
    result = run_vidlint("lint", "--format", "junit", "requests", cwd=project)
    assert result.code == 1
    root = ET.fromstring(result.out)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"requests/bad.json", "requests/good.json"}
    assert cases["requests/good.json"].find("failure") is None
    failure = cases["requests/bad.json"].find("failure")
    assert failure is not None and failure.get("type") == "VL104"
    assert "requests/bad.json:" in failure.text and "VL104 [error] seed is 0" in failure.text
    # the warning is below --fail-on: reported, but not a failure
    assert "VL311" not in failure.text
    assert "VL311 [warning]" in cases["requests/bad.json"].find("system-out").text
    strict = ET.fromstring(run_vidlint("lint", "--format", "junit", "--fail-on", "warning", "requests", cwd=project).out)
    assert "VL311" in strict.find("testsuite/testcase[@name='requests/bad.json']/failure").text


def test_junit_unreadable_path_is_an_error_case(project):
    result = run_vidlint("lint", "--format", "junit", "requests/good.json", "missing.json", cwd=project)
    assert result.code == 2
    suite = ET.fromstring(result.out).find("testsuite")
    assert suite.get("errors") == "1" and suite.get("tests") == "2"
    assert suite.find("testcase[@name='missing.json']/error") is not None


# --- GitLab Code Quality --------------------------------------------------------------------

def test_gitlab_code_quality_report(project):
    result = run_vidlint("lint", "--format", "gitlab", "requests", cwd=project)
    issues = [i for i in result.json() if i["check_name"] != "VL502"]
    assert len(result.json()) == 4 and len(issues) == 2
    assert {i["severity"] for i in result.json() if i["check_name"] == "VL502"} == {"info"}
    by_check = {i["check_name"]: i for i in issues}
    assert by_check["VL104"]["severity"] == "major" and by_check["VL311"]["severity"] == "minor"
    for issue in issues:
        assert issue["description"].startswith(issue["check_name"] + ": ")
        assert issue["location"]["path"] == "requests/bad.json"
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
    lines = {(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in issues}
    assert lines == {(p, l, c) for p, l, _, c in text_findings(project) if c != "VL502"}


def test_gitlab_fingerprints_survive_line_shifts_and_stay_unique(project):
    before = {i["check_name"]: i["fingerprint"] for i in run_vidlint("lint", "--format", "gitlab", "requests", cwd=project).json()}
    path = project / "requests" / "bad.json"
    path.write_text("\n\n\n" + json.dumps(BAD, indent=4), encoding="utf-8")  # moved down, re-indented
    after = run_vidlint("lint", "--format", "gitlab", "requests", cwd=project).json()
    assert {i["check_name"]: i["fingerprint"] for i in after} == before
    assert {i["location"]["lines"]["begin"] for i in after} != {3, 4}
    # two identical findings in one file still get distinct fingerprints
    write_request(project / "requests" / "twice.json", {**CLEAN, "prompt": "image 1 and image 1"})
    issues = [i for i in run_vidlint("lint", "--format", "gitlab", "requests/twice.json", cwd=project).json()
              if i["check_name"] == "VL311"]
    assert len(issues) == 2 and len({i["fingerprint"] for i in issues}) == 2


# --- output file, statistics, quiet, exit-zero ----------------------------------------------

@pytest.mark.parametrize("fmt", ["sarif", "junit", "gitlab", "json", "text"])
def test_output_file_gets_the_report_and_the_terminal_a_summary(project, fmt):
    target = project / "out" / f"report.{fmt}"
    target.parent.mkdir()
    result = run_vidlint("lint", "--format", fmt, "--output-file", str(target), "requests", cwd=project)
    assert result.code == 1
    assert result.out.strip() == f"Found 1 error, 1 warning, 2 infos in 2 files. Report ({fmt}) written to {target}."
    body = target.read_text(encoding="utf-8")
    if fmt in ("sarif", "gitlab", "json"):
        json.loads(body)
    elif fmt == "junit":
        ET.fromstring(body)
    else:
        assert "requests/bad.json:" in body and "\033[" not in body


def test_output_file_in_github_actions_keeps_the_chosen_format(project):
    target = project / "report.txt"
    result = run_vidlint("lint", "-o", str(target), "requests", cwd=project, env={"GITHUB_ACTIONS": "true"})
    assert target.read_text().startswith("requests/bad.json:")
    assert "Report (text) written" in result.out


@pytest.mark.parametrize("fmt", ["text", "json"])  # json is written as the results come, text at the end
def test_output_file_that_cannot_be_written_is_exit_2(project, fmt):
    result = run_vidlint("lint", "--format", fmt, "--output-file", str(project / "no" / "such" / "dir" / "r.sarif"),
                         "requests", cwd=project)
    assert result.code == 2 and "cannot write the report" in result.err and "Traceback" not in result.err
    assert result.out == ""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_report_that_fails_while_written_is_exit_2(project, fmt):
    """/dev/full opens but refuses every write: the streamed JSON report fails mid-run."""
    result = run_vidlint("lint", "--format", fmt, "--output-file", "/dev/full", "requests", cwd=project)
    assert result.code == 2 and "/dev/full: cannot write the report" in result.err and "Traceback" not in result.err


def test_statistics_counts_per_rule(project):
    write_request(project / "requests" / "bad2.json", {**BAD, "prompt": "image 1 and img 2"})
    result = run_vidlint("lint", "--statistics", "requests", cwd=project)
    rows = [l.split() for l in result.out.splitlines() if re.match(r"^\s*\d+\s+VL\d+", l)]
    assert rows == [["3", "VL311", "[warning]", "reference-spelling"],
                    ["3", "VL502", "[info]", "remote-asset-not-verified"],
                    ["2", "VL104", "[error]", "out-of-range"]]
    # with a machine format on stdout the table goes to stderr, leaving stdout parseable
    machine = run_vidlint("lint", "--statistics", "--format", "json", "requests", cwd=project)
    machine.json()
    assert "3  VL311" in machine.err


def test_quiet_prints_only_findings(project):
    quiet = run_vidlint("lint", "-q", "requests", cwd=project)
    assert quiet.out.splitlines()[0].startswith("requests/bad.json:") and "Found" not in quiet.out
    assert run_vidlint("lint", "-q", "requests/good.json", cwd=project).out == ""  # -q: no infos either
    good = run_vidlint("lint", "-q", "-v", "requests/good.json", cwd=project).out.splitlines()
    assert len(good) == 2 and "VL502 [info]" in good[0] and good[1].lstrip().startswith("hint:")


def test_exit_zero_never_fails_on_findings_but_keeps_usage_errors(project):
    result = run_vidlint("lint", "--exit-zero", "requests", cwd=project)
    assert result.code == 0 and "VL104" in result.out
    assert run_vidlint("lint", "--exit-zero", "missing.json", cwd=project).code == 2
    assert run_vidlint("lint", "--exit-zero", "--format", "nope", "requests", cwd=project).code == 2
