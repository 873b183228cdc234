"""`--format markdown`: the job summary's content, as a reader of the rendered page sees it."""

from __future__ import annotations

from conftest import run_vidlint, write_request

from vidlint.core.links import rule_url


def test_markdown_report_tables_escape_cells_and_link_rules(tmp_path):
    write_request(tmp_path / "req" / "a|b.json", {"model": "wan2.7-text-to-video", "prompt": "x", "duration": 99})
    write_request(tmp_path / "req" / "ok.json", {"model": "wan2.7-text-to-video", "prompt": "a cat", "duration": 5})
    result = run_vidlint("lint", "--format", "markdown", "--isolated", "req", "missing.json", cwd=tmp_path)
    assert result.code == 2  # missing.json: a read error, said in the summary too
    lines = result.out.splitlines()
    assert lines[:3] == ["## vidlint", "", "Found 1 error, 0 warnings, 0 infos in 2 files."]
    assert any(line.startswith("- :x: ") and "missing.json" in line for line in lines)
    assert f"| [VL104]({rule_url('VL104')}) | error | 1 | out-of-range |" in lines
    row = next(line for line in lines if line.startswith("| `req/a\\|b.json:"))
    assert row.count(" | ") == 3  # the pipe in the file name does not split the row
    assert any(line.startswith("**Estimated cost: $") for line in lines)
    assert "<details><summary>1 finding</summary>" in lines


def test_markdown_report_of_a_clean_run_is_short(tmp_path):
    write_request(tmp_path / "ok.json", {"model": "wan2.7-text-to-video", "prompt": "a cat", "duration": 5})
    result = run_vidlint("lint", "--format", "markdown", "--isolated", "ok.json", cwd=tmp_path)
    assert result.code == 0
    assert "| Code |" not in result.out and "<details>" not in result.out
    assert "All checks passed (1 file)." in result.out
