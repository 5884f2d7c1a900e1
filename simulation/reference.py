"""The readable reference: the same day as ``simulation.engine``, one Mesa agent per consumer.

This module is for reading, teaching and checking, not for speed. Every consumer is a
``Consumer(mesa.Agent)`` holding its attributes and state as plain Python attributes;
friends are a Python list of ``(Consumer, tie strength)`` pairs; each phase of the day
is one short loop over the people it concerns, calling a method named for the phase:

    expose -> evaluate -> purchase -> satisfy -> share

The rules are those written in the docstring of ``simulation.engine`` (the
specification of a day) and in the operation modules' docstrings. Each operation model
brings its own per-agent counterpart (``Operation.reference``, e.g.
``simulation.operations.event_reference``) and this model calls the enabled ones' hooks
in a loop at the points the contract names (``simulation.operations.base``): a new model
is covered here without editing this file. The set-up (graph, consumer attributes, tie
strengths, KOLs and their audiences, the partner's audience) reuses the engine's set-up code, so a run starts from the same
population as ``engine.simulate`` with the same seed. The day loop is written again,
plainly, and draws its randomness from the Mesa model's own generators (``model.random``
for single decisions, ``model.rng`` to pick who sees a broadcast), *not* from the
engine's counter-based stream: the two implementations agree in distribution, not draw
for draw (``tests/test_reference.py`` checks that they do).

Every mechanic of the engine is covered: friend shares, KOL posts, platform
recommendation, platforms as layers (``simulation.platforms``: each person's friends on
each platform, membership, share rate and strength, feeds, paid ads, the KOLs' host
platform and audience targeting; the set-up is the engine's), social proof, price and price sensitivity, negative word of mouth,
sharing by interested non-buyers, repeat purchase, and every registered operation model
through its counterpart.

A day, in the order the engine runs it (synchronous: purchases of today change social
proof, negative word of mouth and shares only from tomorrow):

0. prices of the day (the models' price multipliers);
1. exposure, each exposure evaluated as soon as it arrives, in this order: friend
   shares of yesterday's sharers, KOL posts, platform recommendation, then each
   enabled model's exposures in registry order. A person converts at most once a day:
   the first converting exposure wins;
2. purchase: today's converters in the order they converted, then repeat buyers, go
   through each model's routing (group-buy, flash-sale stock, community pick-up); then each purchase is
   booked at the price paid (``simulation.ledger``: routed price, less price cuts, less
   balances redeemed) and each model reacts to it;
3. satisfaction (the probability as the models' ``satisfaction`` hooks set it per order),
   and negative word of mouth from dissatisfied purchasers;
4. sharing by today's satisfied purchasers and by interested non-buyers, plus adopters
   still talking (persistent word of mouth); the models see today's sharers;
5. end of day: the models' end-of-day hooks (bargains start); the day is recorded.
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import mesa
import numpy as np

from . import ledger
from . import metrics as metrics_mod
from . import segments
from .config.scenario import Scenario
from .engine import RunResult
from .graph.csr import CSRGraph
from .kernels.funnel import CH_FRIEND, CH_KOL, CH_PLATFORM, CH_SEED
from .kol import build_kols, posts_in_window, posts_on
from .operations import CHANNELS, REGISTRY
from .operations.reference_base import REFERENCE_HOOKS, Exposure, Order, ReferenceOperation
from .platforms import build_layers, kol_layer, platform_names, restrict_audience
from .population import draw_population
from .profiles import draw_profiles
from .seeding import SeedLike, as_seed_sequence, generator, substream
from .targeting import eligible
from .ties import tie_strength

class Consumer(mesa.Agent):
    """One person: fixed attributes, yesterday's state, and the phases of a day."""

    def __init__(self, model: "ReferenceModel", index: int, segment: int, activity: float, trust: float,
                 price_sensitivity: float, share_propensity: float, interest: float):
        super().__init__(model)
        self.index = index  # graph id (0..n-1); Mesa's unique_id starts at 1
        self.segment = segment
        self.activity = activity  # probability of being online on a day
        self.price_sensitivity = price_sensitivity
        self.share_propensity = share_propensity
        self.interest = interest
        fn = model.scenario.funnel
        # trust and interest enter the purchase probability as one fixed factor
        appeal = model.scenario.product.appeal
        fit = interest if appeal is None else 1.0 - abs(interest - appeal)
        self.static = math.exp(fn.trust_weight * (trust - 0.5) + fn.interest_weight * (fit - 0.5))
        self.friends: list[tuple[Consumer, float]] = []  # out-neighbours and tie strength
        # per platform: friends there and the strength of a share there; membership; marks
        self.friends_on: list[list[tuple[Consumer, float]]] = []
        self.member_of: list[bool] = []
        self.exposed_on: list[bool] = []
        self.interested_on: list[bool] = []
        self.first_platform = -1
        self.in_degree = 0
        # state
        self.exposed = self.interested = self.shared = self.bought = False
        self.negative = False
        self.satisfied = False  # with the last purchase
        self.friends_bought = 0  # in-neighbours who have bought
        self.negative_heard = 0  # negative messages received
        self.group = None  # the group-buy this person is waiting in (``operations.event_reference.Group``)
        self.pending: Order | None = None  # their order while waiting
        self.purchases = 0
        self.first_channel = -1
        self.first_kol = -1  # the KOL a first purchase through a KOL post is credited to
        self.first_day = -1
        self.last_purchase_day = -1
        self.talk_until = -1  # last day this adopter's word of mouth reaches friends
        # today
        self.online_day = -1
        self.online = False
        self.offer_day = -1  # day this person last converted
        self.offer: Exposure | None = None
        self.interest_day = -1  # day this person was last listed as interested

    def mark(self, flag: str) -> None:
        """Set the flag ``exposed`` / ``interested`` / ``shared`` (counting people for the daily series)."""
        if not getattr(self, flag):
            setattr(self, flag, True)
            self.model.people[flag] += 1

    def is_online(self, day: int) -> bool:
        """Whether this person is online on ``day`` (drawn once per day, with probability ``activity``)."""
        if self.online_day != day:
            self.online_day = day
            self.online = self.activity >= 1.0 or self.random.random() < self.activity
        return self.online

    # -- 1. exposure and evaluation --------------------------------------------------------
    def expose(self, exposure: Exposure, day: int) -> None:
        """Receive one exposure; evaluate it unless bought, waiting in a group, converted today or offline."""
        if self.bought or self.group is not None or self.offer_day == day:
            return
        if not self.is_online(day):
            return
        self.mark("exposed")
        if self.exposed_on:
            self.exposed_on[exposure.platform] = True
        self.evaluate(exposure, day)

    def purchase_probability(self, exposure: Exposure) -> float:
        """P of the engine's docstring: strength x trust/interest x quality x social proof x price x negative WOM."""
        m = self.model
        fn = m.scenario.funnel
        p = exposure.strength * self.static * m.quality_factor
        if self.in_degree > 0:
            p *= math.exp(fn.social_proof_weight * self.friends_bought / self.in_degree)
        discount = m.friend_discount if exposure.channel == CH_FRIEND else 0.0
        off = sum(op.price_reduction(self) for op in m.hooked["price_reduction"])
        paid = max(0.0, exposure.price - off - discount)
        p *= math.exp(-self.price_sensitivity * paid / fn.reference_price)
        p *= (1.0 - fn.negative_impact) ** self.negative_heard
        for op in m.hooked["purchase_factor"]:
            p *= op.purchase_factor(self)
        return min(1.0, p)

    def evaluate(self, exposure: Exposure, day: int) -> None:
        """Decide: convert (u < P), or become interested (u < interest_ratio x P), or nothing."""
        m = self.model
        p = self.purchase_probability(exposure)
        u = self.random.random()
        if u < p:
            self.offer_day = day
            self.offer = exposure
            self.mark("interested")
            if self.interested_on:
                self.interested_on[exposure.platform] = True
            m.converted.append(self)
        elif u < m.scenario.funnel.interest_ratio * p:
            self.mark("interested")
            if self.interested_on:
                self.interested_on[exposure.platform] = True
            if self.interest_day != day:
                self.interest_day = day
                m.interested_today.append(self)

    # -- 2. purchase ---------------------------------------------------------------------
    def join(self, group, order: Order) -> None:
        """Wait in ``group`` with ``order`` until it fills (buy) or expires (cancelled)."""
        self.group = group
        self.pending = order
        group.members.append(self)

    def purchase(self, day: int, order: Order) -> None:
        """Book one purchase: price paid, KOL commission, the models' reactions, first-purchase bookkeeping."""
        m = self.model
        # discounts in the ledger's order: price rules and path (order.price), price cuts, balances
        left = max(0.0, order.price - sum(op.price_cut(order) for op in m.hooked["price_cut"]))
        for op in m.hooked["redeem"]:
            left -= op.redeem(order, left)
        list_price = m.list_price
        order.price = min(list_price, left)
        order.discount = list_price - order.price
        if order.channel == CH_KOL and order.referrer >= 0:
            rate = m.influencers[order.referrer].terms["commission_rate"]
            if rate > 0:
                m.pay(day, "kol_commission", rate * order.price)
        for op in m.hooked["on_purchase"]:
            op.on_purchase(day, order)
        if not self.bought:
            self.bought = True
            m.people["bought"] += 1
            m.new_buyers += 1
            self.first_day = day
            self.first_channel = order.channel
            self.first_kol = order.referrer if order.channel == CH_KOL else -1
            self.first_platform = order.platform
            for friend, _ in self.friends:
                friend.friends_bought += 1
        self.mark("exposed")
        self.mark("interested")
        if self.exposed_on:
            self.exposed_on[order.platform] = True
            self.interested_on[order.platform] = True
        self.last_purchase_day = day

    # -- 3. sharing ----------------------------------------------------------------------
    def share(self, probability: float) -> bool:
        """Share with all friends (tomorrow) with ``probability``; return whether they do."""
        if self.random.random() < min(1.0, probability):
            self.mark("shared")
            return True
        return False

    # -- 4. satisfaction -----------------------------------------------------------------
    def satisfy(self, p_satisfied: float) -> bool:
        """Judge the purchase (before deciding what to say); if dissatisfied, tell each friend with ``negative_spread``."""
        self.purchases += 1
        self.satisfied = self.random.random() < p_satisfied
        if not self.satisfied:
            self.negative = True
            spread = self.model.scenario.funnel.negative_spread
            for friend, _ in self.friends:
                if spread > 0 and self.random.random() < spread:
                    friend.negative_heard += 1
        return self.satisfied


