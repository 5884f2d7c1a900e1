"""Edge arrays to the engine's ``CSRGraph``: the one conversion every graph source ends in.

``csr_from_edges`` takes edges as two endpoint arrays (one arc per edge when directed,
two when not); ``csr_from_arcs`` takes arcs that already hold both directions (a
NetworkX adjacency). Both sort rows by head and drop self-loops and repeats in one
jitted radix sort (``_csr_arcs``, O(m)), counted in one warning.
``csr_from_simple_edges`` is ``csr_from_edges(..., directed=False)`` for the generators'
edges, which have neither: a counting sort into rows and an insertion sort per row
(``_csr_simple``), 2x faster at 10^4 nodes, and the default run need not compile the radix sort.
"""
from __future__ import annotations

import warnings

import numpy as np
from numba import njit

from simulation.graph.csr import CSRGraph

_INT32_MAX = np.iinfo(np.int32).max


@njit(cache=True)
def _csr_arcs(n, u, v, directed, keep_order):
    """Sort arcs by (tail, head, arc id) and drop self-loops and repeated arcs.

    A stable radix sort of the keys tail * 2^bits + head, read in arc order, gives the
    order of one sort by (tail, head, arc id): the first listing of a repeated arc comes
    first in its run and is the one kept. One pass over the edges places each key in the
    bucket of its top 10 bits (1024 ranges of consecutive tails); each bucket is then
    sorted on its remaining bits by stable counting passes of at most 11 bits in a
    scratch buffer (the size of the largest bucket, usually in cache). O(m) time, 8 bytes per arc besides the output
    (16 with ``keep_order``). Arc a is edge a (directed) or edge a // 2 read forwards
    (a even) or backwards (a odd).

    Parameters
    ----------
    n : int, number of nodes.
    u, v : int32 arrays, shape (E,), edge endpoints (internal ids in [0, n)).
    directed : bool; when False every edge gives two arcs.
    keep_order : bool; False skips ``order`` (saves 16 bytes per arc when no attributes).

    Returns
    -------
    order : int64 array, shape (m,) (or (0,)), the arc id kept at each CSR slot.
    indices : int32 array, shape (m,), arc heads, sorted within each row.
    indptr : int64 array, shape (n + 1,).
    n_loop_edges : int, edges with u == v.
    n_dup_arcs : int, arcs dropped because an earlier edge already gave the same arc.
    """
    n_edges = len(u)
    bits = 1
    while (1 << bits) < n:
        bits += 1
    # the key's top (at most 10) bits split the arcs into buckets of consecutive tails in one
    # pass over the edges; each bucket, small enough to stay in cache, is then sorted on the
    # remaining bits by 11-bit passes in a scratch buffer
    top = min(10, 2 * bits)
    low = 2 * bits - top
    passes = (low + 10) // 11
    width = (low + passes - 1) // passes if passes else 0
    digit = (1 << width) - 1
    start = np.zeros((1 << top) + 1, np.int64)
    n_loops = 0
    for e in range(n_edges):
        a = np.int64(u[e])
        b = np.int64(v[e])
        if a == b:
            n_loops += 1
            continue
        start[(((a << bits) | b) >> low) + 1] += 1
        if not directed:
            start[(((b << bits) | a) >> low) + 1] += 1
    biggest = 0
    for d in range(1 << top):
        biggest = max(biggest, start[d + 1])
        start[d + 1] += start[d]
    m_kept = start[1 << top]
    keys = np.empty(m_kept, np.int64)
    arcs = np.empty(m_kept if keep_order else 0, np.int64)
    fill = np.empty(len(start), np.int64)
    for d in range(len(start)):
        fill[d] = start[d]
    for e in range(n_edges):
        a = np.int64(u[e])
        b = np.int64(v[e])
        if a == b:
            continue
        for side in range(1 if directed else 2):
            key = (a << bits) | b if side == 0 else (b << bits) | a
            d = key >> low
            w = fill[d]
            fill[d] = w + 1
            keys[w] = key
            if keep_order:
                arcs[w] = e if directed else 2 * e + side
    scratch = np.empty(biggest if passes else 0, np.int64)
    scratch_arcs = np.empty(biggest if passes and keep_order else 0, np.int64)
    count = np.empty(digit + 2, np.int64)
    for d in range(1 << top):
        lo = start[d]
        hi = start[d + 1]
        if hi - lo < 2:
            continue
        for p in range(passes):
            shift = p * width
            for c in range(digit + 2):
                count[c] = 0
            for k in range(lo, hi):
                count[((keys[k] >> shift) & digit) + 1] += 1
            for c in range(digit + 1):
                count[c + 1] += count[c]
            for k in range(lo, hi):
                key = keys[k]
                c = (key >> shift) & digit
                w = count[c]
                count[c] = w + 1
                scratch[w] = key
                if keep_order:
                    scratch_arcs[w] = arcs[k]
            for k in range(hi - lo):
                keys[lo + k] = scratch[k]
                if keep_order:
                    arcs[lo + k] = scratch_arcs[k]
    heads = np.empty(m_kept, np.int32)
    order = np.empty(m_kept if keep_order else 0, np.int64)
    indptr = np.zeros(n + 1, np.int64)
    head_mask = (np.int64(1) << bits) - 1
    w = 0
    prev = -1
    for k in range(m_kept):
        key = keys[k]
        if key != prev:
            prev = key
            heads[w] = key & head_mask
            if keep_order:
                order[w] = arcs[k]
            indptr[(key >> bits) + 1] += 1
            w += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
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


