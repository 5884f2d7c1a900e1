"""The social-commerce engine: one run of a scenario, day by day (``simulate`` and ``Engine``).

This docstring is the specification of a day; ``simulation.reference`` re-implements
it with one Mesa agent per consumer.

Set-up (day 0)
--------------
From the run's ``SeedSequence`` ``ss``: the graph is built from ``substream(ss,
"graph")`` (unless given); consumers are drawn from ``generator(ss, "population")``
(``simulation.population``); tie strength per arc from ``generator(ss, "ties")``
(``simulation.ties``); KOLs and their audiences from ``generator(ss, "kol")``
(``simulation.kol``); the partner audience from ``generator(ss, "partner")``; every
other draw is ``uniform(key, STREAM, a, b)`` with ``key = kernel_key(ss)``.
Seeds: ``seeding.nodes`` (labels) or ``seeding.count`` distinct people drawn by Floyd's
algorithm from ``uniform(key, SEED_PICK, i, 0)`` (``kernels.cascade.pick_seeds``, the
same sample as ``classic.independent_cascade(seeds=count)``). Seeds buy on day 0 (channel
"seed", price ``product.price`` or 0 when ``seeding.free``) and then go through the
sharing and satisfaction phases of day 0 exactly like buyers of any day.

Per-person factors (fixed for the run)
--------------------------------------
``static_i = exp(trust_weight * (trust_i - 0.5) + interest_weight * (interest_i - 0.5))``,
``quality_factor = exp(quality_weight * (product.quality - 0.5))``,
``indeg_i`` = number of arcs into i.

Day t = 1..days (synchronous: every probability below uses the state at the end of
day t-1; today's purchases change social proof, negative word of mouth and shares
only from day t+1)
-------------------------------------------------------------------------------------
0. **Prices.** ``price_today = product.price * prod(op.price_multiplier(t))``
   (campaign, flash sale).
1. **Exposure and evaluation.** Exposure batches are evaluated in this order (the order
   decides only which exposure is credited when several convert the same person):
   a. *friend shares*: every person who shared on day t-1 with share index k (0 for
      their first share) exposes the head of each out-arc e with strength ``w_e``
      (tie strength) and draw ``uniform(key, TRANSMIT, e, k)``; sharers in increasing
      id order, arcs in CSR order;
   b. *KOL posts*: on posting days (``simulation.kol``) follower slot s is reached iff
      ``uniform(key, KOL_REACH, s, t) < kol.engagement_rate``; strength
      ``kol.credibility``; draw ``uniform(key, EVALUATE, s, 16 t + 1)``;
   c. *platform*: each person with probability ``funnel.platform_rate`` (geometric
      skipping on stream PLATFORM, b = 2t); strength ``funnel.platform_strength``; draw
      ``uniform(key, EVALUATE, i, 16 t + 8)``;
   d. the enabled operation models in the order content, relationship, event,
      crossover (their module docstrings give their batches).
   For each exposure of person i with strength s and list price c: nothing happens if
   i has bought before, is pending in a group-buy, has already converted today, or is
   offline today (``uniform(key, ONLINE, i, t) >= activity_i``; no draw when
   activity_i = 1). Otherwise i is *exposed* and

       P = min(1, s * static_i * quality_factor
                  * exp(social_proof_weight * bought_friends_i / indeg_i)
                  * exp(-price_sensitivity_i * max(0, c - coupon_i - d) / reference_price)
                  * (1 - negative_impact) ** negative_heard_i)

   where d is the relationship model's ``invitee_discount`` on friend shares (else 0),
   ``bought_friends_i`` the number of in-neighbours who have bought (0/0 := 0) and
   ``coupon_i`` the value of a coupon i holds. With u the exposure's draw: i converts
   iff u < P (the exposure's channel, price, referrer and tag are kept), and is
   *interested* iff u < min(1, interest_ratio * P). Every neutral factor is exactly 1,
   so P = s when every extra is off (this is how the model reduces to Independent
   Cascade draw for draw).
2. **Purchase.** Today's converters, in the order they converted, pass through each
   operation's ``route`` (group-buy: join / open groups, resolve full or expired
   groups; flash-sale stock). Then, if ``product.repeat_rate > 0``, every earlier buyer
   whose last purchase satisfied them, online today, not pending, buys again with
   probability ``repeat_rate`` (draw ``uniform(key, REPEAT, i, t)``), at price_today,
   credited to the channel of their first purchase. Booking a purchase: revenue +=
   its price; a held coupon is redeemed (``incentive_spend += min(coupon, price)``);
   each operation's ``on_purchases`` pays its incentives (referral reward, commission,
   invitee discount) and counts UGC; a first purchase makes the person a buyer and adds
   1 to ``bought_friends`` of each out-neighbour.
3. **Sharing.** Each purchaser of today shares iff ``uniform(key, SHARE, i, t) <
   min(1, share_propensity_i * M)``, with M the product of the operations'
   ``share_multiplier`` (incentives); each person whom one of today's exposures made
   interested (interest on earlier days does not matter) and who did not buy today —
   including converters whose group-buy invitation lapsed — shares iff the same draw is below ``min(1, share_propensity_i * M *
   interested_share_rate)``. A share reaches friends on day t+1 (phase 1a) with that
   person's share index, which then grows by 1.
4. **Satisfaction.** Each purchase is satisfying iff ``uniform(key, SATISFY, i, j) <
   quality_share * product.quality + (1 - quality_share) * product.service`` (j = the
   person's purchase count before it). A dissatisfied buyer becomes *negative* and
   tells each out-neighbour (arc e) iff ``uniform(key, NEGATIVE, e, t) <
   negative_spread``: the head's ``negative_heard`` grows by 1.
5. **End of day.** Operations' ``after_day`` (bargain starts among the newly interested);
   daily series recorded.

Metrics: see ``simulation.metrics``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import counterfactual as cf
from . import ledger
from . import metrics as metrics_mod
from .config.scenario import Scenario
from .graph.csr import CSRGraph
from .kernels import funnel as F
from .kernels.cascade import pick_seeds
from .kernels.random import EVALUATE, KOL_REACH, ONLINE, PLATFORM, REPEAT, SHARE, TRANSMIT, WOM
from .kol import build_kols, posts_on
from .ledger import PAYMENT_KINDS
from .operations import REGISTRY
from .operations.base import Batch, Purchases
from .population import draw_population
from .seeding import SeedLike, as_seed_sequence, generator, kernel_key, substream
from .ties import tie_strength

SLOT_KOL = 1
SLOT_PLATFORM = 8

@dataclass
class RunResult:
    """Outcome of one run.

    summary : flat dict of run metrics (floats; NaN where undefined).
    daily : dict of series, each shape (days + 1,), index = day (day 0 = seeding).
    graph : the CSRGraph used (reuse it via ``simulate(..., graph=...)``).
    state : with ``keep_state``, per-node arrays bought, shared, exposed, interested,
        is_kol, segment, negative.
    records : ``purchases`` (day, buyer, channel, price, ref), ``payments`` (day, kind,
        payee, amount) and ``groups`` (open_day, close_day, members, status).
    """

    summary: dict[str, float]
    daily: dict[str, np.ndarray]
    graph: CSRGraph
    state: dict[str, np.ndarray] | None = None
    records: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


class Engine:
    """The state of one run and its day step (shared by ``simulate`` and the Mesa model)."""

    def __init__(self, scenario: Scenario, seed: SeedLike, *, graph: CSRGraph | None = None):
        self.scenario = sc = scenario
        self.ss = ss = as_seed_sequence(seed)
        if graph is None:
            graph = sc.graph.build(substream(ss, "graph"), base_dir=sc.base_dir)
        self.graph = g = graph
        self.n = n = g.n
        self.days = sc.days
        self.key = kernel_key(ss)
        self.pop = pop = draw_population(sc.population, n, generator(ss, "population"))
        self.w = tie_strength(sc.population.ties, g, generator(ss, "ties"))
        fn = sc.funnel
        self.static = np.exp(fn.trust_weight * (pop.trust - 0.5) + fn.interest_weight * (pop.interest - 0.5))
        indeg = np.bincount(g.indices, minlength=n)
        self.indeg_inv = np.where(indeg > 0, 1.0 / np.maximum(indeg, 1), 0.0)
        self.kols = build_kols(sc.kol, g, pop.activity, pop.share_propensity, generator(ss, "kol"))
        self.kol_of_slot = np.repeat(np.arange(self.kols.count, dtype=np.int64), np.diff(self.kols.indptr))
        # State (per person).
        self.bought = np.zeros(n, bool)
        self.exposed = np.zeros(n, bool)
        self.interested = np.zeros(n, bool)
        self.shared = np.zeros(n, bool)
        self.negative = np.zeros(n, bool)
        self.satisfied = np.zeros(n, bool)
        self.pending = np.full(n, -1, np.int64)
        self.coupon = np.zeros(n)
        self.bought_nbrs = np.zeros(n, np.int32)
        self.neg_heard = np.zeros(n, np.int32)
        self.share_count = np.zeros(n, np.int64)
        self.purchase_count = np.zeros(n, np.int64)
        self.first_day = np.full(n, -1, np.int32)
        self.first_channel = np.full(n, -1, np.int8)
        self.purchase_day = np.full(n, -1, np.int32)
        # Per-day scratch, stamped with the day so it never needs clearing.
        self.cand_day = np.full(n, -1, np.int64)
        self.cand_channel = np.zeros(n, np.int8)
        self.cand_price = np.zeros(n)
        self.cand_ref = np.zeros(n, np.int64)
        self.cand_tag = np.zeros(n, np.int8)
        self.cand_list = np.zeros(n, np.int32)
        self.int_day = np.full(n, -1, np.int64)
        self.int_list = np.zeros(n, np.int32)
        self.cnt = np.zeros(F.C_SIZE, np.int64)
        self.fp = np.zeros(F.FP_SIZE)
        self.fp[F.FP_SOCIAL_PROOF] = fn.social_proof_weight
        self.fp[F.FP_NEG_FACTOR] = 1.0 - fn.negative_impact
        self.fp[F.FP_INV_REF_PRICE] = 1.0 / fn.reference_price
        self.fp[F.FP_QUALITY] = np.exp(fn.quality_weight * (sc.product.quality - 0.5))
        self.fp[F.FP_INTEREST_RATIO] = fn.interest_ratio
        self.sharers = np.empty(0, np.int64)
        self.sharer_k = np.empty(0, np.int64)
        self.talk_until = np.full(n, -1, np.int64)  # last day an adopter's word of mouth reaches friends
        self.price_today = sc.product.price
        self.daily = metrics_mod.new_daily(self.days)
        self._purchases: list[dict] = []
        self._payments: list[dict] = []
        self.ops = [cls(getattr(sc.operations, name), self) for name, (_, cls) in REGISTRY.items()
                    if getattr(sc.operations, name).enabled]
        self.fp[F.FP_FRIEND_DISCOUNT] = sum(op.friend_discount() for op in self.ops)
        self.share_mult = float(np.prod([op.share_multiplier() for op in self.ops])) if self.ops else 1.0
        self.day = 0
        self._seed()

    # -- helpers used by the operation modules -----------------------------------------
    def rng(self, name: str) -> np.random.Generator:
        """The run's named numpy Generator (``simulation.seeding.generator``)."""
        return generator(self.ss, name)

    def pay(self, day: int, kind: str, payees: np.ndarray, amounts: np.ndarray) -> None:
        """Book payments (currency) of ``kind`` to ``payees`` (-1 = a third party) on ``day``."""
        series = PAYMENT_KINDS[kind]
        amounts = np.atleast_1d(np.asarray(amounts, np.float64))
        payees = np.broadcast_to(np.asarray(payees, np.int64), amounts.shape)
        self._payments.append({"day": np.full(len(amounts), day, np.int64),
                               "kind": np.full(len(amounts), list(PAYMENT_KINDS).index(kind), np.int8),
                               "payee": np.asarray(payees, np.int64), "amount": amounts})
        self.daily[series][day] += float(amounts.sum())

    # -- the day -------------------------------------------------------------------------
    def _seed(self) -> None:
        sc, g = self.scenario, self.graph
        if sc.seeding.nodes is not None:
            seeds = np.unique(g.ids(sc.seeding.nodes))
        else:
            if sc.seeding.count > self.n:
                raise ValueError(f"seeding.count: cannot pick {sc.seeding.count} seeds among {self.n} people")
            # the same counter-based Floyd sample as classic.independent_cascade(seeds=count)
            seeds = np.empty(sc.seeding.count, np.int64)
            pick_seeds(self.n, sc.seeding.count, self.key, np.zeros(self.n, np.bool_), seeds)
        seeds = np.asarray(seeds, np.int64)
        self.seeds = seeds
        self.exposed[seeds] = True
        self.interested[seeds] = True
        price = 0.0 if sc.seeding.free else sc.product.price
        p = {"buyer": seeds, "channel": np.full(len(seeds), F.CH_SEED, np.int8), "price": np.full(len(seeds), price),
             "ref": np.full(len(seeds), -1, np.int64), "tag": np.zeros(len(seeds), np.int8)}
        self._book(0, p, np.empty(0, np.int64))

    def _evaluate(self, b: Batch, day: int) -> None:
        if len(b.targets) == 0:
            return
        F.evaluate(b.targets, b.strength, b.price, b.a, b.b, b.ref, b.stream, b.channel, b.tag, day, self.key,
                   self.pop.activity, self.static, self.pop.price_sensitivity, self.coupon, self.bought_nbrs,
                   self.indeg_inv, self.neg_heard, self.bought, self.pending, self.fp, self.exposed, self.interested,
                   self.cand_day, self.cand_channel, self.cand_price, self.cand_ref, self.cand_tag, self.cand_list,
                   self.int_day, self.int_list, self.cnt)

    def _builtin_exposures(self, day: int) -> list[Batch]:
        sc, g = self.scenario, self.graph
        out = []
        if len(self.sharers):
            heads, arcs, pos = F.out_arcs(self.sharers, g.indptr, g.indices)
            out.append(Batch(F.CH_FRIEND, TRANSMIT, heads, self.w[arcs], np.full(len(arcs), self.price_today),
                             arcs, self.sharer_k[pos], self.sharers[pos]))
        k = sc.kol
        if self.kols.count and k.active(day) and posts_on(day, k.posts_per_week):
            if k.fee_per_post > 0:
                self.pay(day, "kol_fee", np.arange(self.kols.count), np.full(self.kols.count, k.fee_per_post))
            slots = np.arange(len(self.kols.followers), dtype=np.int64)
            reached = F.draw_below(slots, np.full(len(slots), k.engagement_rate), self.key, KOL_REACH, day)
            slots = slots[reached]
            out.append(Batch(F.CH_KOL, EVALUATE, self.kols.followers[slots], np.full(len(slots), k.credibility),
                             np.full(len(slots), self.price_today), slots,
                             np.full(len(slots), 16 * day + SLOT_KOL, np.int64), self.kol_of_slot[slots]))
        if sc.funnel.platform_rate > 0:
            people = F.skip_sample(self.key, PLATFORM, 2 * day, self.n, sc.funnel.platform_rate)
            out.append(Batch.per_person(F.CH_PLATFORM, EVALUATE, people, sc.funnel.platform_strength,
                                        self.price_today, 16 * day + SLOT_PLATFORM))
        return out

    def step(self) -> None:
        """Advance one day (phases 0-5 of the module docstring)."""
        if self.day >= self.days:
            raise RuntimeError(f"the horizon of {self.days} days is over")
        self.day = day = self.day + 1
        sc = self.scenario
        # 0. prices
        mult = 1.0
        for op in self.ops:
            mult *= op.price_multiplier(day)
        self.price_today = sc.product.price * mult
        # 1. exposure and evaluation
        self.cnt[:] = 0
        for b in self._builtin_exposures(day):
            self._evaluate(b, day)
        for op in self.ops:
            for b in op.exposures(day):
                self._evaluate(b, day)
        # 2. purchase
        c = self.cand_list[: self.cnt[F.C_CAND]].astype(np.int64)
        p: Purchases = {"buyer": c, "channel": self.cand_channel[c], "price": self.cand_price[c],
                        "ref": self.cand_ref[c], "tag": self.cand_tag[c]}
        if sc.product.repeat_rate > 0:
            p = _concat(p, self._repeats(day))
        for op in self.ops:
            p = op.route(day, p)
        interested_today = self.int_list[: self.cnt[F.C_INTERESTED]].astype(np.int64)
        self._book(day, p, interested_today)

    def _repeats(self, day: int) -> Purchases:
        # today's converters have not bought before (bought people ignore exposures) and
        # pending group members are excluded, so nobody is both a converter and a repeater
        pool = np.flatnonzero(self.bought & self.satisfied & (self.pending < 0))
        # the (rare) repeat draw first, then the online draw only for those
        pool = pool[F.draw_below(pool, np.full(len(pool), self.scenario.product.repeat_rate), self.key, REPEAT, day)]
        act = self.pop.activity[pool]
        r = pool[(act >= 1.0) | F.draw_below(pool, act, self.key, ONLINE, day)]
        return {"buyer": r, "channel": self.first_channel[r], "price": np.full(len(r), self.price_today),
                "ref": np.full(len(r), -1, np.int64), "tag": np.zeros(len(r), np.int8)}

    def _book(self, day: int, p: Purchases, interested_today: np.ndarray) -> None:
        """Phases 2 (booking) to 5 for the purchases ``p`` of ``day``."""
        sc, g = self.scenario, self.graph
        buyers = p["buyer"]
        # the price paid: price rules and purchase path (p["price"]), invitee discount, coupon
        cut = np.zeros(len(buyers))
        for op in self.ops:
            cut = cut + op.price_cut(p)
        paid, redeemed = ledger.price_paid(sc.product.price, p["price"], cut, self.coupon[buyers])
        self.coupon[buyers[redeemed > 0]] = 0.0
        p = dict(p, price=paid, discount=sc.product.price - paid)
        for op in self.ops:
            op.on_purchases(day, p)
        new = buyers[~self.bought[buyers]]
        self.first_day[new] = day
        self.first_channel[new] = p["channel"][~self.bought[buyers]]
        F.mark_bought(new, g.indptr, g.indices, self.bought, self.bought_nbrs)
        self.exposed[buyers] = True
        self.interested[buyers] = True
        self.purchase_day[buyers] = day
        self._purchases.append({"day": np.full(len(buyers), day, np.int64), "buyer": buyers.copy(),
                                "channel": p["channel"].astype(np.int8), "price": p["price"].astype(np.float64),
                                "discount": p["discount"].astype(np.float64), "ref": p["ref"].astype(np.int64)})
        # 3. satisfaction: known before the buyer decides what to say
        p_sat = sc.funnel.quality_share * sc.product.quality + (1 - sc.funnel.quality_share) * sc.product.service
        sat = F.satisfied(buyers, self.purchase_count, p_sat, self.key)
        self.purchase_count[buyers] += 1
        self.satisfied[buyers] = sat
        unhappy = buyers[~sat]
        self.negative[unhappy] = True
        F.spread_negative(np.sort(unhappy), day, self.key, g.indptr, g.indices, sc.funnel.negative_spread, self.neg_heard)
        # 4. sharing: satisfied purchasers share a positive review (dissatisfied ones only spread negative word)
        mult = self.share_mult
        happy = buyers[sat]
        q = np.minimum(1.0, self.pop.share_propensity[happy] * mult)
        sharers = happy[F.draw_below(happy, q, self.key, SHARE, day)]
        rate = sc.funnel.interested_share_rate
        if rate > 0 and len(interested_today):
            cand = interested_today[~self.bought[interested_today] & (self.pending[interested_today] < 0)]
            qi = np.minimum(1.0, self.pop.share_propensity[cand] * mult * rate)
            sharers = np.concatenate([sharers, cand[F.draw_below(cand, qi, self.key, SHARE, day)]])
        self._set_sharers(day, np.unique(sharers))
        # 5. end of day
        for op in self.ops:
            op.after_day(day, interested_today)
        metrics_mod.record_day(self, day, p, len(new), len(unhappy))

    def _set_sharers(self, day: int, new: np.ndarray) -> None:
        """Make ``new`` (sorted ids) and the adopters still talking the sharers heard tomorrow (phase 1a)."""
        fn = self.scenario.funnel
        if fn.wom_days != 1 or fn.wom_decay > 0:
            adopters = new[self.bought[new]]
            self.talk_until[adopters] = day + fn.wom_days if fn.wom_days > 0 else np.iinfo(np.int64).max
            old = self.sharers[(self.talk_until[self.sharers] > day) & ~self.negative[self.sharers]]
            old = np.setdiff1d(old, new)
            if fn.wom_decay > 0:
                stop = F.draw_below(old, np.full(len(old), fn.wom_decay), self.key, WOM, day)
                self.talk_until[old[stop]] = -1
                old = old[~stop]
            new = np.union1d(new, old)
        self.sharers = new
        self.sharer_k = self.share_count[new].copy()
        self.share_count[new] += 1
        self.shared[new] = True

    def run(self) -> None:
        """Step to the horizon."""
        while self.day < self.days:
            self.step()

    def result(self, keep_state: bool = False) -> RunResult:
        """Summary, daily series and records of the run so far."""
        records = {"purchases": _stack(self._purchases, {"day": np.int64, "buyer": np.int64, "channel": np.int8,
                                                         "price": np.float64, "discount": np.float64,
                                                         "ref": np.int64}),
                   "payments": _stack(self._payments, {"day": np.int64, "kind": np.int8, "payee": np.int64,
                                                        "amount": np.float64})}
        ev = next((op for op in self.ops if op.name == "event"), None)
        records["groups"] = ev.group_records() if ev is not None else {
            k: np.empty(0, np.int64) for k in ("open_day", "close_day", "members", "status")}
        summary = metrics_mod.summarize(self, records)
        state = None
        if keep_state:
            is_kol = np.zeros(self.n, bool)
            is_kol[self.kols.nodes[self.kols.nodes >= 0]] = True
            state = {"bought": self.bought.copy(), "shared": self.shared.copy(), "exposed": self.exposed.copy(),
                     "interested": self.interested.copy(), "is_kol": is_kol, "segment": self.pop.segment.copy(),
                     "negative": self.negative.copy(), "first_day": self.first_day.copy(),
                     "first_channel": self.first_channel.copy()}
        daily = {k: v[: self.days + 1].copy() for k, v in self.daily.items()}
        daily["roas"] = metrics_mod.daily_roas(daily)
        return RunResult(summary, daily, self.graph, state, records)


