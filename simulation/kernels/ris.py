"""Reverse-influence sampling kernels for Independent Cascade: RR sets and max coverage.

A reverse-reachable (RR) set (Borgs et al. 2014) is the set of nodes that reach a
uniformly random root in one live-arc realisation of IC; ``n · P(S meets an RR set)``
is the expected spread of S. RR set i is a pure function of (key, i):

* its root is ``floor(uniform(key, RR_SAMPLE, m, i) · n)``;
* arc e (an arc id of the forward graph) is live in it iff
  ``uniform(key, RR_SAMPLE, e, i) < p_e``; each arc is examined at most once per set.

So a batch of sets can be split over any number of workers and concatenated in index
order with the same result. The reverse graph is the transpose CSR
(``CSRGraph.transpose``) with ``CSRGraph.in_arc`` mapping its arcs back to arc ids.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .random import RR_SAMPLE, uniform


@njit(nogil=True, cache=True)
def rr_sets(t_indptr, t_tails, in_arc, prob, key, start, stop):
    """Sample RR sets start..stop-1 of IC by reverse breadth-first search.

    Parameters
    ----------
    t_indptr : int64 (n + 1,)  Transpose CSR row pointers (in-arcs of each node).
    t_tails : int32 (m,)       Tail (the influencing node) of each in-arc.
    in_arc : int64 (m,)        Forward arc id of each in-arc (its probability and draw).
    prob : float64 (m,) or (1,) Probability per forward arc; length 1 = same for all.
    key : uint64               Random key of the sample.
    start, stop : int          Global indices of the sets to draw.

    Returns
    -------
    (ptr int64 (stop - start + 1,), nodes int32): set j's nodes are
    ``nodes[ptr[j]:ptr[j + 1]]``, root first.
    """
    n = t_indptr.shape[0] - 1
    m = t_tails.shape[0]
    uniform_p = prob.shape[0] == 1
    p0 = prob[0]
    count = stop - start
    ptr = np.zeros(count + 1, np.int64)
    nodes = np.empty(max(16, 2 * count), np.int32)
    seen = np.zeros(n, np.bool_)
    total = 0
    for j in range(count):
        i = start + j
        root = min(int(uniform(key, RR_SAMPLE, m, i) * n), n - 1)
        lo = total
        if total == nodes.shape[0]:
            nodes = _grow(nodes, total)
        nodes[total] = root
        total += 1
        seen[root] = True
        head = lo
        while head < total:
            v = nodes[head]
            head += 1
            for a in range(t_indptr[v], t_indptr[v + 1]):
                e = in_arc[a]
                pe = p0 if uniform_p else prob[e]
                if uniform(key, RR_SAMPLE, e, i) >= pe:
                    continue
                u = t_tails[a]
                if not seen[u]:
                    seen[u] = True
                    if total == nodes.shape[0]:
                        nodes = _grow(nodes, total)
                    nodes[total] = u
                    total += 1
        for h in range(lo, total):
            seen[nodes[h]] = False
        ptr[j + 1] = total
    return ptr, nodes[:total].copy()


@njit(nogil=True, cache=True)
def _grow(a, used):
    b = np.empty(2 * a.shape[0], a.dtype)
    b[:used] = a[:used]
    return b


@njit(cache=True)
def node_index(ptr, nodes, n):
    """Invert RR sets: (node_ptr int64 (n + 1,), sets int64) with node v in sets[node_ptr[v]:node_ptr[v + 1]]."""
    node_ptr = np.zeros(n + 1, np.int64)
    for h in range(nodes.shape[0]):
        node_ptr[nodes[h] + 1] += 1
    for v in range(n):
        node_ptr[v + 1] += node_ptr[v]
    fill = node_ptr[:-1].copy()
    sets = np.empty(nodes.shape[0], np.int64)
    for s in range(ptr.shape[0] - 1):
        for h in range(ptr[s], ptr[s + 1]):
            v = nodes[h]
            sets[fill[v]] = s
            fill[v] += 1
    return node_ptr, sets


@njit(cache=True)
def max_coverage(ptr, nodes, n, k):
    """Greedy maximum coverage of RR sets by k nodes (Tang et al. 2015, Algorithm 1).

    Each node keeps the count of still-uncovered sets containing it; choosing a node
    covers its sets and decrements the counts of their members, so the whole greedy
    costs O(total set size + k·n). Ties go to the lowest node id.

    Returns (seeds int64 (k,), gains int64 (k,)): the chosen nodes in order and the
    number of newly covered sets each added.
    """
    node_ptr, sets = node_index(ptr, nodes, n)
    count = np.diff(node_ptr)
    covered = np.zeros(ptr.shape[0] - 1, np.bool_)
    seeds = np.empty(k, np.int64)
    gains = np.empty(k, np.int64)
    for j in range(k):
        v = np.argmax(count)
        seeds[j] = v
        gains[j] = count[v]
        for h in range(node_ptr[v], node_ptr[v + 1]):
            s = sets[h]
            if covered[s]:
                continue
            covered[s] = True
            for q in range(ptr[s], ptr[s + 1]):
                count[nodes[q]] -= 1
        # a chosen node has count 0 now; keep it out of later argmax ties at 0
        count[v] = -1
    return seeds, gains


@njit(cache=True)
def coverage(ptr, nodes, n, seeds):
    """Number of RR sets that contain at least one of ``seeds`` (int64 ids)."""
    mark = np.zeros(n, np.bool_)
    for s in seeds:
        mark[s] = True
    hit = 0
    for s in range(ptr.shape[0] - 1):
        for h in range(ptr[s], ptr[s + 1]):
            if mark[nodes[h]]:
                hit += 1
                break
    return hit
