"""Influence maximisation against the exact optimum, Monte Carlo and its own reference algorithms.

Exact spreads come from enumerating every live-arc subgraph (``tests.live_edge``); the
optimum from brute force over all seed sets of size k. Statistical tolerances are 4
standard errors (two-sided 6e-5 per comparison); each SE is named where it is used.
"""
import math

import networkx as nx
import numba
import numpy as np
import pytest

from simulation import classic, influence
from simulation.graph.build import build_graph
from simulation.greedy import budgeted_greedy, budgeted_lazy_greedy, greedy, lazy_greedy
from tests.live_edge import exact_curve, exact_optimum, exact_spreads, ic_live_sets

ARCS = [(0, 1, 0.5), (0, 2, 0.3), (1, 2, 0.6), (1, 3, 0.4), (2, 3, 0.7), (2, 4, 0.2), (3, 4, 0.9), (4, 1, 0.35), (3, 5, 0.25)]
APPROX = 1 - 1 / math.e


def digraph(n, arcs):
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from((u, v, {"p": p}) for u, v, p in arcs)
    return g


def random_arcs(n, m, seed):
    """m distinct random arcs on n nodes with probabilities uniform in [0.1, 0.9]."""
    rng = np.random.default_rng(seed)
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v]
    pick = rng.choice(len(pairs), m, replace=False)
    return [(*pairs[i], float(rng.uniform(0.1, 0.9))) for i in sorted(pick)]


def overlapping_hubs(p=0.7):
    """Two hubs pointing at the same five leaves, and a smaller star with four leaves of its own.

    Degree (and degree-discount, which only discounts neighbours of a pick) take both
    big hubs, whose reach overlaps; the optimum pairs one hub with the smaller star.
    """
    arcs = [(h, leaf, p) for h in (0, 1) for leaf in range(3, 8)] + [(2, leaf, p) for leaf in range(8, 12)]
    return 12, arcs


def test_exact_spreads_agree_with_step_by_step_enumeration():
    # the vectorised enumeration against the per-world BFS used by test_classic
    for seeds in ([0], [1, 3], [2, 4, 5]):
        _, curve = exact_curve(6, ic_live_sets(ARCS), seeds, 7)
        assert exact_spreads(6, ARCS, [seeds])[0] == pytest.approx(curve[-1], abs=1e-12)


# Graphs on which some seed set falls below (1 - 1/e - 0.2)·OPT, so the guarantee is a
# check that can fail (on many small graphs every set meets it).
GRAPHS = [(12, random_arcs(12, 16, s), k) for s, k in ((1, 2), (2, 3), (3, 2), (4, 3), (5, 2), (6, 3))]
GRAPHS.append((*overlapping_hubs(), 2))


@pytest.mark.parametrize("n,arcs,k", GRAPHS)
def test_imm_reaches_its_guarantee_against_the_exact_optimum(n, arcs, k):
    eps = 0.2
    opt, sets, spreads = exact_optimum(n, arcs, k)
    assert spreads.min() < (APPROX - eps) * opt
    for seed in (1, 2, 3):
        sel = classic.imm(digraph(n, arcs), k, p="p", eps=eps, ell=1, seed=seed)
        exact = exact_spreads(n, arcs, [sel.seeds])[0]
        assert exact >= (APPROX - eps) * opt
        # the analysis (Theorem 1) also bounds the estimate's error by eps * OPT
        assert abs(sel.spread - exact) <= eps * opt
        assert sel.gains.sum() == pytest.approx(sel.spread)
        assert len(set(sel.seeds)) == k


