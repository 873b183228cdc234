"""Shared test helpers.

Tests import vidlint from this checkout's ``src`` (not whatever is installed). ``run_vidlint``
runs a command line in this process (``vidlint.cli.main``: exit code, stdout, stderr) without a
Python start-up per call; ``process=True`` runs it as a real ``python -m vidlint`` subprocess, for
what only a process shows (start-up, signals, a closed pipe, stream encodings, per-process counts).

Hermetic: each session has its own cache folder (``VIDLINT_CACHE_DIR``, for in-process and
subprocess runs alike), removed at the end. Configuration discovery stops at this repository's
root (its ``.git``); for the temporary folders, which are outside it, the session refuses to
start while a folder above them holds a vidlint configuration the tests would read.
"""

from __future__ import annotations

import copy
import faulthandler
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

FIXTURES = REPO / "fixtures"
SCHEMAS = REPO / "schemas"
EXAMPLES = REPO / "examples"

CACHE_ENV = "VIDLINT_CACHE_DIR"
SESSION_CACHE = Path(tempfile.mkdtemp(prefix="vidlint-test-cache-"))  # this session's, removed at its end
os.environ[CACHE_ENV] = str(SESSION_CACHE)


def pytest_configure(config: pytest.Config) -> None:
    from vidlint.settings.discovery import find_config

    outside = find_config(Path(tempfile.gettempdir()))
    if outside is not None:
        raise pytest.UsageError(f"{outside}: a vidlint configuration above the temporary folder would leak into "
                                "the tests that run there; move it away")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(SESSION_CACHE, ignore_errors=True)


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.out)


OUTSIDE_ENV = ("VIDLINT_", "GITHUB_ACTIONS", "EVOLINK_")  # the caller's settings, never the tests'


def run_vidlint(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                input: str | bytes | None = None, timeout: float = 120, process: bool = False) -> Run:
    """``vidlint ARGS``: its exit code, stdout and stderr, with none of the caller's VIDLINT_/EVOLINK_
    settings. By default in this process (``vidlint.cli.main``, the function the ``vidlint`` program
    runs, under click's stream and environment isolation): what a command prints and returns, without
    a Python start-up per call. ``process=True`` runs ``python -m vidlint`` as a real subprocess, for
    what only a process shows (start-up, signals, a closed pipe, stream encodings, ``atexit``) or
    when a hang must end at ``timeout`` without taking the test process with it. In process, a
    command still running after ``timeout`` dumps every thread's stack and ends the test process
    (pytest-xdist reports the test as crashed): a hang fails instead of stalling the run."""
    if process:
        return run_process(*args, cwd=cwd, env=env, input=input, timeout=timeout)
    from click.testing import CliRunner

    from vidlint.cli import main

    overrides: dict[str, str | None] = {k: None for k in os.environ if k.startswith(OUTSIDE_ENV)}
    overrides[CACHE_ENV] = str(SESSION_CACHE)
    overrides.update(env or {})
    here = os.getcwd()
    with CliRunner().isolation(input=input, env=overrides) as (out, err, _):
        faulthandler.dump_traceback_later(timeout, exit=True, file=sys.__stderr__)
        try:
            if cwd is not None:
                os.chdir(cwd)
            main(list(args))
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 2
        finally:
            faulthandler.cancel_dump_traceback_later()
            os.chdir(here)
            sys.stdout.flush()
            sys.stderr.flush()
    return Run(code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace"))


def run_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                input: str | bytes | None = None, timeout: float = 120) -> Run:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(OUTSIDE_ENV)}
    full_env["PYTHONPATH"] = str(SRC) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env[CACHE_ENV] = str(SESSION_CACHE)
    if env:
        full_env.update(env)
    text = not isinstance(input, bytes)
    proc = subprocess.run(
        [sys.executable, "-m", "vidlint", *args],
        cwd=cwd, env=full_env, input=input, capture_output=True, timeout=timeout, text=text,
    )
    out, err = proc.stdout, proc.stderr
    if not text:
        out, err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    return Run(proc.returncode, out, err)


