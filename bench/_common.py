"""Shared by the benchmarks: the machine and versions, timing fresh processes, peak memory.

Every benchmark runs vidlint from this checkout's ``src`` (``python -m vidlint`` with
``PYTHONPATH``) and the peers from the same interpreter's ``bin`` directory, so both pay the
same interpreter start-up. Runs of the two sides are interleaved (A B A B ...) so that load
from other processes on the machine affects both alike; the load average is printed.
"""

from __future__ import annotations

import os
import platform
import shlex
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
BIN = Path(sys.executable).parent


def vidlint_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "vidlint", *args]


def peer(name: str) -> str:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else name


def environment(cache_dir: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIDLINT_")}
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if cache_dir is not None:
        env["VIDLINT_CACHE_DIR"] = str(cache_dir)
    env.update(extra)
    return env


def _version(module: str) -> str:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # noqa: BLE001
        return "?"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) // 1024} MB"
    except OSError:
        pass
    return "?"


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return out.stdout.strip() + (" (uncommitted changes)" if dirty else "")
    except OSError:
        return "?"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def compile_sources() -> str:
    """Byte-compile ``src`` as installing the package would. Where PYTHONDONTWRITEBYTECODE is
    set (as on the machine these figures come from), every run of an editable checkout would
    otherwise compile the modules without cached bytecode again, which no installed vidlint
    does; the peers, installed by pip, have their bytecode."""
    import compileall

    compileall.compile_dir(str(SRC), quiet=1)
    setting = os.environ.get("PYTHONDONTWRITEBYTECODE")
    return "src/ byte-compiled first" + (f" (PYTHONDONTWRITEBYTECODE={setting} here)" if setting else "")


def print_header(title: str, rerun: str, extra_versions: tuple[str, ...] = ()) -> None:
    bytecode = compile_sources()
    print(f"== {title}")
    print(f"machine:  {platform.system()} {platform.release()} {platform.machine()}, {_cpu_model()}, "
          f"{os.cpu_count()} CPUs, {_memory()} RAM; load average {load_average()}")
    versions = [f"python {platform.python_version()}", f"vidlint {_version('vidlint')} @ {_git_commit()}"]
    versions += [f"{name} {_version(name)}" for name in ("jsonschema", "fastjsonschema", *extra_versions)]
    print("versions: " + ", ".join(versions))
    print(f"bytecode: {bytecode}")
    print(f"rerun:    {rerun}")
    print(f"date:     {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
    print()


@dataclass
class Measured:
    seconds: float
    cpu_seconds: float  # user + system of the process tree
    peak_rss_mb: float  # the process's own peak RSS (sampled VmHWM; ru_maxrss unsampled)
    peak_tree_mb: float  # largest sampled sum of RSS over the process and its children
    code: int
    stdout: bytes
    peak_pss_mb: float = 0.0  # largest sampled sum of PSS (shared pages divided among the sharers)
    processes: int = 1  # most processes sampled at once in the tree (vidlint's workers show here)


def _tree_memory_kb(root: int) -> tuple[int, int, int]:
    """(RSS, PSS) of ``root`` and all its descendants (Linux /proc), in KiB (0 when it has exited),
    and how many processes that is.
    Summed RSS counts a page that forked workers share with their parent once per process; PSS
    divides each shared page among its sharers, so its sum is what the tree really takes."""
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    rss = pss = count = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                rss += int(handle.read().split()[1]) * page_kb
            count += 1
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                pss += next((int(line.split()[1]) for line in handle if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return rss, pss, count


def _high_water_kb(pid: int) -> int:
    """The peak resident memory of process ``pid`` so far (VmHWM, Linux), in KiB; 0 when unknown."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            return next((int(line.split()[1]) for line in handle if line.startswith("VmHWM:")), 0)
    except (OSError, ValueError):
        return 0


def run_measured(command: list[str], env: dict[str, str], cwd: Path | None = None,
                 sample_tree: bool = False) -> Measured:
    """Run one fresh process; wall time, CPU time and peak memory of it and its children."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak_tree = [0, 0, 1]  # summed RSS, summed PSS, processes
    stop = threading.Event()

    high_water = [0]  # the process's own peak RSS (VmHWM), read while it runs

    def sample() -> None:
        while not stop.wait(0.05):
            rss, pss, count = _tree_memory_kb(proc.pid)
            peak_tree[0], peak_tree[1] = max(peak_tree[0], rss), max(peak_tree[1], pss)
            peak_tree[2] = max(peak_tree[2], count)
            high_water[0] = max(high_water[0], _high_water_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True) if sample_tree and sys.platform.startswith("linux") else None
    if sampler:
        sampler.start()
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage (and its reaped workers')
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    stop.set()
    if sampler:
        sampler.join()
    cpu = usage.ru_utime + usage.ru_stime
    # Linux carries a process's ru_maxrss across exec, so a child's starts at this (larger)
    # process's; its own high-water mark, sampled while it ran, is the figure where there is one.
    peak = high_water[0] / 1024 if high_water[0] else usage.ru_maxrss / 1024  # KiB
    return Measured(elapsed, cpu, peak, max(peak_tree[0] / 1024, peak), proc.returncode, out,
                    peak_tree[1] / 1024 if peak_tree[1] else peak, peak_tree[2])


def median(values: list[float]) -> float:
    return statistics.median(values)


def describe(values: list[float]) -> str:
    ordered = sorted(values)
    return (f"median {statistics.median(ordered) * 1000:7.1f} ms  (min {ordered[0] * 1000:.1f}, "
            f"max {ordered[-1] * 1000:.1f}, n={len(ordered)})")


def quote(command: list[str]) -> str:
    return " ".join(shlex.quote(part) for part in command)


def available_cpus_text() -> str:
    sys.path.insert(0, str(SRC))
    from vidlint.parallel import available_cpus

    count = available_cpus()
    return f"{count} process{'es' if count > 1 else ''}"
