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
def _before(heads, arcs, i, j):
    """True if slot i sorts before slot j: by head, then by arc id (when arcs are kept)."""
    if heads[i] != heads[j]:
        return heads[i] < heads[j]
    return len(arcs) > 0 and arcs[i] < arcs[j]


@njit(cache=True)
def _swap(heads, arcs, i, j):
    heads[i], heads[j] = heads[j], heads[i]
    if len(arcs) > 0:
        arcs[i], arcs[j] = arcs[j], arcs[i]


@njit(cache=True)
def _sift(heads, arcs, lo, root, end):
    """Restore the max-heap below ``root`` over slots lo..end-1 (heap index = slot - lo)."""
    while True:
        child = 2 * (root - lo) + 1 + lo
        if child >= end:
            return
        if child + 1 < end and _before(heads, arcs, child, child + 1):
            child += 1
        if not _before(heads, arcs, root, child):
            return
        _swap(heads, arcs, root, child)
        root = child


@njit(cache=True)
def _sort_row(heads, arcs, lo, hi):
    """Sort slots lo..hi-1 by (head, arc id) (arcs moved along unless empty): insertion
    sort for short rows, heapsort for long ones. Hand-written rather than np.argsort,
    whose Numba implementation takes seconds to compile on a cold cache."""
    if hi - lo <= 32:
        for i in range(lo + 1, hi):
            j = i
            while j > lo and _before(heads, arcs, j, j - 1):
                _swap(heads, arcs, j, j - 1)
                j -= 1
        return
    for root in range(lo + (hi - lo) // 2 - 1, lo - 1, -1):
        _sift(heads, arcs, lo, root, hi)
    for end in range(hi - 1, lo, -1):
        _swap(heads, arcs, lo, end)
        _sift(heads, arcs, lo, lo, end)


@njit(cache=True)
def _csr_arcs(n, u, v, directed, keep_order):
    """Sort arcs by (tail, head, arc id) and drop self-loops and repeated arcs.

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
    row_start = np.empty(n + 1, np.int64)
    for i in range(n + 1):
        row_start[i] = start[i]
    m_kept = start[n]
    # counting sort by tail, reading the arcs in order; then each row by (head, arc id),
    # so the first listing of a repeated arc comes first and is the one kept
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
    # copies by loop: slicing compiles slowly and a view would keep the dropped tail
    kept_heads = np.empty(w, np.int32)
    kept_order = np.empty(w if keep_order else 0, np.int64)
    for k in range(w):
        kept_heads[k] = heads[k]
        if keep_order:
            kept_order[k] = order[k]
    return kept_order, kept_heads, indptr, n_loops, m_kept - w


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
