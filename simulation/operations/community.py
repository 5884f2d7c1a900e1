"""Community group-buying (社区团购): group leaders collect their neighbours' orders for a pick-up day.

Distinct from the event model's friend group-buy (拼团, ``operations.event.groupbuy``),
where a buyer needs friends to fill a group before anyone buys: here a *leader* — a
community member who runs the neighbourhood's group chat — posts the brand's group
offer every day, each neighbour orders alone, and all orders collected since the last
pick-up are delivered together on the next pick-up day; the leader earns a commission.

Leaders (set-up): ``leaders`` people chosen by ``strategy``: ``"degree"`` the largest
out-degree (the widest reach), ``"interest"`` the highest interest in the product
category (``population`` interest: the keenest members run the group), ``"random"``
uniformly without replacement (Generator ``engine.rng("community")``); ties by id.
A leader's neighbours are their out-neighbours in the social graph (the people who see
what they post).

Collection: on each day t of ``[start_day, end_day]`` each leader's post reaches each
out-arc e (leaders in id order, arcs in CSR order) iff ``uniform(key, COMMUNITY, e, 4t)
< reach``; the head is exposed (phase 1d) with strength ``strength`` at the group price
``price_today * (1 - discount)`` (draw ``uniform(key, COMMUNITY, e, 4t + 1)``, channel
``community``, ``ref`` = the leader's id). A neighbour reached by two leaders has two
exposures.

Orders and pick-up: pick-up days are ``start_day + k * cycle_days - 1`` for k = 1, 2, ...
(the last day of each cycle; they continue after ``end_day`` so every order is
delivered). A converter through a leader's post (phase 2, ``route``) places an order: it
is taken out of today's purchases and the person waits — the model writes the engine's
``pending`` (the leader's id) so they are not evaluated again, do not repeat-buy and do
not share — until the next pick-up day (today, if today is one), when every waiting
order is booked, in id order, as a purchase of channel ``community`` at the group price
of its order day, ``ref`` the leader. Orders still waiting at the horizon are never
booked (``community_waiting``). A repeat purchase credited to ``community`` (the
engine's rule: the channel of the first purchase, no referrer) is an ordinary purchase
at the day's price.

Money: each booked order pays its leader ``commission_rate`` x the price paid (kind
``community_commission``); each pick-up day costs ``cost_per_pickup`` per leader who has
orders to deliver (kind ``community_delivery``); both in ``community_spend``. The group
discount is ``discount_cost`` (the order's price holds it). Readouts: summary
``community_leaders``, ``community_orders`` (booked), ``community_order_value`` (paid),
``community_commission``, ``community_waiting``; daily ``community_orders``; record table
``leaders`` (leader, orders, commission).
"""
from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..config.base import Money, Probability, Window
from ..kernels.funnel import draw_below, out_arcs
from ..kernels.random import COMMUNITY
from .base import Batch, Operation, Purchases, concat_purchases, select
from .community_reference import CommunityReference
from .per_run import Row, days_on


class CommunityConfig(Window):
    """Parameters of community group-buying (collection window ``[start_day, end_day]``)."""

    enabled: bool = False
    leaders: int = Field(20, ge=1)
    strategy: Literal["degree", "interest", "random"] = "degree"
    cycle_days: int = Field(7, ge=1)  # pick-up on the last day of each cycle
    reach: Probability = 0.3  # probability that a leader's daily post reaches each out-neighbour
    strength: Probability = 0.05
    discount: Probability = 0.15  # group price = price_today * (1 - discount)
    commission_rate: Probability = 0.1  # of the price paid, to the leader
    cost_per_pickup: Money = 0.0  # per leader with orders, per pick-up day

    def pickup(self, day: int) -> bool:
        """True when ``day`` is a pick-up day."""
        return day >= self.start_day and (day - self.start_day + 1) % self.cycle_days == 0