def test_imm_beats_degree_where_overlapping_hubs_fool_it():
    n, arcs = overlapping_hubs()
    g = digraph(n, arcs)
    opt, _, _ = exact_optimum(n, arcs, 2)
    imm = classic.imm(g, 2, p=0.7, eps=0.1, seed=5)
    dd = classic.degree_discount(g, 2, p=0.7)
    deg = classic.top_degree(g, 2)
    assert sorted(deg.seeds) == [0, 1] and sorted(dd.seeds) == [0, 1]
    s_imm, s_dd, s_deg = exact_spreads(n, arcs, [imm.seeds, dd.seeds, deg.seeds])
    assert s_imm == pytest.approx(opt)  # 2 + 5·0.7 + 4·0.7 = 8.3
    assert s_imm > s_dd + 1.5 and s_imm > s_deg + 1.5  # both get 2 + 5·(1 - 0.3²) = 6.55


def chen_degree_discount(g: nx.Graph, k, p):
    """DegreeDiscountIC exactly as Chen, Wang & Yang (2009), Algorithm 4, on an undirected graph."""
    d = dict(g.degree)
    dd = dict(d)
    t = dict.fromkeys(g, 0)
    chosen = []
    for _ in range(k):
        u = max((v for v in g if v not in chosen), key=lambda v: (dd[v], -v))
        chosen.append(u)
        for v in g[u]:
            if v not in chosen:
                t[v] += 1
                dd[v] = d[v] - 2 * t[v] - (d[v] - t[v]) * t[v] * p
    return chosen


@pytest.mark.parametrize("p", [0.01, 0.05, 0.2])
def test_degree_discount_picks_the_papers_seeds(p):
    g = nx.barabasi_albert_graph(300, 3, seed=7)
    assert classic.degree_discount(g, 25, p=p).seeds == chen_degree_discount(g, 25, p)


def test_degree_discount_is_not_plain_degree():
    # guards the test above: on this graph the discount changes the picks
    g = nx.barabasi_albert_graph(300, 3, seed=7)
    assert classic.degree_discount(g, 25, p=0.2).seeds != classic.top_degree(g, 25).seeds


def test_rr_spread_matches_exact_spread_on_a_small_graph():
    g = digraph(6, ARCS)
    samples = 200_000
    for seeds in ([0], [1, 2]):
        est, se = classic.rr_spread(g, seeds, p="p", samples=samples, seed=3)
        exact = exact_spreads(6, ARCS, [seeds])[0]
        # RR coverage is Binomial(samples, exact/n): exact SE n·sqrt(f(1-f)/samples)
        f = exact / 6
        assert abs(est - exact) <= 4 * 6 * math.sqrt(f * (1 - f) / samples)
        assert se == pytest.approx(6 * math.sqrt(f * (1 - f) / samples), rel=0.05)


@pytest.mark.parametrize("p", [0.05, "weighted_cascade"])
def test_rr_spread_agrees_with_monte_carlo_ic(p):
    g = build_graph("barabasi_albert", n=3000, m=3, seed=2)
    seeds = [0, 5, 17, 40, 99]
    rr, rr_se = classic.rr_spread(g, seeds, p=p, samples=300_000, seed=4)
    mc, mc_se = classic.ic_spread(g, seeds, p=p, runs=20_000, seed=5)
    # two independent estimates: SE of the difference sqrt(rr_se² + mc_se²), each from its sample
    assert abs(rr - mc) <= 4 * math.hypot(rr_se, mc_se)
    assert rr > len(seeds) + 1  # the cascades do spread: not a trivial agreement


def test_weighted_cascade_probabilities_are_one_over_in_degree():
    g = build_graph(digraph(4, [(0, 1, 1), (2, 1, 1), (3, 1, 1), (1, 0, 1)]))
    prob = influence.arc_probabilities(g, "weighted_cascade")
    heads = g.labels[g.indices]
    np.testing.assert_allclose(prob, np.where(heads == 1, 1 / 3, 1.0))


