"""The day loop's fused kernels equal the numpy steps they replaced, on random inputs (repeats included).

Each ``_old_*`` below is the numpy formulation the engine used before the kernels (kept here as
the reference); hypothesis draws small random states, buyers with repeated ids among them.
"""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation import ledger, segments
from simulation.kernels import funnel as F
from simulation.kernels.random import CONTENT, SHARE
from simulation.record_buffer import RecordBuffer

from .day_cases import purchases

KEY = np.uint64(20240601)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _graph(rng, n):
    deg = rng.integers(0, 4, n)
    indptr = np.concatenate([[0], np.cumsum(deg)]).astype(np.int64)
    indices = rng.integers(0, n, indptr[-1]).astype(np.int32)
    return indptr, indices


def _state(rng, n):
    channel = rng.integers(-1, 6, n).astype(np.int8)
    root_channel = np.where(rng.random(n) < 0.5, channel, -1).astype(np.int8)
    return {"bought": rng.random(n) < 0.3, "bought_nbrs": rng.integers(0, 3, n).astype(np.int32),
            "root_channel": root_channel, "root_kol": rng.integers(-1, 4, n).astype(np.int64),
            "first_day": np.full(n, -1, np.int32), "first_channel": np.full(n, -1, np.int8),
            "first_kol": np.full(n, -1, np.int64), "first_platform": np.full(n, -1, np.int8),
            "purchase_day": np.full(n, -1, np.int32), "exposed": rng.random(n) < 0.5,
            "interested": rng.random(n) < 0.4}


def _old_set_roots(s, people, channel, ref):
    fresh = s["root_channel"][people] < 0
    people, channel, ref = people[fresh], channel[fresh], ref[fresh]
    via = (channel == F.CH_FRIEND) & (ref >= 0)
    src = np.where(via, ref, 0)
    inherit = via & (s["root_channel"][src] >= 0)
    s["root_channel"][people] = np.where(inherit, s["root_channel"][src], channel)
    s["root_kol"][people] = np.where(inherit, s["root_kol"][src], np.where(channel == F.CH_KOL, ref, -1))


