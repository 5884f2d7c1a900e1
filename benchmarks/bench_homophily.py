"""Homophily benchmark: seconds to find the communities segments follow (``simulation.homophily``).

Run: ``python -m benchmarks homophily`` (or ``python -m benchmarks.bench_homophily [--quick]``).
Writes ``benchmarks/results/homophily.json``: for each method and size, the seconds of
``homophily.communities`` on a fresh ``powerlaw_cluster(n, m=4, p=0.3)`` graph (the CSR
to NetworkX conversion included), the number of communities and the modularity of the
segment partition at mixing 1 (two segments, shares 0.3 / 0.7). By default (and with
``--quick``) it measures 10^4 nodes only (~15 s), so ``make bench`` stays affordable;
``--large`` adds 10^5 nodes (Louvain alone ~8 min there). NetworkX's Louvain is pure
Python: this is the cost of the well-kept implementation, paid once per run (and not
again by the paired counterfactual).
"""
from __future__ import annotations

import argparse
import json
import time

import networkx as nx
import numpy as np

from benchmarks.record import RESULTS, write
from simulation.graph.generators import generate
from simulation.homophily import communities, communities_to_segments

SIZES = (10_000, 100_000)
METHODS = ("label_propagation", "louvain")


def measure(n: int, method: str) -> dict:
    """Seconds, community count and segment-partition modularity for one size and method."""
    g = generate("powerlaw_cluster", n=n, m=4, p=0.3, seed=1)
    t0 = time.perf_counter()
    label = communities(g, method, seed=7)
    seconds = time.perf_counter() - t0
    seg = communities_to_segments(label, np.array([0.3, 0.7]))
    keep = g.tails < g.indices
    G = nx.Graph()
    G.add_edges_from(zip(g.tails[keep].tolist(), g.indices[keep].tolist()))
    parts = [set(np.flatnonzero(seg == k).tolist()) for k in range(2)]
    return {"n": n, "edges": g.n_edges, "method": method, "seconds": round(seconds, 2),
            "communities": int(label.max() + 1), "segment_modularity": round(nx.community.modularity(G, parts), 4)}


def main(argv: list[str] | None = None) -> dict:
    """Measure every method at every size and write the results."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10^4 nodes only (the default)")
    ap.add_argument("--large", action="store_true", help="add 10^5 nodes (Louvain ~8 min)")
    args, _ = ap.parse_known_args(argv if argv is not None else [])
    rows = []
    for n in SIZES if args.large and not args.quick else SIZES[:1]:
        for method in METHODS:
            rows.append(measure(n, method))
            print(rows[-1], flush=True)
    # rows of sizes not measured now (the 10^5 one without --large) stay, with the date they were measured
    old = RESULTS / "homophily.json"
    if old.exists():
        prev = json.loads(old.read_text())
        done = {r["n"] for r in rows}
        rows += [{**r, "measured": r.get("measured", prev.get("when"))} for r in prev.get("rows", []) if r["n"] not in done]
    write("homophily", {"rows": rows})
    return {"rows": rows}


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
