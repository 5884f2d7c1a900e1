"""Edge arrays to the engine's ``CSRGraph``: the one conversion every graph source ends in.

``csr_from_edges`` takes edges as two endpoint arrays (one arc per edge when directed,
two when not); ``csr_from_arcs`` takes arcs that already hold both directions (a
NetworkX adjacency). Both sort rows by head and drop self-loops and repeats in one
jitted pass (``_csr_arcs``), counted in one warning.
"""
from __future__ import annotations

import warnings

import numpy as np
from numba import njit

from simulation.graph.csr import CSRGraph

_INT32_MAX = np.iinfo(np.int32).max


@njit(cache=True)
def _arc_endpoints(a, u, v, directed):
    """Tail and head of arc ``a``: arc a is edge a (directed) or edge a // 2 read forwards
    (a even) or backwards (a odd), so both directions of an edge stay next to each other."""
    if directed:
        return u[a], v[a]
    e = a >> 1
    if a & 1:
        return v[e], u[e]
    return u[e], v[e]


@njit(cache=True)
def _sort_row(heads, arcs, lo, hi):
    """Stable sort of heads[lo:hi] (arcs[lo:hi] moved along, unless arcs is empty);
    arcs are increasing on entry."""
    if len(arcs) == 0:
        heads[lo:hi] = np.sort(heads[lo:hi])
    elif hi - lo <= 32:
        for i in range(lo + 1, hi):
            h = heads[i]
            a = arcs[i]
            j = i - 1
            while j >= lo and heads[j] > h:
                heads[j + 1] = heads[j]
                arcs[j + 1] = arcs[j]
                j -= 1
            heads[j + 1] = h
            arcs[j + 1] = a
    else:
        perm = np.argsort(heads[lo:hi], kind="mergesort")
        heads[lo:hi] = heads[lo:hi][perm]
        arcs[lo:hi] = arcs[lo:hi][perm]


@njit(cache=True)
def _csr_arcs(n, u, v, directed, keep_order):
    """Sort arcs by (tail, head, edge order) and drop self-loops and repeated arcs.

    Parameters
    ----------
    n : int, number of nodes.
    u, v : int32 arrays, shape (E,), edge endpoints (internal ids in [0, n)).
    directed : bool; when False every edge gives two arcs.
    keep_order : bool; False skips ``order`` (saves 8 bytes per arc when no attributes).

    Returns
    -------
    order : int64 array, shape (m,) (or (0,)), the arc id (see ``_arc_endpoints``) kept
        at each CSR slot.
    indices : int32 array, shape (m,), arc heads, sorted within each row.
    indptr : int64 array, shape (n + 1,).
    n_loop_edges : int, edges with u == v.
    n_dup_arcs : int, arcs dropped because an earlier edge already gave the same arc.
    """
    n_edges = len(u)
    m_all = n_edges if directed else 2 * n_edges
    n_loops = 0
    start = np.zeros(n + 1, np.int64)
    for e in range(n_edges):
        if u[e] == v[e]:
            n_loops += 1
        else:
            start[u[e] + 1] += 1
            if not directed:
                start[v[e] + 1] += 1
    for i in range(n):
        start[i + 1] += start[i]
    row_start = start.copy()
    m_kept = start[n]
    # counting sort by tail, reading the edges in order: within a row, arcs stay in
    # edge order, so after a stable sort by head the first listing of a repeat wins
    heads = np.empty(m_kept, np.int32)
    order = np.empty(m_kept if keep_order else 0, np.int64)
    for a in range(m_all):
        t, h = _arc_endpoints(a, u, v, directed)
        if t != h:
            k = start[t]
            heads[k] = h
            if keep_order:
                order[k] = a
            start[t] = k + 1
    indptr = np.zeros(n + 1, np.int64)
    w = 0
    for i in range(n):
        lo = row_start[i]
        hi = row_start[i + 1]
        _sort_row(heads, order, lo, hi)
        prev = -1
        for k in range(lo, hi):
            if heads[k] != prev:
                prev = heads[k]
                heads[w] = prev
                if keep_order:
                    order[w] = order[k]
                w += 1
        indptr[i + 1] = w
    if w == m_kept:
        return order, heads, indptr, n_loops, 0
    if keep_order:
        order = order[:w].copy()
    return order, heads[:w].copy(), indptr, n_loops, m_kept - w


