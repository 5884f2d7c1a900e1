"""The market (``simulation.market``): reductions draw for draw, paired directions, ledgers and shares.

Directions use common random numbers: the same run seed for both arms, so every
draw that does not depend on the lever is the same; the test statistic is the paired
mean difference over its standard error (sd / sqrt(R)) and must exceed 3 in size.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.config.scenario import default_scenario_dict, load_scenario
from simulation.engine import Engine, simulate
from simulation.kernels.random import ONLINE, uniform
from simulation.market import Market, simulate_market
from simulation.seeding import run_seed

R = 12  # replications of each paired direction


def raw(**top) -> dict:
    """The default scenario on a 2,000-person graph, 30 days, with ``top`` keys set."""
    d = default_scenario_dict()
    d["days"] = 30
    d["graph"] = {"generator": "powerlaw_cluster", "n": 2000, "m": 4, "p": 0.3}
    d["kol"]["count"] = 2
    d.update(top)
    return d


def paired_t(a: np.ndarray, b: np.ndarray) -> float:
    """Paired t statistic of b - a (mean over its standard error)."""
    diff = np.asarray(b, float) - np.asarray(a, float)
    sd = diff.std(ddof=1)
    return float(diff.mean() / (sd / np.sqrt(len(diff)))) if sd > 0 else float(np.sign(diff.mean()) * np.inf)


def metric(d: dict, key: str, runs: int = R) -> np.ndarray:
    """``key`` of the market summary over ``runs`` replications (run seeds 0..runs-1 of base seed 7)."""
    sc = load_scenario(d)
    return np.array([simulate_market(sc, run_seed(7, k)).summary[key] for k in range(runs)])


INERT_RIVAL = {"kol": {"count": 0}, "seeding": {"count": 0}}
CASE = {"name": "case", "product": {"price": 25.0, "unit_cost": 10.0}, "seeding": {"count": 10}}


@pytest.mark.parametrize("market", [
    {"rival": INERT_RIVAL},
    {"products": [dict(CASE, relation="independent")]},
    {"products": [dict(CASE, relation="independent")], "rival": INERT_RIVAL,
     "market": {"substitution": 0.0, "negative_switch": 2.0}},
])
def test_our_product_unchanged_draw_for_draw(market):
    """One product alone, an inert rival (no seeds, no KOLs) or an unrelated product: ours is today's run."""
    alone = simulate(load_scenario(raw()), run_seed(3, 0))
    res = simulate_market(load_scenario(raw(**market)), run_seed(3, 0))
    for k, v in alone.summary.items():
        assert res.summary[k] == v or (np.isnan(v) and np.isnan(res.summary[k])), k
    for k, v in alone.daily.items():
        np.testing.assert_array_equal(res.daily[k], v, err_msg=k)
    for k, v in alone.records["purchases"].items():
        np.testing.assert_array_equal(res.records["purchases"][k], v, err_msg=k)


def test_shared_world_and_online_today():
    """Every product runs on the same graph, population and ties; a rival's buyer was online in our draw."""
    sc = load_scenario(raw(rival={"seeding": {"count": 40}}))
    m = Market(sc, run_seed(3, 1))
    m.run()
    ours, rival = m.engines
    assert rival.graph is ours.graph and rival.pop is ours.pop and rival.w is ours.w
    assert rival.key != ours.key
    p = rival.result().records["purchases"]
    later = p["day"] > 0
    assert later.sum() > 20
    act = ours.pop.activity
    for i, t in zip(p["buyer"][later], p["day"][later]):
        assert act[i] >= 1.0 or uniform(ours.key, ONLINE, i, t) < act[i]


def test_complement_raises_the_other_products_sales():
    # many seeds of ours (its buyers are where the factor acts) and of the case
    seeded = dict(CASE, seeding={"count": 40})
    base = metric(raw(products=[dict(seeded, relation="independent")], seeding={"count": 100}), "buyers@case", 30)
    comp = metric(raw(products=[dict(seeded, relation="complement", factor=8.0)], seeding={"count": 100}),
                  "buyers@case", 30)
    # cascades are heavy-tailed: the paired difference of log(1 + buyers) over 30 replications
    assert paired_t(np.log1p(base), np.log1p(comp)) > 3


def test_cross_sell_raises_the_other_products_sales_and_is_paid():
    base = metric(raw(products=[CASE]), "buyers@case")
    sell = dict(CASE, cross_sell=1.0, cross_sell_strength=0.3)
    more = metric(raw(products=[sell], market={"cross_sell_cost": 0.5}), "buyers@case")
    assert paired_t(base, more) > 3
    res = simulate_market(load_scenario(raw(products=[sell], market={"cross_sell_cost": 0.5})), run_seed(7, 0))
    assert res.summary["content_spend@case"] > 0 and res.summary["attr_cross_sell"] > 0


def test_stronger_rival_lowers_our_market_share():
    weak = metric(raw(rival={"seeding": {"count": 5}, "kol": {"count": 0}}), "market_share@ours")
    strong = metric(raw(rival={"seeding": {"count": 60}, "kol": {"count": 5}}), "market_share@ours")
    assert paired_t(weak, strong) < -3


@pytest.mark.parametrize("switch", [0.0, 0.3])
def test_substitute_never_means_never(switch):
    """substitution = 0: nobody who bought one product buys the other on a later day (with the
    negative-word switch too: its row is attached after the substitution's, which must survive it)."""
    sc = load_scenario(raw(rival={"seeding": {"count": 60}}, market={"substitution": 0.0, "negative_switch": switch}))
    m = Market(sc, run_seed(7, 2))
    m.run()
    ours, rival = m.engines
    both = ours.bought & rival.bought
    assert both.sum() < ours.bought.sum()
    # a person holding both bought them on the same day (both decisions read yesterday's state)
    assert (ours.first_day[both] == rival.first_day[both]).all()
    # every coupling writes into the factor rows its engine evaluates with
    for c in m.couplings:
        if hasattr(c, "row"):
            assert np.shares_memory(c.row, c.target.buy_factor)


