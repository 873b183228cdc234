"""Peak memory: ``vidlint lint`` on one request with a 1, 10 and 50 MB prompt (plain letters, and
text full of escapes), and on a 100,000-record JSON Lines batch.

Each run is a fresh process; the peak is its own high-water mark (VmHWM, sampled every 50 ms
while it runs: Linux carries ru_maxrss across exec, so a child's would start at the size of the
process that started it). The bound (issue 13): peak resident
memory under 10x the input size plus a constant, the constant being the peak of a small
request with findings (the interpreter, the schemas, the rules, jsonschema).

    python bench/memory.py [--sizes 1,10,50] [--records 100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, environment, print_header, run_measured, vidlint_command  # noqa: E402

FACTOR = 10


def _prompt_request(folder: Path, megabytes: int, escaped: bool) -> Path:
    """Written in 64 KiB pieces: this process must stay small, since a child's peak RSS counts
    what it inherited from its parent before ``exec``."""
    unit = 'caf\\u00e9 \\"x\\"\\n ' if escaped else "a quiet street at dawn "
    piece = unit * (65536 // len(unit))
    path = folder / f"prompt-{megabytes}mb{'-escaped' if escaped else ''}.json"
    with path.open("w") as out:
        out.write('{"model": "wan2.7-text-to-video", "duration": 5, "prompt": "')
        for _ in range(megabytes * 1024 * 1024 // len(piece)):
            out.write(piece)
        out.write('"}\n')
    return path


def _batch(folder: Path, records: int) -> Path:
    path = folder / f"batch-{records}.jsonl"
    with path.open("w") as out:
        for number in range(records):
            request = {"model": "wan2.7-text-to-video", "prompt": f"shot {number}: a fox crosses the road",
                       "duration": 5 + number % 12}
            out.write(json.dumps(request) + "\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10,50", help="prompt sizes in MB, comma separated")
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    print_header("peak memory of vidlint lint", "python bench/memory.py")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = environment(cache_dir=folder / "cache")
        # The constant: vidlint with everything a finding loads (jsonschema for the messages).
        baseline = run_measured(vidlint_command("lint", str(REPO / "examples/broken/limits.json")), env, sample_tree=True)
        constant = baseline.peak_rss_mb
        print(f"constant (one small request with findings): {constant:.0f} MB peak RSS")
        print(f"{'input':<34} {'size MB':>8} {'peak MB':>8} {'bound MB':>9} {'x size':>7}  result")
        inputs = [_prompt_request(folder, int(size), escaped) for size in args.sizes.split(",")
                  for escaped in (False, True)]
        inputs.append(_batch(folder, args.records))
        for path in inputs:
            size_mb = path.stat().st_size / (1024 * 1024)
            measured = run_measured(vidlint_command("lint", str(path)), env, sample_tree=True)
            bound = FACTOR * size_mb + constant
            ok = measured.peak_rss_mb <= bound and measured.code in (0, 1)
            failed |= not ok
            growth = (measured.peak_rss_mb - constant) / size_mb
            print(f"{path.name:<34} {size_mb:8.1f} {measured.peak_rss_mb:8.0f} {bound:9.0f} {growth:7.1f}  "
                  f"{'ok' if ok else 'OVER'} (exit {measured.code})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
