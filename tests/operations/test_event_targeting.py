"""Targeting of the event model's paid reach (campaign, flash sale, coupons) and of seeding.

Exact: a block that allows everybody changes no draw; a targeted campaign reaches only
its segment (every event-channel buyer is in it) and books exactly ``cost_per_exposure``
per ad delivered; seeds drawn under ``seeding.target`` are all eligible, and an
untargeted seeding is today's. Directions (paired by seed over R replications, |t| > 3
on the paired differences): at an equal expected number of paid exposures, aiming a
campaign or coupons at the responsive segment raises that segment's conversion and
lowers the cost per event-channel buyer.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.config.scenario import default_scenario_dict, load_scenario
from simulation.engine import simulate
from simulation.operations import CHANNELS

R = 30
KEEN, COOL = 0, 1
OFF = {"operations.event.flash_sale.enabled": False, "operations.event.groupbuy.enabled": False,
       "operations.event.bargain.enabled": False, "operations.event.campaign.enabled": False}


def scenario(overrides: dict):
    """2,000 people, 30 days, two segments (``keen`` 20 %: interested, price-tolerant; ``cool`` 80 %)."""
    raw = default_scenario_dict()
    raw["population"]["segments"] = [
        {"name": "keen", "share": 0.2, "interest": {"mean": 0.85, "sd": 0.05}, "price_sensitivity": {"mean": 0.5},
         "activity": {"mean": 0.7}},
        {"name": "cool", "share": 0.8, "interest": {"mean": 0.2, "sd": 0.05}, "price_sensitivity": {"mean": 1.5},
         "activity": {"mean": 0.7}}]
    base = {"graph.n": 2000, "days": 30, "kol.count": 0, "funnel.platform_rate": 0.0, "seeding.count": 5,
            "population.ties.scale": 0.25,  # quiet word of mouth: the levers, not cascades, make the difference
            "counterfactual": False, "operations.event.enabled": True, **OFF}
    return load_scenario(raw, {**base, **overrides})


def campaign(reach: float, **target) -> dict:
    return {"operations.event.campaign.enabled": True, "operations.event.campaign.start_day": 1,
            "operations.event.campaign.end_day": 30, "operations.event.campaign.reach": reach,
            "operations.event.campaign.target": {"cost_per_exposure": 0.5, **target}}


def coupons(reach: float, **target) -> dict:
    return {"operations.event.coupon.enabled": True, "operations.event.coupon.start_day": 1,
            "operations.event.coupon.end_day": 30, "operations.event.coupon.reach": reach,
            "operations.event.coupon.value": 20.0, "operations.event.coupon.target": {"cost_per_exposure": 0.3, **target}}


def _t(d: np.ndarray) -> float:
    return d.mean() / (d.std(ddof=1) / math.sqrt(len(d)))


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


def test_a_target_allowing_everybody_changes_no_draw():
    levers = {**campaign(0.05), **coupons(0.02), "operations.event.flash_sale.enabled": True,
              "operations.event.flash_sale.days": [10]}
    plain = simulate(scenario(levers), 4).summary
    everyone = {**levers, "operations.event.campaign.target.segments": ["keen", "cool"],
                "operations.event.coupon.target.segments": ["cool", "keen"],
                "operations.event.flash_sale.target": {"segments": ["keen", "cool"]}}
    assert _same(plain, simulate(scenario(everyone), 4).summary)


def test_targeted_campaign_reaches_only_its_segment_and_pays_per_ad():
    sc = scenario({**campaign(1.0, segments=["keen"]), "operations.event.campaign.setup_cost": 0.0})
    res = simulate(sc, 2, keep_state=True)
    st, pay = res.state, res.records["payments"]
    event = CHANNELS.index("event")
    assert (st["first_channel"] == event).sum() > 0
    assert np.all(st["segment"][st["first_channel"] == event] == KEEN)
    # reach 1: every keen person gets an ad each day of the window, 0.5 each
    per_day = np.bincount(pay["day"], weights=pay["amount"], minlength=31)
    assert np.allclose(per_day[1:], 0.5 * np.count_nonzero(st["segment"] == KEEN))
    s = res.summary
    assert s["event_spend"] == pytest.approx(30 * 0.5 * np.count_nonzero(st["segment"] == KEEN))
    assert s["profit"] == pytest.approx(s["revenue"] - s["cogs"] - s["spend"])


def test_min_interest_target_reaches_only_the_interested():
    sc = scenario({**campaign(0.3, min_interest=0.6)})
    res = simulate(sc, 1, keep_state=True)
    st = res.state
    bought_event = st["first_channel"] == CHANNELS.index("event")
    assert bought_event.sum() > 0
    assert np.all(st["segment"][bought_event] == KEEN)  # interest >= 0.6 only in keen (mean 0.85, sd 0.05)


@pytest.mark.parametrize("lever", [campaign, coupons])
def test_targeting_the_responsive_segment_raises_its_conversion_and_lowers_cost_per_buyer(lever):
    # equal expected paid exposures: reach r over everybody vs r / 0.2 over keen (20 %)
    reach = 0.02 if lever is campaign else 0.01
    wide, aimed = scenario(lever(reach)), scenario(lever(reach / 0.2, segments=["keen"]))
    conv, cpb = [], []
    for r in range(R):
        a, b = simulate(aimed, r).summary, simulate(wide, r).summary
        conv.append(a["conversion_rate__keen"] - b["conversion_rate__keen"])
        cpb.append(b["event_spend"] / b["attr_event"] - a["event_spend"] / a["attr_event"])
    t_conv, t_cpb = _t(np.array(conv)), _t(np.array(cpb))
    assert t_conv > 3 and t_cpb > 3, (t_conv, t_cpb)


def test_targeted_seeds_are_eligible_and_untargeted_seeding_is_todays():
    plain = simulate(scenario({}), 6)
    assert _same(plain.summary, simulate(scenario({"seeding.target": {}}), 6).summary)
    res = simulate(scenario({"seeding.count": 40, "seeding.target.segments": ["keen"]}), 6, keep_state=True)
    seeds = res.records["purchases"]["buyer"][res.records["purchases"]["day"] == 0]
    assert len(np.unique(seeds)) == 40 and np.all(res.state["segment"][seeds] == KEEN)
    with pytest.raises(ValueError, match="seeding.count: cannot pick 1000 seeds among the"):
        simulate(scenario({"seeding.count": 1000, "seeding.target.segments": ["keen"]}), 6)


def test_unknown_target_segment_names_the_field():
    with pytest.raises(ValueError, match=r"operations\.event\.coupon\.target\.segments: unknown segment\(s\) \['vip'\]"):
        scenario({"operations.event.coupon.target.segments": ["vip"]})
    with pytest.raises(ValueError, match=r"seeding\s+Value error, target: applies to seeds drawn by count"):
        scenario({"seeding.count": 0, "seeding.nodes": [1], "seeding.target.segments": ["keen"]})
