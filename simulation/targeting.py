"""Who a paid lever may reach: segments and an interest threshold, with a cost per exposure.

A lever with a ``target`` block (platform ads, campaign reach, coupons, KOL audiences on
a platform) draws its reach exactly as untargeted and then keeps only the eligible
people, so an untargeted block (the default) changes no draw. Every exposure a targeted
lever delivers costs ``cost_per_exposure`` (currency), booked by the lever under its own
payment kind.
"""
from __future__ import annotations

import numpy as np
from pydantic import Field

from .config.base import Label, Money, Probability, Strict


class TargetConfig(Strict):
    """Eligibility of a paid lever: segment names (empty: every segment) and a minimum interest.

    segments : names of ``population.segments`` reached (empty list: all).
    min_interest : category interest (0-1) a person needs to be reached.
    cost_per_exposure : currency paid per exposure delivered.
    """

    segments: list[Label] = Field(default_factory=list)
    min_interest: Probability = 0.0
    cost_per_exposure: Money = 0.0

    @property
    def restricts(self) -> bool:
        """Whether this block excludes anybody (segments named or an interest threshold)."""
        return bool(self.segments) or self.min_interest > 0


def eligible(cfg: TargetConfig, segment: np.ndarray, names: tuple[str, ...], interest: np.ndarray) -> np.ndarray | None:
    """Boolean mask (n) of the people ``cfg`` may reach, or None when it reaches everybody.

    segment : int segment index per person; names : segment names (index order);
    interest : category interest per person (0-1).
    """
    if not cfg.restricts:
        return None
    mask = np.ones(len(segment), bool)
    if cfg.segments:
        unknown = sorted(set(cfg.segments) - set(names))
        if unknown:
            raise ValueError(f"target.segments: unknown segment(s) {unknown}; segments: {list(names)}")
        mask &= np.isin(segment, [names.index(s) for s in cfg.segments])
    if cfg.min_interest > 0:
        mask &= interest >= cfg.min_interest
    return mask


def keep(people: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """The people of ``people`` (ids) that ``mask`` allows (all of them when mask is None)."""
    return people if mask is None else people[mask[people]]
