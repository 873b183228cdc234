"""The schemas `vidlint schema MODEL` prints stand on their own: check-jsonschema (a real run),
given only that one file in an otherwise empty folder, agrees with vidlint on what is valid at
the schema level."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLES, REPO, SCHEMAS, SRC, check_jsonschema, run_vidlint

from vidlint.core.links import schema_id

SCHEMA_LEVEL_BROKEN = ["nested-model-params.json", "typos-and-legacy.json", "limits.json",
                       "text-to-video-inputs-and-shots.json", "image-to-video-mode-mismatch.json",
                       "video-edit-limits.json", "reference-video-fits-image-to-video.json"]
RULE_LEVEL_ONLY = ["prompt-references.json"]  # valid JSON Schema-wise; vidlint's rules catch it
MODELS = sorted(p.stem for p in SCHEMAS.glob("*.json") if not p.name.startswith("_"))


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """model -> its printed schema, each saved alone in its own folder."""
    saved = {}
    for model in MODELS:
        run = run_vidlint("schema", model)
        assert run.code == 0, run.err
        path = tmp_path_factory.mktemp(model) / f"{model}.schema.json"
        path.write_text(run.out, encoding="utf-8")
        saved[model] = path
    return saved


def schema_for(bundled, path):
    schema = bundled[json.loads(path.read_text())["model"]]
    assert [p.name for p in schema.parent.iterdir()] == [schema.name]  # nothing to $ref but itself
    return schema


@pytest.mark.parametrize("name", sorted(p.name for p in (EXAMPLES / "clean").glob("*.json")))
def test_clean_examples_validate(bundled, name):
    path = EXAMPLES / "clean" / name
    result = check_jsonschema(schema_for(bundled, path), path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", SCHEMA_LEVEL_BROKEN)
def test_schema_level_broken_examples_are_rejected(bundled, name):
    path = EXAMPLES / "broken" / name
    result = check_jsonschema(schema_for(bundled, path), path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors" in result.stdout


@pytest.mark.parametrize("name", RULE_LEVEL_ONLY)
def test_rule_level_problems_pass_the_schema(bundled, name):
    path = EXAMPLES / "broken" / name
    # a real `python -m check_jsonschema` process here; the other cases run its command in process
    assert check_jsonschema(schema_for(bundled, path), path, process=True).returncode == 0


def test_printed_schemas_have_a_stable_id_and_no_external_ref(bundled):
    for model, path in bundled.items():
        text = path.read_text()
        schema = json.loads(text)
        assert schema["$id"] == schema_id(model)
        refs = [line for line in text.splitlines() if '"$ref"' in line]
        assert refs and all('"$ref": "#' in line for line in refs), refs


def test_another_process_prints_every_schema_byte_for_byte(bundled):
    """The same bytes every time: a fresh interpreter (another hash seed) runs `vidlint schema` for
    every model, one after the other (one process, not one start-up per model)."""
    script = "import sys\nfrom vidlint.cli import dispatch\nfor model in sys.argv[1:]:\n    dispatch(['schema', model])"
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": "random"}
    run = subprocess.run([sys.executable, "-c", script, *bundled], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "".join(path.read_text(encoding="utf-8") for path in bundled.values())


def test_every_shipped_and_printed_schema_is_valid_2020_12(bundled):
    from jsonschema import Draft202012Validator

    for path in [*SCHEMAS.glob("*.json"), *bundled.values()]:
        Draft202012Validator.check_schema(json.loads(path.read_text()))



def test_docs_editors_md_set_up_works_as_written(tmp_path):
    """The commands and the request of docs/editors.md, run in a new project: the schema is saved
    where the doc says, the request's "$schema" finds it from the request's folder, and
    check-jsonschema prints what the doc shows."""
    doc = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")
    console = doc.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    assert console[0] == "$ mkdir -p schemas"
    model, _, target = console[1].removeprefix("$ vidlint schema ").partition(" > ")
    (tmp_path / "schemas").mkdir()
    (tmp_path / target).write_text(run_vidlint("schema", model).out, encoding="utf-8")

    request = json.loads(doc.split('### `"$schema"` in the request', 1)[1].split("```json\n", 1)[1].split("```", 1)[0])
    request["prompt"] = "Image 1 waves"
    request["image_urls"] = ["https://cdn.example.com/a.jpg"]
    path = tmp_path / "requests" / f"launch.{model}.json"
    path.parent.mkdir()
    path.write_text(json.dumps(request, indent=2), encoding="utf-8")
    assert (path.parent / request["$schema"]).resolve() == (tmp_path / target).resolve()
    assert run_vidlint("lint", "--isolated", "requests/", cwd=tmp_path).code == 0

    checked = doc.split("### check-jsonschema", 1)[1].split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    command = checked[0].removeprefix("$ check-jsonschema ").replace("requests/*.json", str(path)).split()
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", *command], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout.strip()) == (0, checked[1]), result.stdout + result.stderr


def test_schema_all_writes_what_a_release_uploads_under_each_id(bundled, tmp_path):
    """`vidlint schema --all DIR` (the release workflow's step) writes each printed schema under
    the file name its $id ends in, and never overwrites: a second run writes nothing."""
    folder = tmp_path / "release"
    run = run_vidlint("schema", "--all", str(folder))
    assert run.code == 0 and run.out.strip() == f"wrote {len(MODELS)} schemas to {folder}", run.err
    for model, path in bundled.items():
        written = folder / f"{model}.schema.json"
        assert written.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
        assert schema_id(model).endswith("/" + written.name)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{m}.schema.json" for m in MODELS)
    (folder / f"{MODELS[0]}.schema.json").write_text("mine", encoding="utf-8")
    again = run_vidlint("schema", "--all", str(folder))
    assert again.code == 2 and "exists" in again.err
    assert (folder / f"{MODELS[0]}.schema.json").read_text(encoding="utf-8") == "mine"
    workflow = (REPO / ".github" / "workflows" / "release-schemas.yml").read_text(encoding="utf-8")
    assert "vidlint schema --all release-schemas" in workflow and "release-schemas/*.schema.json" in workflow


def test_schema_needs_a_model_or_all(tmp_path):
    assert run_vidlint("schema").code == 2
    both = run_vidlint("schema", "wan2.7-text-to-video", "--all", str(tmp_path / "x"))
    assert both.code == 2 and "not both" in both.err and not (tmp_path / "x").exists()
