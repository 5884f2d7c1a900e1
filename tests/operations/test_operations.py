"""Each operation model: its parameter block and what it adds to a day."""
from __future__ import annotations

import math

import numpy as np

from simulation.engine import PAYMENT_KINDS, Engine, simulate
from simulation.kernels.funnel import CH_FRIEND
from simulation.operations.crossover import CrossoverConfig, partner_audience
from simulation.seeding import run_seed
from tests.test_engine import small_scenario

KINDS = list(PAYMENT_KINDS)


def test_relationship_pays_inviters_per_referred_purchase():
    sc = small_scenario({"operations.relationship.enabled": True, "operations.relationship.referral_reward": 7.0,
                         "operations.relationship.commission_rate": 0.1, "operations.relationship.invitee_discount": 3.0},
                        n=2000, days=25)
    res = simulate(sc, run_seed(2, 0))
    pur, pay = res.records["purchases"], res.records["payments"]
    via = pur["channel"] == CH_FRIEND
    assert via.sum() > 0
    rew = pay["kind"] == KINDS.index("referral_reward")
    assert rew.sum() == via.sum() and (pay["amount"][rew] == 7.0).all()
    np.testing.assert_array_equal(np.sort(pay["payee"][rew]), np.sort(pur["ref"][via]))
    com = pay["kind"] == KINDS.index("commission")
    assert math.isclose(pay["amount"][com].sum(), 0.1 * pur["price"][via].sum())


def test_content_ugc_raises_recommendation():
    sc = small_scenario({"operations.content.enabled": True, "operations.content.ugc_rate": 1.0}, n=2000, days=10)
    eng = Engine(sc, run_seed(1, 0))
    op = eng.ops[0]
    r0 = op.rate()
    eng.run()
    assert op.ugc > 0 and op.rate() > r0
    assert eng.result().summary["content_spend"] == sc.operations.content.cost_per_day * 10


def test_partner_audience_community_is_connected_ball():
    import networkx as nx

    from simulation.graph.build import build_graph

    g = build_graph(nx.watts_strogatz_graph(1000, 4, 0.0, seed=1))  # a ring: a BFS ball is an arc of it
    aud = partner_audience(CrossoverConfig(partner_audience_share=0.1), g.indptr, g.indices, np.random.default_rng(3))
    assert len(aud) == 100
    ring = np.sort((aud - aud[0]) % 1000)
    gaps = np.diff(np.sort(aud))
    assert (gaps == 1).sum() >= 98  # contiguous on the ring (allowing the wrap-around)
    rnd = partner_audience(CrossoverConfig(partner_audience="random", partner_audience_share=0.1), g.indptr, g.indices,
                           np.random.default_rng(3))
    assert len(np.unique(rnd)) == 100 and ring[0] == 0


def test_crossover_exposes_only_the_audience():
    sc = small_scenario({"operations.crossover.enabled": True, "operations.crossover.partner_reach": 0.3}, n=2000, days=20)
    eng = Engine(sc, run_seed(5, 0))
    eng.run()
    res = eng.result()
    pur = res.records["purchases"]
    partner_buyers = pur["buyer"][pur["channel"] == 5]
    assert len(partner_buyers) > 0
    assert np.isin(partner_buyers, eng.ops[0].audience).all()
    assert res.summary["partner_spend"] > 0


def test_event_flash_stock_and_campaign_price():
    sc = small_scenario({"operations.event.enabled": True, "operations.event.groupbuy.enabled": False,
                         "operations.event.bargain.enabled": False, "operations.event.flash_sale.days": [5],
                         "operations.event.flash_sale.stock": 3, "operations.event.flash_sale.reach": 0.5,
                         "operations.event.campaign.start_day": 8, "operations.event.campaign.end_day": 9},
                        n=2000, days=10)
    res = simulate(sc, run_seed(3, 0))
    pur = res.records["purchases"]
    price = sc.product.price
    flash = pur["price"][pur["day"] == 5]
    assert (np.isclose(flash, price * 0.6)).sum() == min(3, len(flash))
    assert np.isclose(pur["price"][pur["day"] == 8], price * 0.85).all()
    assert np.isclose(pur["price"][pur["day"] == 3], price).all()


def test_groupbuy_members_pay_group_price_and_bargain_cuts_price():
    sc = small_scenario({"operations.event.enabled": True, "operations.event.groupbuy.initiate_prob": 0.5,
                         "operations.event.bargain.start_prob": 1.0, "operations.event.bargain.help_prob": 1.0},
                        n=2000, days=12)
    res = simulate(sc, run_seed(8, 0))
    g = res.records["groups"]
    assert (g["status"] == 1).any()
    pur = res.records["purchases"]
    cheap = pur["price"] < sc.product.price - 1e-9
    assert cheap.any()
    assert (pur["price"] >= sc.operations.event.bargain.floor * 0 - 1e-9).all()
