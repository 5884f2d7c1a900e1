"""Speed of the array/Numba engine against the plain Mesa-agent reference, same scenario.

Workload (issue 4): the embedded default scenario with all four operation models on
(content, relationship, event with coupons, cross-over) on a 10,000-person clustered
graph (powerlaw_cluster, m = 4, p = 0.3), 90 days; the same at 100,000 people shows how
the ratio grows with size. The graph is built once per size, before timing, and given to
both implementations. Measured in one process on one core
(``numba.set_num_threads(1)``), the engine after a warm-up run that compiles (or loads)
its kernels. Per implementation: seconds of set-up (population, ties, KOLs, agents),
of the day loop, and in total per run (median over runs), and mean buyers as a sanity
check that both simulated the same thing. Target: engine >= 300x faster per run.

Run with ``python -m benchmarks reference`` or ``python benchmarks/bench_reference.py``;
writes ``benchmarks/results/reference.json``.
"""
from __future__ import annotations

import json
import platform
import statistics
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "reference.json"
M, P = 4, 0.3
SIZES = ((10_000, 10, 3), (100_000, 5, 2))  # (people, engine runs, reference runs); the first is the target's
TARGET = 300.0

def _scenario(n: int):
    from simulation.config.scenario import default_scenario
    from simulation.operations import ALL_ON

    return default_scenario({**ALL_ON, "graph": {"generator": "powerlaw_cluster", "n": n, "m": M, "p": P}})


def _time_runs(make, runs: int) -> dict:
    """Time ``runs`` runs of ``make(r) -> object with .run() and .result()``; medians in seconds."""
    setup, loop, total, buyers = [], [], [], []
    for r in range(runs):
        t0 = time.perf_counter()
        model = make(r)
        t1 = time.perf_counter()
        model.run()
        res = model.result()
        t2 = time.perf_counter()
        setup.append(t1 - t0)
        loop.append(t2 - t1)
        total.append(t2 - t0)
        buyers.append(res.summary["buyers"])
    return {"runs": runs, "setup_s": statistics.median(setup), "days_s": statistics.median(loop),
            "seconds_per_run": statistics.median(total), "all_seconds_per_run": total,
            "mean_buyers": statistics.fmean(buyers)}


def one_size(n: int, engine_runs: int, reference_runs: int) -> dict:
    """Time both implementations on the all-on default scenario with n people (one thread)."""
    from simulation.engine import Engine
    from simulation.reference import ReferenceModel
    from simulation.seeding import run_seed

    sc = _scenario(n)
    t0 = time.perf_counter()
    graph = sc.graph.build(11)
    graph_s = time.perf_counter() - t0
    engine = _time_runs(lambda r: Engine(sc, run_seed(1, r), graph=graph), engine_runs)
    reference = _time_runs(lambda r: ReferenceModel(sc, run_seed(2, r), graph=graph), reference_runs)
    row = {"n": n, "edges": graph.n_edges, "arcs": graph.m, "days": sc.days, "graph_s": graph_s,
           "engine": engine, "reference": reference,
           "speedup_per_run": reference["seconds_per_run"] / engine["seconds_per_run"],
           "speedup_days_only": reference["days_s"] / engine["days_s"]}
    print(f"n={n:,} arcs={graph.m:,} days={sc.days}: engine {engine['seconds_per_run']:.4f} s/run "
          f"(set-up {engine['setup_s']:.4f}, days {engine['days_s']:.4f}); reference "
          f"{reference['seconds_per_run']:.3f} s/run (set-up {reference['setup_s']:.3f}, days "
          f"{reference['days_s']:.3f}); engine {row['speedup_per_run']:.0f}x faster per run "
          f"({row['speedup_days_only']:.0f}x on the day loop); mean buyers engine {engine['mean_buyers']:.0f}, "
          f"reference {reference['mean_buyers']:.0f}", flush=True)
    return row


def main() -> dict:
    """Run the benchmark, write ``benchmarks/results/reference.json`` and print the speed ratio."""
    import numba

    from simulation.engine import Engine
    from simulation.seeding import run_seed

    numba.set_num_threads(1)
    warm = _scenario(2_000)
    Engine(warm, run_seed(0, 0)).run()  # compile / load every kernel
    rows = [one_size(n, e, r) for n, e, r in SIZES]
    head = rows[0]
    out = {
        "benchmark": "reference",
        "scenario": "default, all four operation models on (coupons too), powerlaw_cluster m=4 p=0.3",
        "rows": rows, "speedup_per_run": head["speedup_per_run"], "speedup_at_n": head["n"],
        "target_speedup": TARGET, "meets_target": head["speedup_per_run"] >= TARGET,
        "threads": 1, "python": platform.python_version(), "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(out, indent=2) + "\n")
    tmp.replace(RESULTS)
    print(f"engine vs Mesa-agent reference at n={head['n']:,}: {head['speedup_per_run']:.0f}x faster per run; "
          f"target >= {TARGET:.0f}x: {'met' if out['meets_target'] else 'NOT met'}")
    return out


if __name__ == "__main__":
    main()
