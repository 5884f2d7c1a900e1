"""Issue 13's performance targets for platforms (``simulation.platforms``), measured in one process.

The large benchmark's scenario (``bench_large``: 10^6 people, Barabási–Albert m = 10,
180 days, every operation model on; ``--n`` for a smaller copy) runs in three forms on
one prebuilt graph, after a warm-up run that compiles every kernel, alternated
``ROUNDS`` times (CPU seconds of set-up and of the 180 days; medians):

* ``off``   — no ``[[platforms]]`` (today's model; the platform code is present but idle);
* ``one``   — one declared platform mirroring it (same outputs, checked);
* ``three`` — three platforms: messaging over the scenario graph (95 % members, strong
  shares), short video with its own Barabási–Albert graph (m = 3, 60 % members, weak
  shares, a personalised feed, ads) and a marketplace over the scenario graph (70 %
  members, no shares, an interest-weighted feed, ads).

Targets: ``one / off`` ≤ 1.10 (declaring platforms costs nothing measurable; the off
form's cost against the code before platforms is the large benchmark's, unchanged), and
``three / one`` ≤ 3 (days, CPU). ``--quick``: 10^5 people; ``--n N``: N people.
Writes ``results/platforms.json``.
"""
from __future__ import annotations

import statistics
import sys
import time

from benchmarks.bench_model import scenario
from benchmarks.record import show, target, write

N, M, DAYS = 1_000_000, 10, 180
ROUNDS = 2


def forms(n: int) -> dict:
    """The three scenarios (validated) of the benchmark on n people."""
    from simulation.config.scenario import load_scenario

    raw = scenario(n, M, DAYS).model_dump(mode="json")
    raw["funnel"]["platform_rate"] = max(raw["funnel"]["platform_rate"], 0.001)
    off = load_scenario(raw)
    feed = {"rate": raw["funnel"]["platform_rate"], "strength": raw["funnel"]["platform_strength"]}
    one = dict(raw, funnel=dict(raw["funnel"], platform_rate=0.0), platforms=[{"name": "main", "feed": feed}])
    three = dict(one, platforms=[
        {"name": "messaging", "members": 0.95, "share": {"rate": 1.0, "strength": 1.2}, "feed": feed},
        {"name": "video", "graph": {"generator": "barabasi_albert", "n": n, "m": 3}, "members": 0.6,
         "share": {"rate": 0.4, "strength": 0.5}, "feed": {"rate": 0.002, "strength": 0.03, "interest_weight": 2.0},
         "ads": {"budget": 2000.0, "strength": 0.02, "target": {"cost_per_exposure": 0.3}}},
        {"name": "marketplace", "members": 0.7, "share": {"rate": 0.0},
         "feed": {"rate": 0.001, "strength": 0.06, "interest_weight": 3.0},
         "ads": {"budget": 2000.0, "strength": 0.05, "target": {"cost_per_exposure": 1.0, "min_interest": 0.4}}}])
    return {"off": off, "one": load_scenario(one), "three": load_scenario(three)}


def measure(n: int = N) -> dict:
    """CPU seconds (set-up, days) of each form, alternated ``ROUNDS`` times on one graph; outputs of off == one."""
    import numpy as np

    from simulation.engine import Engine
    from simulation.seeding import run_seed, substream

    Engine(forms(2000)["three"], run_seed(0, 0)).run()  # compile every kernel
    sc = forms(n)
    ss = run_seed(1, 0)
    graph = sc["off"].graph.build(substream(ss, "graph"))
    times = {k: {"setup_s": [], "days_s": []} for k in sc}
    summary = {}
    for _ in range(ROUNDS):
        for k, s in sc.items():
            t0 = time.process_time()
            eng = Engine(s, ss, graph=graph)
            t1 = time.process_time()
            eng.run()
            t2 = time.process_time()
            times[k]["setup_s"].append(t1 - t0)
            times[k]["days_s"].append(t2 - t1)
            summary[k] = eng.result().summary
            del eng
    same = all(summary["off"][key] == summary["one"][key] or
               (np.isnan(summary["off"][key]) and np.isnan(summary["one"][key])) for key in summary["off"])
    med = {k: {p: statistics.median(v) for p, v in t.items()} for k, t in times.items()}
    return {"n": n, "times": times, "median": med, "one_identical_to_off": same,
            "one_over_off": med["one"]["days_s"] / med["off"]["days_s"],
            "three_over_one": med["three"]["days_s"] / med["one"]["days_s"],
            "three_setup_over_one": med["three"]["setup_s"] / med["one"]["setup_s"],
            "purchases": {k: summary[k]["purchases"] for k in summary}}


def main(argv: list[str] | None = None) -> dict:
    """Measure, print the targets and write ``benchmarks/results/platforms.json``."""
    argv = sys.argv[1:] if argv is None else argv
    n = int(argv[argv.index("--n") + 1]) if "--n" in argv else N // 10 if "--quick" in argv else N
    r = measure(n)
    for k, m in r["median"].items():
        print(f"  {k:5s}: set-up {m['setup_s']:.2f} s + days {m['days_s']:.2f} s CPU "
              f"({r['purchases'][k]:.0f} purchases)", flush=True)
    rows = [
        target(13, f"one declared platform / none, days CPU (n = {n}, identical: {r['one_identical_to_off']})",
               r["one_over_off"] if r["one_identical_to_off"] else None, "ratio", 1.10, "<="),
        target(13, f"three platforms / one, days CPU (n = {n})", r["three_over_one"], "ratio", 3.0, "<="),
    ]
    show(rows)
    write("platforms", {"workload": {"n": n, "m": M, "days": DAYS, "operations": "all on", "rounds": ROUNDS},
                        "result": r, "targets": rows})
    return {"targets": rows}


if __name__ == "__main__":
    main()
