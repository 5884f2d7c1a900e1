"""The threaded day kernels (``simulation.kernels.parallel``) equal the serial ones bit for bit, on any thread count.

Hypothesis draws small random states (repeated targets, people already bought, pending,
converted earlier today, offline) and the kernels run on copies with 1 and 2 Numba threads;
every output array and counter must be equal to the serial kernel's.
"""
from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.kernels import funnel as F
from simulation.kernels import parallel as P

KEY = np.uint64(987654321)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THREADS = [1, 2] if numba.config.NUMBA_NUM_THREADS >= 2 else [1]


@pytest.fixture(autouse=True)
def _restore_threads():
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)


def _eval_case(rng, n, m, rows_off, rows_f, day):
    """Arguments of ``evaluate`` for a random day: (inputs, mutable state dict)."""
    targets = rng.integers(0, n, m).astype(np.int32)
    if n > 3000:  # spread some targets over several ownership blocks
        targets[: m // 2] = rng.integers(0, 3 * 1024, m // 2)
    fp = np.zeros(F.FP_SIZE)
    fp[F.FP_SOCIAL_PROOF] = rng.uniform(0, 2)
    fp[F.FP_NEG_FACTOR] = rng.uniform(0.5, 1)
    fp[F.FP_INV_REF_PRICE] = 0.01
    fp[F.FP_QUALITY] = rng.uniform(0.5, 2)
    fp[F.FP_INTEREST_RATIO] = rng.uniform(1, 3)
    fp[F.FP_FRIEND_DISCOUNT] = rng.uniform(0, 20)
    inputs = (targets, rng.random(m), rng.uniform(0, 150, m), rng.integers(0, 10**6, m).astype(np.int64),
              rng.integers(0, 50, m).astype(np.int64), rng.integers(-1, n, m).astype(np.int64))
    state = {"activity": np.where(rng.random(n) < 0.5, 1.0, rng.random(n)), "static": rng.uniform(0.3, 3, n),
             "price_sens": rng.uniform(0, 2, n), "price_off": rng.uniform(0, 30, (rows_off, n)),
             "buy_factor": rng.uniform(0.5, 1.5, (rows_f, n)), "bought_nbrs": rng.integers(0, 5, n).astype(np.int32),
             "indeg_inv": rng.random(n), "neg_heard": rng.integers(0, 3, n).astype(np.int32),
             "bought": rng.random(n) < 0.2, "pending": np.where(rng.random(n) < 0.1, 3, -1).astype(np.int64),
             "fp": fp, "exposed": rng.random(n) < 0.3, "interested": rng.random(n) < 0.2,
             "cand_day": np.where(rng.random(n) < 0.1, day, -1).astype(np.int64),
             "cand_channel": rng.integers(0, 6, n).astype(np.int8), "cand_price": rng.random(n),
             "cand_ref": rng.integers(-1, n, n).astype(np.int64), "cand_tag": np.zeros(n, np.int8),
             "cand_list": np.zeros(n, np.int32),
             "int_day": np.where(rng.random(n) < 0.1, day, -1).astype(np.int64),
             "int_list": np.zeros(n, np.int32), "cnt": rng.integers(0, 5, F.C_SIZE).astype(np.int64)}
    state["cand_list"][:] = rng.integers(0, n, n)  # the lists already hold earlier batches' entries
    return inputs, state


def _run_eval(kernel, inputs, state, channel, stream, day, *threads):
    s = {k: v.copy() for k, v in state.items()}
    targets, strength, price, a, b, ref = inputs
    kernel(targets, strength, price, a, b, ref, stream, channel, 2, day, KEY,
           s["activity"], s["static"], s["price_sens"], s["price_off"], s["buy_factor"], s["bought_nbrs"],
           s["indeg_inv"], s["neg_heard"], s["bought"], s["pending"], s["fp"], s["exposed"], s["interested"],
           s["cand_day"], s["cand_channel"], s["cand_price"], s["cand_ref"], s["cand_tag"], s["cand_list"],
           s["int_day"], s["int_list"], s["cnt"], *threads)
    return s


def _assert_same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k, strict=True)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.sampled_from([7, 60, 5000]), m=st.integers(0, 400),
       rows_off=st.integers(0, 2), rows_f=st.integers(0, 2), channel=st.sampled_from([F.CH_FRIEND, F.CH_KOL]))
def test_evaluate_equals_serial(seed, n, m, rows_off, rows_f, channel):
    rng = np.random.default_rng(seed)
    day = 9
    inputs, state = _eval_case(rng, n, m, rows_off, rows_f, day)
    want = _run_eval(F.evaluate, inputs, state, channel, 1, day)
    for k in (1, 2, 3):  # owners: any split gives the serial result
        _assert_same(_run_eval(P.evaluate, inputs, state, channel, 1, day, k), want)


def test_evaluate_large_batch_converts_and_interests():
    """A batch with many repeats per person: both lists and every counter are exercised (not vacuous)."""
    rng = np.random.default_rng(3)
    inputs, state = _eval_case(rng, 20_000, 60_000, 1, 1, 4)
    state["static"][:] = 5.0  # many conversions
    want = _run_eval(F.evaluate, inputs, state, F.CH_FRIEND, 1, 4)
    assert want["cnt"][F.C_CAND] > state["cnt"][F.C_CAND] + 100
    assert want["cnt"][F.C_INTERESTED] >= state["cnt"][F.C_INTERESTED]
    for k in THREADS:
        numba.set_num_threads(k)
        _assert_same(_run_eval(P.evaluate, inputs, state, F.CH_FRIEND, 1, 4, k), want)


def test_threads_follow_size_and_numba():
    numba.set_num_threads(1)
    assert P.threads_for(10**7, 10**7) == 1
    if numba.config.NUMBA_NUM_THREADS >= 2:
        numba.set_num_threads(2)
        assert P.threads_for(P.THRESHOLD, P.MIN_PEOPLE) == 2
        assert P.threads_for(P.THRESHOLD - 1, P.MIN_PEOPLE) == 1
        assert P.threads_for(P.THRESHOLD, P.MIN_PEOPLE - 1) == 1
