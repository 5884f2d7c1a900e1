"""What the per-agent reference (``simulation.reference``) and the models' counterparts share.

``Exposure`` and ``Order`` are the reference's messages and orders; ``ReferenceOperation``
is the base of each operation model's plain per-agent counterpart (the hooks listed in
``simulation.operations.base``'s docstring, all neutral here). Kept apart from
``simulation.reference`` so an operation module can import its counterpart without
importing the engine.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Exposure:
    """One message reaching one person.

    channel : where it came from (a channel id of ``simulation.operations.CHANNELS``), credited if it converts.
    strength : purchase probability at neutral factors (tie strength, credibility, ...).
    price : list price seen (currency, after the day's discounts).
    referrer : id of the friend whose share this is, or the index of the posting KOL (-1 otherwise).
    group : the group-buy this invitation is for (None otherwise).
    platform : index of the platform it travels on (``simulation.platforms``; 0 = the first).
    """

    channel: int
    strength: float
    price: float
    referrer: int = -1
    group: Any = None
    platform: int = 0


@dataclass
class Order:
    """A purchase about to be booked: who, credited to which channel, at what price (currency)."""

    buyer: Any
    channel: int
    price: float
    referrer: int = -1
    in_group: bool = False  # a group-buy order: its price was fixed when the group opened
    invitation: Any = None  # the group-buy invitation this order accepts
    discount: float = 0.0  # list price - price paid, set when booked
    platform: int = 0  # index of the platform it comes through (``simulation.platforms``), set when booked


#: Hooks the reference day calls only for the counterparts that override them.
REFERENCE_HOOKS = ("price_multiplier", "price_reduction", "purchase_factor", "exposures", "repeat_factor", "route",
                   "price_cut", "redeem", "on_purchase", "satisfaction", "share_factor", "after_sharing", "after_day",
                   "record_day")


class ReferenceOperation:
    """Base of an operation model's per-agent counterpart: ``cls(cfg, model)``; every hook neutral.

    cfg : the model's config block; model : the ``simulation.reference.ReferenceModel``.
    """

    def __init__(self, cfg, model):
        self.cfg = cfg
        self.model = model

    def friend_discount(self) -> float:
        """Currency off friend-share exposures at evaluation."""
        return 0.0

    def share_multiplier(self) -> float:
        """Multiplier of every share propensity."""
        return 1.0

    def price_multiplier(self, day: int) -> float:
        """Multiplier of the list price on ``day``."""
        return 1.0

    def price_reduction(self, person) -> float:
        """Currency off the price ``person`` sees at evaluation."""
        return 0.0

    def purchase_factor(self, person) -> float:
        """Factor of ``person``'s purchase probability."""
        return 1.0

    def exposures(self, day: int) -> None:
        """Expose people (``person.expose(Exposure(...), day)``) on ``day``."""

    def repeat_factor(self, person) -> float:
        """Factor of ``product.repeat_rate`` for ``person``."""
        return 1.0

    def route(self, day: int, orders: list) -> list:
        """Take, change or add today's orders (first and repeat) before booking."""
        return orders

    def price_cut(self, order) -> float:
        """Currency off ``order`` at booking (before balances)."""
        return 0.0

    def redeem(self, order, left: float) -> float:
        """Currency redeemed from a balance the buyer holds, at most ``left``."""
        return 0.0

    def on_purchase(self, day: int, order) -> None:
        """React to one booked order (``order.price`` is the price paid)."""

    def satisfaction(self, day: int, order, p: float) -> float:
        """Satisfaction probability of ``order``, given ``p`` (the probability so far)."""
        return p

    def share_factor(self, person) -> float:
        """Factor of ``person``'s share propensity."""
        return 1.0

    def after_sharing(self, day: int, sharers: list) -> None:
        """React to today's sharers (each one share)."""

    def after_day(self, day: int, interested_today: list) -> None:
        """End-of-day bookkeeping; ``interested_today`` are the people newly interested today."""

    def record_day(self, day: int, daily: dict) -> None:
        """Write the model's declared daily series for ``day``."""

    def summary(self) -> dict[str, float]:
        """The model's declared metrics."""
        return {}

    def records(self) -> dict:
        """Extra record tables (as the engine's)."""
        return {}
