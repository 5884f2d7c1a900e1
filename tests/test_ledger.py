"""The ledger: identities on random scenarios (hypothesis), the discount cap and order, the fixed bugs."""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.config.scenario import default_scenario_dict, load_scenario
from simulation.engine import Engine, simulate
from simulation.graph.generators import generate
from simulation.operations import CHANNELS
from simulation.ledger import PAYMENT_KINDS, SPEND_SERIES, price_paid
from simulation.seeding import run_seed

N, DAYS = 300, 20


@lru_cache(maxsize=1)
def graph():
    """One small clustered graph shared by the property tests (building it is not what they test)."""
    return generate("powerlaw_cluster", seed=3, n=N, m=4, p=0.3)


def scenario(overrides: dict) -> object:
    """The default scenario on N people and DAYS days with ``overrides``."""
    raw = default_scenario_dict()
    raw["graph"] = {"generator": "powerlaw_cluster", "n": N, "m": 4, "p": 0.3}
    raw["days"] = DAYS
    raw["kol"]["end_day"] = DAYS
    return load_scenario(raw, overrides)


money = st.floats(0.0, 200.0, allow_nan=False)
share = st.floats(0.0, 0.9, allow_nan=False)
levers = st.fixed_dictionaries({
    "product.price": st.floats(1.0, 300.0), "product.unit_cost": money, "product.repeat_rate": st.sampled_from([0.0, 0.05]),
    "seeding.free": st.booleans(), "kol.count": st.integers(0, 4), "kol.fee_per_post": money,
    "operations.content.enabled": st.booleans(), "operations.content.cost_per_day": money,
    "operations.relationship.enabled": st.booleans(), "operations.relationship.referral_reward": money,
    "operations.relationship.invitee_discount": money, "operations.relationship.commission_rate": share,
    "operations.event.enabled": st.booleans(), "operations.event.campaign.discount": share,
    "operations.event.campaign.start_day": st.integers(1, 10), "operations.event.campaign.reach": st.just(0.1),
    "operations.event.flash_sale.days": st.lists(st.integers(1, DAYS), max_size=3),
    "operations.event.flash_sale.discount": share, "operations.event.flash_sale.stock": st.integers(0, 10),
    "operations.event.coupon.enabled": st.booleans(), "operations.event.coupon.value": money,
    "operations.event.coupon.reach": st.just(0.05),
    "operations.event.groupbuy.discount": share, "operations.event.groupbuy.initiate_prob": st.just(0.4),
    "operations.event.bargain.step": money, "operations.event.bargain.floor": money,
    "operations.event.bargain.start_prob": st.just(0.3),
    "operations.crossover.enabled": st.booleans(), "operations.crossover.partner_fee": money,
    "operations.live.enabled": st.booleans(), "operations.live.fee_per_session": money,
    "operations.live.commission_rate": share, "operations.live.discount": share,
    "operations.live.attendance": st.just(0.5), "operations.live.per_week": st.just(2.0),
    "operations.distribution.enabled": st.booleans(), "operations.distribution.level1_rate": share,
    "operations.distribution.level2_rate": share,
    "operations.distribution.distributors": st.sampled_from(["buyers", "anyone"]),
    "operations.points.enabled": st.booleans(), "operations.points.point_value": st.floats(0.0, 0.2),
    "operations.service.enabled": st.booleans(), "operations.service.contact_rate": share,
    "operations.service.agents": st.integers(0, 3), "operations.service.capacity": st.integers(0, 5),
    "operations.service.cost_per_agent_day": money, "operations.service.chatbot": st.booleans(),
    "operations.service.cost_per_chat": money, "operations.service.return_rate": st.floats(0.0, 1.0),
    "operations.service.recover_goods": st.booleans(), "operations.service.max_wait": st.integers(0, 5),
    "operations.store.enabled": st.booleans(), "operations.store.cost_per_store_day": money,
    "operations.store.visit_rate": st.just(0.1), "operations.store.store_strength": st.just(0.2),
    "operations.store.events": st.lists(st.fixed_dictionaries({"start_day": st.integers(1, DAYS), "cost": money}),
                                        max_size=2),
    "operations.store.coupon.enabled": st.booleans(), "operations.store.coupon.value": money,
    "operations.store.coupon.reach": st.just(0.05), "operations.store.community.join_prob": share,
    "operations.store.community.post_cost": money,
    "operations.community.enabled": st.booleans(), "operations.community.commission_rate": share,
    "operations.community.discount": share, "operations.community.cost_per_pickup": money,
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levers, st.integers(0, 2**31))
def test_ledger_identities_hold_on_random_scenarios(overrides, seed):
    if overrides["kol.count"] == 0:
        overrides["operations.live.enabled"] = False  # a live session needs a host in the KOL roster
    sc = scenario(overrides)
    res = simulate(sc, run_seed(seed, 0), graph=graph())
    s, d = res.summary, res.daily
    price, unit = sc.product.price, sc.product.unit_cost
    # run identities, exactly
    assert s["spend"] == sum(s[k] for k in SPEND_SERIES)
    assert s["profit"] == s["revenue"] - s["cogs"] - s["spend"]
    # returns: refunds reduce revenue, goods back in stock reduce cogs (both 0 without returns)
    cogs = unit * s["purchases"] - s["cogs_recovered"]
    assert s["cogs"] == cogs or math.isclose(s["cogs"], cogs, rel_tol=1e-12, abs_tol=1e-9)
    assert s["cogs_recovered"] == 0 or math.isclose(s["cogs_recovered"], unit * s["returns"], rel_tol=1e-12)
    assert math.isclose(s["refunds"], s["returns_value"], rel_tol=1e-12, abs_tol=1e-9)
    if s["spend"] > 0:
        assert s["roas"] == s["revenue"] / s["spend"]
        assert s["net_revenue_per_spend"] == (s["revenue"] - s["spend"]) / s["spend"]
    else:
        assert math.isnan(s["roas"]) and math.isnan(s["net_revenue_per_spend"])
    # per day, exactly; run totals are the sums of the days
    assert (d["spend"] == sum(d[k] for k in SPEND_SERIES)).all()
    assert (d["profit"] == d["revenue"] - d["cogs"] - d["spend"]).all()
    for k in ("revenue", "cogs", "discount_cost", "spend", "profit", "refunds", "cogs_recovered") + SPEND_SERIES:
        assert math.isclose(d[k].sum(), s[k], rel_tol=1e-12, abs_tol=1e-9), k
    # list price = paid + discount, per purchase and in total; no purchase is discounted below 0
    rec = res.records["purchases"]
    np.testing.assert_allclose(rec["price"] + rec["discount"], price, rtol=1e-12)
    assert (rec["price"] >= 0).all() and (rec["price"] <= price).all() and (rec["discount"] >= 0).all()
    assert math.isclose(s["revenue"] + s["refunds"] + s["discount_cost"], price * s["purchases"], rel_tol=1e-12,
                        abs_tol=1e-9)
    # spend is exactly the cash paid out, and discounts are never spend
    pay = res.records["payments"]
    assert math.isclose(pay["amount"].sum(), s["spend"], rel_tol=1e-12, abs_tol=1e-9)
    assert set(PAYMENT_KINDS.values()) == set(SPEND_SERIES)


def test_discounts_apply_in_order_and_never_exceed_the_list_price():
    offer = np.array([80.0, 80.0, 80.0, 5.0, 120.0])
    cut = np.array([0.0, 10.0, 10.0, 10.0, 0.0])
    coupon = np.array([0.0, 0.0, 100.0, 3.0, 0.0])
    points = np.array([5.0, 0.0, 50.0, 0.0, 0.0])
    redeemed = []

    def balance(held):
        def redeem(left):
            redeemed.append(np.minimum(held, left))
            return redeemed[-1]
        return redeem

    paid = price_paid(100.0, offer, cut, [balance(coupon), balance(points)])
    np.testing.assert_array_equal(paid, [75.0, 70.0, 0.0, 0.0, 100.0])
    np.testing.assert_array_equal(redeemed[0], [0.0, 0.0, 70.0, 0.0, 0.0])  # only what the invitee discount left
    np.testing.assert_array_equal(redeemed[1], [5.0, 0.0, 0.0, 0.0, 0.0])  # then only what the coupon left
    np.testing.assert_array_equal(price_paid(100.0, offer, cut), [80.0, 70.0, 70.0, 0.0, 100.0])


def test_event_costs_are_visible():
    base = scenario({"kol.count": 0, "operations.event.enabled": True, "operations.event.flash_sale.days": [5, 15]})
    res = simulate(base, run_seed(1, 0), graph=graph())
    ev = base.operations.event
    want = ev.campaign.setup_cost + 2 * ev.flash_sale.setup_cost + ev.groupbuy.setup_cost + ev.bargain.setup_cost
    assert res.summary["event_spend"] == want
    assert res.daily["event_spend"][5] == ev.flash_sale.setup_cost
    assert res.summary["discount_cost"] > 0  # campaign, flash, group and bargain prices are discounts


def test_repeat_purchases_use_flash_stock():
    sc = scenario({"kol.count": 0, "product.repeat_rate": 0.5, "operations.event.enabled": True,
                   "operations.event.campaign.enabled": False, "operations.event.groupbuy.enabled": False,
                   "operations.event.bargain.enabled": False, "operations.event.flash_sale.days": [12],
                   "operations.event.flash_sale.stock": 3, "seeding.count": 40})
    res = simulate(sc, run_seed(2, 0), graph=graph())
    rec = res.records["purchases"]
    on = rec["day"] == 12
    assert on.sum() > 3  # more buyers (most of them repeaters) than stock
    assert (rec["discount"][on] > 0).sum() == 3  # only the stock sells at the flash price


def test_coupons_go_only_to_people_they_can_still_move():
    day = 2
    sc = scenario({"kol.count": 5, "kol.engagement_rate": 0.5, "kol.credibility": 0.3, "operations.event.enabled": True,
                   "operations.event.campaign.enabled": False,
                   "operations.event.flash_sale.enabled": False, "operations.event.groupbuy.enabled": False,
                   "operations.event.bargain.enabled": False, "operations.event.coupon.enabled": True,
                   "operations.event.coupon.start_day": day, "operations.event.coupon.end_day": day,
                   "operations.event.coupon.reach": 1.0, "product.repeat_rate": 0.0, "seeding.count": 60})
    early = 0
    for r in range(4):
        eng = Engine(sc, run_seed(5, r), graph=graph())
        for _ in range(day):
            eng.step()
        rec = eng.result().records["purchases"]
        today = (rec["day"] == day) & (rec["channel"] != CHANNELS.index("event"))
        early += today.sum()
        # whoever converted today before the coupons were handed out pays the full price
        assert (rec["discount"][today] == 0).all()
        # nobody who has bought or waits in a group holds a coupon; everyone else online got one
        coupon = eng.op("event").coupon
        assert (coupon[eng.bought | (eng.pending >= 0)] == 0).all()
        assert (coupon[~eng.bought] > 0).sum() > 0
    assert early > 0


def _day_totals_in_numpy_scalars(daily, day, unit_cost, purchases, paid, discount, spend_rows):
    """``ledger.day_totals`` as it was written before it closed the day in Python floats (the reference)."""
    revenue = (float(np.add.reduce(paid)) if purchases else 0.0) - daily["refunds"][day]
    daily["revenue"][day] = revenue
    daily["discount_cost"][day] = float(np.add.reduce(discount)) if purchases else 0.0
    cogs = daily["cogs"]
    cogs[day] = unit_cost * purchases - daily["cogs_recovered"][day]
    spend = 0
    for row in spend_rows:
        spend = spend + row[day]
    daily["spend"][day] = spend
    daily["profit"][day] = daily["revenue"][day] - cogs[day] - daily["spend"][day]


money = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(money, max_size=12), st.lists(money, min_size=len(SPEND_SERIES), max_size=len(SPEND_SERIES)),
       money, money, money, st.integers(1, 3))
