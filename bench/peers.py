"""The two in-Python peers of ``throughput.py``, each run as a fresh process like the others:

    python bench/peers.py floor [--jsonl] FILE...            read + json.loads, nothing else
    python bench/peers.py jsonschema-rs SCHEMA [--jsonl] FILE...  validate with jsonschema-rs

Both print one line per problem (unparsable JSON, each schema error) and exit 1 when there was one.
"""

from __future__ import annotations

import json
import sys


def documents(paths: list[str], jsonl: bool):  # type: ignore[no-untyped-def]
    """(name, parsed value or None when unparsable) for each file, or each line of each batch."""
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        if not jsonl:
            try:
                yield path, json.loads(data)
            except ValueError:
                yield path, None
            continue
        for number, line in enumerate(data.splitlines(), 1):
            if line.strip():
                try:
                    yield f"{path}:{number}", json.loads(line)
                except ValueError:
                    yield f"{path}:{number}", None


def main(argv: list[str]) -> int:
    mode, args = argv[0], argv[1:]
    validator = None
    if mode == "jsonschema-rs":
        import jsonschema_rs

        with open(args.pop(0), "rb") as handle:
            validator = jsonschema_rs.validator_for(json.loads(handle.read()))
    jsonl = args[:1] == ["--jsonl"]
    paths = args[1:] if jsonl else args
    out, problems = [], 0
    for name, value in documents(paths, jsonl):
        if value is None:
            problems += 1
            out.append(f"{name}: not JSON")
        elif validator is not None:
            for error in validator.iter_errors(value):
                problems += 1
                out.append(f"{name}: {error.message}")
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))
    print(f"{problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
