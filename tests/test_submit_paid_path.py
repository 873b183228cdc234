"""Issue 12: the paid path never spends what lint refuses, never pays twice, never loses a file,
never leaks the key. Real subprocesses against the loopback fake server, real files, symlinks, FIFOs."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from PIL import Image

from conftest import run_vidlint, write_request
from vidlint.submit.ledger import Ledger, request_key
from vidlint.testing.fake_api import DEFAULT_VIDEO, FakeEvolink

KEY = "sk-test-4b7e0c2f9a1d8e6b5c3a"

SCENE = {
    "model": "wan2.7-reference-video",
    "prompt": "Image 1 waves at the camera on a sunny beach.",
    "image_urls": ["refs/face.png"],
    "duration": 5,
}


@pytest.fixture
def fake():
    with FakeEvolink(api_key=KEY, polls_to_complete=2) as server:
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "refs").mkdir(parents=True)
    Image.new("RGB", (320, 240), (180, 90, 40)).save(root / "refs" / "face.png")
    write_request(root / "scene.json", SCENE)
    return root


def env_for(fake: FakeEvolink, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {"EVOLINK_API_KEY": KEY, "EVOLINK_API_BASE": fake.base_url, "EVOLINK_FILES_BASE": fake.base_url,
           "VIDLINT_POLL_INTERVAL": "0.05", "VIDLINT_CACHE_DIR": str(tmp_path / "cache")}
    env.update(extra)
    return env


def submit(request: str, fake: FakeEvolink, cwd: Path, *args: str, **env: str):
    return run_vidlint("submit", request, "--yes", *args, cwd=cwd, env=env_for(fake, cwd.parent, **env), timeout=60)


# -- one configuration for lint and submit --------------------------------------------------------

def test_request_over_the_configured_budget_is_refused_before_any_network_call(project, fake):
    (project / "vidlint.toml").write_text("[budget.request]\nmax-usd = 0.10\n")
    linted = run_vidlint("lint", "scene.json", cwd=project, env=env_for(fake, project.parent))
    assert linted.code == 1 and "VL702" in linted.out
    run = submit("scene.json", fake, project)
    assert run.code == 1
    assert "VL702" in run.err and "not submitted" in run.err
    assert fake.requests == []


def test_fail_level_and_severity_of_the_configuration_apply_to_submit(project, fake):
    (project / "vidlint.toml").write_text('fail-on = "warning"\n[budget.request]\nmax-usd = 0.10\n'
                                          '[severity]\nVL702 = "warning"\n')
    run = submit("scene.json", fake, project)
    assert run.code == 1 and "VL702" in run.err and fake.requests == []


def test_price_override_changes_the_estimate_submit_shows(project, fake):
    (project / "vidlint.toml").write_text('[prices."wan2.7-reference-video"]\n"720p" = 1.0\n')
    run = submit("scene.json", fake, project, "--dry-run")
    assert run.code == 0, run.err
    [cost] = [line for line in run.err.splitlines() if line.startswith("estimated cost: ")]
    assert "$5.00" in cost, cost
    assert fake.requests == []


# -- one ledger per project, whatever the working directory --------------------------------------

def test_same_request_from_three_directories_is_paid_once(project, fake, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = submit("scene.json", fake, project)
    assert first.code == 0, first.err
    for cwd, name in ((tmp_path, "proj/scene.json"), (elsewhere, "../proj/scene.json")):
        again = submit(name, fake, cwd)
        assert again.code == 1 and "already completed" in again.err, again.err
    assert len(fake.create_requests) == 1
    assert [a.status for a in Ledger(project / ".vidlint" / "ledger.jsonl").attempts()] == ["completed"]
    assert not (tmp_path / ".vidlint").exists() and not (elsewhere / ".vidlint").exists()


def test_ledger_lives_in_the_folder_of_the_nearest_configuration(project, fake, tmp_path):
    (project / "vidlint.toml").write_text("")
    shots = project / "shots"
    (shots / "refs").mkdir(parents=True)
    (shots / "refs" / "face.png").write_bytes((project / "refs" / "face.png").read_bytes())
    write_request(shots / "a.json", dict(SCENE, image_urls=["../refs/face.png"]))
    run = submit("proj/shots/a.json", fake, tmp_path)
    assert run.code == 0, run.err  # the asset is inside the project folder (the config's), not the cwd
    [attempt] = Ledger(project / ".vidlint" / "ledger.jsonl").attempts()
    assert attempt.request == "shots/a.json"
    assert not (shots / ".vidlint").exists()


@pytest.mark.parametrize("variant", [
    {"duration": 5.0},
    {"quality": "720p"},
    {"aspect_ratio": "16:9", "prompt_extend": False},
])
def test_the_key_is_the_request_as_the_server_sees_it(project, fake, variant):
    assert submit("scene.json", fake, project).code == 0
    write_request(project / "scene.json", {**SCENE, **variant})
    again = submit("scene.json", fake, project)
    assert again.code == 1 and "already completed" in again.err
    assert len(fake.create_requests) == 1


def test_a_different_value_is_a_different_request():
    defaults = {"quality": "720p", "duration": 5}
    assert request_key({"model": "m", "duration": 5}, defaults) == request_key({"model": "m"}, defaults)
    assert request_key({"model": "m", "duration": 6}, defaults) != request_key({"model": "m"}, defaults)
    assert request_key({"model": "m", "x": True}) != request_key({"model": "m", "x": 1})
    assert request_key({"model": "m", "x": [1.0, {"y": 2.0}]}) == request_key({"model": "m", "x": [1, {"y": 2}]})
