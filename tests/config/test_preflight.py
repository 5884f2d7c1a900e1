"""Preflight: graph sizes by arithmetic, the memory estimate and its refusal."""
from __future__ import annotations

import pytest

from simulation.config import preflight
from simulation.config.preflight import GraphSize, PreflightError, check_memory_fits, generator_size, run_memory


@pytest.mark.parametrize("name,params,n,edges", [
    ("barabasi_albert", {"n": 1000, "m": 3}, 1000, 3000),
    ("powerlaw_cluster", {"n": 500, "m": 4, "p": 0.3}, 500, 2000),
    ("watts_strogatz", {"n": 100, "k": 6, "p": 0.1}, 100, 300),
    ("erdos_renyi", {"n": 1000, "mean_degree": 8.0}, 1000, 4000),
    ("erdos_renyi", {"n": 101, "p": 0.1}, 101, 505),
    ("complete", {"n": 10}, 10, 45),
    ("stochastic_block", {"sizes": [10, 20], "p_in": 1.0, "p_out": 0.0}, 30, 45 + 190),
])
def test_generator_sizes_follow_from_parameters(name, params, n, edges):
    size = generator_size(name, params)
    assert (size.n, size.edges, size.arcs) == (n, edges, 2 * edges)


def test_memory_estimate_grows_with_edges_nodes_and_days():
    small = run_memory(GraphSize(1000, 5000, 10000), 90)
    assert run_memory(GraphSize(1000, 50000, 100000), 90) > small
    assert run_memory(GraphSize(100000, 5000, 10000), 90) > small
    assert run_memory(GraphSize(1000, 5000, 10000), 9000) > small
    # the README's 10^6 people / 10^7 edges / 180 days peaked at 1.1 GB: the estimate does not undershoot
    assert 1.1e9 <= run_memory(GraphSize(10**6, 10**7, 2 * 10**7), 180) <= 2.5e9


def test_memory_refusal_names_the_estimate_and_the_override(monkeypatch):
    monkeypatch.setattr(preflight, "available_memory", lambda: 2**30)
    check_memory_fits(2**29, 1)
    with pytest.raises(PreflightError, match=r"about 1\.5 GiB \(3 workers x 512 MiB\).*1\.0 GiB is available.*--no-memory-check"):
        check_memory_fits(2**29, 3)
