"""The classic presets against theory: exact enumeration, closed forms, percolation.

Statistical tolerances: a Monte-Carlo mean of R independent runs is compared with its
exact value within 4 standard errors (SE = sample or exact standard deviation / sqrt(R)).
With a fixed seed each test is deterministic; 4 SE keeps a correct engine passing for
almost every seed (two-sided 6e-5 per comparison) while a biased one fails.
"""
import itertools

import networkx as nx
import numpy as np
import pytest

from simulation import classic
from simulation.graph.build import build_graph
from tests.live_edge import exact_curve, ic_live_sets

# A small directed graph with heterogeneous arc probabilities and a cycle (exact values
# by enumerating all 2^9 live-arc subsets).
ARCS = [(0, 1, 0.5), (0, 2, 0.3), (1, 2, 0.6), (1, 3, 0.4), (2, 3, 0.7), (2, 4, 0.2), (3, 4, 0.9), (4, 1, 0.35), (3, 5, 0.25)]


def small_digraph():
    g = nx.DiGraph()
    g.add_nodes_from(range(6))
    for u, v, p in ARCS:
        g.add_edge(u, v, p=p)
    return g


def lt_live_sets(g):
    """Each node keeps at most one in-arc, u->v with probability w = 1/in-degree(v)."""
    choices = []
    for v in g.nodes:
        ins = list(g.predecessors(v))
        opts = [(1.0 / len(ins), (u, v)) for u in ins]
        if not ins:
            opts = [(1.0, None)]
        choices.append(opts)
    for combo in itertools.product(*choices):
        prob = np.prod([c[0] for c in combo])
        yield prob, [c[1] for c in combo if c[1] is not None]


def assert_within_se(mc_mean, exact, sd, runs, what):
    se = sd / np.sqrt(runs)
    # where the exact variance is 0 the Monte-Carlo value must be exact
    ok = np.abs(mc_mean - exact) <= 4 * se + 1e-12
    assert ok.all(), f"{what}: MC {mc_mean[~ok]} vs exact {exact[~ok]} (4 SE = {4 * se[~ok]})"


def test_ic_activation_probabilities_equal_live_edge_enumeration():
    g = small_digraph()
    runs = 40_000
    res = classic.independent_cascade(g, "p", seeds=[0], runs=runs, seed=2024)
    length = 7
    p_exact, curve_exact = exact_curve(6, ic_live_sets(ARCS), [0], length)
    # E[active after step t]: SE from the sample SD of the curve at step t
    curve = np.pad(res.curve, ((0, 0), (0, max(0, length - res.curve.shape[1]))), mode="edge")[:, :length]
    assert_within_se(curve.mean(0), curve_exact, curve.std(0), runs, "IC E[active after step t]")
    assert abs(curve_exact[-1] - p_exact.sum()) < 1e-12


def test_ic_per_node_activation_probabilities_are_exact():
    g = small_digraph()
    runs = 40_000
    res = classic.independent_cascade(g, "p", [0], runs=runs, seed=11, record_nodes=True)
    p_exact, _ = exact_curve(6, ic_live_sets(ARCS), [0], 7)
    active = (res.when >= 0).mean(0)
    # Bernoulli indicator per node: exact SE = sqrt(p(1-p)/R)
    assert_within_se(active, p_exact, np.sqrt(p_exact * (1 - p_exact)), runs, "IC P(node active)")
    np.testing.assert_array_equal((res.when >= 0).sum(1), res.final)


def test_lt_activation_equals_live_edge_enumeration():
    g = small_digraph()
    runs = 40_000
    res = classic.linear_threshold(g, seeds=[0], runs=runs, seed=77, record_nodes=True)
    length = 7
    p_exact, curve_exact = exact_curve(6, lt_live_sets(g), [0], length)
    active = (res.when >= 0).mean(0)
    assert_within_se(active, p_exact, np.sqrt(p_exact * (1 - p_exact)), runs, "LT P(node active)")
    curve = np.pad(res.curve, ((0, 0), (0, max(0, length - res.curve.shape[1]))), mode="edge")[:, :length]
    assert_within_se(curve.mean(0), curve_exact, curve.std(0), runs, "LT E[active after step t]")


def test_ic_and_lt_differ_on_this_graph():
    # Guards against a test that cannot fail: the two exact curves are distinguishable.
    g = small_digraph()
    _, ic = exact_curve(6, ic_live_sets(ARCS), [0], 7)
    _, lt = exact_curve(6, lt_live_sets(g), [0], 7)
    assert abs(ic[-1] - lt[-1]) > 0.1


