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
from numba import njit
from pydantic import Field

from ..config.base import Money, Probability, Strict
from ..kernels.funnel import CH_FRIEND
from .relationship_reference import RelationshipReference
from .base import Operation, Purchases
from .per_run import Row


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
    #: the last price_cut's (channel, ref, rows via share) columns, reused by the same day's on_purchases
    _via: tuple = (None, None, None)

    def __init__(self, cfg: RelationshipConfig, engine):
        super().__init__(cfg, engine)
        self._reward = Row()  # the referral reward, once per paid row

    def share_multiplier(self) -> float:
        c, eng = self.cfg, self.engine
        bonus = c.referral_reward + c.commission_rate * eng.scenario.product.price
        return 1.0 + c.share_sensitivity * bonus / eng.scenario.funnel.reference_price

    def friend_discount(self) -> float:
        return self.cfg.invitee_discount

    def price_cut(self, purchases: Purchases) -> np.ndarray:
        """``invitee_discount`` on each purchase through a friend's share, 0 on the others."""
        ch, ref = purchases["channel"], purchases["ref"]
        rows = via_share_rows(ch, ref, CH_FRIEND)
        # the same day's on_purchases sees the same channel and ref columns (the engine adds the price paid)
        self._via = (ch, ref, rows)
        cut = np.zeros(len(ch))
        if len(rows):
            cut[rows] = self.cfg.invitee_discount
        return cut

    def on_purchases(self, day: int, purchases: Purchases) -> None:
        """Pay the inviters' rewards and commissions; nothing on a day without a purchase through a share."""
        c, eng = self.cfg, self.engine
        ch, ref, rows = self._via
        if purchases["channel"] is not ch or purchases["ref"] is not ref:
            rows = via_share_rows(purchases["channel"], purchases["ref"], CH_FRIEND)
        if not len(rows):
            return
        if len(rows) == 1:  # one payment each: ``Engine.pay``'s one-row form books the same row at a sixth of the cost
            r = int(rows[0])
            inviter = int(purchases["ref"][r])
            if c.referral_reward > 0:
                eng.pay(day, "referral_reward", inviter, float(c.referral_reward))
            if c.commission_rate > 0:
                eng.pay(day, "commission", inviter, float(c.commission_rate * purchases["price"][r]))
            return
        inviters = purchases["ref"][rows]
        if c.referral_reward > 0:
            eng.pay(day, "referral_reward", inviters, self._reward.of(len(rows), c.referral_reward))
        if c.commission_rate > 0:
            eng.pay(day, "commission", inviters, c.commission_rate * purchases["price"][rows])


@njit(cache=True)
def via_share_rows(channel, ref, friend):
    """The rows (int64, increasing) bought through a friend's share: channel ``friend`` and the sharer known (ref >= 0)."""
    out = np.empty(channel.shape[0], np.int64)
    k = 0
    for r in range(channel.shape[0]):
        if channel[r] == friend and ref[r] >= 0:
            out[k] = r
            k += 1
    return out[:k]


#: This module's model (``simulation.operations.MODULES``).
OPERATION = RelationshipOperation
