"""Two-level distribution for the per-agent reference (rules: ``simulation.operations.distribution``)."""
from __future__ import annotations

from ..kernels.funnel import CH_FRIEND
from .reference_base import ReferenceOperation


class DistributionReference(ReferenceOperation):
    """Each person's referrer; commissions to the sharer and the sharer's referrer, one order at a time."""

    def __init__(self, cfg, model):
        from .distribution import share_boost  # the engine module's definition (it imports this class)

        super().__init__(cfg, model)
        sc = model.scenario
        self.boost = share_boost(cfg, sc.product.price, sc.funnel.reference_price)
        self.referrer = [-1] * model.n
        self.new_referrers: list[tuple[int, int]] = []  # today's, recorded at the end of the day
        self.earned = [0.0] * model.n
        self.level = [0.0, 0.0]

    def _distributor(self, person, day: int) -> bool:
        return self.cfg.distributors == "anyone" or 0 <= person.first_day < day

    def _pay(self, day: int, kind: str, level: int, person, amount: float) -> None:
        self.model.pay(day, kind, amount)
        self.earned[person.index] += amount
        self.level[level] += amount

    def on_purchase(self, day: int, order) -> None:
        c, m = self.cfg, self.model
        if order.channel != CH_FRIEND or order.referrer < 0:
            return
        if not order.buyer.bought:
            self.new_referrers.append((order.buyer.index, order.referrer))
        sharer = m.consumers[order.referrer]
        if not (c.active(day) and self._distributor(sharer, day)):
            return
        if c.level1_rate > 0:
            self._pay(day, "distribution_level1", 0, sharer, c.level1_rate * order.price)
        up = self.referrer[sharer.index]
        if c.level2_rate > 0 and up >= 0 and self._distributor(m.consumers[up], day):
            self._pay(day, "distribution_level2", 1, m.consumers[up], c.level2_rate * order.price)

    def after_day(self, day: int, interested_today: list) -> None:
        for buyer, sharer in self.new_referrers:
            self.referrer[buyer] = sharer
        self.new_referrers = []

    def share_factor(self, person) -> float:
        if not self.cfg.active(self.model.day):
            return 1.0
        return self.boost if (self.cfg.distributors == "anyone" or person.bought) else 1.0

    def summary(self) -> dict[str, float]:
        return {"distribution_level1": self.level[0], "distribution_level2": self.level[1],
                "distributors": float(sum(1 for e in self.earned if e > 0))}
