"""The cross-over model for the per-agent reference (rules: ``simulation.operations.crossover``)."""
from __future__ import annotations

from ..kol import posts_on
from ..platforms import layer_index
from .reference_base import Exposure, ReferenceOperation


class CrossoverReference(ReferenceOperation):
    """On posting days the partner reaches each audience member with ``partner_reach``."""

    def __init__(self, cfg, model):
        super().__init__(cfg, model)
        from .crossover import partner_audience  # the same audience as the engine's (set-up code is shared)

        g = model.graph
        ids = partner_audience(cfg, g.indptr, g.indices, model.setup_rng("partner"))
        self.audience = [model.consumers[i] for i in ids]
        self.platform = layer_index(model.scenario, cfg.platform)

    def exposures(self, day: int) -> None:
        c, m = self.cfg, self.model
        if not (c.active(day) and posts_on(day, c.partner_posts_per_week)):
            return
        if c.partner_fee > 0:
            m.pay(day, "partner_fee", c.partner_fee)
        p = self.platform
        for person in m.each_with_probability(self.audience, c.partner_reach):
            if person.member_of[p]:  # the partner posts on platform p: its members only
                person.expose(Exposure(m.channel("partner"), c.partner_credibility, m.price_today, platform=p), day)
