"""Where the project and its documentation live: one place for every link vidlint prints or
writes (SARIF rule help, editor diagnostics, the schemas' ``$id``). pyproject.toml's
``[project.urls]``, the README and docs/ spell these addresses out; tests/test_metadata.py
holds each of them equal to what is here."""

from __future__ import annotations

PROJECT_URL = "https://github.com/vidlint/vidlint"
DOCS_URL = f"{PROJECT_URL}/tree/main/docs"  # the docs/ folder
ISSUES_URL = f"{PROJECT_URL}/issues"


def rule_url(code: str) -> str:
    """The rule's section of docs/rules.md (generated from the registry; headings are the codes)."""
    return f"{PROJECT_URL}/blob/main/docs/rules.md#{code.lower()}"


def schema_id(model: str) -> str:
    """A model's bundled schema: stable across versions, uploaded by each release."""
    return f"{PROJECT_URL}/releases/latest/download/{model}.schema.json"
