"""``funnel.chance``'s negative-word-of-mouth factor, written out by hand, is Numba's ``neg_f ** neg_heard`` bit for
bit (square and multiply, math.pow past 2^16 hearings)."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from simulation.kernels import funnel as F


@njit(cache=True)
def _power(x, k):
    """The operator the hand-written loop replaces (float64 ** int32)."""
    return x ** k


def _factor(neg_f: float, heard: int) -> float:
    """``chance`` for one person whose every other factor is neutral (1.0): the factor itself."""
    one = np.ones(1)
    none = np.empty((0, 1))
    return F.chance(0, 1.0, 0.0, 0.0, one, np.zeros(1), none, none, np.zeros(1, np.int32), one,
                    np.array([heard], np.int32), 1.0, 0.0, 0.0, neg_f)


@settings(max_examples=300, deadline=None)
@given(st.floats(0.0, 1.5, allow_nan=False), st.one_of(st.integers(0, 200), st.integers(0x10000 - 3, 0x10000 + 3),
                                                        st.integers(1, 10**6)))
def test_negative_factor_is_numbas_power(neg_f, heard):
    assert _factor(neg_f, heard) == _power(neg_f, np.int32(heard))


def test_negative_factor_examples():
    # odd and even counts, and a count past the cut-off where Numba switches to math.pow
    for neg_f, heard in [(0.9, 1), (0.9, 2), (0.7, 13), (0.999999, 0x10000 + 1), (1.0000001, 300000)]:
        assert _factor(neg_f, heard) == _power(neg_f, np.int32(heard))
