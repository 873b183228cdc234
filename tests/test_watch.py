"""`vidlint lint --watch` as a real subprocess: lint, edit a request, edit an asset it references,
then Ctrl-C (SIGINT) ends it with exit 0 and no traceback."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time

from conftest import EXAMPLES, SRC


class Watch:
    def __init__(self, cwd, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIDLINT_")}
        env.update(PYTHONPATH=str(SRC), VIDLINT_CACHE_DIR=str(cwd.parent / f"{cwd.name}-cache"), NO_COLOR="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "vidlint", "lint", "--isolated", "--watch", *args],
                                     cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.all: list[str] = []  # stdout and stderr, in the order written (one pipe)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.all.append(line)
            self.lines.put(line.rstrip("\n"))

    def until(self, wanted, timeout: float = 30) -> list[str]:
        """Lines seen up to and including the first for which ``wanted(line)`` holds."""
        seen, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, f"vidlint ended: {seen} {self.all}"
                continue
            seen.append(line)
            if wanted(line):
                return seen
        raise AssertionError(f"not seen in {timeout} s; got {seen}")


def write(path, request) -> None:
    path.write_text(json.dumps(request) + "\n", encoding="utf-8")


def test_watch_relints_requests_and_their_assets_then_stops_on_ctrl_c(tmp_path):
    (tmp_path / "req").mkdir()
    (tmp_path / "media").mkdir()
    shutil.copy(EXAMPLES / "assets" / "dancer.mp4", tmp_path / "media" / "clip.mp4")
    request = {"model": "wan2.7-reference-video", "prompt": "Video 1 dances", "video_urls": ["../media/clip.mp4"],
               "duration": 5}
    write(tmp_path / "req" / "a.json", request)
    write(tmp_path / "req" / "other.json", {"model": "wan2.7-text-to-video", "prompt": "a cat"})
    watch = Watch(tmp_path, "req")
    try:
        first = watch.until(lambda line: line.startswith("Watching "))
        assert any(line.startswith("Found 0 errors") for line in first)
        assert "Watching 2 request files and 1 asset for changes (Ctrl-C to stop)." in first

        write(tmp_path / "req" / "a.json", {**request, "duration": 50})  # two saves in a row: one round
        write(tmp_path / "req" / "a.json", {**request, "duration": 99})
        edited = watch.until(lambda line: line.startswith("Estimated cost:"))
        assert edited[0].endswith("] changed: linting req/a.json")  # only the edited file
        assert any("req/a.json:1:" in line and "VL104 [error] duration is 99" in line for line in edited)
        assert not any("other.json" in line or "duration is 50" in line for line in edited)

        shutil.copy(EXAMPLES / "assets" / "rehearsal-31s.mp4", tmp_path / "media" / "clip.mp4")
        probed = watch.until(lambda line: line.startswith("Estimated cost:"))
        assert probed[0].endswith("] changed: linting req/a.json")  # it references the asset
        assert any("VL606 [error] ../media/clip.mp4: video is 31.0 s" in line for line in probed)

        watch.proc.send_signal(signal.SIGINT)
        assert watch.proc.wait(timeout=20) == 0
    finally:
        if watch.proc.poll() is None:
            watch.proc.kill()
    time.sleep(0.2)
    assert "Traceback" not in "".join(watch.all)
    assert watch.all[-1].strip() == "Stopped watching."


def test_writing_the_report_file_does_not_relint(tmp_path):
    """--watch -o report.json in the watched folder: the report is not taken for a change (it
    would be linted as a request, written again, and so on)."""
    write(tmp_path / "a.json", {"model": "wan2.7-text-to-video", "prompt": "a cat", "seed": 0})
    watch = Watch(tmp_path, "--format", "json", "-o", "report.json", ".")
    try:
        watch.until(lambda line: line.startswith("Watching "))
        write(tmp_path / "a.json", {"model": "wan2.7-text-to-video", "prompt": "a dog", "seed": 0})
        watch.until(lambda line: line.endswith("] changed: linting a.json"))
        watch.until(lambda line: "Report (json) written to report.json" in line)
        time.sleep(1.5)  # a relint caused by the report would show by now
        assert watch.lines.empty(), list(watch.lines.queue)
        assert json.loads((tmp_path / "report.json").read_text())["files"][0]["path"] == "a.json"
        watch.proc.send_signal(signal.SIGINT)
        assert watch.proc.wait(timeout=20) == 0
    finally:
        if watch.proc.poll() is None:
            watch.proc.kill()


def test_a_baseline_or_schema_in_the_watched_folder_is_no_request(tmp_path):
    """Walking skips JSON Schemas and baselines of any name; watching does too, also when one is
    rewritten (a baseline recorded again, a schema saved again)."""
    write(tmp_path / "a.json", {"model": "wan2.7-text-to-video", "prompt": "a cat"})
    baseline = tmp_path / "ci" / "known.json"
    baseline.parent.mkdir()
    baseline.write_text('{"vidlint-baseline": 1,\n "entries": []}\n', encoding="utf-8")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}
    write(tmp_path / "wan27.json", schema)
    watch = Watch(tmp_path, ".")
    try:
        first = watch.until(lambda line: line.startswith("Watching "))
        assert "Watching 1 request file and 0 assets for changes (Ctrl-C to stop)." in first
        baseline.write_text('{"vidlint-baseline": 1,\n "entries": [\n]}\n', encoding="utf-8")
        write(tmp_path / "wan27.json", {**schema, "title": "wan2.7"})
        time.sleep(0.1)
        write(tmp_path / "a.json", {"model": "wan2.7-text-to-video", "prompt": "a cat", "seed": 0})
        relinted = watch.until(lambda line: line.startswith("Found "))
        assert relinted[0].endswith("] changed: linting a.json"), relinted
        assert not any("VL010" in line or "known.json" in line or "wan27.json" in line for line in relinted)
        watch.proc.send_signal(signal.SIGINT)
        assert watch.proc.wait(timeout=20) == 0
    finally:
        if watch.proc.poll() is None:
            watch.proc.kill()
