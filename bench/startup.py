"""Start-up: ``vidlint lint`` on one small clean request versus check-jsonschema on the same file.

Each run is a fresh process (a cold interpreter; the OS file cache is warm, as it is for a
user who runs the command twice). Runs alternate between the two tools; the medians are
compared. vidlint's compiled-schema cache is filled by one untimed run first (it is filled
once per schema version on a user's machine); that first run's time is printed separately.

    python bench/startup.py [--runs 40] [--file examples/clean/storyboard.json]

Target (issue 8): vidlint's median at most 0.6x check-jsonschema's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (REPO, describe, environment, median, peer, print_header, quote,  # noqa: E402
                     run_measured, vidlint_command)

TARGET = 0.6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--file", default=str(REPO / "examples" / "clean" / "storyboard.json"))
    args = parser.parse_args()
    print_header("start-up: one clean request, fresh process per run",
                 f"python bench/startup.py --runs {args.runs}" + (f" --file {args.file}" if "--file" in sys.argv else ""),
                 ("check-jsonschema",))
    request = str(Path(args.file).resolve())
    schema = str(REPO / "schemas" / "wan2.7-reference-video.json")
    with tempfile.TemporaryDirectory(prefix="vidlint-bench-") as tmp:
        env = environment(Path(tmp) / "cache")
        ours = vidlint_command("lint", request)
        theirs = [peer("check-jsonschema"), "--schemafile", schema, request]
        print(f"vidlint:          PYTHONPATH=src {quote(ours)}")
        print(f"check-jsonschema: {quote(theirs)}")
        first = run_measured(ours, env)
        if first.code != 0:
            print(f"vidlint exited {first.code} on the clean request:\n{first.stdout.decode()}")
            return 2
        print(f"vidlint first run (empty cache: compiles the schema validator): {first.seconds * 1000:.1f} ms")
        ours_times: list[float] = []
        theirs_times: list[float] = []
        ours_rss: list[float] = []
        theirs_rss: list[float] = []
        for _ in range(args.runs):
            for command, times, rss in ((ours, ours_times, ours_rss), (theirs, theirs_times, theirs_rss)):
                measured = run_measured(command, env)
                if measured.code != 0:
                    print(f"{command[0]} exited {measured.code}: {measured.stdout.decode()[:500]}")
                    return 2
                times.append(measured.seconds)
                rss.append(measured.peak_rss_mb)
        print()
        print(f"vidlint           {describe(ours_times)}  peak RSS {median(ours_rss):.0f} MB")
        print(f"check-jsonschema  {describe(theirs_times)}  peak RSS {median(theirs_rss):.0f} MB")
        baseline = run_python_baseline(env, args.runs // 2 or 1)
        print(f"python -c pass    {describe(baseline)}  (the interpreter alone, for scale)")
        ratio = median(ours_times) / median(theirs_times)
        verdict = "meets" if ratio <= TARGET else "MISSES"
        print()
        print(f"ratio vidlint / check-jsonschema = {ratio:.2f}  (target <= {TARGET}: {verdict} it)")
    return 0


def run_python_baseline(env: dict[str, str], runs: int) -> list[float]:
    return [run_measured([sys.executable, "-c", "pass"], env).seconds for _ in range(runs)]


if __name__ == "__main__":
    sys.exit(main())
