"""Configuration as a team writes it: discovery, selection, severities, per-file and pointer
ignores, excludes, fail level, asset maps, prices and budgets, and every way it can be wrong."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import run_vidlint, write_request

CLEAN = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["https://x.example.com/a.jpg"]}
SPELLING = {**CLEAN, "prompt": "image 1 waves"}  # VL311 warning at /prompt
SEED = {**CLEAN, "seed": 0}  # VL104 error at /seed


def codes(result) -> list[str]:
    """The codes found, without VL502 (every request here has a remote asset that is not fetched offline)."""
    return sorted(d["code"] for f in result.json()["files"] for d in f["diagnostics"] if d["code"] != "VL502")


def lint_json(cwd: Path, *args: str):
    result = run_vidlint("lint", "--format", "json", *args, cwd=cwd)
    assert result.code in (0, 1), result.err
    return result


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path):
    write_request(tmp_path / "requests" / "spelling.json", SPELLING)
    write_request(tmp_path / "requests" / "seed.json", SEED)
    return tmp_path


# --- discovery --------------------------------------------------------------------------------

def test_pyproject_tool_vidlint_is_found_from_a_subfolder(repo):
    write(repo / "pyproject.toml", """
        [project]
        name = "videos"
        [tool.vidlint]
        ignore = ["VL311"]
    """)
    assert codes(lint_json(repo / "requests", ".")) == ["VL104"]


def test_vidlint_toml_wins_over_pyproject_in_the_same_folder(repo):
    write(repo / "pyproject.toml", '[tool.vidlint]\nignore = ["VL104"]\n')
    write(repo / "vidlint.toml", 'ignore = ["VL311"]\n')
    assert codes(lint_json(repo, "requests")) == ["VL104"]


def test_pyproject_without_the_table_is_passed_over(repo):
    write(repo / "vidlint.toml", 'ignore = ["VL311"]\n')
    write(repo / "requests" / "pyproject.toml", '[project]\nname = "x"\n')
    assert codes(lint_json(repo / "requests", ".")) == ["VL104"]


def test_config_option_and_isolated(repo):
    write(repo / "vidlint.toml", 'ignore = ["VL311"]\n')
    other = write(repo / "ci" / "strict.toml", 'ignore = ["VL104"]\n')
    assert codes(lint_json(repo, "--config", str(other), "requests")) == ["VL311"]
    assert codes(lint_json(repo, "--isolated", "requests")) == ["VL104", "VL311"]
    both = run_vidlint("lint", "--isolated", "--config", str(other), "requests", cwd=repo)
    assert both.code == 2 and "cannot be used together" in both.err
    missing = run_vidlint("lint", "--config", "nope.toml", "requests", cwd=repo)
    assert missing.code == 2 and missing.err.strip() == "vidlint: nope.toml: no such file"


# --- selection and severity -------------------------------------------------------------------

def test_select_and_ignore_by_prefix_most_specific_wins(repo):
    write(repo / "vidlint.toml", 'select = ["VL3"]\n')
    assert codes(lint_json(repo, "requests")) == ["VL311"]
    write(repo / "vidlint.toml", 'ignore = ["VL3"]\nextend-select = ["VL311"]\n')
    assert codes(lint_json(repo, "requests")) == ["VL104", "VL311"]
    write(repo / "vidlint.toml", 'ignore = ["VL1", "VL3", "VL5"]\n')
    result = run_vidlint("lint", "requests", cwd=repo)
    assert result.code == 0 and "All checks passed (2 files)." in result.out


def test_severity_override_changes_level_and_exit_code(repo):
    write(repo / "vidlint.toml", '[severity]\nVL311 = "error"\nVL104 = "info"\n')
    report = lint_json(repo, "requests").json()
    levels = {d["code"]: d["severity"] for f in report["files"] for d in f["diagnostics"] if d["code"] != "VL502"}
    assert levels == {"VL311": "error", "VL104": "info"}
    assert run_vidlint("lint", "requests/spelling.json", cwd=repo).code == 1
    assert run_vidlint("lint", "requests/seed.json", cwd=repo).code == 0
    write(repo / "vidlint.toml", '[severity]\nVL3 = "off"\n')
    assert codes(lint_json(repo, "requests")) == ["VL104"]


def test_fail_on_from_config_and_cli_wins(repo):
    write(repo / "vidlint.toml", 'fail-on = "warning"\n')
    assert run_vidlint("lint", "requests/spelling.json", cwd=repo).code == 1
    assert run_vidlint("lint", "--fail-on", "error", "requests/spelling.json", cwd=repo).code == 0


# --- per-file and pointer ignores, excludes -----------------------------------------------------

def test_per_file_ignores_are_relative_to_the_config_folder(repo):
    write_request(repo / "legacy" / "old" / "one.json", SPELLING)
    write(repo / "vidlint.toml", """
        [per-file-ignores]
        "legacy/**/*.json" = ["VL311"]
        "seed.json" = ["VL1"]
    """)
    # from the repository root and from a subfolder alike
    assert codes(lint_json(repo, ".")) == ["VL311"]  # requests/spelling.json only
    assert codes(lint_json(repo / "legacy", ".")) == []
    assert run_vidlint("lint", "legacy", cwd=repo).code == 0


def test_pointer_ignores_only_that_pointer_in_that_file(repo):
    write_request(repo / "requests" / "other.json", SPELLING)
    write_request(repo / "requests" / "nested.json", {**SPELLING, "model_params": {"voice_bindings": {"img1": "https://x.example.com/v.mp3"}}})
    write(repo / "vidlint.toml", """
        [pointer-ignores]
        "requests/spelling.json#/prompt" = ["VL311"]
        "requests/seed.json#/prompt" = ["VL104"]
        "./requests/nested.json#/model_params" = ["VL2"]
    """)
    report = lint_json(repo, "requests").json()
    by_file = {f["path"]: sorted(d["code"] for d in f["diagnostics"] if d["code"] != "VL502") for f in report["files"]}
    assert by_file["requests/spelling.json"] == []
    assert by_file["requests/other.json"] == ["VL311"]
    assert by_file["requests/seed.json"] == ["VL104"]  # the ignore names another pointer
    assert by_file["requests/nested.json"] == ["VL311"]  # VL210 below /model_params is ignored


def test_exclude_applies_to_walked_and_named_files(repo):
    write_request(repo / "drafts" / "wip.json", SEED)
    write(repo / "vidlint.toml", 'exclude = ["drafts/", "spelling.json"]\n')
    paths = [f["path"] for f in lint_json(repo, ".").json()["files"]]
    assert paths == ["requests/seed.json"]
    # pre-commit passes file names: the exclude still applies
    named = lint_json(repo, "drafts/wip.json", "requests/spelling.json").json()
    assert named["files"] == []


def test_unused_ignores_are_reported_on_the_config_file(repo):
    config = write(repo / "vidlint.toml", """
        # suppressions
        [per-file-ignores]
        "requests/spelling.json" = ["VL311", "VL104"]

        [pointer-ignores]
        "requests/seed.json#/seed" = ["VL104"]
        "requests/seed.json#/prompt" = ["VL311"]
    """)
    result = run_vidlint("lint", "requests", cwd=repo)
    assert result.code == 0  # VL901 is a warning
    lines = [l for l in result.out.splitlines() if "VL901" in l]
    assert len(lines) == 2
    assert lines[0].startswith("vidlint.toml:4:1: VL901 [warning] per-file-ignores \"requests/spelling.json\" ignores VL104")
    assert lines[1].startswith("vidlint.toml:8:1: VL901 [warning] pointer-ignores \"requests/seed.json#/prompt\" ignores VL311")
    assert config.read_text().splitlines()[7].startswith('"requests/seed.json#/prompt"')
    # a partial run (pre-commit passes only changed files) does not report entries for files it did not lint
    partial = run_vidlint("lint", "requests/seed.json", cwd=repo)
    assert [l for l in partial.out.splitlines() if "VL901" in l] == [lines[1]]
    # and VL901 can itself be ignored
    config.write_text(config.read_text() + '\n[severity]\nVL901 = "off"\n')
    assert "VL901" not in run_vidlint("lint", "requests", cwd=repo).out


def test_unused_glob_ignore_waits_until_every_matching_file_was_linted(repo):
    write_request(repo / "legacy" / "a.json", CLEAN)
    write_request(repo / "legacy" / "b.json", SPELLING)
    write(repo / "vidlint.toml", '[per-file-ignores]\n"legacy/*.json" = ["VL311", "VL104"]\n')
    assert "VL901" not in run_vidlint("lint", "legacy/a.json", cwd=repo).out  # b.json not linted: cannot tell
    full = run_vidlint("lint", "legacy", cwd=repo)
    (line,) = [l for l in full.out.splitlines() if "VL901" in l]
    assert "ignores VL104" in line and "VL311," not in line


# --- invalid configuration ------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ('ignor = ["VL3"]', 'vidlint.toml: ignor: unknown key; did you mean "ignore"?'),
    ('ignore = "VL311"', 'vidlint.toml: ignore: must be a list of codes, e.g. ["VL311"]'),
    ('select = ["VL399"]', 'vidlint.toml: select[0]: unknown rule code "VL399"'),
    ('ignore = ["vl311"]', 'vidlint.toml: ignore[0]: "vl311" is not a rule code; did you mean "VL311"?'),
    ('[severity]\nVL311 = "fatal"', "vidlint.toml: severity.VL311: must be one of error, warning, info, off (not 'fatal')"),
    ('[per-file-ignores]\n"a[b/*.json" = ["VL311"]', "vidlint.toml: per-file-ignores.\"a[b/*.json\": bad glob 'a[b/*.json': unclosed '['"),
    ('[pointer-ignores]\n"a.json/prompt" = ["VL311"]', 'vidlint.toml: pointer-ignores."a.json/prompt": the key must be'),
    ('[pointer-ignores]\n"a.json#prompt" = ["VL311"]', 'vidlint.toml: pointer-ignores."a.json#prompt": the JSON pointer must start with "/" (not "prompt")'),
    ('fail-on = 3', "vidlint.toml: fail-on: must be one of error, warning, info (not 3)"),
    ('[prices."wan2.7-reference"]\n"720p" = 0.1', 'vidlint.toml: prices."wan2.7-reference": unknown model "wan2.7-reference"; did you mean "wan2.7-reference-video"?'),
    ('[prices."wan2.7-reference-video"]\n"4k" = 0.1', 'vidlint.toml: prices."wan2.7-reference-video".4k: unknown key (known: 720p, 1080p)'),
    ('[prices."wan2.7-reference-video"]\n"720p" = "cheap"', "vidlint.toml: prices.\"wan2.7-reference-video\".720p: must be a non-negative number, not 'cheap'"),
    ('[budget]\nmax-usd = 3', "vidlint.toml: budget.max-usd: put limits in [budget.request]"),
    ('[budget.request]\nmax_usd = 3', 'vidlint.toml: budget.request.max_usd: unknown key; did you mean "max-usd"?'),
    ('[budget.request]\nmax-dollars = 3', 'vidlint.toml: budget.request.max-dollars: unknown key (known: max-billed-seconds, max-usd)'),
    ('[asset-map]\n"cdn.example.com" = "assets"', "vidlint.toml: asset-map.\"cdn.example.com\": the key must be a uri prefix"),
    ("x = [", "vidlint.toml: invalid TOML: "),
    ('select = ["VL3", 1]', "vidlint.toml: select[1]: must be a string, not an integer"),
    ('[tool.vidlint]\nignore = ["VL3"]', "vidlint.toml: tool: vidlint.toml holds the settings at the top level, without [tool.vidlint]"),
    ('budget = 5', "vidlint.toml: budget: must be a table, not an integer"),
    ('[budget.run]\nmax-usd = -1', "vidlint.toml: budget.run.max-usd: must be a non-negative number, not -1"),
])
def test_invalid_configuration_is_exit_2_with_file_key_reason(repo, text, message):
    write(repo / "vidlint.toml", text + "\n")
    result = run_vidlint("lint", "requests", cwd=repo)
    assert result.code == 2, result.out
    assert result.err.startswith("vidlint: " + message), result.err
    assert len(result.err.strip().splitlines()) == 1 and result.out == ""


def test_invalid_pyproject_names_the_full_key(repo):
    write(repo / "pyproject.toml", "[tool.vidlint]\nper_file_ignores = {}\n")
    result = run_vidlint("lint", "requests", cwd=repo)
    assert result.code == 2
    assert result.err.strip() == 'vidlint: pyproject.toml: tool.vidlint.per_file_ignores: unknown key; did you mean "per-file-ignores"?'


# --- asset maps, prices and budget ---------------------------------------------------------------

def test_asset_map_reaches_lint_options(repo):
    from vidlint.api import AssetOptions, LintOptions
    from vidlint.settings.config import load_config

    write(repo / "sub" / "vidlint.toml", '[asset-map]\n"https://cdn.example.com/" = "../mirror"\n')
    options = LintOptions.from_config(load_config(repo / "sub" / "vidlint.toml"))
    assert options.assets.asset_maps == [("https://cdn.example.com/", (repo / "mirror").resolve())]
    # the command line's maps come first; all of them reach the asset check (longest prefix wins there)
    both = LintOptions.from_config(load_config(repo / "sub" / "vidlint.toml"),
                                   assets=AssetOptions(asset_maps=[("https://cdn.example.com/big/", repo / "big")]))
    assert [prefix for prefix, _ in both.assets.asset_maps] == ["https://cdn.example.com/big/", "https://cdn.example.com/"]


def estimate_of(result) -> dict:
    (entry,) = result.json()["files"]
    return entry["estimate"]


def test_budget_per_request_seconds_and_usd(repo):
    write(repo / "vidlint.toml", "[budget.request]\nmax-billed-seconds = 10\nmax-usd = 1.2\n")
    write_request(repo / "long.json", {**CLEAN, "duration": 12})
    write_request(repo / "pricey.json", {**CLEAN, "duration": 10, "quality": "1080p"})
    write_request(repo / "ok.json", {**CLEAN, "duration": 8})
    result = run_vidlint("lint", "long.json", "pricey.json", "ok.json", cwd=repo)
    assert result.code == 1
    lines = [l for l in result.out.splitlines() if "VL502" not in l and not l.startswith(" ")]
    assert any(l.startswith("long.json:7:15: VL701 [error] the request bills 12 s; the budget allows 10 s per request") for l in lines)
    assert any(l.startswith("pricey.json:7:15: VL702 [error] the request costs about $1.44; the budget allows $1.20 per request") for l in lines)
    assert not any(l.startswith("ok.json") for l in lines)


def test_price_override_feeds_the_estimate_and_budget(repo):
    write(repo / "vidlint.toml", """
        [prices."wan2.7-reference-video"]
        "720p" = 0.2
        [budget.request]
        max-usd = 1.5
    """)
    write_request(repo / "r.json", {**CLEAN, "duration": 10})
    result = run_vidlint("lint", "--format", "json", "r.json", cwd=repo)
    estimate = estimate_of(result)
    assert estimate["usd"] == 2.0 and estimate["usd_per_second"] == 0.2
    assert codes(result) == ["VL702"]


def test_run_budget_fires_once_on_the_request_that_crosses_it(repo):
    write(repo / "vidlint.toml", "[budget.run]\nmax-billed-seconds = 20\n")
    batch = repo / "batch.jsonl"
    batch.write_text("\n".join(json.dumps({**CLEAN, "duration": 8}) for _ in range(4)) + "\n")
    result = run_vidlint("lint", "--format", "json", "batch.jsonl", cwd=repo)
    (entry,) = result.json()["files"]
    hits = [(d["code"], d["record"], d["message"]) for d in entry["diagnostics"] if d["code"] != "VL502"]
    assert hits == [("VL703", 3, "with this request the run bills 24 s; the budget allows 20 s per run")]


def test_budget_with_unmeasured_reference_video_is_a_lower_bound(repo):
    write(repo / "vidlint.toml", "[budget.request]\nmax-billed-seconds = 4\n")
    write_request(repo / "r.json", {**CLEAN, "duration": 5, "video_urls": ["https://x.example.com/v.mp4"]})
    result = run_vidlint("lint", "r.json", cwd=repo)
    assert result.code == 1
    assert "VL701 [error] the request bills at least 5 s" in result.out
    assert "VL705 [info] the budget is checked against a partial estimate" in result.out


UNPRICED = {"model": "minimax-h3-text-to-video", "prompt": "A lighthouse at dusk, waves rolling in.", "duration": 6}


def test_a_dollar_budget_on_an_unpriced_model_is_a_warning_that_names_the_way_out(repo):
    write(repo / "vidlint.toml", "[budget.request]\nmax-usd = 1\n")
    write_request(repo / "r.json", UNPRICED)
    result = run_vidlint("lint", "r.json", cwd=repo)
    assert result.code == 0, result.out  # a warning: the request is not over any budget vidlint can see
    assert ('VL706 [warning] budget.request.max-usd cannot be checked: Evolink documents no price for '
            '"minimax-h3-text-to-video"') in result.out
    assert "[tool.vidlint.prices.minimax-h3-text-to-video]" in result.out
    assert "VL705" not in result.out  # nothing else is partial: no reference video, the duration is known
    assert run_vidlint("lint", "--fail-on", "warning", "r.json", cwd=repo).code == 1


def test_a_price_from_configuration_makes_the_dollar_budget_checkable(repo):
    write(repo / "vidlint.toml", "[budget.run]\nmax-usd = 1\n[prices.minimax-h3-text-to-video]\n768p = 0.5\n")
    write_request(repo / "r.json", UNPRICED)
    result = run_vidlint("lint", "r.json", cwd=repo)
    assert result.code == 1 and "VL704 [error] with this request the run costs about $3.00" in result.out, result.out
    assert "VL706" not in result.out


def test_a_seconds_budget_is_checked_on_an_unpriced_model(repo):
    write(repo / "vidlint.toml", "[budget.request]\nmax-billed-seconds = 5\n")
    write_request(repo / "r.json", UNPRICED)
    result = run_vidlint("lint", "r.json", cwd=repo)
    assert result.code == 1 and "VL701 [error] the request bills 6 s" in result.out, result.out
    assert "VL706" not in result.out and "VL705" not in result.out


def test_no_budget_no_budget_codes(repo):
    write_request(repo / "r.json", {**CLEAN, "duration": 15, "quality": "1080p"})
    assert run_vidlint("lint", "r.json", cwd=repo).code == 0


def test_budget_counts_measured_reference_video_seconds(repo):
    import shutil

    from conftest import FIXTURES

    shutil.copy(FIXTURES / "media" / "ok.mp4", repo / "ref.mp4")  # a 2-second video
    write(repo / "vidlint.toml", "[budget.request]\nmax-billed-seconds = 6\n")
    write_request(repo / "r.json", {**CLEAN, "duration": 5, "video_urls": ["ref.mp4"]})
    result = run_vidlint("lint", "--format", "json", "r.json", cwd=repo)
    (entry,) = result.json()["files"]
    assert entry["estimate"]["billed_seconds"] == 7 and entry["estimate"]["complete"] is True
    budget = [d for d in entry["diagnostics"] if d["code"].startswith("VL7")]
    assert [(d["code"], d["message"]) for d in budget] == [
        ("VL701", "the request bills 7 s; the budget allows 6 s per request")]


def test_the_documented_example_configuration_is_valid(tmp_path):
    import re

    from conftest import REPO

    from vidlint.settings.config import load_config

    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", text, re.S).group(1)
    (tmp_path / "pyproject.toml").write_text(example, encoding="utf-8")
    config = load_config(tmp_path / "pyproject.toml")
    assert config.enabled("VL311") and not config.enabled("VL310") and config.enabled("VL104")
    assert config.budget.request.max_usd == 2.0 and config.prices["wan2.7-reference-video"]["720p"] == 0.09


def test_stdin_filename_is_matched_by_per_file_ignores(repo):
    write(repo / "vidlint.toml", '[per-file-ignores]\n"requests/*.json" = ["VL311"]\n')
    args = ("lint", "--format", "json", "--stdin-filename", "requests/editor.json", "-")
    result = run_vidlint(*args, cwd=repo, input=json.dumps(SPELLING))
    assert result.json()["files"][0]["path"] == "requests/editor.json"
    assert codes(result) == []
    other = run_vidlint("lint", "--format", "json", "--stdin-filename", "elsewhere.json", "-", cwd=repo,
                        input=json.dumps(SPELLING))
    assert codes(other) == ["VL311"]


def imported_modules(cwd: Path, *args: str) -> set[str]:
    """Modules a real `vidlint lint` run has imported by the time it exits."""
    import os
    import subprocess
    import sys

    from conftest import SRC

    record = cwd / "modules.json"
    script = ("import json, sys\nfrom vidlint.cli import main\nsys.argv = ['vidlint', 'lint'] + sys.argv[2:]\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "open(sys.argv[1], 'w').write(json.dumps(sorted(sys.modules)))\n")
    script = script.replace("sys.argv[1]", repr(str(record))).replace("sys.argv[2:]", "sys.argv[1:]")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDLINT_", "GITHUB_ACTIONS"))}
    env["PYTHONPATH"] = str(SRC)
    subprocess.run([sys.executable, "-c", script, *args], cwd=cwd, env=env, capture_output=True, timeout=120)
    modules = set(json.loads(record.read_text()))
    record.unlink()
    return modules


def test_hot_path_stays_lazy(repo):
    plain = imported_modules(repo, "requests/seed.json")
    assert "vidlint.settings.discovery" in plain
    for lazy in ("vidlint.settings.config", "tomllib", "vidlint.settings.suppressions", "vidlint.settings.baseline", "vidlint.report.sarif",
                 "vidlint.report.junit", "xml.etree.ElementTree", "vidlint.core.globs"):
        assert lazy not in plain, lazy
    write(repo / "vidlint.toml", 'ignore = ["VL311"]\n')
    configured = imported_modules(repo, "--format", "sarif", "requests/seed.json")
    assert {"vidlint.settings.config", "tomllib", "vidlint.settings.suppressions", "vidlint.core.globs", "vidlint.report.sarif"} <= configured
    assert "vidlint.report.junit" not in configured


def test_command_line_selection(repo):
    assert codes(lint_json(repo, "--select", "VL3", "requests")) == ["VL311"]
    assert codes(lint_json(repo, "--ignore", "VL311,VL502", "requests")) == ["VL104"]
    write(repo / "vidlint.toml", 'ignore = ["VL3"]\n')
    assert codes(lint_json(repo, "--extend-select", "VL311", "requests")) == ["VL104", "VL311"]
    assert codes(lint_json(repo, "--select", "VL1", "requests")) == ["VL104"]  # replaces the file's select
    assert codes(lint_json(repo, "--ignore", "VL1", "requests")) == []  # adds to the file's ignore
    bad = run_vidlint("lint", "--ignore", "VL31,VL3111", "requests", cwd=repo)
    assert bad.code == 2 and bad.err.strip() == 'vidlint: --ignore: "VL3111" is not a rule code (codes look like VL311; prefixes like VL3)'
    unknown = run_vidlint("lint", "--select", "VL399", "requests", cwd=repo)
    assert unknown.code == 2 and unknown.err.startswith('vidlint: --select: unknown rule code "VL399"')


def test_config_saved_with_a_byte_order_mark_is_read(repo):
    (repo / "vidlint.toml").write_bytes(b'\xef\xbb\xbfignore = ["VL311"]\n')
    assert codes(lint_json(repo, "requests")) == ["VL104"]


def test_a_renamed_code_in_configuration_or_on_the_command_line_still_works_and_says_its_new_name(repo):
    request = {"model": "wan3.0-reference-video", "prompt": "A tour of the product in Image 1.",
               "image_urls": ["https://x.example.com/a.png"],
               "model_params": {"file_url": "https://x.example.com/deck.zip"}}
    write_request(repo / "r.json", request)
    assert "VL509" in run_vidlint("lint", "r.json", cwd=repo).out  # the finding the old code named
    write(repo / "vidlint.toml", 'ignore = ["VL236"]\n')
    result = run_vidlint("lint", "r.json", cwd=repo)
    assert result.code == 0 and "VL509" not in result.out, result.out
    assert 'vidlint.toml: ignore[0]: "VL236" is now "VL509" (renamed)' in result.err
    write(repo / "vidlint.toml", "")
    result = run_vidlint("lint", "--ignore", "VL236", "r.json", cwd=repo)
    assert result.code == 0 and '--ignore: "VL236" is now "VL509"' in result.err
    shown = run_vidlint("rules", "VL236")
    assert shown.code == 0 and shown.out.startswith("VL509 document-format") and "now" in shown.err


def test_a_run_of_unpriced_requests_shows_no_dollar_figure(repo):
    write_request(repo / "a.json", UNPRICED)
    write_request(repo / "b.json", {**UNPRICED, "duration": 4})
    result = run_vidlint("lint", "a.json", "b.json", cwd=repo)
    assert result.code == 0 and "Estimated cost: cannot be priced (2 requests, 10 billed s)" in result.out, result.out
    assert "$" not in result.out


@pytest.mark.parametrize("config_path", ["/proj/vidlint.toml", "/vidlint.toml", "proj/sub/vidlint.toml", "vidlint.toml"])
def test_paths_relative_to_the_configuration_as_relpath_gives_them(config_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Config.relative cuts the folder off the front of the path (POSIX); os.path.relpath, which
    it replaces there, is the reference; and the excludes, matched as one set, as one by one."""
    import os
    import random

    from vidlint.core.globs import compile_glob
    from vidlint.settings.config import Config

    monkeypatch.chdir("/")
    globs = [compile_glob(p) for p in ("drafts/", "*.tmp.json", "proj/old/**", "scratch-*", "sub/a*.json")]
    config = Config(Path(config_path), exclude=globs)
    root = os.path.abspath(os.path.dirname(config_path))

    def reference(path: str) -> str | None:
        relative = os.path.relpath(os.path.abspath(path), root)
        return None if relative == ".." or relative.startswith("../") else relative

    rng = random.Random(4)
    parts = ["proj", "sub", "drafts", "old", "a.json", "scratch-1.json", "x.tmp.json", "..", ".", "", "projx"]
    paths = ["/", "/proj", "/proj/", "proj", ".", "..", "/projx/a.json", Path("/proj/sub/a.json")]
    paths += [("/" if rng.random() < 0.5 else "") + "/".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
              for _ in range(400)]
    for path in paths:
        assert config.relative(path) == reference(str(path)), path
        relative = config.relative(path)
        assert config.excluded(path) == (relative is not None and any(g.matches(relative) for g in globs)), path
