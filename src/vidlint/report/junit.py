"""``--format junit``: JUnit XML, one testcase per request file.

A file fails when it has findings at or above ``--fail-on``: its ``<failure>`` lists all of
its findings (one per line). Findings below the fail level go to ``<system-out>``. Paths
that could not be read are testcases with an ``<error>``.
"""

from __future__ import annotations

from typing import Any, TextIO
from xml.etree import ElementTree as ET

from vidlint.run import LintRun
from vidlint.core.wording import plural


def line_of(path: str, d: Any) -> str:
    text = f"{path}:{d.line}:{d.column}: {d.code} [{d.severity.label}] {d.message}"
    return text + (f" (hint: {d.hint})" if d.hint else "")


def document(run: LintRun) -> ET.Element:
    suites = ET.Element("testsuites", name="vidlint")
    suite = ET.SubElement(suites, "testsuite", name="vidlint")
    failures = errors = 0
    for result in run.files:
        case = ET.SubElement(suite, "testcase", classname="vidlint", name=result.path, file=result.path, time="0")
        failing = [d for d in result.diagnostics if d.severity >= run.fail_on]
        if failing:
            failures += 1
            first = failing[0]
            failure = ET.SubElement(case, "failure", type=first.code,
                                    message=f"{plural(len(failing), 'finding')}; first: {first.code} {first.message}")
            failure.text = "\n".join(line_of(result.path, d) for d in failing)
        others = [d for d in result.diagnostics if d.severity < run.fail_on]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(line_of(result.path, d) for d in others)
    for reason in run.path_errors:
        errors += 1
        name = reason.split(": ", 1)[0]
        case = ET.SubElement(suite, "testcase", classname="vidlint", name=name, time="0")
        ET.SubElement(case, "error", type="read-error", message=reason)
    tests = len(run.files) + len(run.path_errors)
    for element in (suites, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", str(errors))
        element.set("time", "0")
    suite.set("skipped", "0")
    return suites


def render(run: LintRun, stream: TextIO, **_: Any) -> None:
    root = document(run)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
