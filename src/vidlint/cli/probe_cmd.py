"""``vidlint probe FILE...``: show what vidlint sees in media files."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from vidlint.cli.base import VidlintCommand
from vidlint.core.wording import number

DESCRIPTION = """Print the kind, container, codec, size, duration and transparency vidlint reads from
each media FILE's bytes (never from its extension).

Exit status: 0 when every file was read as media, 1 when any could not be, 2 when a file does not exist.
"""


@click.command("probe", cls=VidlintCommand, help=DESCRIPTION)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="Output format. [default: text]")
@click.option("--no-cache", is_flag=True, help="Probe every file again instead of using the probe cache.")
def command(files: tuple[str, ...], output_format: str, no_cache: bool) -> int:
    from vidlint.probe import STATS, ProbeCache

    missing = [name for name in files if not os.path.lexists(name)]
    cache = ProbeCache(enabled=not no_cache)
    results = [(name, cache.probe(name)) for name in files if name not in missing]
    cache.flush()
    if output_format == "json":
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
    for name in missing:  # as lint says it: a path that names nothing is exit 2
        print(f"vidlint: {name}: no such file", file=sys.stderr)
    if missing:
        return 2
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
        rows.append(("size", f"{number(p.size)} bytes"))
    if p.has_alpha is not None:
        rows.append(("alpha", f"yes, {p.alpha_source}" if p.has_alpha else "no"))
    if p.has_audio is not None and p.kind == "video":
        rows.append(("audio", f"yes, {p.audio_codec}" if p.has_audio and p.audio_codec else "yes" if p.has_audio else "no"))
    if p.truncated:
        rows.append(("truncated", "yes: the file ends before its headers say it should"))
    for note in p.notes:
        rows.append(("note", note))
    return name + "\n" + "\n".join(f"  {label:<11}{value}" for label, value in rows)
