"""Target 6 (issue 12): the first run of the default scenario on an empty Numba cache.

Runs ``socsim run default --replications 1`` as a user would, in a fresh process whose
``NUMBA_CACHE_DIR`` is an empty folder (so every kernel the run calls is compiled), and
then once more on the cache that run filled. Wall and CPU seconds of each (CPU is the
steadier figure on a shared machine: compiling is single-threaded). The compiled
functions are listed (the cache files written): only what the run calls. The cold run
must say it is compiling (one line on stderr), the warm one must not.

A third, separate cold run (in-process, Numba's compile events recorded) breaks the
compile time down per function (CPU seconds excluding nested compiles, the share spent
in LLVM, and the process's CPU outside compiling), so the next saving can be aimed.

Target: ≤ 8 s for the cold run. Writes ``results/coldstart.json``.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.record import show, target, write

ROOT = Path(__file__).resolve().parents[1]
NOTICE = "compiling kernels once"


def _env(cache: Path) -> dict:
    return {**os.environ, "NUMBA_CACHE_DIR": str(cache), "NUMBA_NUM_THREADS": "1"}


def _timed_run(cache: Path, out: Path) -> dict:
    # not --quiet: the compile notice is an INFO line (the progress bar of one run costs nothing)
    cmd = [sys.executable, "-m", "simulation", "run", "default", "--replications", "1", "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(cache), cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"socsim run failed:\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "notice": NOTICE in proc.stderr}


def compile_breakdown(out: str) -> dict:
    """Run ``socsim run default --replications 1`` in this process (meant for a fresh one on an empty
    cache) recording Numba's compile events: CPU seconds per compiled function (nested compiles
    excluded), in LLVM, and in all."""
    from numba.core import event

    rows: list[tuple[str, float]] = []
    llvm = [0.0, 0, 0.0]  # seconds, depth, start

    class Compiles(event.Listener):
        def __init__(self):
            self.stack: list[list[float]] = []

        def on_start(self, ev):
            self.stack.append([time.process_time(), 0.0])

        def on_end(self, ev):
            t0, nested = self.stack.pop()
            spent = time.process_time() - t0
            if self.stack:
                self.stack[-1][1] += spent
            f = ev.data["dispatcher"].py_func
            rows.append((f"{f.__module__}.{f.__qualname__}", spent - nested))

    class Llvm(event.Listener):
        def on_start(self, ev):
            if llvm[1] == 0:
                llvm[2] = time.process_time()
            llvm[1] += 1

        def on_end(self, ev):
            llvm[1] -= 1
            if llvm[1] == 0:
                llvm[0] += time.process_time() - llvm[2]

    event.register("numba:compile", Compiles())
    event.register("numba:llvm_lock", Llvm())
    t0 = time.process_time()
    from simulation.cli import main

    if main(["run", "default", "--replications", "1", "--out", out, "--quiet"]) != 0:
        raise RuntimeError("socsim run failed")
    total = time.process_time() - t0
    per: dict[str, float] = {}
    for name, s in rows:
        per[name] = per.get(name, 0.0) + s
    compile_s = sum(per.values())
    return {"process_cpu_s": total, "compile_cpu_s": compile_s, "llvm_cpu_s": llvm[0],
            "outside_compile_cpu_s": total - compile_s, "compiles": len(rows),
            "per_function_cpu_s": dict(sorted(per.items(), key=lambda kv: -kv[1]))}


def _breakdown(tmp: Path) -> dict:
    cache = tmp / "numba-cache-breakdown"
    cache.mkdir()
    code = f"import json, benchmarks.bench_coldstart as b; print(json.dumps(b.compile_breakdown({str(tmp / 'bd')!r})))"
    proc = subprocess.run([sys.executable, "-c", code], env=_env(cache), cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"compile breakdown failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> dict:
    """Measure, print the target and write ``benchmarks/results/coldstart.json``."""
    with tempfile.TemporaryDirectory(prefix="socsim-cold-") as tmp:
        cache = Path(tmp) / "numba-cache"
        cache.mkdir()
        cold = _timed_run(cache, Path(tmp) / "cold")
        compiled = sorted(p.name.split("-")[0] for p in cache.rglob("*.nbi"))
        warm = _timed_run(cache, Path(tmp) / "warm")
        breakdown = _breakdown(Path(tmp))
    print(f"  cold: {cold['wall_s']:.2f} s wall, {cold['cpu_s']:.2f} s CPU; warm cache: {warm['wall_s']:.2f} s wall, "
          f"{warm['cpu_s']:.2f} s CPU", flush=True)
    print(f"  compile notice: cold run {'yes' if cold['notice'] else 'NO'}, warm run {'yes' if warm['notice'] else 'no'}")
    print(f"  compiled ({len(compiled)}): {', '.join(compiled)}")
    top = ", ".join(f"{k.removeprefix('simulation.')} {v:.2f}" for k, v in list(breakdown["per_function_cpu_s"].items())[:8])
    print(f"  in-process cold run: {breakdown['process_cpu_s']:.2f} s CPU, compiling {breakdown['compile_cpu_s']:.2f} s "
          f"(LLVM {breakdown['llvm_cpu_s']:.2f} s); largest: {top}")
    rows = [target(6, "first run of the default scenario, empty cache (wall)", cold["wall_s"], "s", 8, "<="),
            target(6, "  the same, CPU", cold["cpu_s"], "s", 8, "<=")]
    show(rows)
    write("coldstart", {"command": "socsim run default --replications 1 (NUMBA_CACHE_DIR empty)",
                        "cold": cold, "warm_cache": warm, "compiled": compiled, "breakdown": breakdown,
                        "targets": rows})
    return {"targets": rows}


if __name__ == "__main__":
    main()
