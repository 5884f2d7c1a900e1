"""build_graph / from_networkx / csr_from_edges: conversion, labels, weights, bad input."""
import os
import warnings

import networkx as nx
import numpy as np
import pytest

from simulation.graph import CSRGraph, build_graph, csr_from_edges


def arc_set(g: CSRGraph) -> set:
    lab = g.labels.tolist()
    return {(lab[t], lab[h]) for t, h in zip(g.tails.tolist(), g.indices.tolist())}


def assert_csr_invariants(g: CSRGraph):
    assert g.indptr.dtype == np.int64 and g.indices.dtype == np.int32
    for i in range(g.n):
        row = g.indices[g.indptr[i] : g.indptr[i + 1]]
        assert np.all(np.diff(row) > 0), f"row {i} not strictly sorted"
        assert i not in row


def test_undirected_networkx_keeps_labels_and_stores_both_directions():
    G = nx.Graph()
    G.add_nodes_from(["carol", "alice", "bob", "dave"])  # dave is isolated
    G.add_edge("alice", "bob", weight=0.5, trust=2)
    G.add_edge("bob", "carol", weight=0.25, trust=3)
    g = build_graph(G)
    assert g.labels.tolist() == ["carol", "alice", "bob", "dave"]
    assert not g.directed and g.m == 4 and g.n_edges == 2
    assert arc_set(g) == {("alice", "bob"), ("bob", "alice"), ("bob", "carol"), ("carol", "bob")}
    assert g.out_degree.tolist() == [1, 1, 2, 0]
    assert_csr_invariants(g)
    # each arc carries its edge's attributes, in both directions
    lab = g.labels.tolist()
    for e, (t, h) in enumerate(zip(g.tails, g.indices)):
        assert g.edge_attr("weight")[e] == G.edges[lab[t], lab[h]]["weight"]
        assert g.edge_attr("trust")[e] == G.edges[lab[t], lab[h]]["trust"]


def test_directed_networkx_one_arc_per_edge_and_transpose():
    G = nx.gnp_random_graph(60, 0.08, seed=3, directed=True)
    for k, (a, b) in enumerate(G.edges):
        G.edges[a, b]["weight"] = float(k)
    g = build_graph(G)
    assert g.directed and g.m == G.number_of_edges()
    assert arc_set(g) == set(G.edges)
    assert_csr_invariants(g)
    T = g.transpose
    assert arc_set(T) == {(b, a) for a, b in G.edges}
    assert_csr_invariants(T)
    # in_arc maps each in-arc of the transpose back to the same arc here
    assert np.array_equal(g.tails[g.in_arc], T.indices)
    assert np.array_equal(g.indices[g.in_arc], T.tails)
    assert np.array_equal(g.edge_attr("weight")[g.in_arc], T.edge_attr("weight"))


def test_integer_labels_keep_nodes_order_not_sorted_order():
    G = nx.Graph([(10, 3), (3, 7)])
    g = build_graph(G)
    assert g.labels.dtype == np.int64 and g.labels.tolist() == [10, 3, 7]
    assert g.ids([7, 10]).tolist() == [2, 0]


def test_tuple_labels_stay_objects():
    g = build_graph(nx.grid_2d_graph(3, 2))
    assert g.labels[0] == (0, 0) and g.n == 6 and g.n_edges == 7


def test_weight_missing_on_some_edges_defaults_to_one_and_other_partial_attrs_dropped():
    G = nx.Graph()
    G.add_edge(0, 1, weight=3.0, note="x", kind=1)
    G.add_edge(1, 2)
    g = build_graph(G)
    assert sorted(g.edge_attrs) == ["weight"]
    w = dict(zip(zip(g.tails.tolist(), g.indices.tolist()), g.edge_attr("weight").tolist()))
    assert w[(0, 1)] == 3.0 and w[(1, 2)] == 1.0 and w[(2, 1)] == 1.0


