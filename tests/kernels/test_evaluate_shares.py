"""``funnel.evaluate_shares`` (friend shares evaluated from the graph) equals ``share_arcs`` then ``evaluate``.

Hypothesis draws small random graphs, sharers and states (people already bought, pending,
converted earlier today, offline, repeated heads) and both routes run on copies; every
output array and counter must be equal, bit for bit.
"""
from __future__ import annotations

import numba
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulation.kernels import funnel as F
from simulation.kernels import parallel as P
from simulation.kernels.random import TRANSMIT

from .day_cases import count_calls, every_model_scenario
from .test_parallel import KEY, SETTINGS, THREADS, _assert_same, _eval_case, _restore_threads, _run_eval  # noqa: F401 (autouse)


def _graph(rng, n, max_deg):
    deg = rng.integers(0, max_deg + 1, n)
    indptr = np.concatenate([[0], np.cumsum(deg)]).astype(np.int64)
    return indptr, rng.integers(0, n, indptr[-1]).astype(np.int32)


def _both(rng, n, k, max_deg, arc0, price, rows_off, rows_f, day, kernel=F.evaluate_shares):
    """The state after ``share_arcs`` + ``evaluate`` and after ``kernel`` (``evaluate_shares``) of one random case."""
    indptr, indices = _graph(rng, n, max_deg)
    w = rng.random(len(indices))
    sources = np.unique(rng.integers(0, n, k)).astype(np.int64)
    index = rng.integers(0, 5, len(sources)).astype(np.int64)
    _, state = _eval_case(rng, n, 0, rows_off, rows_f, day)
    heads, strength, arcs, idx, ref = F.share_arcs(sources, index, indptr, indices, w, arc0)
    inputs = (heads, strength, np.full(len(arcs), price), arcs, idx, ref)
    want = _run_eval(F.evaluate, inputs, state, F.CH_FRIEND, TRANSMIT, day)
    got = {key: v.copy() for key, v in state.items()}
    kernel(sources, index, indptr, indices, w, arc0, price, TRANSMIT, F.CH_FRIEND, 2, day, KEY,
                      *(got[key] for key in ("activity", "static", "price_sens", "price_off", "buy_factor",
                                             "bought_nbrs", "indeg_inv", "neg_heard", "bought", "pending", "fp",
                                             "exposed", "interested", "cand_day", "cand_channel", "cand_price",
                                             "cand_ref", "cand_tag", "cand_list", "int_day", "int_list", "cnt")))
    return want, got, state


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.sampled_from([5, 60, 3000]), k=st.integers(0, 80),
       max_deg=st.integers(0, 12), arc0=st.sampled_from([0, 12345]), price=st.floats(0, 150),
       rows_off=st.integers(0, 2), rows_f=st.integers(0, 2))
def test_evaluate_shares_equals_share_arcs_then_evaluate(seed, n, k, max_deg, arc0, price, rows_off, rows_f):
    want, got, _ = _both(np.random.default_rng(seed), n, k, max_deg, arc0, price, rows_off, rows_f, 7)
    _assert_same(got, want)


def test_evaluate_shares_converts_and_interests():
    """Many sharers over a dense graph: both lists and every counter move (the comparison is not vacuous)."""
    rng = np.random.default_rng(11)
    want, got, before = _both(rng, 4000, 3000, 30, 500, 80.0, 1, 1, 5)
    for c in (F.C_CAND, F.C_INTERESTED, F.C_EXPOSURES, F.C_NEW_EXPOSED, F.C_NEW_INTERESTED):
        assert want["cnt"][c] > before["cnt"][c] + 20, c
    _assert_same(got, want)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.sampled_from([5, 60, 3000]), k=st.integers(0, 80),
       max_deg=st.integers(0, 40), arc0=st.sampled_from([0, 12345]), price=st.floats(0, 150),
       rows_off=st.integers(0, 2), rows_f=st.integers(0, 2), threads=st.sampled_from(THREADS),
       owners=st.integers(1, 3))
def test_threaded_evaluate_shares_equals_serial(seed, n, k, max_deg, arc0, price, rows_off, rows_f, threads, owners):
    """``parallel.evaluate_shares`` (decided on every thread, applied by each person's owner in batch order) equals
    the serial route for any number of owners, on 1 and 2 threads (repeated heads: people converted by an earlier
    exposure of the batch, interested by an earlier batch)."""
    numba.set_num_threads(threads)
    want, got, _ = _both(np.random.default_rng(seed), n, k, max_deg, arc0, price, rows_off, rows_f, 7,
                         kernel=lambda *a: P.evaluate_shares(*a, owners))
    _assert_same(got, want)


def test_threaded_evaluate_shares_converts_and_interests():
    """A dense case through ``parallel.evaluate_shares``: many conversions, later exposures of converted people."""
    rng = np.random.default_rng(12)
    for t in THREADS:
        numba.set_num_threads(t)
        want, got, before = _both(rng, 4000, 3000, 30, 500, 20.0, 1, 1, 5,
                                  kernel=lambda *a: P.evaluate_shares(*a, max(t, 2)))
        for c in (F.C_CAND, F.C_INTERESTED, F.C_EXPOSURES, F.C_NEW_EXPOSED, F.C_NEW_INTERESTED):
            assert want["cnt"][c] > before["cnt"][c] + 20, c
        _assert_same(got, want)


def test_engine_shares_from_graph_equal_arc_table(monkeypatch):
    """A whole run whose friend shares take ``evaluate_shares`` (the large-run threshold lowered, one thread) equals
    the run through ``share_arcs`` + ``evaluate``: summary, every daily series, every record table."""
    import numba

    from benchmarks.bench_large import _same
    from simulation.engine import simulate
    from simulation.kernels import parallel as P

    sc = every_model_scenario()
    want = simulate(sc, 5)
    monkeypatch.setattr(P, "MIN_PEOPLE", 0)
    calls = count_calls(monkeypatch, F, "evaluate_shares")
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        got = simulate(sc, 5)
    finally:
        numba.set_num_threads(before)
    assert calls["n"] >= 10
    assert _same(got, want)
