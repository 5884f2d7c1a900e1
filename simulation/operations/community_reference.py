"""Community group-buying for the per-agent reference (rules: ``simulation.operations.community``)."""
from __future__ import annotations

import numpy as np

from .reference_base import Exposure, Order, ReferenceOperation


class CommunityOrder:
    """Marks a person waiting for the pick-up day (``Consumer.group``): not evaluated, no repeat, no share."""

    def __init__(self, leader: int):
        self.leader = leader


class CommunityReference(ReferenceOperation):
    """Leaders post the group offer to their friends daily; orders wait for the pick-up day."""

    def __init__(self, cfg, model):
        super().__init__(cfg, model)
        from .community import pick_leaders  # the engine's set-up code: the same leaders

        g = model.graph
        interest = np.array([p.interest for p in model.consumers])
        ids = pick_leaders(cfg, np.diff(g.indptr), interest, model.setup_rng("community"))
        self.leaders = [model.consumers[i] for i in ids]
        self.channel = model.channel("community")
        self.waiting: list[Order] = []
        self.orders = {i: 0 for i in ids.tolist()}
        self.commission = {i: 0.0 for i in ids.tolist()}
        self.value = 0.0
        self.today = 0

    def exposures(self, day: int) -> None:
        c, m = self.cfg, self.model
        self.today = 0
        if not c.active(day):
            return
        price = m.price_today * (1.0 - c.discount)
        for leader in self.leaders:
            for friend, _ in leader.friends:
                if m.random.random() < c.reach:
                    friend.expose(Exposure(self.channel, c.strength, price, referrer=leader.index), day)

    def route(self, day: int, orders: list) -> list:
        keep = []
        for order in orders:
            if order.channel == self.channel and order.referrer >= 0 and order.invitation is None:
                order.buyer.group, order.buyer.pending = CommunityOrder(order.referrer), order
                self.waiting.append(order)
            else:
                keep.append(order)
        if not (self.cfg.pickup(day) and self.waiting):
            return keep
        done = sorted(self.waiting, key=lambda o: o.buyer.index)
        self.waiting = []
        for order in done:
            order.buyer.group, order.buyer.pending = None, None
        if self.cfg.cost_per_pickup > 0:
            self.model.pay(day, "community_delivery", self.cfg.cost_per_pickup * len({o.referrer for o in done}))
        return keep + done

    def on_purchase(self, day: int, order) -> None:
        if order.channel != self.channel or order.referrer < 0:
            return
        fee = self.cfg.commission_rate * order.price
        if self.cfg.commission_rate > 0:
            self.model.pay(day, "community_commission", fee)
        self.orders[order.referrer] += 1
        self.commission[order.referrer] += fee
        self.value += order.price
        self.today += 1

    def record_day(self, day: int, daily: dict) -> None:
        daily["community_orders"][day] = self.today

    def summary(self) -> dict[str, float]:
        return {"community_leaders": float(len(self.leaders)), "community_orders": float(sum(self.orders.values())),
                "community_order_value": self.value, "community_commission": float(sum(self.commission.values())),
                "community_waiting": float(len(self.waiting))}

    def records(self) -> dict:
        from .community import leader_table

        ids = sorted(self.orders)
        return {"leaders": leader_table(ids, [self.orders[i] for i in ids], [self.commission[i] for i in ids])}
