"""Target 6 (issue 12): the first run of the default scenario on an empty Numba cache.

Runs ``socsim run default --replications 1`` as a user would, in a fresh process whose
``NUMBA_CACHE_DIR`` is an empty folder (so every kernel the run calls is compiled), and
then once more on the cache that run filled. Wall and CPU seconds of each (CPU is the
steadier figure on a shared machine: compiling is single-threaded). The compiled
functions are listed (the cache files written): only what the run calls.

Target: ≤ 8 s for the cold run. Writes ``results/coldstart.json``.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.record import show, target, write

ROOT = Path(__file__).resolve().parents[1]


def _timed_run(cache: Path, out: Path) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "NUMBA_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "simulation", "run", "default", "--replications", "1", "--out", str(out), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"socsim run failed:\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu}


def main() -> dict:
    """Measure, print the target and write ``benchmarks/results/coldstart.json``."""
    with tempfile.TemporaryDirectory(prefix="socsim-cold-") as tmp:
        cache = Path(tmp) / "numba-cache"
        cache.mkdir()
        cold = _timed_run(cache, Path(tmp) / "cold")
        compiled = sorted(p.name.split("-")[0] for p in cache.rglob("*.nbi"))
        warm = _timed_run(cache, Path(tmp) / "warm")
    print(f"  cold: {cold['wall_s']:.2f} s wall, {cold['cpu_s']:.2f} s CPU; warm cache: {warm['wall_s']:.2f} s wall, "
          f"{warm['cpu_s']:.2f} s CPU", flush=True)
    print(f"  compiled ({len(compiled)}): {', '.join(compiled)}")
    rows = [target(6, "first run of the default scenario, empty cache (wall)", cold["wall_s"], "s", 8, "<="),
            target(6, "  the same, CPU", cold["cpu_s"], "s", 8, "<=")]
    show(rows)
    write("coldstart", {"command": "socsim run default --replications 1 (NUMBA_CACHE_DIR empty)",
                        "cold": cold, "warm_cache": warm, "compiled": compiled, "targets": rows})
    return {"targets": rows}


if __name__ == "__main__":
    main()