def pick_leaders(cfg: CommunityConfig, out_degree: np.ndarray, interest: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """Return the leaders' ids (sorted int64) chosen by ``cfg.strategy``."""
    n = len(out_degree)
    if cfg.leaders > n:
        raise ValueError(f"operations.community.leaders: cannot choose {cfg.leaders} leaders among {n} people")
    ids = np.arange(n)
    if cfg.strategy == "random":
        chosen = rng.choice(n, cfg.leaders, replace=False)
    else:
        score = out_degree if cfg.strategy == "degree" else interest
        chosen = np.lexsort((ids, -np.asarray(score, np.float64)))[: cfg.leaders]
    return np.sort(chosen).astype(np.int64)


class CommunityOperation(Operation):
    """Runtime of community group-buying for one run."""

    name = "community"
    label = "community group-buying (社区团购)"
    config = CommunityConfig
    reference = CommunityReference
    payments = {"community_commission": "community_spend", "community_delivery": "community_spend"}
    channels = ("community",)
    metrics = {"community_leaders": 0.0, "community_orders": 0.0, "community_order_value": 0.0,
               "community_commission": 0.0, "community_waiting": 0.0}
    series = ("community_orders",)

    def __init__(self, cfg: CommunityConfig, engine):
        super().__init__(cfg, engine)
        g, n = engine.graph, engine.n
        self.channel = engine.channel("community")
        self.leaders = pick_leaders(cfg, np.diff(g.indptr), engine.pop.interest, engine.rng("community"))
        self.heads, self.arcs, pos = out_arcs(self.leaders, g.indptr, g.indices)
        self.arc_leader = self.leaders[pos]
        self.order_price = np.zeros(n)
        self.order_leader = np.full(n, -1, np.int64)
        self.waiting = np.empty(0, np.int64)
        self.orders = np.zeros(n, np.int64)  # per person: orders booked as leader (indexed by leader id)
        self.commission = np.zeros(n)
        self.value = 0.0
        self.today = 0
        self._on = days_on(cfg.active, engine.days)  # the window, by day
        self._reach = np.full(len(self.arcs), cfg.reach)  # each arc's probability of a post reaching it (read only)
        self._strength, self._price, self._b = Row(), Row(), Row(np.int64)  # the batch's constant rows

    def exposures(self, day: int) -> list[Batch]:
        """The leaders' posts reaching their neighbours today; ``[]`` outside the window or without leaders' arcs."""
        c, eng = self.cfg, self.engine
        self.today = 0
        if not self._on[day] or not len(self.arcs):
            return []
        hit = np.flatnonzero(draw_below(self.arcs, self._reach, eng.key, COMMUNITY, 4 * day))
        k = len(hit)
        return [Batch(self.channel, COMMUNITY, self.heads[hit], self._strength.of(k, c.strength),
                      self._price.of(k, eng.price_today * (1.0 - c.discount)), self.arcs[hit],
                      self._b.of(k, 4 * day + 1), self.arc_leader[hit])]

    def route(self, day: int, purchases: Purchases) -> Purchases:
        eng = self.engine
        mine = (purchases["channel"] == self.channel) & (purchases["ref"] >= 0)
        if mine.any():
            who = purchases["buyer"][mine]
            self.order_price[who] = purchases["price"][mine]
            self.order_leader[who] = purchases["ref"][mine]
            eng.pending[who] = purchases["ref"][mine]
            self.waiting = np.concatenate([self.waiting, who])
            purchases = select(purchases, ~mine)
        if not (self.cfg.pickup(day) and len(self.waiting)):
            return purchases
        done = np.sort(self.waiting)
        self.waiting = np.empty(0, np.int64)
        eng.pending[done] = -1
        leaders = self.order_leader[done]
        if self.cfg.cost_per_pickup > 0:
            served = np.unique(leaders)
            eng.pay(day, "community_delivery", served, np.full(len(served), self.cfg.cost_per_pickup))
        return concat_purchases(purchases, {"buyer": done, "channel": np.full(len(done), self.channel, np.int8),
                                            "price": self.order_price[done], "ref": leaders,
                                            "tag": np.zeros(len(done), np.int8)})

    def on_purchases(self, day: int, purchases: Purchases) -> None:
        mine = (purchases["channel"] == self.channel) & (purchases["ref"] >= 0)
        if not mine.any():
            return
        leaders, paid = purchases["ref"][mine], purchases["price"][mine]
        fee = self.cfg.commission_rate * paid
        if self.cfg.commission_rate > 0:
            self.engine.pay(day, "community_commission", leaders, fee)
        np.add.at(self.orders, leaders, 1)
        np.add.at(self.commission, leaders, fee)
        self.value += float(paid.sum())
        self.today += len(leaders)

    def record_day(self, day: int, daily: dict[str, np.ndarray]) -> None:
        daily["community_orders"][day] = self.today

    def summary(self) -> dict[str, float]:
        return {"community_leaders": float(len(self.leaders)), "community_orders": float(self.orders.sum()),
                "community_order_value": self.value, "community_commission": float(self.commission.sum()),
                "community_waiting": float(len(self.waiting))}

    def records(self) -> dict[str, dict[str, np.ndarray]]:
        return {"leaders": leader_table(self.leaders, self.orders[self.leaders], self.commission[self.leaders])}

    @classmethod
    def empty_records(cls) -> dict[str, dict[str, np.ndarray]]:
        return {"leaders": leader_table(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))}


def leader_table(leaders, orders, commission) -> dict[str, np.ndarray]:
    """The ``leaders`` record table: leader (person id), orders booked, commission earned (currency)."""
    return {"leader": np.asarray(leaders, np.int64).copy(), "orders": np.asarray(orders, np.int64).copy(),
            "commission": np.asarray(commission, np.float64).copy()}


#: This module's model (``simulation.operations.MODULES``).
OPERATION = CommunityOperation