def test_negative_word_about_us_helps_the_rival():
    """A poor product of ours spreads negative words; with negative_switch each one makes the rival likelier."""
    d = dict(product={"quality": 0.2, "service": 0.2}, seeding={"count": 100}, rival={"seeding": {"count": 20}})
    base = metric(raw(**d), "buyers@rival")
    helped = metric(raw(**d, market={"negative_switch": 3.0}), "buyers@rival")
    assert paired_t(base, helped) > 3


def test_shares_sum_to_one_and_ledgers_hold():
    sc = load_scenario(raw(products=[dict(CASE, cross_sell=0.5, bundle_rate=0.3, bundle_price=110.0)],
                           rival={"seeding": {"count": 30}}, market={"cross_sell_cost": 1.0}))
    res = simulate_market(sc, run_seed(7, 3), counterfactual=True)
    s, d = res.summary, res.daily
    names = ("ours", "case", "rival")
    # shares are taken within our product's category: ours and the rival's; the case (a complement) is
    # another category and has none
    category = ("ours", "rival")
    for label in ("market_share", "purchase_share", "voice_share"):
        assert sum(s[f"{label}@{p}"] for p in category) == pytest.approx(1.0, abs=1e-12)
        assert math.isnan(s[f"{label}@case"]) and np.isnan(d[f"{label}@case"]).all()
        tot = sum(d[f"{label}@{p}"] for p in category)
        np.testing.assert_allclose(tot[np.isfinite(tot)], 1.0, atol=1e-12)
    for p in names:
        assert s[f"profit@{p}"] == pytest.approx(s[f"revenue@{p}"] - s[f"cogs@{p}"] - s[f"spend@{p}"], abs=1e-9)
    assert s["brand_profit"] == pytest.approx(s["profit@ours"] + s["profit@case"], abs=1e-9)
    assert s["brand_profit"] == s["brand_revenue"] - s["brand_cogs"] - s["brand_spend"]
    np.testing.assert_allclose(d["brand_profit"].sum(), s["brand_profit"], atol=1e-6)
    assert s["profit"] == s["profit@ours"] and s["incremental_brand_profit"] == s["incremental_brand_profit"]


def test_bundle_is_booked_in_both_ledgers_at_the_bundle_price():
    bundle_price = 110.0
    sc = load_scenario(raw(products=[dict(CASE, bundle_rate=0.5, bundle_price=bundle_price)],
                           operations={}, kol={"count": 0}))
    m = Market(sc, run_seed(7, 4))
    m.run()
    ours, case = (e.result().records["purchases"] for e in m.engines)
    took = case["channel"] == m.engines[1].channel("bundle")
    assert took.sum() > 10
    share_case = bundle_price * 25.0 / (99.0 + 25.0)
    np.testing.assert_allclose(case["price"][took], share_case)
    np.testing.assert_allclose(case["discount"][took], 25.0 - share_case)
    # each bundle buyer's purchase of ours that day was booked at our share (no other discount is on)
    key = {(t, b): pr for t, b, pr in zip(ours["day"], ours["buyer"], ours["price"])}
    paid = np.array([key[(t, b)] for t, b in zip(case["day"][took], case["buyer"][took])])
    np.testing.assert_allclose(paid + case["price"][took], bundle_price)


def test_version_with_higher_quality_raises_satisfaction_after_its_day():
    def satisfaction(d: dict) -> np.ndarray:
        sc = load_scenario(d)
        out = []
        for k in range(R):
            r = simulate(sc, run_seed(7, k))
            after = slice(11, None)
            out.append(1 - r.daily["negative_wom"][after].sum() / r.daily["purchases"][after].sum())
        return np.array(out)
    low = {"quality": 0.5, "service": 0.5}
    base = satisfaction(raw(product=low))
    better = satisfaction(raw(product=dict(low, versions=[{"day": 11, "quality": 0.95}])))
    assert paired_t(base, better) > 3


def test_version_price_is_the_list_price_from_its_day():
    d = raw(product={"price": 99.0, "versions": [{"day": 10, "price": 79.0}]}, operations={}, kol={"count": 0},
            seeding={"count": 300})
    p = simulate(load_scenario(d), run_seed(7, 0)).records["purchases"]
    assert (p["discount"] == 0).all()
    assert set(p["price"][p["day"] >= 10]) == {79.0} and set(p["price"][p["day"] < 10]) == {99.0}


def test_novelty_decays_after_launch_and_raises_sharing():
    d = raw(product={"novelty": 2.0, "novelty_days": 5.0, "launch_day": 4})
    eng = Engine(load_scenario(d), run_seed(7, 0))
    assert eng.novelty(4) == 3.0 and eng.novelty(9) == pytest.approx(1 + 2 * np.exp(-1.0))
    base = metric(raw(), "sharers")
    new = metric(raw(product={"novelty": 2.0, "novelty_days": 10.0}), "sharers")
    assert paired_t(base, new) > 3


def test_late_launch_sells_nothing_before_its_day():
    late = dict(CASE, product={"price": 25.0, "unit_cost": 10.0, "launch_day": 12})
    res = simulate_market(load_scenario(raw(products=[late])), run_seed(7, 0))
    assert res.daily["purchases@case"][1:12].sum() == 0 and res.daily["purchases@case"][12:].sum() > 0
    assert (res.daily["buyers@case"][1:12] == res.daily["buyers@case"][0]).all()
