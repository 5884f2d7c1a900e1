"""``bfs_balls`` collects the same nodes as scipy's breadth-first orders, concatenated and truncated."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_array
from scipy.sparse.csgraph import breadth_first_order

from simulation.graph.arcs import csr_from_edges
from simulation.graph.traversal import bfs_balls


def _scipy_balls(indptr, indices, centres, size):
    """The audience rule written with scipy (the implementation ``bfs_balls`` replaced)."""
    n = len(indptr) - 1
    adj = csr_array((np.ones(len(indices), np.int8), indices, indptr), shape=(n, n))
    taken = np.zeros(n, bool)
    parts, need = [], size
    for centre in centres:
        if need <= 0:
            break
        if taken[centre]:
            continue
        ball = breadth_first_order(adj, int(centre), directed=True, return_predecessors=False)
        taken[ball] = True
        parts.append(ball[:need])
        need -= len(parts[-1])
    return np.concatenate(parts).astype(np.int64) if parts else np.empty(0, np.int64)


@pytest.mark.filterwarnings("ignore:dropped")  # random edges repeat
@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300), st.floats(0.0, 3.0), st.booleans(), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_bfs_balls_equal_scipys_orders(n, mean_degree, directed, share, seed):
    # sparse graphs have many components (and, directed, balls that overlap earlier ones)
    rng = np.random.default_rng(seed)
    e = int(mean_degree * n / 2)
    g = csr_from_edges(n, rng.integers(0, n, e), rng.integers(0, n, e), directed=directed)
    centres = rng.permutation(n)
    size = int(round(share * n))
    out, got = bfs_balls(g.indptr, g.indices, centres, size)
    np.testing.assert_array_equal(out[:got], _scipy_balls(g.indptr, g.indices, centres, size))