def test_sir_with_gamma_one_is_ic_draw_for_draw():
    g = build_graph("erdos_renyi", n=2000, mean_degree=4, seed=5)
    ic = classic.independent_cascade(g, 0.3, seeds=10, runs=50, seed=99)
    s = classic.sir(g, 0.3, 1.0, seeds=10, runs=50, seed=99)
    np.testing.assert_array_equal(ic.curve, s.curve)
    np.testing.assert_array_equal(ic.final, s.final)
    assert ic.final.std() > 0  # the runs genuinely differ


@pytest.mark.parametrize("c,p", [(3.0, 0.5), (4.0, 0.4)])
def test_ic_final_size_matches_bond_percolation(c, p):
    n = 20_000
    g = build_graph(nx.fast_gnp_random_graph(n, c / n, seed=3))
    res = classic.independent_cascade(g, p, seeds=1, runs=400, seed=7)
    frac = res.final / n
    large = frac > 0.05  # small outbreaks are O(1) nodes; large ones O(n)
    # Theory for this realised graph: G(n, c/n) conditioned on its edge count is G(n, M),
    # whose giant component follows the same equation with c = 2M/n up to O(1/n). Using the
    # nominal c would add the graph-to-graph spread O(sqrt(c/n)) that the runs on one graph
    # cannot average out.
    S = classic.percolation_final_size(g.m / n, p)
    # SE of the mean large-outbreak size from the sample SD; the finite-size bias of the
    # giant component is O(1/n) = 5e-5, far below 4 SE here.
    se = frac[large].std() / np.sqrt(large.sum())
    assert abs(frac[large].mean() - S) <= 4 * se
    # For IC on an undirected ER graph the probability of a large outbreak is also S
    # (binomial SE = sqrt(S(1-S)/R)).
    assert abs(large.mean() - S) <= 4 * np.sqrt(S * (1 - S) / len(frac))


def test_sir_final_size_matches_percolation_with_transmissibility():
    # Geometric infectious period D (P(D=d) = gamma (1-gamma)^(d-1)) gives
    # T = 1 - E[(1-beta)^D] = 1 - gamma (1-beta) / (1 - (1-gamma)(1-beta)); the large-epidemic
    # size on G(n, c/n) solves S = 1 - exp(-c T S) (Kenah & Robins 2007).
    n, c, beta, gamma = 20_000, 3.0, 0.25, 0.5
    T = 1 - gamma * (1 - beta) / (1 - (1 - gamma) * (1 - beta))
    g = build_graph(nx.fast_gnp_random_graph(n, c / n, seed=4))
    res = classic.sir(g, beta, gamma, seeds=1, runs=400, seed=8)
    frac = res.final / n
    large = frac > 0.05
    se = frac[large].std() / np.sqrt(large.sum())
    # c from the realised edge count, as in the IC test above
    assert abs(frac[large].mean() - classic.percolation_final_size(g.m / n, T)) <= 4 * se


def bass_recursion(p, q, dt, steps):
    """The deterministic mean-field recursion the kernel samples around."""
    f = np.zeros(steps + 1)
    for k in range(steps):
        f[k + 1] = f[k] + (1 - f[k]) * (1 - np.exp(-(p + q * f[k]) * dt))
    return f


def test_bass_mean_curve_matches_closed_form_as_dt_shrinks():
    p, q, t_max = 0.03, 0.38, 15.0
    errs = []
    for dt in (0.5, 0.1, 0.02):
        steps = int(round(t_max / dt))
        t = np.arange(steps + 1) * dt
        errs.append(np.abs(bass_recursion(p, q, dt, steps) - classic.bass_closed_form(t, p, q)).max())
    # first-order convergence: error shrinks about in proportion to dt
    assert errs[0] > errs[1] > errs[2]
    assert errs[2] < 0.01
    n, runs, dt = 5_000, 100, 0.02
    res = classic.bass(n, p, q, t_max, dt, runs=runs, seed=3)
    t = np.arange(res.curve.shape[1]) * dt
    mean = res.curve.mean(0)
    # SE from the sample SD across runs; allowance = the exactly computed discretisation
    # error of this dt plus the O(1/n) nonlinearity bias of E[F] (bounded by 1/n).
    se = res.curve.std(0) / np.sqrt(runs)
    allowance = np.abs(bass_recursion(p, q, dt, len(t) - 1) - classic.bass_closed_form(t, p, q)) + 1.0 / n
    assert (np.abs(mean - classic.bass_closed_form(t, p, q)) <= 4 * se + allowance).all()
    # and against the recursion itself, tighter
    assert (np.abs(mean - bass_recursion(p, q, dt, len(t) - 1)) <= 4 * se + 1.0 / n).all()


