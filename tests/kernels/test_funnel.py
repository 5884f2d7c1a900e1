"""The funnel kernels: evaluation probability, geometric skipping, negative word of mouth."""
from __future__ import annotations

import numpy as np

from simulation.kernels import funnel as F
from simulation.kernels.random import EVALUATE, NEGATIVE, PLATFORM, uniforms

KEY = np.uint64(987654321)


def _run(n, strength, price=0.0, price_sens=0.0, neg_heard=0, fp_over=None, activity=1.0, price_off=None,
         buy_factor=None):
    """Evaluate one exposure per person; ``price_off`` / ``buy_factor``: per-model rows (k, n), default none."""
    fp = np.zeros(F.FP_SIZE)
    fp[F.FP_NEG_FACTOR] = 0.5
    fp[F.FP_INV_REF_PRICE] = 1 / 100.0
    fp[F.FP_QUALITY] = 1.0
    fp[F.FP_INTEREST_RATIO] = 2.0
    for k, v in (fp_over or {}).items():
        fp[k] = v
    people = np.arange(n, dtype=np.int32)
    z = lambda dt=np.float64: np.zeros(n, dt)
    st = dict(exposed=z(bool), interested=z(bool), cand_day=np.full(n, -1, np.int64), cand_channel=z(np.int8),
              cand_price=z(), cand_ref=z(np.int64), cand_tag=z(np.int8), cand_list=z(np.int32),
              int_day=np.full(n, -1, np.int64), int_list=z(np.int32), cnt=np.zeros(F.C_SIZE, np.int64))
    F.evaluate(people, np.full(n, strength), np.full(n, price), people.astype(np.int64), np.full(n, 5, np.int64),
               np.full(n, -1, np.int64), EVALUATE, F.CH_KOL, F.TAG_PLAIN, 3, KEY,
               np.full(n, activity), np.ones(n), np.full(n, price_sens),
               np.zeros((0, n)) if price_off is None else price_off,
               np.ones((0, n)) if buy_factor is None else buy_factor, np.zeros(n, np.int32), z(),
               np.full(n, neg_heard, np.int32), z(bool), np.full(n, -1, np.int64), fp, **st)
    return st


def test_neutral_factors_give_exactly_the_strength():
    n = 5000
    st = _run(n, 0.3)
    u = uniforms(KEY, EVALUATE, 0, n, 5)
    conv = st["cand_day"] == 3
    np.testing.assert_array_equal(conv, u < 0.3)
    np.testing.assert_array_equal(st["interested"], u < 0.6)  # interest_ratio 2
    assert st["exposed"].all() and st["cnt"][F.C_CAND] == conv.sum()
    assert (st["cand_channel"][conv] == F.CH_KOL).all()


def test_price_and_negative_factors():
    n = 5000
    u = uniforms(KEY, EVALUATE, 0, n, 5)
    st = _run(n, 0.5, price=100.0, price_sens=1.0)
    np.testing.assert_array_equal(st["cand_day"] == 3, u < 0.5 * np.exp(-1.0))
    st = _run(n, 0.5, neg_heard=2)
    np.testing.assert_array_equal(st["cand_day"] == 3, u < 0.5 * 0.25)


def test_per_model_price_reductions_add_and_purchase_factors_multiply():
    n = 5000
    u = uniforms(KEY, EVALUATE, 0, n, 5)
    off = np.array([np.full(n, 30.0), np.full(n, 20.0)])  # e.g. a coupon and a points balance
    st = _run(n, 0.5, price=100.0, price_sens=1.0, price_off=off)
    np.testing.assert_array_equal(st["cand_day"] == 3, u < 0.5 * np.exp(-0.5))
    st = _run(n, 0.5, price=10.0, price_sens=1.0, price_off=off)  # never below a price of 0
    np.testing.assert_array_equal(st["cand_day"] == 3, u < 0.5)
    st = _run(n, 0.2, buy_factor=np.array([np.full(n, 1.5), np.full(n, 2.0)]))
    np.testing.assert_array_equal(st["cand_day"] == 3, u < 0.2 * 1.5 * 2.0)


