"""The app's network view: a fixed sample of the graph, laid out once, recoloured each day."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.model import SocialCommerceModel

#: Most people drawn in the network view (a breadth-first sample around KOLs and seeds beyond it).
VIEW_MAX = 400
#: Force-directed layout iterations for the network view (computed once per model).
LAYOUT_ITERATIONS = 60
#: Node states of the network view, in drawing priority (a KOL who bought is drawn as a KOL).
STATE_NAMES = ("not reached", "exposed", "bought", "shared", "KOL")
STATE_COLOURS = ("#c8c8c8", "#7fb3e6", "#d62728", "#ff9f1c", "#6a3d9a")


@dataclass
class NetworkView:
    """A fixed sample of the graph and its layout: ``nodes`` (graph ids), ``xy`` (len(nodes), 2)
    positions, ``edges`` (pairs of indices into ``nodes``)."""

    nodes: np.ndarray
    xy: np.ndarray
    edges: np.ndarray


def view_nodes(model: SocialCommerceModel, limit: int = VIEW_MAX) -> np.ndarray:
    """Graph ids shown in the network view: everyone when n <= limit, else a breadth-first
    sample of ``limit`` people grown from the KOLs and day-0 buyers (where diffusion starts)."""
    eng = model.engine
    g = eng.graph
    if g.n <= limit:
        return np.arange(g.n, dtype=np.int64)
    kols = eng.kols.nodes[eng.kols.nodes >= 0]
    roots = [int(v) for v in np.concatenate([eng.seeds, kols])]
    seen: dict[int, None] = {}
    frontier = list(dict.fromkeys(roots))
    # Grow from all roots together so no single high-degree KOL fills the view.
    while frontier and len(seen) < limit:
        nxt = []
        for v in frontier:
            if v in seen:
                continue
            seen[v] = None
            if len(seen) >= limit:
                break
            nxt.extend(int(u) for u in g.indices[g.indptr[v]:g.indptr[v + 1]] if int(u) not in seen)
        frontier = list(dict.fromkeys(nxt))
    return np.sort(np.fromiter(seen, np.int64, len(seen)))


def network_view(model: SocialCommerceModel, limit: int = VIEW_MAX) -> NetworkView:
    """The model's network view, laid out once (spring layout started from the model's own
    Mesa ``rng``, which the engine never draws from) and cached on the model."""
    cached = getattr(model, "_view", None)
    if cached is not None:
        return cached
    import networkx as nx

    g = model.engine.graph
    nodes = view_nodes(model, limit)
    local = np.full(g.n, -1, np.int64)
    local[nodes] = np.arange(len(nodes))
    tails = np.repeat(np.arange(g.n), np.diff(g.indptr))
    keep = (local[tails] >= 0) & (local[g.indices] >= 0) & (tails < g.indices)
    edges = np.column_stack([local[tails[keep]], local[g.indices[keep]]])
    G = nx.Graph()
    G.add_nodes_from(range(len(nodes)))
    G.add_edges_from(map(tuple, edges.tolist()))
    start = model.rng.uniform(-1.0, 1.0, size=(len(nodes), 2))
    pos = nx.spring_layout(G, pos={i: start[i] for i in range(len(nodes))}, iterations=LAYOUT_ITERATIONS)
    xy = np.array([pos[i] for i in range(len(nodes))]).reshape(len(nodes), 2)
    view = NetworkView(nodes, xy, edges.reshape(-1, 2))
    model._view = view
    return view


def node_states(model: SocialCommerceModel, nodes: np.ndarray) -> np.ndarray:
    """Index into ``STATE_NAMES`` of each node today (the highest-priority state wins)."""
    eng = model.engine
    state = np.zeros(len(nodes), np.int64)
    state[eng.exposed[nodes]] = 1
    state[eng.bought[nodes]] = 2
    state[eng.shared[nodes]] = 3
    is_kol = np.zeros(eng.n, bool)
    is_kol[eng.kols.nodes[eng.kols.nodes >= 0]] = True
    state[is_kol[nodes]] = 4
    return state
