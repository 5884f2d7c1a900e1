"""Benchmark of the social-commerce model: all four operation models on, 180 days, three sizes.

Each size runs in a fresh subprocess (one Numba thread) after a small warm-up run that
compiles the kernels, so the figures are simulation time only: ``setup_s`` (population,
ties, KOLs, operations) and ``run_s`` (the 180 days); the graph is built before timing
(``graph_s``). Peak memory is the subprocess's maximum resident set size. Results go to
``benchmarks/results/model.json``; cost should grow linearly in edges x days.

Usage: ``python -m benchmarks model`` or ``python benchmarks/bench_model.py [--quick]``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "model.json"
SIZES = [(100_000, 10), (300_000, 10), (1_000_000, 10)]  # (n, m): ~n*m edges (Barabasi-Albert)
DAYS = 180
#: issue 12's "all four operation models" (the ones that predate issues 13 and 14; ``ALL_ON`` now holds every model)
ORIGINAL = ("content", "relationship", "event", "crossover")



def scenario(n: int, m: int, days: int, models=None):
    """The benchmark scenario: the operation models ``models`` (default: every registered one) fully on,
    a Barabási–Albert graph (n people, m edges per node), ``days`` days."""
    from simulation.config.scenario import default_scenario
    from simulation.operations import all_on

    return default_scenario({**all_on(models), "days": days, "graph": {"generator": "barabasi_albert", "n": n, "m": m},
                             "seeding.count": max(20, n // 1000), "kol.end_day": days})


def prepared(n: int, m: int, days: int, clock=time.perf_counter, models=None):
    """Warm the kernels on a small run, then build the graph and set up the run (``models`` on: ``scenario``).

    Returns ``(engine, graph, graph_s, setup_s)``, seconds measured by ``clock``.
    """
    from simulation.engine import Engine
    from simulation.seeding import run_seed, substream

    Engine(scenario(2000, 3, 20, models), run_seed(0, 0)).run()  # compile every kernel
    sc = scenario(n, m, days, models)
    ss = run_seed(1, 0)
    t0 = clock()
    graph = sc.graph.build(substream(ss, "graph"))
    t1 = clock()
    eng = Engine(sc, ss, graph=graph)
    return eng, graph, t1 - t0, clock() - t1


def one(n: int, m: int, days: int) -> dict:
    """Time one run of n people (Barabasi-Albert, m edges per node) in this process."""
    import resource

    eng, graph, graph_s, setup_s = prepared(n, m, days)
    t2 = time.perf_counter()
    eng.run()
    t3 = time.perf_counter()
    res = eng.result()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"n": n, "edges": graph.n_edges, "arcs": graph.m, "days": days, "graph_s": graph_s, "setup_s": setup_s,
            "run_s": t3 - t2, "simulation_s": setup_s + t3 - t2, "peak_rss_mb": peak_mb,
            "buyers": res.summary["buyers"], "purchases": res.summary["purchases"],
            "ns_per_arc_day": 1e9 * (setup_s + t3 - t2) / (graph.m * days)}


def main(argv: list[str] | None = None) -> None:
    """Run the three sizes (``--quick``: ten times smaller) and write ``benchmarks/results/model.json``."""
    argv = sys.argv[1:] if argv is None else argv
    sizes = [(n // 10, m) for n, m in SIZES] if "--quick" in argv else SIZES
    env = {**os.environ, "NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    rows = []
    for n, m in sizes:
        code = f"import json, benchmarks.bench_model as b; print(json.dumps(b.one({n}, {m}, {DAYS})))"
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parent.parent)
        if out.returncode != 0:
            raise RuntimeError(f"benchmark n={n} failed:\n{out.stderr}")
        row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"n={row['n']:>9,} edges={row['edges']:>11,} days={DAYS}: simulation {row['simulation_s']:.2f} s "
              f"(setup {row['setup_s']:.2f} + days {row['run_s']:.2f}), graph {row['graph_s']:.2f} s, "
              f"peak {row['peak_rss_mb']:.0f} MB, {row['ns_per_arc_day']:.2f} ns/arc/day", flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"benchmark": "model", "days": DAYS, "operations": "all four on", "rows": rows}, indent=2))
    os.replace(tmp, RESULTS)


if __name__ == "__main__":
    main()
