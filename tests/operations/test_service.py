"""Customer service with capacity: the queue's closed forms, the reduction, returns in the ledger, learning,
inquiries, and paired-CRN directions (more agents: shorter waits, more satisfaction and repeat purchase, with
diminishing returns)."""
from __future__ import annotations

import math

import numpy as np

from simulation.engine import Engine, simulate
from simulation.operations.service import AGENT_RESOLVED, BALKED, fifo_waits
from simulation.seeding import run_seed
from tests.test_engine import small_scenario

SERVICE = {"kol.count": 0, "operations.service.enabled": True}
#: a steady flow of complaints (about 12 a day, growing with repeat purchase) against 4 contacts per agent-day
LOADED = {**SERVICE, "operations.service.contact_rate": 0.5, "operations.service.capacity": 4,
          "product.repeat_rate": 0.05, "seeding.count": 10, "funnel.platform_rate": 0.2,
          "funnel.platform_strength": 0.1, "operations.service.max_wait": 5, "operations.service.patience": 1.0}


def _queue_lengths(days: int, arrivals: int, capacity: int, max_wait: int) -> tuple[np.ndarray, np.ndarray]:
    """Waits of ``arrivals`` contacts a day for ``days`` days, and the queue at the end of each day."""
    tail = np.array([-1, 0], np.int64)
    waits = np.stack([fifo_waits(d, arrivals, capacity, max_wait, tail) for d in range(days)])
    queue = np.array([sum(((d0 <= d) & (d < d0 + w)) for d0 in range(days) for w in waits[d0] if w > 0)
                      for d in range(days)])
    return waits, queue


