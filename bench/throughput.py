"""Throughput: 10,000 request files in one call, vidlint (schema + all request rules) versus
check-jsonschema (schema only) on the same files.

The files come from ``requests_corpus.py`` (deterministic; about a third broken in the
schema, a rule or the JSON itself). Both tools get the same explicit file list and print
their default text output. Each side runs ``--rounds`` times, alternating; medians compared.
vidlint runs twice per round: with its default worker processes (one per core for large
runs) and with ``VIDLINT_JOBS=1``, to show what the pool brings on this machine. Peak
memory: the largest single process (ru_maxrss) and the sampled sum over the process tree
(workers share the parent's pages after fork, so the sum overstates what is really used).

    python bench/throughput.py [--files 10000] [--rounds 3]

Targets (issue 8): vidlint at least 3x faster than check-jsonschema; peak memory under 200 MB.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (REPO, available_cpus_text, environment, median, peer, print_header,  # noqa: E402
                     run_measured, vidlint_command)
from requests_corpus import write_corpus  # noqa: E402

SPEEDUP_TARGET = 3.0
MEMORY_TARGET_MB = 200


def bundle_schema(path: Path) -> dict:
    """The model's schema with every ``$ref`` to a shared file's ``$defs`` inlined as a local
    ``$defs`` entry, so check-jsonschema resolves nothing outside the file (its fastest case)."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    defs: dict[str, object] = schema.setdefault("$defs", {})

    def rewrite(node: object, current: str | None) -> object:
        if isinstance(node, list):
            return [rewrite(item, current) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: rewrite(value, current) for key, value in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and "#/$defs/" in ref:
            target, _, name = ref.partition("#/$defs/")
            source = target or current
            if source:
                local = f"{source.replace('.json', '')}--{name}"
                if local not in defs:
                    defs[local] = {}
                    shared = json.loads((path.parent / source).read_text(encoding="utf-8"))
                    defs[local] = rewrite(shared["$defs"][name], source)
                out["$ref"] = f"#/$defs/{local}"
        return out

    return rewrite(schema, None)  # type: ignore[return-value]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print_header(f"throughput: {args.files} request files in one call",
                 f"python bench/throughput.py --files {args.files} --rounds {args.rounds}", ("check-jsonschema",))
    schema = str(REPO / "schemas" / "wan2.7-reference-video.json")
    with tempfile.TemporaryDirectory(prefix="vidlint-bench-") as tmp:
        folder = Path(tmp) / "requests"
        names = [p.name for p in write_corpus(folder, args.files)]
        env = environment(Path(tmp) / "cache")
        bundled = Path(tmp) / "bundled-schema.json"
        bundled.write_text(json.dumps(bundle_schema(Path(schema))))
        sides = {
            f"vidlint (default: {available_cpus_text()})": (vidlint_command("lint", *names), env),
            "vidlint VIDLINT_JOBS=1": (vidlint_command("lint", *names), {**env, "VIDLINT_JOBS": "1"}),
            "check-jsonschema": ([peer("check-jsonschema"), "--schemafile", schema, *names], env),
            "check-jsonschema, bundled schema": ([peer("check-jsonschema"), "--schemafile", str(bundled), *names], env),
        }
        print(f"corpus:   {args.files} files in a temporary folder, written by bench/requests_corpus.py")
        print(f"commands: PYTHONPATH=src python -m vidlint lint <files>; "
              f"check-jsonschema --schemafile schemas/wan2.7-reference-video.json <files>")
        run_measured(vidlint_command("lint", names[0]), env, cwd=folder)  # fill the compiled-schema cache
        results: dict[str, list] = {name: [] for name in sides}
        for _ in range(args.rounds):
            for name, (command, side_env) in sides.items():
                results[name].append(run_measured(command, side_env, cwd=folder, sample_tree=True))
        outputs = {name: runs[-1].stdout for name, runs in results.items()}
        print()
        for name, runs in results.items():
            codes = sorted({r.code for r in runs})
            print(f"{name:34s} wall median {median([r.seconds for r in runs]):6.2f} s  "
                  f"(min {min(r.seconds for r in runs):.2f})  CPU {median([r.cpu_seconds for r in runs]):5.2f} s  "
                  f"peak RSS {max(r.peak_rss_mb for r in runs):4.0f} MB (tree {max(r.peak_tree_mb for r in runs):4.0f} MB)  "
                  f"exit {codes}")
        ours_name = next(iter(sides))
        ours = median([r.seconds for r in results[ours_name]])
        single = median([r.seconds for r in results["vidlint VIDLINT_JOBS=1"]])
        theirs = median([r.seconds for r in results["check-jsonschema"]])
        same = outputs[ours_name] == outputs["vidlint VIDLINT_JOBS=1"]
        summary_line = next((line for line in outputs[ours_name].decode().splitlines() if line.startswith("Found ")), "?")
        print()
        print(f"vidlint said: {summary_line}")
        print(f"vidlint output with workers identical to one process: {same}")
        speedup = theirs / ours
        print(f"speed-up vs check-jsonschema: {speedup:.2f}x with workers, {theirs / single:.2f}x in one process "
              f"(target >= {SPEEDUP_TARGET}x: {'meets' if speedup >= SPEEDUP_TARGET else 'MISSES'} it)")
        best = median([r.seconds for r in results["check-jsonschema, bundled schema"]])
        print(f"speed-up vs check-jsonschema on the same schema bundled into one file (its relative $refs to "
              f"the shared file inlined): {best / ours:.2f}x with workers "
              f"({'meets' if best / ours >= SPEEDUP_TARGET else 'MISSES'} the target against that)")
        peak = max(r.peak_rss_mb for r in results[ours_name])
        tree = max(r.peak_tree_mb for r in results[ours_name])
        print(f"vidlint peak memory: {peak:.0f} MB per process, {tree:.0f} MB summed over the tree "
              f"(target < {MEMORY_TARGET_MB} MB: {'meets' if tree < MEMORY_TARGET_MB else 'MISSES'} it)")
        print(f"workers pay on this machine: {'yes' if ours < single * 0.9 else 'no'} "
              f"({single / ours:.2f}x over one process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
