"""Issue 14's market target: three products (ours, a complement of ours, a rival brand's) cost at most 3x one.

The large benchmark's set-up (``benchmarks.bench_large``: 10^6 people, Barabási–Albert
m = 10, 180 days, all four operation models), in a fresh process with one Numba thread
after a small warm-up market run (kernels loaded). On one graph built once, CPU seconds
of set-up + days of (a) our product alone (``Engine``) and (b) a market
(``simulation.market.Market``) of our product, a complementary case (cross-sold to
buyers, bundled) and a rival brand that copies our plan (the same operation models and
KOL terms: ``rival = {}``), substitutes of each other with negative word of mouth
switching buyers. Target: (b) / (a) <= 3. ``--quick``: 10^5 people.

Writes ``results/products.json``.
"""
from __future__ import annotations

import sys
import time

from benchmarks.record import in_child, show, target, write

N, M, DAYS = 1_000_000, 10, 180
#: the market's extra products: a complementary case of ours, and the rival (a copy of our plan)
MARKET = {"products": [{"name": "case", "relation": "complement", "factor": 2.0, "seeding": {"count": 20},
                        "cross_sell": 0.2, "bundle_rate": 0.1, "bundle_price": 110.0,
                        "product": {"price": 25.0, "unit_cost": 10.0}}],
          "rival": {}, "market": {"substitution": 0.5, "negative_switch": 0.1}}


def measure(n: int) -> dict:
    """CPU seconds (set-up + days) of one product and of the three-product market on one graph of ``n`` people."""
    from benchmarks.bench_model import scenario
    from simulation.config.scenario import load_scenario
    from simulation.engine import Engine
    from simulation.market import Market
    from simulation.seeding import run_seed, substream

    def market_scenario(n_, days):
        return load_scenario({**scenario(n_, M, days).model_dump(mode="json"), **MARKET})

    Market(market_scenario(2000, 20), run_seed(0, 0)).run()  # compile every kernel
    sc, ss = scenario(n, M, DAYS), run_seed(1, 0)
    t0 = time.process_time()
    graph = sc.graph.build(substream(ss, "graph"))
    t1 = time.process_time()
    eng = Engine(sc, ss, graph=graph)
    eng.run()
    t2 = time.process_time()
    m = Market(market_scenario(n, DAYS), ss, graph=graph)
    m.run()
    t3 = time.process_time()
    res = m.result()
    return {"n": n, "edges": graph.n_edges, "days": DAYS, "graph_s": t1 - t0, "one_s": t2 - t1,
            "market_s": t3 - t2, "ratio": (t3 - t2) / (t2 - t1),
            "buyers": {p: res.summary[f"buyers@{p}"] for p in ("ours", "case", "rival")}}



def main(argv: list[str] | None = None) -> dict:
    """Measure, print the target and write ``benchmarks/results/products.json``."""
    argv = sys.argv[1:] if argv is None else argv
    r = in_child("benchmarks.bench_products", f"measure({N // 10 if '--quick' in argv else N})")
    print(f"  {r['n']:,} people / {r['edges']:,} edges / {DAYS} d: one product {r['one_s']:.2f} s, "
          f"three products with a rival {r['market_s']:.2f} s CPU (buyers {r['buyers']})", flush=True)
    rows = [target(14, "three products with a rival / one product (CPU)", r["ratio"], "ratio", 3.0, "<=")]
    show(rows)
    write("products", {"workload": {"n": r["n"], "m": M, "days": DAYS, "market": MARKET}, "run": r, "targets": rows})
    return {"targets": rows}


if __name__ == "__main__":
    main()
