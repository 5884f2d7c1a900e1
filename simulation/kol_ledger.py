"""Per-KOL accounts of a run: terms per follower slot, running totals, and the per-KOL table.

The table has one row per KOL: ``kol`` (index), ``name``, ``tier``, ``node`` (-1 external),
``platform`` (the name of the declared platform hosting the KOLs, ``kol.platform``; "" without
``[[platforms]]``), ``followers``, ``posts``, ``reached`` (follower impressions), ``fees`` (flat + CPM +
commission, currency), ``purchases_last`` / ``revenue_last`` (purchases credited to the
KOL, last touch), ``purchases_root`` / ``revenue_root`` (purchases whose cascade the
KOL's post started: first touch, friend shares included), and ``profit_last`` /
``profit_root`` = revenue - unit_cost x purchases - fees. A KOL's incremental
contribution is not defined per KOL by one run (it needs a run without that KOL); the
paired counterfactual (``simulation.counterfactual``) gives the whole plan's.
"""
from __future__ import annotations

import numpy as np

from .kernels.funnel import CH_KOL
from .kol import KOLs

#: Running per-KOL totals kept by the engine.
KOL_STATS = ("posts", "reached", "fees")


def kol_slot_terms(kols: KOLs, kol_of_slot: np.ndarray, interest: np.ndarray,
                   fit_interest: float) -> tuple[np.ndarray, np.ndarray]:
    """Per follower slot: (engagement rate, source strength = credibility x fit where interest >= fit_interest)."""
    if kols.count == 0:
        return np.empty(0), np.empty(0)
    eng = kols.terms["engagement_rate"][kol_of_slot]
    fit = np.where(interest[kols.followers] >= fit_interest, kols.terms["fit"][kol_of_slot], 1.0)
    return eng, np.minimum(1.0, kols.terms["credibility"][kol_of_slot] * fit)


def kol_table(kols: KOLs, stats: dict[str, np.ndarray], purchases: dict[str, np.ndarray],
              unit_cost: float, platform: str = "") -> dict[str, np.ndarray]:
    """The per-KOL table of a run (dict of equal-length arrays; see the module docstring).

    platform : name of the platform hosting the KOLs ("" without declared platforms).
    """
    k = kols.count
    out = {"kol": np.arange(k, dtype=np.int64), "name": np.array(kols.names, dtype=object),
           "tier": np.array(kols.tiers, dtype=object), "node": kols.nodes.copy(),
           "platform": np.full(k, platform, dtype=object),
           "followers": np.diff(kols.indptr).astype(np.int64)}
    for s in KOL_STATS:
        out[s] = stats[s].astype(np.float64)
    for touch, col in (("last", purchases["kol"]), ("root", np.where(purchases["root_channel"] == CH_KOL,
                                                                      purchases["root_kol"], -1))):
        mine = col >= 0
        n_buy = np.bincount(col[mine], minlength=k).astype(np.float64)[:k]
        rev = np.bincount(col[mine], weights=purchases["price"][mine], minlength=k)[:k].astype(np.float64)
        out[f"purchases_{touch}"] = n_buy
        out[f"revenue_{touch}"] = rev
        out[f"profit_{touch}"] = rev - unit_cost * n_buy - out["fees"]
    return out
