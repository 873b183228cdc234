"""Package metadata a user or a registry reads: the licence file matches the declared licence,
the project URLs are the ones vidlint links to."""

from __future__ import annotations

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


def test_project_urls_match_the_links_vidlint_prints():
    from vidlint.core.links import PROJECT_URL

    urls = PROJECT["urls"]
    assert urls["Homepage"] == urls["Source"] == PROJECT_URL
    assert all(url.startswith(PROJECT_URL) for url in urls.values())


def test_new_dependencies_are_declared():
    names = {dep.split(">")[0].split("=")[0].split(";")[0].strip().lower() for dep in PROJECT["dependencies"]}
    assert {"pygls", "watchfiles"} <= names
