"""docs/rules.md is generated from the rule registry and up to date; SARIF rules link to its
sections and carry the documentation as Markdown; the run says where vidlint lives."""

from __future__ import annotations

import re

from conftest import REPO, run_vidlint, write_request

from vidlint.core.links import PROJECT_URL, rule_url

RULES_MD = REPO / "docs" / "rules.md"


def test_docs_rules_md_is_generated_from_the_registry_and_up_to_date():
    from vidlint.rules.docs import rules_markdown

    assert RULES_MD.read_text(encoding="utf-8") == rules_markdown(), \
        "docs/rules.md is out of date: python -m vidlint.rules.docs > docs/rules.md"


def test_every_rule_has_a_section_its_links_point_to():
    from vidlint.rules.registry import load_all_rules

    headings = set(re.findall(r"^## (VL\d+)$", RULES_MD.read_text(encoding="utf-8"), re.M))
    assert headings == set(load_all_rules())


def test_sarif_rules_have_help_links_and_markdown_help(tmp_path):
    write_request(tmp_path / "r.json", {"model": "wan2.7-reference-video", "prompt": "image 1 waves",
                                        "image_urls": ["https://x.example.com/a.jpg"], "seed": 0})
    report = run_vidlint("lint", "--format", "sarif", "--isolated", "r.json", cwd=tmp_path).json()
    (run,) = report["runs"]
    driver = run["tool"]["driver"]
    assert driver["informationUri"] == PROJECT_URL
    assert run["automationDetails"]["id"] == "vidlint/"
    headings = {h.lower() for h in re.findall(r"^## (VL\d+)$", RULES_MD.read_text(encoding="utf-8"), re.M)}
    for rule in driver["rules"]:
        page, _, anchor = rule["helpUri"].partition("#")
        assert f"{page}#{anchor}" == rule_url(rule["id"]) and anchor in headings
        assert "``" not in rule["help"]["markdown"] and rule["help"]["text"]
    vl311 = next(r for r in driver["rules"] if r["id"] == "VL311")
    assert 'Breaks it: `"prompt": "image 1 dances with Video1"` where the form is "Image N".' in vl311["help"]["markdown"]
    assert "``" in vl311["help"]["text"]  # the plain text keeps the docstring as written


def test_infos_are_kept_in_sarif_only_when_asked():
    from vidlint.api import FileResult, LintRun
    from vidlint.core.diagnostics import Diagnostic, Severity
    from vidlint.report.sarif import document

    run = LintRun([FileResult("a.json", None, [Diagnostic("VL104", Severity.ERROR, "too big", "/seed"),
                                               Diagnostic("VL502", Severity.INFO, "not verified", "/image_urls/0")])], [])
    default = document(run)["runs"][0]
    assert [r["ruleId"] for r in default["results"]] == ["VL104"] and default["properties"]["omittedInfos"] == 1
    asked = document(run, show_infos=True)["runs"][0]
    assert [(r["ruleId"], r["level"]) for r in asked["results"]] == [("VL104", "error"), ("VL502", "note")]
    assert asked["properties"]["omittedInfos"] == 0


def test_show_infos_keeps_them_in_sarif(tmp_path):
    write_request(tmp_path / "r.json", {"model": "wan2.7-reference-video", "prompt": "Image 1 waves",
                                        "image_urls": ["https://x.example.com/a.jpg"]})
    plain = run_vidlint("lint", "--format", "sarif", "--isolated", "r.json", cwd=tmp_path)
    shown = run_vidlint("lint", "--format", "sarif", "--isolated", "--show-infos", "r.json", cwd=tmp_path)
    assert plain.code == shown.code == 0
    assert plain.json()["runs"][0]["results"] == []
    assert [r["ruleId"] for r in shown.json()["runs"][0]["results"]] == ["VL502"]
