"""Community group-buying (社区团购): leaders, orders booked on the pick-up day, commission, waiting orders."""
from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.engine import Engine, simulate
from simulation.ledger import PAYMENT_KINDS
from simulation.operations import CHANNELS
from simulation.operations.community import CommunityConfig, pick_leaders
from simulation.seeding import run_seed
from tests.paired import paired_t
from tests.test_engine import small_scenario

CH = CHANNELS.index("community")
GROUP = {"kol.count": 0, "operations.community.enabled": True, "operations.community.leaders": 15,
         "operations.community.cycle_days": 5, "operations.community.reach": 0.5,
         "operations.community.strength": 0.1, "operations.community.discount": 0.2,
         "operations.community.commission_rate": 0.12, "product.repeat_rate": 0.0}


def test_orders_wait_and_are_booked_on_the_pick_up_day_at_the_group_price():
    sc = small_scenario(GROUP, n=2000, days=23)  # pick-ups on days 5, 10, 15, 20; day 21-23 orders wait
    eng = Engine(sc, run_seed(1, 0))
    op = eng.op("community")
    waited = []
    while eng.day < eng.days:
        eng.step()
        waited.append(len(op.waiting))
        assert (eng.pending[op.waiting] >= 0).all() and not eng.bought[op.waiting].any()
    res = eng.result()
    rec, s = res.records["purchases"], res.summary
    mine = rec["channel"] == CH
    assert mine.sum() > 20
    assert set(rec["day"][mine].tolist()) <= {5, 10, 15, 20}
    # orders collected on other days of each cycle waited (the waiting list was non-empty off pick-up days)
    assert max(w for t, w in enumerate(waited, 1) if t % 5) > 0
    assert s["community_waiting"] == waited[-1] == len(op.waiting) > 0  # days 21-23: never delivered
    np.testing.assert_allclose(rec["price"][mine], 99.0 * 0.8, rtol=1e-12)  # the group price, no other lever
    np.testing.assert_array_equal(np.flatnonzero(res.daily["community_orders"]) % 5, 0)
    assert s["community_orders"] == mine.sum() == res.daily["community_orders"].sum()
    assert (np.isin(rec["ref"][mine], op.leaders)).all()


def test_leader_commission_is_rate_times_order_value_exactly():
    sc = small_scenario({**GROUP, "operations.community.cost_per_pickup": 30.0}, n=2000, days=20)
    res = simulate(sc, run_seed(2, 0))
    rec, pay, s = res.records["purchases"], res.records["payments"], res.summary
    mine = rec["channel"] == CH
    comm = pay["kind"] == list(PAYMENT_KINDS).index("community_commission")
    np.testing.assert_array_equal(pay["amount"][comm], 0.12 * rec["price"][mine])
    np.testing.assert_array_equal(pay["payee"][comm], rec["ref"][mine])
    # per order exactly; the totals differ only by the order of summation
    assert math.isclose(s["community_commission"], pay["amount"][comm].sum(), rel_tol=1e-12)
    assert math.isclose(s["community_order_value"], rec["price"][mine].sum(), rel_tol=1e-12)
    table = res.records["leaders"]
    assert table["orders"].sum() == mine.sum()
    for leader, n_orders, fee in zip(table["leader"], table["orders"], table["commission"]):
        assert n_orders == (rec["ref"][mine] == leader).sum()
        assert math.isclose(fee, 0.12 * rec["price"][mine][rec["ref"][mine] == leader].sum(), rel_tol=1e-12)
    # delivery: one run per pick-up day per leader with orders to deliver
    deliv = pay["kind"] == list(PAYMENT_KINDS).index("community_delivery")
    runs = sum(len(np.unique(rec["ref"][mine & (rec["day"] == d)])) for d in (5, 10, 15, 20))
    assert deliv.sum() == runs and (pay["amount"][deliv] == 30.0).all()
    assert math.isclose(s["community_spend"], pay["amount"][comm | deliv].sum(), rel_tol=1e-12)


def test_leader_strategies():
    deg = np.array([3, 9, 9, 1, 5])
    interest = np.array([0.9, 0.1, 0.5, 0.8, 0.2])
    rng = np.random.default_rng(0)
    assert pick_leaders(CommunityConfig(leaders=3, strategy="degree"), deg, interest, rng).tolist() == [1, 2, 4]
    assert pick_leaders(CommunityConfig(leaders=2, strategy="interest"), deg, interest, rng).tolist() == [0, 3]
    a = pick_leaders(CommunityConfig(leaders=3, strategy="random"), deg, interest, np.random.default_rng(1))
    b = pick_leaders(CommunityConfig(leaders=3, strategy="random"), deg, interest, np.random.default_rng(1))
    assert a.tolist() == b.tolist() and len(set(a.tolist())) == 3
    with pytest.raises(ValueError, match="operations.community.leaders"):
        pick_leaders(CommunityConfig(leaders=6), deg, interest, rng)


def test_top_degree_leaders_collect_more_orders_than_random_ones():
    """Paired over R seeds: leaders of the largest out-degree reach more neighbours than random leaders,
    so they collect more orders; the mean paired difference exceeds 3 SE of the paired differences."""
    diffs = []
    for r in range(6):
        got = [simulate(small_scenario({**GROUP, "operations.community.strategy": k}, n=2000, days=20),
                        run_seed(3, r)).summary["community_orders"] for k in ("degree", "random")]
        diffs.append(got[0] - got[1])
    assert paired_t(diffs) > 3, diffs


def test_community_off_adds_only_zero_readouts():
    res = simulate(small_scenario({"kol.count": 0}, n=800, days=10), run_seed(4, 0))
    assert res.summary["community_orders"] == 0 and not res.daily["community_orders"].any()
    assert len(res.records["leaders"]["leader"]) == 0
