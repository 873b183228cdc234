"""Adopting vidlint on a repository with existing problems: --write-baseline, then --baseline
reports only new findings; fingerprints survive line shifts; stale entries are reported."""

from __future__ import annotations

import json

import pytest

from conftest import run_vidlint, write_request

# Every request here has a remote asset, not fetched offline: a VL502 info each, baselined like the rest.
CLEAN = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["https://x.example.com/a.jpg"]}
OLD_SPELLING = {**CLEAN, "prompt": "image 1 waves"}  # VL311
OLD_SEED = {**CLEAN, "seed": 0}  # VL104


@pytest.fixture
def repo(tmp_path):
    write_request(tmp_path / "requests" / "spelling.json", OLD_SPELLING)
    write_request(tmp_path / "requests" / "seed.json", OLD_SEED)
    write_request(tmp_path / "requests" / "clean.json", CLEAN)
    return tmp_path


def record(repo, *paths: str):
    result = run_vidlint("lint", "--write-baseline", "vidlint-baseline.json", *(paths or ("requests",)), cwd=repo)
    assert result.code == 0, result.err
    return result


def test_write_baseline_records_the_findings(repo):
    result = record(repo)
    assert result.err.strip() == "vidlint: wrote 5 findings to vidlint-baseline.json"
    assert result.out == ""
    data = json.loads((repo / "vidlint-baseline.json").read_text())
    assert data["vidlint-baseline"] == 1
    entries = {(e["path"], e["code"], e["pointer"]) for e in data["entries"] if e["code"] != "VL502"}
    assert entries == {("requests/seed.json", "VL104", "/seed"), ("requests/spelling.json", "VL311", "/prompt")}
    assert all(len(e["fingerprint"]) == 32 and e["message"] for e in data["entries"])


def test_baseline_hides_recorded_findings_and_reports_new_ones(repo):
    record(repo)
    quiet = run_vidlint("lint", "--baseline", "vidlint-baseline.json", "requests", cwd=repo)
    assert quiet.code == 0, quiet.out
    assert quiet.out.splitlines()[0] == "All checks passed (3 files). 5 findings in the baseline not shown."
    write_request(repo / "requests" / "seed.json", {**OLD_SEED, "quality": "4k"})  # a new problem in an old file
    write_request(repo / "requests" / "new.json", {**CLEAN, "duration": 99})  # a new file
    result = run_vidlint("lint", "--format", "json", "--baseline", "vidlint-baseline.json", "requests", cwd=repo)
    assert result.code == 1
    found = {(f["path"], d["code"]) for f in result.json()["files"] for d in f["diagnostics"]}
    assert found == {("requests/seed.json", "VL103"), ("requests/new.json", "VL104"), ("requests/new.json", "VL502")}


def test_fingerprints_survive_line_shifts_and_other_working_folders(repo):
    record(repo)
    spelling = repo / "requests" / "spelling.json"
    # reformatted, with new fields above the old problem
    spelling.write_text(json.dumps({"model": "wan2.7-reference-video", "duration": 5, "seed": 42,
                                    "image_urls": CLEAN["image_urls"], "prompt": OLD_SPELLING["prompt"]}, indent=6))
    result = run_vidlint("lint", "--baseline", "../vidlint-baseline.json", ".", cwd=repo / "requests")
    assert result.code == 0 and "VL311" not in result.out and "VL104" not in result.out, result.out


def test_the_same_finding_twice_is_counted(repo):
    record(repo)
    write_request(repo / "requests" / "seed.json", {**OLD_SEED, "model_params": {"seed": 0}})
    write_request(repo / "requests" / "spelling.json", {**CLEAN, "prompt": "image 1 waves, image 1 bows"})
    result = run_vidlint("lint", "--format", "json", "--baseline", "vidlint-baseline.json", "requests", cwd=repo)
    found = [(f["path"], d["code"]) for f in result.json()["files"] for d in f["diagnostics"]]
    # one of the two identical VL311 findings is in the baseline; the misplaced seed is new (VL106)
    assert sorted(found) == [("requests/seed.json", "VL106"), ("requests/spelling.json", "VL311")]


def test_fixed_findings_make_the_entry_stale(repo):
    record(repo)
    write_request(repo / "requests" / "spelling.json", CLEAN)  # fixed
    result = run_vidlint("lint", "--baseline", "vidlint-baseline.json", "requests", cwd=repo)
    assert result.code == 0  # VL902 is info
    (line,) = [l for l in result.out.splitlines() if "VL902" in l]
    text = (repo / "vidlint-baseline.json").read_text().splitlines()
    number = int(line.split(":")[1])
    assert line.startswith("vidlint-baseline.json:") and "VL311" in text[number - 1]
    assert "baseline entry VL311 at requests/spelling.json#/prompt matches nothing: the finding is gone" in line
    # a run that does not lint that file cannot tell: no report
    partial = run_vidlint("lint", "--baseline", "vidlint-baseline.json", "requests/seed.json", cwd=repo)
    assert "VL902" not in partial.out and partial.code == 0
    # a deleted file makes its entries stale whatever is linted
    (repo / "requests" / "seed.json").unlink()
    gone = run_vidlint("lint", "--baseline", "vidlint-baseline.json", "requests/clean.json", cwd=repo)
    assert "requests/seed.json#/seed matches nothing: the file no longer exists" in gone.out
    # re-recording clears them
    record(repo)
    assert "VL902" not in run_vidlint("lint", "--baseline", "vidlint-baseline.json", "requests", cwd=repo).out


