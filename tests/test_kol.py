"""KOL selection strategies, audiences and posting schedule."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from simulation.graph.build import build_graph
from simulation.kol import KOLConfig, build_kols, pagerank, posts_on, select_kols


@pytest.fixture(scope="module")
def graph():
    return build_graph(nx.barabasi_albert_graph(600, 3, seed=4))


def test_top_degree_and_pagerank(graph):
    ones = np.ones(graph.n)
    top = select_kols(KOLConfig(count=5, strategy="top_degree"), graph, ones, ones, np.random.default_rng(0))
    deg = graph.out_degree
    assert sorted(deg[top]) == sorted(np.sort(deg)[-5:])
    pr = pagerank(graph.indptr, graph.indices)
    ref = nx.pagerank(graph.to_networkx(), alpha=0.85, tol=1e-12)
    np.testing.assert_allclose(pr, [ref[lab] for lab in graph.labels.tolist()], atol=1e-6)
    chosen = select_kols(KOLConfig(count=4, strategy="pagerank"), graph, ones, ones, np.random.default_rng(0))
    assert set(chosen) == set(np.argsort(-pr)[:4])


def test_micro_engagement_bridges_random(graph):
    rng = np.random.default_rng(1)
    ones = np.ones(graph.n)
    deg = graph.out_degree
    micro = select_kols(KOLConfig(count=5, strategy="micro"), graph, ones, ones, rng)
    lo, hi = np.quantile(deg, (0.9, 0.99))
    assert ((deg[micro] >= lo) & (deg[micro] <= hi)).all()
    share = np.zeros(graph.n)
    share[10] = 1.0  # only node 10 engages: it must be chosen
    assert 10 in select_kols(KOLConfig(count=1, strategy="engagement"), graph, ones, share, rng)
    br = select_kols(KOLConfig(count=3, strategy="bridges"), graph, ones, ones, rng)
    proxy = select_kols(KOLConfig(count=3, strategy="bridges", exact_bridges_max_n=0), graph, ones, ones, rng)
    assert len(set(br)) == 3 and len(set(proxy)) == 3
    r = select_kols(KOLConfig(count=7, strategy="random"), graph, ones, ones, rng)
    assert len(set(r)) == 7
    with pytest.raises(ValueError, match="kol.count"):
        select_kols(KOLConfig(count=601), graph, ones, ones, rng)


def test_bridges_pick_the_node_between_communities():
    # Two 10-cliques joined through one middle node (label 10): it lies on every path between
    # the cliques (highest betweenness) though its degree is 2; top_degree would pick clique nodes.
    g = build_graph(nx.barbell_graph(10, 1))
    ones = np.ones(g.n)
    rng = np.random.default_rng(0)
    middle, ends = g.ids([10])[0], set(g.ids([9, 11]).tolist())  # ends: clique nodes attached to it
    assert select_kols(KOLConfig(count=1, strategy="bridges"), g, ones, ones, rng).tolist() == [middle]
    assert middle not in select_kols(KOLConfig(count=3, strategy="top_degree"), g, ones, ones, rng)
    # the proxy d(d-1)/2 - triangles: 9 for each clique end, 1 for the middle, 0 inside a clique
    proxy = select_kols(KOLConfig(count=3, strategy="bridges", exact_bridges_max_n=0), g, ones, ones, rng)
    assert set(proxy.tolist()) == ends | {middle}


def test_audiences(graph):
    ones = np.ones(graph.n)
    k = build_kols(KOLConfig(count=3), graph, ones, ones, np.random.default_rng(0))
    for j, v in enumerate(k.nodes):
        np.testing.assert_array_equal(k.followers[k.indptr[j]:k.indptr[j + 1]], graph.indices[graph.indptr[v]:graph.indptr[v + 1]])
    ext = build_kols(KOLConfig(count=2, external=True, followers=50), graph, ones, ones, np.random.default_rng(0))
    assert (ext.nodes == -1).all() and list(np.diff(ext.indptr)) == [50, 50]
    assert len(np.unique(ext.followers[:50])) == 50


def test_posting_schedule():
    assert sum(posts_on(d, 2.0) for d in range(1, 71)) == 20
    assert sum(posts_on(d, 7.0) for d in range(1, 31)) == 30
    assert sum(posts_on(d, 0.0) for d in range(1, 31)) == 0
