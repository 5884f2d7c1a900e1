"""The operation models' fused day kernels and per-run rows equal the steps they replace, on random inputs:
``bargain_day``, ``coupon_day``, ``redeem_coupons``, ``via_share_rows``, ``union_sorted``, ``thin_visits``, ``PersonBatch`` /
``Row`` (``Batch.per_person``) and the models' per-day tables (``days_on``); ``route_table``'s test is beside
``route_day``'s (``test_event_day_kernels``)."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.kernels.funnel import CH_FRIEND, coupon_takers, draw_below, mark, skip_sample
from simulation.kernels.random import EVENT, STORE
from simulation.operations.base import Batch
from simulation.operations.event import bargain_day, bargain_help, coupon_day, redeem_coupons
from simulation.operations.per_run import PersonBatch, Row, days_on
from simulation.operations.relationship import via_share_rows
from simulation.operations.store import thin_visits, union_sorted

KEY = np.uint64(91)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _graph(rng, n):
    deg = rng.integers(0, 6, n)
    indptr = np.concatenate([[0], np.cumsum(deg)]).astype(np.int64)
    return indptr, rng.integers(0, n, indptr[-1]).astype(np.int32)


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(1, 40), k=st.integers(0, 15), prob=st.floats(0.0, 1.0),
       price=st.floats(1.0, 150.0), step=st.floats(0.0, 40.0), floor=st.floats(0.0, 120.0))
def test_bargain_day_equals_help_then_the_numpy_prices(seed, n, k, prob, price, step, floor):
    rng = np.random.default_rng(seed)
    indptr, indices = _graph(rng, n)
    w = rng.random(len(indices))
    people = np.unique(rng.integers(0, n, k)).astype(np.int64)
    shared = rng.random(n) < 0.3
    want_shared = shared.copy()
    heads, strength, arcs, helpers = bargain_help(people, indptr, indices, w, KEY, 12, prob)
    if len(people) and rng.random() < 0.7:  # a floor near the first bargainer's price, on either side
        floor = max(0.0, price - step * helpers[0] + rng.uniform(-1.0, 1.0))
    want_cut = np.minimum(np.maximum(floor, price - step * helpers), price)
    want_new = mark(want_shared, people)
    cut, ids = np.full(len(people) + 2, -7.0), np.zeros(len(people) + 2, np.int32)
    got = bargain_day(people, indptr, indices, w, KEY, 12, prob, price, step, floor, shared, cut, ids)
    for g, x in zip(got[:3], (heads, strength, arcs)):
        assert g.dtype == x.dtype
        np.testing.assert_array_equal(g, x)
    assert got[3] == want_new
    np.testing.assert_array_equal(shared, want_shared)
    np.testing.assert_array_equal(cut[: len(people)], want_cut)
    np.testing.assert_array_equal(ids[: len(people)], people.astype(np.int32))


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(1, 300), reach=st.sampled_from([0.0, 0.01, 0.2, 1.0]),
       masked=st.booleans())
def test_coupon_day_equals_the_picks_kept_then_the_takers(seed, n, reach, masked):
    rng = np.random.default_rng(seed)
    allowed = rng.random(n) < 0.6
    coupon = np.where(rng.random(n) < 0.2, 10.0, 0.0)
    bought, pending = rng.random(n) < 0.2, np.where(rng.random(n) < 0.1, 3, -1).astype(np.int64)
    cand_day = rng.integers(0, 4, n).astype(np.int64)
    picks = skip_sample(KEY, EVENT, 9, n, reach)
    if masked:
        picks = picks[allowed[picks]]
    want_coupon = coupon.copy()
    want = coupon_takers(picks, want_coupon, bought, pending, cand_day, 3, 7.5)
    got = coupon_day(KEY, 9, n, reach, allowed if masked else np.empty(0, np.bool_), coupon, bought, pending,
                     cand_day, 3, 7.5)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(coupon, want_coupon)


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(1, 50), k=st.integers(0, 30))
def test_redeem_coupons_equals_the_numpy_steps(seed, n, k):
    rng = np.random.default_rng(seed)
    coupon = np.where(rng.random(n) < 0.5, rng.choice([5.0, 10.0, 80.0], n), 0.0)
    buyers = rng.integers(0, n, k).astype(np.int64)  # repeats allowed: every read comes before any use
    left = np.where(rng.random(k) < 0.2, 0.0, rng.random(k) * 60)
    want_coupon = coupon.copy()
    want = np.minimum(want_coupon[buyers], left)
    want_coupon[buyers[want > 0]] = 0.0
    got = redeem_coupons(buyers, coupon, left)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(coupon, want_coupon)


@SETTINGS
@given(seed=st.integers(0, 2**31), k=st.integers(0, 40))
def test_via_share_rows_are_the_friend_rows_with_a_sharer(seed, k):
    rng = np.random.default_rng(seed)
    channel = rng.integers(0, 4, k).astype(np.int8)
    ref = rng.integers(-2, 5, k).astype(np.int64)
    want = np.flatnonzero((channel == CH_FRIEND) & (ref >= 0))
    got = via_share_rows(channel, ref, CH_FRIEND)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(1, 200), p=st.floats(0.0, 1.0), q=st.floats(0.0, 1.0))
def test_union_sorted_equals_union1d_of_sorted_distinct_runs(seed, n, p, q):
    rng = np.random.default_rng(seed)
    a, b = np.flatnonzero(rng.random(n) < p), np.flatnonzero(rng.random(n) < q)  # overlapping or not
    got = union_sorted(a, b)
    want = np.union1d(a, b)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(1, 300), mult=st.sampled_from([1.0, 3.0, 40.0]),
       factor=st.sampled_from([0.0, 2.0, 7.5]))
def test_thin_visits_equals_the_numpy_probabilities_and_draws(seed, n, mult, factor):
    """The holders' form (a factor, cap 1: what ``np.minimum`` and ``draw_below`` drew) and the candidates' (factor 1,
    the day's cap)."""
    rng = np.random.default_rng(seed)
    base = rng.random(n) * 0.2
    holders = np.flatnonzero(rng.random(n) < 0.4)
    p = np.minimum(1.0, base[holders] * mult * factor)
    want = holders[draw_below(holders, p, KEY, STORE, 37)]
    got = thin_visits(holders, base, mult, factor, 1.0, KEY, 37)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    cap = min(1.0, 0.2 * mult)
    want = holders[draw_below(holders, np.minimum(1.0, base[holders] * mult) / cap, KEY, STORE, 38)]
    np.testing.assert_array_equal(thin_visits(holders, base, mult, 1.0, cap, KEY, 38), want)


def _same_batch(got: Batch, want: Batch) -> None:
    for f in ("channel", "stream", "tag", "platform"):
        assert getattr(got, f) == getattr(want, f), f
    for f in ("targets", "strength", "price", "a", "b", "ref"):
        g, w = getattr(got, f), getattr(want, f)
        assert g.dtype == w.dtype and g.flags.c_contiguous and g.flags.writeable, f
        np.testing.assert_array_equal(g, w)


@SETTINGS
@given(seed=st.integers(0, 2**31), sizes=st.lists(st.integers(0, 70), min_size=1, max_size=12))
def test_person_batch_equals_batch_per_person_day_after_day(seed, sizes):
    """Lengths growing and shrinking, values changing or not: each batch equals ``Batch.per_person``'s."""
    rng = np.random.default_rng(seed)
    make = PersonBatch(5, 2)
    for day, k in enumerate(sizes, 1):
        people = np.sort(rng.choice(500, k, replace=False)).astype(np.int64)
        strength = float(rng.choice([0.05, 0.3]))
        price = float(rng.choice([100.0, 85.0]))
        ref = int(rng.choice([-1, 4]))
        want = Batch.per_person(5, 2, people, strength, price, 16 * day + 3, ref=ref, platform=day % 2)
        _same_batch(make(people, strength, price, 16 * day + 3, day % 2, ref), want)


def test_row_refills_on_a_new_value_or_length():
    row = Row(np.int64)
    a = row.of(3, 7)
    np.testing.assert_array_equal(a, [7, 7, 7])
    np.testing.assert_array_equal(row.of(40, 7), np.full(40, 7))
    np.testing.assert_array_equal(row.of(2, -1), [-1, -1])
    assert row.of(0, 5).shape == (0,)


def test_days_on_is_the_switch_by_day():
    assert days_on(lambda d: d % 3 == 0, 7) == [True, False, False, True, False, False, True, False]
    assert days_on(lambda d: 0, 0) == [False]


def test_event_day_tables_equal_the_config():
    """Price factors and set-up costs by day equal the rules of the config, flash days, windows and stock."""
    from simulation.config.scenario import default_scenario
    from simulation.engine import Engine
    from simulation.operations import all_on

    over = {**all_on(["event"]), "days": 40, "graph": {"generator": "barabasi_albert", "n": 300, "m": 3},
            "operations.event.coupon.start_day": 5, "operations.event.coupon.end_day": 20,
            "operations.event.flash_sale.days": [3, 30], "operations.event.flash_sale.stock": 0}
    eng = Engine(default_scenario(over), 1)
    ev = eng.op("event")
    c = ev.cfg
    for day in range(41):
        m = 1.0
        if c.campaign.enabled and c.campaign.active(day):
            m *= 1.0 - c.campaign.discount
        if day in (3, 30):
            m *= 1.0 - c.flash_sale.discount
        assert ev.price_multiplier(day) == m
        cost = 0.0
        for b, first in [(c.campaign, c.campaign.start_day), (c.coupon, 5), (c.groupbuy, 1), (c.bargain, 1)]:
            cost += b.setup_cost if b.enabled and first == day else 0.0
        cost += c.flash_sale.setup_cost if day in (3, 30) else 0.0
        assert ev.setup_cost(day) == cost
        assert ev._coupon_on[day] == (5 <= day <= 20)
