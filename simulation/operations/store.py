"""Offline stores and O2O: store visits that fall with distance, offline events, in-store coupons, a brand community.

Layout (set-up, from the run's Generator ``engine.rng("store")``, in this order). People
live in the unit square: ``people = "uniform"`` draws each location uniformly;
``"clustered"`` draws ``clusters`` centres uniformly, gives each person a centre
uniformly at random and adds a normal offset of standard deviation ``cluster_spread``
to each coordinate, clipped to [0, 1] (towns and their suburbs). Locations are drawn
independently of the social graph. Stores sit at the coordinates ``stores`` lists or,
when that list is empty, at the locations of ``store_count`` people drawn uniformly
without replacement (stores follow where people live, as retailers site them).

Visits. With ``d_is`` the Euclidean distance from person i to store s, person i's base
visit probability per open day is

    q_i = visit_rate * exp(-min_s d_is / distance_scale)            (visit_rule = "nearest")
    q_i = min(1, visit_rate * sum_s exp(-d_is / distance_scale))    (visit_rule = "gravity")

and the visit goes to the nearest store (its readouts). On day t in the store window
``[start_day, end_day]`` person i visits with probability ``p_it = min(1, q_i * E_t *
C_i)``: ``E_t`` is the product of ``visit_multiplier`` of the offline events (``events``:
a launch, an experience day) whose window holds t (1 on other days) and ``C_i =
coupon.visit_multiplier`` while i holds an O2O coupon (else 1). People without a coupon
are drawn in O(visits), not O(n), by thinning nested candidates: with ``c0 = min(1,
max_i q_i)`` and the day's cap ``c_t = max(c0, min(1, max_i q_i * E_t))``, the
candidates are the people picked at rate c0 (geometric skipping on STORE, b = 16t) plus,
when c_t > c0, those picked at rate (c_t - c0) / (1 - c0) (b = 16t + 7), so each person
is a candidate with probability c_t; a candidate visits iff ``uniform(key, STORE, i, 16t
+ 6) < p_it / c_t``. A coupon holder visits iff ``uniform(key, STORE, i, 16t + 8) <
p_it``. So a visit has probability p_it; an event (E_t > 1) only adds visitors to the
day without it (the same people visit, plus more; exact while no probability reaches 1)
and coupons change only their holders' visits (common random numbers across scenarios).
Every visitor is exposed (phase 1d) with strength ``min(1, store_strength * S_t)``
(``S_t`` the product of the active events' ``strength_multiplier``) at the day's price,
draw ``uniform(key, STORE, i, 16t + 1)``, ``ref`` = the store's index; like any exposure
it moves only people who have not bought, are not pending and are active today
(``activity_i``). The channel is ``store``, or ``o2o`` for a coupon holder, who sees the
price less the coupon's ``value`` (at least 0).

O2O links.
(a) *Online coupon redeemable in store* (``coupon``): each day of its window every person
    who holds none, has not bought, is not pending and has not converted earlier today
    receives one with probability
    ``reach`` (geometric skipping on STORE, b = 16t + 3). It is not an exposure: it raises
    the holder's visits by ``visit_multiplier`` and, in store, takes ``value`` off the
    price (booked as ``discount_cost``: the purchase's price already holds it). A
    holder's coupon is used by a purchase in store (counted ``o2o_redeemed``) and lapses
    when the holder buys through any channel (a new-customer coupon).
(b) *Brand community* (``community``): a visitor who is not a member joins with
    probability ``join_prob`` (draw ``uniform(key, STORE, i, 16t + 2)``). The content
    model (``operations.content``) reaches people uniformly at random and has no
    audience to add members to, so the community is this model's own: on posting days
    of the community window (``posts_per_week``, the KOL schedule rule) the brand posts
    to its members as they were at the start of the day, reaching each with
    probability ``post_reach`` (geometric skipping on STORE, b = 16t + 4; channel ``o2o``,
    strength ``post_strength``, draw ``uniform(key, STORE, i, 16t + 5)``, ``ref`` -1),
    and a member's share propensity is multiplied by ``member_share_factor`` (a member
    talks about the brand more; 1 = neutral).

Order of the day's batches: community posts, then store visits (coupons are handed out
before visits are drawn, so today's coupon already raises today's visit).

Costs (``store_spend``): ``cost_per_store_day`` per store on each open day (kind
``store_operation``), each event's ``cost`` on its ``start_day`` (``store_event``), and
``post_cost`` per community post (``store_community_post``). Attribution channels
``store`` (in-store purchases without a coupon) and ``o2o`` (in-store purchases with a
coupon, and purchases off community posts). Readouts: summary ``store_visits``,
``store_visitors`` (distinct people), ``store_purchases`` (purchases off a store visit)
and ``store_revenue`` (what they paid), ``online_purchases`` (every other purchase of the
run, seeds and repeat purchases included; NaN when the model is off: nothing is
separated), ``o2o_coupons`` (handed out), ``o2o_redeemed``, ``o2o_members``; daily ``store_visits``
and ``store_purchases``; record table ``stores`` (x, y, visits, purchases, members who
joined there).
"""
from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from numba import njit
from pydantic import Field, model_validator

