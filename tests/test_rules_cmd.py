"""`vidlint rules`, `vidlint rules CODE`, `vidlint schema MODEL`, `vidlint models`: the
documentation comes from the code itself, so these tests also hold the docstrings to a standard."""

from __future__ import annotations

import json
import re

from conftest import SCHEMAS, run_vidlint

from vidlint.rules.registry import load_all_rules

# The catch-all for schema errors has no single example: the validator's message is the text.
NO_EXAMPLE = {"VL100"}


def test_every_rule_is_documented_with_an_example_or_a_fix():
    rules = load_all_rules()
    assert len(rules) > 40
    for code, rule in rules.items():
        assert re.fullmatch(r"VL\d{3}", code)
        assert rule.summary and rule.summary.endswith((".", ")")), f"{code}: summary line {rule.summary!r}"
        body = rule.doc.split("\n\n", 1)
        assert len(body) == 2 and body[1].strip(), f"{code}: no explanation below the summary"
        if code not in NO_EXAMPLE:
            assert "Breaks it" in rule.doc or "Fix" in rule.doc, f"{code}: no 'Breaks it' / 'Fix' example"
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), f"{code}: name {rule.name!r}"
    names = [r.name for r in rules.values()]
    assert len(names) == len(set(names))


def test_rules_lists_every_rule_on_one_line():
    result = run_vidlint("rules")
    assert result.code == 0
    rows = result.out.splitlines()
    rules = load_all_rules()
    assert len(rows) == len(rules)
    listed, notes = {}, {}
    for row in rows:
        code, severity, name, summary, models = re.match(r"^(VL\d{3})  (\w+) +(\S+) +(\S.*)  \[(.*)\]$", row).groups()
        listed[code] = (severity, name, summary)
        notes[code] = models
    assert set(listed) == set(rules)
    assert listed["VL311"] == ("warning", "reference-spelling", rules["VL311"].summary)
    assert listed["VL901"][0] == "warning" and listed["VL701"][0] == "error"
    # which models each rule applies to
    from vidlint.rules.registry import models_using

    assert notes["VL101"] == "every model" and "wan2.7-reference-video" in notes["VL310"].split(", ")
    assert "wan2.7-image-to-video" in notes["VL220"].split(", ")
    for code, rule in rules.items():  # the list is the models whose data switches the rule on
        if notes[code] != "every model":
            assert notes[code] == (", ".join(models_using(rule)) or "no model yet"), code


def test_rules_code_prints_the_docstring():
    result = run_vidlint("rules", "VL311")
    assert result.code == 0
    header, _, body = result.out.partition("\n\n")
    assert header == "VL311 reference-spelling [warning]"
    doc, _, applies = body.rpartition("\n\n")
    assert doc.strip() == load_all_rules()["VL311"].doc
    assert "Breaks it:" in body and "Fix:" in body
    # which models the rule applies to, with each model's numbers rendered from its data
    assert applies.startswith("Applies to (model data reference_tags):")
    assert "wan2.7-reference-video: " in applies and "Image {n}" in applies
    # by name, in any case
    assert run_vidlint("rules", "reference-spelling").out == result.out
    assert run_vidlint("rules", "vl311").out == result.out


def test_rules_json():
    entries = json.loads(run_vidlint("rules", "--json").out)
    assert {e["code"] for e in entries} == set(load_all_rules())
    assert all(set(e) == {"code", "name", "severity", "stage", "summary", "doc", "models"} for e in entries)


def test_unknown_rule_is_exit_2_with_did_you_mean():
    result = run_vidlint("rules", "VL3111")
    assert result.code == 2 and result.out == ""
    assert result.err.strip() == 'vidlint: unknown rule "VL3111"; did you mean "VL311"?'
    result = run_vidlint("rules", "reference-speling")
    assert result.code == 2 and 'did you mean "VL311"?' in result.err
    assert "`vidlint rules` lists them" in run_vidlint("rules", "nothing-like-it").err


def test_schema_prints_the_models_json_schema():
    result = run_vidlint("schema", "wan2.7-reference-video")
    assert result.code == 0
    printed = json.loads(result.out)
    source = json.loads((SCHEMAS / "wan2.7-reference-video.json").read_text(encoding="utf-8"))
    # The model's schema, bundled: the same fields and profile, the shared definitions copied in.
    assert printed["title"] == source["title"] and list(printed["properties"]) == list(source["properties"])
    assert printed["x-vidlint"]["model"] == "wan2.7-reference-video"
    assert printed["$id"].endswith("/wan2.7-reference-video.schema.json") and "_wan2.7-defs" in printed["$defs"]


def test_unknown_model_schema_is_exit_2_with_did_you_mean():
    result = run_vidlint("schema", "wan2.7-reference")
    assert result.code == 2 and result.out == ""
    assert result.err.strip() == 'vidlint: unknown model "wan2.7-reference"; did you mean "wan2.7-reference-video"?'


def test_models_lists_names_and_summaries():
    result = run_vidlint("models")
    assert result.code == 0
    known = sorted(p.stem for p in SCHEMAS.glob("*.json") if not p.name.startswith("_"))
    rows = [r for r in result.out.splitlines() if r.strip()]
    # grouped by family: a "family:" heading, then its models indented
    headings = [r for r in rows if not r.startswith("  ")]
    assert "wan2.7:" in headings and all(h.endswith(":") for h in headings) and rows[0] in headings
    assert sorted(r.split()[0] for r in rows if r.startswith("  ")) == known
    meta = json.loads((SCHEMAS / "wan2.7-reference-video.json").read_text(encoding="utf-8"))["x-vidlint"]
    assert any(r.strip().startswith("wan2.7-reference-video") and r.endswith(meta["summary"]) for r in rows)
    as_json = json.loads(run_vidlint("models", "--json").out)
    assert sorted(m["model"] for m in as_json) == known
    assert {m["family"] for m in as_json} == {h[:-1] for h in headings}
