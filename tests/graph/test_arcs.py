"""The CSR conversion (``simulation.graph.arcs``) against a plain numpy sort of the arcs."""
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.graph.arcs import _csr_arcs, csr_from_edges


def _expected(n, u, v, directed):
    """Arcs sorted by (tail, head, arc id), the first of each repeated arc kept, loops dropped."""
    if directed:
        tails, heads, arc = u, v, np.arange(len(u))
    else:  # arc 2e is edge e forwards, 2e + 1 backwards
        tails = np.stack([u, v], 1).ravel()
        heads = np.stack([v, u], 1).ravel()
        arc = np.arange(2 * len(u))
    keep = tails != heads
    tails, heads, arc = tails[keep], heads[keep], arc[keep]
    o = np.lexsort((arc, heads, tails))
    tails, heads, arc = tails[o], heads[o], arc[o]
    first = np.ones(len(tails), bool)
    first[1:] = (tails[1:] != tails[:-1]) | (heads[1:] != heads[:-1])
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tails[first], minlength=n), out=indptr[1:])
    return arc[first], heads[first], indptr, int(np.sum(u == v)), int(np.sum(~first))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 3000), st.integers(0, 400), st.booleans(), st.booleans(), st.integers(0, 2**32 - 1))
def test_csr_arcs_equals_a_lexsort_of_the_arcs(n, n_edges, directed, keep_order, seed):
    # n up to 3000 gives keys of up to 24 bits: 10 bucket bits, then up to 2 passes per
    # bucket; n <= 32 needs no pass after the buckets
    rng = np.random.default_rng(seed)
    hi = int(rng.integers(1, n + 1))  # a narrow id range makes repeats and loops common
    u = rng.integers(0, hi, n_edges).astype(np.int32)
    v = rng.integers(0, hi, n_edges).astype(np.int32)
    order, heads, indptr, loops, dups = _csr_arcs(n, u, v, directed, keep_order)
    want = _expected(n, u.astype(np.int64), v.astype(np.int64), directed)
    assert heads.dtype == np.int32 and indptr.dtype == np.int64
    np.testing.assert_array_equal(heads, want[1])
    np.testing.assert_array_equal(indptr, want[2])
    assert (loops, dups) == want[3:]
    np.testing.assert_array_equal(order, want[0] if keep_order else np.empty(0, np.int64))


def test_a_million_nodes_use_every_bit_of_the_key_and_keep_the_first_listing():
    # ids near 2^20 use every digit of the key; edge 2 repeats edge 0 backwards, so its
    # weight is dropped for edge 0's
    n = 1 << 20
    u = np.array([n - 1, 5, 0, 5], np.int32)
    v = np.array([0, n - 2, n - 1, 5], np.int32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = csr_from_edges(n, u, v, directed=False, attrs={"w": np.array([1.0, 2.0, 3.0, 4.0])})
    assert "1 self-loop and 1 duplicate edge" in str(caught[0].message)
    assert g.indices[g.indptr[0]:g.indptr[1]].tolist() == [n - 1]
    assert g.indices[g.indptr[n - 1]:g.indptr[n]].tolist() == [0]
    assert g.indices[g.indptr[5]:g.indptr[6]].tolist() == [n - 2]
    assert g.edge_attrs["w"].tolist() == [1.0, 2.0, 2.0, 1.0]
