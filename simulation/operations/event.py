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
from ..kernels.funnel import TAG_BARGAIN, TAG_GROUP, arc_total, coupon_takers, mark, skip_sample, sorted_unique
from ..kernels.random import BARGAIN, EVALUATE, EVENT, GROUP, uniform
from ..platforms import layer_index
from ..targeting import TargetConfig, eligible, keep
from .event_reference import EventReference
from .base import Batch, Operation, Purchases
from .per_run import PersonBatch, Row, days_on

SLOT_CAMPAIGN, SLOT_FLASH, SLOT_COUPON, SLOT_BARGAIN = 3, 4, 5, 6
#: Sub-blocks with a ``target`` block (``simulation.targeting``).
TARGETED = ("campaign", "flash_sale", "coupon")
OPEN, SUCCESS, FAILED = 0, 1, 2
_NOBODY = np.empty(0, np.int64)  # no joiner / bargainer waiting (shared: only read)


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


@njit(cache=True)
def route_table(buyer, channel, price, ref, tag, day, key, initiate_prob, group_factor, size, window,
                pending, pend_channel, pend_price, pend_ref, next_member,
                g_open, g_close, g_members, g_status, g_head, open_ids, joiners, state):
    """``route_day`` and the purchase table it leaves, in one call: the rows it keeps (in order), then the members
    of the groups completed today (sorted ids) at their pending channel, group price and ref, tag TAG_GROUP.

    ``state`` int64 [groups so far, groups open, joiners] with ``open_ids[:state[1]]`` the open groups
    (increasing) before the day and after it, and ``joiners[:state[2]]`` today's joiners still pending (they
    invite tomorrow), written here (``open_ids`` has the group arrays' room, ``joiners`` room for every row).
    Returns the table's columns buyer, channel, price, ref, tag (of the input's dtypes); the other arguments are
    ``route_day``'s.
    """
    keep, joined, n_groups, done, still = route_day(buyer, channel, price, ref, tag, day, key, initiate_prob,
                                                    group_factor, size, window, pending, pend_channel, pend_price,
                                                    pend_ref, next_member, g_open, g_close, g_members, g_status,
                                                    g_head, state[0], open_ids[: state[1]])
    state[0] = n_groups
    state[1] = still.shape[0]
    for j in range(still.shape[0]):
        open_ids[j] = still[j]
    state[2] = joined.shape[0]
    for j in range(joined.shape[0]):
        joiners[j] = joined[j]
    done = sorted_unique(done)  # distinct ids: a person is pending in one group at a time
    kept = 0
    for r in range(keep.shape[0]):
        if keep[r]:
            kept += 1
    total = kept + done.shape[0]
    o_buyer = np.empty(total, buyer.dtype)
    o_channel = np.empty(total, channel.dtype)
    o_price = np.empty(total, price.dtype)
    o_ref = np.empty(total, ref.dtype)
    o_tag = np.empty(total, tag.dtype)
    m = 0
    for r in range(keep.shape[0]):
        if keep[r]:
            o_buyer[m] = buyer[r]
            o_channel[m] = channel[r]
            o_price[m] = price[r]
            o_ref[m] = ref[r]
            o_tag[m] = tag[r]
            m += 1
    for i in done:
        o_buyer[m] = i
        o_channel[m] = pend_channel[i]
        o_price[m] = pend_price[i]
        o_ref[m] = pend_ref[i]
        o_tag[m] = TAG_GROUP
        m += 1
    return o_buyer, o_channel, o_price, o_ref, o_tag


@njit(cache=True)
def bargain_day(bargainers, indptr, indices, w, key, b, help_prob, price, step, floor, shared, cut, ids):
    """``bargain_help`` and what the bargainers then see, the bargainers marked ``shared`` (they asked their friends).

    Writes each bargainer j's price ``min(price, max(floor, price - step * helpers))`` (currency) to ``cut[j]`` and
    its id to ``ids[j]`` (int32; both with room for the bargainers); returns the helping arcs (heads int32, tie
    strength, arcs int64) and how many bargainers were newly marked.
    """
    heads, strength, arcs, helpers = bargain_help(bargainers, indptr, indices, w, key, b, help_prob)
    for j in range(bargainers.shape[0]):
        c = price - step * helpers[j]
        if c < floor:
            c = floor
        if c > price:
            c = price
        cut[j] = c
        ids[j] = bargainers[j]
    return heads, strength, arcs, mark(shared, bargainers)