def test_bass_network_on_complete_graph_follows_mean_field():
    # On K_n the in-neighbour fraction is A/(n-1) ~ F: the network kernel tracks the closed form.
    n, p, q, dt, t_max, runs = 400, 0.05, 0.5, 0.05, 10.0, 100
    res = classic.bass_network(nx.complete_graph(n), p, q, t_max, dt, runs=runs, seed=1)
    t = np.arange(res.curve.shape[1]) * dt
    se = res.curve.std(0) / np.sqrt(runs)
    # allowance: discretisation error (exact, from the recursion) + finite-n bias 2/n
    allowance = np.abs(bass_recursion(p, q, dt, len(t) - 1) - classic.bass_closed_form(t, p, q)) + 2.0 / n
    assert (np.abs(res.curve.mean(0) - classic.bass_closed_form(t, p, q)) <= 4 * se + allowance).all()


def test_run_k_is_identical_whatever_runs_is():
    g = build_graph("barabasi_albert", n=3000, m=3, seed=1)
    few = classic.independent_cascade(g, 0.1, seeds=5, runs=3, seed=42)
    many = classic.independent_cascade(g, 0.1, seeds=5, runs=20, seed=42)
    np.testing.assert_array_equal(few.final, many.final[:3])
    L = few.curve.shape[1]
    np.testing.assert_array_equal(few.curve, many.curve[:3, :L])
    b3 = classic.bass(500, 0.03, 0.4, 5, 0.1, runs=3, seed=5)
    b9 = classic.bass(500, 0.03, 0.4, 5, 0.1, runs=9, seed=5)
    np.testing.assert_array_equal(b3.curve, b9.curve[:3])
    assert len(set(many.final.tolist())) > 1


def test_results_do_not_depend_on_thread_count():
    import numba

    g = build_graph("barabasi_albert", n=3000, m=3, seed=1)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = classic.independent_cascade(g, 0.1, seeds=5, runs=16, seed=3)
        lt1 = classic.linear_threshold(g, seeds=5, runs=16, seed=3)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        two = classic.independent_cascade(g, 0.1, seeds=5, runs=16, seed=3)
        lt2 = classic.linear_threshold(g, seeds=5, runs=16, seed=3)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.curve, two.curve)
    np.testing.assert_array_equal(lt1.curve, lt2.curve)


def test_seeds_by_label_and_count():
    g = nx.path_graph(["a", "b", "c", "d"])
    res = classic.independent_cascade(g, 1.0, seeds=["b"], runs=2, seed=0)
    np.testing.assert_array_equal(res.final, [4, 4])
    np.testing.assert_array_equal(res.curve[0], [1, 3, 4])  # b, then a and c, then d
    res = classic.independent_cascade(g, 0.0, seeds=2, runs=5, seed=0)
    np.testing.assert_array_equal(res.final, [2] * 5)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda g: classic.independent_cascade(g, 1.5, [0]), "p must be a probability"),
        (lambda g: classic.independent_cascade(g, -0.1, [0]), "p must be a probability"),
        (lambda g: classic.independent_cascade(g, 0.1, ["nobody"]), "unknown node label 'nobody'"),
        (lambda g: classic.independent_cascade(g, "missing", [0]), "edge attribute 'missing'"),
        (lambda g: classic.independent_cascade(g, 0.1, [0], runs=0), "runs must be a positive integer"),
        (lambda g: classic.independent_cascade(g, 0.1, 99), "cannot pick 99 random seeds"),
        (lambda g: classic.sir(g, 0.1, 1.2, [0]), "gamma must be a probability"),
        (lambda g: classic.bass(100, 0.03, 0.4, 10, 0.0), "dt must be > 0"),
        (lambda g: classic.bass(100, 0.03, 0.4, 10, -1), "dt must be > 0"),
        (lambda g: classic.bass(0, 0.03, 0.4, 10, 0.1), "n must be a positive integer"),
    ],
)
def test_invalid_arguments_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call(nx.path_graph(5))
