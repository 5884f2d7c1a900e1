"""One entry point from anything a user calls a graph to the engine's ``CSRGraph``.

``build_graph`` accepts a ``CSRGraph`` (returned as is), a NetworkX graph, a generator
name with its parameters (``simulation.graph.generators``) or an edge-list file
(``simulation.graph.edgelist``). Every path ends in ``simulation.graph.arcs``, the
single conversion from edge arrays to sorted, de-duplicated CSR arrays.
"""
from __future__ import annotations

import os
from itertools import chain, repeat

import numpy as np

from simulation.graph.arcs import csr_from_arcs, csr_from_edges
from simulation.graph.csr import CSRGraph
from simulation.seeding import SeedLike

#: Python types whose values are numbers (not bool); numpy scalars are checked by subclass.
_NUMBER_TYPES = (int, float, np.integer, np.floating)


def labels_array(labels: list) -> np.ndarray:
    """Return node labels as int64 when all are integers, else as an object array."""
    if all(issubclass(t, (int, np.integer)) and not issubclass(t, bool) for t in set(map(type, labels))):
        try:
            return np.array(labels, dtype=np.int64)
        except OverflowError:
            pass
    out = np.empty(len(labels), dtype=object)
    out[:] = labels
    return out


def _is_number(x) -> bool:
    return isinstance(x, _NUMBER_TYPES) and not isinstance(x, bool)


def _all_numbers(values: list) -> bool:
    """True when every value is a number (not bool); one check per distinct type."""
    return all(issubclass(t, _NUMBER_TYPES) and not issubclass(t, bool) for t in set(map(type, values)))


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
    adj = getattr(G, "_adj", None)
    if G.is_multigraph() or type(adj) is not dict:
        return _from_edge_view(G, nodes, weight)
    return _from_adjacency(G, adj, nodes, weight)


def _node_ids(nodes: list, keys, count: int) -> np.ndarray:
    """Internal ids (int32) of the node objects ``keys`` yields (``count`` of them)."""
    if nodes == list(range(len(nodes))):
        return np.fromiter(keys, np.int32, count)  # labels 0..n-1 in order: the id is the label
    index = dict(zip(nodes, range(len(nodes))))
    return np.fromiter(map(index.__getitem__, keys), np.int32, count)


def _from_adjacency(G, adj: dict, nodes: list, weight: str | None) -> CSRGraph:
    """Simple (Di)Graph: its adjacency dict already holds every arc, row by row, once.

    Reads the dict-of-dicts at C speed (``map``/``chain`` over dict views, no Python
    loop per arc): the rows become CSR rows (heads sorted by ``csr_from_arcs``). Each
    edge's data dict is read once (an undirected edge's two arcs share one dict; the
    reverse arc copies its values): touching the scattered dicts is what costs.
    """
    rows = list(adj.values())
    degree = np.fromiter(map(len, rows), np.int64, len(rows))
    m = int(degree.sum())
    tails = np.repeat(np.arange(len(nodes), dtype=np.int32), degree)
    heads = _node_ids(nodes, chain.from_iterable(rows), m)
    data = list(chain.from_iterable(map(dict.values, rows)))
    # read each dict once: at every arc when directed, else at the arcs with tail <= head
    own = np.arange(m) if G.is_directed() else np.flatnonzero(heads >= tails)
    read = list(map(data.__getitem__, own.tolist()))
    values = _arc_attrs(read, weight, lambda k: _edge_name(tails[own], heads[own], nodes, k))
    if values and len(own) < m:
        rest, partner = _reverse_arcs(tails, heads, len(nodes))
    attrs = {}
    for name, val in values.items():
        arc_val = np.empty(m, np.float64)
        arc_val[own] = val
        if len(own) < m:
            arc_val[rest] = arc_val[partner]
        attrs[name] = arc_val
    return csr_from_arcs(
        len(nodes), tails, heads, directed=G.is_directed(), labels=labels_array(nodes), attrs=attrs
    )


def _reverse_arcs(tails: np.ndarray, heads: np.ndarray, n: int):
    """Pair the arcs of a symmetric arc list: (rest, partner), ``rest`` the arcs with
    tail > head and ``partner[i]`` the arc reversing ``rest[i]``. Sorting the arcs with
    tail < head by (tail, head) and the rest by (head, tail) lines the two directions
    of every edge up."""
    rest = np.flatnonzero(heads < tails)
    pair = np.flatnonzero(heads > tails)  # own arcs that are not self-loops
    key = tails[pair].astype(np.int64) * n + heads[pair]
    rkey = heads[rest].astype(np.int64) * n + tails[rest]
    partner = np.empty(len(rest), np.int64)
    partner[np.argsort(rkey, kind="stable")] = pair[np.argsort(key, kind="stable")]
    return rest, partner


def _edge_name(u, v, nodes: list, k: int) -> str:
    return f"({nodes[u[k]]!r}, {nodes[v[k]]!r})"


def _from_edge_view(G, nodes: list, weight: str | None) -> CSRGraph:
    """Multigraphs and graph views: one pass over ``G.edges(data=True)`` (first listed wins)."""
    edges = list(G.edges(data=True))
    n_edges = len(edges)
    u = _node_ids(nodes, (a for a, _, _ in edges), n_edges)
    v = _node_ids(nodes, (b for _, b, _ in edges), n_edges)
    data = [d for _, _, d in edges]
    attrs = _arc_attrs(data, weight, lambda k: _edge_name(u, v, nodes, k))
    return csr_from_edges(
        len(nodes), u, v, directed=G.is_directed(), labels=labels_array(nodes), attrs=attrs
    )


def _arc_attrs(data: list[dict], weight: str | None, name_edge) -> dict[str, np.ndarray]:
    """Numeric attributes of the data dicts ``data`` (one per edge or arc) as float arrays.

    ``weight`` is kept where some dicts lack it (1.0 there) and must be numeric where
    present (else ``ValueError`` naming the edge via ``name_edge(k)``); any other
    attribute is kept only when every dict holds a number under it.
    """
    if not data:
        return {}
    names = dict.fromkeys(chain.from_iterable(data))  # first-seen order, C speed
    missing = object()
    attrs: dict[str, np.ndarray] = {}
    for name in names:
        values = list(map(dict.get, data, repeat(name), repeat(missing)))
        present = [x for x in values if x is not missing] if name == weight else values
        if name == weight:
            if not _all_numbers(present):
                k = next(k for k, x in enumerate(values) if x is not missing and not _is_number(x))
                raise ValueError(f"edge {name_edge(k)}: {name} {values[k]!r} is not a number")
            if len(present) < len(values):
                values = [1.0 if x is missing else x for x in values]
            attrs[name] = np.array(values, np.float64)
        elif _all_numbers(values):
            attrs[name] = np.array(values, np.float64)
    if weight is not None and weight != "weight" and weight in attrs:
        attrs["weight"] = attrs[weight]
    return attrs


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
