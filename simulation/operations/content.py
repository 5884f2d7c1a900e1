"""Content-driven operation (种草): platform recommendation amplified by content quality and UGC.

Each day in ``[start_day, end_day]`` the platform recommends the product to each person
independently with probability

    rate_t = min(1, recommend_rate * (1 + ugc_boost * ugc_{t-1} / n)),

where ``ugc_{t-1}`` is the number of user posts (UGC) made up to yesterday (picks by
geometric skipping on stream PLATFORM, b = 2t + 1). A recommendation is an exposure of
channel "platform" with source strength ``strength * quality``. Every buyer of day t
posts content with probability ``ugc_rate`` (draw ``uniform(key, CONTENT, i, t)``).
``cost_per_day`` is booked as ``content_spend`` on every active day. ``platform`` names
the declared platform that recommends (``simulation.platforms``; None: the first): of the
picks only its members are kept and the batch carries that platform (no change without
``[[platforms]]`` or when everybody is on it).
"""
from __future__ import annotations

import numpy as np
from pydantic import Field

from ..config.base import Label, Money, Probability, Window
from ..kernels.funnel import CH_PLATFORM, pick_below, skip_sample
from ..kernels.random import CONTENT, EVALUATE, PLATFORM
from ..platforms import layer_index
from .content_reference import ContentReference
from .base import Batch, Operation, Purchases
from .per_run import PersonBatch, days_on

SLOT = 2  # evaluation counter slot: b = 16 * day + SLOT


class ContentConfig(Window):
    """Parameters of the content-driven model."""

    enabled: bool = False
    quality: Probability = 0.7
    recommend_rate: Probability = 0.002
    strength: Probability = 0.05
    ugc_rate: Probability = 0.3
    ugc_boost: float = Field(20.0, ge=0.0)
    cost_per_day: Money = 0.0
    platform: Label | None = None  # the declared platform that recommends (None: the first)


class ContentOperation(Operation):
    """Runtime of the content-driven model for one run."""

    name = "content"
    label = "content-driven (种草)"
    config = ContentConfig
    reference = ContentReference
    payments = {"content_cost": "content_spend"}

    def __init__(self, cfg: ContentConfig, engine):
        super().__init__(cfg, engine)
        self.ugc = 0
        self.layer = engine.layers[layer_index(engine.scenario, cfg.platform)]
        self._on = days_on(cfg.active, engine.days)  # the window, by day
        self._batch = PersonBatch(CH_PLATFORM, EVALUATE)
        self._rate = self.rate()  # kept current as the posts add up (on_purchases)
        self._strength = cfg.strength * cfg.quality

    def rate(self) -> float:
        """Today's recommendation probability per person."""
        n = self.engine.n
        return min(1.0, self.cfg.recommend_rate * (1.0 + self.cfg.ugc_boost * self.ugc / n))

    def exposures(self, day: int) -> list[Batch]:
        """The day's recommendations (its cost booked); ``[]`` outside the window."""
        if not self._on[day]:
            return []
        eng, cost = self.engine, self.cfg.cost_per_day
        if cost > 0:
            eng.pay(day, "content_cost", -1, cost)
        people = self.layer.keep(skip_sample(eng.key, PLATFORM, 2 * day + 1, eng.n, self._rate))
        return [self._batch(people, self._strength, eng.price_today, 16 * day + SLOT, self.layer.index)]

    def on_purchases(self, day: int, purchases: Purchases) -> None:
        """Count the posts today's buyers make (nothing to draw when ``ugc_rate`` is 0)."""
        buyers = purchases["buyer"]
        if self.cfg.ugc_rate > 0 and len(buyers):
            posts = len(pick_below(buyers, self.cfg.ugc_rate, self.engine.key, CONTENT, day))
            if posts:
                self.ugc += posts
                self._rate = self.rate()


#: This module's model (``simulation.operations.MODULES``).
OPERATION = ContentOperation
