"""Media: lint requests that reference 200 mixed local assets, cold probe cache versus warm.

The assets are generated here with ffmpeg (a benchmark-time tool; vidlint itself never needs
it): images (png, jpeg, webp, bmp), videos (mp4 with the moov atom at the start, mp4 with it
at the end, mov) and voice clips (wav, mp3). ``--distinct`` of them are encoded; the rest are
byte copies under other names (a copy is a different path, so it is probed and cached on its
own, at the same cost). 40 request files reference them, 5 assets each.

A cold run starts with an empty probe cache (the compiled-schema cache is kept: it is not
what is measured); a warm run follows over the unchanged assets. Both are fresh processes of
``vidlint lint --format json``; the probe counts in the JSON summary are checked. Then every
asset is probed once in this process, without the cache, to give the cost of one probe by kind.

    python bench/media.py [--rounds 3] [--distinct 50]

Target (issue 8): a warm run under 10% of a cold one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SRC, environment, median, print_header, run_measured, vidlint_command  # noqa: E402

TARGET = 0.10
MODEL = "wan2.7-reference-video"
# kind label -> (share of the 200, file suffix, ffmpeg arguments for variant i)
KINDS: dict[str, tuple[int, str]] = {
    "image/png": (20, ".png"), "image/jpeg": (20, ".jpg"), "image/webp": (20, ".webp"), "image/bmp": (20, ".bmp"),
    "video/mp4 moov at start": (30, ".mp4"), "video/mp4 moov at end": (30, ".mp4"), "video/mov": (20, ".mov"),
    "audio/wav": (20, ".wav"), "audio/mp3": (20, ".mp3"),
}


def ffmpeg_args(kind: str, i: int, out: Path) -> list[str]:
    # Sizes and lengths like real reference material: 640x360..1280x720 pictures and 24 fps
    # clips of 2..9 s (what the probe reads grows with the number of frames), 2..9 s voices.
    width, height = 640 + 32 * (i % 21), 360 + 18 * (i % 21)
    seconds = 2 + i % 8
    picture = ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=1", "-frames:v", "1"]
    movie = ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=24:duration={seconds}",
             "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
             "-c:v", "libx264", "-preset", "ultrafast", "-crf", "35", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]
    tone = ["-f", "lavfi", "-i", f"sine=frequency={220 + 20 * i}:duration={seconds}"]
    args = {
        "image/png": picture + ["-pix_fmt", "rgb24"],
        "image/jpeg": picture,
        "image/webp": picture + ["-c:v", "libwebp", "-quality", "70"],
        "image/bmp": picture,
        "video/mp4 moov at start": movie + ["-movflags", "+faststart"],
        "video/mp4 moov at end": movie,
        "video/mov": movie,
        "audio/wav": tone,
        "audio/mp3": tone + ["-c:a", "libmp3lame", "-b:a", "64k"],
    }[kind]
    return ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args, str(out)]


def make_assets(folder: Path, distinct_total: int) -> dict[str, list[Path]]:
    """200 assets by kind; about ``distinct_total`` of them encoded, the others copies."""
    folder.mkdir(parents=True, exist_ok=True)
    assets: dict[str, list[Path]] = {}
    for kind, (count, suffix) in KINDS.items():
        distinct = max(1, round(distinct_total * count / 200))
        slug = kind.replace("/", "-").replace(" ", "-")
        made: list[Path] = []
        for i in range(count):
            path = folder / f"{slug}-{i:03d}{suffix}"
            if i < distinct:
                subprocess.run(ffmpeg_args(kind, i, path), check=True)
            else:
                shutil.copyfile(made[i % distinct], path)
            made.append(path)
        assets[kind] = made
    return assets


def write_requests(folder: Path, assets: dict[str, list[Path]]) -> int:
    images = [p for k, paths in assets.items() if k.startswith("image/") for p in paths]
    videos = [p for k, paths in assets.items() if k.startswith("video/") for p in paths]
    audio = [p for k, paths in assets.items() if k.startswith("audio/") for p in paths]
    folder.mkdir(parents=True, exist_ok=True)
    count = len(audio)
    for n in range(count):
        request = {
            "model": MODEL,
            "prompt": "Image 1 and Image 2 meet Video 1 and Video 2",
            "image_urls": [str(images[2 * n]), str(images[2 * n + 1])],
            "video_urls": [str(videos[2 * n]), str(videos[2 * n + 1])],
            "audio_urls": [str(audio[n])],
            "duration": 5,
        }
        (folder / f"request-{n:03d}.json").write_text(json.dumps(request, indent=2))
    return count


def cache_hit_cost(assets: dict[str, list[Path]], cache: Path) -> None:
    """In this process: a probe-cache hit versus a probe, per asset, leaving process start-up out."""
    sys.path.insert(0, str(SRC))
    from vidlint.probe.cache import ProbeCache
    from vidlint.probe.core import probe_path

    paths = [p for group in assets.values() for p in group]
    for path in paths[:3]:
        probe_path(path)  # load Pillow and libmediainfo first: they are not what is compared
    start = time.perf_counter()
    for path in paths:
        probe_path(path)
    probing = time.perf_counter() - start
    warm_cache = ProbeCache(cache)
    start = time.perf_counter()
    for path in paths:
        warm_cache.probe(path)
    hits = time.perf_counter() - start
    print(f"in process, {len(paths)} assets: probing {probing * 1000:.1f} ms, from the warm cache {hits * 1000:.1f} ms "
          f"= {hits / probing:.3f} of probing (target < {TARGET}: {'meets' if hits / probing < TARGET else 'MISSES'} it)")


def probe_costs(assets: dict[str, list[Path]]) -> None:
    sys.path.insert(0, str(SRC))
    from vidlint.probe.core import probe_path

    print("one probe, by kind (in process, no cache; first probe of a kind loads Pillow / libmediainfo):")
    for kind, paths in assets.items():
        times = []
        failures = 0
        for path in paths:
            start = time.perf_counter()
            probe = probe_path(path)
            times.append(time.perf_counter() - start)
            failures += probe.failure is not None
        print(f"  {kind:26s} median {statistics.median(times) * 1000:6.2f} ms  mean {statistics.mean(times) * 1000:6.2f} ms"
              f"  first {times[0] * 1000:7.2f} ms  n={len(times)}  size {paths[0].stat().st_size:>7,} B"
              + (f"  FAILED {failures}" if failures else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--distinct", type=int, default=50, help="how many of the 200 assets ffmpeg encodes")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        print("ffmpeg is needed to generate the media for this benchmark")
        return 2
    print_header("media: 200 local assets, cold probe cache versus warm",
                 f"python bench/media.py --rounds {args.rounds} --distinct {args.distinct}", ("pymediainfo", "pillow"))
    with tempfile.TemporaryDirectory(prefix="vidlint-bench-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        assets = make_assets(root / "media", args.distinct)
        requests = write_requests(root / "requests", assets)
        total = sum(len(p) for p in assets.values())
        print(f"generated {total} assets ({args.distinct} encoded by ffmpeg, the rest copies) and {requests} requests "
              f"in {time.perf_counter() - start:.1f} s")
        cache = root / "cache"
        env = environment(cache)
        command = vidlint_command("lint", "--format", "json", "-q", str(root / "requests"))
        print(f"command: VIDLINT_CACHE_DIR=<cache> PYTHONPATH=src python -m vidlint lint --format json -q <requests>")
        run_measured(vidlint_command("lint", str(root / "requests" / "request-000.json"), "--no-cache"), env)  # schema cache
        cold: list[float] = []
        warm: list[float] = []
        for _ in range(args.rounds):
            shutil.rmtree(cache / "probes", ignore_errors=True)
            for times, expected in ((cold, {"performed": total, "cached": 0}), (warm, {"performed": 0, "cached": total})):
                measured = run_measured(command, env)
                probes = json.loads(measured.stdout)["summary"].get("probes")
                if probes != expected:
                    print(f"unexpected probe counts {probes}, expected {expected}")
                    return 2
                times.append(measured.seconds)
        print()
        print(f"cold cache: median {median(cold):.3f} s  (min {min(cold):.3f}, max {max(cold):.3f}; {total} probes each)")
        print(f"warm cache: median {median(warm):.3f} s  (min {min(warm):.3f}, max {max(warm):.3f}; {total} cache hits each)")
        floor = [run_measured(vidlint_command("--version"), env).seconds for _ in range(args.rounds * 2)]
        interpreter = [run_measured([sys.executable, "-c", "pass"], env).seconds for _ in range(args.rounds * 2)]
        print(f"vidlint --version (start-up alone, the floor of any run): median {median(floor):.3f} s; "
              f"python -c pass: median {median(interpreter):.3f} s")
        ratio = median(warm) / median(cold)
        print(f"warm / cold = {ratio:.3f} end to end  (target < {TARGET}: {'meets' if ratio < TARGET else 'MISSES'} it); "
              f"without start-up: {(median(warm) - median(floor)) / (median(cold) - median(floor)):.3f}")
        cache_hit_cost(assets, cache)
        print()
        probe_costs(assets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
