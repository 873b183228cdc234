"""``vidlint models``: the models vidlint knows, with the summary from each schema's ``x-vidlint``."""

from __future__ import annotations

import argparse

USAGE = "[OPTIONS]"
DESCRIPTION = "List the models vidlint knows (name and summary)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", dest="as_json", action="store_true", help="Print the models as JSON.")


def run(args: argparse.Namespace) -> int:
    from vidlint.models import known_models, load_profile

    rows = []
    for name in known_models():
        profile = load_profile(name)
        summary = profile.meta.get("summary", "") if profile is not None else ""
        rows.append((name, summary if isinstance(summary, str) else ""))
    if args.as_json:
        import json

        print(json.dumps([{"model": n, "summary": s} for n, s in rows], ensure_ascii=False, indent=2))
        return 0
    width = max((len(n) for n, _ in rows), default=0)
    for name, summary in rows:
        print(f"{name:<{width}}  {summary}".rstrip())
    return 0
