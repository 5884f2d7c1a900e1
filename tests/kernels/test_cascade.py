"""Cascade kernels: seed sampling, buffer hygiene and chunk-independence."""
import numpy as np
from scipy import stats

from simulation.kernels.cascade import pick_seeds, sir_many


def test_floyd_seed_sampling_is_uniform_and_distinct():
    n, k, reps = 50, 5, 20_000
    counts = np.zeros(n)
    mark = np.zeros(n, np.bool_)
    out = np.empty(k, np.int64)
    for r in range(reps):
        pick_seeds(n, k, np.uint64(r), mark, out)
        assert len(set(out.tolist())) == k
        counts[out] += 1
        mark[out] = False
    # each node is chosen with probability k/n: chi-square over n cells, reject beyond 1e-4
    expected = reps * k / n
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < stats.chi2.ppf(1 - 1e-4, n - 1)


def _ring(n):
    indptr = np.arange(0, 2 * n + 1, 2, dtype=np.int64)
    indices = np.empty(2 * n, np.int32)
    indices[0::2] = (np.arange(n) - 1) % n
    indices[1::2] = (np.arange(n) + 1) % n
    indices.reshape(n, 2).sort(axis=1)
    return indptr, indices


def test_results_do_not_depend_on_chunking_or_reused_buffers():
    indptr, indices = _ring(500)
    runs = 37
    keys = np.arange(runs, dtype=np.uint64) * np.uint64(7919) + np.uint64(1)
    prob = np.array([0.7])
    outs = []
    for chunks in (1, 3, runs):
        curves = np.zeros((runs, 501), np.int64)
        when = np.zeros((runs, 500), np.int32)
        info = sir_many(indptr, indices, prob, 0.6, 4, np.zeros(runs + 1, np.int64), np.empty(0, np.int64), keys, curves, when, chunks)
        outs.append((curves, when, info))
    for curves, when, info in outs[1:]:
        np.testing.assert_array_equal(curves, outs[0][0])
        np.testing.assert_array_equal(when, outs[0][1])
        np.testing.assert_array_equal(info, outs[0][2])
    # the final count equals the number of nodes with an activation step
    np.testing.assert_array_equal((outs[0][1] >= 0).sum(1), outs[0][0][:, -1])
    assert len(set(outs[0][0][:, -1].tolist())) > 1
