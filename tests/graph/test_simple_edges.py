"""``csr_from_simple_edges`` (the generators' CSR path) gives exactly ``csr_from_edges``'s graph."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.graph import generators as G
from simulation.graph.arcs import _csr_simple, csr_from_edges, csr_from_simple_edges


def _same(a, b):
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert a.indices.dtype == b.indices.dtype == np.int32 and a.indptr.dtype == b.indptr.dtype == np.int64
    assert (a.directed, a.edge_attrs) == (b.directed, b.edge_attrs) == (False, {})


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 400), st.integers(0, 3000), st.integers(0, 2**32 - 1))
def test_simple_edges_in_any_order_equal_csr_from_edges(n, n_edges, seed):
    # distinct pairs in random order and orientation: the insertion sort is exact whatever the order
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(0, n * n, n_edges))
    u, v = keys // n, keys % n
    keep = u != v
    u, v = u[keep], v[keep]
    _, first = np.unique(np.minimum(u, v) * n + np.maximum(u, v), return_index=True)
    u, v = u[first], v[first]
    o = rng.permutation(len(u))
    u, v = u[o], v[o]
    _, _, simple = _csr_simple(n, u.astype(np.int32), v.astype(np.int32))
    assert simple
    _same(csr_from_simple_edges(n, u, v), csr_from_edges(n, u, v, directed=False))


@pytest.mark.parametrize("u, v", [([0, 1, 2], [1, 2, 2]),  # a self-loop
                                  ([0, 1, 2], [1, 2, 1]),  # a repeat, backwards
                                  ([0, 3, 1], [1, 2, 0])])  # a repeat, listed after another row's edge
def test_edges_that_are_not_simple_take_the_general_path(u, v):
    u, v = np.array(u), np.array(v)
    assert not _csr_simple(4, u.astype(np.int32), v.astype(np.int32))[2]
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        g = csr_from_simple_edges(4, u, v)
    assert len(got) == 1 and "dropped" in str(got[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(g, csr_from_edges(4, u, v, directed=False))


def test_out_of_range_ids_are_refused_by_the_general_path():
    assert not _csr_simple(3, np.array([0, 5], np.int32), np.array([1, 1], np.int32))[2]
    with pytest.raises(ValueError, match="node ids"):
        csr_from_simple_edges(3, np.array([0, 5]), np.array([1, 1]))


@pytest.mark.parametrize("name, params", [
    ("barabasi_albert", {"n": 3000, "m": 4}), ("powerlaw_cluster", {"n": 3000, "m": 3, "p": 0.5}),
    ("watts_strogatz", {"n": 2000, "k": 6, "p": 0.2}), ("erdos_renyi", {"n": 2000, "mean_degree": 8.0}),
    ("stochastic_block", {"sizes": [300, 500, 200], "p_in": 0.05, "p_out": 0.005}), ("complete", {"n": 60})])
def test_every_generator_gives_the_graph_of_the_general_conversion(monkeypatch, name, params):
    edges = {}

    def record(n, u, v):
        edges["n"], edges["u"], edges["v"] = n, np.array(u), np.array(v)
        return csr_from_simple_edges(n, u, v)

    monkeypatch.setattr(G, "_undirected", record)
    g = G.generate(name, seed=11, **params)
    assert _csr_simple(edges["n"], edges["u"].astype(np.int32), edges["v"].astype(np.int32))[2]  # simple indeed
    _same(g, csr_from_edges(edges["n"], edges["u"], edges["v"], directed=False))

