"""Where the project and its documentation live: one place for every link vidlint prints or
writes (SARIF rule help, editor diagnostics, the schemas' ``$id``)."""

from __future__ import annotations

PROJECT_URL = "https://github.com/vidlint/vidlint"
DOCS_URL = f"{PROJECT_URL}/blob/main/docs"


def rule_url(code: str) -> str:
    """The rule's section of docs/rules.md (generated from the registry; headings are the codes)."""
    return f"{DOCS_URL}/rules.md#{code.lower()}"


def schema_id(model: str) -> str:
    """A model's bundled schema: stable across versions, uploaded by each release."""
    return f"{PROJECT_URL}/releases/latest/download/{model}.schema.json"
