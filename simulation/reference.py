"""The readable reference: the same day as ``simulation.engine``, one Mesa agent per consumer.

This module is for reading, teaching and checking, not for speed. Every consumer is a
``Consumer(mesa.Agent)`` holding its attributes and state as plain Python attributes;
friends are a Python list of ``(Consumer, tie strength)`` pairs; each phase of the day
is one short loop over the people it concerns, calling a method named for the phase:

    expose -> evaluate -> purchase -> satisfy -> share

The rules are those written in the docstring of ``simulation.engine`` (the
specification of a day) and in the operation modules' docstrings
(``simulation.operations.content`` / ``relationship`` / ``event`` / ``crossover``). The
set-up (graph, consumer attributes, tie strengths, KOLs and their audiences, the
partner's audience) reuses the engine's set-up code, so a run starts from the same
population as ``engine.simulate`` with the same seed. The day loop is written again,
plainly, and draws its randomness from the Mesa model's own generators (``model.random``
for single decisions, ``model.rng`` to pick who sees a broadcast), *not* from the
engine's counter-based stream: the two implementations agree in distribution, not draw
for draw (``tests/test_reference.py`` checks that they do).

Every mechanic of the engine is covered: friend shares, KOL posts, platform
recommendation, social proof, price and price sensitivity, negative word of mouth,
sharing by interested non-buyers, repeat purchase, and the four operation models
(content; relationship incentives; events: campaign discounts, flash sales with stock,
coupons, group-buy, bargain; cross-over partner).

A day, in the order the engine runs it (synchronous: purchases of today change social
proof, negative word of mouth and shares only from tomorrow):

0. prices of the day (campaign and flash-sale discounts);
1. exposure, each exposure evaluated as soon as it arrives, in this order: friend
   shares of yesterday's sharers, KOL posts, platform recommendation, content
   recommendation, events (coupons handed out first, then campaign, flash-sale and
   coupon ads, group-buy invitations, bargain helpers, bargain initiators), partner
   posts. A person converts at most once a day: the first converting exposure wins;
2. purchase: today's converters in the order they converted, then repeat buyers, go
   through group-buy routing and flash-sale stock; then each purchase is booked at the
   price paid (``simulation.ledger``: routed price, less invitee discount, less coupon);
3. satisfaction, and negative word of mouth from dissatisfied purchasers;
4. sharing by today's satisfied purchasers and by interested non-buyers, plus adopters
   still talking (persistent word of mouth);
5. end of day: bargains start among the interested non-buyers; the day is recorded.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import mesa
import numpy as np

from . import ledger
from . import metrics as metrics_mod
from .config.scenario import Scenario
from .engine import RunResult
from .graph.csr import CSRGraph
from .kernels.funnel import CH_EVENT, CH_FRIEND, CH_KOL, CH_PARTNER, CH_PLATFORM, CH_SEED, CHANNELS
from .kol import build_kols, posts_in_window, posts_on
from .operations.crossover import partner_audience
from .population import draw_population
from .seeding import SeedLike, as_seed_sequence, generator, substream
from .ties import tie_strength

OPEN, SUCCESS, FAILED = 0, 1, 2  # group status, as in ``simulation.operations.event``


@dataclass
class Exposure:
    """One message reaching one person.

    channel : where it came from (``kernels.funnel.CH_*``), credited if it converts.
    strength : purchase probability at neutral factors (tie strength, credibility, ...).
    price : list price seen (currency, after the day's discounts).
    referrer : id of the friend whose share this is, or the index of the posting KOL (-1 otherwise).
    group : the group-buy this invitation is for (None otherwise).
    """

    channel: int
    strength: float
    price: float
    referrer: int = -1
    group: "Group | None" = None


@dataclass
class Order:
    """A purchase about to be booked: who, credited to which channel, at what price (currency)."""

    buyer: "Consumer"
    channel: int
    price: float
    referrer: int = -1
    in_group: bool = False  # a group-buy order: its price was fixed when the group opened
    invitation: "Group | None" = None  # the group-buy invitation this order accepts
    discount: float = 0.0  # list price - price paid, set when booked


@dataclass
class Group:
    """A group-buy (拼团): opened on ``open_day``, needs ``size`` members within the window."""

    id: int
    open_day: int
    members: list = field(default_factory=list)
    close_day: int = -1
    status: int = OPEN


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
        self.static = math.exp(fn.trust_weight * (trust - 0.5) + fn.interest_weight * (interest - 0.5))
        self.friends: list[tuple[Consumer, float]] = []  # out-neighbours and tie strength
        self.in_degree = 0
        # state
        self.exposed = self.interested = self.shared = self.bought = False
        self.negative = False
        self.satisfied = False  # with the last purchase
        self.friends_bought = 0  # in-neighbours who have bought
        self.negative_heard = 0  # negative messages received
        self.coupon = 0.0  # value of the coupon held (currency)
        self.group: Group | None = None  # the group-buy this person is waiting in
        self.pending: Order | None = None  # their order while waiting
        self.purchases = 0
        self.first_channel = -1
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
        self.evaluate(exposure, day)

    def purchase_probability(self, exposure: Exposure) -> float:
        """P of the engine's docstring: strength x trust/interest x quality x social proof x price x negative WOM."""
        m = self.model
        fn = m.scenario.funnel
        p = exposure.strength * self.static * m.quality_factor
        if self.in_degree > 0:
            p *= math.exp(fn.social_proof_weight * self.friends_bought / self.in_degree)
        discount = m.friend_discount if exposure.channel == CH_FRIEND else 0.0
        paid = max(0.0, exposure.price - self.coupon - discount)
        p *= math.exp(-self.price_sensitivity * paid / fn.reference_price)
        p *= (1.0 - fn.negative_impact) ** self.negative_heard
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
            m.converted.append(self)
        elif u < m.scenario.funnel.interest_ratio * p:
            self.mark("interested")
            if self.interest_day != day:
                self.interest_day = day
                m.interested_today.append(self)

    # -- 2. purchase ---------------------------------------------------------------------
    def join(self, group: Group, order: Order) -> None:
        """Wait in ``group`` with ``order`` until it fills (buy) or expires (cancelled)."""
        self.group = group
        self.pending = order
        group.members.append(self)

    def purchase(self, day: int, order: Order) -> None:
        """Book one purchase: coupon, incentives, content, and the first-purchase bookkeeping."""
        m = self.model
        rel = m.relationship
        via_share = order.channel == CH_FRIEND and order.referrer >= 0
        # discounts in the ledger's order: price rules and path (order.price), invitee discount, coupon
        left = max(0.0, order.price - (rel.invitee_discount if rel is not None and via_share else 0.0))
        redeemed = min(self.coupon, left)
        if redeemed > 0:
            self.coupon = 0.0
        list_price = m.scenario.product.price
        order.price = min(list_price, left - redeemed)
        order.discount = list_price - order.price
        if m.content is not None and m.content.ugc_rate > 0 and self.random.random() < m.content.ugc_rate:
            m.ugc += 1
        if order.channel == CH_KOL and order.referrer >= 0:
            rate = m.influencers[order.referrer].terms["commission_rate"]
            if rate > 0:
                m.pay(day, "kol_commission", rate * order.price)
        if rel is not None and via_share:
            if rel.referral_reward > 0:
                m.pay(day, "referral_reward", rel.referral_reward)
            if rel.commission_rate > 0:
                m.pay(day, "commission", rel.commission_rate * order.price)
        if not self.bought:
            self.bought = True
            m.people["bought"] += 1
            m.new_buyers += 1
            self.first_day = day
            self.first_channel = order.channel
            for friend, _ in self.friends:
                friend.friends_bought += 1
        self.mark("exposed")
        self.mark("interested")
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
        reached = 0
        for follower in self.followers:
            if self.random.random() < t["engagement_rate"]:
                reached += 1
                fit = t["fit"] if follower.interest >= fit_interest else 1.0
                follower.expose(Exposure(CH_KOL, min(1.0, t["credibility"] * fit), m.price_today, referrer=self.index),
                                day)
        self.reached += reached
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
        pop = draw_population(sc.population, g.n, generator(ss, "population"))
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
        kols = build_kols(sc.kol, g, pop.activity, pop.share_propensity, generator(ss, "kol"),
                          posts=posts_in_window(sc.kol, sc.days), base_dir=sc.base_dir)
        followers = kols.followers.tolist()
        self.influencers = [Influencer(self, k, [self.consumers[f] for f in followers[kols.indptr[k]:kols.indptr[k + 1]]],
                                       {t: float(v[k]) for t, v in kols.terms.items()}) for k in range(kols.count)]
        ops = sc.operations
        self.content = ops.content if ops.content.enabled else None
        self.relationship = ops.relationship if ops.relationship.enabled else None
        self.event = ops.event if ops.event.enabled else None
        self.crossover = ops.crossover if ops.crossover.enabled else None
        self.partner_audience = []
        if self.crossover is not None:
            ids = partner_audience(self.crossover, g.indptr, g.indices, generator(ss, "partner"))
            self.partner_audience = [self.consumers[i] for i in ids]
        # -- run-level quantities
        fn, product = sc.funnel, sc.product
        self.quality_factor = math.exp(fn.quality_weight * (product.quality - 0.5))
        self.p_satisfied = fn.quality_share * product.quality + (1 - fn.quality_share) * product.service
        rel = self.relationship
        self.friend_discount = rel.invitee_discount if rel is not None else 0.0
        self.share_multiplier = 1.0
        if rel is not None:
            bonus = rel.referral_reward + rel.commission_rate * product.price
            self.share_multiplier = 1.0 + rel.share_sensitivity * bonus / fn.reference_price
        ev = self.event
        self.flash_days = set(ev.flash_sale.days) if ev is not None and ev.flash_sale.enabled else set()
        self.stock_left = ev.flash_sale.stock if ev is not None and ev.flash_sale.stock > 0 else -1
        # -- run state
        self.people = {"exposed": 0, "interested": 0, "shared": 0, "bought": 0}
        self.daily = metrics_mod.new_daily(self.days)
        self.ugc = 0
        self.groups: list[Group] = []
        self.open_groups: list[Group] = []
        self.group_joiners: list[Consumer] = []  # joined yesterday: invite friends today
        self.bargainers: list[Consumer] = []  # started a bargain yesterday: ask friends today
        self.sharers: list[Consumer] = []  # shared yesterday: their friends see it today
        self.converted: list[Consumer] = []
        self.interested_today: list[Consumer] = []
        self.new_buyers = 0
        self.price_today = product.price
        self.day = 0
        self.datacollector = mesa.DataCollector(model_reporters={
            "exposed": lambda m: m.people["exposed"], "interested": lambda m: m.people["interested"],
            "buyers": lambda m: m.people["bought"], "sharers": lambda m: m.people["shared"]})
        self.seed_buyers()
        self.running = self.days > 0

    # -- helpers ---------------------------------------------------------------------------
    def pay(self, day: int, kind: str, amount: float) -> None:
        """Book a payment (currency) of ``kind`` (a key of ``ledger.PAYMENT_KINDS``) on ``day``."""
        self.daily[ledger.PAYMENT_KINDS[kind]][day] += amount

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
            if sc.seeding.count > self.n:
                raise ValueError(f"seeding.count: cannot pick {sc.seeding.count} seeds among {self.n} people")
            ids = sorted(self.random.sample(range(self.n), sc.seeding.count))
        price = 0.0 if sc.seeding.free else sc.product.price
        self.book(0, [Order(self.consumers[i], CH_SEED, price) for i in ids])

    # -- a day -----------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one day (phases 0-5 of the module docstring)."""
        if self.day >= self.days:
            raise RuntimeError(f"the horizon of {self.days} days is over")
        self.day = day = self.day + 1
        self.price_today = self.scenario.product.price * self.price_multiplier(day)
        self.converted, self.interested_today = [], []
        # 1. exposure (each exposure is evaluated on arrival)
        self.friend_shares(day)
        if self.influencers and self.scenario.kol.active(day) and posts_on(day, self.scenario.kol.posts_per_week):
            for kol in self.influencers:
                kol.post(day)
        self.platform_recommendations(day)
        if self.content is not None:
            self.content_recommendations(day)
        if self.event is not None:
            self.event_exposures(day)
        if self.crossover is not None:
            self.partner_posts(day)
        # 2. purchase: first and repeat purchases take the same route (group-buy, stock)
        orders = [Order(c, c.offer.channel, c.offer.price, c.offer.referrer, invitation=c.offer.group)
                  for c in self.converted]
        if self.scenario.product.repeat_rate > 0:
            orders += self.repeat_orders(day)
        if self.event is not None and self.event.groupbuy.enabled:
            orders = self.group_buy(day, orders)
        if day in self.flash_days and self.stock_left > 0:
            self.limit_stock(orders)
        self.book(day, orders)
        self.running = self.day < self.days

    def price_multiplier(self, day: int) -> float:
        """Discount multiplier of the list price on ``day`` (campaign, flash sale while stock lasts)."""
        ev, m = self.event, 1.0
        if ev is not None and ev.campaign.enabled and ev.campaign.active(day):
            m *= 1.0 - ev.campaign.discount
        if day in self.flash_days and self.stock_left != 0:
            m *= 1.0 - ev.flash_sale.discount
        return m

    def friend_shares(self, day: int) -> None:
        """Yesterday's sharers (in id order) reach each friend with the tie's strength."""
        for sharer in self.sharers:
            for friend, strength in sharer.friends:
                friend.expose(Exposure(CH_FRIEND, strength, self.price_today, referrer=sharer.index), day)

    def platform_recommendations(self, day: int) -> None:
        """The platform shows the product to each person with probability ``platform_rate``."""
        fn = self.scenario.funnel
        for person in self.each_with_probability(self.consumers, fn.platform_rate):
            person.expose(Exposure(CH_PLATFORM, fn.platform_strength, self.price_today), day)

    def content_recommendations(self, day: int) -> None:
        """Content model: recommendation rate grows with the UGC posted up to yesterday."""
        c = self.content
        if not c.active(day):
            return
        if c.cost_per_day > 0:
            self.pay(day, "content_cost", c.cost_per_day)
        rate = min(1.0, c.recommend_rate * (1.0 + c.ugc_boost * self.ugc / self.n))
        for person in self.each_with_probability(self.consumers, rate):
            person.expose(Exposure(CH_PLATFORM, c.strength * c.quality, self.price_today), day)

    def event_exposures(self, day: int) -> None:
        """Event model: coupons, campaign and flash-sale ads, group invitations, bargains."""
        ev, price = self.event, self.price_today
        setup = [(ev.campaign, ev.campaign.start_day), (ev.coupon, ev.coupon.start_day), (ev.groupbuy, 1),
                 (ev.bargain, 1)]
        cost = sum(b.setup_cost for b, first in setup if b.enabled and first == day)
        cost += ev.flash_sale.setup_cost if day in self.flash_days else 0.0
        if cost > 0:
            self.pay(day, "event_setup", cost)
        new_holders = []
        if ev.coupon.enabled and ev.coupon.active(day):
            # handed out before any event ad is evaluated, as in the engine; only to people it can still move
            for person in self.each_with_probability(self.consumers, ev.coupon.reach):
                if person.coupon == 0 and not person.bought and person.group is None and person.offer_day != day:
                    person.coupon = ev.coupon.value
                    new_holders.append(person)
        if ev.campaign.enabled and ev.campaign.active(day):
            for person in self.each_with_probability(self.consumers, ev.campaign.reach):
                person.expose(Exposure(CH_EVENT, ev.campaign.strength, price), day)
        if day in self.flash_days and self.stock_left != 0:
            for person in self.each_with_probability(self.consumers, ev.flash_sale.reach):
                person.expose(Exposure(CH_EVENT, ev.flash_sale.strength, price), day)
        for person in new_holders:
            person.expose(Exposure(CH_EVENT, ev.coupon.strength, price), day)
        group_price = price * (1.0 - ev.groupbuy.discount)
        for member in self.group_joiners:
            member.mark("shared")
            for friend, strength in member.friends:
                friend.expose(Exposure(CH_EVENT, strength, group_price, group=member.group), day)
        self.group_joiners = []
        helpers = []
        for initiator in self.bargainers:
            initiator.mark("shared")
            count = 0
            for friend, strength in initiator.friends:
                if self.random.random() < ev.bargain.help_prob:
                    count += 1
                    friend.expose(Exposure(CH_EVENT, strength, price), day)
            helpers.append(count)
        b = ev.bargain
        for initiator, count in zip(self.bargainers, helpers):
            cut = min(price, max(b.floor, price - b.step * count))
            initiator.expose(Exposure(CH_EVENT, b.strength, cut), day)
        self.bargainers = []

    def partner_posts(self, day: int) -> None:
        """Cross-over: on posting days the partner reaches each audience member with ``partner_reach``."""
        c = self.crossover
        if not (c.active(day) and posts_on(day, c.partner_posts_per_week)):
            return
        if c.partner_fee > 0:
            self.pay(day, "partner_fee", c.partner_fee)
        for person in self.each_with_probability(self.partner_audience, c.partner_reach):
            person.expose(Exposure(CH_PARTNER, c.partner_credibility, self.price_today), day)

    def group_buy(self, day: int, orders: list[Order]) -> list[Order]:
        """Route converters into groups; return the orders to book (plain ones and filled groups)."""
        gb = self.event.groupbuy
        plain, joiners = [], []
        for order in orders:
            person = order.buyer
            if order.invitation is not None:  # accepting a friend's invitation
                if order.invitation.status != OPEN:
                    continue  # the group closed: no order
                person.join(order.invitation, Order(person, order.channel, order.price, in_group=True))
            elif gb.initiate_prob > 0 and self.random.random() < gb.initiate_prob:
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

    def limit_stock(self, orders: list[Order]) -> None:
        """Flash-sale stock: today's buyers beyond it (in order) pay the price without the flash discount.

        Completed group-buys keep the price fixed when their group opened and use no stock.
        """
        d = self.event.flash_sale.discount
        today = [order for order in orders if not order.in_group]
        for order in today[self.stock_left:]:
            order.price /= 1.0 - d
        self.stock_left = max(0, self.stock_left - len(today))

    def repeat_orders(self, day: int) -> list[Order]:
        """Earlier buyers satisfied with their last purchase, not waiting in a group, buy again with ``repeat_rate``."""
        rate = self.scenario.product.repeat_rate
        out = []
        for person in self.consumers:
            if (person.bought and person.satisfied and person.group is None
                    and person.is_online(day) and self.random.random() < rate):
                out.append(Order(person, person.first_channel, self.price_today))
        return out

    def book(self, day: int, orders: list[Order]) -> None:
        """Phases 2 (booking) to 5 for the orders of ``day``."""
        fn, d = self.scenario.funnel, self.daily
        self.new_buyers = 0
        for order in orders:
            order.buyer.purchase(day, order)
        # 3. satisfaction, known before the buyer decides what to say
        happy = [o.buyer for o in orders if o.buyer.satisfy(self.p_satisfied)]
        unhappy = len(orders) - len(happy)
        # 4. sharing: satisfied purchasers share a positive review
        sharers = [b for b in happy if b.share(b.share_propensity * self.share_multiplier)]
        if fn.interested_share_rate > 0:
            for person in self.interested_today:
                if not person.bought and person.group is None and person.share(
                        person.share_propensity * self.share_multiplier * fn.interested_share_rate):
                    sharers.append(person)
        self.sharers = self.keep_talking(day, sharers)
        # 5. end of day
        ev = self.event
        if ev is not None and ev.bargain.enabled and self.interested_today:
            self.bargainers = sorted((p for p in self.interested_today if p.group is None and not p.bought
                                      and self.random.random() < ev.bargain.start_prob), key=lambda p: p.index)
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
        self.datacollector.collect(self)

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
        groups = {"open_day": np.array([g.open_day for g in self.groups], np.int64),
                  "close_day": np.array([g.close_day for g in self.groups], np.int64),
                  "members": np.array([len(g.members) for g in self.groups], np.int64),
                  "status": np.array([g.status for g in self.groups], np.int64)}
        view = SimpleNamespace(
            daily=self.daily, n=self.n, day=self.day, days=self.days, scenario=self.scenario,
            first_channel=np.array([c.first_channel for c in self.consumers], np.int8),
            bought=np.array([c.bought for c in self.consumers], bool),
            pop=SimpleNamespace(segment=np.array([c.segment for c in self.consumers], np.int8),
                                names=self.segment_names))
        summary = metrics_mod.summarize(view, {"groups": groups})
        summary["kol_count"] = float(len(self.influencers))
        summary["kol_reached"] = float(sum(k.reached for k in self.influencers))
        daily = {k: v[: self.days + 1].copy() for k, v in self.daily.items()}
        daily["roas"] = metrics_mod.daily_roas(daily)
        return RunResult(summary, daily, self.graph, None, {"groups": groups})


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