def _old_book(s, buyers, channel, ref, plat, interested_today, cand_channel, cand_ref, day, indptr, indices):
    new_mask = ~s["bought"][buyers]
    new = buyers[new_mask]
    _old_set_roots(s, new, channel[new_mask], ref[new_mask])
    _old_set_roots(s, interested_today, cand_channel[interested_today], cand_ref[interested_today])
    s["first_day"][new] = day
    s["first_channel"][new] = channel[new_mask]
    s["first_kol"][new] = np.where(s["first_channel"][new] == F.CH_KOL, ref[new_mask], -1)
    s["first_platform"][new] = plat[new_mask]
    counts = [F.mark_bought(new, indptr, indices, s["bought"], s["bought_nbrs"]),
              F.mark(s["exposed"], buyers), F.mark(s["interested"], buyers)]
    s["purchase_day"][buyers] = day
    return new_mask, counts


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(2, 40), k=st.integers(0, 30), ki=st.integers(0, 10))
def test_book_buyers_equals_the_numpy_steps(seed, n, k, ki):
    rng = np.random.default_rng(seed)
    indptr, indices = _graph(rng, n)
    buyers, channel, ref, plat, interested_today, cand_channel, cand_ref = purchases(rng, n, k, ki)
    old, new = _state(rng, n), None
    new = {key: v.copy() for key, v in old.items()}
    mask, counts = _old_book(old, buyers, channel, ref, plat, interested_today, cand_channel, cand_ref, 7,
                             indptr, indices)
    is_new, got = np.empty(k, bool), np.zeros(3, np.int64)
    F.book_buyers(buyers, channel, ref, plat, interested_today, cand_channel, cand_ref, 7, indptr, indices,
                  new["bought"], new["bought_nbrs"], new["root_channel"], new["root_kol"], new["first_day"],
                  new["first_channel"], new["first_kol"], new["first_platform"], new["purchase_day"],
                  new["exposed"], new["interested"], is_new, got)
    np.testing.assert_array_equal(is_new, mask)
    assert list(got) == counts
    for key in old:
        np.testing.assert_array_equal(new[key], old[key], err_msg=key)


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(2, 40), k=st.integers(0, 30), spread=st.sampled_from([0.0, 0.4, 1.0]))
def test_settle_equals_the_numpy_steps(seed, n, k, spread):
    rng = np.random.default_rng(seed)
    indptr, indices = _graph(rng, n)
    buyers = rng.integers(0, n, k).astype(np.int64)
    p_sat = rng.random(k)
    count = rng.integers(0, 3, n).astype(np.int64)
    where = np.full(n, -1, np.int32)
    pool = np.zeros(n, np.int32)
    size = F.pool_update(rng.permutation(n)[: n // 2].astype(np.int64), np.ones(n // 2, bool), pool, where, 0)
    old = {"count": count, "satisfied": rng.random(n) < 0.5, "negative": rng.random(n) < 0.2, "pool": pool,
           "where": where, "neg_heard": np.zeros(n, np.int32)}
    new = {key: v.copy() for key, v in old.items()}
    sat = F.satisfied(buyers, old["count"], p_sat, KEY)
    old["count"][buyers] += 1
    old["satisfied"][buyers] = sat
    old_size = F.pool_update(buyers, sat, old["pool"], old["where"], size)
    unhappy = buyers[~sat]
    old["negative"][unhappy] = True
    F.spread_negative(np.sort(unhappy), 9, KEY, indptr, indices, spread, old["neg_heard"])
    got_sat = np.empty(k, bool)
    new_size, n_unhappy = F.settle(buyers, p_sat, KEY, 9, new["count"], new["satisfied"], new["negative"], new["pool"],
                                   new["where"], size, indptr, indices, spread, new["neg_heard"], got_sat)
    np.testing.assert_array_equal(got_sat, sat)
    assert (new_size, n_unhappy) == (old_size, len(unhappy))
    for key in old:
        np.testing.assert_array_equal(new[key], old[key], err_msg=key)


@SETTINGS
@given(seed=st.integers(0, 2**31), k=st.integers(0, 50), mult=st.floats(0.0, 3.0))
def test_draw_kernels_equal_draw_below(seed, k, mult):
    rng = np.random.default_rng(seed)
    people = rng.integers(0, 1000, k).astype(np.int64)
    q = rng.random(k) * 1.5
    want = people[F.draw_below(people, np.minimum(1.0, q * mult), KEY, SHARE, 4)]
    np.testing.assert_array_equal(F.keep_below(people, q, mult, KEY, SHARE, 4), want)
    prob = float(rng.random())
    want = people[F.draw_below(people, np.full(k, prob), KEY, CONTENT, 4)]
    np.testing.assert_array_equal(F.pick_below(people, prob, KEY, CONTENT, 4), want)


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(1, 40), k=st.integers(0, 40))
def test_coupon_takers_and_set_kernels_equal_numpy(seed, n, k):
    rng = np.random.default_rng(seed)
    people = np.sort(rng.choice(n, min(k, n), replace=False)).astype(np.int64)
    coupon = np.where(rng.random(n) < 0.3, 10.0, 0.0)
    bought, pending = rng.random(n) < 0.3, np.where(rng.random(n) < 0.2, 1, -1).astype(np.int64)
    cand_day = np.where(rng.random(n) < 0.2, 5, -1).astype(np.int64)
    old = coupon.copy()
    want = people[(old[people] == 0) & ~bought[people] & (pending[people] < 0) & (cand_day[people] != 5)]
    old[want] = 7.0
    np.testing.assert_array_equal(F.coupon_takers(people, coupon, bought, pending, cand_day, 5, 7.0), want)
    np.testing.assert_array_equal(coupon, old)
    values = rng.integers(0, n, k).astype(np.int64)
    np.testing.assert_array_equal(F.sorted_unique(values), np.unique(values))


class _Pop:
    def __init__(self, segment, names):
        self.segment, self.names = segment, names


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(1, 30), days=st.integers(1, 6))
def test_group_blocks_equal_record_day(seed, n, days):
    rng = np.random.default_rng(seed)
    pop = _Pop(rng.integers(0, 3, n).astype(np.int8), ["a", "b", "c"])
    old, new = segments.new_daily(pop, days), segments.new_daily(pop, days)
    blocks = segments.bind_blocks(new, pop)
    assert list(new) == list(old)
    for day in range(days + 1):
        k = int(rng.integers(0, 6)) * int(rng.random() < 0.7)
        buyers = rng.integers(0, n, k).astype(np.int64)
        paid, discount, fresh = rng.random(k) * 100, rng.random(k) * 10, rng.random(k) < 0.5
        refund = rng.integers(0, n, 2).astype(np.int64), rng.random(2), rng.random(2)
        for daily in (old, new):  # returns booked first, as customer service does
            segments.book_returns(daily, {}, day, pop, *refund)
        segments.record_day(old, day, pop, buyers, paid, discount, fresh)
        segments.record_blocks(blocks, day, buyers, paid, discount, fresh)
    for key in old:
        assert new[key].dtype == old[key].dtype
        np.testing.assert_array_equal(new[key], old[key], err_msg=key)


