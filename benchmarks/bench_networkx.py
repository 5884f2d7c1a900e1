"""Target 4 (issue 12): ``from_networkx`` against a plain numpy conversion, same graph, same process.

Graph: G(n, m) with 100,000 nodes and 500,000 edges (NetworkX ``gnm_random_graph``).
Plain conversion: the edge pairs into an array (``np.array(G.edges())``), both
directions, sorted into CSR by ``np.lexsort``. The two alternate ``ROUNDS`` times (CPU
time); the ratio is of the medians. The same graph with a float ``weight`` on every edge
is reported too (the plain conversion then reads the weights as well).

Target: ``from_networkx`` ≤ 1.2× the plain conversion. Writes ``results/networkx.json``.
"""
from __future__ import annotations

import statistics
import time

import numpy as np

from benchmarks.record import show, target, write

N, M, ROUNDS = 100_000, 500_000, 5


def plain(G, weight: bool = False):
    """Edge pairs into an array, both directions, sorted into CSR arrays (the baseline)."""
    n = G.number_of_nodes()
    if weight:
        rows = np.array([(a, b, d["weight"]) for a, b, d in G.edges(data=True)])
        e, w = rows[:, :2].astype(np.int32), np.concatenate([rows[:, 2], rows[:, 2]])
    else:
        e = np.array(G.edges(), dtype=np.int32).reshape(-1, 2)
    tails = np.concatenate([e[:, 0], e[:, 1]])
    heads = np.concatenate([e[:, 1], e[:, 0]])
    order = np.lexsort((heads, tails))
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tails, minlength=n), out=indptr[1:])
    return indptr, heads[order], (w[order] if weight else None)


def _cpu(f) -> float:
    t0 = time.process_time()
    f()
    return time.process_time() - t0


def compare(G, weight: bool) -> dict:
    """Alternate the two conversions; check they agree; return their CPU times."""
    from simulation.graph import from_networkx

    g = from_networkx(G)
    indptr, indices, w = plain(G, weight)
    assert np.array_equal(g.indptr, indptr) and np.array_equal(g.indices, indices)
    if weight:
        assert np.array_equal(g.edge_attr("weight"), w)
    ours, base = [], []
    for _ in range(ROUNDS):
        base.append(_cpu(lambda: plain(G, weight)))
        ours.append(_cpu(lambda: from_networkx(G)))
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"  {'weighted' if weight else 'plain'} graph: from_networkx {statistics.median(ours):.3f} s, "
          f"numpy {statistics.median(base):.3f} s (CPU, median of {ROUNDS}): x{ratio:.2f}", flush=True)
    return {"from_networkx_s": ours, "numpy_s": base, "ratio": ratio}


def main() -> dict:
    """Measure, print the target and write ``benchmarks/results/networkx.json``."""
    import networkx as nx

    G = nx.gnm_random_graph(N, M, seed=1)
    unweighted = compare(G, weight=False)
    rng = np.random.default_rng(1)
    for _, _, d in G.edges(data=True):
        d["weight"] = float(rng.random())
    weighted = compare(G, weight=True)
    rows = [target(4, "from_networkx / numpy conversion (10^5 nodes, 5x10^5 edges)", unweighted["ratio"],
                   "x", 1.2, "<=")]
    show(rows)
    print(f"  (with a weight on every edge: x{weighted['ratio']:.2f})")
    write("networkx", {"workload": {"n": N, "edges": M, "graph": "gnm_random_graph", "rounds": ROUNDS},
                       "unweighted": unweighted, "weighted": weighted, "targets": rows})
    return {"targets": rows}


if __name__ == "__main__":
    main()