def test_celf_returns_plain_greedys_set_with_fewer_evaluations():
    g = build_graph("barabasi_albert", n=200, m=2, seed=3)
    prob = influence.arc_probabilities(g, 0.1)
    cand = list(range(g.n))
    plain = greedy(influence.WorldSpread(g, prob, 64, seed=1).gain, cand, 5)
    lazy = lazy_greedy(influence.WorldSpread(g, prob, 64, seed=1).gain, cand, 5)
    assert lazy.picks == plain.picks
    np.testing.assert_array_equal(lazy.gains, plain.gains)
    assert plain.evaluations == 200 + 199 + 198 + 197 + 196
    assert lazy.evaluations < plain.evaluations / 3
    sel = classic.celf(g, 5, p=0.1, runs=64, seed=1)
    assert sel.ids.tolist() == plain.picks
    assert sel.params["evaluations"] == lazy.evaluations


def test_celf_spread_is_independent_cascades_mean_on_the_same_runs():
    g = build_graph("barabasi_albert", n=500, m=2, seed=4)
    sel = classic.celf(g, 4, p=0.15, runs=100, seed=9)
    res = classic.independent_cascade(g, 0.15, sel.seeds, runs=100, seed=9)
    assert sel.spread == res.final.mean()
    assert sel.gains.sum() == pytest.approx(sel.spread)
    assert (np.diff(sel.gains) <= 0).all()  # submodular on shared worlds: gains never grow


def test_lazy_greedy_on_a_coverage_function_and_its_ties():
    sets = {"a": {1, 2, 3}, "b": {3, 4}, "c": {4, 5}, "d": {1, 2, 3}, "e": {6}}

    def gain(v, chosen):
        have = set().union(*(sets[c] for c in chosen))
        return float(len(sets[v] - have))

    for k in range(6):
        assert lazy_greedy(gain, "abcde", k).picks == greedy(gain, "abcde", k).picks
    assert greedy(gain, "abcde", 3).picks == ["a", "c", "e"]  # a before its twin d
    assert greedy(gain, "dabce", 1).picks == ["d"]
    with pytest.raises(ValueError, match="k must be an integer in 0..5"):
        lazy_greedy(gain, "abcde", 6)


def test_celf_with_candidates_chooses_among_them():
    g = nx.star_graph(8)
    sel = classic.celf(g, 2, p=0.5, runs=50, seed=0, candidates=[3, 5, 7])
    assert set(sel.seeds) <= {3, 5, 7}
    assert classic.celf(g, 1, p=0.5, runs=50, seed=0).seeds == [0]


def test_imm_is_deterministic_and_thread_count_free():
    g = build_graph("barabasi_albert", n=2000, m=3, seed=1)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = classic.imm(g, 8, p=0.05, eps=0.3, seed=11)
        celf1 = classic.celf(g, 3, p=0.05, runs=40, seed=2)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        two = classic.imm(g, 8, p=0.05, eps=0.3, seed=11)
        celf2 = classic.celf(g, 3, p=0.05, runs=40, seed=2)
    finally:
        numba.set_num_threads(before)
    assert one.seeds == two.seeds and one.spread == two.spread and one.params == two.params
    assert celf1.seeds == celf2.seeds and celf1.spread == celf2.spread
    other = classic.imm(g, 8, p=0.05, eps=0.3, seed=12)
    assert other.spread != one.spread  # the seed matters


def test_rr_sets_do_not_depend_on_how_the_batch_is_split():
    g = build_graph("barabasi_albert", n=1000, m=3, seed=1)
    prob = influence.arc_probabilities(g, 0.2)
    whole = influence.RRSampler(g, prob, 7).draw(20_000)
    split = influence.RRSampler(g, prob, 7)
    parts = influence._concat([split.draw(5_000), split.draw(1), split.draw(14_999)])
    np.testing.assert_array_equal(whole[0], parts[0])
    np.testing.assert_array_equal(whole[1], parts[1])


