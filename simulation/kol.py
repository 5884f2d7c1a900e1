"""KOLs (key opinion leaders): who they are, who follows them, when they post and what it costs.

Selection strategies (``kol.strategy``), for KOLs that are graph nodes:

* ``top_degree`` — the ``count`` nodes with most followers (out-degree);
* ``pagerank`` — highest PageRank (damping 0.85, 50 power iterations on the CSR arrays);
* ``engagement`` — highest expected engaged audience per post, out-degree x
  activity x share propensity (followers of an active, sharing person engage more);
* ``micro`` — uniformly at random among nodes whose out-degree lies in the
  ``micro_band`` quantiles (default 90th-99th percentile: mid-sized audiences);
* ``bridges`` — highest betweenness: NetworkX k-sample ``betweenness_centrality``
  (k = ``bridge_samples``, seeded from the "kol" stream) when n <= ``exact_bridges_max_n``;
  on larger graphs a cheap proxy, the number of pairs of neighbours that are not
  themselves linked, d(d-1)/2 - triangles (the structural holes a node spans; it upper-
  bounds ego-network betweenness, Everett & Borgatti 2005);
* ``random`` — uniformly at random.

External KOLs (``external = true``) are accounts outside the graph: each has
``followers`` followers drawn uniformly without replacement from the population; the
strategy is ignored for them. Graph KOLs' followers are their out-neighbours.

Posting: KOL k posts on day t (``start_day <= t <= end_day``) iff
floor(t * posts_per_week / 7) > floor((t - 1) * posts_per_week / 7); each post costs
``fee_per_post`` (``kol_spend`` is the fees of posts actually made). A post reaches each
follower (slot s of the audience arrays) iff ``uniform(key, KOL_REACH, s, t) <
engagement_rate``; a reached, online follower is exposed with source strength
``credibility``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numba import njit
from pydantic import Field, model_validator

from .config.base import Money, Probability, Window
from .graph.csr import CSRGraph

STRATEGIES = ("top_degree", "pagerank", "engagement", "micro", "bridges", "random")


class KOLConfig(Window):
    """The KOL plan."""

    count: int = Field(0, ge=0)
    strategy: Literal["top_degree", "pagerank", "engagement", "micro", "bridges", "random"] = "top_degree"
    fee_per_post: Money = 0.0
    posts_per_week: float = Field(1.0, ge=0.0, le=7.0)
    engagement_rate: Probability = 0.05
    credibility: Probability = 0.05
    external: bool = False
    followers: int = Field(1000, ge=0)
    micro_band: tuple[Probability, Probability] = (0.90, 0.99)
    bridge_samples: int = Field(100, ge=1)
    exact_bridges_max_n: int = Field(2000, ge=0)

    @model_validator(mode="after")
    def _check(self):
        if self.micro_band[0] > self.micro_band[1]:
            raise ValueError(f"micro_band: low {self.micro_band[0]} > high {self.micro_band[1]}")
        return self


@dataclass
class KOLs:
    """Chosen KOLs and their audiences (CSR: followers of KOL k are ``followers[indptr[k]:indptr[k+1]]``)."""

    nodes: np.ndarray  # int64 graph ids (-1 for external accounts)
    indptr: np.ndarray  # int64 (k + 1,)
    followers: np.ndarray  # int32

    @property
    def count(self) -> int:
        """Number of KOLs."""
        return len(self.nodes)


@njit(cache=True)
def pagerank(indptr, indices, damping=0.85, iters=50):
    """PageRank by power iteration over out-arcs; dangling mass spread uniformly (float64 (n,))."""
    n = indptr.shape[0] - 1
    pr = np.full(n, 1.0 / n)
    for _ in range(iters):
        nxt = np.zeros(n)
        dangling = 0.0
        for u in range(n):
            d = indptr[u + 1] - indptr[u]
            if d == 0:
                dangling += pr[u]
            else:
                share = pr[u] / d
                for e in range(indptr[u], indptr[u + 1]):
                    nxt[indices[e]] += share
        base = (1.0 - damping) / n + damping * dangling / n
        for v in range(n):
            nxt[v] = base + damping * nxt[v]
        pr = nxt
    return pr


def _structural_holes(graph: CSRGraph) -> np.ndarray:
    from .ties import common_neighbours

    deg = graph.out_degree.astype(np.float64)
    tri = np.bincount(graph.tails, weights=common_neighbours(graph.indptr, graph.indices), minlength=graph.n) / 2.0
    return deg * (deg - 1) / 2.0 - tri


def _top(score: np.ndarray, k: int) -> np.ndarray:
    # Stable order: highest score first, ties broken by lower node id.
    order = np.lexsort((np.arange(len(score)), -score))
    return order[:k].astype(np.int64)


def select_kols(cfg: KOLConfig, graph: CSRGraph, activity: np.ndarray, share_propensity: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """Return the graph ids (int64) of the ``cfg.count`` KOLs chosen by ``cfg.strategy``."""
    n, k = graph.n, cfg.count
    if k > n:
        raise ValueError(f"kol.count: cannot choose {k} KOLs among {n} people")
    deg = graph.out_degree.astype(np.float64)
    s = cfg.strategy
    if k == 0:
        return np.empty(0, np.int64)
    if s == "top_degree":
        return _top(deg, k)
    if s == "pagerank":
        return _top(pagerank(graph.indptr, graph.indices), k)
    if s == "engagement":
        return _top(deg * activity * share_propensity, k)
    if s == "micro":
        lo, hi = np.quantile(deg, cfg.micro_band)
        pool = np.flatnonzero((deg >= lo) & (deg <= hi))
        if len(pool) < k:
            raise ValueError(f"kol.micro_band: only {len(pool)} nodes in the degree band [{lo:g}, {hi:g}] for {k} KOLs")
        return np.sort(rng.choice(pool, size=k, replace=False)).astype(np.int64)
    if s == "bridges":
        if n <= cfg.exact_bridges_max_n:
            import networkx as nx

            g = nx.DiGraph()
            g.add_nodes_from(range(n))
            g.add_edges_from(zip(graph.tails.tolist(), graph.indices.tolist()))
            bc = nx.betweenness_centrality(g, k=min(cfg.bridge_samples, n), seed=int(rng.integers(2**31)))
            return _top(np.array([bc[i] for i in range(n)]), k)
        return _top(_structural_holes(graph), k)
    return np.sort(rng.choice(n, size=k, replace=False)).astype(np.int64)


def build_kols(cfg: KOLConfig, graph: CSRGraph, activity: np.ndarray, share_propensity: np.ndarray,
               rng: np.random.Generator) -> KOLs:
    """Choose the KOLs and their audiences (graph nodes: out-neighbours; external: random followers)."""
    if cfg.external:
        if cfg.followers > graph.n:
            raise ValueError(f"kol.followers: {cfg.followers} followers exceed the population of {graph.n}")
        lists = [np.sort(rng.choice(graph.n, size=cfg.followers, replace=False)) for _ in range(cfg.count)]
        nodes = np.full(cfg.count, -1, np.int64)
    else:
        nodes = select_kols(cfg, graph, activity, share_propensity, rng)
        lists = [graph.indices[graph.indptr[v]:graph.indptr[v + 1]] for v in nodes]
    indptr = np.zeros(cfg.count + 1, np.int64)
    np.cumsum([len(x) for x in lists], out=indptr[1:])
    followers = np.concatenate(lists).astype(np.int32) if lists else np.empty(0, np.int32)
    return KOLs(nodes, indptr, followers)


def posts_on(day: int, posts_per_week: float) -> bool:
    """True when a KOL with ``posts_per_week`` posts on ``day`` (evenly spread, day 1 first)."""
    return int(np.floor(day * posts_per_week / 7.0 + 1e-9)) > int(np.floor((day - 1) * posts_per_week / 7.0 + 1e-9))