def test_custom_weight_attribute_is_also_stored_as_weight():
    G = nx.Graph()
    G.add_edge("a", "b", strength=0.7)
    g = build_graph(G, weight="strength")
    assert g.edge_attr("weight").tolist() == [0.7, 0.7] == g.edge_attr("strength").tolist()


def test_non_numeric_weight_is_an_error():
    G = nx.Graph()
    G.add_edge("a", "b", weight="heavy")
    with pytest.raises(ValueError, match=r"edge \('a', 'b'\): weight 'heavy' is not a number"):
        build_graph(G)


def test_self_loops_and_duplicates_dropped_and_counted_in_one_warning():
    G = nx.MultiGraph()
    G.add_edges_from([(0, 1), (1, 0), (1, 2), (2, 1), (0, 0), (1, 1), (2, 2), (2, 3)])
    with pytest.warns(UserWarning) as rec:
        g = build_graph(G)
    assert len(rec) == 1
    assert "dropped 3 self-loops and 2 duplicate edges" in str(rec[0].message)
    assert g.n_edges == 3 and arc_set(g) == {(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (3, 2)}


def test_first_listed_duplicate_wins_in_both_directions():
    # (0,1,w=1) then (1,0,w=2): both arcs must carry w=1, not one of each
    with pytest.warns(UserWarning, match="dropped 0 self-loops and 1 duplicate edge"):
        g = csr_from_edges(2, [0, 1], [1, 0], directed=False, attrs={"weight": [1.0, 2.0]})
    assert g.edge_attr("weight").tolist() == [1.0, 1.0]


def test_directed_reverse_arcs_are_not_duplicates():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = csr_from_edges(2, [0, 1], [1, 0], directed=True)
    assert g.m == 2


def test_empty_graph_is_an_error_but_isolated_nodes_are_fine():
    with pytest.raises(ValueError, match="graph is empty"):
        build_graph(nx.Graph())
    with pytest.raises(ValueError, match="graph is empty"):
        csr_from_edges(0, [], [], directed=False)
    g = build_graph(nx.empty_graph(5))
    assert g.n == 5 and g.m == 0 and g.indptr.tolist() == [0] * 6


def test_out_of_range_endpoints_rejected():
    with pytest.raises(ValueError, match=r"node ids in \[0, 3\)"):
        csr_from_edges(3, [0], [3], directed=False)


def test_csr_graph_returned_unchanged_and_bad_sources_rejected(tmp_path):
    g = build_graph("complete", n=4)
    assert build_graph(g) is g
    with pytest.raises(TypeError, match="do not apply"):
        build_graph(g, n=3)
    with pytest.raises(TypeError, match="must be a CSRGraph"):
        build_graph(42)
    with pytest.raises(ValueError, match="neither a generator .* nor an existing file"):
        build_graph("barabasi_albret", n=10, m=2)
    with pytest.raises(ValueError, match="neither a generator"):
        build_graph(tmp_path / "missing.csv")


def test_path_sources_str_and_pathlike(tmp_path):
    f = tmp_path / "e.txt"
    f.write_text("a b\nb c\n")
    assert arc_set(build_graph(f)) == arc_set(build_graph(os.fspath(f)))
    assert build_graph(f, directed=True).m == 2


def test_round_trip_through_networkx_matches_random_graph():
    G = nx.gnm_random_graph(200, 600, seed=11)
    g = build_graph(G)
    H = g.to_networkx()
    assert set(map(frozenset, H.edges)) == set(map(frozenset, G.edges))
    assert_csr_invariants(g)
    # sorted rows, equal to a reference built with numpy lexsort
    t = np.concatenate([[a for a, b in G.edges], [b for a, b in G.edges]])
    h = np.concatenate([[b for a, b in G.edges], [a for a, b in G.edges]])
    order = np.lexsort((h, t))
    assert np.array_equal(g.indices, h[order]) and np.array_equal(g.tails, t[order])


def _via_edge_list(G, weight="weight"):
    """The reference conversion: G.edges(data=True) into csr_from_edges, attribute by attribute."""
    nodes = list(G.nodes)
    index = {x: i for i, x in enumerate(nodes)}
    edges = list(G.edges(data=True))
    names = {k for _, _, d in edges for k in d}
    attrs = {}
    for k in names:
        if k == weight:
            attrs[k] = [d.get(k, 1.0) for _, _, d in edges]
        elif all(k in d and isinstance(d[k], (int, float)) and not isinstance(d[k], bool) for _, _, d in edges):
            attrs[k] = [d[k] for _, _, d in edges]
    return csr_from_edges(len(nodes), [index[a] for a, _, _ in edges], [index[b] for _, b, _ in edges],
                          directed=G.is_directed(), attrs=attrs)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("labels", ["ints", "shuffled", "strings"])
def test_adjacency_fast_path_equals_the_edge_list_conversion(directed, labels):
    rng = np.random.default_rng(5)
    G = nx.gnm_random_graph(300, 1500, seed=2, directed=directed)
    G.add_edges_from([(4, 4), (9, 9)])  # self-loops: dropped by both
    for a, b, d in G.edges(data=True):
        if rng.random() < 0.7:
            d["weight"] = float(rng.random())
        d["trust"] = int(rng.integers(0, 5))
        if rng.random() < 0.5:
            d["note"] = "partial"
    if labels != "ints":
        order = rng.permutation(300).tolist()
        name = (lambda i: f"p{i}") if labels == "strings" else (lambda i: i)
        H = nx.DiGraph() if directed else nx.Graph()
        H.add_nodes_from(name(i) for i in order)
        H.add_edges_from((name(a), name(b), d) for a, b, d in G.edges(data=True))
        G = H
    with pytest.warns(UserWarning, match="dropped 2 self-loops and 0 duplicate edges"):
        g = build_graph(G)
    with pytest.warns(UserWarning):
        ref = _via_edge_list(G)
    assert g.labels.tolist() == list(G.nodes)
    assert np.array_equal(g.indptr, ref.indptr) and np.array_equal(g.indices, ref.indices)
    assert sorted(g.edge_attrs) == sorted(ref.edge_attrs) == ["trust", "weight"]
    for k in ref.edge_attrs:
        assert np.array_equal(g.edge_attr(k), ref.edge_attr(k)), k
    assert_csr_invariants(g)


def test_graph_view_and_bool_attributes_take_the_general_path():
    G = nx.path_graph(5)
    nx.set_edge_attributes(G, {e: True for e in G.edges}, "flag")
    nx.set_edge_attributes(G, {e: 2.5 for e in G.edges}, "weight")
    view = G.subgraph([0, 1, 2, 3])
    g = build_graph(view)
    assert sorted(g.edge_attrs) == ["weight"]  # a bool is not a number here
    assert g.n == 4 and g.n_edges == 3 and set(g.edge_attr("weight").tolist()) == {2.5}


def test_long_rows_sorted_and_first_listed_repeat_wins():
    # a hub with 200 neighbours listed in random order, each twice
    rng = np.random.default_rng(8)
    nbrs = rng.permutation(np.arange(1, 201))
    u = np.concatenate([np.zeros(200, int), nbrs])
    v = np.concatenate([nbrs, np.zeros(200, int)])
    w = np.concatenate([np.arange(200.0), -np.arange(200.0)])
    with pytest.warns(UserWarning, match="200 duplicate edges"):
        g = csr_from_edges(201, u, v, directed=False, attrs={"weight": w})
    assert g.indices[: g.indptr[1]].tolist() == list(range(1, 201))
    first = dict(zip(nbrs.tolist(), np.arange(200.0)))
    assert g.edge_attr("weight")[: g.indptr[1]].tolist() == [first[h] for h in range(1, 201)]
    assert_csr_invariants(g)
