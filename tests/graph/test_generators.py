"""Generators: exact invariants, statistics against theory (tolerances in standard errors),
determinism, and parameter validation."""
import warnings

import networkx as nx
import numpy as np
import pytest

from simulation.graph import GENERATORS, build_graph
from simulation.graph.generators import _pair_from_index, _sample_distinct, check_params, parameters

SMALL = {
    "barabasi_albert": dict(n=300, m=3),
    "watts_strogatz": dict(n=300, k=6, p=0.2),
    "erdos_renyi": dict(n=300, mean_degree=5),
    "powerlaw_cluster": dict(n=300, m=3, p=0.5),
    "stochastic_block": dict(sizes=[100, 200], p_in=0.05, p_out=0.005),
    "complete": dict(n=20),
}


def edge_pairs(g):
    """(u, v) with u < v for every undirected edge."""
    keep = g.tails < g.indices
    return g.tails[keep].astype(np.int64), g.indices[keep].astype(np.int64)


def test_every_generator_is_tested_here():
    assert set(SMALL) == set(GENERATORS)


@pytest.mark.parametrize("name", sorted(SMALL))
def test_generators_are_deterministic_clean_and_sorted(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a dropped self-loop / duplicate would be a generator bug
        a = build_graph(name, seed=7, **SMALL[name])
        b = build_graph(name, seed=np.random.SeedSequence(7), **SMALL[name])
        c = build_graph(name, seed=8, **SMALL[name])
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    if name != "complete":
        assert not (len(a.indices) == len(c.indices) and np.array_equal(a.indices, c.indices))
    assert not a.directed and a.labels.tolist() == list(range(a.n))
    assert a.indices.dtype == np.int32 and a.indptr.dtype == np.int64
    for i in range(a.n):
        row = a.indices[a.indptr[i] : a.indptr[i + 1]]
        assert np.all(np.diff(row) > 0) and i not in row


# ------------------------------------------------------------------ Erdős–Rényi


def test_pair_index_decoding_is_a_bijection():
    c = 150
    i, j = _pair_from_index(np.arange(c * (c - 1) // 2, dtype=np.int64))
    assert np.all(i < j) and np.all(j < c)
    assert len(set(zip(i.tolist(), j.tolist()))) == c * (c - 1) // 2
    # near the top of a 10^6-node graph's pair space, where float sqrt is least exact
    n = 1_000_000
    k = np.array([n * (n - 1) // 2 - 1, n * (n - 1) // 2 - n + 1, 499_999_500_000 - 999_999], np.int64)
    k = np.concatenate([k, k - 1, k - 2])
    i, j = _pair_from_index(k)
    assert np.all((0 <= i) & (i < j) & (j < n)) and np.array_equal(j * (j - 1) // 2 + i, k)


def test_sample_distinct_sparse_and_dense():
    rng = np.random.Generator(np.random.PCG64(1))
    for N, M in [(100, 10), (100, 60), (100, 100), (5, 0), (10**12, 1000)]:
        s = _sample_distinct(rng, N, M)
        assert len(s) == M and len(np.unique(s)) == M and (M == 0 or (s.min() >= 0 and s.max() < N))


def test_erdos_renyi_edge_count_matches_binomial():
    n, p = 3000, 0.002
    N = n * (n - 1) // 2
    M = build_graph("erdos_renyi", n=n, p=p, seed=1).n_edges
    se = np.sqrt(N * p * (1 - p))  # M ~ Binomial(N, p)
    assert abs(M - N * p) < 4 * se


def test_erdos_renyi_mean_degree_parameter():
    n, c = 3000, 6.0
    N, p = n * (n - 1) // 2, c / (n - 1)
    g = build_graph("erdos_renyi", n=n, mean_degree=c, seed=2)
    se = 2 * np.sqrt(N * p * (1 - p)) / n  # mean degree = 2M / n, M ~ Binomial(N, p)
    assert abs(g.out_degree.mean() - c) < 4 * se


def test_erdos_renyi_dense_uses_complement_and_keeps_the_law():
    n, p = 60, 0.8
    N = n * (n - 1) // 2
    M = build_graph("erdos_renyi", n=n, p=p, seed=3).n_edges
    assert abs(M - N * p) < 4 * np.sqrt(N * p * (1 - p))


def test_erdos_renyi_every_pair_independent_with_probability_p():
    n, p, R = 6, 0.3, 3000
    counts = np.zeros((n, n))
    m_edges = np.empty(R)
    for r in range(R):
        g = build_graph("erdos_renyi", n=n, p=p, seed=1000 + r)
        u, v = edge_pairs(g)
        counts[u, v] += 1
        m_edges[r] = len(u)
    freq = counts[np.triu_indices(n, 1)] / R
    se = np.sqrt(p * (1 - p) / R)  # each pair's presence is Bernoulli(p)
    assert np.all(np.abs(freq - p) < 4 * se)
    N = n * (n - 1) // 2
    var = N * p * (1 - p)  # Binomial(N, p) variance of the edge count
    se_var = var * np.sqrt(2 / (R - 1))  # SE of a sample variance (normal approximation)
    assert abs(m_edges.var(ddof=1) - var) < 4 * se_var


# ------------------------------------------------------------------ Barabási–Albert


def test_barabasi_albert_exact_edge_count_and_min_degree():
    n, m = 20000, 3
    g = build_graph("barabasi_albert", n=n, m=m, seed=4)
    assert g.n == n and g.n_edges == m * (n - m)  # NetworkX convention: star on m+1 nodes, then m per node
    assert g.out_degree[m + 1 :].min() >= m
    small = build_graph("barabasi_albert", n=5, m=4, seed=0)  # only the star
    assert sorted(map(tuple, np.array(edge_pairs(small)).T.tolist())) == [(0, 1), (0, 2), (0, 3), (0, 4)]


def test_barabasi_albert_degree_tail_follows_theory():
    # Asymptotic BA law P(K >= k) = m (m + 1) / (k (k + 1)) (Dorogovtsev et al. 2000)
    n, m = 20000, 3
    d = build_graph("barabasi_albert", n=n, m=m, seed=5).out_degree
    for k in (10, 30):
        q = m * (m + 1) / (k * (k + 1))
        se = np.sqrt(n * q * (1 - q))  # binomial SE of the count of nodes with degree >= k
        assert abs((d >= k).sum() - n * q) < 4 * se
    # a random graph with the same mean degree has no such tail: the check can fail
    er = build_graph("erdos_renyi", n=n, mean_degree=2 * m, seed=5).out_degree
    q = m * (m + 1) / (30 * 31)
    assert (er >= 30).sum() < n * q - 4 * np.sqrt(n * q * (1 - q))


def test_barabasi_albert_hub_degree_matches_networkx():
    # same start (star on 0..m) and same attachment rule => same law for the first nodes
    n, m, R = 500, 2, 150
    ours = np.array([build_graph("barabasi_albert", n=n, m=m, seed=s).out_degree[:3] for s in range(R)])
    theirs = np.array([[d for _, d in sorted(nx.barabasi_albert_graph(n, m, seed=s).degree())][:3] for s in range(R)])
    se = np.sqrt(ours.var(0, ddof=1) / R + theirs.var(0, ddof=1) / R)  # SE of a difference of means
    assert np.all(np.abs(ours.mean(0) - theirs.mean(0)) < 4 * se)


# ------------------------------------------------------------------ Holme–Kim


def test_powerlaw_cluster_p1_every_newcomer_closes_a_triangle():
    n, m = 2000, 2
    g = build_graph("powerlaw_cluster", n=n, m=m, p=1.0, seed=6)
    assert g.n_edges == m * (n - m)  # one preferential link + one triad link per newcomer
    adj = [set(g.indices[g.indptr[i] : g.indptr[i + 1]].tolist()) for i in range(n)]
    for s in range(3, n):
        older = [x for x in adj[s] if x < s]
        assert len(older) == 2 and older[1] in adj[older[0]], s


def test_powerlaw_cluster_p0_is_preferential_attachment():
    n, m = 5000, 3
    g = build_graph("powerlaw_cluster", n=n, m=m, p=0.0, seed=7)
    assert g.n_edges == m * (n - m)  # m isolated nodes, then m distinct targets per newcomer


def test_powerlaw_cluster_clustering_clearly_above_erdos_renyi():
    n, m = 3000, 3
    hk = build_graph("powerlaw_cluster", n=n, m=m, p=0.6, seed=8)
    assert m * (n - m) - 100 <= hk.n_edges <= m * (n - m)
    er = build_graph("erdos_renyi", n=n, mean_degree=hk.out_degree.mean(), seed=8)
    c_hk = nx.average_clustering(hk.to_networkx())
    c_er = nx.average_clustering(er.to_networkx())
    # ER clustering ~ p = c / (n - 1) ~ 0.002; Holme–Kim with p = 0.6 is of order 0.3
    assert c_er < 0.01 and c_hk > 0.2


# ------------------------------------------------------------------ Watts–Strogatz


def test_watts_strogatz_p0_is_the_ring_lattice():
    n, k = 100, 6
    g = build_graph("watts_strogatz", n=n, k=k, p=0.0, seed=9)
    lattice = nx.watts_strogatz_graph(n, k, 0.0)
    assert set(map(frozenset, g.to_networkx().edges)) == set(map(frozenset, lattice.edges))
    # exact lattice clustering 3 (k - 2) / (4 (k - 1))
    assert nx.average_clustering(g.to_networkx()) == pytest.approx(3 * (k - 2) / (4 * (k - 1)))


def test_watts_strogatz_keeps_edges_and_rewires_a_binomial_share():
    n, k, p = 3000, 6, 0.2
    g = build_graph("watts_strogatz", n=n, k=k, p=p, seed=10)
    E = n * k // 2
    assert g.n_edges == E
    assert g.out_degree.min() >= k // 2  # each node keeps the k/2 edges it owns
    u, v = edge_pairs(g)
    ring = np.minimum(v - u, n - (v - u))
    rewired = int((ring > k // 2).sum())
    # rewired edges ~ Binomial(E, p); landing back on a lattice slot has chance ~ k/n (bias ~ 4 << SE)
    se = np.sqrt(E * p * (1 - p))
    assert abs(rewired - E * p) < 4 * se


# ------------------------------------------------------------------ stochastic block model


def _block_counts(g, sizes):
    block = np.repeat(np.arange(len(sizes)), sizes)
    u, v = edge_pairs(g)
    counts = np.zeros((len(sizes), len(sizes)), np.int64)
    np.add.at(counts, (np.minimum(block[u], block[v]), np.maximum(block[u], block[v])), 1)
    return counts


def test_stochastic_block_within_and_between_counts():
    sizes, p_in, p_out = [400, 700, 300], 0.02, 0.001
    g = build_graph("stochastic_block", sizes=sizes, p_in=p_in, p_out=p_out, seed=11)
    counts = _block_counts(g, sizes)
    n_in = sum(c * (c - 1) // 2 for c in sizes)
    n_out = sum(sizes[r] * sizes[s] for r in range(3) for s in range(r + 1, 3))
    within, between = np.trace(counts), counts.sum() - np.trace(counts)
    # within ~ Binomial(n_in, p_in), between ~ Binomial(n_out, p_out)
    assert abs(within - n_in * p_in) < 4 * np.sqrt(n_in * p_in * (1 - p_in))
    assert abs(between - n_out * p_out) < 4 * np.sqrt(n_out * p_out * (1 - p_out))


def test_stochastic_block_matrix_form_per_block_pair():
    sizes = [300, 200]
    p = [[0.05, 0.01], [0.01, 0.1]]
    counts = _block_counts(build_graph("stochastic_block", sizes=sizes, p=p, seed=12), sizes)
    pairs = [[300 * 299 // 2, 300 * 200], [0, 200 * 199 // 2]]
    for r, s in [(0, 0), (0, 1), (1, 1)]:
        N, q = pairs[r][s], p[r][s]
        assert abs(counts[r, s] - N * q) < 4 * np.sqrt(N * q * (1 - q))  # Binomial(N, q)


# ------------------------------------------------------------------ complete


def test_complete_graph():
    g = build_graph("complete", n=30)
    assert g.n_edges == 30 * 29 // 2 and np.all(g.out_degree == 29)
    assert build_graph("complete", n=1).m == 0


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "name, params, message",
    [
        ("barabasi_albert", dict(n=10, m=0), r"barabasi_albert: m must be in \[1, n\), got 0"),
        ("barabasi_albert", dict(n=10, m=10), r"m must be in \[1, n\), got 10"),
        ("barabasi_albert", dict(n=10.5, m=2), r"barabasi_albert: n must be an integer, got 10.5"),
        ("barabasi_albert", dict(n=True, m=2), r"n must be an integer, got True"),
        ("powerlaw_cluster", dict(n=10, m=2, p=1.5), r"powerlaw_cluster: p must be a probability in \[0, 1\], got 1.5"),
        ("watts_strogatz", dict(n=10, k=3, p=0.1), r"k must be an even integer in \[2, n\), got 3"),
        ("watts_strogatz", dict(n=10, k=10, p=0.1), r"got 10"),
        ("erdos_renyi", dict(n=10), r"exactly one of p and mean_degree"),
        ("erdos_renyi", dict(n=10, p=0.1, mean_degree=2), r"exactly one of p and mean_degree"),
        ("erdos_renyi", dict(n=10, mean_degree=12), r"mean_degree must be in \[0, n - 1\] = \[0, 9\], got 12"),
        ("erdos_renyi", dict(n=0, p=0.1), r"erdos_renyi: n must be at least 1, got 0"),
        ("stochastic_block", dict(sizes=[10, 0], p_in=0.1, p_out=0.1), r"sizes\[1\] must be at least 1, got 0"),
        ("stochastic_block", dict(sizes=[10, 10], p_in=0.1), r"give p_in and p_out"),
        ("stochastic_block", dict(sizes=[10, 10], p=[[0.1, 0.2], [0.3, 0.1]]), r"symmetric.*p\[0\]\[1\]=0.2"),
        ("stochastic_block", dict(sizes=[10, 10], p=[[0.1, 0.2]]), r"2x2 matrix"),
        ("stochastic_block", dict(sizes=[10, 10], p=[[0.1, -0.2], [-0.2, 0.1]]), r"p\[0\]\[1\] must be a probability"),
        ("complete", dict(n=0), r"complete: n must be at least 1, got 0"),
        ("complete", dict(n=20_000), r"complete: n must be at most 10000"),
        ("barabasi_albert", dict(n=10, m=2, k=3), r"unknown parameter 'k'; valid parameters: n, m"),
        ("barabasi_albert", dict(n=10), r"missing parameter 'm'"),
        ("small_world", dict(n=10), r"unknown graph generator 'small_world'; known: barabasi_albert"),
    ],
)
def test_bad_parameters_are_named_with_their_value(name, params, message):
    with pytest.raises(ValueError, match=message):
        check_params(name, params)
    if name in GENERATORS:
        with pytest.raises(ValueError, match=message):
            build_graph(name, **params)


def test_check_params_normalises_and_lists_parameters():
    assert check_params("barabasi_albert", {"n": 1e3, "m": 2}) == {"n": 1000, "m": 2}
    assert check_params("erdos_renyi", {"n": 10, "mean_degree": 2}) == {"n": 10, "mean_degree": 2.0}
    assert parameters("stochastic_block") == ["sizes", "p_in", "p_out", "p"]


@pytest.mark.parametrize(
    "kernel, args",
    [("_barabasi_albert_edges", (500, 3)), ("_powerlaw_cluster_edges", (500, 3, 0.6)), ("_watts_strogatz_edges", (200, 6, 0.9))],
)
def test_uniform_buffer_too_short_is_refilled_with_the_same_stream(kernel, args):
    from simulation.graph import generators as gen

    k = getattr(gen, kernel)
    short = gen._draw_edges(k, gen._rng(4), 1, *args)  # forces several refills
    long = gen._draw_edges(k, gen._rng(4), 10**6, *args)
    assert all(np.array_equal(a, b) for a, b in zip(short, long))


def test_generator_kernels_are_typed_on_plain_arrays_not_on_a_generator_object():
    # Numba's Generator support compiles for seconds on a cold cache; arrays compile fast
    from simulation.graph import generators as gen

    build_graph("powerlaw_cluster", n=60, m=2, p=0.3, seed=1)
    sigs = [str(s) for s in gen._powerlaw_cluster_edges.signatures]
    assert sigs and not any("Generator" in s for s in sigs)
