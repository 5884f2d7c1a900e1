"""The objects that couple a market's engines (``simulation.market.run`` says when each acts).

Each is an ``Operation`` outside the registry, attached to the engine it acts in
(``Engine.attach``): it uses the ordinary hooks of the operation-model contract
(``purchase_factor`` row, ``exposures``, ``price_cut``, ``route``) and the market calls
its ``end_of_day(day, new)`` after every engine has stepped (``new``: ``id(engine)`` ->
the people whose first purchase of its product was today, for every engine (none before
its launch).

Evaluation counters reserved by the market (``uniform(key, EVALUATE, i, 16 t + slot)``,
in the key of the engine named): ``SLOT_BUNDLE`` (our engine: does first-time buyer i
take the bundle), ``SLOT_PICK`` (the target's: is buyer i of day t shown the other
product), ``SLOT_CROSS_SELL`` (the target's: evaluation of that cross-sell exposure on day t).
"""
from __future__ import annotations

import numpy as np

from ..engine import Engine
from ..kernels import funnel as F
from ..kernels.random import EVALUATE
from ..operations.base import Batch, Operation, Purchases

SLOT_BUNDLE, SLOT_PICK, SLOT_CROSS_SELL = 13, 14, 15


def new_buyers(eng: Engine, day: int) -> np.ndarray:
    """People whose first purchase of ``eng``'s product was on ``day`` (``eng`` stepped or was seeded that day)."""
    b = eng.last_buyers
    return np.unique(b[eng.first_day[b] == day])


class Coupling(Operation):
    """Base of the market's coupling objects (attached to ``target``; end-of-day update)."""

    name = "market"
    label = "market coupling"

    def __init__(self, target: Engine):
        super().__init__(None, target)
        self.target = target

    def end_of_day(self, day: int, new: dict[int, np.ndarray]) -> None:
        """Update after day ``day`` (``new``: today's first buyers of each engine that ran it, by ``id``)."""


class Relation(Coupling):
    """Complements and substitutes: the target's purchase probability x ``factor`` for buyers of ``source``.

    A person's factor row in the target is the product of the factors of every related
    product they have bought (first purchase; from the day after it on: synchronous).
    """

    def __init__(self, target: Engine, source: Engine, factor: float):
        super().__init__(target)
        self.source, self.factor = source, float(factor)

    def purchase_factor(self, row: np.ndarray) -> None:
        first = getattr(self, "row", None) is None  # handed again (Engine.attach): the row holds our values
        self.row = row
        if first:
            row[new_buyers(self.source, 0)] *= self.factor  # the source's seeds (day 0)

    def end_of_day(self, day, new):
        if id(self.source) in new:
            self.row[new[id(self.source)]] *= self.factor


class NegativeSwitch(Coupling):
    """Negative word of mouth about the other brand helps: x ``(1 + rate) ** heard`` for the target.

    ``heard`` is the number of negative words person i has heard about the ``sources``
    (the other brand's products) by the end of yesterday.
    """

    def __init__(self, target: Engine, sources: list[Engine], rate: float):
        super().__init__(target)
        self.sources, self.base = sources, 1.0 + float(rate)

    def purchase_factor(self, row: np.ndarray) -> None:
        first = getattr(self, "row", None) is None  # handed again (Engine.attach): the row holds our values
        self.row = row
        if first:
            self.last = np.zeros(len(row), np.int64)
            self.end_of_day(0, {})

    def end_of_day(self, day, new):
        heard = self.sources[0].neg_heard if len(self.sources) == 1 else sum(s.neg_heard for s in self.sources)
        changed = np.flatnonzero(heard != self.last)  # words are only ever added: few people change a day
        self.last[changed] = heard[changed]
        self.row[changed] = self.base ** self.last[changed]


