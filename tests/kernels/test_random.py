"""Counter-based uniforms: distribution, independence across counters, purity."""
import numpy as np
from scipy import stats

from simulation.kernels.random import TRANSMIT, hash4, uniform, uniforms


def test_uniforms_are_uniform_binned_chi_square():
    u = uniforms(np.uint64(2024), TRANSMIT, 0, 200_000, 0)
    counts = np.bincount((u * 50).astype(int), minlength=50)
    # 50 equiprobable bins: chi-square with 49 dof; reject only beyond the 1e-4 quantile
    chi2 = ((counts - len(u) / 50) ** 2 / (len(u) / 50)).sum()
    assert chi2 < stats.chi2.ppf(1 - 1e-4, 49)
    assert 0.0 <= u.min() and u.max() < 1.0


def test_neighbouring_counters_and_keys_are_uncorrelated():
    n = 100_000
    a = uniforms(np.uint64(7), TRANSMIT, 0, n, 0)
    b = uniforms(np.uint64(7), TRANSMIT, 0, n, 1)  # next attempt index
    c = uniforms(np.uint64(8), TRANSMIT, 0, n, 0)  # next key
    d = uniforms(np.uint64(7), TRANSMIT + 1, 0, n, 0)  # next stream
    # correlation of independent uniforms has SE 1/sqrt(n); allow 4 SE
    for other in (b, c, d, a[1:]):
        r = np.corrcoef(a[: len(other)], other)[0, 1]
        assert abs(r) < 4 / np.sqrt(n)


def test_a_draw_is_a_pure_function_of_its_counters():
    assert uniform(np.uint64(1), 3, 10, 2) == uniform(np.uint64(1), 3, 10, 2)
    assert hash4(np.uint64(1), 3, 10, 2) != hash4(np.uint64(1), 3, 10, 3)
    np.testing.assert_array_equal(uniforms(np.uint64(5), 1, 100, 10, 0), uniforms(np.uint64(5), 1, 0, 110, 0)[100:])
