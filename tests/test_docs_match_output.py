"""README and docs show what the commands print: the excerpts here are run and compared."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import run_vidlint

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def block_after(text: str, marker: str, fence: str = "```") -> str:
    start = text.index(marker) + len(marker)
    return text[start:text.index(fence, start)]


def test_readme_lint_excerpt_is_what_lint_examples_prints():
    excerpt = block_after(README, "$ vidlint lint examples/\n")
    out = run_vidlint("lint", "examples/", cwd=ROOT).out
    assert excerpt.startswith(out[:out.index("\n") + 1]) and excerpt.endswith(out[out.rindex("\n", 0, -1) + 1:])
    position = 0
    for part in excerpt.split("...\n"):  # in order; "..." stands for lines left out, nothing else is
        assert "\n" + part in "\n" + out[position:], part
        position = ("\n" + out).index("\n" + part, position) + len(part)


def test_readme_json_example_is_what_format_json_prints(tmp_path):
    shown = json.loads(block_after(README, "### JSON output", "```\n\n").split("```json\n", 1)[1])
    request = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves",
               "image_urls": ["https://cdn.example.com/a.jpg"], "seed": 0}
    (tmp_path / "r.json").write_text(json.dumps(request, indent=2) + "\n", encoding="utf-8")
    assert json.loads(run_vidlint("lint", "--format", "json", "r.json", cwd=tmp_path).out) == shown


def test_readme_full_format_example(tmp_path):
    request = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves",
               "image_urls": ["https://cdn.example.com/a.jpg"], "seed": 0}
    (tmp_path / "r.json").write_text(json.dumps(request, indent=2) + "\n", encoding="utf-8")
    shown = block_after(README, "$ vidlint lint --format full r.json\n")
    assert run_vidlint("lint", "--format", "full", "r.json", cwd=tmp_path).out == shown


def test_ci_md_configuration_errors_are_what_lint_prints(tmp_path):
    ci_md = (ROOT / "docs/ci.md").read_text(encoding="utf-8")
    lines = re.findall(r"^vidlint: .*$", ci_md.split("**Invalid configuration**", 1)[1].split("```")[1], re.M)
    assert len(lines) == 3
    (tmp_path / "r.json").write_text('{"model": "wan2.7-text-to-video", "prompt": "x"}', encoding="utf-8")
    configs = {"pyproject.toml": "[tool.vidlint]\nper_file_ignores = {}\n",
               "vidlint.toml": 'ignore = ["VL3111"]\n'}
    printed = []
    for name, text in configs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = run_vidlint("lint", "r.json", cwd=tmp_path)
        (tmp_path / name).unlink()
        assert result.code == 2
        printed.append(result.err.strip())
    (tmp_path / "vidlint.toml").write_text('[per-file-ignores]\n"req[uests/*.json" = ["VL104"]\n', encoding="utf-8")
    printed.append(run_vidlint("lint", "r.json", cwd=tmp_path).err.strip())
    assert printed == lines
