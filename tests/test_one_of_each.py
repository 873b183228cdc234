"""One way of doing each thing: the command line and the configuration read globs alike, a
number of seconds is written the same way in every message, and the like."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vidlint.api import Inputs, LintOptions, lint_paths
from vidlint.core.wording import number, span
from vidlint.models import load_profile
from vidlint.rules.registry import RequestContext, run_stage

REQUEST = {"model": "wan2.7-text-to-video", "prompt": "a lighthouse at dusk"}


def walked(folder: Path, excludes: tuple[str, ...] = ()) -> list[str]:
    """The request files linted in ``folder`` (the current folder), as reported."""
    run = lint_paths(["."], LintOptions(inputs=Inputs(excludes=excludes)))
    return sorted(Path(f.path).as_posix() for f in run.files)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("requests/drafts/a.json", "requests/drafts/deep/b.json", "requests/final.json", "other/drafts/c.json"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(REQUEST), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_exclude_on_the_command_line_reads_globs_as_the_configuration_does(project: Path) -> None:
    everything = ["other/drafts/c.json", "requests/drafts/a.json", "requests/drafts/deep/b.json", "requests/final.json"]
    assert walked(project) == everything
    # anchored at the current folder (the configuration's folder for `exclude`); a folder's
    # match covers everything below it
    assert walked(project, ("requests/drafts/*",)) == ["other/drafts/c.json", "requests/final.json"]
    assert walked(project, ("requests/drafts",)) == ["other/drafts/c.json", "requests/final.json"]
    # without a slash: a file or folder of that name anywhere
    assert walked(project, ("drafts",)) == ["requests/final.json"]
    assert walked(project, ("**/b.json", "final.json")) == ["other/drafts/c.json", "requests/drafts/a.json"]
    (project / "vidlint.toml").write_text('exclude = ["requests/drafts/*"]\n', encoding="utf-8")
    from vidlint.settings.config import load_config

    configured = lint_paths(["."], LintOptions.from_config(load_config(project / "vidlint.toml")))
    assert sorted(Path(f.path).as_posix() for f in configured.files) == walked(project, ("requests/drafts/*",))


def test_a_bad_exclude_glob_is_one_usage_line(project: Path) -> None:
    from conftest import run_vidlint

    result = run_vidlint("lint", "--exclude", "requests/[drafts", ".", cwd=project)
    assert result.code == 2
    assert result.err.strip().splitlines()[-1] == "vidlint: error: --exclude 'requests/[drafts': unclosed '[' at position 10"


def test_numbers_are_written_one_way() -> None:
    assert [number(v) for v in (7.25, 7.2, 7.0, 7, 0.05, 12.3456, 1_000_000)] == [
        "7.25", "7.2", "7", "7", "0.05", "12.346", "1,000,000"]
    # a measured length keeps one decimal; thousands are grouped
    assert [number(v, 1) for v in (31, 7.25, 0.5, 52428800.0)] == ["31.0", "7.25", "0.5", "52,428,800.0"]
    # a range with equal ends is one number, never 1..1
    assert [span(1, 10, "s"), span(5, 5, "s"), span(1, 3, prefix="image")] == ["1..10 s", "5 s", "image1..image3"]


def test_a_clip_of_7_25_seconds_is_7_25_seconds_in_every_message() -> None:
    profile = load_profile("wan2.7-image-to-video")
    assert profile is not None
    request = {"model": "wan2.7-image-to-video", "generation_mode": "video_continuation",
               "video_urls": ["clips/a.mp4"], "duration": 5}
    facts = {"assets": [{"pointer": "/video_urls/0", "kind": "video", "resolution": "local", "path": "/x",
                         "probe": {"kind": "video", "duration": 7.25, "error": None}}]}
    messages = [d.message for d in run_stage("facts", RequestContext(request, profile.meta, profile, facts), profile.meta)]
    assert any("is 7.25 s" in m for m in messages), messages
    assert not any("7.2 s" in m for m in messages), messages