def test_baseline_named_in_configuration(repo):
    record(repo)
    (repo / "vidlint.toml").write_text('baseline = "vidlint-baseline.json"\n')
    assert run_vidlint("lint", ".", cwd=repo / "requests").code == 0
    assert run_vidlint("lint", "--isolated", "requests", cwd=repo).code == 1


def test_config_ignores_apply_before_the_baseline(repo):
    (repo / "vidlint.toml").write_text('ignore = ["VL311"]\n')
    result = record(repo)
    assert "wrote 4 findings to" in result.err  # VL104 and three VL502, no VL311


@pytest.mark.parametrize("content, reason", [
    (None, "no such file (create it with --write-baseline)"),
    ("{not json", "not a vidlint baseline: invalid JSON"),
    ('{"entries": []}', "not a vidlint baseline (version 1)"),
    ('{"vidlint-baseline": 1, "entries": [{"path": "a.json"}]}', "entries[0]: needs path, code and fingerprint"),
])
def test_unreadable_baseline_is_exit_2(repo, content, reason):
    if content is not None:
        (repo / "b.json").write_text(content)
    result = run_vidlint("lint", "--baseline", "b.json", "requests", cwd=repo)
    assert result.code == 2 and result.out == ""
    assert result.err.strip().startswith(f"vidlint: b.json: {reason}")


def test_walking_a_folder_skips_the_baseline_file(repo):
    record(repo, ".")
    result = run_vidlint("lint", "--format", "json", "--baseline", "vidlint-baseline.json", ".", cwd=repo)
    assert "vidlint-baseline.json" not in [f["path"] for f in result.json()["files"]]


def test_unwritable_baseline_is_one_line_exit_2(repo):
    (repo / "blocker").write_text("a file, not a folder")
    result = run_vidlint("lint", "--write-baseline", "blocker/b.json", "requests", cwd=repo)
    assert result.code == 2 and result.err.startswith("vidlint: blocker/b.json: cannot write the baseline:")
    assert "Traceback" not in result.err


def test_a_baselined_finding_survives_an_edited_value(tmp_path):
    """Changing duration from 10 to 12 changes VL702's price, not the finding: still baselined.
    Another finding in the same place (quality) is new."""
    (tmp_path / "vidlint.toml").write_text('[budget.request]\nmax-usd = 0.5\n')
    request = {"model": "wan2.7-text-to-video", "prompt": "a cat on a roof", "duration": 10}
    write_request(tmp_path / "requests" / "cat.json", request)
    first = run_vidlint("lint", "--format", "json", "requests", cwd=tmp_path)
    assert [d["code"] for f in first.json()["files"] for d in f["diagnostics"]] == ["VL702"]
    assert run_vidlint("lint", "--write-baseline", "vidlint-baseline.json", "requests", cwd=tmp_path).code == 0

    write_request(tmp_path / "requests" / "cat.json", {**request, "duration": 12})
    edited = run_vidlint("lint", "--format", "json", "--baseline", "vidlint-baseline.json", "requests", cwd=tmp_path)
    assert edited.code == 0, edited.out
    assert [f["path"] for f in edited.json()["files"] if f["diagnostics"]] == []  # nor a stale entry (VL902)

    write_request(tmp_path / "requests" / "cat.json", {**request, "duration": 12, "quality": "1080p"})
    pricier = run_vidlint("lint", "--format", "json", "--baseline", "vidlint-baseline.json", "requests", cwd=tmp_path)
    assert pricier.code == 0  # still VL702 at the same pointer: the same finding, a different price

    write_request(tmp_path / "requests" / "cat.json", {**request, "duration": 3})
    fixed = run_vidlint("lint", "--format", "json", "--baseline", "vidlint-baseline.json", "requests", cwd=tmp_path)
    assert [d["code"] for f in fixed.json()["files"] for d in f["diagnostics"]] == ["VL902"]  # it is gone


def test_loose_matching_takes_each_entry_once(tmp_path):
    """Two findings of the same shape against one entry: one stays hidden, the other is new."""
    first = {"model": "wan2.7-reference-video", "prompt": "Image 1 waves", "image_urls": ["https://x.example.com/a.jpg"],
             "seed": -1}
    write_request(tmp_path / "r.json", first)
    assert run_vidlint("lint", "--isolated", "--write-baseline", "b.json", "r.json", cwd=tmp_path).code == 0
    write_request(tmp_path / "r.json", {**first, "seed": -2})
    assert run_vidlint("lint", "--isolated", "--baseline", "b.json", "r.json", cwd=tmp_path).code == 0
    batch = "\n".join(json.dumps({**first, "seed": s}) for s in (-3, -4)) + "\n"
    (tmp_path / "r.jsonl").write_text(batch)
    assert run_vidlint("lint", "--isolated", "--write-baseline", "b2.json", "r.jsonl", cwd=tmp_path).code == 0
    (tmp_path / "r.jsonl").write_text(batch + json.dumps({**first, "seed": -5}) + "\n")
    result = run_vidlint("lint", "--isolated", "--format", "json", "--baseline", "b2.json", "r.jsonl", cwd=tmp_path)
    found = [(d["code"], d["record"]) for f in result.json()["files"] for d in f["diagnostics"]]
    assert sorted(found) == [("VL104", 3), ("VL502", 3)]
