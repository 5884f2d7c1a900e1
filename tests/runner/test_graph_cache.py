"""The worker's graph cache: runs sharing a graph seed share the generated graph, and nothing changes."""
from __future__ import annotations

import numpy as np

from simulation.config.scenario import default_scenario
from simulation.engine import simulate
from simulation.runner.graph_cache import GraphCache
from simulation.runner.task import simulate_scenario
from simulation.seeding import run_seed


def _scenario(n: int = 300, **over):
    return default_scenario({"days": 10, "graph": {"generator": "powerlaw_cluster", "n": n, "m": 3, "p": 0.3},
                             **over})


def test_same_graph_seed_is_built_once_and_equals_a_fresh_build():
    cache = GraphCache()
    a, b = _scenario(), _scenario(**{"kol.count": 0})  # two design points, same graph table
    g = cache.graph(a, run_seed(4, 2))
    assert cache.graph(b, run_seed(4, 2)) is g and cache.hits == 1
    fresh = simulate(a, run_seed(4, 2)).graph  # what the engine builds itself
    np.testing.assert_array_equal(g.indptr, fresh.indptr)
    np.testing.assert_array_equal(g.indices, fresh.indices)
    # another replication, or another graph table, is another graph
    assert cache.graph(a, run_seed(4, 3)) is not g
    assert cache.graph(_scenario(n=301), run_seed(4, 2)) is not g
    assert cache.hits == 1


def test_cache_drops_the_least_recently_used_graph_beyond_its_arc_bound():
    probe = GraphCache()
    m = probe.graph(_scenario(), run_seed(1, 0)).m
    cache = GraphCache(max_arcs=2 * m + m // 2)  # room for two graphs of this size, not three
    g0 = cache.graph(_scenario(), run_seed(1, 0))
    g1 = cache.graph(_scenario(), run_seed(1, 1))
    assert cache.graph(_scenario(), run_seed(1, 0)) is g0  # 0 is now the most recent
    cache.graph(_scenario(), run_seed(1, 2))  # evicts 1
    assert cache.graph(_scenario(), run_seed(1, 0)) is g0
    assert cache.graph(_scenario(), run_seed(1, 1)) is not g1
    assert cache._arcs <= cache.max_arcs


def test_runner_model_with_the_cache_gives_the_engines_result():
    sc = _scenario(**{"counterfactual": True})
    seed = run_seed(8, 1)
    for _ in range(2):  # the second call takes the graph from the process cache
        summary, daily, _ = simulate_scenario(sc.model_dump(), seed)
        res = simulate(sc, seed, counterfactual=True)
        assert summary.keys() == res.summary.keys()
        np.testing.assert_array_equal(np.array(list(summary.values())), np.array(list(res.summary.values())))
        for k in res.daily:
            np.testing.assert_array_equal(daily[k], res.daily[k])
