"""What an operation model can add to a day: exposure batches, price rules, incentives.

An operation model is one module in ``simulation/operations/`` holding its pydantic
parameter block (``enabled`` plus its parameters) and an ``Operation`` subclass. The
engine calls the hooks below, in the phase order written in ``simulation.engine``; a
new operation model is a new module registered in ``simulation.operations.REGISTRY``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kernels.funnel import TAG_PLAIN


@dataclass
class Batch:
    """Exposures of one kind on one day, evaluated in one ``kernels.funnel.evaluate`` call.

    ``targets`` int32 people; ``strength`` float64 source strength (probability per
    exposure at neutral factors); ``price`` float64 list price seen (currency); the
    decision draw of exposure j is ``uniform(key, stream, a[j], b[j])``; ``ref`` int64
    is the sharer (friend shares) or group id (group invites) or -1.
    """

    channel: int
    stream: int
    targets: np.ndarray
    strength: np.ndarray
    price: np.ndarray
    a: np.ndarray
    b: np.ndarray
    ref: np.ndarray
    tag: int = TAG_PLAIN

    @classmethod
    def per_person(cls, channel: int, stream: int, people: np.ndarray, strength: float, price: float,
                   b: int, ref: int = -1, tag: int = TAG_PLAIN) -> "Batch":
        """A batch in which person i's draw is ``uniform(key, stream, i, b)``."""
        k = len(people)
        return cls(channel, stream, people.astype(np.int32), np.full(k, float(strength)), np.full(k, float(price)),
                   people.astype(np.int64), np.full(k, int(b), np.int64), np.full(k, int(ref), np.int64), tag)


#: Purchases of a day travel between the engine and the operations as a dict of equal-length
#: arrays: buyer (int64), channel (int8), price (float64: the price after the day's price
#: rules and the purchase path; at booking it becomes the price paid, and ``discount`` =
#: list price - paid is added), ref (int64 sharer / group / KOL / -1), tag (int8).
Purchases = dict[str, np.ndarray]


def empty_purchases() -> Purchases:
    """An empty purchase table."""
    return {"buyer": np.empty(0, np.int64), "channel": np.empty(0, np.int8), "price": np.empty(0),
            "ref": np.empty(0, np.int64), "tag": np.empty(0, np.int8)}


def concat_purchases(*parts: Purchases) -> Purchases:
    """Concatenate purchase tables in order."""
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def select(p: Purchases, mask: np.ndarray) -> Purchases:
    """Rows of ``p`` where ``mask`` holds."""
    return {k: v[mask] for k, v in p.items()}


class Operation:
    """Base of the operation models; every hook defaults to 'adds nothing'."""

    name = "operation"

    def __init__(self, cfg, engine):
        self.cfg = cfg
        self.engine = engine

    def price_multiplier(self, day: int) -> float:
        """Multiplier of the list price on ``day`` (e.g. 0.8 during a 20 % campaign discount)."""
        return 1.0

    def share_multiplier(self) -> float:
        """Multiplier of every person's share propensity (incentives raise it)."""
        return 1.0

    def friend_discount(self) -> float:
        """Discount (currency) an invitee gets on a purchase through a friend's share."""
        return 0.0

    def price_cut(self, purchases: Purchases) -> np.ndarray:
        """Currency taken off each purchase's price at booking (invitee discount); see ``simulation.ledger``."""
        return np.zeros(len(purchases["buyer"]))

    def exposures(self, day: int) -> list[Batch]:
        """Exposure batches this operation adds on ``day``."""
        return []

    def route(self, day: int, purchases: Purchases) -> Purchases:
        """Take, change or add today's purchases before they are booked (group-buy, stock)."""
        return purchases

    def on_purchases(self, day: int, purchases: Purchases) -> None:
        """React to the purchases booked today (rewards, commissions, content)."""

    def after_day(self, day: int, interested_today: np.ndarray) -> None:
        """End-of-day bookkeeping; ``interested_today`` are people newly interested, not buying."""