def test_queue_closed_forms():
    # capacity above arrivals: nobody waits, the queue is empty every evening
    waits, queue = _queue_lengths(10, arrivals=5, capacity=6, max_wait=100)
    assert (waits == 0).all() and (queue == 0).all()
    # capacity below arrivals: the queue grows by a - c a day, and a contact's wait is its place // c
    waits, queue = _queue_lengths(10, arrivals=7, capacity=3, max_wait=100)
    np.testing.assert_array_equal(queue, 4 * np.arange(1, 11))
    np.testing.assert_array_equal(waits[0], np.arange(7) // 3)
    np.testing.assert_array_equal(waits[1], (4 + np.arange(7)) // 3)  # 4 still waiting from day 0 are ahead
    # a contact told a wait above max_wait balks and takes no capacity: the queue stops at c x (max_wait + 1)
    waits, queue = _queue_lengths(30, arrivals=7, capacity=3, max_wait=2)
    assert (waits <= 2).all() and (waits[-1] == -1).sum() == 4  # in steady state 3 a day get a place
    assert queue[-1] == 3 * 2  # the 3 x 2 waiting for tomorrow and the day after
    # no capacity: everyone balks
    assert (fifo_waits(0, 5, 0, 100, np.array([-1, 0], np.int64)) == -1).all()


def test_no_contacts_is_todays_model_draw_for_draw():
    base = small_scenario({"kol.count": 0, "product.repeat_rate": 0.05}, n=1500, days=20)
    on = small_scenario({**SERVICE, "product.repeat_rate": 0.05, "operations.service.contact_rate": 0.0,
                         "operations.service.inquiry_rate": 0.0, "operations.service.cost_per_agent_day": 0.0},
                        n=1500, days=20)
    a, b = simulate(base, run_seed(1, 0)), simulate(on, run_seed(1, 0))
    service_keys = {k for k in b.summary if k.startswith("service_")} | {"returns", "returns_value"}
    assert a.summary.keys() == b.summary.keys()
    changed = [k for k in a.summary if k not in service_keys and not _same(a.summary[k], b.summary[k])]
    assert not changed, changed
    assert b.summary["service_complaints"] == 0 and b.summary["service_spend"] == 0
    for k, v in a.daily.items():
        np.testing.assert_array_equal(v, b.daily[k], err_msg=k)
    for k, v in a.records["purchases"].items():
        np.testing.assert_array_equal(v, b.records["purchases"][k])


def _same(x: float, y: float) -> bool:
    return x == y or (math.isnan(x) and math.isnan(y))


def test_returns_costs_and_queue_are_booked_as_documented():
    sc = small_scenario({**LOADED, "operations.service.agents": 1, "operations.service.return_rate": 0.8,
                         "operations.service.recover_goods": True, "operations.service.chatbot": True,
                         "operations.service.inquiry_rate": 0.2}, n=2000, days=25)
    res = simulate(sc, run_seed(2, 0))
    s, d, svc = res.summary, res.daily, res.records["service"]
    c = sc.operations.service
    booked = svc["returned"] & (svc["end_day"] <= sc.days)
    assert booked.sum() > 20 and s["returns"] == booked.sum() == d["returns"].sum()
    assert math.isclose(s["refunds"], svc["refund"][booked].sum()) and s["returns_value"] == s["refunds"]
    assert s["cogs_recovered"] == sc.product.unit_cost * s["returns"]
    # returns come only from unresolved complaints, refunding what was paid
    assert (svc["kind"][svc["returned"]] == 0).all() and (svc["outcome"][svc["returned"]] >= 2).all()
    # the ledger: revenue is net of refunds, cogs net of goods back in stock, profit = revenue - cogs - spend
    purchases = res.records["purchases"]
    assert math.isclose(s["revenue"], purchases["price"].sum() - s["refunds"], rel_tol=1e-12)
    assert math.isclose(s["cogs"], sc.product.unit_cost * s["purchases"] - s["cogs_recovered"], rel_tol=1e-12)
    assert s["profit"] == s["revenue"] - s["cogs"] - s["spend"]
    assert math.isclose(s["revenue"] + s["refunds"] + s["discount_cost"], sc.product.price * s["purchases"])
    # costs: the team every day (day 0 included), the bot per conversation
    want = (sc.days + 1) * c.agents * c.cost_per_agent_day + c.cost_per_chat * s["service_chats"]
    assert math.isclose(s["service_spend"], want, rel_tol=1e-12) and s["service_chats"] == len(svc["day"])
    # the queue series: contacts that joined by day t and are answered after it
    queued = svc["outcome"] != BALKED
    want_q = [np.count_nonzero(queued & (svc["day"] <= t) & (svc["end_day"] > t)) for t in range(sc.days + 1)]
    np.testing.assert_array_equal(d["service_queue"], want_q)
    assert d["service_queue"].max() > 0 and s["service_balked"] > 0 and s["service_inquiries"] > 0
    np.testing.assert_array_equal(d["service_contacts"], np.bincount(svc["day"], minlength=sc.days + 1))


def test_learning_raises_quality_per_resolved_complaint():
    lr = 0.002
    sc = small_scenario({**LOADED, "operations.service.agents": 2, "operations.service.learning_rate": lr},
                        n=2000, days=25)
    eng = Engine(sc, run_seed(3, 0))
    q0 = eng.quality
    eng.run()
    svc = eng.result().records["service"]
    learned = np.count_nonzero((svc["kind"] == 0) & (svc["outcome"] <= AGENT_RESOLVED) & (svc["end_day"] <= sc.days))
    assert learned > 50
    assert math.isclose(eng.quality, min(1.0, q0 + lr * learned), rel_tol=1e-12)
    assert math.isclose(eng.p_satisfied, sc.funnel.quality_share * eng.quality
                        + (1 - sc.funnel.quality_share) * sc.product.service, rel_tol=1e-12)


def test_resolved_inquiries_raise_the_inquirers_purchase_factor():
    sc = small_scenario({**LOADED, "operations.service.agents": 3, "operations.service.inquiry_rate": 0.5,
                         "operations.service.inquiry_boost": 2.5}, n=2000, days=20)
    eng = Engine(sc, run_seed(4, 0))
    eng.run()
    svc = eng.result().records["service"]
    done = (svc["kind"] == 1) & (svc["outcome"] <= AGENT_RESOLVED) & (svc["end_day"] <= sc.days)
    assert done.sum() > 20
    boosted = np.zeros(eng.n, bool)
    boosted[svc["person"][done]] = True
    row = eng.op("service").factor
    assert row.base is eng.buy_factor
    np.testing.assert_array_equal(row, np.where(boosted, 2.5, 1.0))


def test_more_agents_shorten_waits_raise_satisfaction_and_repeats_with_diminishing_returns():
    """Paired over R seeds (common random numbers) at 1, 4 and 8 agents.

    Directions: mean wait falls, and the satisfaction of complaint purchases and repeat purchases rise from 1
    to 4 agents, each by more than 3 standard errors of the paired difference; diminishing returns: the gain
    from 1 to 4 exceeds the gain from 4 to 8 (the second difference) by more than 3 standard errors.
    """
    R = 10
    out = np.zeros((R, 3, 3))
    for r in range(R):
        for a, agents in enumerate((1, 4, 8)):
            s = simulate(small_scenario({**LOADED, "operations.service.agents": agents}, n=2000, days=30),
                         run_seed(7, r)).summary
            out[r, a] = (s["service_wait"], s["service_satisfaction"], s["purchases"] - s["buyers"])

    def t(x):
        return x.mean() / (x.std(ddof=1) / math.sqrt(len(x)))

    for m, sign in ((0, -1), (1, 1), (2, 1)):
        x = out[:, :, m]
        first, second = x[:, 1] - x[:, 0], x[:, 2] - x[:, 1]
        assert sign * t(first) > 3, (m, first)
        assert sign * t(first - second) > 3, (m, first, second)  # diminishing returns
