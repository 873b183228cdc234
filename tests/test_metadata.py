"""Package metadata a user or a registry reads: the licence file matches the declared licence,
the project URLs are the ones vidlint links to."""

from __future__ import annotations

import re
import sys

from conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_license_file_is_the_declared_mit_license():
    assert PROJECT["license"] == "MIT"  # hatchling ships LICENSE* files by default
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in text


def test_project_urls_are_the_links_vidlint_prints():
    from vidlint.core.links import DOCS_URL, ISSUES_URL, PROJECT_URL

    assert PROJECT["urls"] == {"Homepage": PROJECT_URL, "Documentation": DOCS_URL, "Source": PROJECT_URL,
                               "Issues": ISSUES_URL}


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_rule_link_points_at_a_section_of_docs_rules_md():
    from vidlint.core.links import PROJECT_URL, rule_url
    from vidlint.rules.registry import load_all_rules

    anchors = {github_anchor(h) for h in re.findall(r"^#+ (.+)$", (REPO / "docs" / "rules.md").read_text(), re.M)}
    for code in load_all_rules():
        page, _, anchor = rule_url(code).partition("#")
        assert page == f"{PROJECT_URL}/blob/main/docs/rules.md" and anchor in anchors, code


def project_addresses() -> list[tuple[str, str]]:
    """(file, address) for every mention of the project's repository in what users read."""
    from vidlint.core.links import PROJECT_URL

    repository = PROJECT_URL.removeprefix("https://github.com/")
    owner = repository.split("/")[0]
    texts = [REPO / "README.md", REPO / ".pre-commit-hooks.yaml", REPO / "action.yml", *(REPO / "docs").rglob("*.md")]
    found = []
    for path in texts:
        text = path.read_text(encoding="utf-8")
        pattern = rf"(?:https?://)?github\.com/{owner}/[^\s)`\"'>]*|uses: {owner}/\S+|repo: \S*vidlint\S*"
        found += [(path.name, match) for match in re.findall(pattern, text, re.I)]
    return found


def test_the_readme_and_docs_spell_the_project_address_as_vidlint_links_it():
    from vidlint import __version__
    from vidlint.core.links import PROJECT_URL, schema_id
    from vidlint.models import known_models

    repository = PROJECT_URL.removeprefix("https://github.com/")
    known = {PROJECT_URL, f"uses: {repository}@v{__version__}", f"repo: {PROJECT_URL}",
             schema_id("MODEL"), *(schema_id(model) for model in known_models())}
    found = project_addresses()
    assert {where for where, _ in found} >= {"README.md", "ci.md", "editors.md", ".pre-commit-hooks.yaml"}
    assert [(where, address) for where, address in found if address not in known] == []


def test_new_dependencies_are_declared():
    names = {dep.split(">")[0].split("=")[0].split(";")[0].strip().lower() for dep in PROJECT["dependencies"]}
    assert {"pygls", "watchfiles"} <= names
