"""The engine's graph: compressed sparse row (CSR) arrays plus a map back to node labels.

A graph is converted once from whatever the user gave (NetworkX graph, generator name,
edge-list file; see ``simulation.graph.build``) into a ``CSRGraph``. Kernels read
``indptr`` / ``indices`` directly. Undirected graphs store each edge in both directions,
so every arc has its own id (its position in ``indices``): the two directions of a
friendship are two independent chances to pass something on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numba import njit


@njit(cache=True)
def _count_heads(indices, n):
    """Arcs into each node (int64, shape (n,)): ``np.bincount(indices, minlength=n)`` without its int64 copy."""
    out = np.zeros(n, np.int64)
    for h in indices:
        out[h] += 1
    return out


@dataclass(frozen=True, eq=False)
class CSRGraph:
    """A directed view of a social graph in CSR form.

    Parameters
    ----------
    indptr : int64 array, shape (n + 1,)
        Out-arcs of node i are ``indices[indptr[i]:indptr[i + 1]]``.
    indices : int32 array, shape (m,)
        Arc heads (internal node ids 0..n-1), sorted within each row.
    labels : array, shape (n,)
        Original node label of each internal id (ints for generated graphs).
    directed : bool
        False when the source graph was undirected (then m = 2 × edges).
    edge_attrs : dict of str -> float64 array, shape (m,)
        Numeric edge attributes per arc (e.g. ``"weight"``), aligned with ``indices``.
    """

    indptr: np.ndarray
    indices: np.ndarray
    labels: np.ndarray
    directed: bool = False
    edge_attrs: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self):
        n = len(self.indptr) - 1
        if n < 1:
            raise ValueError("graph is empty: it has no nodes")
        if self.indptr[0] != 0 or self.indptr[-1] != len(self.indices):
            raise ValueError("indptr must start at 0 and end at len(indices)")
        if len(self.labels) != n:
            raise ValueError(f"labels has {len(self.labels)} entries for {n} nodes")
        for name, arr in self.edge_attrs.items():
            if len(arr) != len(self.indices):
                raise ValueError(f"edge attribute {name!r} has {len(arr)} values for {len(self.indices)} arcs")

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.indptr) - 1

    @property
    def m(self) -> int:
        """Number of arcs (directed edges; 2 × edges for an undirected graph)."""
        return len(self.indices)

    @property
    def n_edges(self) -> int:
        """Number of edges as the user counts them (arcs / 2 when undirected)."""
        return self.m if self.directed else self.m // 2

    @cached_property
    def out_degree(self) -> np.ndarray:
        """Out-degree of every node (int64, shape (n,))."""
        return np.diff(self.indptr)

    @cached_property
    def in_degree(self) -> np.ndarray:
        """In-degree of every node (int64, shape (n,)); read-only by convention (cached)."""
        if not self.directed:  # each edge is stored both ways: arcs in = arcs out, no pass over the arcs
            return self.out_degree
        return _count_heads(self.indices, self.n)

    @cached_property
    def tails(self) -> np.ndarray:
        """Source node of every arc (int32, shape (m,))."""
        return np.repeat(np.arange(self.n, dtype=np.int32), self.out_degree)

    @cached_property
    def transpose(self) -> "CSRGraph":
        """The reversed graph (in-arcs as rows); ``in_arc`` maps its arcs back to arcs here."""
        order = np.lexsort((self.tails, self.indices))
        heads = self.indices[order]
        indptr = np.zeros(self.n + 1, np.int64)
        np.cumsum(np.bincount(heads, minlength=self.n), out=indptr[1:])
        attrs = {k: v[order] for k, v in self.edge_attrs.items()}
        return CSRGraph(indptr, self.tails[order].astype(np.int32), self.labels, self.directed, attrs)

    @cached_property
    def in_arc(self) -> np.ndarray:
        """For the transpose: the arc id (in this graph) of each in-arc (int64, shape (m,))."""
        return np.lexsort((self.tails, self.indices)).astype(np.int64)

    @cached_property
    def label_to_id(self) -> dict:
        """Map from original node label to internal id."""
        return {lab: i for i, lab in enumerate(self.labels.tolist())}

    def ids(self, labels) -> np.ndarray:
        """Return internal ids (int64) of ``labels``; raise ``ValueError`` naming an unknown one."""
        lookup = self.label_to_id
        out = np.empty(len(labels), np.int64)
        for j, lab in enumerate(labels):
            try:
                out[j] = lookup[lab]
            except (KeyError, TypeError):
                raise ValueError(f"unknown node label {lab!r}: it is not in the graph") from None
        return out

    def edge_attr(self, name: str) -> np.ndarray:
        """Return the per-arc attribute ``name``; raise ``ValueError`` listing those available."""
        try:
            return self.edge_attrs[name]
        except KeyError:
            raise ValueError(
                f"edge attribute {name!r} not found; the graph has {sorted(self.edge_attrs) or 'none'}"
            ) from None

    def to_networkx(self):
        """Return the graph as a NetworkX (Di)Graph with the original labels (for small graphs)."""
        import networkx as nx

        g = nx.DiGraph() if self.directed else nx.Graph()
        g.add_nodes_from(self.labels.tolist())
        lab = self.labels
        tails, heads = self.tails, self.indices
        for e in range(self.m):
            g.add_edge(lab[tails[e]], lab[heads[e]], **{k: float(v[e]) for k, v in self.edge_attrs.items()})
        return g
