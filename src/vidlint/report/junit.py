"""``--format junit``: JUnit XML, one testcase per request file.

A file fails when it has findings at or above ``--fail-on``: its ``<failure>`` lists all of
its findings (one per line). Findings below the fail level go to ``<system-out>``. Paths
that could not be read are testcases with an ``<error>``.
"""

from __future__ import annotations

from typing import Any, Iterator, TextIO
from xml.etree import ElementTree as ET

from vidlint.run import LintRun
from vidlint.core.wording import plural


def line_of(path: str, d: Any) -> str:
    text = f"{path}:{d.line}:{d.column}: {d.code} [{d.severity.label}] {d.message}"
    return text + (f" (hint: {d.hint})" if d.hint else "")


def document(run: LintRun) -> ET.Element:
    suites, suite = _suites(run)
    suite.extend(testcases(run))
    return suites


def _suites(run: LintRun) -> tuple[ET.Element, ET.Element]:
    """The testsuites and testsuite elements with their counts, without testcases."""
    suites = ET.Element("testsuites", name="vidlint")
    suite = ET.SubElement(suites, "testsuite", name="vidlint")
    totals = run.totals
    for element in (suites, suite):
        element.set("tests", str(totals.files + len(run.path_errors)))
        element.set("failures", str(totals.failing_files(run.fail_on)))
        element.set("errors", str(len(run.path_errors)))
        element.set("time", "0")
    suite.set("skipped", "0")
    return suites, suite


def testcases(run: LintRun) -> Iterator[ET.Element]:
    """One testcase per file (failing when it has findings at or above ``fail_on``), then one per unreadable path."""
    for result in run.files:
        case = ET.Element("testcase", classname="vidlint", name=result.path, file=result.path, time="0")
        failing = [d for d in result.diagnostics if d.severity >= run.fail_on]
        if failing:
            first = failing[0]
            failure = ET.SubElement(case, "failure", type=first.code,
                                    message=f"{plural(len(failing), 'finding')}; first: {first.code} {first.message}")
            failure.text = "\n".join(line_of(result.path, d) for d in failing)
        others = [d for d in result.diagnostics if d.severity < run.fail_on]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(line_of(result.path, d) for d in others)
        yield case
    for reason in run.path_errors:
        name = reason.split(": ", 1)[0]
        case = ET.Element("testcase", classname="vidlint", name=name, time="0")
        ET.SubElement(case, "error", type="read-error", message=reason)
        yield case


def render(run: LintRun, stream: TextIO, **_: Any) -> None:
    """``document`` indented, its testcases written one by one as the files are read."""
    suites, suite = _suites(run)
    ET.SubElement(suite, "testcase")  # a placeholder: where the testcases go
    ET.indent(suites)
    head, tail = ET.tostring(suites, encoding="unicode").split("<testcase />", 1)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    written = 0
    for case in testcases(run):
        ET.indent(case, level=2)
        stream.write((head if not written else "\n    ") + ET.tostring(case, encoding="unicode"))
        written += 1
    if written:
        stream.write(tail)
    else:  # an empty testsuite element
        empty = _suites(run)[0]
        ET.indent(empty)
        stream.write(ET.tostring(empty, encoding="unicode"))
    stream.write("\n")
