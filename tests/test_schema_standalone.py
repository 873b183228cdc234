"""The shipped schemas stand on their own: check-jsonschema (a real run) agrees with vidlint
on what is valid at the schema level."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import EXAMPLES, SCHEMAS

SCHEMA_LEVEL_BROKEN = ["nested-model-params.json", "typos-and-legacy.json", "limits.json",
                       "text-to-video-inputs-and-shots.json", "image-to-video-mode-mismatch.json",
                       "video-edit-limits.json", "reference-video-fits-image-to-video.json"]
RULE_LEVEL_ONLY = ["prompt-references.json"]  # valid JSON Schema-wise; vidlint's rules catch it


def check_jsonschema(schema, *files):
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def schema_for(path):
    model = json.loads(path.read_text())["model"]
    return SCHEMAS / f"{model}.json"


@pytest.mark.parametrize("name", sorted(p.name for p in (EXAMPLES / "clean").glob("*.json")))
def test_clean_examples_validate(name):
    path = EXAMPLES / "clean" / name
    result = check_jsonschema(schema_for(path), path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", SCHEMA_LEVEL_BROKEN)
def test_schema_level_broken_examples_are_rejected(name):
    path = EXAMPLES / "broken" / name
    result = check_jsonschema(schema_for(path), path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors" in result.stdout


@pytest.mark.parametrize("name", RULE_LEVEL_ONLY)
def test_rule_level_problems_pass_the_schema(name):
    path = EXAMPLES / "broken" / name
    assert check_jsonschema(schema_for(path), path).returncode == 0


def test_every_shipped_schema_is_valid_2020_12():
    from jsonschema import Draft202012Validator

    for path in SCHEMAS.glob("*.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text()))