def test_graph_arguments_like_the_other_classic_functions():
    sel = classic.imm(("barabasi_albert", {"n": 500, "m": 2, "seed": 1}), 3, p=0.1, eps=0.3, seed=0)
    assert len(sel.seeds) == 3
    labelled = nx.relabel_nodes(nx.path_graph(5), {i: f"n{i}" for i in range(5)})
    assert classic.imm(labelled, 1, p=1.0, eps=0.3, seed=0).seeds == ["n0"]  # p = 1: every node reaches all; lowest id wins
    assert classic.top_degree(labelled, 1).seeds == ["n1"]


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda g: classic.imm(g, 0), "k must be an integer in 1..5"),
        (lambda g: classic.imm(g, 6), "k must be an integer in 1..5"),
        (lambda g: classic.imm(g, 2, eps=1.5), "eps must be in"),
        (lambda g: classic.imm(g, 2, ell=0), "ell must be > 0"),
        (lambda g: classic.imm(g, 2, p=1.5), "p must be a probability"),
        (lambda g: classic.degree_discount(g, 2, p="missing"), "edge attribute 'missing'"),
        (lambda g: classic.rr_spread(g, ["nobody"]), "unknown node label 'nobody'"),
        (lambda g: classic.celf(g, 2, runs=0), "runs must be a positive integer"),
    ],
)
def test_invalid_arguments_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call(nx.path_graph(5))


def test_weighted_cascade_equals_the_same_probabilities_as_an_edge_attribute():
    g = nx.gnm_random_graph(300, 900, seed=3, directed=True)
    indeg = dict(g.in_degree)
    nx.set_edge_attributes(g, {(u, v): 1 / indeg[v] for u, v in g.edges}, "wc")
    a = classic.imm(g, 5, p="weighted_cascade", eps=0.3, seed=4)
    b = classic.imm(g, 5, p="wc", eps=0.3, seed=4)
    assert a.seeds == b.seeds and a.spread == b.spread
    assert classic.degree_discount(g, 5, "weighted_cascade").seeds == classic.degree_discount(g, 5, "wc").seeds


def test_budgeted_celf_matches_budgeted_greedy_on_spread_under_both_rules():
    g = build_graph("barabasi_albert", n=150, m=2, seed=5)
    prob = influence.arc_probabilities(g, 0.1)
    cand = list(range(g.n))
    cost = 1.0 + g.out_degree.astype(float)  # hubs cost more
    for per_cost in (False, True):
        plain = budgeted_greedy(influence.WorldSpread(g, prob, 32, seed=2).gain, cand, cost, 40.0, per_cost)
        lazy = budgeted_lazy_greedy(influence.WorldSpread(g, prob, 32, seed=2).gain, cand, cost, 40.0, per_cost)
        assert lazy.picks == plain.picks and len(plain.picks) >= 2
        np.testing.assert_array_equal(lazy.gains, plain.gains)
        assert cost[plain.picks].sum() <= 40.0
        assert lazy.evaluations < plain.evaluations


def test_budgeted_greedy_rules_budget_and_stop_on_a_coverage_function():
    sets = {"a": {1, 2, 3, 4}, "b": {1, 2}, "c": {3, 4}, "d": {5}}
    cost = [4.0, 1.0, 1.0, 10.0]

    def gain(v, chosen):
        have = set().union(*(sets[c] for c in chosen))
        return float(len(sets[v] - have))

    # By gain, "a" (4 for 4) first; per unit cost, "b" and "c" (2 for 1 each) first.
    assert budgeted_greedy(gain, "abcd", cost, 5.0).picks == ["a"]  # then nothing adds: stops
    assert budgeted_greedy(gain, "abcd", cost, 5.0, per_cost=True).picks == ["b", "c"]
    for budget in (0.0, 1.0, 5.0, 16.0):
        for per_cost in (False, True):
            assert (budgeted_lazy_greedy(gain, "abcd", cost, budget, per_cost).picks
                    == budgeted_greedy(gain, "abcd", cost, budget, per_cost).picks)
    assert budgeted_greedy(gain, "abcd", cost, 14.0).picks == ["a", "d"]  # d fits once a is paid
    with pytest.raises(ValueError, match="costs must be"):
        budgeted_greedy(gain, "abcd", [1.0, -1.0, 1.0, 1.0], 5.0)
