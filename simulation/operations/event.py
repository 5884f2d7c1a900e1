"""Event-driven operation: campaign discounts, flash sales, coupons, group-buy (拼团), bargain (砍价).

Sub-blocks (each with its own ``enabled``; all need ``operations.event.enabled``). Each
enabled sub-block has a fixed ``setup_cost`` booked as ``event_spend`` (kind
"event_setup"): campaign 2000 on its ``start_day``; flash sale 1000 on each sale day;
coupon 500 on its ``start_day``; group-buy 1000 and bargain 500 on day 1 (defaults,
currency; days beyond the horizon book nothing). Every price reduction below is booked
as ``discount_cost`` (``simulation.ledger``), never as spend.

* ``campaign`` — in ``[start_day, end_day]`` the list price is multiplied by
  ``1 - discount`` and each person sees a campaign ad with probability ``reach`` per day
  (channel "event", strength ``strength``; picks on stream EVENT, b = 4t).
* ``flash_sale`` — on each day in ``days`` the price is further multiplied by
  ``1 - discount`` while stock lasts (``stock`` units, 0 = unlimited; buyers beyond the
  stock, in purchase order, pay the price without the flash discount; completed
  group-buys keep the price fixed when their group opened and use no stock); ad reach
  ``reach`` (stream EVENT, b = 4t + 1).
* ``coupon`` — in its window each person who can still be influenced — holds no coupon,
  has not bought, is not pending in a group-buy and has not converted earlier today —
  receives one with probability ``reach`` per day (stream EVENT, b = 4t + 2); receiving
  it is an exposure (strength ``strength``); the coupon takes ``value`` off the price
  the holder sees and, when redeemed (up to the price left after other discounts), off
  the price paid (``discount_cost``). Coupons are handed out in the event batch, after
  the day's friend, KOL, platform and content exposures were evaluated: only later
  exposures see a coupon received today. Holders who buy again later (repeat purchase)
  hold no coupon: a coupon is redeemed on the first purchase after it is received.
* ``target`` (campaign, flash sale, coupon; ``simulation.targeting``) — the day's
  picks above are drawn exactly as untargeted, then only the people the block allows
  (its segments, interest >= ``min_interest``) are kept: they are the ads delivered
  (online or not) and the coupons handed out. Each costs ``target.cost_per_exposure``,
  booked as ``event_spend`` (payment kind "event_targeting") on the day. The default
  block (everybody, no fee) changes no draw and books nothing.
* ``platform`` (campaign, flash sale, coupon; ``simulation.platforms``) — the name of
  the declared platform the ads / coupons travel on (None: the first): of the picks
  above only that platform's members are kept (with the target's; fees are paid for
  the kept ones only) and the batch carries that platform. Without ``[[platforms]]``, or
  on a platform everybody is on, nothing changes. Group-buy invitations and bargain help
  travel over the scenario graph on the first platform.
* ``groupbuy`` — a person who converts through any other channel opens a group with
  probability ``initiate_prob`` (draw ``uniform(key, GROUP, i, 2t + 1)``) instead of
  buying alone; the group needs ``size`` members (initiator included) by day
  ``open_day + window_days``. Each member, on the day after joining, invites all
  out-neighbours (channel "event", strength = tie strength, price = group price
  ``price_today * (1 - discount)``, draw ``uniform(key, GROUP, e, 2t)``); an invitee who
  converts joins the group. Members are pending (not buyers) until the end of the day
  the group reaches ``size`` — then every member buys at the group price — or until the
  deadline passes, when the group fails and its orders are cancelled (members may buy
  again later). Every group is recorded (open_day, close_day, members, status).
* ``bargain`` — a person who became interested but did not buy starts a bargain with
  probability ``start_prob`` (draw ``uniform(key, BARGAIN, i, 3t + 2)``). The next day
  each out-neighbour helps with probability ``help_prob`` (``uniform(key, BARGAIN, e,
  3(t+1))``); a helper is exposed (channel "event", strength = tie strength, draw
  ``uniform(key, BARGAIN, e, 3(t+1) + 1)``); the initiator then re-evaluates with
  strength ``strength`` at price ``max(floor, price_today - step * helpers)``.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit
from pydantic import Field, model_validator

from ..config.base import Label, Money, Probability, Strict, Window
from ..kernels import parallel
from ..kernels.funnel import TAG_BARGAIN, TAG_GROUP, arc_total, coupon_takers, skip_sample, sorted_unique
from ..kernels.random import BARGAIN, EVALUATE, EVENT, GROUP, uniform
from ..platforms import layer_index
from ..targeting import TargetConfig, eligible, keep
from .event_reference import EventReference
from .base import Batch, Operation, Purchases, concat_purchases, filled, select

SLOT_CAMPAIGN, SLOT_FLASH, SLOT_COUPON, SLOT_BARGAIN = 3, 4, 5, 6
#: Sub-blocks with a ``target`` block (``simulation.targeting``).
TARGETED = ("campaign", "flash_sale", "coupon")
OPEN, SUCCESS, FAILED = 0, 1, 2


class CampaignConfig(Window):
    """A time-limited discount with its ads."""

    enabled: bool = False
    setup_cost: Money = 2000.0  # fixed set-up cost of the programme (event_spend), booked on start_day
    discount: Probability = 0.1
    reach: Probability = 0.01
    strength: Probability = 0.05
    target: TargetConfig = Field(default_factory=TargetConfig)  # who the ads may reach, fee per ad delivered
    platform: Label | None = None  # the declared platform the ads travel on (None: the first)


class FlashSaleConfig(Strict):
    """Flash sales on given days with limited stock."""

    enabled: bool = False
    setup_cost: Money = 1000.0  # fixed set-up cost of the programme (event_spend), booked on each sale day
    days: list[int] = Field(default_factory=list)
    discount: float = Field(0.3, ge=0.0, lt=1.0)  # a flash sale sells, it does not give away
    stock: int = Field(0, ge=0)
    reach: Probability = 0.02
    strength: Probability = 0.05
    target: TargetConfig = Field(default_factory=TargetConfig)  # who the ads may reach, fee per ad delivered
    platform: Label | None = None  # the declared platform the ads travel on (None: the first)

    @model_validator(mode="after")
    def _days(self):
        bad = [d for d in self.days if d < 1]
        if bad:
            raise ValueError(f"days must be >= 1, got {bad}")
        return self


class CouponConfig(Window):
    """Coupons handed out during a window."""

    enabled: bool = False
    setup_cost: Money = 500.0  # fixed set-up cost of the programme (event_spend), booked on start_day
    value: Money = 10.0
    reach: Probability = 0.005
    strength: Probability = 0.05
    target: TargetConfig = Field(default_factory=TargetConfig)  # who may receive one, fee per coupon handed out
    platform: Label | None = None  # the declared platform the coupons are handed out on (None: the first)


class GroupBuyConfig(Strict):
    """Group-buy (拼团)."""

    enabled: bool = False
    setup_cost: Money = 1000.0  # fixed set-up cost of the programme (event_spend), booked on day 1
    size: int = Field(3, ge=2)
    window_days: int = Field(2, ge=1)
    discount: Probability = 0.2
    initiate_prob: Probability = 0.3


class BargainConfig(Strict):
    """Bargain / price cutting (砍价)."""

    enabled: bool = False
    setup_cost: Money = 500.0  # fixed set-up cost of the programme (event_spend), booked on day 1
    start_prob: Probability = 0.1
    help_prob: Probability = 0.3
    step: Money = 5.0
    floor: Money = 0.0
    strength: Probability = 0.3


class EventConfig(Strict):
    """Parameters of the event-driven model."""

    enabled: bool = False
    campaign: CampaignConfig = Field(default_factory=CampaignConfig)
    flash_sale: FlashSaleConfig = Field(default_factory=FlashSaleConfig)
    coupon: CouponConfig = Field(default_factory=CouponConfig)
    groupbuy: GroupBuyConfig = Field(default_factory=GroupBuyConfig)
    bargain: BargainConfig = Field(default_factory=BargainConfig)


@njit(cache=True)
def route_groups(buyer, channel, price, ref, tag, day, key, initiate_prob, group_factor,
                 pending, pend_channel, pend_price, pend_ref, next_member,
                 g_open, g_close, g_members, g_status, g_head, n_groups):
    """Send today's converting people into groups; return (keep mask, joiners, new n_groups).

    Row r with tag TAG_GROUP joins open group ref[r]; any other row opens a new group
    with probability ``initiate_prob``. Pending members keep their channel, group
    price (``price * group_factor`` for initiators; invitees already saw it) and ref.
    Group arrays must have room for len(buyer) more groups.
    """
    k = buyer.shape[0]
    keep = np.ones(k, np.bool_)
    joiners = np.empty(k, np.int64)
    nj = 0
    for r in range(k):
        i = buyer[r]
        g = -1
        p = price[r]
        if tag[r] == TAG_GROUP:
            g = ref[r]
            if g_status[g] != OPEN:
                keep[r] = False  # the invitation expired: no order
                continue
        elif initiate_prob > 0.0 and uniform(key, GROUP, i, 2 * day + 1) < initiate_prob:
            g = n_groups
            n_groups += 1
            g_open[g] = day
            g_close[g] = -1
            g_members[g] = 0
            g_status[g] = OPEN
            g_head[g] = -1
            p = price[r] * group_factor
        if g < 0:
            continue
        keep[r] = False
        pending[i] = g
        pend_channel[i] = channel[r]
        pend_price[i] = p
        pend_ref[i] = ref[r] if tag[r] != TAG_GROUP else -1
        next_member[i] = g_head[g]
        g_head[g] = i
        g_members[g] += 1
        joiners[nj] = i
        nj += 1
    return keep, joiners[:nj], n_groups


@njit(cache=True)
def resolve_groups(open_ids, day, size, window, pending, next_member, g_open, g_close, g_members, g_status, g_head):
    """Close groups that are full (success) or past their deadline (failure).

    Returns (completed members int64, still-open group ids int64).
    """
    done = np.empty(0, np.int64)
    total = 0
    for g in open_ids:
        if g_members[g] >= size:
            total += g_members[g]
    done = np.empty(total, np.int64)
    d = 0
    still = np.empty(open_ids.shape[0], np.int64)
    s = 0
    for g in open_ids:
        if g_members[g] >= size or day >= g_open[g] + window:
            ok = g_members[g] >= size
            g_status[g] = SUCCESS if ok else FAILED
            g_close[g] = day
            i = g_head[g]
            while i >= 0:
                if ok:
                    done[d] = i
                    d += 1
                pending[i] = -1
                i = next_member[i]
        else:
            still[s] = g
            s += 1
    return done[:d], still[:s]


@njit(cache=True)
def route_day(buyer, channel, price, ref, tag, day, key, initiate_prob, group_factor, size, window,
              pending, pend_channel, pend_price, pend_ref, next_member,
              g_open, g_close, g_members, g_status, g_head, n_groups, open_ids):
    """A day's group-buy routing in one call: ``route_groups``, then ``resolve_groups`` over the groups open
    before (``open_ids``, increasing) and those opened today (ids ``n_groups`` up, increasing after them).

    Returns (keep mask, today's joiners still pending after the resolution — they invite tomorrow —,
    new n_groups, completed members, ids of the groups still open).
    """
    opened = n_groups
    keep, joiners, n_groups = route_groups(buyer, channel, price, ref, tag, day, key, initiate_prob, group_factor,
                                           pending, pend_channel, pend_price, pend_ref, next_member,
                                           g_open, g_close, g_members, g_status, g_head, n_groups)
    k = open_ids.shape[0]
    ids = np.empty(k + n_groups - opened, np.int64)
    for j in range(k):
        ids[j] = open_ids[j]
    for g in range(opened, n_groups):
        ids[k + g - opened] = g
    done, still = resolve_groups(ids, day, size, window, pending, next_member, g_open, g_close, g_members, g_status,
                                 g_head)
    m = 0
    for j in range(joiners.shape[0]):
        if pending[joiners[j]] >= 0:
            joiners[m] = joiners[j]
            m += 1
    return keep, joiners[:m], n_groups, done, still


@njit(cache=True)
def group_invites(joiners, indptr, indices, pending, w):
    """The invitations of yesterday's ``joiners`` still in a group: every out-arc e of each (in order, arcs in CSR
    order). Returns (heads int32, tie strength ``w[e]``, arcs int64, the inviter's group int64)."""
    total = 0
    for i in joiners:
        if pending[i] >= 0:
            total += indptr[i + 1] - indptr[i]
    heads = np.empty(total, np.int32)
    strength = np.empty(total)
    arcs = np.empty(total, np.int64)
    groups = np.empty(total, np.int64)
    k = 0
    for i in joiners:
        g = pending[i]
        if g < 0:
            continue
        for e in range(indptr[i], indptr[i + 1]):
            heads[k] = indices[e]
            strength[k] = w[e]
            arcs[k] = e
            groups[k] = g
            k += 1
    return heads, strength, arcs, groups


@njit(cache=True)
def bargain_help(bargainers, indptr, indices, w, key, b, help_prob):
    """Friends asked by ``bargainers``: out-arc e helps iff ``uniform(key, BARGAIN, e, b) < help_prob``. Returns the
    helping arcs (heads int32, tie strength, arcs int64, in order) and each bargainer's number of helpers (int64)."""
    total = arc_total(bargainers, indptr)
    heads = np.empty(total, np.int32)
    strength = np.empty(total)
    arcs = np.empty(total, np.int64)
    helpers = np.zeros(bargainers.shape[0], np.int64)
    k = 0
    for j in range(bargainers.shape[0]):
        i = bargainers[j]
        for e in range(indptr[i], indptr[i + 1]):
            if uniform(key, BARGAIN, e, b) < help_prob:
                heads[k] = indices[e]
                strength[k] = w[e]
                arcs[k] = e
                helpers[j] += 1
                k += 1
    return heads[:k], strength[:k], arcs[:k], helpers


@njit(cache=True)
def bargain_starters(interested, pending, bought, prob, key, b):
    """The ``interested`` people (distinct ids) who start a bargain: not pending, not bought and
    ``uniform(key, BARGAIN, i, b) < prob``; sorted (int64)."""
    out = np.empty(interested.shape[0], np.int64)
    k = 0
    for j in range(interested.shape[0]):
        i = interested[j]
        if pending[i] < 0 and not bought[i] and uniform(key, BARGAIN, i, b) < prob:
            out[k] = i
            k += 1
    return sorted_unique(out[:k])


class EventOperation(Operation):
    """Runtime of the event-driven model for one run."""

    name = "event"
    label = "event-driven (campaigns, flash sales, coupons, 拼团, 砍价)"
    config = EventConfig
    reference = EventReference
    payments = {"event_setup": "event_spend", "event_targeting": "event_spend"}
    channels = ("event",)
    metrics = {"groupbuy_success_rate": math.nan, "groups_opened": 0.0}
    all_on = {"enabled": True, "coupon.enabled": True}

    def __init__(self, cfg: EventConfig, engine):
        super().__init__(cfg, engine)
        n = engine.n
        self.channel = engine.channel("event")
        self.coupon = np.zeros(n)  # value of the coupon each person holds (currency); the engine's row at set-up
        self.stock_left = cfg.flash_sale.stock if cfg.flash_sale.stock > 0 else -1
        self.flash_days = set(cfg.flash_sale.days) if cfg.flash_sale.enabled else set()
        self.pend_channel = np.zeros(n, np.int8)
        self.pend_price = np.zeros(n)
        self.pend_ref = np.full(n, -1, np.int64)
        self.next_member = np.full(n, -1, np.int64)
        cap = max(16, n // 8)
        self.g_open = np.zeros(cap, np.int64)
        self.g_close = np.zeros(cap, np.int64)
        self.g_members = np.zeros(cap, np.int64)
        self.g_status = np.zeros(cap, np.int64)
        self.g_head = np.zeros(cap, np.int64)
        self.n_groups = 0
        self.open_ids = np.empty(0, np.int64)
        self.joiners = np.empty(0, np.int64)  # joined yesterday: invite today
        self.bargainers = np.empty(0, np.int64)  # started yesterday: ask friends today
        pop = engine.pop
        # each targeted sub-block's platform (index) and who it may reach: the target's people among its members
        self.platform = {sub: layer_index(engine.scenario, getattr(cfg, sub).platform) for sub in TARGETED}
        self.eligible = {sub: engine.layers[self.platform[sub]].within(
            eligible(getattr(cfg, sub).target, pop.segment, pop.names, pop.interest)) for sub in TARGETED}

    def price_reduction(self, row: np.ndarray) -> None:
        self.coupon = row  # a coupon held lowers the price its holder sees

    # -- price rules -------------------------------------------------------------------
    def _flash(self, day: int) -> bool:
        return day in self.flash_days and self.stock_left != 0

    def price_multiplier(self, day: int) -> float:
        c = self.cfg
        m = 1.0
        if c.campaign.enabled and c.campaign.active(day):
            m *= 1.0 - c.campaign.discount
        if self._flash(day):
            m *= 1.0 - c.flash_sale.discount
        return m

    # -- costs -------------------------------------------------------------------------
    def setup_cost(self, day: int) -> float:
        """Set-up costs of the event programmes booked on ``day`` (currency)."""
        c = self.cfg
        due = self.__dict__.get("_due")  # day -> programmes' set-up costs, summed in this order (built once)
        if due is None:
            due = self._due = {}
            for b, first in [(c.campaign, c.campaign.start_day), (c.coupon, c.coupon.start_day), (c.groupbuy, 1),
                             (c.bargain, 1)]:
                if b.enabled:
                    due[first] = due.get(first, 0) + b.setup_cost
        cost = due.get(day, 0)
        if day in self.flash_days:
            cost += c.flash_sale.setup_cost
        return cost

    # -- exposures ---------------------------------------------------------------------
    def _pay_targeted(self, day: int, sub: str, delivered: int) -> None:
        """Book the per-exposure fee of sub-block ``sub``'s target for ``delivered`` exposures."""
        fee = getattr(self.cfg, sub).target.cost_per_exposure
        if fee > 0 and delivered:
            self.engine.pay(day, "event_targeting", -1, fee * delivered)

    def exposures(self, day: int) -> list[Batch]:
        c, eng = self.cfg, self.engine
        key, n, price = eng.key, eng.n, eng.price_today
        out: list[Batch] = []
        cost = self.setup_cost(day)
        if cost > 0:
            eng.pay(day, "event_setup", -1, cost)
        if c.campaign.enabled and c.campaign.active(day):
            people = keep(skip_sample(key, EVENT, 4 * day, n, c.campaign.reach), self.eligible["campaign"])
            self._pay_targeted(day, "campaign", len(people))
            out.append(Batch.per_person(self.channel, EVALUATE, people, c.campaign.strength, price, 16 * day + SLOT_CAMPAIGN,
                                        platform=self.platform["campaign"]))
        if self._flash(day):
            people = keep(skip_sample(key, EVENT, 4 * day + 1, n, c.flash_sale.reach), self.eligible["flash_sale"])
            self._pay_targeted(day, "flash_sale", len(people))
            out.append(Batch.per_person(self.channel, EVALUATE, people, c.flash_sale.strength, price, 16 * day + SLOT_FLASH,
                                        platform=self.platform["flash_sale"]))
        if c.coupon.enabled and c.coupon.active(day):
            people = keep(skip_sample(key, EVENT, 4 * day + 2, n, c.coupon.reach), self.eligible["coupon"])
            people = coupon_takers(people, self.coupon, eng.bought, eng.pending, eng.cand_day, day, c.coupon.value)
            self._pay_targeted(day, "coupon", len(people))
            out.append(Batch.per_person(self.channel, EVALUATE, people, c.coupon.strength, price, 16 * day + SLOT_COUPON,
                                        platform=self.platform["coupon"]))
        if len(self.joiners):
            threads = parallel.arc_threads(len(self.joiners), eng.graph.indices, n)
            invites = parallel.group_invites if threads > 1 else group_invites
            heads, strength, arcs, groups = invites(self.joiners, eng.graph.indptr, eng.graph.indices, eng.pending,
                                                    eng.w)
            eng.mark("shared", self.joiners)
            gprice = price * (1.0 - c.groupbuy.discount)
            out.append(Batch(self.channel, GROUP, heads, strength, filled(len(arcs), gprice), arcs,
                             filled(len(arcs), 2 * day, np.int64), groups, TAG_GROUP))
        if len(self.bargainers):
            b = self.bargainers
            heads, strength, arcs, helpers = bargain_help(b, eng.graph.indptr, eng.graph.indices, eng.w, key, 3 * day,
                                                          c.bargain.help_prob)
            eng.mark("shared", b)
            h = len(arcs)
            out.append(Batch(self.channel, BARGAIN, heads, strength, filled(h, price),
                             arcs, filled(h, 3 * day + 1, np.int64), filled(h, -1, np.int64)))
            cut = np.maximum(c.bargain.floor, price - c.bargain.step * helpers)
            cut = np.minimum(cut, price)
            out.append(Batch(self.channel, EVALUATE, b.astype(np.int32), filled(len(b), c.bargain.strength), cut, b,
                             filled(len(b), 16 * day + SLOT_BARGAIN, np.int64), filled(len(b), -1, np.int64),
                             TAG_BARGAIN))
            self.bargainers = np.empty(0, np.int64)
        self.joiners = np.empty(0, np.int64)
        return out

    # -- purchases ---------------------------------------------------------------------
    def _grow(self, need: int) -> None:
        cap = len(self.g_open)
        if self.n_groups + need <= cap:
            return
        new = max(2 * cap, self.n_groups + need)
        for name in ("g_open", "g_close", "g_members", "g_status", "g_head"):
            arr = getattr(self, name)
            grown = np.zeros(new, arr.dtype)
            grown[:cap] = arr
            setattr(self, name, grown)

    def route(self, day: int, purchases: Purchases) -> Purchases:
        c, eng = self.cfg, self.engine
        if c.groupbuy.enabled:
            self._grow(len(purchases["buyer"]))
            # joiners join open groups (already listed) or the groups opened today (ids from the old count up, each
            # with its initiator among the joiners): the sorted union of the two is the list extended
            keep, self.joiners, self.n_groups, done, self.open_ids = route_day(
                purchases["buyer"], purchases["channel"], purchases["price"], purchases["ref"], purchases["tag"],
                day, eng.key, c.groupbuy.initiate_prob, 1.0 - c.groupbuy.discount, c.groupbuy.size,
                c.groupbuy.window_days, eng.pending, self.pend_channel, self.pend_price, self.pend_ref,
                self.next_member, self.g_open, self.g_close, self.g_members, self.g_status, self.g_head, self.n_groups,
                self.open_ids)
            if len(keep) and not keep.all():
                purchases = select(purchases, keep)
            if len(done):
                done = np.sort(done)
                purchases = concat_purchases(purchases, {
                    "buyer": done, "channel": self.pend_channel[done], "price": self.pend_price[done],
                    "ref": self.pend_ref[done], "tag": filled(len(done), TAG_GROUP, np.int8)})
        if day in self.flash_days and self.stock_left > 0:
            # completed group-buys keep the price fixed when their group opened and use no stock
            today = np.flatnonzero(purchases["tag"] != TAG_GROUP)
            over = today[self.stock_left:]
            if len(over):
                purchases["price"] = purchases["price"].copy()
                purchases["price"][over] /= 1.0 - c.flash_sale.discount
            self.stock_left = max(0, self.stock_left - len(today))
        return purchases

    def redeem(self, day: int, purchases: Purchases, left: np.ndarray) -> np.ndarray:
        buyers = purchases["buyer"]
        redeemed = np.minimum(self.coupon[buyers], left)
        self.coupon[buyers[redeemed > 0]] = 0.0
        return redeemed

    def after_day(self, day: int, interested_today: np.ndarray) -> None:
        c, eng = self.cfg, self.engine
        if c.bargain.enabled and len(interested_today):
            self.bargainers = bargain_starters(interested_today, eng.pending, eng.bought, c.bargain.start_prob, eng.key,
                                               3 * day + 2)

    def group_records(self) -> dict[str, np.ndarray]:
        """Per-group records: open_day, close_day (-1 while open), members, status (0 open, 1 success, 2 failed)."""
        k = self.n_groups
        return {"open_day": self.g_open[:k].copy(), "close_day": self.g_close[:k].copy(),
                "members": self.g_members[:k].copy(), "status": self.g_status[:k].copy()}

    def records(self) -> dict[str, dict[str, np.ndarray]]:
        return {"groups": self.group_records()}

    @classmethod
    def empty_records(cls) -> dict[str, dict[str, np.ndarray]]:
        return {"groups": {k: np.empty(0, np.int64) for k in ("open_day", "close_day", "members", "status")}}

    def summary(self) -> dict[str, float]:
        return group_summary(self.g_status[: self.n_groups])


def group_summary(status: np.ndarray) -> dict[str, float]:
    """``groupbuy_success_rate`` = successful / closed groups (NaN if none closed) and ``groups_opened``."""
    closed = int(np.count_nonzero(status > 0))
    rate = float(np.count_nonzero(status == SUCCESS)) / closed if closed else math.nan
    return {"groupbuy_success_rate": rate, "groups_opened": float(len(status))}


#: This module's model (``simulation.operations.MODULES``).
OPERATION = EventOperation