def csr_from_edges(
    n: int,
    u,
    v,
    *,
    directed: bool,
    labels=None,
    attrs: dict | None = None,
    where: str | None = None,
) -> CSRGraph:
    """Convert edge arrays to a ``CSRGraph``: rows sorted, self-loops and repeats dropped.

    Parameters
    ----------
    n : number of nodes (ids 0..n-1); 0 raises ``ValueError("graph is empty ...")``.
    u, v : integer arrays, shape (E,), edge endpoints as internal ids.
    directed : False stores each edge in both directions.
    labels : array, shape (n,), original node labels (default ``arange(n)``).
    attrs : dict name -> float array, shape (E,), numeric attributes per edge; each arc
        takes the value of the (first) edge it comes from.
    where : what to name in messages (e.g. the file name), or None.

    Self-loops and duplicate edges (for undirected graphs, (a, b) and (b, a) are the same
    edge; the first listed wins) are dropped and counted in one ``UserWarning``.
    """
    return _convert(n, u, v, directed, False, labels, attrs, where)


def csr_from_arcs(n: int, tails, heads, *, directed: bool, labels=None, attrs: dict | None = None) -> CSRGraph:
    """Convert arcs that already list both directions of an undirected edge to a ``CSRGraph``.

    Parameters as ``csr_from_edges``, except: tails, heads are arcs (an undirected edge
    appears as (a, b) and (b, a)); attrs hold one value per arc; ``directed`` only
    labels the result. Self-loops and repeated arcs are dropped and counted.
    """
    return _convert(n, tails, heads, directed, True, labels, attrs, None)


def _convert(n, u, v, directed, as_arcs, labels, attrs, where) -> CSRGraph:
    """Validate, sort and de-duplicate (see ``csr_from_edges``); ``as_arcs``: u, v are arcs."""
    at = f"{where}: " if where else ""
    if n < 1:
        raise ValueError(f"{at}graph is empty: it has no nodes")
    if n > _INT32_MAX:
        raise ValueError(f"{at}{n} nodes exceed the int32 node ids of CSRGraph")
    u = np.ascontiguousarray(u, dtype=np.int32)
    v = np.ascontiguousarray(v, dtype=np.int32)
    if u.shape != v.shape or u.ndim != 1:
        raise ValueError(f"{at}edge endpoint arrays must be 1-D and of equal length")
    if len(u) and (min(u.min(), v.min()) < 0 or max(u.max(), v.max()) >= n):
        raise ValueError(f"{at}edge endpoints must be node ids in [0, {n})")
    attrs = attrs or {}
    one_arc_each = bool(directed) or as_arcs
    order, indices, indptr, n_loops, n_dup_arcs = _csr_arcs(n, u, v, one_arc_each, bool(attrs))
    n_dups = n_dup_arcs if directed else n_dup_arcs // 2
    if n_loops or n_dups:
        warnings.warn(
            f"{at}dropped {n_loops} self-loop{'s' * (n_loops != 1)} and "
            f"{n_dups} duplicate edge{'s' * (n_dups != 1)}",
            UserWarning,
            stacklevel=4,
        )
    source_of_arc = order if one_arc_each else order >> 1
    arc_attrs = {name: np.asarray(val, dtype=np.float64)[source_of_arc] for name, val in attrs.items()}
    if labels is None:
        labels = np.arange(n, dtype=np.int64)
    return CSRGraph(indptr, indices, labels, bool(directed), arc_attrs)