def bench_corpus() -> ModuleType:
    """The benchmark's request generator (``bench/requests_corpus.py``: ``write_corpus``,
    ``write_batch``), imported from the bench folder without leaving it on ``sys.path``."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import requests_corpus
    finally:
        sys.path.remove(str(REPO / "bench"))
    return requests_corpus


# ``python -c PEAK_PROBE ARGS`` runs ``python -m vidlint ARGS`` and writes its own peak resident
# memory last on stderr (``PEAK_LINE`` and KiB). Its own high-water mark (VmHWM): Linux carries
# ru_maxrss across exec, so a child's ru_maxrss starts at the size of the pytest process that
# started it.
PEAK_LINE = "vidlint-test-peak-kb "
PEAK_PROBE = (
    "import atexit, resource, runpy, sys\n"
    "def peak():\n"
    "    try:\n"
    "        with open('/proc/self/status') as status:\n"
    "            return next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))\n"
    "    except (OSError, StopIteration):\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    f"atexit.register(lambda: sys.stderr.write('{PEAK_LINE}%d\\n' % peak()))\n"
    "sys.argv[0] = 'vidlint'\n"
    "runpy.run_module('vidlint', run_name='__main__', alter_sys=True)\n"
)


def split_peak(stderr: str) -> tuple[float, str]:
    """(peak MB, the rest of stderr) of a run of ``PEAK_PROBE``."""
    lines = stderr.splitlines(keepends=True)
    peaks = [line for line in lines if line.startswith(PEAK_LINE)]
    assert len(peaks) == 1, stderr[-2000:]
    return int(peaks[0][len(PEAK_LINE):]) / 1024, "".join(line for line in lines if not line.startswith(PEAK_LINE))


def check_jsonschema(schema: Path, *files: Path, cwd: Path | None = None,
                     process: bool = False) -> subprocess.CompletedProcess[str]:
    """``check-jsonschema --schemafile SCHEMA FILES``, the real tool: in this process through its
    click command (its import paid once per test worker, not ~0.6 CPU-s a call), or with
    ``process=True`` as ``python -m check_jsonschema``. ``cwd``: the working folder of the run."""
    args = ["--schemafile", str(schema), *map(str, files)]
    if process:
        return subprocess.run([sys.executable, "-m", "check_jsonschema", *args], capture_output=True, text=True,
                              timeout=120, cwd=cwd)
    from check_jsonschema.cli.main_command import main
    from click.testing import CliRunner

    here = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(here)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash, not a verdict
    return subprocess.CompletedProcess(["check-jsonschema", *args], result.exit_code, result.stdout, result.stderr)


def lint_json(*paths: str | Path, no_cache: bool = False) -> Run:
    """``vidlint lint --format json PATHS`` run in this process, through ``vidlint.api`` and the JSON
    report: what the rule tables need, without a process per case. No configuration file is read
    (the tests' requests live in temporary folders); ``err`` has the lines the CLI prints there."""
    from vidlint.api import AssetOptions, LintOptions, lint_paths
    from vidlint.report.json_report import document

    run = lint_paths([str(path) for path in paths], LintOptions(assets=AssetOptions(no_cache=no_cache)))
    err = "".join(f"vidlint: {reason}\n" for reason in run.path_errors)
    return Run(run.exit_code, json.dumps(document(run)), err)


@pytest.fixture
def vidlint():  # type: ignore[no-untyped-def]
    return run_vidlint


def write_request(path: Path, request: dict | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(request if isinstance(request, str) else json.dumps(request, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


DROP = object()  # in a request builder's changes: remove the field


def request_builder(base: dict):  # type: ignore[no-untyped-def]
    """``build(**changes)``: a deep copy of ``base`` with fields set, or removed with ``DROP``."""

    def build(**changes):  # type: ignore[no-untyped-def]
        return apply_changes(copy.deepcopy(base), changes)

    return build


def apply_changes(body: dict, changes: dict, drop: object = DROP) -> dict:
    """``body`` with ``changes`` set in place; a change equal to ``drop`` removes the field."""
    for key, value in changes.items():
        if value is drop:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def findings(result, at_least=None) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(code, pointer) of a lint result's findings at ``at_least`` (a Severity) or above; warnings
    and errors by default."""
    from vidlint.core.diagnostics import Severity

    floor = Severity.WARNING if at_least is None else at_least
    return [(d.code, d.pointer) for d in result.diagnostics if d.severity >= floor]


ASSET_INFOS = ("VL501", "VL502")  # "local asset, uploaded by submit" and "remote asset not fetched"


def lint_request(body: dict, base: Path = FIXTURES / "media", *, extend_select: list[str] | None = None,
                 asset_maps: list[tuple[str, Path]] | None = None):  # type: ignore[no-untyped-def]
    """Lint one request body in process (vidlint.api.lint_bytes, no probe cache); local paths
    resolve against ``base``. Returns (the diagnostics but the two asset infos, the result)."""
    from vidlint.api import AssetOptions, LintOptions, lint_bytes
    from vidlint.settings.config import with_command_line_selection

    config = with_command_line_selection(None, extend_select=extend_select) if extend_select else None
    options = LintOptions(config=config, assets=AssetOptions(no_cache=True, asset_maps=list(asset_maps or [])))
    result = lint_bytes("request.json", json.dumps(body, ensure_ascii=False).encode(), False, base, options)
    return [d for d in result.diagnostics if d.code not in ASSET_INFOS], result
