"""Targets 2 and 3 (issue 12): one large run end to end, and its day loop on two threads.

10^6 people, Barabási–Albert m = 10 (10^7 edges), 180 days, issue 12's "all four operation
models" (content, relationship, event, crossover: ``bench_model.ORIGINAL``; the registry's
``ALL_ON`` has since grown to every model, which the benchmark also runs once, untargeted,
as ``all_models_run``), in a fresh process with one Numba thread after a small warm-up run (kernels loaded):
CPU seconds of graph generation + set-up + days, peak resident memory, and the CPU of
days 91–180 against days 1–90 (a day's cost should follow its activity). Target 3 runs
the day loop of that same run (graph built once, engine set up again before each loop) with
``numba.set_num_threads`` 1 and 2 (wall time, alternated 3 times, ratio of medians; GOMP_SPINCOUNT defaulted as a
user's threaded run has it, ``parallel.SPINCOUNT``) and checks
that every run gives the same summary, daily series and record tables; the engine's threaded
kernels (``simulation.kernels.parallel``) take large batches when more than one thread is set.

Targets: ≤ 4 s CPU, ≤ 1.2 GB peak, late days ≤ 10 % of early days; 2 threads ≥ 1.6×.
The late days' share of the exposures evaluated and of the purchases is recorded too: a
cost ratio near the activity ratio means a day's cost follows its activity.
Writes ``results/large.json``.
"""
from __future__ import annotations

import statistics
import sys
import time

from benchmarks.bench_model import ORIGINAL, prepared, scenario
from benchmarks.record import in_child, show, target, write

N, M, DAYS = 1_000_000, 10, 180
THREAD_ROUNDS = 3


