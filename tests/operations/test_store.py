"""Offline stores and O2O: the distance law of visits, events, coupons, the community, costs, the online spill-over."""
from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.engine import Engine, simulate
from simulation.operations import CHANNELS
from simulation.operations.store import StoreConfig, layout, visit_base
from simulation.seeding import run_seed
from tests.paired import paired_t
from tests.test_engine import small_scenario

STORE = {"kol.count": 0, "operations.store.enabled": True}
CH_STORE, CH_O2O = CHANNELS.index("store"), CHANNELS.index("o2o")


def visit_counts(sc, seed, days):
    """Per-person visits per day of a run stepped to ``days`` (array days x n), and the model."""
    eng = Engine(sc, seed)
    op = eng.op("store")
    rows = []
    for _ in range(days):
        before = op.visits.copy()
        eng.step()
        rows.append(op.visits - before)
    return np.array(rows), op


def binned_z(visits: np.ndarray, p: np.ndarray, dist: np.ndarray, bins: int = 6) -> np.ndarray:
    """Per distance bin: (observed - expected visits) / binomial SE, SE^2 = sum_i D p_i (1 - p_i)."""
    days = visits.shape[0]
    edges = np.quantile(dist, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, dist, side="right") - 1, 0, bins - 1)
    obs = np.bincount(which, visits.sum(axis=0), bins)
    exp = np.bincount(which, days * p, bins)
    var = np.bincount(which, days * p * (1 - p), bins)
    return (obs - exp) / np.sqrt(var)


def test_visit_frequency_follows_the_distance_law():
    """Visits per person over D open days ~ Binomial(D, visit_rate * exp(-d / scale)): per distance bin the
    count lies within 4 binomial SEs of the closed form, and a law with twice the scale is rejected."""
    over = {**STORE, "operations.store.people": "uniform", "operations.store.stores": [[0.5, 0.5]],
            "operations.store.store_count": 1, "operations.store.visit_rate": 0.3,
            "operations.store.distance_scale": 0.15, "operations.store.store_strength": 0.0}
    sc = small_scenario(over, n=3000, days=20)
    visits, op = visit_counts(sc, run_seed(1, 0), 20)
    dist = np.hypot(op.xy[:, 0] - 0.5, op.xy[:, 1] - 0.5)
    law = 0.3 * np.exp(-dist / 0.15)
    np.testing.assert_allclose(op.base, law, rtol=1e-12)
    z = binned_z(visits, law, dist)
    assert (np.abs(z) < 4).all(), z
    wrong = 0.3 * np.exp(-dist / 0.3)
    assert np.abs(binned_z(visits, wrong, dist)).max() > 4  # the check can fail


def test_events_and_coupons_multiply_visits():
    """On event days the visit probability is min(1, E q_i); holders of an O2O coupon visit C times as often."""
    over = {**STORE, "operations.store.people": "uniform", "operations.store.stores": [[0.3, 0.3], [0.7, 0.6]],
            "operations.store.store_count": 2, "operations.store.visit_rate": 0.05,
            "operations.store.store_strength": 0.0,
            "operations.store.events": [{"start_day": 4, "end_day": 9, "visit_multiplier": 4.0, "cost": 0.0}]}
    sc = small_scenario(over, n=4000, days=12)
    visits, op = visit_counts(sc, run_seed(2, 0), 12)
    ev = visits[3:9]  # days 4..9
    p = np.minimum(1.0, 4.0 * op.base)
    obs, exp = ev.sum(), 6 * p.sum()
    assert abs(obs - exp) < 4 * math.sqrt(6 * (p * (1 - p)).sum()), (obs, exp)
    off = np.concatenate([visits[:3], visits[9:]])
    assert abs(off.sum() - 6 * op.base.sum()) < 4 * math.sqrt(6 * (op.base * (1 - op.base)).sum())
    # coupons: everyone gets one on day 1 (reach 1); nobody buys (strength 0), so they keep it
    sc = small_scenario({**over, "operations.store.events": [], "operations.store.coupon.enabled": True,
                         "operations.store.coupon.reach": 1.0, "operations.store.coupon.visit_multiplier": 3.0,
                         "seeding.count": 1}, n=4000, days=8)
    visits, op = visit_counts(sc, run_seed(3, 0), 8)
    held = op.coupon > 0
    p = np.minimum(1.0, 3.0 * op.base[held])
    obs, exp = visits[:, held].sum(), 8 * p.sum()
    assert held.sum() > 3000 and abs(obs - exp) < 4 * math.sqrt(8 * (p * (1 - p)).sum()), (obs, exp)


def test_layout_and_gravity_rule():
    cfg = StoreConfig(enabled=True, people="clustered", clusters=3, store_count=4)
    xy, stores = layout(cfg, 500, np.random.default_rng(0))
    assert xy.shape == (500, 2) and (xy >= 0).all() and (xy <= 1).all()
    assert stores.shape == (4, 2) and all((xy == s).all(axis=1).any() for s in stores)  # at people's homes
    cfg = StoreConfig(enabled=True, stores=[(0.0, 0.0), (1.0, 0.0)], visit_rule="gravity", visit_rate=0.2,
                      distance_scale=0.5)
    q, near = visit_base(cfg, np.array([[0.25, 0.0], [1.0, 0.0]]), np.array(cfg.stores, float))
    np.testing.assert_allclose(q, [0.2 * (math.exp(-0.5) + math.exp(-1.5)), 0.2 * (math.exp(-2.0) + 1.0)])
    np.testing.assert_array_equal(near, [0, 1])
    with pytest.raises(ValueError, match="store_count"):
        StoreConfig(stores=[(0.1, 0.1)], store_count=2)
    with pytest.raises(ValueError):
        StoreConfig(stores=[(1.5, 0.1)])