@SETTINGS
@given(seed=st.integers(0, 2**31), days=st.lists(st.integers(0, 300), max_size=12))
def test_record_buffer_equals_concatenated_parts(seed, days):
    rng = np.random.default_rng(seed)
    dtypes = {"day": np.int64, "kind": np.int8, "amount": np.float64}
    buf, parts = RecordBuffer(dtypes, capacity=4), []
    for day, k in enumerate(days):
        amount = rng.random(k)
        buf.append(k, day=day, kind=3, amount=amount)
        parts.append({"day": np.full(k, day, np.int64), "kind": np.full(k, 3, np.int8), "amount": amount})
    got = buf.table()
    for key, t in dtypes.items():
        want = np.concatenate([p[key] for p in parts]).astype(t) if parts else np.empty(0, t)
        assert got[key].dtype == want.dtype
        np.testing.assert_array_equal(got[key], want)


def test_day_totals_from_bound_rows_equal_the_lookup():
    rng = np.random.default_rng(1)
    d1 = {k: rng.random(5) for k in ledger.MONEY_SERIES}
    d2 = {k: v.copy() for k, v in d1.items()}
    paid, discount = rng.random(7) * 50, rng.random(7)
    ledger.day_totals(d1, 3, 40.0, 7, paid, discount)
    ledger.day_totals(d2, 3, 40.0, 7, paid, discount, [d2[k] for k in ledger.SPEND_SERIES])
    for k in d1:
        np.testing.assert_array_equal(d1[k], d2[k])


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(1, 40), k=st.integers(0, 15), prob=st.floats(0.0, 1.0))
def test_event_kernels_equal_the_numpy_steps(seed, n, k, prob):
    from simulation.kernels.random import BARGAIN
    from simulation.operations.event import bargain_help, group_invites

    rng = np.random.default_rng(seed)
    indptr, indices = _graph(rng, n)
    w = rng.random(len(indices))
    people = rng.integers(0, n, k).astype(np.int64)
    pending = np.where(rng.random(n) < 0.6, rng.integers(0, 5, n), -1).astype(np.int64)
    heads, arcs, pos = F.out_arcs(people, indptr, indices)
    groups = pending[people][pos]
    live = groups >= 0
    got = group_invites(people, indptr, indices, pending, w)
    for a, b in zip(got, (heads[live], w[arcs[live]], arcs[live], groups[live])):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    helps = F.draw_below(arcs, np.full(len(arcs), prob), KEY, BARGAIN, 12)
    got = bargain_help(people, indptr, indices, w, KEY, 12, prob)
    want = (heads[helps], w[arcs[helps]], arcs[helps], np.bincount(pos[helps], minlength=k))
    for a, b in zip(got, want):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@SETTINGS
@given(seed=st.integers(0, 2**31), n=st.integers(1, 40), k=st.integers(0, 15), arc0=st.sampled_from([0, 1000]))
def test_share_arcs_equal_out_arcs_and_gathers(seed, n, k, arc0):
    rng = np.random.default_rng(seed)
    indptr, indices = _graph(rng, n)
    w = rng.random(len(indices))
    sources = rng.integers(0, n, k).astype(np.int64)
    index = rng.integers(0, 5, k).astype(np.int64)
    heads, arcs, pos = F.out_arcs(sources, indptr, indices)
    want = (heads, w[arcs], arcs + arc0, index[pos], sources[pos])
    for a, b in zip(F.share_arcs(sources, index, indptr, indices, w, arc0), want):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@SETTINGS
@given(seed=st.integers(0, 2**31), k=st.integers(0, 400), bits=st.integers(0, 45))
def test_sorted_unique_equals_np_unique_both_sorts(seed, k, bits):
    # k <= 32 takes the insertion sort, longer lists the byte-wise radix sort (one pass per byte of the largest id)
    values = np.random.default_rng(seed).integers(0, 2**bits, k).astype(np.int64)
    got = F.sorted_unique(values)
    np.testing.assert_array_equal(got, np.unique(values))
    assert got.dtype == np.int64
