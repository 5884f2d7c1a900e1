"""Set-up shortcuts equal the plain numpy forms they replaced (same values, same order)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.graph.arcs import csr_from_edges
from simulation.kol import _top
from simulation.ties import TieConfig, tie_strength


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300), st.integers(0, 320), st.integers(0, 6), st.integers(0, 2**32 - 1))
def test_top_equals_a_full_lexsort(n, k, levels, seed):
    # few distinct levels make many ties at the k-th score; nan and -0.0 appear too
    rng = np.random.default_rng(seed)
    score = rng.integers(0, levels + 1, n).astype(np.float64) if levels else rng.random(n)
    score[rng.random(n) < 0.05] = np.nan
    score[rng.random(n) < 0.05] = -0.0
    want = np.lexsort((np.arange(n), -score))[:k].astype(np.int64)
    got = _top(score, k)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)


@pytest.mark.filterwarnings("ignore:dropped")  # random edges repeat
@given(st.integers(1, 200), st.integers(0, 2000), st.integers(0, 2**32 - 1))
@settings(max_examples=50, deadline=None)
def test_in_degree_equals_bincount(n, e, seed):
    rng = np.random.default_rng(seed)
    g = csr_from_edges(n, rng.integers(0, n, e), rng.integers(0, n, e), directed=bool(seed % 2))
    np.testing.assert_array_equal(g.in_degree, np.bincount(g.indices, minlength=n))
    assert g.in_degree.dtype == np.int64


def test_beta_tie_strength_is_the_clipped_scaled_draw():
    g = csr_from_edges(500, np.arange(499), np.arange(1, 500), directed=False)
    for scale in (0.5, 1.0, 7.0):
        cfg = TieConfig(model="beta", a=0.8, b=0.6, scale=scale)
        want = np.clip(np.random.default_rng(4).beta(0.8, 0.6, g.m) * scale, 0.0, 1.0)
        np.testing.assert_array_equal(tie_strength(cfg, g, np.random.default_rng(4)), want)


@pytest.mark.parametrize("name, params", [("barabasi_albert", {"n": 500, "m": 3}),
                                          ("watts_strogatz", {"n": 300, "k": 4, "p": 0.3}),
                                          ("erdos_renyi", {"n": 300, "mean_degree": 5.0})])
def test_in_degree_of_an_undirected_graph_is_its_out_degree_and_the_count_of_heads(name, params):
    from simulation.graph.generators import generate

    g = generate(name, seed=3, **params)
    assert not g.directed
    np.testing.assert_array_equal(g.in_degree, np.bincount(g.indices, minlength=g.n))
    np.testing.assert_array_equal(g.in_degree, g.out_degree)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.0, 7.0), st.integers(0, 5000))
def test_posts_on_equals_its_numpy_floor_form(rate, day):
    from simulation.kol import posts_on

    want = int(np.floor(day * rate / 7.0 + 1e-9)) > int(np.floor((day - 1) * rate / 7.0 + 1e-9))
    assert posts_on(day, rate) == want
