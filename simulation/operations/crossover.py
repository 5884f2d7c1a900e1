"""Cross-over operation (跨界融合): a partner brand's audience reached by co-branded content.

The partner's audience is ``partner_audience_share`` x n people: with
``partner_audience = "community"`` a breadth-first ball of the graph around a random
centre (a contiguous community the brand's own seeds need not reach; further random
centres if the component is too small), with ``"random"`` a uniform sample (stream
"partner"). The partner posts ``partner_posts_per_week`` times a week in
``[start_day, end_day]`` (same schedule rule as KOLs); each post reaches each audience
member with probability ``partner_reach`` (geometric skipping, stream PARTNER, b = day)
as an exposure of channel "partner" with strength ``partner_credibility``. Each post
costs ``partner_fee`` (``partner_spend``). ``platform`` names the declared platform the
partner posts on (``simulation.platforms``; None: the first): the audience is built as
above on the scenario graph, each post's reach is drawn over it as above, and only the
platform's members among the reached are kept (the batch carries that platform).
"""
from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..config.base import Label, Money, Probability, Window
from ..graph.traversal import bfs_balls
from ..kernels.funnel import skip_sample
from ..kernels.random import EVALUATE, PARTNER
from ..kol import posts_on
from ..platforms import layer_index
from .crossover_reference import CrossoverReference
from .base import Batch, Operation
from .per_run import PersonBatch, days_on

SLOT = 7


class CrossoverConfig(Window):
    """Parameters of the cross-over model."""

    enabled: bool = False
    partner_audience: Literal["community", "random"] = "community"
    partner_audience_share: Probability = 0.2
    partner_reach: Probability = 0.05
    partner_credibility: Probability = 0.05
    partner_posts_per_week: float = Field(2.0, ge=0.0, le=7.0)
    partner_fee: Money = 0.0
    platform: Label | None = None  # the declared platform the partner posts on (None: the first)


def partner_audience(cfg: CrossoverConfig, indptr: np.ndarray, indices: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return the sorted ids (int64) of the partner's audience.

    ``community``: the breadth-first order of the graph from a random centre, truncated
    at the audience size; when the centre's component is too small, the next centre (in
    a random order of everyone) that lies in a component not yet taken continues it.
    """
    n = len(indptr) - 1
    size = int(round(cfg.partner_audience_share * n))
    if cfg.partner_audience == "random":
        return np.sort(rng.choice(n, size=size, replace=False)).astype(np.int64)
    ball, got = bfs_balls(indptr, indices, rng.permutation(n), size)
    return np.sort(ball[:got])


class CrossoverOperation(Operation):
    """Runtime of the cross-over model for one run."""

    name = "crossover"
    label = "cross-over (跨界融合)"
    config = CrossoverConfig
    reference = CrossoverReference
    payments = {"partner_fee": "partner_spend"}
    channels = ("partner",)

    def __init__(self, cfg: CrossoverConfig, engine):
        super().__init__(cfg, engine)
        self.channel = engine.channel("partner")
        self.audience = partner_audience(cfg, engine.graph.indptr, engine.graph.indices, engine.rng("partner"))
        self.layer = engine.layers[layer_index(engine.scenario, cfg.platform)]
        # the partner's posting days (window and schedule), by day
        self._posts = days_on(lambda d: cfg.active(d) and posts_on(d, cfg.partner_posts_per_week), engine.days)
        self._batch = PersonBatch(self.channel, EVALUATE)

    def exposures(self, day: int) -> list[Batch]:
        """The day's post reaching part of the audience (its fee booked); ``[]`` on a day without a post."""
        if not self._posts[day]:
            return []
        c, eng = self.cfg, self.engine
        if c.partner_fee > 0:
            eng.pay(day, "partner_fee", -1, c.partner_fee)
        people = self.layer.keep(self.audience[skip_sample(eng.key, PARTNER, day, len(self.audience), c.partner_reach)])
        return [self._batch(people, c.partner_credibility, eng.price_today, 16 * day + SLOT, self.layer.index)]


#: This module's model (``simulation.operations.MODULES``).
OPERATION = CrossoverOperation
