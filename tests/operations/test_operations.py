"""Each operation model: its parameter block and what it adds to a day."""
from __future__ import annotations

import math

import numpy as np

from simulation.engine import Engine, simulate
from simulation.ledger import PAYMENT_KINDS
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
    via = (pur["channel"] == CH_FRIEND) & (pur["ref"] >= 0)  # a repeat purchase keeps the channel, not the referrer
    assert via.sum() > 0
    rew = pay["kind"] == KINDS.index("referral_reward")
    assert rew.sum() == via.sum() and (pay["amount"][rew] == 7.0).all()
    np.testing.assert_array_equal(np.sort(pay["payee"][rew]), np.sort(pur["ref"][via]))
    com = pay["kind"] == KINDS.index("commission")
    assert math.isclose(pay["amount"][com].sum(), 0.1 * pur["price"][via].sum())
    # the invitee discount is a price reduction (discount_cost), not a payment; no campaign or flash day here
    np.testing.assert_allclose(pur["price"][via], sc.product.price - 3.0)
    np.testing.assert_allclose(pur["discount"][via], 3.0)
    assert math.isclose(res.summary["incentive_spend"], pay["amount"][rew | com].sum(), rel_tol=1e-12)


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
    assert len(aud) == 100 and len(np.unique(aud)) == 100
    # contiguous on the ring: the 100 sorted ids leave exactly one gap of 901 around the ring
    circ = np.diff(np.append(aud, aud[0] + 1000))
    assert sorted(circ.tolist()) == [1] * 99 + [901]
    rnd = partner_audience(CrossoverConfig(partner_audience="random", partner_audience_share=0.1), g.indptr, g.indices,
                           np.random.default_rng(3))
    assert len(np.unique(rnd)) == 100
    # a uniform sample is not an arc: each of its 99 sorted neighbour pairs is adjacent with chance
    # ~ 99/999 ~ 0.1, so about 10 unit gaps (binomial SD ~ 3); 30 is > 6 SD above that
    assert (np.diff(rnd) == 1).sum() < 30


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
    assert len(flash) > 3  # more buyers than stock, so the stock limit is exercised
    # the first 3 buyers of day 5 get the flash discount (0.4 in default.toml), the rest pay list price
    np.testing.assert_allclose(flash[:3], price * (1 - sc.operations.event.flash_sale.discount))
    np.testing.assert_allclose(flash[3:], price)
    campaign = np.isin(pur["day"], [8, 9])
    assert campaign.any()
    np.testing.assert_allclose(pur["price"][campaign], price * (1 - sc.operations.event.campaign.discount))
    other = (pur["day"] > 0) & ~campaign & (pur["day"] != 5)
    assert other.sum() > 3
    np.testing.assert_allclose(pur["price"][other], price)


def test_groupbuy_members_pay_group_price_and_bargain_cuts_price():
    sc = small_scenario({"operations.event.enabled": True, "operations.event.groupbuy.initiate_prob": 0.5,
                         "operations.event.bargain.start_prob": 1.0, "operations.event.bargain.help_prob": 1.0},
                        n=2000, days=12)
    res = simulate(sc, run_seed(8, 0))
    ev = sc.operations.event
    g = res.records["groups"]
    ok = g["status"] == 1
    assert ok.any()
    pur = res.records["purchases"]
    price = sc.product.price  # no campaign or flash-sale day within these 12 days
    assert ev.bargain.floor == 49.0 and ev.bargain.step == 5.0 and ev.groupbuy.discount == 0.2
    # a purchase pays the list price or a bargain price max(floor, price - step * helpers); a group
    # member pays (1 - discount) times the price they saw (a bargain winner may open a group)
    alone = np.unique(np.maximum(ev.bargain.floor, price - ev.bargain.step * np.arange(20)))
    group = alone * (1 - ev.groupbuy.discount)  # 79.2 - 4h never equals 99 - 5h': the two sets are disjoint
    paid = pur["price"][pur["day"] > 0]
    is_alone = np.isclose(paid[:, None], alone[None, :]).any(1)
    is_group = np.isclose(paid[:, None], group[None, :]).any(1)
    assert (is_alone | is_group).all(), np.unique(paid[~(is_alone | is_group)])
    # every member of a completed group, and no one else, paid a group price
    assert is_group.sum() == g["members"][ok].sum()
    # bargains cut the price, down to the floor and never below it
    cut = is_alone & (paid < price - 1e-9)
    assert cut.any() and np.isclose(paid, ev.bargain.floor).any()
    assert paid[is_alone].min() >= ev.bargain.floor - 1e-9
