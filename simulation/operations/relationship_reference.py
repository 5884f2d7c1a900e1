"""The relationship-driven model for the per-agent reference (rules: ``simulation.operations.relationship``)."""
from __future__ import annotations

from .reference_base import ReferenceOperation


class RelationshipReference(ReferenceOperation):
    """Invitee discount on friends' shares, referral reward and commission to the sharer."""

    def friend_discount(self) -> float:
        return self.cfg.invitee_discount

    def share_multiplier(self) -> float:
        c, sc = self.cfg, self.model.scenario
        bonus = c.referral_reward + c.commission_rate * sc.product.price
        return 1.0 + c.share_sensitivity * bonus / sc.funnel.reference_price

    def _via_share(self, order) -> bool:
        return order.channel == self.model.channel("friend") and order.referrer >= 0

    def price_cut(self, order) -> float:
        return self.cfg.invitee_discount if self._via_share(order) else 0.0

    def on_purchase(self, day: int, order) -> None:
        c, m = self.cfg, self.model
        if not self._via_share(order):
            return
        if c.referral_reward > 0:
            m.pay(day, "referral_reward", c.referral_reward)
        if c.commission_rate > 0:
            m.pay(day, "commission", c.commission_rate * order.price)
