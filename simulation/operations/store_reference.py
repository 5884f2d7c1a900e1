"""Offline stores and O2O for the per-agent reference (rules: ``simulation.operations.store``)."""
from __future__ import annotations

import numpy as np

from ..kol import posts_on
from .reference_base import Exposure, ReferenceOperation


class StoreReference(ReferenceOperation):
    """Each person visits the nearest store with a probability falling with distance; coupons, community."""

    def __init__(self, cfg, model):
        super().__init__(cfg, model)
        from .store import layout, visit_base  # the engine's set-up code: the same locations and stores

        self.xy, self.stores = layout(cfg, model.n, model.setup_rng("store"))
        base, near = visit_base(cfg, self.xy, self.stores)
        self.base, self.nearest = base.tolist(), near.tolist()
        self.ch_store, self.ch_o2o = model.channel("store"), model.channel("o2o")
        n, k = model.n, len(self.stores)
        self.coupon = [0.0] * n
        self.member = [False] * n
        self.visits = [0] * n
        self.store_visits, self.store_purchases, self.store_members = [0] * k, [0] * k, [0] * k
        self.today_visits = self.today_purchases = 0
        self.coupons = self.redeemed = 0
        self.purchases, self.revenue = 0, 0.0

    def exposures(self, day: int) -> None:
        c, m = self.cfg, self.model
        cp, cm = c.coupon, c.community
        rnd = m.random.random
        self.today_visits = self.today_purchases = 0
        if cp.enabled and cp.active(day):
            for person in m.each_with_probability(m.consumers, cp.reach):
                if (self.coupon[person.index] == 0 and not person.bought and person.group is None
                        and person.offer_day != day):
                    self.coupon[person.index] = cp.value
                    self.coupons += 1
        if cm.join_prob > 0 and cm.active(day) and posts_on(day, cm.posts_per_week):
            if cm.post_cost > 0:
                m.pay(day, "store_community_post", cm.post_cost)
            members = [p for p in m.consumers if self.member[p.index]]  # as at the start of the day
            for person in m.each_with_probability(members, cm.post_reach):
                person.expose(Exposure(self.ch_o2o, cm.post_strength, m.price_today), day)
        if not c.active(day):
            return
        if c.cost_per_store_day > 0:
            m.pay(day, "store_operation", c.cost_per_store_day * len(self.stores))
        if c.event_cost(day) > 0:
            m.pay(day, "store_event", c.event_cost(day))
        mult, smult = c.event_factors(day)
        visitors = []
        for person in m.consumers:
            i = person.index
            p = self.base[i] * mult * (cp.visit_multiplier if self.coupon[i] > 0 else 1.0)
            if p > 0 and rnd() < p:
                visitors.append(person)
                s = self.nearest[i]
                self.visits[i] += 1
                self.store_visits[s] += 1
                if cm.join_prob > 0 and not self.member[i] and rnd() < cm.join_prob:
                    self.member[i] = True
                    self.store_members[s] += 1
        self.today_visits = len(visitors)
        strength = min(1.0, c.store_strength * smult)
        for person in visitors:
            i = person.index
            held = self.coupon[i] > 0
            price = max(0.0, m.price_today - cp.value) if held else m.price_today
            person.expose(Exposure(self.ch_o2o if held else self.ch_store, strength, price,
                                   referrer=self.nearest[i]), day)

    def on_purchase(self, day: int, order) -> None:
        i = order.buyer.index
        self.purchases += 1
        if order.channel in (self.ch_store, self.ch_o2o) and order.referrer >= 0:
            self.store_purchases[order.referrer] += 1
            self.revenue += order.price
            self.today_purchases += 1
            if order.channel == self.ch_o2o and self.coupon[i] > 0:
                self.redeemed += 1
        self.coupon[i] = 0.0

    def share_factor(self, person) -> float:
        return self.cfg.community.member_share_factor if self.member[person.index] else 1.0

    def record_day(self, day: int, daily: dict) -> None:
        daily["store_visits"][day] = self.today_visits
        daily["store_purchases"][day] = self.today_purchases

    def summary(self) -> dict[str, float]:
        return {"store_visits": float(sum(self.visits)), "store_visitors": float(sum(v > 0 for v in self.visits)),
                "store_purchases": float(sum(self.store_purchases)), "store_revenue": self.revenue,
                "online_purchases": float(self.purchases - sum(self.store_purchases)),
                "o2o_coupons": float(self.coupons), "o2o_redeemed": float(self.redeemed),
                "o2o_members": float(sum(self.member))}

    def records(self) -> dict:
        from .store import store_table

        return {"stores": store_table(self.stores, self.store_visits, self.store_purchases, self.store_members)}