def test_costs_coupon_purchases_and_community():
    over = {**STORE, "operations.store.visit_rate": 0.1, "operations.store.store_strength": 0.3,
            "operations.store.store_count": 3, "operations.store.cost_per_store_day": 50.0,
            "operations.store.start_day": 3, "operations.store.end_day": 25,
            "operations.store.events": [{"start_day": 5, "end_day": 6, "cost": 700.0},
                                        {"start_day": 40, "end_day": 41, "cost": 900.0}],
            "operations.store.coupon.enabled": True, "operations.store.coupon.reach": 0.05,
            "operations.store.coupon.value": 25.0,
            "operations.store.community.join_prob": 0.5, "operations.store.community.post_cost": 10.0,
            "operations.store.community.post_strength": 0.2, "operations.store.community.post_reach": 1.0}
    sc = small_scenario(over, n=3000, days=30)
    res = simulate(sc, run_seed(4, 0))
    s, rec = res.summary, res.records["purchases"]
    posts = sum(1 for t in range(1, 31) if math.floor(t * 2 / 7 + 1e-9) > math.floor((t - 1) * 2 / 7 + 1e-9))
    # 23 open days x 3 stores x 50, the event inside the horizon, one post cost per posting day
    assert s["store_spend"] == 23 * 3 * 50.0 + 700.0 + 10.0 * posts
    in_store = np.isin(rec["channel"], [CH_STORE, CH_O2O]) & (rec["ref"] >= 0)
    assert s["store_purchases"] == in_store.sum() == res.records["stores"]["purchases"].sum() > 0
    assert s["online_purchases"] == s["purchases"] - s["store_purchases"]
    assert math.isclose(s["store_revenue"], rec["price"][in_store].sum(), rel_tol=1e-12)
    assert s["store_visits"] == res.daily["store_visits"].sum() == res.records["stores"]["visits"].sum()
    coupon_buys = in_store & (rec["channel"] == CH_O2O)
    assert coupon_buys.sum() == s["o2o_redeemed"] > 0
    np.testing.assert_allclose(rec["discount"][coupon_buys], 25.0)  # no other discount is on
    assert (rec["discount"][~coupon_buys] == 0).all()
    posts_bought = (rec["channel"] == CH_O2O) & (rec["ref"] < 0) & (rec["day"] > 0)
    assert posts_bought.sum() > 0  # community members bought off the brand's posts
    assert 0 < s["o2o_members"] == res.records["stores"]["members"].sum() <= s["store_visitors"]


def test_offline_event_raises_online_purchases_among_visitors_friends():
    """Paired over R seeds (common random numbers: same graph, people, draws): an offline launch event
    raises the purchases outside the store (every channel but an in-store one) of the event visitors'
    friends; the mean paired difference exceeds 3 standard errors of the paired differences."""
    base = {**STORE, "operations.store.visit_rate": 0.03, "operations.store.store_strength": 0.3,
            "operations.store.store_count": 4, "funnel.platform_rate": 0.0, "seeding.count": 10}
    event = {"operations.store.events": [{"start_day": 5, "end_day": 8, "visit_multiplier": 10.0}]}
    diffs = []
    for r in range(12):  # t = 48.6 / 9.0 = 5.4 at these seeds
        seed = run_seed(5, r)
        eng = Engine(small_scenario({**base, **event}, n=3000, days=25), seed)
        op = eng.op("store")
        for _ in range(4):
            eng.step()
        before = op.visits.copy()
        for _ in range(4):
            eng.step()
        visitors = np.flatnonzero(op.visits > before)
        eng.run()
        g = eng.graph
        friends = np.unique(np.concatenate([g.indices[g.indptr[i]:g.indptr[i + 1]] for i in visitors]))
        friends = np.setdiff1d(friends, visitors)
        with_event = eng.result().records["purchases"]
        without = simulate(small_scenario(base, n=3000, days=25), seed, graph=g).records["purchases"]

        def online(rec):
            away = ~(np.isin(rec["channel"], [CH_STORE, CH_O2O]) & (rec["ref"] >= 0))
            return int(np.isin(rec["buyer"][away], friends).sum())

        diffs.append(online(with_event) - online(without))
    assert paired_t(diffs) > 3, diffs


def test_store_off_adds_only_zero_readouts():
    res = simulate(small_scenario({"kol.count": 0}, n=800, days=10), run_seed(6, 0))
    assert res.summary["store_visits"] == 0 and not res.daily["store_visits"].any()
    assert len(res.records["stores"]["visits"]) == 0


def test_an_event_only_adds_visitors_to_the_same_day_without_it():
    """Common random numbers: on event days the visitors of the run without the event are a subset of the
    visitors with it (nested candidates, same thinning draw); on other days they are the same people."""
    base = {**STORE, "operations.store.visit_rate": 0.05, "operations.store.store_strength": 0.3}
    event = {"operations.store.events": [{"start_day": 3, "end_day": 5, "visit_multiplier": 4.0}]}
    runs = [Engine(small_scenario(o, n=3000, days=8), run_seed(7, 0)) for o in (base, {**base, **event})]
    added = 0
    for day in range(1, 9):
        got = []
        for eng in runs:
            before = eng.op("store").visits.copy()
            eng.step()
            got.append(set(np.flatnonzero(eng.op("store").visits > before).tolist()))
        if 3 <= day <= 5:
            assert got[0] <= got[1]
            added += len(got[1] - got[0])
        else:
            assert got[0] == got[1]
    assert added > 100
