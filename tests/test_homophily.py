"""Homophily (``simulation.homophily``): segments that follow the graph's communities.

* mixing 0 is the independent draw, draw for draw (population arrays and a whole run);
* the communities-to-segments rule gives every segment exactly its largest-remainder quota;
* at mixing m on a stochastic block graph (method "blocks"), a person's segment is their
  block's with probability m + (1 - m) s_k: the observed fraction lies within 4 binomial
  standard errors sqrt(p (1 - p) / n) of that closed form;
* Louvain at mixing 1 recovers planted blocks (over 99 % of people share their block's
  segment, and the segment's nominal assortativity is the blocks' own, 0.89 here, within
  0.01); at mixing 0 the assortativity is within 4 standard errors of 0, the per-edge Bernoulli SE
  sqrt(q / ((1 - q) E)), q = sum of squared shares, E edges: with equal shares the
  same-segment indicators of two edges are uncorrelated under independent labels);
* with segment-targeted seeding, homophily speeds adoption inside the segment: buyers
  of the segment by day 30 are higher at mixing 1 than at mixing 0 (paired by seed,
  |t| > 3 over 40 replications).
"""
from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from simulation.config.scenario import default_scenario_dict, load_scenario
from simulation.engine import simulate
from simulation.graph.generators import generate, stochastic_block
from simulation.homophily import communities, communities_to_segments, quotas
from simulation.population import PopulationConfig, draw_population
from simulation.seeding import generator, run_seed


def _segments(shares: list[float], homophily: dict | None = None) -> PopulationConfig:
    segs = [{"name": f"s{k}", "share": s, "interest": {"mean": 0.3 + 0.1 * k, "sd": 0.05}} for k, s in enumerate(shares)]
    return PopulationConfig.model_validate({"segments": segs, "homophily": homophily or {}})


def _nx(g) -> nx.Graph:
    keep = g.tails < g.indices
    G = nx.Graph()
    G.add_nodes_from(range(g.n))
    G.add_edges_from(zip(g.tails[keep].tolist(), g.indices[keep].tolist()))
    return G


def _assortativity(G: nx.Graph, segment: np.ndarray) -> float:
    nx.set_node_attributes(G, {i: int(s) for i, s in enumerate(segment)}, "segment")
    return nx.attribute_assortativity_coefficient(G, "segment")


def test_mixing_zero_is_the_independent_draw():
    g = generate("powerlaw_cluster", n=500, m=3, p=0.3, seed=2)
    ss = run_seed(5, 0)
    plain = draw_population(_segments([0.3, 0.7]), g.n, generator(ss, "population"))
    off = draw_population(_segments([0.3, 0.7], {"mixing": 0.0, "method": "louvain"}), g.n,
                          generator(ss, "population"), g, generator(ss, "homophily"))
    for k in ("segment", "activity", "trust", "price_sensitivity", "share_propensity", "interest"):
        assert np.array_equal(getattr(plain, k), getattr(off, k)), k


def test_mixing_zero_run_is_todays_run():
    raw = default_scenario_dict()
    small = {"graph.n": 1500, "days": 20, "counterfactual": False}
    a = simulate(load_scenario(raw, small), 3, keep_state=True)
    raw["population"]["homophily"] = {"mixing": 0.0, "method": "label_propagation"}
    b = simulate(load_scenario(raw, small), 3, keep_state=True)
    assert a.summary.keys() == b.summary.keys()
    assert all(a.summary[k] == b.summary[k] or (math.isnan(a.summary[k]) and math.isnan(b.summary[k]))
               for k in a.summary)
    assert np.array_equal(a.state["first_day"], b.state["first_day"])


def test_quotas_are_largest_remainder_and_mixing_one_meets_them_exactly():
    assert quotas(np.array([0.2, 0.3, 0.5]), 7).tolist() == [1, 2, 4]  # 1.4, 2.1, 3.5 -> the .5 and .4 round up
    assert quotas(np.array([1 / 3] * 3), 10).tolist() == [4, 3, 3]
    g = generate("powerlaw_cluster", n=2000, m=3, p=0.3, seed=4)
    shares = [0.15, 0.35, 0.5]
    pop = draw_population(_segments(shares, {"mixing": 1.0}), g.n, np.random.default_rng(1), g,
                          np.random.default_rng(2))
    assert np.bincount(pop.segment, minlength=3).tolist() == quotas(np.array(shares), g.n).tolist()
    # attributes follow the segment a person ends in
    for k in range(3):
        assert abs(pop.interest[pop.segment == k].mean() - (0.3 + 0.1 * k)) < 4 * 0.05 / math.sqrt((pop.segment == k).sum())