@njit(cache=True)
def _csr_simple(n, u, v):
    """Undirected edges to CSR rows by a counting sort in edge order, then an insertion sort per row.

    The insertion sort costs O(row length + inversions): the generators' rows arrive
    nearly sorted (a growth model's node first lists its m targets, then the later nodes
    that link to it, in increasing order; G(n, p) pairs come in colex order, rows sorted).

    Parameters
    ----------
    n : int, number of nodes.
    u, v : int32 arrays, shape (E,), edge endpoints.

    Returns
    -------
    indptr : int64 array, shape (n + 1,); heads : int32 array, shape (2 E,), sorted within rows;
    simple : bool, False (and the arrays unusable) if an endpoint is out of [0, n), an edge is a
        self-loop or an edge repeats.
    """
    # empty + a zeroing loop, comparisons not min/max: Numba's np.zeros, min and max each compile an overload
    # (~0.1 s together on a cold cache, issue 12 target 6)
    indptr = np.empty(n + 1, np.int64)
    for i in range(n + 1):
        indptr[i] = 0
    for e in range(len(u)):
        a = u[e]
        b = v[e]
        if a == b or a < 0 or b < 0 or a >= n or b >= n:
            return indptr, np.empty(0, np.int32), False
        indptr[a + 1] += 1
        indptr[b + 1] += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
    fill = np.empty(n, np.int64)
    for i in range(n):
        fill[i] = indptr[i]
    heads = np.empty(indptr[n], np.int32)
    for e in range(len(u)):
        a = u[e]
        b = v[e]
        heads[fill[a]] = b
        fill[a] += 1
        heads[fill[b]] = a
        fill[b] += 1
    for i in range(n):
        lo = indptr[i]
        for k in range(lo + 1, indptr[i + 1]):
            x = heads[k]
            if x > heads[k - 1]:  # in order already (most arcs): nothing to move, no repeat
                continue
            j = k - 1
            while j >= lo and heads[j] > x:
                heads[j + 1] = heads[j]
                j -= 1
            if j >= lo and heads[j] == x:
                return indptr, heads, False
            heads[j + 1] = x
    return indptr, heads, True


def csr_from_simple_edges(n: int, u, v) -> CSRGraph:
    """``csr_from_edges(n, u, v, directed=False)`` for edges without self-loops or repeats (a generator's).

    Parameters
    ----------
    n : number of nodes (ids 0..n-1).
    u, v : integer arrays, shape (E,), edge endpoints as internal ids (values that fit int32).

    The same graph as ``csr_from_edges``; edges that are not simple after all take that path.
    """
    if 1 <= n <= _INT32_MAX:
        indptr, heads, simple = _csr_simple(n, np.ascontiguousarray(u, np.int32), np.ascontiguousarray(v, np.int32))
        if simple:
            return CSRGraph(indptr, heads, np.arange(n, dtype=np.int64), False, {})
    return csr_from_edges(n, u, v, directed=False)


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
