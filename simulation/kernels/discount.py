"""Degree-discount seed selection for Independent Cascade (Chen, Wang & Yang, KDD 2009)."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def degree_discount(indptr, indices, t_indptr, t_tails, in_arc, prob, k):
    """DegreeDiscountIC with per-arc probabilities; return the k chosen node ids in order.

    Node v's score is ``(1 - a_v) · (1 + b_v)``: ``a_v`` sums the probabilities of arcs
    from chosen nodes into v (first-order chance v is already reached), ``b_v`` those of
    v's arcs to unchosen nodes (its one-hop spread). With one p on an undirected graph,
    ``a_v = t_v p`` and ``b_v = (d_v - t_v) p``, so the score is
    ``1 + p · (d_v - 2 t_v - (d_v - t_v) t_v p)``: a monotone map of the paper's
    discounted degree; with one p the kernel scores that expression itself (and its
    directed form ``d_v - s_v - t_v - (d_v - s_v) t_v p``, s_v = chosen out-neighbours),
    so the picks are the paper's, ties included. Ties go to the lowest id.

    Parameters
    ----------
    indptr, indices : forward CSR arrays; t_indptr, t_tails, in_arc : its transpose
        (``CSRGraph.transpose`` / ``CSRGraph.in_arc``).
    prob : float64 (m,) or (1,)  Arc probabilities; length 1 = same for all.
    k : int                      Number of seeds (<= n).
    """
    n = indptr.shape[0] - 1
    uniform_p = prob.shape[0] == 1
    p0 = prob[0]
    # a_v = p·t_v and b_v = p·(d_v - s_v) with one p: kept as integer counts so that the
    # score is the paper's expression to the last bit (ties then break as in the paper)
    t = np.zeros(n, np.int64)
    s = np.zeros(n, np.int64)
    d = np.zeros(n, np.int64)
    a = np.zeros(n)
    b = np.zeros(n)
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            if indices[e] != u:
                d[u] += 1
                b[u] += p0 if uniform_p else prob[e]
    score = np.empty(n)
    for u in range(n):
        score[u] = _score(d[u], s[u], t[u], a[u], b[u], p0, uniform_p)
    chosen = np.zeros(n, np.bool_)
    out = np.empty(k, np.int64)
    for j in range(k):
        v = -1
        best = -np.inf
        for u in range(n):
            if not chosen[u] and score[u] > best:
                best = score[u]
                v = u
        out[j] = v
        chosen[v] = True
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            if not chosen[w]:
                t[w] += 1
                a[w] += p0 if uniform_p else prob[e]
                score[w] = _score(d[w], s[w], t[w], a[w], b[w], p0, uniform_p)
        # nodes pointing at v lose the arc to it from their one-hop spread
        for h in range(t_indptr[v], t_indptr[v + 1]):
            u = t_tails[h]
            if not chosen[u]:
                s[u] += 1
                b[u] -= p0 if uniform_p else prob[in_arc[h]]
                score[u] = _score(d[u], s[u], t[u], a[u], b[u], p0, uniform_p)
    return out


@njit(inline="always", cache=True)
def _score(d, s, t, a, b, p, uniform_p):
    """Discounted degree: the paper's d - 2t - (d - t)·t·p (s = t undirected), else (1 - a)(1 + b)."""
    if uniform_p:
        return (d - s - t) - (d - s) * t * p
    return (1.0 - a) * (1.0 + b)