def large_run(models=ORIGINAL) -> dict:
    """One run of the large scenario with ``models`` on (None: every one) in this process: CPU per phase, peak memory."""
    import resource

    from simulation.kernels.funnel import C_EXPOSURES

    eng, graph, graph_s, setup_s = prepared(N, M, DAYS, clock=time.process_time, models=models)
    marks = [time.process_time()]
    evaluated = [0, 0]  # exposures of online people evaluated, days 1-90 and 91-180 (the day's activity)
    while eng.day < DAYS:
        eng.step()
        evaluated[eng.day > DAYS // 2] += int(eng.cnt[C_EXPOSURES])
        if eng.day in (DAYS // 2, DAYS):
            marks.append(time.process_time())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"graph_s": graph_s, "setup_s": setup_s, "days_1_90_s": marks[1] - marks[0],
            "days_91_180_s": marks[2] - marks[1], "total_s": graph_s + setup_s + marks[2] - marks[0],
            "peak_rss_mb": peak_mb, "edges": graph.n_edges, "exposures_1_90": evaluated[0],
            "exposures_91_180": evaluated[1], "purchases_1_90": float(eng.daily["purchases"][1:DAYS // 2 + 1].sum()),
            "purchases_91_180": float(eng.daily["purchases"][DAYS // 2 + 1:].sum())}


def _equal(x, y) -> bool:
    """Deep equality of result parts: dicts, lists, arrays (same dtype; NaN equals NaN)."""
    import numpy as np

    if isinstance(x, dict):
        return isinstance(y, dict) and x.keys() == y.keys() and all(_equal(x[k], y[k]) for k in x)
    if isinstance(x, (list, tuple)):
        return type(x) is type(y) and len(x) == len(y) and all(_equal(u, v) for u, v in zip(x, y))
    x, y = np.asarray(x), np.asarray(y)
    return x.dtype == y.dtype and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")


def _same(a, b) -> bool:
    """Whether two run results are equal: summary, every daily series, every record table (a market's products
    by their summaries and daily series: their records hold the market again)."""
    tables = [t for t in a.records if t != "market"]
    ok = (_equal(a.summary, b.summary) and _equal(a.daily, b.daily)
          and tables == [t for t in b.records if t != "market"]
          and all(_equal(a.records[t], b.records[t]) for t in tables))
    pa, pb = (r.records.get("market", {}).get("products", []) for r in (a, b))
    return ok and len(pa) == len(pb) and all(_equal(x.summary, y.summary) and _equal(x.daily, y.daily)
                                             for x, y in zip(pa, pb))


def threads_run() -> dict:
    """The day loop of the large run with 1 and 2 Numba threads, alternated: wall seconds, identical results?

    The graph is built once and the engine set up again (untimed) before each day loop; the
    threaded kernels are loaded first on a small run with their size thresholds off.
    """
    import numba

    from simulation.engine import Engine
    from simulation.kernels import parallel

    eng, graph, _, _ = prepared(N, M, DAYS, models=ORIGINAL)
    sc, ss = eng.scenario, eng.ss
    del eng
    parallel._quiet_spin()  # the spin count a user's threaded run gets (read when the threading layer starts)
    numba.set_num_threads(2)
    limits = parallel.THRESHOLD, parallel.MIN_PEOPLE
    parallel.THRESHOLD = parallel.MIN_PEOPLE = 0
    try:
        Engine(scenario(2000, 3, 20, ORIGINAL), ss).run()  # load (or compile) the threaded kernels
    finally:
        parallel.THRESHOLD, parallel.MIN_PEOPLE = limits
    walls = {1: [], 2: []}
    cpus = {1: [], 2: []}
    results = {}
    same = True
    for _ in range(THREAD_ROUNDS):
        for k in (1, 2):
            numba.set_num_threads(k)
            eng = Engine(sc, ss, graph=graph)
            t0, c0 = time.perf_counter(), time.process_time()
            eng.run()
            walls[k].append(time.perf_counter() - t0)
            cpus[k].append(time.process_time() - c0)
            res = eng.result()
            del eng
            if k in results:
                same = same and _same(results[k], res)
            results[k] = res
        same = same and _same(results[1], results[2])
    return {"one_thread_s": walls[1], "two_threads_s": walls[2], "one_thread_cpu_s": cpus[1],
            "two_threads_cpu_s": cpus[2], "identical": same,
            "speedup": statistics.median(walls[1]) / statistics.median(walls[2])}


def main() -> dict:
    """Measure, print the targets and write ``benchmarks/results/large.json``."""
    big = in_child("benchmarks.bench_large", "large_run()")
    print(f"  10^6 / 10^7 / {DAYS} d: graph {big['graph_s']:.2f} + set-up {big['setup_s']:.2f} + days "
          f"{big['days_1_90_s']:.2f} (1-90) + {big['days_91_180_s']:.2f} (91-180) s CPU, "
          f"peak {big['peak_rss_mb']:.0f} MB", flush=True)
    # the late days are not quiet in this scenario (platform, KOL posts, events and repeat
    # purchase go on): their share of the activity is the floor of the cost ratio
    print(f"  days 91-180 / 1-90: CPU {big['days_91_180_s'] / big['days_1_90_s']:.2f}, exposures evaluated "
          f"{big['exposures_91_180'] / big['exposures_1_90']:.2f}, purchases "
          f"{big['purchases_91_180'] / big['purchases_1_90']:.2f}", flush=True)
    every = in_child("benchmarks.bench_large", "large_run(None)")
    print(f"  the same with every registered operation model on (untargeted): set-up {every['setup_s']:.2f} + days "
          f"{every['days_1_90_s']:.2f} (1-90) + {every['days_91_180_s']:.2f} (91-180) s CPU, days 91-180 / 1-90 "
          f"{every['days_91_180_s'] / every['days_1_90_s']:.2f}, peak {every['peak_rss_mb']:.0f} MB", flush=True)
    thr = in_child("benchmarks.bench_large", "threads_run()", threads=2)
    med = {k: statistics.median(thr[k]) for k in ("one_thread_s", "two_threads_s", "two_threads_cpu_s")}
    print(f"  day loop at 10^6 (median wall of {THREAD_ROUNDS}): 1 thread {med['one_thread_s']:.2f} s, 2 threads "
          f"{med['two_threads_s']:.2f} s (CPU {med['two_threads_cpu_s']:.2f} s), identical: {thr['identical']}",
          flush=True)
    rows = [
        target(2, "large run end to end, CPU (10^6 / 10^7 / 180 d)", big["total_s"], "s", 4, "<="),
        target(2, "large run peak memory", big["peak_rss_mb"] / 1024, "GB", 1.2, "<="),
        target(2, "days 91-180 / days 1-90 (CPU)", big["days_91_180_s"] / big["days_1_90_s"], "ratio", 0.10, "<="),
        target(3, "day loop, 2 threads / 1 thread (10^6, identical)", thr["speedup"] if thr["identical"] else None,
               "x", 1.6, ">="),
    ]
    show(rows)
    write("large", {"workload": {"n": N, "m": M, "days": DAYS, "operations": list(ORIGINAL),
                                 "thread_rounds": THREAD_ROUNDS},
                    "large_run": big, "all_models_run": every, "threads": thr, "targets": rows})
    return {"targets": rows}


if __name__ == "__main__":
    main()
