"""Who a paid lever may reach: segments and an interest threshold, with a cost per exposure.

A lever with a ``target`` block (platform ads, campaign reach, coupons, KOL audiences on
a platform) draws its reach exactly as untargeted and then keeps only the eligible
people, so an untargeted block (the default) changes no draw. Every exposure a targeted
lever delivers costs ``cost_per_exposure`` (currency), booked by the lever under its own
payment kind.

Who uses a block: platform ads, feeds and KOL audiences (``simulation.platforms``,
``kol.target``); the event model's campaign, flash-sale and coupon reach
(``operations.event.<sub>.target``, payment kind ``event_targeting``); and the seeds
(``seeding.target``: ``seeding.count`` people drawn among the eligible only,
``pick_eligible``; no cost). Segment names of every block in a scenario are checked
when it is validated (``check_targets``).
"""
from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from .config.base import Label, Money, Probability, Strict
from .kernels.cascade import pick_seeds


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


def check_targets(node, names: list[str], path: str = "") -> None:
    """Raise ValueError naming the field of any target block under ``node`` (a config model)
    whose segments are not among ``names`` (the scenario's ``population.segments``)."""
    if isinstance(node, TargetConfig):
        unknown = sorted(set(node.segments) - set(names))
        if unknown:
            raise ValueError(f"{path}.segments: unknown segment(s) {unknown}; segments: {list(names)}")
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            check_targets(getattr(node, name), names, f"{path}.{name}" if path else name)
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            check_targets(item, names, f"{path}.{i}")


def pick_eligible(n: int, count: int, key: np.uint64, mask: np.ndarray | None) -> np.ndarray:
    """``count`` distinct people (int64) drawn uniformly among those ``mask`` allows.

    Floyd's sample (``kernels.cascade.pick_seeds``, stream SEED_PICK) of positions in the
    eligible ids in increasing order; with ``mask`` None, of all n people (today's seeds).
    """
    pool = None if mask is None else np.flatnonzero(mask)
    m = n if pool is None else len(pool)
    if count > m:
        among = f"{m} people" if pool is None else f"the {m} people seeding.target allows"
        raise ValueError(f"seeding.count: cannot pick {count} seeds among {among}")
    out = np.empty(count, np.int64)
    pick_seeds(m, count, key, np.zeros(m, np.bool_), out)
    return out if pool is None else pool[out]
