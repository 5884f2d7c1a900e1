"""Loyalty points programme: earn points per purchase and per share, redeem them as a discount.

In ``[start_day, end_day]`` every purchase earns ``per_currency`` points per currency unit
paid (after discounts and redemption) and every share — a buyer's review or an
interested person's share, each talking day of persistent word of mouth included —
earns ``per_share`` points to the sharer. Points never expire and are worth
``point_value`` currency each:

* at evaluation the balance lowers the price its holder sees (a price reduction of
  ``points_i * point_value``, like a coupon), so points earned by sharing pull sharers
  who have not bought yet towards a first purchase;
* at booking the balance is redeemed up to the price left after the other discounts
  (after a coupon: ``simulation.ledger``); what it takes off is ``discount_cost``, never
  spend — points cost nothing until they are redeemed;
* a member's repeat-purchase probability is ``repeat_rate * (1 + repeat_boost *
  min(1, points_i * point_value / list price))`` (capped at 1; the current list price:
  ``product.price`` or a later version's): a balance worth
  the list price multiplies it by ``1 + repeat_boost``. With ``product.repeat_rate``
  0 nobody repeats, points or not.

Readouts: summary ``points_issued``, ``points_redeemed``, ``points_outstanding`` (points)
and ``points_liability`` (their value, currency); daily ``points_outstanding`` (end of day).
"""
from __future__ import annotations

import numpy as np
from pydantic import Field

from ..config.base import Money, Window
from .base import Operation, Purchases
from .points_reference import PointsReference


class PointsConfig(Window):
    """Parameters of the loyalty-points programme (earning window ``[start_day, end_day]``)."""

    enabled: bool = False
    per_currency: float = Field(1.0, ge=0.0)  # points earned per currency unit paid
    per_share: float = Field(20.0, ge=0.0)  # points earned per share
    point_value: Money = 0.01  # currency per point redeemed
    repeat_boost: float = Field(1.0, ge=0.0)  # repeat factor at a balance worth the list price, minus 1


def repeat_factor(value: np.ndarray, list_price: float, boost: float) -> np.ndarray:
    """Factor of the repeat rate for balances worth ``value`` (currency): 1 + boost * min(1, value / list price)."""
    share = np.minimum(1.0, value / list_price) if list_price > 0 else np.where(value > 0, 1.0, 0.0)
    return 1.0 + boost * share


class PointsOperation(Operation):
    """Runtime of the loyalty-points programme for one run."""

    name = "points"
    label = "loyalty points"
    config = PointsConfig
    reference = PointsReference
    metrics = {"points_issued": 0.0, "points_redeemed": 0.0, "points_outstanding": 0.0, "points_liability": 0.0}
    series = ("points_outstanding",)

    def __init__(self, cfg: PointsConfig, engine):
        super().__init__(cfg, engine)
        self.points = np.zeros(engine.n)
        self.value = np.zeros(engine.n)  # replaced by the engine's evaluation row
        self.issued = 0.0
        self.redeemed = 0.0

    def price_reduction(self, row: np.ndarray) -> None:
        self.value = row

    def _earn(self, people: np.ndarray, points: np.ndarray) -> None:
        np.add.at(self.points, people, points)
        self.issued += float(points.sum())
        self.value[people] = self.points[people] * self.cfg.point_value

    def redeem(self, day: int, purchases: Purchases, left: np.ndarray) -> np.ndarray:
        c = self.cfg
        buyers = purchases["buyer"]
        if c.point_value <= 0:
            return np.zeros(len(left))
        # nobody buys twice on one day (converters have not bought; repeaters are not pending)
        taken = np.minimum(self.value[buyers], left)
        used = taken / c.point_value
        self.points[buyers] = np.maximum(0.0, self.points[buyers] - used)
        self.value[buyers] = self.points[buyers] * c.point_value
        self.redeemed += float(used.sum())
        return taken

    def on_purchases(self, day: int, purchases: Purchases) -> None:
        if self.cfg.active(day) and self.cfg.per_currency > 0 and len(purchases["buyer"]):
            self._earn(purchases["buyer"], self.cfg.per_currency * purchases["price"])

    def after_sharing(self, day: int, sharers: np.ndarray) -> None:
        if self.cfg.active(day) and self.cfg.per_share > 0 and len(sharers):
            self._earn(sharers, np.full(len(sharers), self.cfg.per_share))

    def repeat_factor(self, people: np.ndarray) -> np.ndarray:
        return repeat_factor(self.value[people], self.engine.list_price, self.cfg.repeat_boost)

    def repeat_factor_bound(self) -> float:
        return 1.0 + self.cfg.repeat_boost

    def record_day(self, day: int, daily: dict[str, np.ndarray]) -> None:
        daily["points_outstanding"][day] = self.points.sum()

    def summary(self) -> dict[str, float]:
        out = float(self.points.sum())
        return {"points_issued": self.issued, "points_redeemed": self.redeemed, "points_outstanding": out,
                "points_liability": out * self.cfg.point_value}


#: This module's model (``simulation.operations.MODULES``).
OPERATION = PointsOperation
