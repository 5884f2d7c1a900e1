"""Issues 13 and 14: switched off, the new mechanics cost nothing measurable (one process, interleaved, medians).

"The large benchmark within 10 % of its time without them" cannot be measured literally in
one process: the code without platforms, markets and the six new operation models is
another version of socsim. What one process can compare, on one prebuilt graph of the
large benchmark's size (10^6 people, Barabási–Albert m = 10, 180 days; ``--quick``:
10^5), each form set up and run ``ROUNDS`` times, alternated, CPU seconds of the days
(medians), every form giving the same outputs as ``base`` (checked):

* ``base``     — issue 12's workload: the four original operation models on (content,
  relationship, event, crossover), no ``[[platforms]]``, no market. The new models are
  switched off here as everywhere by default (``enabled = false``); a disabled model is
  never instantiated and no hook list holds it, so their off cost is the idle platform and
  market code only;
* ``again``    — ``base`` once more: the A/A ratio is the noise floor of the measurement
  ("nothing measurable" means a ratio within it);
* ``platform`` — one declared platform mirroring the built-in feed (issue 13's layer
  machinery on, doing nothing new);
* ``market``   — ``simulation.market.Market`` of our product alone (``market.enabled``: the
  market loop, per-product readouts; issue 14's machinery on, doing nothing new).

Targets (≤ 1.10 each): platform / base (issue 13), market / base (issue 14). The A/A ratio
is printed beside them. Writes ``results/off.json``.
"""
from __future__ import annotations

import statistics
import sys
import time

from benchmarks.bench_model import ORIGINAL
from benchmarks.record import in_child, show, target, write

N, M, DAYS = 1_000_000, 10, 180
ROUNDS = 3


def forms(n: int) -> dict:
    """The four scenarios (validated) of the benchmark on n people: {name: (scenario, runs as a market)}."""
    from benchmarks.bench_model import scenario
    from simulation.config.scenario import load_scenario

    raw = scenario(n, M, DAYS, ORIGINAL).model_dump(mode="json")
    raw["funnel"]["platform_rate"] = max(raw["funnel"]["platform_rate"], 0.001)
    base = load_scenario(raw)
    feed = {"rate": raw["funnel"]["platform_rate"], "strength": raw["funnel"]["platform_strength"]}
    platform = load_scenario(dict(raw, funnel=dict(raw["funnel"], platform_rate=0.0),
                                  platforms=[{"name": "main", "feed": feed}]))
    market = load_scenario(dict(raw, market=dict(raw["market"], enabled=True)))
    return {"base": (base, False), "again": (base, False), "platform": (platform, False), "market": (market, True)}


def _runner(sc, market: bool):
    from simulation.engine import Engine
    from simulation.market import Market

    return (lambda ss, graph: Market(sc, ss, graph=graph)) if market else (lambda ss, graph: Engine(sc, ss, graph=graph))


def measure(n: int = N) -> dict:
    """CPU seconds (set-up, days) of each form, alternated ``ROUNDS`` times on one graph; outputs equal to base's?"""
    import numpy as np

    from simulation.seeding import run_seed, substream

    for sc, mk in forms(2000).values():  # compile every kernel
        _runner(sc, mk)(run_seed(0, 0), None).run()
    fs = forms(n)
    ss = run_seed(1, 0)
    graph = fs["base"][0].graph.build(substream(ss, "graph"))
    times = {k: {"setup_s": [], "days_s": []} for k in fs}
    summary = {}
    for _ in range(ROUNDS):
        for k, (sc, mk) in fs.items():
            t0 = time.process_time()
            run = _runner(sc, mk)(ss, graph)
            t1 = time.process_time()
            run.run()
            t2 = time.process_time()
            times[k]["setup_s"].append(t1 - t0)
            times[k]["days_s"].append(t2 - t1)
            res = run.results()[0] if mk else run.result()
            summary[k] = res.summary
            del run, res

    def same(a: dict, b: dict) -> bool:
        return all(a[key] == b[key] or (np.isnan(a[key]) and np.isnan(b[key])) for key in a if key in b)

    med = {k: {p: statistics.median(v) for p, v in t.items()} for k, t in times.items()}
    return {"n": n, "edges": graph.n_edges, "times": times, "median": med,
            "identical": {k: same(summary["base"], summary[k]) for k in fs},
            "ratio": {k: med[k]["days_s"] / med["base"]["days_s"] for k in fs},
            "purchases": {k: summary[k]["purchases"] for k in fs}}


def main(argv: list[str] | None = None) -> dict:
    """Measure (``--quick``: 10^5 people), print the targets and write ``benchmarks/results/off.json``."""
    argv = sys.argv[1:] if argv is None else argv
    r = in_child("benchmarks.bench_off", f"measure({N // 10 if '--quick' in argv else N})")
    for k, m in r["median"].items():
        print(f"  {k:8s}: set-up {m['setup_s']:.2f} s + days {m['days_s']:.2f} s CPU "
              f"(days / base {r['ratio'][k]:.3f}; same outputs as base: {r['identical'][k]})", flush=True)
    n = r["n"]
    rows = [
        target(13, f"platform code on, one layer / off, days CPU (n = {n}; A/A {r['ratio']['again']:.2f})",
               r["ratio"]["platform"] if r["identical"]["platform"] else None, "ratio", 1.10, "<="),
        target(14, f"market code on, one product / off, days CPU (n = {n}; A/A {r['ratio']['again']:.2f})",
               r["ratio"]["market"] if r["identical"]["market"] else None, "ratio", 1.10, "<="),
    ]
    show(rows)
    write("off", {"workload": {"n": n, "m": M, "days": DAYS, "operations": list(ORIGINAL), "rounds": ROUNDS},
                  "result": r, "targets": rows})
    return {"targets": rows}


if __name__ == "__main__":
    main()
