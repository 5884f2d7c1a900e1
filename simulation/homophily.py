"""Homophily: consumer segments that follow the graph's communities.

``population.homophily`` (TOML ``[population.homophily]``)::

    mixing = 0.0        # 0: segments ignore the graph (the independent draw); 1: segments are communities
    method = "louvain"  # "louvain", "label_propagation" or "blocks"
    resolution = 1.0    # Louvain's resolution (larger: more, smaller communities)

Rule (``follow_communities``), with K segments of shares s_k over n people:

1. *Communities* of the graph, its arcs taken as undirected friendships (unweighted):
   ``networkx.community.louvain_communities`` (seeded, ``resolution``), or
   ``networkx.community.fast_label_propagation_communities`` (seeded; linear time, for
   large graphs), or ``"blocks"``: the blocks of a ``stochastic_block`` generator graph
   (block r = the consecutive ids after blocks 0..r-1). The seed is the first draw of
   the run's ``homophily`` stream (``simulation.seeding``).
2. *Communities to segments*, respecting the shares exactly: segment k receives
   ``T_k`` people, the largest-remainder rounding of ``s_k * n``. Communities are taken
   from the largest (ties: the one holding the smallest id), each given whole to the
   segment with the largest remaining room ``T_k - assigned_k`` (ties: lowest k); a
   community larger than that room fills it with its smallest ids and the rest goes on
   to the next roomiest segment. Only communities that fit nowhere are split, so at
   mixing 1 the segment shares are exactly T_k / n and segments are unions of
   communities wherever the sizes allow.
3. *Mixing*: person i keeps the independent segment drawn as without homophily (the
   population stream's draw, unchanged) unless ``u_i < mixing``, in which case i takes
   their community's segment (``u_i`` the run's ``homophily`` stream, n uniforms after
   the seed). So each person's segment is their community's with probability
   ``mixing + (1 - mixing) s_k`` and the shares stay s_k in expectation.

``mixing = 0`` (the default) detects nothing and draws nothing: the population is the
one drawn without homophily, draw for draw. One segment: homophily changes nothing.

Cost (``python -m benchmarks homophily``, ``benchmarks/results/homophily.json``;
powerlaw_cluster graphs of mean degree 8, measured on the shared 2-core machine at a
load average of about 8, so an idle core is several times faster): Louvain 9.5 s at
10^4 nodes and 474 s at 10^5 (NetworkX's Louvain is pure Python and super-linear);
label propagation 2.2 s and 46 s; ``blocks`` nothing. Above a few 10^4 nodes use
``label_propagation`` (its many small communities fill the segment quotas as well; the
segment partition's modularity was 0.134 against Louvain's 0.164 at 10^5). The
communities of a graph are cached (the last two graphs, by identity), so the paired
counterfactual run on the same graph does not detect them again.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Literal

import numpy as np
from pydantic import Field

from .config.base import Probability, Strict
from .graph.csr import CSRGraph

METHODS = ("louvain", "label_propagation", "blocks")


class HomophilyConfig(Strict):
    """How far segments follow graph communities.

    mixing : probability (0-1) a person takes their community's segment (0: segments
        ignore the graph; 1: segments are communities).
    method : community detection, ``"louvain"``, ``"label_propagation"`` or ``"blocks"``
        (the blocks of a ``stochastic_block`` graph).
    resolution : Louvain's resolution parameter (> 0).
    """

    mixing: Probability = 0.0
    method: Literal["louvain", "label_propagation", "blocks"] = "louvain"
    resolution: float = Field(1.0, gt=0.0)


def check_homophily(cfg: HomophilyConfig, graph_cfg) -> None:
    """Raise ValueError (naming the field) if ``cfg`` cannot work on the scenario's ``[graph]``."""
    if cfg.mixing > 0 and cfg.method == "blocks" and getattr(graph_cfg, "generator", None) != "stochastic_block":
        raise ValueError("population.homophily.method: 'blocks' needs graph.generator = 'stochastic_block'")


