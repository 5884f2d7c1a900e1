"""The loyalty-points programme for the per-agent reference (rules: ``simulation.operations.points``)."""
from __future__ import annotations

import numpy as np

from .reference_base import ReferenceOperation


class PointsReference(ReferenceOperation):
    """Each person's point balance: earned per purchase and share, redeemed at booking, raising repeat purchase."""

    def __init__(self, cfg, model):
        super().__init__(cfg, model)
        self.points = [0.0] * model.n
        self.issued = 0.0
        self.redeemed = 0.0

    def _value(self, person) -> float:
        return self.points[person.index] * self.cfg.point_value

    def price_reduction(self, person) -> float:
        return self._value(person)

    def redeem(self, order, left: float) -> float:
        if self.cfg.point_value <= 0:
            return 0.0
        taken = min(self._value(order.buyer), left)
        used = taken / self.cfg.point_value
        i = order.buyer.index
        self.points[i] = max(0.0, self.points[i] - used)
        self.redeemed += used
        return taken

    def on_purchase(self, day: int, order) -> None:
        if self.cfg.active(day):
            earned = self.cfg.per_currency * order.price
            self.points[order.buyer.index] += earned
            self.issued += earned

    def after_sharing(self, day: int, sharers: list) -> None:
        if self.cfg.active(day):
            for person in sharers:
                self.points[person.index] += self.cfg.per_share
                self.issued += self.cfg.per_share

    def repeat_factor(self, person) -> float:
        price = self.model.list_price  # the current version's list price
        share = min(1.0, self._value(person) / price) if price > 0 else float(self._value(person) > 0)
        return 1.0 + self.cfg.repeat_boost * share

    def record_day(self, day: int, daily: dict) -> None:
        daily["points_outstanding"][day] = sum(self.points)

    def summary(self) -> dict[str, float]:
        out = float(np.sum(self.points))
        return {"points_issued": self.issued, "points_redeemed": self.redeemed, "points_outstanding": out,
                "points_liability": out * self.cfg.point_value}