def _concat(a: Purchases, b: Purchases) -> Purchases:
    return {k: np.concatenate([a[k], b[k].astype(a[k].dtype)]) for k in a}


def _stack(parts: list[dict], dtypes: dict) -> dict[str, np.ndarray]:
    if not parts:
        return {k: np.empty(0, t) for k, t in dtypes.items()}
    return {k: np.concatenate([p[k] for p in parts]).astype(t) for k, t in dtypes.items()}


def simulate(scenario: Scenario, seed: SeedLike, *, keep_state: bool = False, graph: CSRGraph | None = None,
             counterfactual: bool = False) -> RunResult:
    """Run ``scenario`` once from ``seed`` (a run's SeedSequence or an int) and return its result.

    Parameters
    ----------
    scenario : a validated ``Scenario``.
    seed : the run's ``numpy.random.SeedSequence`` (e.g. ``seeding.run_seed(base, k)``) or int.
    keep_state : also return per-node state arrays.
    graph : a prebuilt CSRGraph to use instead of building ``scenario.graph``.
    counterfactual : also run the paired no-marketing counterfactual (same graph, seed and
        random numbers; ``simulation.counterfactual``) and add the incremental metrics.
    """
    eng = Engine(scenario, seed, graph=graph)
    eng.run()
    res = eng.result(keep_state)
    if counterfactual:
        base = Engine(cf.organic(scenario), seed, graph=eng.graph)
        base.run()
        b = base.result()
        res.summary, res.daily = cf.paired(res.summary, res.daily, b.summary, b.daily)
    return res
