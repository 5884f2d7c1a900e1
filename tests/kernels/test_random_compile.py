"""``uniform`` compiles its hash once (four uint64) and draws exactly what the inlined chain drew."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit, types, uint64

from simulation.kernels import random as R

_M1, _M2, _GOLDEN, _INV53 = R._M1, R._M2, R._GOLDEN, R._INV53


# The chain as it was before hash4 stopped being inlined (every function inline="always"):
# the reference a change of decorators must reproduce bit for bit.
@njit(inline="always")
def _old_mix64(z):
    z = uint64(z)
    z = (z ^ (z >> uint64(30))) * _M1
    z = (z ^ (z >> uint64(27))) * _M2
    return z ^ (z >> uint64(31))


@njit(inline="always")
def _old_hash4(key, stream, a, b):
    h = _old_mix64(uint64(key) ^ (uint64(stream) * _M1))
    h = _old_mix64(h ^ (uint64(b) * _M2 + _GOLDEN))
    return _old_mix64(h + (uint64(a) + uint64(1)) * _GOLDEN)


@njit(inline="always")
def _old_uniform(key, stream, a, b):
    return float(_old_hash4(key, stream, a, b) >> uint64(11)) * _INV53


@njit
def _both(key, a32, a64, b):
    """Draws of the current and the old chain, with a module constant as stream and int32 / int64 counters."""
    out = np.empty((4, a32.shape[0]))
    for j in range(a32.shape[0]):
        out[0, j] = R.uniform(key, R.ONLINE, a32[j], b)
        out[1, j] = _old_uniform(key, R.ONLINE, a32[j], b)
        out[2, j] = R.uniform(key, R.TRANSMIT, a64[j], j)
        out[3, j] = _old_uniform(key, R.TRANSMIT, a64[j], j)
    return out


@settings(max_examples=30, deadline=None)
@given(key=st.integers(0, 2**64 - 1), b=st.integers(-(2**40), 2**40),
       a=st.lists(st.integers(-(2**31), 2**31 - 1), min_size=1, max_size=40))
def test_uniform_equals_the_inlined_chain_bit_for_bit(key, b, a):
    a32 = np.array(a, np.int32)
    out = _both(np.uint64(key), a32, a32.astype(np.int64) * 977, b)
    assert np.array_equal(out[0].view(np.uint64), out[1].view(np.uint64))
    assert np.array_equal(out[2].view(np.uint64), out[3].view(np.uint64))
    assert ((out >= 0.0) & (out < 1.0)).all()


def test_hash4_is_compiled_once_whatever_the_callers_argument_types():
    # literals (module constants) and int32 / int64 counters above: one specialisation of hash4
    _both(np.uint64(3), np.arange(3, dtype=np.int32), np.arange(3), 7)
    sigs = R.hash4.signatures
    assert (uint64, uint64, uint64, uint64) in sigs
    # other signatures can only come from Python calls (other tests), never a kernel's literal or int32
    assert not any(isinstance(t, types.Literal) or t == types.int32 for sig in sigs for t in sig), sigs