from ..config.base import Label, Money, Probability, Strict, Window
from ..kernels.funnel import coupon_takers, pick_below, skip_sample
from ..kernels.random import STORE, uniform
from ..kol import posts_on
from .base import Batch, Operation, Purchases
from .per_run import days_on
from .store_reference import StoreReference

#: A coordinate of the unit square.
Coordinate = Annotated[float, Field(ge=0.0, le=1.0, strict=True)]

# the STORE stream's counter b = 16t + k, one k per decision
K_VISIT, K_EVALUATE, K_JOIN, K_COUPON, K_POST_REACH, K_POST_EVALUATE, K_VISIT_ACCEPT, K_VISIT_EXTRA, K_HOLDER = range(9)


class OfflineEventConfig(Window):
    """An offline event (launch, experience day) in ``[start_day, end_day]``."""

    name: Label = "event"
    visit_multiplier: float = Field(3.0, ge=0.0)  # factor of every visit probability during the event
    strength_multiplier: float = Field(1.0, ge=0.0)  # factor of the in-store exposure strength
    cost: Money = 5000.0  # booked on start_day (store_spend)


class O2OCouponConfig(Window):
    """An online coupon redeemable only in store."""

    enabled: bool = False
    reach: Probability = 0.01  # probability per day that an eligible person receives one
    value: Money = 20.0  # currency off the in-store price
    visit_multiplier: float = Field(2.0, ge=0.0)  # factor of the holder's visit probability


class StoreCommunityConfig(Window):
    """Store visitors joining the brand's online community, and the brand's posts to it."""

    join_prob: Probability = 0.0  # probability that a visitor joins (0: no community)
    posts_per_week: float = Field(2.0, ge=0.0, le=7.0)
    post_reach: Probability = 0.3
    post_strength: Probability = 0.03
    post_cost: Money = 0.0
    member_share_factor: float = Field(1.0, ge=0.0)


class StoreConfig(Window):
    """Parameters of the offline-store / O2O model (stores open in ``[start_day, end_day]``)."""

    enabled: bool = False
    people: Literal["uniform", "clustered"] = "clustered"
    clusters: int = Field(8, ge=1)
    cluster_spread: float = Field(0.08, gt=0.0)
    stores: list[tuple[Coordinate, Coordinate]] = Field(default_factory=list)
    store_count: int = Field(3, ge=1)  # used when ``stores`` is empty
    visit_rule: Literal["nearest", "gravity"] = "nearest"
    visit_rate: Probability = 0.01  # visit probability per day at distance 0
    distance_scale: float = Field(0.1, gt=0.0)  # distance (unit square) over which visits fall by e
    store_strength: Probability = 0.05
    cost_per_store_day: Money = 200.0
    events: list[OfflineEventConfig] = Field(default_factory=list)
    coupon: O2OCouponConfig = Field(default_factory=O2OCouponConfig)
    community: StoreCommunityConfig = Field(default_factory=StoreCommunityConfig)

    @model_validator(mode="after")
    def _stores(self):
        if self.stores and len(self.stores) != self.store_count and "store_count" in self.model_fields_set:
            raise ValueError(f"store_count {self.store_count} disagrees with the {len(self.stores)} stores listed")
        return self

    def event_factors(self, day: int) -> tuple[float, float]:
        """(visit multiplier E_t, strength multiplier S_t) of the events active on ``day``."""
        e = s = 1.0
        for ev in self.events:
            if ev.active(day):
                e *= ev.visit_multiplier
                s *= ev.strength_multiplier
        return e, s

    def event_cost(self, day: int) -> float:
        """Cost of the events starting on ``day`` (currency)."""
        return float(sum(ev.cost for ev in self.events if ev.start_day == day))


