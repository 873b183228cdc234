"""Benchmark: what `vidlint lint --online` fetches to probe a ~100 MB MP4, moov at start and at end.

Serves the files from a local HTTP server (127.0.0.1) and prints, per layout, the bytes
transferred as a share of the asset, the request count and the probe time. The MP4 is made
once in a temporary directory: with ffmpeg when it is installed (a real 1080p H.264 encode),
otherwise by padding the mdat box of a committed fixture (no ffmpeg needed).

    python bench/bench_online.py [--size-mb 100] [--source ffmpeg|pad]

Exit status 1 if any layout needs 1% of the asset or more, or probes differently from the
local file.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from media_server import MediaServer, pad_mp4  # noqa: E402

from vidlint.probe import probe_path  # noqa: E402
from vidlint.check.online import probe_remote  # noqa: E402
from vidlint.remote import FetchOptions, GuardPolicy, RemoteOptions  # noqa: E402

MiB = 1024 * 1024


def make_with_ffmpeg(directory: Path, size_mb: int) -> tuple[Path, Path]:
    # Lossless 1080p testsrc2 is ~4.3 MB per second of video at 30 fps.
    seconds = max(2, round(size_mb / 4.3))
    end = directory / "moov-at-end.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30",
                    "-f", "lavfi", "-i", "sine=f=440", "-t", str(seconds), "-c:v", "libx264", "-preset",
                    "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(end)], check=True)
    start = directory / "moov-at-start.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(end), "-c", "copy", "-movflags", "+faststart", str(start)],
                   check=True)
    return start, end


def make_by_padding(directory: Path, size_mb: int) -> tuple[Path, Path]:
    fixtures = REPO / "fixtures" / "remote"
    return (pad_mp4(fixtures / "clip-start.mp4", directory / "moov-at-start.mp4", size_mb * MiB),
            pad_mp4(fixtures / "clip-end.mp4", directory / "moov-at-end.mp4", size_mb * MiB))


def versions(source: str) -> str:
    import httpx
    import PIL
    import pymediainfo

    from vidlint import __version__

    lib = pymediainfo.MediaInfo._get_library()[2]  # noqa: SLF001 - the bundled libmediainfo version
    parts = [f"python {platform.python_version()}", f"vidlint {__version__}", f"httpx {httpx.__version__}",
             f"pymediainfo {pymediainfo.__version__} (libmediainfo {lib})", f"Pillow {PIL.__version__}"]
    if source == "ffmpeg":
        first = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.splitlines()[0]
        parts.append(" ".join(first.split()[:3]))
    return ", ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--source", choices=["ffmpeg", "pad"], default="ffmpeg" if shutil.which("ffmpeg") else "pad")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vidlint-bench-") as tmp:
        made = time.perf_counter()
        maker = make_with_ffmpeg if args.source == "ffmpeg" else make_by_padding
        start, end = maker(Path(tmp), args.size_mb)
        made = time.perf_counter() - made
        options = RemoteOptions(fetch=FetchOptions(policy=GuardPolicy(allow_private=True)), use_cache=False)
        print(f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs")
        print(f"versions: {versions(args.source)}")
        print(f"assets: made by {args.source} in {made:.1f} s; block size {options.block_size // 1024} KiB")
        print(f"{'layout':<16}{'server':<10}{'asset bytes':>14}{'transferred':>13}{'share':>9}{'requests':>10}{'probe s':>9}  result")
        worst = 0.0
        mismatches = 0
        with MediaServer() as server:
            for layout, path in (("moov at start", start), ("moov at end", end)):
                server.add(path.name, path)
                for route in ("range", "norange"):
                    began = time.perf_counter()
                    probe, problems, stats = probe_remote(server.url(route, path.name), options)
                    elapsed = time.perf_counter() - began
                    size = path.stat().st_size
                    share = stats.bytes_transferred / size
                    if route == "range":
                        worst = max(worst, share)
                    if probe is not None and probe.ok:
                        same = probe.to_json() == probe_path(path).to_json()
                        mismatches += not same
                        result = (f"{probe.format} {probe.codec} {probe.width}x{probe.height} {probe.duration} s"
                                  f" ({'same as' if same else 'DIFFERS from'} the local probe)")
                    else:
                        result = "; ".join(f"{d.code} {d.message}" for d in problems)
                    print(f"{layout:<16}{'Range' if route == 'range' else 'no Range':<10}{size:>14,}"
                          f"{stats.bytes_transferred:>13,}{share:>9.3%}{stats.requests:>10}{elapsed:>9.2f}  {result}")
        print(f"target: under 1% of the asset with Range support; worst {worst:.3%} -> {'OK' if worst < 0.01 else 'MISSED'}")
        print(f"rerun: python bench/bench_online.py --size-mb {args.size_mb} --source {args.source}")
        return 0 if worst < 0.01 and not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
