"""Two-level distribution (分销): commissions to the sharer of a converting share and to that sharer's own referrer.

The referral tree: a person's *referrer* is the sharer whose friend share converted them
at their first purchase (channel "friend" with a known sharer); seeds and people whose
first purchase came through any other channel (KOL, platform, a group-buy invitation,
...) have none. Only *distributors* earn: with ``distributors = "buyers"`` (the usual
分销 rule: buying makes you a distributor) a person who had bought before the day of the
purchase, with ``"anyone"`` every sharer. For each purchase booked in ``[start_day,
end_day]`` through a friend's share (the sharer known: first purchases; a repeat
purchase has no referrer):

* level 1: ``level1_rate`` x the price paid to the sharer, if a distributor
  (kind "distribution_level1");
* level 2: ``level2_rate`` x the price paid to the sharer's referrer, if the sharer and
  the referrer are distributors (kind "distribution_level2"). Never more than two
  levels: the referrer's own referrer earns nothing.

Both book to ``incentive_spend`` (payee = the person paid). Referrers are recorded at the
end of each day's booking, so a commission looks at the tree as it stood before the day.

The incentive: a distributor's share propensity is multiplied by
``1 + share_sensitivity * level1_rate * product.price / funnel.reference_price`` inside
the window (the commission one converted share earns at the list price, relative to the
reference price; the same scale as the relationship model's share multiplier); with
``distributors = "buyers"`` only buyers get it (interested non-buyers are not
distributors), ``share_sensitivity`` 0 turns it off.

How this differs from the relationship model (``simulation.operations.relationship``):
that model pays the direct inviter of every friend-share purchase a flat reward and/or a
one-level commission, gives the invitee a discount, and raises *everyone's* share
propensity; this one pays along two levels of the referral tree, only distributors, and
raises only distributors' propensity. Both may be on: their payments add up.

Readouts: summary ``distribution_level1``, ``distribution_level2`` (commissions,
currency) and ``distributors`` (people paid at least one commission); the referral
tree is the purchase records' ``ref`` of first purchases through channel "friend".
"""
from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..config.base import Probability, Window
from ..kernels.funnel import CH_FRIEND
from .base import Operation, Purchases
from .distribution_reference import DistributionReference


class DistributionConfig(Window):
    """Commission rates of the two levels, who may earn, and how much the commission moves sharing."""

    enabled: bool = False
    level1_rate: Probability = 0.1  # x price paid, to the sharer whose share converted the buyer
    level2_rate: Probability = 0.05  # x price paid, to that sharer's referrer (0: one level)
    distributors: Literal["buyers", "anyone"] = "buyers"  # who earns: people who have bought, or every sharer
    share_sensitivity: float = Field(1.0, ge=0.0)  # share propensity factor per unit of commission / reference price


def share_boost(cfg: DistributionConfig, price: float, reference_price: float) -> float:
    """A distributor's share-propensity factor: 1 + share_sensitivity * level1_rate * price / reference_price."""
    return 1.0 + cfg.share_sensitivity * cfg.level1_rate * price / reference_price


class DistributionOperation(Operation):
    """Runtime of two-level distribution for one run."""

    name = "distribution"
    label = "two-level distribution (分销)"
    config = DistributionConfig
    reference = DistributionReference
    payments = {"distribution_level1": "incentive_spend", "distribution_level2": "incentive_spend"}
    metrics = {"distribution_level1": 0.0, "distribution_level2": 0.0, "distributors": 0.0}

    def __init__(self, cfg: DistributionConfig, engine):
        super().__init__(cfg, engine)
        self.referrer = np.full(engine.n, -1, np.int64)
        self.earned = np.zeros(engine.n)
        self.level = [0.0, 0.0]
        sc = engine.scenario
        self.boost = share_boost(cfg, sc.product.price, sc.funnel.reference_price)

    def _distributor(self, people: np.ndarray, day: int) -> np.ndarray:
        if self.cfg.distributors == "anyone":
            return np.ones(len(people), bool)
        first = self.engine.first_day[people]
        return (first >= 0) & (first < day)

    def _pay(self, day: int, kind: str, level: int, payees: np.ndarray, amounts: np.ndarray) -> None:
        if len(payees) == 0:
            return
        self.engine.pay(day, kind, payees, amounts)
        np.add.at(self.earned, payees, amounts)
        self.level[level] += float(amounts.sum())

    def on_purchases(self, day: int, purchases: Purchases) -> None:
        c, eng = self.cfg, self.engine
        via = (purchases["channel"] == CH_FRIEND) & (purchases["ref"] >= 0)
        if not via.any():
            return
        buyers, sharers, price = purchases["buyer"][via], purchases["ref"][via], purchases["price"][via]
        if c.active(day):
            ok = self._distributor(sharers, day)
            if c.level1_rate > 0:
                self._pay(day, "distribution_level1", 0, sharers[ok], c.level1_rate * price[ok])
            up = self.referrer[sharers]
            ok2 = ok & (up >= 0)
            ok2[ok2] = self._distributor(up[ok2], day)
            if c.level2_rate > 0:
                self._pay(day, "distribution_level2", 1, up[ok2], c.level2_rate * price[ok2])
        first = ~eng.bought[buyers]  # booking marks today's first buyers after the models' reactions
        self.referrer[buyers[first]] = sharers[first]

    def share_factor(self, people: np.ndarray) -> np.ndarray:
        if not self.cfg.active(self.engine.day) or self.boost == 1.0:
            return np.ones(len(people))
        who = np.ones(len(people), bool) if self.cfg.distributors == "anyone" else self.engine.bought[people]
        return np.where(who, self.boost, 1.0)

    def summary(self) -> dict[str, float]:
        return {"distribution_level1": self.level[0], "distribution_level2": self.level[1],
                "distributors": float(np.count_nonzero(self.earned > 0))}


#: This module's model (``simulation.operations.MODULES``).
OPERATION = DistributionOperation
