"""``vidlint probe FILE...``: show what vidlint sees in media files."""

from __future__ import annotations

import argparse
import json
from typing import Any

USAGE = "[OPTIONS] FILES ..."
DESCRIPTION = """Print the kind, container, codec, size, duration and transparency vidlint reads from
each media FILE's bytes (never from its extension).

Exit status: 0 when every file was read, 1 when any could not be.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILES", help=argparse.SUPPRESS)
    parser.add_argument("--format", dest="output_format", choices=["text", "json"], default="text",
                        help="Output format. [default: text]")
    parser.add_argument("--no-cache", action="store_true",
                        help="Probe every file again instead of using the probe cache.")


def run(args: argparse.Namespace) -> int:
    from vidlint.probe import STATS, ProbeCache

    cache = ProbeCache(enabled=not args.no_cache)
    results = [(name, cache.probe(name)) for name in args.files]
    cache.flush()
    if args.output_format == "json":
        payload: dict[str, Any] = {
            "files": [{"path": name, **result.to_json()} for name, result in results],
            "probes": STATS.to_json(),
        }
        print(json.dumps(payload, indent=2))
    else:
        for index, (name, result) in enumerate(results):
            if index:
                print()
            print(_text_block(name, result))
    return 1 if any(not result.ok for _, result in results) else 0


def _text_block(name: str, p: Any) -> str:
    rows: list[tuple[str, str]] = []
    if p.error:
        rows.append(("error", p.error))
    if p.kind != "unknown" or p.format:
        rows.append(("kind", p.kind))
        rows.append(("container", p.format or "?"))
    if p.codec:
        rows.append(("codec", p.codec))
    if p.width is not None and p.height is not None:
        size = f"{p.width}x{p.height}"
        if p.rotation:
            size += f" (stored {p.stored_width}x{p.stored_height}, rotation {p.rotation}°)"
        rows.append(("dimensions", size))
    if p.fps is not None:
        rows.append(("frame rate", f"{p.fps:g} fps"))
    if p.duration is not None:
        rows.append(("duration", f"{p.duration:g} s"))
    if p.size is not None:
        rows.append(("size", f"{p.size:,} bytes"))
    if p.has_alpha is not None:
        rows.append(("alpha", f"yes, {p.alpha_source}" if p.has_alpha else "no"))
    if p.has_audio is not None and p.kind == "video":
        rows.append(("audio", f"yes, {p.audio_codec}" if p.has_audio and p.audio_codec else "yes" if p.has_audio else "no"))
    if p.truncated:
        rows.append(("truncated", "yes: the file ends before its headers say it should"))
    for note in p.notes:
        rows.append(("note", note))
    return name + "\n" + "\n".join(f"  {label:<11}{value}" for label, value in rows)
