"""The Barabási–Albert kernel, which computes the repeated-nodes list, against one that stores it."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.graph.generators import _barabasi_albert_edges


def _stored_list(buf, n, m):
    """NetworkX's method with the list held in memory (the kernel's former form), in Python."""
    src, dst = [0] * m, list(range(1, m + 1))
    rep = [0] * m + list(range(1, m + 1))
    pos = 0
    for s in range(m + 1, n):
        targets = []
        while len(targets) < m:
            t = rep[int(buf[pos % len(buf)] * len(rep))]
            pos += 1
            if t not in targets:
                targets.append(t)
        src += [s] * m
        dst += targets
        rep += targets + [s] * m
    return np.array(src), np.array(dst), pos


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 400), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_ba_kernel_equals_the_stored_list_method(n, m, seed):
    m = min(m, n - 1)
    buf = np.random.default_rng(seed).random(max(m * n // 2, 16))  # short: wraps around, as on a retry
    pos = np.zeros(1, np.int64)
    src, dst = _barabasi_albert_edges(buf, pos, n, m)
    want_src, want_dst, want_pos = _stored_list(buf, n, m)
    np.testing.assert_array_equal(src, want_src)
    np.testing.assert_array_equal(dst, want_dst)
    assert pos[0] == want_pos
