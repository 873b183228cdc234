"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

``tool.driver.rules`` is built from the rule registry (the same docstrings ``vidlint rules``
prints, in Markdown, with a link to the rule's section of docs/rules.md); each result names
its rule by ``ruleId`` and ``ruleIndex``. Paths are relative to the working directory
(``%SRCROOT%``), with forward slashes; columns count code points.

Informational findings (an asset probed, a remote asset not verified) would each become a
code-scanning alert, so they are left out unless asked for (``show_infos``); the run's
``properties.omittedInfos`` says how many were.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator, TextIO
from urllib.parse import quote

from vidlint import __version__
from vidlint.report import indented_json, write_json_array
from vidlint.run import LintRun
from vidlint.core.diagnostics import Diagnostic, Severity
from vidlint.core.fingerprint import fingerprint, portable_path
from vidlint.core.links import PROJECT_URL, rule_url

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_descriptor(rule: Any) -> dict[str, Any]:
    from vidlint.rules.docs import rule_markdown

    doc = rule.doc or rule.summary or rule.name
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": doc},
        "helpUri": rule_url(rule.code),
        "help": {"text": doc, "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.stage]},
    }


def artifact_location(path: str) -> dict[str, Any]:
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(os.fsencode(portable_path(path))), "uriBaseId": "%SRCROOT%"}  # bytes: a name that is not UTF-8


def result(path: str, d: Diagnostic, rule_index: dict[str, int]) -> dict[str, Any]:
    text = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    entry: dict[str, Any] = {"ruleId": d.code}
    if d.code in rule_index:
        entry["ruleIndex"] = rule_index[d.code]
    entry.update({
        "level": LEVELS[d.severity],
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(path),
                "region": {"startLine": d.line, "startColumn": d.column},
            },
        }],
        "partialFingerprints": {"vidlintFingerprint/v1": fingerprint(path, d)},
        "properties": {"pointer": d.pointer, "record": d.record},
    })
    if d.pointer:
        entry["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": d.pointer, "kind": "member"}]
    if d.fix is not None and (d.fix.edits or d.fix.remove_bom):
        entry["fixes"] = [sarif_fix(path, d.fix)]
    return entry


def sarif_fix(path: str, fix: Any) -> dict[str, Any]:
    """A SARIF ``fix``: its replacements in the file (a byte region for the byte order mark);
    ``properties.applicability``: safe or unsafe."""
    replacements = [{"deletedRegion": {"byteOffset": 0, "byteLength": 3}}] if fix.remove_bom else []
    replacements += [{
        "deletedRegion": {"startLine": e.line, "startColumn": e.column, "endLine": e.end_line, "endColumn": e.end_column},
        "insertedContent": {"text": e.content},
    } for e in fix.edits or ()]
    return {"description": {"text": fix.message},
            "artifactChanges": [{"artifactLocation": artifact_location(path), "replacements": replacements}],
            "properties": {"applicability": fix.applicability}}


def document(run: LintRun, show_infos: bool = False) -> dict[str, Any]:
    skeleton, results = _parts(run, show_infos)
    found = list(results)
    skeleton["runs"][0]["results"] = found
    skeleton["runs"][0]["properties"]["omittedInfos"] = sum(run.totals.counts.values()) - len(found)
    return skeleton


def _parts(run: LintRun, show_infos: bool) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """The log without its results (``results`` and ``omittedInfos`` left to fill) and the results, file by file."""
    from vidlint.rules.registry import load_all_rules

    rules = list(load_all_rules().values())
    rule_index = {r.code: i for i, r in enumerate(rules)}
    results = (result(f.path, d, rule_index) for f in run.files for d in f.diagnostics
               if show_infos or d.severity > Severity.INFO)
    invocation: dict[str, Any] = {"executionSuccessful": not run.path_errors}
    if run.path_errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": reason}} for reason in run.path_errors]
    skeleton = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "vidlint",
                "informationUri": PROJECT_URL,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(r) for r in rules],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "automationDetails": {"id": "vidlint/"},
            "invocations": [invocation],
            "results": [],
            "properties": {"omittedInfos": 0},
        }],
    }
    return skeleton, results


_RESULTS = "\x00results\x00"  # where the streamed results go in the log's text


def render(run: LintRun, stream: TextIO, show_infos: bool = False, **_: Any) -> None:
    """``document`` as indented JSON, its results written one by one as the files are read."""
    skeleton, results = _parts(run, show_infos)
    skeleton["runs"][0]["results"] = _RESULTS
    text = indented_json(skeleton)
    head, tail = text.split(json.dumps(_RESULTS), 1)
    indent = "\n" + " " * 8  # results are items of runs[0].results
    stream.write(head)
    shown = write_json_array(stream, results, indented_json, indent)
    omitted = sum(run.totals.counts.values()) - shown
    stream.write(tail.replace('"omittedInfos": 0', f'"omittedInfos": {omitted}', 1) + "\n")