@njit(cache=True)
def coupon_day(key, b, n, reach, allowed, coupon, bought, pending, cand_day, day, value):
    """The day's coupons: ``skip_sample(key, EVENT, b, n, reach)``, kept to ``allowed`` (bool (n,); length 0:
    everybody), then ``coupon_takers`` (who receives one: coupons of ``value`` handed out). Returns them (int64)."""
    people = skip_sample(key, EVENT, b, n, reach)
    if allowed.shape[0]:
        k = 0
        for j in range(people.shape[0]):
            if allowed[people[j]]:
                people[k] = people[j]
                k += 1
        people = people[:k]
    return coupon_takers(people, coupon, bought, pending, cand_day, day, value)


@njit(cache=True)
def redeem_coupons(buyers, coupon, left):
    """Per purchase the coupon its buyer holds, at most ``left`` (currency: ``np.minimum(coupon[buyers], left)``);
    the coupons redeemed (> 0) are used up (set to 0) after all are read."""
    k = buyers.shape[0]
    out = np.empty(k)
    for r in range(k):
        c = coupon[buyers[r]]
        out[r] = c if c < left[r] else left[r]  # both >= +0.0 (prices, coupon values): no NaN, no signed zero
    for r in range(k):
        if out[r] > 0:
            coupon[buyers[r]] = 0.0
    return out


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
        self._open = np.zeros(cap, np.int64)  # the open groups' ids: the first ``_state[1]``, increasing
        self._joined = np.empty(0, np.int64)  # today's joiners: the first ``_state[2]`` (route_table)
        self._state = np.zeros(3, np.int64)  # groups opened so far, groups open, joiners
        self.joiners = _NOBODY  # joined yesterday: invite today
        self.bargainers = np.empty(0, np.int64)  # started yesterday: ask friends today
        pop = engine.pop
        # each targeted sub-block's platform (index) and who it may reach: the target's people among its members
        self.platform = {sub: layer_index(engine.scenario, getattr(cfg, sub).platform) for sub in TARGETED}
        self.eligible = {sub: engine.layers[self.platform[sub]].within(
            eligible(getattr(cfg, sub).target, pop.segment, pop.names, pop.interest)) for sub in TARGETED}
        self.fee = {sub: getattr(cfg, sub).target.cost_per_exposure for sub in TARGETED}
        allowed = self.eligible["coupon"]
        self._coupon_allowed = np.empty(0, np.bool_) if allowed is None else allowed  # coupon_day's form of it
        # what each day does, by day (the run's days are known at set-up): set-up costs, windows, price factors
        days = engine.days
        self._cost = [self._setup_cost(d) for d in range(days + 1)]
        self._campaign_on = days_on(lambda d: cfg.campaign.enabled and cfg.campaign.active(d), days)
        self._coupon_on = days_on(lambda d: cfg.coupon.enabled and cfg.coupon.active(d), days)
        self._flash_day = days_on(lambda d: d in self.flash_days, days)
        self._campaign_mult = [1.0 * (1.0 - cfg.campaign.discount) if on else 1.0 for on in self._campaign_on]
        # the batches' constant rows (one maker per batch of a day)
        self._ads = {sub: PersonBatch(self.channel, EVALUATE) for sub in TARGETED}
        self._bargain_eval = PersonBatch(self.channel, EVALUATE, TAG_BARGAIN)
        self._rows = {name: Row(np.int64 if name in ("invite_b", "help_b", "help_ref") else np.float64)
                      for name in ("invite_price", "invite_b", "help_price", "help_b", "help_ref")}
        self._no_redeem = None  # the zeros redeem returns while nobody holds a coupon (reused)
        self._group = 1.0 - cfg.groupbuy.discount  # the group price's factor of today's price
        self._cut, self._ids = np.empty(0), np.empty(0, np.int32)  # the bargainers' prices and ids (bargain_day)
        g, gb = engine.graph, cfg.groupbuy
        # the kernels' arguments that stay the same all run (arrays filled in place), gathered once
        self._route_rules = (gb.initiate_prob, 1.0 - gb.discount, gb.size, gb.window_days)
        self._route_state()
        self.price_reduction(self.coupon)  # (coupon_day's arguments; the engine hands its row at set-up)
        self._arcs = (g.indptr, g.indices)

    def _route_state(self) -> None:
        """Gather ``route_table``'s state arguments (again after ``_grow`` replaced an array)."""
        self._route_args = (self.engine.pending, self.pend_channel, self.pend_price, self.pend_ref, self.next_member,
                            self.g_open, self.g_close, self.g_members, self.g_status, self.g_head, self._open,
                            self._joined, self._state)

    def price_reduction(self, row: np.ndarray) -> None:
        self.coupon = row  # a coupon held lowers the price its holder sees
        eng = self.engine
        self._coupon_args = (self._coupon_allowed, row, eng.bought, eng.pending, eng.cand_day)

    # -- price rules -------------------------------------------------------------------
    def _flash(self, day: int) -> bool:
        return day in self.flash_days and self.stock_left != 0

    def price_multiplier(self, day: int) -> float:
        """The campaign's and the flash sale's factors of ``day`` (1.0 on a day without either)."""
        m = self._campaign_mult[day]
        if self._flash_day[day] and self.stock_left != 0:
            m *= 1.0 - self.cfg.flash_sale.discount
        return m

    # -- costs -------------------------------------------------------------------------
    def setup_cost(self, day: int) -> float:
        """Set-up costs of the event programmes booked on ``day`` (currency)."""
        return self._cost[day] if 0 <= day < len(self._cost) else self._setup_cost(day)

    def _setup_cost(self, day: int) -> float:
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
    def _targeted(self, day: int, sub: str, people: np.ndarray, strength: float, slot: int) -> Batch:
        """Sub-block ``sub``'s batch of ``people`` (its target's fee booked for each) at counter 16 day + ``slot``."""
        fee = self.fee[sub]
        if fee > 0 and len(people):
            self.engine.pay(day, "event_targeting", -1, fee * len(people))
        return self._ads[sub](people, strength, self.engine.price_today, 16 * day + slot, self.platform[sub])

    def exposures(self, day: int) -> list[Batch]:
        """The day's campaign, flash-sale and coupon batches, yesterday's joiners' group invitations, yesterday's
        bargainers' help and their re-evaluation, in this order (set-up costs and fees booked); ``[]`` on a day
        without any of them."""
        c, eng = self.cfg, self.engine
        key, n = eng.key, eng.n
        out: list[Batch] = []
        cost = self._cost[day]
        if cost > 0:
            eng.pay(day, "event_setup", -1, cost)
        if self._campaign_on[day]:
            people = keep(skip_sample(key, EVENT, 4 * day, n, c.campaign.reach), self.eligible["campaign"])
            out.append(self._targeted(day, "campaign", people, c.campaign.strength, SLOT_CAMPAIGN))
        if self._flash_day[day] and self.stock_left != 0:
            people = keep(skip_sample(key, EVENT, 4 * day + 1, n, c.flash_sale.reach), self.eligible["flash_sale"])
            out.append(self._targeted(day, "flash_sale", people, c.flash_sale.strength, SLOT_FLASH))
        if self._coupon_on[day]:
            cp = c.coupon
            people = coupon_day(key, 4 * day + 2, n, cp.reach, *self._coupon_args, day, cp.value)
            out.append(self._targeted(day, "coupon", people, cp.strength, SLOT_COUPON))
        price = eng.price_today
        if len(self.joiners):
            indptr, indices = self._arcs
            # below MIN_PEOPLE threads_for is 1 whatever the size: no call to ask
            threads = parallel.arc_threads(len(self.joiners), indices, n) if n >= parallel.MIN_PEOPLE else 1
            invites = parallel.group_invites if threads > 1 else group_invites
            heads, strength, arcs, groups = invites(self.joiners, indptr, indices, eng.pending, eng.w)
            eng.marked["shared"] += mark(eng.shared, self.joiners)  # ``Engine.mark`` without its conversions
            h, rows = len(arcs), self._rows
            out.append(Batch(self.channel, GROUP, heads, strength, rows["invite_price"].of(h, price * self._group),
                             arcs, rows["invite_b"].of(h, 2 * day), groups, TAG_GROUP))
            self.joiners = _NOBODY
        if len(self.bargainers):
            b, rows, bg = self.bargainers, self._rows, c.bargain
            k = len(b)
            if len(self._cut) < k:
                self._cut, self._ids = np.empty(2 * k), np.empty(2 * k, np.int32)
            heads, strength, arcs, marked = bargain_day(b, *self._arcs, eng.w, key, 3 * day, bg.help_prob, price,
                                                        bg.step, bg.floor, eng.shared, self._cut, self._ids)
            eng.marked["shared"] += marked  # (``Engine.mark``'s count, the marks set by the kernel)
            h = len(arcs)
            out.append(Batch(self.channel, BARGAIN, heads, strength, rows["help_price"].of(h, price), arcs,
                             rows["help_b"].of(h, 3 * day + 1), rows["help_ref"].of(h, -1)))
            e = self._bargain_eval
            out.append(Batch(self.channel, EVALUATE, self._ids[:k], e.strength.of(k, bg.strength), self._cut[:k], b,
                             e.b.of(k, 16 * day + SLOT_BARGAIN), e.ref.of(k, -1), TAG_BARGAIN))
            self.bargainers = _NOBODY
        return out

    # -- purchases ---------------------------------------------------------------------
    @property
    def n_groups(self) -> int:
        """Groups opened so far (ids 0 .. n_groups - 1)."""
        return int(self._state[0])

    def _grow(self, need: int) -> None:
        """Room for ``need`` more groups and joiners."""
        if len(self._joined) < need:
            self._joined = np.empty(max(need, 2 * len(self._joined), 16), np.int64)
            self._route_state()
        cap = len(self.g_open)
        if self.n_groups + need <= cap:
            return
        new = max(2 * cap, self.n_groups + need)
        for name in ("g_open", "g_close", "g_members", "g_status", "g_head", "_open"):
            arr = getattr(self, name)
            grown = np.zeros(new, arr.dtype)
            grown[:cap] = arr
            setattr(self, name, grown)
        self._route_state()

    def route(self, day: int, purchases: Purchases) -> Purchases:
        """Group-buy routing (every day while group-buy is on: deadlines pass on days without purchases), then the
        flash sale's stock on a sale day; ``purchases`` itself when neither applies."""
        c = self.cfg
        if c.groupbuy.enabled:
            self._grow(len(purchases["buyer"]))
            # joiners join open groups (already listed) or the groups opened today (ids from the old count up, each
            # with its initiator among the joiners): the sorted union of the two is the list extended
            buyer, channel, price, ref, tag = route_table(
                purchases["buyer"], purchases["channel"], purchases["price"], purchases["ref"], purchases["tag"],
                day, self.engine.key, *self._route_rules, *self._route_args)
            purchases = {"buyer": buyer, "channel": channel, "price": price, "ref": ref, "tag": tag}
            # a view, read by tomorrow's exposures before the next route writes the buffer again
            self.joiners = self._joined[: self._state[2]]
        if self.stock_left > 0 and self._flash_day[day]:
            # completed group-buys keep the price fixed when their group opened and use no stock
            today = np.flatnonzero(purchases["tag"] != TAG_GROUP)
            over = today[self.stock_left:]
            if len(over):
                purchases["price"] = purchases["price"].copy()
                purchases["price"][over] /= 1.0 - c.flash_sale.discount
            self.stock_left = max(0, self.stock_left - len(today))
        return purchases

    def redeem(self, day: int, purchases: Purchases, left: np.ndarray) -> np.ndarray:
        """The coupons the buyers hold, at most ``left`` (redeemed coupons are used up); zeros while coupons are
        off."""
        if not self.cfg.coupon.enabled:
            k = len(left)
            z = self._no_redeem
            if z is None or len(z) < k:
                z = self._no_redeem = np.zeros(max(k, 64))
            return z[:k]
        return redeem_coupons(purchases["buyer"], self.coupon, left)

    def after_day(self, day: int, interested_today: np.ndarray) -> None:
        """Today's bargain starters among ``interested_today`` (they ask friends tomorrow); nothing while bargains
        are off or nobody became interested."""
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
