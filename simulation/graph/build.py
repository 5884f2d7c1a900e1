"""One entry point from anything a user calls a graph to the engine's ``CSRGraph``.

``build_graph`` accepts a ``CSRGraph`` (returned as is), a NetworkX graph, a generator
name with its parameters (``simulation.graph.generators``) or an edge-list file
(``simulation.graph.edgelist``). Every path ends in ``csr_from_edges``, the single
conversion from edge arrays to sorted, de-duplicated CSR arrays.
"""
from __future__ import annotations

import os
import warnings

import numpy as np
from numba import njit

from simulation.graph.csr import CSRGraph
from simulation.seeding import SeedLike

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
    order, indices, indptr, n_loops, n_dup_arcs = _csr_arcs(n, u, v, bool(directed), bool(attrs))
    n_dups = n_dup_arcs if directed else n_dup_arcs // 2
    if n_loops or n_dups:
        warnings.warn(
            f"{at}dropped {n_loops} self-loop{'s' * (n_loops != 1)} and "
            f"{n_dups} duplicate edge{'s' * (n_dups != 1)}",
            UserWarning,
            stacklevel=3,
        )
    edge_of_arc = order if directed else order >> 1
    arc_attrs = {name: np.asarray(val, dtype=np.float64)[edge_of_arc] for name, val in attrs.items()}
    if labels is None:
        labels = np.arange(n, dtype=np.int64)
    return CSRGraph(indptr, indices, labels, bool(directed), arc_attrs)


def labels_array(labels: list) -> np.ndarray:
    """Return node labels as int64 when all are integers, else as an object array."""
    if all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in labels):
        try:
            return np.array(labels, dtype=np.int64)
        except OverflowError:
            pass
    out = np.empty(len(labels), dtype=object)
    out[:] = labels
    return out


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def from_networkx(G, *, weight: str | None = "weight") -> CSRGraph:
    """Convert a NetworkX (Di/Multi)Graph to a ``CSRGraph``.

    Node ids follow ``G.nodes`` order and ``labels`` keeps the original node objects.
    Every edge attribute that is numeric on all edges becomes an ``edge_attrs`` entry
    of the same name. ``weight`` names the tie-strength attribute: it is kept even when
    some edges lack it (those get 1.0, NetworkX's convention) and, if named otherwise,
    is also stored as ``"weight"``. A non-numeric ``weight`` value raises ``ValueError``.
    """
    nodes = list(G.nodes)
    if not nodes:
        raise ValueError("graph is empty: the NetworkX graph has no nodes")
    index = {node: i for i, node in enumerate(nodes)}
    edges = list(G.edges(data=True))
    n_edges = len(edges)
    u = np.fromiter((index[a] for a, _, _ in edges), dtype=np.int32, count=n_edges)
    v = np.fromiter((index[b] for _, b, _ in edges), dtype=np.int32, count=n_edges)
    names: dict[str, int] = {}
    for _, _, d in edges:
        for key in d:
            names[key] = names.get(key, 0) + 1
    attrs: dict[str, np.ndarray] = {}
    for name, count in names.items():
        if name == weight:
            for a, b, d in edges:
                if name in d and not _is_number(d[name]):
                    raise ValueError(f"edge ({a!r}, {b!r}): {name} {d[name]!r} is not a number")
            attrs[name] = np.fromiter((d.get(name, 1.0) for _, _, d in edges), np.float64, n_edges)
        elif count == n_edges and all(_is_number(d[name]) for _, _, d in edges):
            attrs[name] = np.fromiter((d[name] for _, _, d in edges), np.float64, n_edges)
    if weight is not None and weight != "weight" and weight in attrs:
        attrs["weight"] = attrs[weight]
    return csr_from_edges(
        len(nodes), u, v, directed=G.is_directed(), labels=labels_array(nodes), attrs=attrs
    )


def build_graph(source, *, seed: SeedLike = None, weight: str | None = "weight", **params) -> CSRGraph:
    """Build the engine's ``CSRGraph`` from what the user gave.

    Parameters
    ----------
    source : ``CSRGraph`` (returned unchanged), NetworkX graph, generator name (str, see
        ``simulation.graph.generators.GENERATORS``) or path (str / os.PathLike) to an
        edge-list file (see ``simulation.graph.edgelist.read_edgelist``).
    seed : int, ``numpy.random.SeedSequence`` or None; generators draw only from
        ``Generator(PCG64(seed))``. A model passes its run's ``substream(ss, "graph")``.
    weight : NetworkX edge attribute holding tie strengths (see ``from_networkx``).
    **params : generator parameters (e.g. ``n=1000, m=3``), or for a file
        ``directed=True``.
    """
    import networkx as nx

    from simulation.graph import edgelist, generators

    if isinstance(source, CSRGraph):
        _no_params(params, "a CSRGraph")
        return source
    if isinstance(source, nx.Graph):
        _no_params(params, "a NetworkX graph")
        return from_networkx(source, weight=weight)
    if isinstance(source, str) and source in generators.GENERATORS:
        return generators.generate(source, seed=seed, **params)
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not os.path.exists(path):
            raise ValueError(
                f"graph source {path!r} is neither a generator (known: "
                f"{', '.join(sorted(generators.GENERATORS))}) nor an existing file"
            )
        return edgelist.read_edgelist(path, **params)
    raise TypeError(
        "graph source must be a CSRGraph, a NetworkX graph, a generator name or an "
        f"edge-list path, got {type(source).__name__}"
    )


def _no_params(params: dict, what: str) -> None:
    if params:
        raise TypeError(f"build_graph: parameters {sorted(params)} do not apply to {what}")
