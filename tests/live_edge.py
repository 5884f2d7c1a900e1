"""Exact Independent Cascade by enumerating every live-arc subgraph (for graphs of a few arcs).

IC from seeds S activates exactly the nodes reachable from S in a random subgraph that
keeps each arc u→v independently with its probability (Kempe, Kleinberg & Tardos 2003),
so summing over all 2^m subgraphs with their probabilities gives exact expectations.
Arcs are ``(u, v, p)`` with nodes 0..n-1.
"""
from __future__ import annotations

import itertools

import numpy as np


def ic_worlds(arcs):
    """All 2^m live-arc subsets: (probability float (W,), live bool (W, m))."""
    m = len(arcs)
    live = ((np.arange(2**m)[:, None] >> np.arange(m)) & 1).astype(bool)
    p = np.array([a[2] for a in arcs], dtype=np.float64)
    return np.where(live, p, 1.0 - p).prod(axis=1), live


def ic_live_sets(arcs):
    """Yield (probability, list of live (u, v)) for every live-arc subset."""
    prob, live = ic_worlds(arcs)
    for w in range(len(prob)):
        yield prob[w], [(u, v) for (u, v, _), on in zip(arcs, live[w]) if on]


def bfs_steps(n, live, seeds):
    """Activation step per node in the live-arc graph (-1 = never)."""
    step = [-1] * n
    front = list(seeds)
    for s in seeds:
        step[s] = 0
    t = 0
    while front:
        t += 1
        nxt = []
        for u in front:
            for a, b in live:
                if a == u and step[b] < 0:
                    step[b] = t
                    nxt.append(b)
        front = nxt
    return step


def exact_curve(n, weighted_live_sets, seeds, length):
    """Exact P(node active) and E[cumulative active after step t] from weighted live-arc sets."""
    p_active = np.zeros(n)
    curve = np.zeros(length)
    for prob, live in weighted_live_sets:
        step = bfs_steps(n, live, seeds)
        for v in range(n):
            if step[v] >= 0:
                p_active[v] += prob
                curve[step[v]:] += prob
    return p_active, curve


def exact_spreads(n, arcs, seed_sets):
    """Exact expected IC spread of each seed set (float array), vectorised over all worlds.

    Node v's reach in world w is a bitmask ``reach[v, w]``, grown over live arcs to a
    fixpoint; a set's spread in w is the popcount of its members' union.
    """
    prob, live = ic_worlds(arcs)
    dtype = np.uint16 if n <= 16 else np.uint64
    # node-major, so that each node's masks over all worlds are contiguous
    reach = np.tile((np.ones(1, dtype) << np.arange(n, dtype=dtype))[:, None], (1, len(prob)))
    gate = [np.where(live[:, j], dtype(~dtype(0)), dtype(0)) for j in range(len(arcs))]
    changed = True
    while changed:
        before = reach.copy()
        for j, (u, v, _) in enumerate(arcs):
            reach[u] |= reach[v] & gate[j]
        changed = not np.array_equal(before, reach)
    out = []
    for s in seed_sets:
        union = np.bitwise_or.reduce(reach[list(s)], axis=0)
        out.append(float(prob @ np.bitwise_count(union)))
    return np.array(out)


def exact_optimum(n, arcs, k):
    """(OPT, all size-k seed sets, their exact spreads) by brute force."""
    sets = list(itertools.combinations(range(n), k))
    spreads = exact_spreads(n, arcs, sets)
    return spreads.max(), sets, spreads