class CrossSell(Coupling):
    """Cross-sell on the brand's own channels: buyers of ``source`` are shown the target next day.

    Each first-time buyer i of the source on day t who has not bought the target is
    picked iff ``uniform(key_target, EVALUATE, i, 16 t + SLOT_PICK) < rate``; on day t+1
    the picked are one batch of the target's channel ``cross_sell`` (strength
    ``strength``, today's price, draw ``uniform(key_target, EVALUATE, i, 16 (t+1) +
    SLOT_CROSS_SELL)``), evaluated after the operation models' batches; each message costs
    ``cost`` (payment kind ``cross_sell``, content spend of the target's ledger).
    """

    def __init__(self, target: Engine, source: Engine, rate: float, strength: float, cost: float):
        super().__init__(target)
        self.source, self.rate, self.strength, self.cost = source, rate, strength, cost
        self.queue, self.queue_day = np.empty(0, np.int64), -1
        self.sent = 0

    def exposures(self, day: int) -> list[Batch]:
        if self.queue_day != day or len(self.queue) == 0:
            return []
        people, eng = self.queue, self.target
        self.sent += len(people)
        if self.cost > 0:
            eng.pay(day, "cross_sell", -1, self.cost * len(people))
        return [Batch.per_person(eng.channel("cross_sell"), EVALUATE, people, self.strength, eng.price_today,
                                 16 * day + SLOT_CROSS_SELL)]

    def end_of_day(self, day, new):
        if id(self.source) not in new:
            return
        new = new[id(self.source)]
        new = new[~self.target.bought[new]]
        pick = F.draw_below(new, np.full(len(new), self.rate), self.target.key, EVALUATE, 16 * day + SLOT_PICK)
        self.queue, self.queue_day = new[pick], day + 1


class BundleTake(Coupling):
    """The bundled product's side of a bundle: today's bundle buyers buy it at their share of the bundle price.

    ``route`` drops any other purchase of the target by a bundle buyer today and adds
    one purchase per bundle buyer (channel ``bundle``, price = the target's share).
    """

    def __init__(self, target: Engine):
        super().__init__(target)
        self.people, self.price, self.day = np.empty(0, np.int64), np.empty(0), -1

    def route(self, day: int, purchases: Purchases) -> Purchases:
        if self.day != day or len(self.people) == 0:
            return purchases
        keep = ~np.isin(purchases["buyer"], self.people)
        out = {k: v[keep] for k, v in purchases.items()}
        k = len(self.people)
        add = {"buyer": self.people, "channel": np.full(k, self.target.channel("bundle"), np.int8),
               "price": self.price, "ref": np.full(k, -1, np.int64), "tag": np.zeros(k, np.int8)}
        return {key: np.concatenate([out[key], add[key].astype(out[key].dtype)]) for key in out}


class Bundle(Coupling):
    """Our side of a bundle: a first-time buyer of ours takes the bundle with probability ``rate``.

    Eligible: first purchases of ours on day t >= the bundled product's launch day by
    people who have not bought it and are not pending in it (its state at the end of
    day t-1); taken iff ``uniform(key_ours, EVALUATE, i, 16 t + SLOT_BUNDLE) < rate``.
    The bundle price is split by list price: our share ``bundle_price * p_ours / (p_ours
    + p_other)`` (today's list prices), the other product's the rest. Booking: our
    purchase gets ``price_cut = max(0, offer - our share)`` (so we book our share, or
    less when the day's offer is already lower; balances redeem after it), the
    bundled product books its share the same day (``BundleTake``, channel ``bundle``).
    Each ledger books its own revenue, its own cost of goods and, as ``discount_cost``,
    its list price minus its share: the two ledgers together received the bundle price.
    """

    def __init__(self, ours: Engine, take: BundleTake, rate: float, bundle_price: float):
        super().__init__(ours)
        self.take, self.rate, self.bundle_price = take, rate, bundle_price
        self.count = 0

    def price_cut(self, purchases: Purchases) -> np.ndarray:
        eng, other, day = self.target, self.take.target, self.target.day
        buyers = purchases["buyer"]
        cut = np.zeros(len(buyers))
        if day < other.scenario.product.launch_day or len(buyers) == 0:
            return cut
        ok = ~eng.bought[buyers] & ~other.bought[buyers] & (other.pending[buyers] < 0)
        ok &= F.draw_below(buyers, np.where(ok, self.rate, 0.0), eng.key, EVALUATE, 16 * day + SLOT_BUNDLE)
        ok &= ~_repeated(buyers)
        p0, p1 = eng.list_price, other.list_price
        mine = self.bundle_price * p0 / (p0 + p1) if p0 + p1 > 0 else 0.0
        cut[ok] = np.maximum(0.0, purchases["price"][ok] - mine)
        self.take.people, self.take.day = buyers[ok].astype(np.int64), day
        self.take.price = np.full(int(ok.sum()), self.bundle_price - mine)
        self.count += int(ok.sum())
        return cut


def _repeated(a: np.ndarray) -> np.ndarray:
    """Mask of entries equal to an earlier entry of ``a`` (one bundle per person)."""
    _, first = np.unique(a, return_index=True)
    out = np.ones(len(a), bool)
    out[first] = False
    return out
