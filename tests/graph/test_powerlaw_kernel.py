"""The Holme–Kim kernel's neighbour lists stay inside the pool it sizes once."""
import numpy as np
import pytest

from simulation.graph import generators as G


@pytest.mark.parametrize("n, m, p", [(120, 1, 1.0), (120, 3, 0.5), (60, 59, 1.0), (200, 7, 0.0), (90, 30, 0.9)])
def test_powerlaw_cluster_lists_fit_their_pool(n, m, p):
    # the kernel's in-lists share one pool sized once (never grown): run as plain Python, where numpy checks
    # every index, it must give the compiled kernel's edges (hubs, dense m, all-triad p included)
    buf = np.random.default_rng(n + m).random(int((n - m) * (2 * m + 2 * m * p) + 8 * m * m + 64) * 4)
    pos_py, pos_jit = np.zeros(1, np.int64), np.zeros(1, np.int64)
    py = G._powerlaw_cluster_edges.py_func(buf, pos_py, n, m, p)
    jit = G._powerlaw_cluster_edges(buf, pos_jit, n, m, p)
    assert pos_py[0] == pos_jit[0] <= len(buf)
    np.testing.assert_array_equal(py[0], jit[0])
    np.testing.assert_array_equal(py[1], jit[1])