class Influencer(mesa.Agent):
    """A KOL: posts on schedule; each post reaches each follower with the KOL's engagement rate.

    terms : the KOL's engagement_rate, credibility, fit, fee_per_post, cpm, commission_rate
    (``simulation.kol``); fit multiplies credibility for followers interested enough.
    """

    def __init__(self, model: "ReferenceModel", index: int, followers: list[Consumer], terms: dict[str, float]):
        super().__init__(model)
        self.index = index
        self.followers = followers
        self.terms = terms
        self.reached = 0  # follower impressions so far

    def post(self, day: int) -> None:
        """Post once: pay the flat fee, expose every reached follower, pay the CPM on those reached."""
        m, t = self.model, self.terms
        if t["fee_per_post"] > 0:
            m.pay(day, "kol_fee", t["fee_per_post"])
        fit_interest = m.scenario.kol.fit_interest
        target = m.scenario.kol.target
        reached = 0
        for follower in self.followers:
            if self.random.random() < t["engagement_rate"]:
                if m.kol_mask is not None and not m.kol_mask[follower.index]:
                    continue  # the audience targeting keeps only eligible followers
                reached += 1
                fit = t["fit"] if follower.interest >= fit_interest else 1.0
                follower.expose(Exposure(CH_KOL, min(1.0, t["credibility"] * fit), m.price_today, referrer=self.index,
                                         platform=m.kol_platform), day)
        self.reached += reached
        if target.cost_per_exposure > 0 and reached:
            m.pay(day, "kol_target", target.cost_per_exposure * reached)
        if t["cpm"] > 0:
            m.pay(day, "kol_cpm", t["cpm"] * reached / 1000.0)


