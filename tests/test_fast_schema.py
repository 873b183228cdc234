"""The fast validator (fastjsonschema, cached on disk) gives the same answers as jsonschema.

A clean request is decided by the fast validator alone; only a request it calls invalid goes
to jsonschema for the translated error list. These tests hold the two paths to the same
output on many requests, and check what the fast path promises: no jsonschema import for a
clean request, a compiled validator cached under the cache directory, sibling-file $refs.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import EXAMPLES, SRC, bench_corpus, write_request
from request_strategies import any_request, dumps, model_requests, mutated_requests, valid_requests

from vidlint.api import lint_bytes
from vidlint.check import fast_schema
from vidlint.check.schema import _validator, read_switches
from vidlint.models import known_models, load_profile, load_schema_file, schema_dir

MODEL = "wan2.7-reference-video"


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VIDLINT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "fast-schema-cache"))
    monkeypatch.delenv("VIDLINT_NO_FAST_SCHEMA", raising=False)


def profile(model: str = MODEL):  # type: ignore[no-untyped-def]
    return load_profile(model)


def slow_valid(request: Any, model: str = MODEL) -> bool:
    return not any(True for _ in _validator(profile(model)).iter_errors(request))


def fast(model: str = MODEL) -> fast_schema.FastValidator:
    validator = fast_schema.fast_validator(profile(model))
    assert validator is not None, f"the shipped schema of {model} must get a fast validator"
    return validator


@pytest.mark.slow
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=any_request)
def test_fast_validator_agrees_with_jsonschema(value: Any) -> None:
    assert fast()(value) == slow_valid(value)


@pytest.mark.slow
@pytest.mark.parametrize("model", known_models())
def test_fast_validator_agrees_with_jsonschema_for_every_model(model: str) -> None:
    schema = load_schema_file(f"{model}.json")
    shared = {path.name: load_schema_file(path.name) for path in sorted(schema_dir().glob("_*.json"))}
    seeds = [json.loads(path.read_text(encoding="utf-8")) for path in sorted((EXAMPLES / "clean").rglob("*.json"))]
    seeds += schema.get("examples", [])  # a model without a clean example file carries one in its schema
    seeds = [seed for seed in seeds if isinstance(seed, dict) and seed.get("model") == model]
    checked = {"valid": 0, "invalid": 0}

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(value=model_requests(model, schema, shared, seeds))
    def agree(value: Any) -> None:
        expected = slow_valid(value, model)
        assert fast(model)(value) == expected
        checked["valid" if expected else "invalid"] += 1

    agree()
    assert checked["invalid"] > 50 and checked["valid"] > 20, checked


def _lint_both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[dict], list[dict]]:
    """The output with the fast checks, and with jsonschema alone (no fastjsonschema, no jsonschema-rs)."""
    data = text.encode("utf-8")
    read_switches()
    quick = [d.to_json() for d in lint_bytes("r.json", data, False, None).diagnostics]
    monkeypatch.setenv("VIDLINT_NO_FAST_SCHEMA", "1")
    monkeypatch.setenv("VIDLINT_NO_NATIVE_SCHEMA", "1")
    read_switches()
    full = [d.to_json() for d in lint_bytes("r.json", data, False, None).diagnostics]
    monkeypatch.delenv("VIDLINT_NO_FAST_SCHEMA")
    monkeypatch.delenv("VIDLINT_NO_NATIVE_SCHEMA")
    read_switches()
    return quick, full


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(value=mutated_requests() | valid_requests())
def test_lint_output_is_identical_with_and_without_fast_path(value: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    quick, full = _lint_both(dumps(value), monkeypatch)
    assert quick == full


@pytest.mark.slow
def test_lint_output_is_identical_on_the_examples_and_the_benchmark_corpus(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_corpus = bench_corpus().write_corpus
    paths = write_corpus(tmp_path / "corpus", count=400, seed=3) + sorted(EXAMPLES.rglob("*.json"))
    differing = []
    findings = 0
    for path in paths:
        quick, full = _lint_both(path.read_text(encoding="utf-8"), monkeypatch)
        findings += len(full)
        if quick != full:
            differing.append(path.name)
    assert not differing
    assert findings > 100  # the corpus exercises the error path, not only clean requests


def test_disabling_the_fast_path_takes_effect(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VIDLINT_NO_FAST_SCHEMA", "1")
    assert fast_schema.fast_validator(profile()) is None


# --- what the schema rewriting supports -----------------------------------------------------

def _jsonschema_for(folder: Path, name: str) -> Any:
    from jsonschema.validators import validator_for
    from referencing import Registry, Resource

    schema = json.loads((folder / name).read_text())

    def retrieve(uri: str) -> Resource:
        return Resource.from_contents(json.loads((folder / uri.rsplit("/", 1)[-1]).read_text()))

    return validator_for(schema)(schema, registry=Registry(retrieve=retrieve))


def _write(folder: Path, name: str, schema: dict) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(schema))
    return schema


def test_sibling_file_refs_and_ref_siblings(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    _write(folder, "_shared-defs.json", {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": {
            "asset": {"type": "string", "minLength": 1},
            "assets": {"type": "array", "items": {"$ref": "#/$defs/asset"}, "maxItems": 2},
        }
    })
    schema = _write(folder, "m.json", {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "image_urls": {"$ref": "_shared-defs.json#/$defs/assets"},
            # 2020-12 applies keywords next to $ref; draft 7 would ignore minItems here
            "video_urls": {"$ref": "_shared-defs.json#/$defs/assets", "minItems": 1},
            "start": {"$ref": "https://vidlint.example/schemas/_shared-defs.json#/$defs/asset"},
            "key": {"type": "string", "pattern": "^(image|video)[1-9]$"},
        },
    })
    quick = fast_schema.build(schema, "m.json", folder)
    assert quick is not None
    slow = _jsonschema_for(folder, "m.json")
    cases = [
        {}, {"image_urls": ["a"]}, {"image_urls": ["a", "b", "c"]}, {"image_urls": [""]}, {"image_urls": "a"},
        {"video_urls": []}, {"video_urls": ["a"]}, {"video_urls": [1]}, {"start": ""}, {"start": "x"},
        {"start": 5}, {"key": "image1"}, {"key": "image1\n"}, {"key": "image10"}, {"key": "audio1"},
    ]
    for case in cases:
        assert quick(case) == (not list(slow.iter_errors(case))), case
    assert quick({"video_urls": []}) is False  # the sibling minItems is enforced


@pytest.mark.parametrize("extra", [
    {"uniqueItems": True},
    {"enum": [[1], 2]},
    {"const": {"a": 1}},
    {"prefixItems": [{"type": "string"}]},
    {"properties": {"a": {"$dynamicRef": "#x"}}},
    {"properties": {"a": {"pattern": "[$]"}}},
    {"properties": {"a": {"$id": "inner"}}},
    {"properties": {"a": {"$ref": "_missing.json#/x"}}},
])
def test_schemas_it_cannot_check_exactly_get_no_fast_validator(tmp_path: Path, extra: dict) -> None:
    schema = {"type": "object", **extra}
    assert fast_schema.build(schema, "m.json", tmp_path) is None


def test_end_anchor_rewriting() -> None:
    rewrite = fast_schema.python_end_anchors
    assert rewrite("^a$") == r"^a(?=\n?\Z)"
    assert rewrite(r"a\$") == r"a\$"
    assert rewrite(r"a\\$") == r"a\\(?=\n?\Z)"
    with pytest.raises(fast_schema.Unsupported):
        rewrite("[a$]")


# --- the cache, and what a clean request imports ---------------------------------------------

def _python(code: str, cache: Path, *args: str) -> str:
    env = {"PYTHONPATH": str(SRC), "VIDLINT_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()[-1]


IMPORTS_AFTER_LINT = """
import sys
from vidlint.cli import main
sys.argv = ["vidlint", "lint", "-q", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
# The last two: start-up cost, see docs/performance.md. (click, the CLI, brings inspect, and
# difflib when it parses a short option such as -q.)
heavy = ["jsonschema", "jsonschema_rs", "referencing", "fastjsonschema", "PIL", "pymediainfo", "httpx", "decimal",
         "dataclasses", "vidlint.check.leaf_errors"]
print(code, *sorted(name for name in heavy if name in sys.modules))
"""


def test_clean_request_imports_neither_jsonschema_nor_fastjsonschema(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    clean = str(EXAMPLES / "clean" / "two-characters-with-voices.json")
    assert _python(IMPORTS_AFTER_LINT, cache, clean).split() == ["0"]  # the shipped validator, first run too
    assert not (cache / "schemas").exists()  # no code is cached
    broken = write_request(tmp_path / "broken.json", {"model": MODEL, "prompt": "Image 1", "image_urls": ["a"], "seed": 0})
    third = _python(IMPORTS_AFTER_LINT, cache, str(broken)).split()
    assert third[0] == "1"
    if importlib.util.find_spec("jsonschema_rs") is None:
        assert "jsonschema" in third  # only an invalid request pays for it
    else:  # jsonschema-rs finds a seed below its minimum, and its error is made without jsonschema
        assert "jsonschema_rs" in third and "jsonschema" not in third


def test_nothing_in_the_cache_folder_is_executed(tmp_path: Path) -> None:
    """A writable or restored cache folder must not be able to run code in the next lint."""
    import marshal

    cache = tmp_path / "cache"
    clean = str(EXAMPLES / "clean" / "two-characters-with-voices.json")
    _python(IMPORTS_AFTER_LINT, cache, clean)
    marker = tmp_path / "pwned"
    payload = compile(f"open({str(marker)!r}, 'w').write('ran')\ndef validate(data): return data", "<planted>", "exec")
    planted = 0
    for entry in [p for p in cache.rglob("*") if p.is_file()]:
        try:
            stored = marshal.loads(entry.read_bytes())
        except (ValueError, EOFError, TypeError):
            continue
        if isinstance(stored, tuple) and len(stored) == 2:
            entry.write_bytes(marshal.dumps((stored[0], payload)))
            planted += 1
    _python(IMPORTS_AFTER_LINT, cache, clean)
    assert not marker.exists(), f"code planted in {planted} cache file(s) ran"


def test_the_shipped_validators_are_generated_from_the_shipped_schemas(tmp_path: Path) -> None:
    written = fast_schema.write_generated(tmp_path)
    shipped = Path(fast_schema.__file__).with_name("fast_validators")
    assert {p.name for p in written} == {p.name for p in shipped.glob("*.py")} - {"__init__.py"}
    stale = [p.name for p in written if p.read_text() != (shipped / p.name).read_text()]
    assert not stale, f"run `python -m vidlint.check.fast_schema` to regenerate {stale}"


def test_an_edited_schema_gets_a_validator_made_in_memory(tmp_path: Path) -> None:
    prof = profile()
    edited = json.loads(json.dumps(prof.schema))
    edited["properties"]["prompt"] = {"type": "string", "maxLength": 3}
    validator = fast_schema.build(edited, prof.path.name, schema_dir())
    assert validator is not None
    assert validator({"model": MODEL, "prompt": "abc", "image_urls": ["a"]}) is True
    assert validator({"model": MODEL, "prompt": "abcd", "image_urls": ["a"]}) is False
