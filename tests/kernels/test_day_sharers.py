"""``kernels.funnel.day_sharers`` equals the numpy steps of phase 4 it replaces, on random inputs.

``_old_sharers`` is the engine's formulation (still its path when a model has a ``share_factor``):
``keep_below`` on the satisfied buyers, ``keep_below`` on the interested who have not bought and are
not pending, their concatenation and ``sorted_unique``.
"""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.kernels import funnel as F
from simulation.kernels.random import SHARE

KEY = np.uint64(20240601)


def _old_sharers(buyers, sat, prop, mult, interested, bought, pending, rate, key, day):
    sharers = np.empty(0, np.int64)
    if len(buyers):
        happy = buyers[sat]
        if len(happy):
            sharers = F.keep_below(happy, prop[happy], mult, key, SHARE, day)
    if rate > 0 and len(interested):
        cand = interested[~bought[interested] & (pending[interested] < 0)]
        if len(cand):
            more = F.keep_below(cand, prop[cand] * mult, rate, key, SHARE, day)
            sharers = np.concatenate([sharers, more]) if len(sharers) else more
    return F.sorted_unique(sharers) if len(sharers) > 1 else sharers


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n=st.integers(1, 300), k=st.integers(0, 60), ki=st.integers(0, 80),
       mult=st.sampled_from([0.5, 1.0, 1.7, 40.0]), rate=st.sampled_from([0.0, 0.2, 1.0, 3.0]),
       day=st.integers(0, 200))
def test_day_sharers_equals_the_numpy_steps(seed, n, k, ki, mult, rate, day):
    rng = np.random.default_rng(seed)
    buyers = rng.integers(0, n, k).astype(np.int64)  # repeat purchases: the same buyer twice
    sat = rng.random(k) < 0.7
    prop = rng.random(n) * rng.choice([0.05, 0.5, 1.0])
    interested = rng.permutation(n)[: min(ki, n)].astype(np.int64)
    bought = rng.random(n) < 0.4
    bought[buyers] = True  # today's buyers have bought when phase 4 runs
    pending = np.where(rng.random(n) < 0.1, rng.integers(0, 5, n), -1).astype(np.int64)
    want = _old_sharers(buyers, sat, prop, mult, interested, bought, pending, rate, KEY, day)
    got = F.day_sharers(buyers, sat, prop, mult, interested, bought, pending, rate, KEY, day)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)


def test_day_sharers_keeps_both_kinds_of_sharer():
    # everybody shares (p capped at 1): satisfied buyers and the free interested, sorted, once each
    buyers = np.array([7, 3, 7, 5], np.int64)
    sat = np.array([True, True, True, False])
    interested = np.array([9, 1, 8, 2], np.int64)
    bought = np.zeros(10, bool)
    bought[[3, 5, 7, 8]] = True
    pending = np.full(10, -1, np.int64)
    pending[2] = 0
    got = F.day_sharers(buyers, sat, np.ones(10), 2.0, interested, bought, pending, 5.0, KEY, 3)
    np.testing.assert_array_equal(got, [1, 3, 7, 9])