class ReferenceModel(mesa.Model):
    """One run of a scenario with one ``Consumer`` agent per person.

    Parameters
    ----------
    scenario : a validated ``Scenario``.
    seed : the run's SeedSequence or a non-negative int (set-up draws as in ``engine``).
    graph : optional prebuilt CSRGraph (else built from ``scenario.graph``).
    """

    def __init__(self, scenario: Scenario, seed: SeedLike = 0, graph: CSRGraph | None = None):
        ss = as_seed_sequence(seed)
        # Mesa's own generators drive the day; derived from the run's seed so nothing is unseeded.
        super().__init__(seed=int(ss.generate_state(1, np.uint32)[0]))
        self.scenario = sc = scenario
        # -- set-up: the engine's code, so the population matches engine.simulate's
        if graph is None:
            graph = sc.graph.build(substream(ss, "graph"), base_dir=sc.base_dir)
        self.graph = g = graph
        self.n = g.n
        self.days = sc.days
        pop = draw_population(sc.population, g.n, generator(ss, "population"), g, generator(ss, "homophily"), sc.graph)
        pop.profile = draw_profiles([s.profile for s in sc.population.segments], pop.segment, generator(ss, "profile"))
        self.pop = pop  # segment and profile codes, for the per-group readouts (``simulation.segments``)
        self.segment_names = pop.names
        w = tie_strength(sc.population.ties, g, generator(ss, "ties"))
        self.consumers = [Consumer(self, i, int(pop.segment[i]), float(pop.activity[i]), float(pop.trust[i]),
                                   float(pop.price_sensitivity[i]), float(pop.share_propensity[i]),
                                   float(pop.interest[i])) for i in range(g.n)]
        indptr, indices = g.indptr.tolist(), g.indices.tolist()
        strengths = w.tolist()
        for i, person in enumerate(self.consumers):
            for e in range(indptr[i], indptr[i + 1]):
                friend = self.consumers[indices[e]]
                person.friends.append((friend, strengths[e]))
                friend.in_degree += 1
        self.layers = layers = build_layers(sc, ss, g, w, pop, sc.base_dir)
        self.platforms = platform_names(sc)
        for la in layers:
            ip, ix, ws = la.graph.indptr.tolist(), la.graph.indices.tolist(), la.w.tolist()
            for i, person in enumerate(self.consumers):
                person.friends_on.append([(self.consumers[ix[e]], ws[e]) for e in range(ip[i], ip[i + 1])])
                person.member_of.append(la.member is None or bool(la.member[i]))
                if self.platforms:
                    person.exposed_on.append(False)
                    person.interested_on.append(False)
        self.kol_platform = kol_layer(sc)
        host = layers[self.kol_platform]
        kols = build_kols(sc.kol, host.graph, pop.activity, pop.share_propensity, generator(ss, "kol"),
                          posts=posts_in_window(sc.kol, sc.days), base_dir=sc.base_dir)
        kols.indptr, kols.followers = restrict_audience(kols.indptr, kols.followers, host.member)
        self.kol_mask = eligible(sc.kol.target, pop.segment, pop.names, pop.interest)
        followers = kols.followers.tolist()
        self.influencers = [Influencer(self, k, [self.consumers[f] for f in followers[kols.indptr[k]:kols.indptr[k + 1]]],
                                       {t: float(v[k]) for t, v in kols.terms.items()}) for k in range(kols.count)]
        # -- the enabled operation models' counterparts; each hook called only where implemented
        self._ss = ss
        self.price_today = self.list_price = sc.product.price
        self.ops = []
        for name, cls in REGISTRY.items():
            cfg = getattr(sc.operations, name)
            if cfg.enabled:
                if cls.reference is None:
                    raise ValueError(f"operations.{name}: this model has no reference counterpart")
                op = cls.reference(cfg, self)
                op.name = name
                self.ops.append(op)
        self.hooked = {h: [op for op in self.ops if getattr(type(op), h) is not getattr(ReferenceOperation, h)]
                       for h in REFERENCE_HOOKS}
        # -- run-level quantities
        fn, product = sc.funnel, sc.product
        self.set_quality(product.quality, product.service)
        self.friend_discount = sum(op.friend_discount() for op in self.ops)
        self.share_multiplier = math.prod(op.share_multiplier() for op in self.ops)
        # -- run state
        self.people = {"exposed": 0, "interested": 0, "shared": 0, "bought": 0}
        self.returns_by_group: dict[str, float] = {}  # goods cost recovered per group (``simulation.segments``)
        self.daily = metrics_mod.new_daily(self.days, self.platforms, pop)
        self.sharers: list[Consumer] = []  # shared yesterday: their friends see it today
        self.converted: list[Consumer] = []
        self.interested_today: list[Consumer] = []
        self.new_buyers = 0
        self.day = 0
        self.datacollector = mesa.DataCollector(model_reporters={
            "exposed": lambda m: m.people["exposed"], "interested": lambda m: m.people["interested"],
            "buyers": lambda m: m.people["bought"], "sharers": lambda m: m.people["shared"]})
        # a product launched on day L > 1 does nothing before L; its seeds buy on day L (``engine``: launch)
        self.launch = scenario.product.launch_day if scenario.product.launch_day > 1 else 0
        self.seed_buyers()
        self.running = self.days > 0

    # -- helpers ---------------------------------------------------------------------------
    def channel(self, name: str) -> int:
        """The id of attribution channel ``name`` (``simulation.operations.CHANNELS``)."""
        return CHANNELS.index(name)

    def setup_rng(self, name: str) -> np.random.Generator:
        """The engine's named set-up Generator (``seeding.generator``), for set-up shared with the engine."""
        return generator(self._ss, name)

    def pay(self, day: int, kind: str, amount: float) -> None:
        """Book a payment (currency) of ``kind`` (a key of ``ledger.PAYMENT_KINDS``) on ``day``."""
        self.daily[ledger.PAYMENT_KINDS[kind]][day] += amount

    def refund(self, day: int, people: list, refunds: list, cogs_recovered: list) -> None:
        """Book returns on ``day`` (as ``Engine.refund``): per return its buyer (an agent), refund and goods cost back."""
        ledger.book_returns(self.daily, day, float(sum(refunds)), float(sum(cogs_recovered)))
        segments.book_returns(self.daily, self.returns_by_group, day, self.pop,
                              np.array([p.index for p in people], np.int64), np.array(refunds, float),
                              np.array(cogs_recovered, float))

    def each_with_probability(self, people: list, p: float) -> list:
        """Everyone in ``people`` picked independently with probability ``p`` (in id order).

        Drawn as a Binomial count then a uniform sample of that size: the same
        distribution as a coin per person, without a draw per person.
        """
        if p <= 0 or not people:
            return []
        k = int(self.rng.binomial(len(people), min(p, 1.0)))
        return [people[j] for j in sorted(self.rng.choice(len(people), size=k, replace=False).tolist())]

    # -- day 0 -----------------------------------------------------------------------------
    def seed_buyers(self) -> None:
        """Day 0: the seeds buy (channel "seed"), then share and judge like any buyer."""
        sc = self.scenario
        if sc.seeding.nodes is not None:
            ids = sorted(set(self.graph.ids(sc.seeding.nodes).tolist()))
        else:
            mask = eligible(sc.seeding.target, np.array([c.segment for c in self.consumers]), self.segment_names,
                            np.array([c.interest for c in self.consumers]))
            pool = range(self.n) if mask is None else np.flatnonzero(mask).tolist()
            if sc.seeding.count > len(pool):
                raise ValueError(f"seeding.count: cannot pick {sc.seeding.count} seeds among {len(pool)} "
                                 "eligible people")
            ids = sorted(self.random.sample(pool, sc.seeding.count))
        self.seeds = [self.consumers[i] for i in ids]
        if not self.launch:
            self.book(0, self.seed_orders())

    def seed_orders(self) -> list[Order]:
        """The seeds' orders (channel "seed", the day's list price, or 0 when free)."""
        price = 0.0 if self.scenario.seeding.free else self.list_price
        return [Order(c, CH_SEED, price) for c in self.seeds]

    def set_quality(self, quality: float, service: float) -> None:
        """The product's quality and service from now on (``Engine.set_quality``)."""
        fn = self.scenario.funnel
        self.quality, self.service = quality, service
        self.quality_factor = math.exp(fn.quality_weight * (quality - 0.5))
        self.p_satisfied = fn.quality_share * quality + (1 - fn.quality_share) * service

    def novelty(self, day: int) -> float:
        """Share multiplier of novelty on ``day`` (``Engine.novelty``)."""
        pr = self.scenario.product
        return 1.0 + pr.novelty * math.exp(-max(0, day - pr.launch_day) / pr.novelty_days) if pr.novelty else 1.0

    # -- a day -----------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one day (phases 0-5 of the module docstring)."""
        if self.day >= self.days:
            raise RuntimeError(f"the horizon of {self.days} days is over")
        self.day = day = self.day + 1
        if day < self.launch:
            self.running = self.day < self.days
            return  # not on sale yet
        if day == self.launch:
            for c in self.seeds:  # they buy today: no exposure converts them again
                c.offer_day = day
        version = next((v for v in self.scenario.product.versions if v.day == day), None)
        if version is not None:  # a new version (phase 0)
            self.set_quality(self.quality if version.quality is None else version.quality, self.service)
            self.list_price = self.list_price if version.price is None else version.price
        self.price_today = self.list_price * self.price_multiplier(day)
        self.converted, self.interested_today = [], []
        # 1. exposure (each exposure is evaluated on arrival)
        self.friend_shares(day)
        if self.influencers and self.scenario.kol.active(day) and posts_on(day, self.scenario.kol.posts_per_week):
            for kol in self.influencers:
                kol.post(day)
        self.platform_recommendations(day)
        self.platform_ads(day)
        for op in self.hooked["exposures"]:
            op.exposures(day)
        # 2. purchase: first and repeat purchases take the same route (group-buy, stock)
        orders = [Order(c, c.offer.channel, c.offer.price, c.offer.referrer, invitation=c.offer.group)
                  for c in self.converted]
        if self.scenario.product.repeat_rate > 0:
            orders += self.repeat_orders(day)
        for op in self.hooked["route"]:
            orders = op.route(day, orders)
        if day == self.launch:
            orders = self.seed_orders() + orders
        self.book(day, orders)
        self.running = self.day < self.days

    def price_multiplier(self, day: int) -> float:
        """Multiplier of the list price on ``day``: the product of the models' (campaign, flash sale)."""
        return math.prod(op.price_multiplier(day) for op in self.hooked["price_multiplier"])

    def friend_shares(self, day: int) -> None:
        """On each platform in turn, yesterday's sharers (in id order) who are members there and share there
        reach each friend there with the strength of a share there."""
        for la in self.layers:
            for sharer in self.sharers:
                if not sharer.member_of[la.index]:
                    continue
                if la.share_rate < 1.0 and self.random.random() >= la.share_rate:
                    continue
                for friend, strength in sharer.friends_on[la.index]:
                    friend.expose(Exposure(CH_FRIEND, strength, self.price_today, referrer=sharer.index,
                                           platform=la.index), day)

    def platform_recommendations(self, day: int) -> None:
        """Each platform's feed shows the product to each member with its rate (personalised: per person)."""
        for la in self.layers:
            if la.feed_rate <= 0:
                continue
            members = [c for c in self.consumers if c.member_of[la.index]]
            if la.feed_p is None:
                shown = self.each_with_probability(members, la.feed_rate)
            else:
                shown = [c for c in members if self.random.random() < la.feed_p[c.index]]
            for person in shown:
                person.expose(Exposure(CH_PLATFORM, la.feed_strength, self.price_today, platform=la.index), day)

    def platform_ads(self, day: int) -> None:
        """Each platform's paid ads: eligible members shown with the rate the daily budget buys, paid per impression."""
        for la in self.layers:
            if la.ads is None or la.ads_rate <= 0 or not la.ads.active(day):
                continue
            audience = [c for c in self.consumers if la.ads_mask is None or la.ads_mask[c.index]]
            shown = self.each_with_probability(audience, la.ads_rate)
            cost = la.ads.target.cost_per_exposure * len(shown)
            if cost > 0:
                self.pay(day, "platform_ads", cost)
                self.daily[f"platform_ads_spend__{la.name}"][day] += cost
            for person in shown:
                person.expose(Exposure(CHANNELS.index("ads"), la.ads.strength, self.price_today, platform=la.index),
                              day)

    def repeat_orders(self, day: int) -> list[Order]:
        """Earlier buyers satisfied with their last purchase, not waiting in a group, buy again with ``repeat_rate``.

        One draw per person with that person's probability: the engine draws candidates at
        the models' bounding rate by geometric skipping over its incrementally kept pool
        and thins them to each person's rate, which is the same distribution
        (``tests/test_engine.py``, ``tests/test_reference.py``).
        """
        rate = self.scenario.product.repeat_rate
        out = []
        for person in self.consumers:
            if (person.bought and person.satisfied and person.group is None and person.is_online(day)
                    and self.random.random() < min(1.0, rate * math.prod(
                        op.repeat_factor(person) for op in self.hooked["repeat_factor"]))):
                out.append(Order(person, person.first_channel, self.price_today, person.first_kol))
        return out

    def book(self, day: int, orders: list[Order]) -> None:
        """Phases 2 (booking) to 5 for the orders of ``day``."""
        fn, d = self.scenario.funnel, self.daily
        self.new_buyers = 0
        for order in orders:
            order.platform = self.order_platform(day, order)
        new_plat = [o.platform for o in orders if not o.buyer.bought]
        for order in orders:
            order.buyer.purchase(day, order)
        # 3. satisfaction, known before the buyer decides what to say
        happy = [o.buyer for o in orders if o.buyer.satisfy(self.satisfaction(day, o))]
        unhappy = len(orders) - len(happy)
        # 4. sharing: satisfied purchasers share a positive review
        mult = self.share_multiplier * self.novelty(day)
        sharers = [b for b in happy if b.share(self.propensity(b) * mult)]
        if fn.interested_share_rate > 0:
            for person in self.interested_today:
                if not person.bought and person.group is None and person.share(
                        self.propensity(person) * mult * fn.interested_share_rate):
                    sharers.append(person)
        self.sharers = self.keep_talking(day, sharers)
        for op in self.hooked["after_sharing"]:
            op.after_sharing(day, self.sharers)
        # 5. end of day
        for op in self.hooked["after_day"]:
            op.after_day(day, self.interested_today)
        d["exposed"][day] = self.people["exposed"]
        d["interested"][day] = self.people["interested"]
        d["buyers"][day] = self.people["bought"]
        d["sharers"][day] = self.people["shared"]
        d["new_buyers"][day] = self.new_buyers
        d["purchases"][day] = len(orders)
        ledger.day_totals(d, day, self.scenario.product.unit_cost, len(orders), np.array([o.price for o in orders]),
                          np.array([o.discount for o in orders]))
        d["negative_wom"][day] = unhappy
        for o in orders:
            d[f"attr_{CHANNELS[o.channel]}"][day] += 1
        segments.record_day(d, day, self.pop, np.array([o.buyer.index for o in orders], np.int64),
                            np.array([o.price for o in orders]), np.array([o.discount for o in orders]),
                            np.array([o.buyer.first_day == day for o in orders], bool))
        for op in self.hooked["record_day"]:
            op.record_day(day, d)
        if self.platforms:
            metrics_mod.record_platform_day(
                d, day, self.platforms, np.array([o.platform for o in orders], np.int64),
                np.array([o.channel for o in orders], np.int64), np.array([o.price for o in orders], np.float64),
                np.array(new_plat, np.int64), np.array([c.exposed_on for c in self.consumers], bool).T,
                np.array([c.interested_on for c in self.consumers], bool).T)
        self.datacollector.collect(self)

    @staticmethod
    def order_platform(day: int, order: Order) -> int:
        """The platform a purchase comes through: a repeat's first purchase's, else the converting exposure's
        (seeds: the first platform)."""
        buyer = order.buyer
        if day == 0:
            return 0
        if buyer.bought:
            return buyer.first_platform
        return buyer.offer.platform if buyer.offer is not None else 0

    def satisfaction(self, day: int, order: Order) -> float:
        """The satisfaction probability of ``order``: ``p_satisfied`` as the models' hooks change it."""
        p = self.p_satisfied
        for op in self.hooked["satisfaction"]:
            p = op.satisfaction(day, order, p)
        return p

    def propensity(self, person: Consumer) -> float:
        """``person``'s share propensity times the models' share factors."""
        return person.share_propensity * math.prod(op.share_factor(person) for op in self.hooked["share_factor"])

    def keep_talking(self, day: int, new: list) -> list:
        """Tomorrow's sharers: today's, plus adopters still talking (persistent word of mouth), by id."""
        fn = self.scenario.funnel
        if fn.wom_days != 1 or fn.wom_decay > 0:
            for person in new:
                if person.bought:
                    person.talk_until = day + fn.wom_days if fn.wom_days > 0 else math.inf
            fresh = set(id(p) for p in new)
            for person in self.sharers:
                if id(person) in fresh or person.talk_until <= day or person.negative:
                    continue
                if fn.wom_decay > 0 and self.random.random() < fn.wom_decay:
                    person.talk_until = -1
                    continue
                new.append(person)
        return sorted(set(new), key=lambda p: p.index)

    def run(self) -> None:
        """Step to the horizon."""
        while self.day < self.days:
            self.step()

    def result(self) -> RunResult:
        """Summary and daily series (the keys of ``engine.simulate``'s), and the group records."""
        records: dict = {}
        on = {op.name: op for op in self.ops}
        for name, cls in REGISTRY.items():
            records.update(on[name].records() if name in on else cls.empty_records())
        view = SimpleNamespace(
            daily=self.daily, n=self.n, day=self.day, days=self.days, scenario=self.scenario, ops=self.ops,
            first_channel=np.array([c.first_channel for c in self.consumers], np.int8),
            bought=np.array([c.bought for c in self.consumers], bool),
            purchase_count=np.array([c.purchases for c in self.consumers], np.int64), pop=self.pop,
            returns_by_group=self.returns_by_group)
        summary = metrics_mod.summarize(view)
        summary["kol_count"] = float(len(self.influencers))
        summary["kol_reached"] = float(sum(k.reached for k in self.influencers))
        daily = {k: v[: self.days + 1].copy() for k, v in self.daily.items()}
        daily["roas"] = metrics_mod.daily_roas(daily)
        return RunResult(summary, daily, self.graph, None, records)


def simulate_reference(scenario: Scenario, seed: SeedLike, graph: CSRGraph | None = None) -> RunResult:
    """Run ``scenario`` once with the Mesa-agent reference and return its result.

    Parameters
    ----------
    scenario : a validated ``Scenario`` (every mechanic of the engine is supported).
    seed : the run's SeedSequence or a non-negative int.
    graph : a prebuilt CSRGraph to use instead of building ``scenario.graph``.
    """
    model = ReferenceModel(scenario, seed, graph)
    model.run()
    return model.result()
