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
from simulation.kernels.random import NEGATIVE

from .day_cases import count_calls, every_model_scenario, purchases, threaded_cases

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
             "cand_list": np.zeros(n + F.C_SIZE, np.int32),  # room past the counts the lists start from
             "int_day": np.where(rng.random(n) < 0.1, day, -1).astype(np.int64),
             "int_list": np.zeros(n + F.C_SIZE, np.int32), "cnt": rng.integers(0, 5, F.C_SIZE).astype(np.int64)}
    state["cand_list"][:n] = rng.integers(0, n, n)  # the lists already hold earlier batches' entries
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


def _graph(rng, n, max_deg=6):
    deg = rng.integers(0, max_deg, n)
    indptr = np.concatenate([[0], np.cumsum(deg)]).astype(np.int64)
    return indptr, rng.integers(0, n, indptr[-1]).astype(np.int32)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 300), k=st.integers(0, 200), arc0=st.integers(0, 10**6))
def test_share_arcs_equals_serial(seed, n, k, arc0):
    rng = np.random.default_rng(seed)
    indptr, indices = _graph(rng, n)
    sources = np.sort(rng.integers(0, n, k)).astype(np.int64)
    index = rng.integers(0, 5, k).astype(np.int64)
    w = rng.random(indices.shape[0])
    want = F.share_arcs(sources, index, indptr, indices, w, arc0)
    for got, ref in zip(P.share_arcs(sources, index, indptr, indices, w, arc0), want):
        np.testing.assert_array_equal(got, ref, strict=True)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 300), k=st.integers(0, 200),
       prob=st.sampled_from([0.0, 0.3, 1.0]))
def test_add_over_arcs_counts_like_spread_negative(seed, n, k, prob):
    rng = np.random.default_rng(seed)
    indptr, indices = _graph(rng, n)
    sources = rng.integers(0, n, k).astype(np.int64)  # repeats spread again
    want = rng.integers(0, 3, n).astype(np.int32)
    got = want.copy()
    sent = F.spread_negative.py_func(sources, 5, KEY, indptr, indices, prob, want) if prob > 0 else 0
    for t in THREADS:
        numba.set_num_threads(t)
        each = got.copy()
        assert P.add_over_arcs(sources, indptr, indices, each, prob, KEY, NEGATIVE, 5) == sent
        np.testing.assert_array_equal(each, want, strict=True)


@pytest.fixture
def _threaded_always(monkeypatch):
    """Every input goes to the threaded kernels (the engine's size thresholds off)."""
    monkeypatch.setattr(P, "THRESHOLD", 0)
    monkeypatch.setattr(P, "MIN_PEOPLE", 0)


@pytest.mark.usefixtures("_threaded_always")
@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 60), k=st.integers(0, 40), ki=st.integers(0, 10),
       spread=st.sampled_from([0.0, 0.4, 1.0]))
def test_book_and_settle_wrappers_equal_serial(seed, n, k, ki, spread):
    rng = np.random.default_rng(seed)
    indptr, indices = _graph(rng, n)
    # repeated buyers: counted once in bought friends, spread twice
    buyers, channel, ref, plat, interested_today, cand_channel, cand_ref = purchases(rng, n, k, ki)
    p_sat = rng.random(k)
    state = {"bought": rng.random(n) < 0.3, "bought_nbrs": rng.integers(0, 3, n).astype(np.int32),
             "root_channel": rng.integers(-1, 6, n).astype(np.int8), "root_kol": rng.integers(-1, 4, n),
             "first_day": np.full(n, -1, np.int32), "first_channel": np.full(n, -1, np.int8),
             "first_kol": np.full(n, -1, np.int64), "first_platform": np.full(n, -1, np.int8),
             "purchase_day": np.full(n, -1, np.int32), "exposed": rng.random(n) < 0.5,
             "interested": rng.random(n) < 0.4, "count": rng.integers(0, 3, n), "satisfied": rng.random(n) < 0.5,
             "negative": rng.random(n) < 0.2, "pool": np.zeros(n, np.int32), "where": np.full(n, -1, np.int32),
             "neg_heard": rng.integers(0, 2, n).astype(np.int32)}

    def day(book, settle):
        s = {key: v.copy() for key, v in state.items()}
        is_new, counts, sat = np.empty(k, bool), np.zeros(3, np.int64), np.empty(k, bool)
        book(buyers, channel, ref, plat, interested_today, cand_channel, cand_ref, 7, indptr, indices,
             s["bought"], s["bought_nbrs"], s["root_channel"], s["root_kol"], s["first_day"], s["first_channel"],
             s["first_kol"], s["first_platform"], s["purchase_day"], s["exposed"], s["interested"], is_new, counts)
        out = settle(buyers, p_sat, KEY, 7, s["count"], s["satisfied"], s["negative"], s["pool"], s["where"], 0,
                     indptr, indices, spread, s["neg_heard"], sat)
        return {**s, "is_new": is_new, "counts": counts, "sat": sat, "out": np.array(out)}

    want = day(F.book_buyers, F.settle)
    for t in THREADS:
        numba.set_num_threads(t)
        _assert_same(day(P.book_buyers, P.settle), want)


@pytest.mark.parametrize("case", ["every_model", "talk_and_interest", "platforms"])
def test_engine_threaded_equals_serial(monkeypatch, case):
    """A whole run (every model on, friend shares, bought friends, negative word of mouth; ``day_cases.threaded_cases``)
    through the threaded kernels on 1 and 2 threads equals the serial run: summary, every daily series, every
    record table."""
    from simulation.engine import simulate

    sc = threaded_cases()[case]
    want = simulate(sc, 11)
    monkeypatch.setattr(P, "THRESHOLD", 0)
    monkeypatch.setattr(P, "MIN_PEOPLE", 0)
    calls = count_calls(monkeypatch, P, "evaluate")
    share_calls = count_calls(monkeypatch, P, "evaluate_shares")  # friend shares straight from the graph
    for t in THREADS:
        numba.set_num_threads(t)
        got = simulate(sc, 11)
        assert got.summary.keys() == want.summary.keys()
        for key, v in want.summary.items():
            assert got.summary[key] == v or (v != v and got.summary[key] != got.summary[key]), key
        for key, v in want.daily.items():
            np.testing.assert_array_equal(got.daily[key], v, err_msg=key)
        for table, cols in want.records.items():
            for col, v in cols.items():
                np.testing.assert_array_equal(got.records[table][col], v, err_msg=f"{table}.{col}")
    assert calls["n"] > 0
    # one platform: friend shares straight from the graph (parallel.evaluate_shares) on two threads
    assert share_calls["n"] > 0 or THREADS == [1] or case == "platforms"
    assert want.summary["purchases"] > 100


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 200), k=st.integers(0, 100))
def test_group_invites_equals_the_event_kernel(seed, n, k):
    from simulation.operations.event import group_invites

    rng = np.random.default_rng(seed)
    indptr, indices = _graph(rng, n)
    joiners = rng.integers(0, n, k).astype(np.int64)
    pending = np.where(rng.random(n) < 0.6, rng.integers(0, 9, n), -1).astype(np.int64)
    w = rng.random(indices.shape[0])
    want = group_invites(joiners, indptr, indices, pending, w)
    for got, ref in zip(P.group_invites(joiners, indptr, indices, pending, w), want):
        np.testing.assert_array_equal(got, ref, strict=True)
