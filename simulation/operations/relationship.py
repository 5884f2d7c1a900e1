"""Relationship-driven operation (裂变 / 分销): referral rewards and distribution commission.

* ``referral_reward`` (currency) is paid to the inviter — the sharer whose share
  converted the buyer — for every purchase through a friend's share;
* ``invitee_discount`` (currency) is taken off the price the invitee sees on a friend's
  share (it raises the purchase probability) and off the price they pay (booked as
  ``discount_cost``, after the price rules and before a coupon: ``simulation.ledger``);
* ``commission_rate`` x the price paid is paid to that same sharer (distribution);
* incentives raise everyone's share propensity by the factor
  ``1 + share_sensitivity * (referral_reward + commission_rate * price) / reference_price``
  (capped so the share probability stays <= 1).
Rewards and commissions count in ``incentive_spend``. Only first purchases through a
share pay (a repeat purchase has no referrer).
"""
from __future__ import annotations

import numpy as np
from pydantic import Field

from ..config.base import Money, Probability, Strict
from ..kernels.funnel import CH_FRIEND
from .relationship_reference import RelationshipReference
from .base import Operation, Purchases, filled


class RelationshipConfig(Strict):
    """Parameters of the relationship-driven model."""

    enabled: bool = False
    referral_reward: Money = 0.0
    invitee_discount: Money = 0.0
    commission_rate: Probability = 0.0
    share_sensitivity: float = Field(1.0, ge=0.0)


class RelationshipOperation(Operation):
    """Runtime of the relationship-driven model for one run."""

    name = "relationship"
    label = "relationship-driven (裂变 / 分销)"
    config = RelationshipConfig
    reference = RelationshipReference
    payments = {"referral_reward": "incentive_spend", "commission": "incentive_spend"}
    #: the last price_cut's (channel, ref, via share) columns, reused by the same day's on_purchases
    _via: tuple = (None, None, None)

    def share_multiplier(self) -> float:
        c, eng = self.cfg, self.engine
        bonus = c.referral_reward + c.commission_rate * eng.scenario.product.price
        return 1.0 + c.share_sensitivity * bonus / eng.scenario.funnel.reference_price

    def friend_discount(self) -> float:
        return self.cfg.invitee_discount

    def price_cut(self, purchases: Purchases) -> np.ndarray:
        via = _via_share(purchases)
        # the same day's on_purchases sees the same channel and ref columns (the engine adds the price paid)
        self._via = (purchases["channel"], purchases["ref"], via)
        return np.where(via, self.cfg.invitee_discount, 0.0)

    def on_purchases(self, day: int, purchases: Purchases) -> None:
        c, eng = self.cfg, self.engine
        ch, ref, via = self._via
        if purchases["channel"] is not ch or purchases["ref"] is not ref:
            via = _via_share(purchases)
        if not np.count_nonzero(via):
            return
        inviters = purchases["ref"][via]
        if c.referral_reward > 0:
            eng.pay(day, "referral_reward", inviters, filled(len(inviters), c.referral_reward))
        if c.commission_rate > 0:
            eng.pay(day, "commission", inviters, c.commission_rate * purchases["price"][via])


def _via_share(purchases: Purchases) -> np.ndarray:
    """Rows bought through a friend's share (the sharer is known)."""
    return (purchases["channel"] == CH_FRIEND) & (purchases["ref"] >= 0)


#: This module's model (``simulation.operations.MODULES``).
OPERATION = RelationshipOperation