def test_day_totals_closes_the_day_as_numpy_scalars_did(prices, spends, refund, recovered, unit_cost, day):
    from simulation.ledger import day_totals

    def daily():
        d = {k: np.zeros(5) for k in ("revenue", "discount_cost", "cogs", "spend", "profit") + SPEND_SERIES}
        d["refunds"], d["cogs_recovered"] = np.full(5, refund), np.full(5, recovered)
        for k, v in zip(SPEND_SERIES, spends):
            d[k][day] = v
        return d

    paid = np.array(prices, np.float64)
    discount = paid[::-1] * 0.5
    want, got = daily(), daily()
    _day_totals_in_numpy_scalars(want, day, unit_cost, len(paid), paid, discount, [want[k] for k in SPEND_SERIES])
    day_totals(got, day, unit_cost, len(paid), paid, discount, [got[k] for k in SPEND_SERIES])
    for k in want:
        np.testing.assert_array_equal(got[k], want[k], err_msg=k)


def test_no_price_cut_is_a_zero_cut_bit_for_bit():
    offer = np.array([-0.0, 0.0, 5.5, 120.0, -3.0, np.nan])
    a, b = price_paid(100.0, offer, None), price_paid(100.0, offer, np.zeros(len(offer)))
    np.testing.assert_array_equal(a.view(np.int64), b.view(np.int64))
