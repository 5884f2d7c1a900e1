"""Run plans: run ids, seeds with and without common random numbers, chunking."""
from __future__ import annotations

import numpy as np
import pytest

from simulation.runner.plan import chunk_runs, default_chunk_size, plan_runs
from simulation.seeding import run_seed


def test_run_ids_and_crn_seeds():
    specs = plan_runs(["a", "b", "c"], 4, base_seed=7, crn=True)
    assert [s.run for s in specs] == list(range(12))
    assert [(s.point, s.replication) for s in specs][:5] == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)]
    assert all(s.run == s.point * 4 + s.replication for s in specs)
    # Replication r of every point draws the same stream: child r of SeedSequence(7).
    for s in specs:
        assert s.entropy == 7 and s.spawn_key == (s.replication,) and s.spawn_key_text == str(s.replication)
        ref = run_seed(7, s.replication).generate_state(4)
        assert np.array_equal(s.seed_sequence().generate_state(4), ref)


def test_independent_seeds_are_distinct_per_run():
    specs = plan_runs(["a", "b"], 3, base_seed=7, crn=False)
    assert [s.spawn_key for s in specs] == [(k,) for k in range(6)]
    states = {tuple(s.seed_sequence().generate_state(2)) for s in specs}
    assert len(states) == 6


def test_chunks_cover_every_run_once_in_order():
    specs = plan_runs(["a", "b", "c"], 5, base_seed=1)
    chunks = chunk_runs(specs, 4)
    assert [len(c) for c in chunks] == [4, 4, 4, 3]
    assert [s.run for c in chunks for s in c] == list(range(15))
    with pytest.raises(ValueError):
        chunk_runs(specs, 0)


def test_default_chunk_size_balances_workers_and_caps_at_one_points_replications():
    assert default_chunk_size(27, 2, 3) == 3
    assert default_chunk_size(1000, 2, 20) == 20
    assert default_chunk_size(8, 2, 10) == 1
    assert default_chunk_size(0, 4, 3) == 1


@pytest.mark.parametrize("n, size, workers", [(360, 20, 2), (360, 40, 2), (27, 3, 2), (100, 7, 3), (5, 20, 2), (0, 4, 2)])
def test_chunks_for_several_workers_cover_every_run_once_and_shrink_at_the_end(n, size, workers):
    specs = plan_runs(["a"], n, base_seed=1) if n else []
    chunks = chunk_runs(specs, size, workers)
    sizes = [len(c) for c in chunks]
    assert [s.run for c in chunks for s in c] == list(range(n))
    assert all(1 <= k <= size for k in sizes)
    assert sizes == sorted(sizes, reverse=True)  # never a bigger task after a smaller one
    floor = max(1, size // 4)
    assert all(k >= floor for k in sizes[:-1])
    if n >= 4 * workers * size:  # many runs: full tasks first, the last ones a fraction
        assert sizes[0] == size and sizes[-2] <= max(floor, size // 2)


def test_chunks_for_the_benchmark_sweep():
    # quick.toml x 40 in chunks of 20 on 2 workers: 15 full tasks, then smaller ones
    assert [len(c) for c in chunk_runs(plan_runs(["a"], 360, base_seed=1), 20, 2)] == \
        [20] * 15 + [15, 12, 9, 6, 5, 5, 5, 3]
    assert [len(c) for c in chunk_runs(plan_runs(["a"], 360, base_seed=1), 20, 1)] == [20] * 18