def test_offline_people_are_not_exposed():
    n = 20000
    st = _run(n, 0.5, activity=0.3)
    frac = st["exposed"].mean()
    assert abs(frac - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)  # 4 SE of a binomial proportion


def test_skip_sample_rate():
    n, rate = 200_000, 0.01
    counts = []
    for b in range(20):
        s = F.skip_sample(KEY, PLATFORM, b, n, rate)
        assert (np.diff(s) > 0).all() and (s < n).all() and (s >= 0).all()
        counts.append(len(s))
    mean = np.mean(counts)
    assert abs(mean - n * rate) < 4 * np.sqrt(n * rate * (1 - rate) / 20)  # 4 SE of the mean count
    assert len(F.skip_sample(KEY, PLATFORM, 0, n, 0.0)) == 0
    assert len(F.skip_sample(KEY, PLATFORM, 0, 10, 1.0)) == 10


def test_spread_negative_counts():
    indptr = np.array([0, 3, 3, 3, 3], np.int64)
    indices = np.array([1, 2, 3], np.int32)
    heard = np.zeros(4, np.int32)
    sent = F.spread_negative(np.array([0]), 7, KEY, indptr, indices, 0.5, heard)
    expect = uniforms(KEY, NEGATIVE, 0, 3, 7) < 0.5
    assert sent == expect.sum()
    np.testing.assert_array_equal(heard[1:], expect.astype(np.int32))


def test_pool_update_keeps_exactly_the_people_last_satisfied():
    """After any sequence of purchases the pool holds those whose last purchase satisfied them, once each."""
    rng = np.random.default_rng(3)
    n = 60
    pool, where = np.zeros(n, np.int32), np.full(n, -1, np.int32)
    last = np.zeros(n, bool)
    size = 0
    for _ in range(200):
        buyers = rng.choice(n, size=rng.integers(0, 12), replace=False).astype(np.int64)
        sat = rng.random(len(buyers)) < 0.6
        size = F.pool_update(buyers, sat, pool, where, size)
        last[buyers] = sat
        members = pool[:size]
        assert sorted(members) == list(np.flatnonzero(last))
        np.testing.assert_array_equal(where[members], np.arange(size))
        assert (where[~last] == -1).all()


def test_thin_online_keeps_exactly_the_people_its_draws_keep():
    """Person i survives iff not pending, its thinning draw is below its probability and its online draw
    below its activity (no online draw at activity 1): checked against the draws themselves."""
    from simulation.kernels.random import ONLINE, REPEAT, uniform

    rng = np.random.default_rng(5)
    n = 400
    people = np.sort(rng.choice(n, 150, replace=False)).astype(np.int64)
    probs = rng.random(len(people))
    activity = np.where(rng.random(n) < 0.3, 1.0, rng.random(n))
    pending = np.where(rng.random(n) < 0.1, 7, -1).astype(np.int64)
    for p in (probs, np.empty(0)):
        got = F.thin_online(people, p, KEY, REPEAT, 11, activity, pending)
        want = [i for j, i in enumerate(people) if pending[i] < 0
                and (len(p) == 0 or uniform(KEY, REPEAT, i, 11) < p[j])
                and (activity[i] >= 1.0 or uniform(KEY, ONLINE, i, 11) < activity[i])]
        np.testing.assert_array_equal(got, want)
        assert 0 < len(got) < len(people)


def test_skip_sample_rate_one_is_every_id():
    for n in (0, 1, 7):
        got = F.skip_sample(KEY, PLATFORM, 3, n, 1.0)
        np.testing.assert_array_equal(got, np.arange(n, dtype=np.int64))
        assert got.dtype == np.int64
