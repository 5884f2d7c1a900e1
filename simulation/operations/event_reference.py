"""The event-driven model for the per-agent reference (rules: ``simulation.operations.event``)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..platforms import layer_index
from ..targeting import eligible
from .reference_base import Exposure, Order, ReferenceOperation

OPEN, SUCCESS, FAILED = 0, 1, 2  # group status, as in ``simulation.operations.event``


@dataclass
class Group:
    """A group-buy (拼团): opened on ``open_day``, needs ``size`` members within the window."""

    id: int
    open_day: int
    members: list = field(default_factory=list)
    close_day: int = -1
    status: int = OPEN


class EventReference(ReferenceOperation):
    """Campaigns, flash sales with stock, coupons, group-buy and bargain, one person at a time."""

    def __init__(self, cfg, model):
        super().__init__(cfg, model)
        self.channel = model.channel("event")
        self.flash_days = set(cfg.flash_sale.days) if cfg.flash_sale.enabled else set()
        self.stock_left = cfg.flash_sale.stock if cfg.flash_sale.stock > 0 else -1
        self.coupon = [0.0] * model.n  # value of the coupon each person holds (currency)
        self.groups: list[Group] = []
        self.open_groups: list[Group] = []
        self.group_joiners: list = []  # joined yesterday: invite friends today
        self.bargainers: list = []  # started a bargain yesterday: ask friends today
        segment = np.array([p.segment for p in model.consumers])
        interest = np.array([p.interest for p in model.consumers])
        # each targeted sub-block's platform and who it may reach (None: everybody): the target's people
        # (``targeting.eligible``) among the platform's members
        subs = ("campaign", "flash_sale", "coupon")
        self.platform = {sub: layer_index(model.scenario, getattr(cfg, sub).platform) for sub in subs}
        self.eligible = {sub: model.layers[self.platform[sub]].within(
            eligible(getattr(cfg, sub).target, segment, model.segment_names, interest)) for sub in subs}

    def reach(self, sub: str) -> list:
        """The people sub-block ``sub``'s ads reach today: each with probability ``reach``, then its target
        and its platform's members."""
        block, mask = getattr(self.cfg, sub), self.eligible[sub]
        people = self.model.each_with_probability(self.model.consumers, block.reach)
        return people if mask is None else [p for p in people if mask[p.index]]

    def pay_targeted(self, day: int, sub: str, delivered: int) -> None:
        """The target's fee per exposure delivered (``event_targeting``)."""
        fee = getattr(self.cfg, sub).target.cost_per_exposure
        if fee > 0 and delivered:
            self.model.pay(day, "event_targeting", fee * delivered)

    def price_multiplier(self, day: int) -> float:
        c, m = self.cfg, 1.0
        if c.campaign.enabled and c.campaign.active(day):
            m *= 1.0 - c.campaign.discount
        if day in self.flash_days and self.stock_left != 0:
            m *= 1.0 - c.flash_sale.discount
        return m

    def price_reduction(self, person) -> float:
        return self.coupon[person.index]

    def exposures(self, day: int) -> None:
        ev, m = self.cfg, self.model
        price = m.price_today
        setup = [(ev.campaign, ev.campaign.start_day), (ev.coupon, ev.coupon.start_day), (ev.groupbuy, 1),
                 (ev.bargain, 1)]
        cost = sum(b.setup_cost for b, first in setup if b.enabled and first == day)
        cost += ev.flash_sale.setup_cost if day in self.flash_days else 0.0
        if cost > 0:
            m.pay(day, "event_setup", cost)
        new_holders = []
        if ev.coupon.enabled and ev.coupon.active(day):
            # handed out before any event ad is evaluated, as in the engine; only to people it can still move
            for person in self.reach("coupon"):
                if (self.coupon[person.index] == 0 and not person.bought and person.group is None
                        and person.offer_day != day):
                    self.coupon[person.index] = ev.coupon.value
                    new_holders.append(person)
            self.pay_targeted(day, "coupon", len(new_holders))
        if ev.campaign.enabled and ev.campaign.active(day):
            people = self.reach("campaign")
            self.pay_targeted(day, "campaign", len(people))
            for person in people:
                person.expose(Exposure(self.channel, ev.campaign.strength, price, platform=self.platform["campaign"]),
                              day)
        if day in self.flash_days and self.stock_left != 0:
            people = self.reach("flash_sale")
            self.pay_targeted(day, "flash_sale", len(people))
            for person in people:
                person.expose(Exposure(self.channel, ev.flash_sale.strength, price,
                                       platform=self.platform["flash_sale"]), day)
        for person in new_holders:
            person.expose(Exposure(self.channel, ev.coupon.strength, price, platform=self.platform["coupon"]), day)
        group_price = price * (1.0 - ev.groupbuy.discount)
        for member in self.group_joiners:
            member.mark("shared")
            for friend, strength in member.friends:
                friend.expose(Exposure(self.channel, strength, group_price, group=member.group), day)
        self.group_joiners = []
        helpers = []
        for initiator in self.bargainers:
            initiator.mark("shared")
            count = 0
            for friend, strength in initiator.friends:
                if m.random.random() < ev.bargain.help_prob:
                    count += 1
                    friend.expose(Exposure(self.channel, strength, price), day)
            helpers.append(count)
        b = ev.bargain
        for initiator, count in zip(self.bargainers, helpers):
            cut = min(price, max(b.floor, price - b.step * count))
            initiator.expose(Exposure(self.channel, b.strength, cut), day)
        self.bargainers = []

    def route(self, day: int, orders: list) -> list:
        if self.cfg.groupbuy.enabled:
            orders = self.group_buy(day, orders)
        if day in self.flash_days and self.stock_left > 0:
            self.limit_stock(orders)
        return orders

    def group_buy(self, day: int, orders: list) -> list:
        """Route converters into groups; return the orders to book (plain ones and filled groups)."""
        gb, m = self.cfg.groupbuy, self.model
        plain, joiners = [], []
        for order in orders:
            person = order.buyer
            if order.invitation is not None:  # accepting a friend's invitation
                if order.invitation.status != OPEN:
                    continue  # the group closed: no order
                person.join(order.invitation, Order(person, order.channel, order.price, in_group=True))
            elif gb.initiate_prob > 0 and m.random.random() < gb.initiate_prob:
                group = Group(len(self.groups), day)
                self.groups.append(group)
                self.open_groups.append(group)
                person.join(group, Order(person, order.channel, order.price * (1.0 - gb.discount), order.referrer, True))
            else:
                plain.append(order)
                continue
            joiners.append(person)
        filled, still_open = [], []
        for group in self.open_groups:
            if len(group.members) >= gb.size or day >= group.open_day + gb.window_days:
                group.status = SUCCESS if len(group.members) >= gb.size else FAILED
                group.close_day = day
                for member in group.members:
                    if group.status == SUCCESS:
                        filled.append(member.pending)
                    member.group, member.pending = None, None
            else:
                still_open.append(group)
        self.open_groups = still_open
        self.group_joiners = [p for p in joiners if p.group is not None]
        return plain + sorted(filled, key=lambda o: o.buyer.index)

    def limit_stock(self, orders: list) -> None:
        """Flash-sale stock: today's buyers beyond it (in order) pay the price without the flash discount.

        Completed group-buys keep the price fixed when their group opened and use no stock.
        """
        d = self.cfg.flash_sale.discount
        today = [order for order in orders if not order.in_group]
        for order in today[self.stock_left:]:
            order.price /= 1.0 - d
        self.stock_left = max(0, self.stock_left - len(today))

    def redeem(self, order, left: float) -> float:
        i = order.buyer.index
        redeemed = min(self.coupon[i], left)
        if redeemed > 0:
            self.coupon[i] = 0.0
        return redeemed

    def after_day(self, day: int, interested_today: list) -> None:
        b, m = self.cfg.bargain, self.model
        if b.enabled and interested_today:
            self.bargainers = sorted((p for p in interested_today if p.group is None and not p.bought
                                      and m.random.random() < b.start_prob), key=lambda p: p.index)

    def records(self) -> dict:
        return {"groups": {"open_day": np.array([g.open_day for g in self.groups], np.int64),
                           "close_day": np.array([g.close_day for g in self.groups], np.int64),
                           "members": np.array([len(g.members) for g in self.groups], np.int64),
                           "status": np.array([g.status for g in self.groups], np.int64)}}

    def summary(self) -> dict[str, float]:
        from .event import group_summary  # the engine's definition of the metrics, on the reference's groups

        return group_summary(self.records()["groups"]["status"])