def test_communities_to_segments_keeps_communities_whole_where_they_fit():
    label = np.repeat([0, 1, 2, 3], [50, 30, 15, 5])  # shares 0.5 / 0.5: {50} and {30, 15, 5}
    seg = communities_to_segments(label, np.array([0.5, 0.5]))
    for c in range(4):
        assert len(set(seg[label == c].tolist())) == 1
    assert np.bincount(seg).tolist() == [50, 50]
    # a community larger than any segment's room is split, smallest ids first
    seg = communities_to_segments(np.zeros(10, np.int64), np.array([0.3, 0.7]))
    assert seg.tolist() == [1] * 7 + [0] * 3


@pytest.mark.parametrize("mixing", [0.25, 0.5, 0.75])
def test_blocks_mixing_closed_form(mixing):
    k, size = 4, 5000
    g = stochastic_block([size] * k, 4e-4, 2e-5, seed=3)
    cfg = _segments([1 / k] * k, {"mixing": mixing, "method": "blocks"})
    pop = draw_population(cfg, g.n, np.random.default_rng(8), g, np.random.default_rng(9),
                          _Graph({"sizes": [size] * k}))
    block = np.repeat(np.arange(k), size)  # equal blocks and shares: block r fills segment r
    p = mixing + (1 - mixing) / k
    observed = float(np.mean(pop.segment == block))
    assert abs(observed - p) < 4 * math.sqrt(p * (1 - p) / g.n)


class _Graph:
    """A stand-in for the scenario's [graph] of a stochastic_block generator."""

    generator = "stochastic_block"

    def __init__(self, params: dict):
        self.params = params


def test_louvain_recovers_planted_blocks():
    sizes = [300, 300, 400]
    g = stochastic_block(sizes, 0.05, 0.002, seed=11)
    G = _nx(g)
    shares = [s / sum(sizes) for s in sizes]
    one = draw_population(_segments(shares, {"mixing": 1.0}), g.n, np.random.default_rng(1), g,
                          np.random.default_rng(2))
    zero = draw_population(_segments(shares), g.n, np.random.default_rng(1))
    r1, r0 = _assortativity(G, one.segment), _assortativity(G, zero.segment)
    block = np.repeat(np.arange(3), sizes)
    # the segments are the blocks (up to names): each block's members share one segment
    agree = sum(np.bincount(one.segment[block == r]).max() for r in range(3)) / g.n
    assert agree > 0.99
    assert r1 > _assortativity(G, block) - 0.01 and r1 > 0.85
    q = sum(s * s for s in shares)
    assert abs(r0) < 4 * math.sqrt(q / ((1 - q) * G.number_of_edges()))
    parts = lambda lab: [set(np.flatnonzero(lab == c).tolist()) for c in range(3)]  # noqa: E731
    assert nx.community.modularity(G, parts(one.segment)) > nx.community.modularity(G, parts(block)) - 0.01


def test_communities_are_cached_per_graph_and_seed():
    g = generate("powerlaw_cluster", n=800, m=3, p=0.3, seed=1)
    a = communities(g, "louvain", 5)
    assert communities(g, "louvain", 5) is a  # the counterfactual run on the same graph detects nothing again
    assert not a.flags.writeable


def _seeded_fans(mixing: float):
    raw = default_scenario_dict()
    raw["graph"] = {"generator": "stochastic_block", "sizes": [500, 1500], "p": [[0.02, 0.0005], [0.0005, 0.00667]]}
    base = dict(raw["population"]["segments"][0])
    raw["population"]["segments"] = [{**base, "name": "fans", "share": 0.25}, {**base, "name": "rest", "share": 0.75}]
    raw["population"]["homophily"] = {"mixing": mixing, "method": "blocks"}
    return load_scenario(raw, {"days": 30, "kol.count": 0, "funnel.platform_rate": 0.0, "seeding.count": 10,
                               "seeding.target.segments": ["fans"], "counterfactual": False})


def test_homophily_with_targeted_seeding_speeds_adoption_inside_the_segment():
    # fans and rest have the same attributes: only where the fans sit in the graph differs
    on, off = _seeded_fans(1.0), _seeded_fans(0.0)
    d = np.array([simulate(on, r).summary["buyers__fans"] - simulate(off, r).summary["buyers__fans"]
                  for r in range(40)])
    t = d.mean() / (d.std(ddof=1) / math.sqrt(len(d)))
    assert t > 3, (d.mean(), t)


def test_blocks_method_needs_a_block_graph():
    raw = default_scenario_dict()
    raw["population"]["homophily"] = {"mixing": 0.5, "method": "blocks"}
    with pytest.raises(ValueError, match="population.homophily.method"):
        load_scenario(raw)