def layout(cfg: StoreConfig, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return (people's locations float64 (n, 2), stores' locations float64 (S, 2)) drawn from ``rng``."""
    if cfg.people == "uniform":
        xy = rng.random((n, 2))
    else:
        centres = rng.random((cfg.clusters, 2))
        home = rng.integers(0, cfg.clusters, n)
        xy = np.clip(centres[home] + rng.normal(0.0, cfg.cluster_spread, (n, 2)), 0.0, 1.0)
    if cfg.stores:
        return xy, np.array(cfg.stores, np.float64).reshape(-1, 2)
    if cfg.store_count > n:
        raise ValueError(f"operations.store.store_count: cannot place {cfg.store_count} stores at the homes of "
                         f"{n} people")
    return xy, xy[np.sort(rng.choice(n, cfg.store_count, replace=False))].copy()


def visit_base(cfg: StoreConfig, xy: np.ndarray, stores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (base visit probability q_i per open day, index of the nearest store) for people at ``xy``."""
    n = len(xy)
    near = np.zeros(n, np.int64)
    dmin = np.full(n, np.inf)
    pull = np.zeros(n)
    for s, (x, y) in enumerate(stores):
        d = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
        closer = d < dmin
        near[closer], dmin[closer] = s, d[closer]
        pull += np.exp(-d / cfg.distance_scale)
    if cfg.visit_rule == "nearest":
        q = cfg.visit_rate * np.exp(-dmin / cfg.distance_scale)
    else:
        q = np.minimum(1.0, cfg.visit_rate * pull)
    return q, near


@njit(cache=True)
def thin_visits(cand, base, mult, factor, cap, key, b):
    """Keep the candidates i with ``uniform(key, STORE, i, b) < min(1, base[i] * mult * factor) / cap`` (in order):
    the day's visitors among the candidates (factor 1) or among the coupon holders (the coupon's factor, cap 1)."""
    out = np.empty(cand.shape[0], np.int64)
    k = 0
    for j in range(cand.shape[0]):
        i = cand[j]
        if uniform(key, STORE, i, b) < min(1.0, base[i] * mult * factor) / cap:
            out[k] = i
            k += 1
    return out[:k]


@njit(cache=True)
def union_sorted(a, b):
    """``np.union1d(a, b)`` of two increasing runs of distinct ids (int64), by one merge pass: O(len(a) + len(b))."""
    out = np.empty(a.shape[0] + b.shape[0], np.int64)
    i = j = k = 0
    while i < a.shape[0] and j < b.shape[0]:
        if a[i] < b[j]:
            out[k] = a[i]
            i += 1
        elif b[j] < a[i]:
            out[k] = b[j]
            j += 1
        else:
            out[k] = a[i]
            i += 1
            j += 1
        k += 1
    while i < a.shape[0]:
        out[k] = a[i]
        i += 1
        k += 1
    while j < b.shape[0]:
        out[k] = b[j]
        j += 1
        k += 1
    return out[:k]


class StoreOperation(Operation):
    """Runtime of the offline-store / O2O model for one run."""

    name = "store"
    label = "offline stores and O2O"
    config = StoreConfig
    reference = StoreReference
    payments = {"store_operation": "store_spend", "store_event": "store_spend", "store_community_post": "store_spend"}
    channels = ("store", "o2o")
    metrics = {"store_visits": 0.0, "store_visitors": 0.0, "store_purchases": 0.0, "store_revenue": 0.0,
               "online_purchases": math.nan, "o2o_coupons": 0.0, "o2o_redeemed": 0.0, "o2o_members": 0.0}
    series = ("store_visits", "store_purchases")
    all_on = {"enabled": True, "coupon.enabled": True, "community.join_prob": 0.2}

    def __init__(self, cfg: StoreConfig, engine):
        super().__init__(cfg, engine)
        n = engine.n
        self.ch_store, self.ch_o2o = engine.channel("store"), engine.channel("o2o")
        self.xy, self.stores = layout(cfg, n, engine.rng("store"))
        self.base, self.nearest = visit_base(cfg, self.xy, self.stores)
        self.qmax = float(self.base.max()) if n else 0.0
        self.coupon = np.zeros(n)  # value of the O2O coupon each person holds (currency)
        self.member = np.zeros(n, bool)
        # sorted ids of coupon holders (coupon > 0) and of members, kept as they change: no scan of everyone per day
        self.holders = np.empty(0, np.int64)
        self.members = np.empty(0, np.int64)
        self.visits = np.zeros(n, np.int64)
        k = len(self.stores)
        self.store_visits = np.zeros(k, np.int64)
        self.store_purchases = np.zeros(k, np.int64)
        self.store_members = np.zeros(k, np.int64)
        self.today_visits = 0
        self.today_purchases = 0
        self.coupons = 0
        self.redeemed = 0
        self.purchases = 0  # every purchase of the run
        self.revenue = 0.0  # paid in store
        # what each day does (the run's days are known at set-up): windows, posting days, event factors and costs
        days = engine.days
        self._open = days_on(cfg.active, days)
        self._coupon_on = days_on(lambda d: cfg.coupon.enabled and cfg.coupon.active(d), days)
        cm = cfg.community
        self._posts = days_on(lambda d: cm.join_prob > 0 and cm.active(d) and posts_on(d, cm.posts_per_week), days)
        self._factors = [cfg.event_factors(d) for d in range(days + 1)]
        self._event_cost = [cfg.event_cost(d) for d in range(days + 1)]
        k = len(self.stores)
        self._op_payees, self._op_amounts = np.full(k, -1), np.full(k, cfg.cost_per_store_day)  # (pay copies them)

    def _pay_costs(self, day: int) -> None:
        c, eng = self.cfg, self.engine
        if c.cost_per_store_day > 0:
            eng.pay(day, "store_operation", self._op_payees, self._op_amounts)
        cost = self._event_cost[day]
        if cost > 0:
            eng.pay(day, "store_event", -1, cost)

    def exposures(self, day: int) -> list[Batch]:
        """The day's community post and store-visit batches (coupons handed out, costs booked); ``[]`` on a day
        without a post and with the stores closed."""
        c, eng = self.cfg, self.engine
        self.today_visits = self.today_purchases = 0
        out: list[Batch] = []
        cp, cm = c.coupon, c.community
        if self._coupon_on[day]:
            people = skip_sample(eng.key, STORE, 16 * day + K_COUPON, eng.n, cp.reach)
            # who holds none, has not bought, is not pending and has not converted today receives one
            people = coupon_takers(people, self.coupon, eng.bought, eng.pending, eng.cand_day, day, cp.value)
            if cp.value > 0 and len(people):
                self.holders = union_sorted(self.holders, people)
            self.coupons += len(people)
        if self._posts[day]:
            if cm.post_cost > 0:
                eng.pay(day, "store_community_post", -1, cm.post_cost)
            members = self.members[skip_sample(eng.key, STORE, 16 * day + K_POST_REACH, len(self.members), cm.post_reach)]
            out.append(Batch.per_person(self.ch_o2o, STORE, members, cm.post_strength, eng.price_today,
                                        16 * day + K_POST_EVALUATE))
        if not self._open[day]:
            return out
        self._pay_costs(day)
        mult, smult = self._factors[day]
        visitors = self._visitors(day, mult)
        self.visits[visitors] += 1
        self.today_visits = len(visitors)
        k = len(self.stores)
        self.store_visits += np.bincount(self.nearest[visitors], minlength=k)  # (integer counts: any order)
        if cm.join_prob > 0:
            cand = visitors[~self.member[visitors]]
            joins = pick_below(cand, cm.join_prob, eng.key, STORE, 16 * day + K_JOIN)
            self.member[joins] = True
            self.members = union_sorted(self.members, joins)
            self.store_members += np.bincount(self.nearest[joins], minlength=k)
        strength = min(1.0, c.store_strength * smult)
        held = self.coupon[visitors] > 0
        for ch, who, off in ((self.ch_store, visitors[~held], 0.0), (self.ch_o2o, visitors[held], cp.value)):
            b = Batch.per_person(ch, STORE, who, strength, max(0.0, eng.price_today - off), 16 * day + K_EVALUATE)
            b.ref = self.nearest[who].astype(np.int64)
            out.append(b)
        return out

    def _visitors(self, day: int, mult: float) -> np.ndarray:
        """Today's visitors (sorted ids) at event multiplier ``mult`` (the module docstring's draws)."""
        cp, eng = self.cfg.coupon, self.engine
        cap0 = min(1.0, self.qmax)
        cap = max(cap0, min(1.0, self.qmax * mult))
        plain = np.empty(0, np.int64)
        if cap > 0:
            cand = skip_sample(eng.key, STORE, 16 * day + K_VISIT, eng.n, cap0)
            if cap > cap0:
                extra = skip_sample(eng.key, STORE, 16 * day + K_VISIT_EXTRA, eng.n, (cap - cap0) / (1.0 - cap0))
                cand = union_sorted(cand, extra)
            if self.coupons:
                cand = cand[self.coupon[cand] == 0]
            plain = thin_visits(cand, self.base, mult, 1.0, cap, eng.key, 16 * day + K_VISIT_ACCEPT)
        if not self.coupons:
            return plain
        return union_sorted(plain, thin_visits(self.holders, self.base, mult, cp.visit_multiplier, 1.0, eng.key,
                                               16 * day + K_HOLDER))

    def on_purchases(self, day: int, purchases: Purchases) -> None:
        buyers, ch, ref = purchases["buyer"], purchases["channel"], purchases["ref"]
        in_store = ((ch == self.ch_store) | (ch == self.ch_o2o)) & (ref >= 0)
        self.store_purchases += np.bincount(ref[in_store], minlength=len(self.stores))
        self.today_purchases += int(in_store.sum())
        self.purchases += len(buyers)
        self.revenue += float(purchases["price"][in_store].sum())
        had = self.coupon[buyers] > 0
        if had.any():  # (coupons are >= 0: without a holder among the buyers nothing below changes)
            self.redeemed += int(np.count_nonzero(in_store & (ch == self.ch_o2o) & had))
            self.coupon[buyers] = 0.0  # used in store, or lapsed by a purchase elsewhere
            self.holders = self.holders[self.coupon[self.holders] > 0]

    def share_factor(self, people: np.ndarray) -> np.ndarray:
        f = self.cfg.community.member_share_factor
        return np.where(self.member[people], f, 1.0) if f != 1.0 else np.ones(len(people))

    def record_day(self, day: int, daily: dict[str, np.ndarray]) -> None:
        daily["store_visits"][day] = self.today_visits
        daily["store_purchases"][day] = self.today_purchases

    def summary(self) -> dict[str, float]:
        return {"store_visits": float(self.visits.sum()), "store_visitors": float(np.count_nonzero(self.visits)),
                "store_purchases": float(self.store_purchases.sum()), "store_revenue": self.revenue,
                "online_purchases": float(self.purchases - self.store_purchases.sum()),
                "o2o_coupons": float(self.coupons), "o2o_redeemed": float(self.redeemed),
                "o2o_members": float(self.member.sum())}

    def records(self) -> dict[str, dict[str, np.ndarray]]:
        return {"stores": store_table(self.stores, self.store_visits, self.store_purchases, self.store_members)}

    @classmethod
    def empty_records(cls) -> dict[str, dict[str, np.ndarray]]:
        return {"stores": store_table(np.empty((0, 2)), *(np.empty(0, np.int64),) * 3)}


def store_table(stores: np.ndarray, visits, purchases, members) -> dict[str, np.ndarray]:
    """The ``stores`` record table: x, y (unit square), visits, purchases (off a visit), members (joined there)."""
    return {"x": stores[:, 0].copy(), "y": stores[:, 1].copy(), "visits": np.asarray(visits, np.int64).copy(),
            "purchases": np.asarray(purchases, np.int64).copy(), "members": np.asarray(members, np.int64).copy()}


#: This module's model (``simulation.operations.MODULES``).
OPERATION = StoreOperation
