"""Target 5 (issue 12): a 360-run quick-sized sweep end to end, 1 vs 2 workers, Dask vs the pool.

Runs ``socsim sweep experiments/quick.toml --set sweep.replications=40`` (5,000 people,
60 days, 9 design points × 40 = 360 runs, chunks of 20) as a user would: a fresh
process each time, so start-up (imports, the fork server or LocalCluster, loading the
compiled kernels), the runs, writing the parts and the merge are all in the wall time.
The three engines alternate ``ROUNDS`` times; each figure is the best of its rounds.
The local pool's fork server starts before the experiment is loaded and warms a
miniature of its scenarios before forking; Dask workers warm up in a worker preload
(``simulation.runner.dask_preload``) while the sweep's own process runs chunks. With two
workers the last chunks are smaller (``plan.chunk_runs``: 15 tasks of 20 runs, then 15, 12, 9,
6, 5, 5, 5 and 3), so ``--chunk-size`` is the largest task; no process imports pandas; the
merge takes the parts from memory. This is the command a user types (``python -m
simulation`` is ``socsim``), so it measures the CLI's early start of the fork server too.

Besides the speed-ups (which need a quiet machine), each sweep records its timeline
(``SOCSIM_SWEEP_TIMELINE``, ``simulation.runner.timeline``) and the benchmark reports
its serial seconds, which other load on the machine disturbs far less: the wall time
from launch to the first run starting (and to a second process's first run), the
sweep's own CPU seconds before its first run, and the wall time from the last run
ending to the process's exit (merge, writing, closing workers, interpreter exit).

Targets: 2 workers ≥ 1.7× one worker; Dask LocalCluster ≥ 0.8× the local pool (within
20 %). Writes ``results/runner.json``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.record import show, target, write

ROOT = Path(__file__).resolve().parents[1]
REPLICATIONS = int(os.environ.get("SOCSIM_BENCH_RUNNER_REPS", "40"))
CHUNK = int(os.environ.get("SOCSIM_BENCH_RUNNER_CHUNK", "20"))
ROUNDS = int(os.environ.get("SOCSIM_BENCH_RUNNER_ROUNDS", "2"))
ENGINES = [("local, 1 worker (in-process)", "local", 1), ("local pool, 2 workers", "local", 2),
           ("dask LocalCluster, 2 workers", "dask", 2)]


def serial_seconds(events: list[dict], launched: float, ended: float) -> dict:
    """The serial parts of one sweep from its timeline (``simulation.runner.timeline`` events).

    launched / ended: wall clock (``time.time()``) when the process was started / had exited.
    """
    parent = next(e["pid"] for e in events if e["event"] == "sweep start")
    starts = [e for e in events if e["event"] == "chunk start"]
    ends = [e for e in events if e["event"] == "chunk end"]
    own = [e for e in starts if e["pid"] == parent]
    helpers = [e for e in starts if e["pid"] != parent]
    exit_cpu = [e["cpu"] for e in events if e["event"] == "exit" and e["pid"] == parent]
    return {
        "launch_to_first_run_s": min(e["wall"] for e in starts) - launched,
        "launch_to_helper_first_run_s": (min(e["wall"] for e in helpers) - launched) if helpers else None,
        "parent_cpu_before_first_run_s": own[0]["cpu"] if own else None,
        "last_run_to_exit_s": ended - max(e["wall"] for e in ends),
        "parent_cpu_s": exit_cpu[-1] if exit_cpu else None,
        "chunks_in_parent": len(own),
    }


def sweep_wall(backend: str, workers: int) -> tuple[float, dict]:
    """Wall seconds of one ``socsim sweep`` of the benchmark experiment in a fresh process, and its serial parts."""
    from simulation.runner.timeline import TIMELINE, read

    out = Path(tempfile.mkdtemp(prefix="socsim-bench-runner-")) / "out"
    timeline = out.parent / "timeline.jsonl"
    cmd = [sys.executable, "-m", "simulation", "sweep", str(ROOT / "experiments" / "quick.toml"),
           "--set", f"sweep.replications={REPLICATIONS}", "--workers", str(workers), "--backend", backend,
           "--chunk-size", str(CHUNK), "--out", str(out), "--quiet"]
    try:
        launched = time.time()
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, TIMELINE: str(timeline)})
        wall = time.perf_counter() - t0
        ended = time.time()
        if proc.returncode != 0:
            raise RuntimeError(f"sweep failed ({backend}, {workers}):\n{proc.stderr[-3000:]}")
        serial = serial_seconds(read(timeline), launched, ended)
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    return wall, serial


def _best(serials: list[dict]) -> dict:
    """Per field, the smallest value over the rounds (None where a round had none)."""
    out = {}
    for k in serials[0]:
        values = [s[k] for s in serials if s[k] is not None]
        out[k] = min(values) if values else None
    return out


def main() -> dict:
    """Measure, print the targets and write ``benchmarks/results/runner.json``."""
    runs = 9 * REPLICATIONS
    print(f"runner: quick.toml x {REPLICATIONS} replications = {runs} runs, chunks of {CHUNK}, "
          f"{ROUNDS} alternating rounds, fresh process per sweep")
    sweep_wall("local", 1)  # fill Numba's cache: measure running, not compiling
    walls: dict[str, list[float]] = {label: [] for label, _, _ in ENGINES}
    serials: dict[str, list[dict]] = {label: [] for label, _, _ in ENGINES}
    for _ in range(ROUNDS):
        for label, backend, workers in ENGINES:
            wall, serial = sweep_wall(backend, workers)
            walls[label].append(wall)
            serials[label].append(serial)
            helper = serial["launch_to_helper_first_run_s"]
            serial["load_1min"] = os.getloadavg()[0]  # other work on the machine disturbs the speed-ups
            print(f"  {label:<30} {wall:6.2f} s   first run at {serial['launch_to_first_run_s']:.2f} s"
                  + (f", a worker's at {helper:.2f} s" if helper is not None else "")
                  + f", last run to exit {serial['last_run_to_exit_s']:.2f} s, "
                  f"sweep process CPU {serial['parent_cpu_s']:.2f} s, load {serial['load_1min']:.1f}", flush=True)
    best = {label: min(w) for label, w in walls.items()}
    one, pool, dask = (best[label] for label, _, _ in ENGINES)
    rows = [
        target(5, "sweep end to end: 2 workers / 1 worker (speed-up)", one / pool, "x", 1.7, ">="),
        target(5, "sweep end to end: Dask LocalCluster / local pool (speed)", pool / dask, "x", 0.8, ">="),
    ]
    show(rows)
    write("runner", {"experiment": "experiments/quick.toml", "replications": REPLICATIONS, "runs": runs,
                     "chunk_size": CHUNK, "rows": [{"engine": label, "backend": b, "workers": w, "wall_s": walls[label],
                                                    "end_to_end_runs_per_s": runs / best[label],
                                                    "serial_best": _best(serials[label]),
                                                    "serial_rounds": serials[label]}
                                                   for label, b, w in ENGINES],
                     "targets": rows})
    return {"targets": rows}


if __name__ == "__main__":
    main()
