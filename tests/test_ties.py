"""Tie strength models."""
from __future__ import annotations

import networkx as nx
import numpy as np

from simulation.graph.build import build_graph
from simulation.ties import TieConfig, common_neighbours, tie_strength


def test_common_neighbours_matches_networkx():
    G = nx.powerlaw_cluster_graph(200, 3, 0.5, seed=2)
    g = build_graph(G)
    cn = common_neighbours(g.indptr, g.indices)
    lab = g.labels
    for e in range(0, g.m, 7):
        u, v = lab[g.tails[e]], lab[g.indices[e]]
        assert cn[e] == len(list(nx.common_neighbors(G, u, v)))


def test_models():
    g = build_graph(nx.barabasi_albert_graph(2000, 3, seed=1))
    rng = np.random.default_rng(0)
    assert (tie_strength(TieConfig(model="constant", p=0.3), g, rng) == 0.3).all()
    w = tie_strength(TieConfig(model="beta", a=2, b=8), g, rng)
    se = np.sqrt(2 * 8 / (10**2 * 11)) / np.sqrt(g.m)  # Beta(2, 8) sd / sqrt(arcs)
    assert abs(w.mean() - 0.2) < 4 * se
    e = tie_strength(TieConfig(model="embeddedness", base=0.01, scale=0.5), g, rng)
    shared = common_neighbours(g.indptr, g.indices)
    np.testing.assert_allclose(e, np.clip(0.01 + 0.5 * shared / (shared + 1.0), 0, 1))
    assert e[shared > 0].min() > e[shared == 0].max()


def test_strong_weak_ties_follow_embeddedness():
    from simulation.graph.generators import generate

    g = generate("stochastic_block", seed=2, sizes=[8] * 30, p_in=1.0, p_out=0.01)
    w = tie_strength(TieConfig(model="strong_weak", strong=0.3, weak=0.01, min_shared=3), g, np.random.default_rng(0))
    same_block = (g.tails // 8) == (g.indices // 8)
    shared = common_neighbours(g.indptr, g.indices)
    np.testing.assert_array_equal(w, np.where(shared >= 3, 0.3, 0.01))
    assert (w[same_block] == 0.3).all() and (w[~same_block] == 0.01).mean() > 0.95
