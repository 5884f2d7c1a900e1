"""The content-driven model for the per-agent reference (rules: ``simulation.operations.content``)."""
from __future__ import annotations

from ..platforms import layer_index
from .reference_base import Exposure, ReferenceOperation


class ContentReference(ReferenceOperation):
    """Recommendations growing with the UGC posted up to yesterday; buyers post UGC."""

    def __init__(self, cfg, model):
        super().__init__(cfg, model)
        self.ugc = 0
        self.platform = layer_index(model.scenario, cfg.platform)

    def exposures(self, day: int) -> None:
        c, m = self.cfg, self.model
        if not c.active(day):
            return
        if c.cost_per_day > 0:
            m.pay(day, "content_cost", c.cost_per_day)
        rate = min(1.0, c.recommend_rate * (1.0 + c.ugc_boost * self.ugc / m.n))
        p = self.platform
        for person in m.each_with_probability(m.consumers, rate):
            if person.member_of[p]:  # recommended on platform p: its members only
                person.expose(Exposure(m.channel("platform"), c.strength * c.quality, m.price_today, platform=p), day)

    def on_purchase(self, day: int, order) -> None:
        if self.cfg.ugc_rate > 0 and self.model.random.random() < self.cfg.ugc_rate:
            self.ugc += 1