def block_labels(sizes: list[int]) -> np.ndarray:
    """Block of each node of a ``stochastic_block`` graph with these block ``sizes`` (int64)."""
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


@lru_cache(maxsize=2)
def _detect(graph: CSRGraph, method: str, seed: int, resolution: float) -> np.ndarray:
    import networkx as nx

    tails, heads = graph.tails, graph.indices
    if not graph.directed:
        keep = tails < heads  # each friendship once
        tails, heads = tails[keep], heads[keep]
    G = nx.Graph()
    G.add_nodes_from(range(graph.n))
    G.add_edges_from(zip(tails.tolist(), heads.tolist()))
    if method == "louvain":
        parts = nx.community.louvain_communities(G, resolution=resolution, seed=seed)
    else:
        parts = nx.community.fast_label_propagation_communities(G, seed=seed)
    label = np.empty(graph.n, np.int64)
    for c, members in enumerate(parts):
        label[np.fromiter(members, np.int64, len(members))] = c
    label.flags.writeable = False
    return label


def communities(graph: CSRGraph, method: str, seed: int, resolution: float = 1.0,
                block_sizes: list[int] | None = None) -> np.ndarray:
    """Community id of every node (int64, n): detected by ``method`` or the SBM's ``block_sizes``.

    seed : integer seed of the detection; resolution : Louvain's resolution.
    """
    if method == "blocks":
        if block_sizes is None or sum(block_sizes) != graph.n:
            raise ValueError(f"population.homophily.method: 'blocks' needs the stochastic_block sizes of this "
                             f"graph ({graph.n} nodes), got {block_sizes}")
        return block_labels(block_sizes)
    if method not in METHODS:
        raise ValueError(f"population.homophily.method: unknown {method!r}; known: {list(METHODS)}")
    return _detect(graph, method, int(seed), float(resolution))


def quotas(shares: np.ndarray, n: int) -> np.ndarray:
    """Largest-remainder rounding of ``shares * n`` (int64, sums to n; ties to the lowest index)."""
    exact = np.asarray(shares, float) / np.sum(shares) * n
    q = np.floor(exact).astype(np.int64)
    extra = n - int(q.sum())
    order = np.lexsort((np.arange(len(q)), -(exact - q)))
    q[order[:extra]] += 1
    return q


def communities_to_segments(label: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Segment of every person (int8) when segments are unions of communities (rule 2 of the module)."""
    n = len(label)
    room = quotas(shares, n)
    ids = np.argsort(label, kind="stable")  # members of each community, ascending ids
    comm, start, size = np.unique(label[ids], return_index=True, return_counts=True)
    first = ids[start]  # smallest id of each community
    seg = np.empty(n, np.int8)
    for c in np.lexsort((first, -size)):
        members = ids[start[c]: start[c] + size[c]]
        done = 0
        while done < len(members):
            k = int(np.argmax(room))
            take = min(len(members) - done, int(room[k]))
            seg[members[done: done + take]] = k
            room[k] -= take
            done += take
    return seg


def follow_communities(cfg: HomophilyConfig, independent: np.ndarray, shares: np.ndarray, graph: CSRGraph,
                       rng: np.random.Generator, block_sizes: list[int] | None = None) -> np.ndarray:
    """Segments (int8, n) that follow ``graph``'s communities with probability ``cfg.mixing``.

    independent : the segments drawn without homophily (kept where a person does not follow);
    shares : segment shares (sum 1); rng : the run's ``homophily`` Generator;
    block_sizes : the SBM's block sizes (method ``"blocks"``).
    """
    seed = int(rng.integers(2**31))
    label = communities(graph, cfg.method, seed, cfg.resolution, block_sizes)
    follow = rng.random(len(independent)) < cfg.mixing
    return np.where(follow, communities_to_segments(label, shares), independent).astype(np.int8)
