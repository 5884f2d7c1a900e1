"""Target 1 (issue 12): small runs through the runner against an idiomatic Mesa 3 model.

Engine: the default scenario with all four operation models, 10,000 people × 90 days, as
one 40-replication design point through ``run_experiment`` with one worker (in this
process: set-up, runs and Parquet writing included), after a one-run warm-up so Numba's
cache is loaded. The figure is CPU seconds per run, amortised over the 40. Mesa:
``benchmarks.mesa_wom`` at 10,000 agents × 90 days (Barabási–Albert m = 5), CPU per run
including building the model. The two alternate, ``ROUNDS`` times, in this process.

Also recorded: the median CPU split of one run outside the runner (graph, engine set-up, day
loop, result, the paired counterfactual's set-up and days), which says where a run's time goes.

Targets: ≤ 5 ms CPU per run; ≥ 1,000× the Mesa model. Writes ``results/small.json``.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.record import show, target, write

ROOT = Path(__file__).resolve().parents[1]
N, DAYS, REPS = 10_000, 90, 40
ROUNDS = int(os.environ.get("SOCSIM_BENCH_SMALL_ROUNDS", "2"))


def _experiment(replications: int):
    from benchmarks.bench_model import ORIGINAL
    from simulation.config.experiment import load_experiment
    from simulation.operations import all_on

    # issue 12's workload: the four operation models it names (ALL_ON now holds every model)
    over = [f"replications={replications}", f"graph.n={N}", f"days={DAYS}"]
    over += [f"{k}={str(v).lower()}" for k, v in all_on(ORIGINAL).items()]
    return load_experiment(ROOT / "simulation" / "data" / "default.toml", over)


def engine_cpu_per_run(exp) -> float:
    """CPU seconds per run of ``exp`` through the runner with one worker."""
    from simulation.runner.sweep import run_experiment

    tmp = Path(tempfile.mkdtemp(prefix="socsim-bench-small-"))
    try:
        t0 = time.process_time()
        run_experiment(exp, tmp / "out", workers=1, progress=False)
        return (time.process_time() - t0) / exp.n_runs
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def mesa_cpu_per_run(seed: int) -> float:
    """CPU seconds of one Mesa run (model built and stepped 90 days)."""
    from benchmarks.mesa_wom import WordOfMouth

    t0 = time.process_time()
    model = WordOfMouth(N, m=5, seed=seed)
    for _ in range(DAYS):
        model.step()
    return time.process_time() - t0


def phases(runs: int = 10) -> dict[str, float]:
    """Median CPU milliseconds of each part of one run of the workload: its graph (built from the run's own
    seed, as each replication's is), engine set-up, day loop and result, then the paired counterfactual's
    set-up and day loop + result (the counterfactual uses the run's graph)."""
    import statistics

    from simulation import counterfactual as cf
    from simulation.engine import Engine
    from simulation.seeding import as_seed_sequence, substream

    sc = _experiment(1).base
    parts: dict[str, list[float]] = {k: [] for k in ("graph", "setup", "days", "result", "cf_setup",
                                                     "cf_days_result")}
    for r in range(runs + 1):
        t = [time.process_time()]
        graph = sc.graph.build(substream(as_seed_sequence(r), "graph"))
        t.append(time.process_time())
        eng = Engine(sc, r, graph=graph)
        t.append(time.process_time())
        eng.run()
        t.append(time.process_time())
        eng.result()
        t.append(time.process_time())
        base = Engine(cf.organic(sc), r, graph=graph, like=eng)
        t.append(time.process_time())
        base.run()
        base.result()
        t.append(time.process_time())
        if r:  # the first run warms the kernels
            for k, a, b in zip(parts, t, t[1:]):
                parts[k].append(b - a)
    return {k: statistics.median(v) * 1e3 for k, v in parts.items()}


def main() -> dict:
    """Measure, print the targets and write ``benchmarks/results/small.json``."""
    engine_cpu_per_run(_experiment(1))  # warm: load the kernels
    split = phases()
    print("  one run, CPU ms (median): " + ", ".join(f"{k} {v:.2f}" for k, v in split.items()),
          flush=True)
    exp = _experiment(REPS)
    engine, mesa = [], []
    for r in range(ROUNDS):
        engine.append(engine_cpu_per_run(exp))
        mesa.append(mesa_cpu_per_run(r))
        print(f"  round {r + 1}: engine {engine[-1] * 1e3:.1f} ms/run, Mesa {mesa[-1]:.2f} s/run", flush=True)
    e, m = min(engine), min(mesa)
    rows = [
        target(1, "engine CPU per run (10^4 x 90 d, 40 reps, 1 worker)", e * 1e3, "ms", 5, "<="),
        target(1, "Mesa 3 word-of-mouth / engine, per run", m / e, "x", 1000, ">="),
    ]
    show(rows)
    write("small", {"workload": {"n": N, "days": DAYS, "replications": REPS, "operations": "all four on",
                                 "mesa": "benchmarks/mesa_wom.py, BA m=5, p=0.05, 20 seeds"},
                    "engine_cpu_s_per_run": engine, "mesa_cpu_s_per_run": mesa, "phases_cpu_ms": split,
                    "targets": rows})
    return {"targets": rows}


if __name__ == "__main__":
    main()
