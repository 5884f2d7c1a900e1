"""Our other products' own levers, substitution across the category, and the counterfactual that switches them off.

Directions use common random numbers (the same run seed in both arms) and the paired
t statistic (mean difference over sd / sqrt(R), ``tests.paired``), which must exceed 3.
"""
from __future__ import annotations

import numpy as np
import pytest

from simulation.config.scenario import load_scenario
from simulation.market import Market, simulate_market
from simulation.market.run import organic
from simulation.seeding import run_seed
from tests.market.test_market import CASE, raw
from tests.paired import paired_t

R = 12
KOLS = {"count": 3, "fee_per_post": 50.0, "posts_per_week": 2, "engagement_rate": 0.3, "credibility": 0.15,
        "start_day": 1, "end_day": 30}


def summaries(d: dict, runs: int = R) -> list[dict]:
    sc = load_scenario(d)
    return [simulate_market(sc, run_seed(11, k)).summary for k in range(runs)]


def test_a_products_own_kols_raise_its_sales_and_are_paid_by_it():
    plain = summaries(raw(products=[dict(CASE, relation="independent")]))
    kols = summaries(raw(products=[dict(CASE, relation="independent", kol=KOLS)]))
    t = paired_t([b["buyers@case"] - a["buyers@case"] for a, b in zip(plain, kols)])
    assert t > 3
    assert all(b["kol_spend@case"] > 0 and a["kol_spend@case"] == 0 for a, b in zip(plain, kols))
    # our product's KOLs and ledger are not the case's
    assert all(a["kol_spend@ours"] == b["kol_spend@ours"] for a, b in zip(plain, kols))


def test_a_products_own_operation_model_runs_in_its_engine():
    d = raw(products=[dict(CASE, relation="independent",
                           operations={"relationship": {"enabled": True, "referral_reward": 5.0}})])
    m = Market(load_scenario(d), run_seed(11, 0))
    assert [op.name for op in m.engines[1].ops] == ["relationship"]
    assert [op.name for op in m.engines[0].ops] == [op.name for op in Market(load_scenario(raw()), 0).engines[0].ops]


def test_the_rivals_substitution_lowers_our_substitutes_sales():
    """Our lite product (no relation to ours: factor 1) and the rival's now substitute each other."""
    lite = dict(CASE, name="lite", relation="substitute", factor=1.0, seeding={"count": 100})
    d = dict(products=[lite], rival={"seeding": {"count": 300}, "kol": {"count": 5}})
    free = summaries(raw(**d, market={"substitution": 1.0}), 16)
    never = summaries(raw(**d, market={"substitution": 0.0}), 16)
    assert paired_t([b["buyers@lite"] - a["buyers@lite"] for a, b in zip(free, never)]) < -3


def test_a_complement_is_outside_the_category():
    """A complement relates to ours only: with no factor of its own it is not touched by the rival's substitution."""
    case = dict(CASE, seeding={"count": 40})
    d = dict(products=[case], rival={"seeding": {"count": 120}})
    for a, b in zip(summaries(raw(**d, market={"substitution": 1.0}), 3),
                    summaries(raw(**d, market={"substitution": 0.0}), 3)):
        assert a["buyers@case"] == b["buyers@case"] and a["revenue@case"] == b["revenue@case"]
        assert a["buyers@ours"] != b["buyers@ours"] or a["buyers@rival"] != b["buyers@rival"]


def test_the_counterfactual_switches_a_products_levers_off_and_the_rival_keeps_its_own():
    ops = {"relationship": {"enabled": True}}
    d = raw(products=[dict(CASE, kol=KOLS, operations=ops)], rival={"seeding": {"count": 30}, "kol": {"count": 3}})
    sc = load_scenario(d)
    base = Market(organic(sc), run_seed(11, 0))
    ours, case, rival = base.engines
    assert ours.kols.count == 0 and case.kols.count == 0 and not ours.ops and not case.ops
    assert rival.kols.count == 3
    res = simulate_market(sc, run_seed(11, 0), counterfactual=True)
    assert res.summary["incremental_brand_profit"] != 0


@pytest.mark.parametrize("rival", [None, {"seeding": {"count": 30}, "kol": {"count": 3}}])
def test_every_lever_off_means_no_increment(rival):
    """Every lever of the brand off (ours and the product's): the two markets are one run, increments exactly 0."""
    d = raw(kol={"count": 0}, products=[dict(CASE, relation="substitute", factor=0.5, kol={"count": 0})],
            **({"rival": rival} if rival else {}))
    res = simulate_market(load_scenario(d), run_seed(11, 1), counterfactual=True)
    assert res.summary["incremental_brand_profit"] == 0.0
    assert res.summary["incremental_profit"] == 0.0 and res.summary["incremental_market_share"] == 0.0
    assert res.summary["buyers@case"] > 0
