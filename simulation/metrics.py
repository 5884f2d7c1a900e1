"""Per-day series and run summaries of the social-commerce model.

Daily series (index = day 0..days): cumulative people ``exposed``, ``interested``,
``buyers``, ``sharers``; per day ``new_buyers``, ``purchases``, ``revenue``,
``incentive_spend``, ``kol_spend``, ``partner_spend``, ``content_spend``,
``negative_wom`` (dissatisfied purchases, i.e. people starting negative word of mouth)
and ``attr_<channel>`` (purchases credited to each channel).

Summary: ``n``, ``days``, final ``exposed`` / ``interested`` / ``buyers`` / ``sharers``,
``purchases``, ``conversion_rate`` = buyers / n, ``exposed_conversion`` = buyers /
exposed, ``reach`` = exposed / n, ``revenue``, the spends, ``total_spend`` = incentive +
KOL + partner + content spend, ``roi`` = (revenue - total_spend) / total_spend (NaN
without spend), ``profit`` = revenue - unit_cost * purchases - total_spend,
``viral_coefficient`` = buyers whose first purchase came through a friend's share /
buyers, ``t10`` / ``t50`` = first day cumulative buyers reach 10 % / 50 % of the final
buyers (NaN without buyers), ``groupbuy_success_rate`` = successful / closed groups (NaN
if none closed), ``groups_opened``, ``negative_wom``, ``attr_*`` (summing to purchases),
and per segment ``buyers__<segment>``, ``conversion_rate__<segment>``.
"""
from __future__ import annotations

import math

import numpy as np

from .kernels.funnel import CH_FRIEND, CHANNELS

CUMULATIVE = ("exposed", "interested", "buyers", "sharers")
PER_DAY = ("new_buyers", "purchases", "revenue", "incentive_spend", "kol_spend", "partner_spend", "content_spend",
           "negative_wom") + tuple(f"attr_{c}" for c in CHANNELS)


def new_daily(days: int) -> dict[str, np.ndarray]:
    """Zeroed daily series of length days + 1."""
    out = {k: np.zeros(days + 1, np.int64) for k in CUMULATIVE}
    out.update({k: np.zeros(days + 1) for k in PER_DAY})
    return out


def record_day(eng, day: int, purchases: dict, new_buyers: int, unhappy: int) -> None:
    """Fill day ``day`` of the engine's daily series after its phases ran."""
    d = eng.daily
    d["exposed"][day] = np.count_nonzero(eng.exposed)
    d["interested"][day] = np.count_nonzero(eng.interested)
    d["buyers"][day] = np.count_nonzero(eng.bought)
    d["sharers"][day] = np.count_nonzero(eng.shared)
    d["new_buyers"][day] = new_buyers
    d["purchases"][day] = len(purchases["buyer"])
    d["revenue"][day] = float(purchases["price"].sum())
    d["negative_wom"][day] = unhappy
    counts = np.bincount(purchases["channel"].astype(np.int64), minlength=len(CHANNELS))
    for c, name in enumerate(CHANNELS):
        d[f"attr_{name}"][day] = counts[c]


def _first_day_reaching(curve: np.ndarray, level: float) -> float:
    hit = np.flatnonzero(curve >= level)
    return float(hit[0]) if len(hit) else math.nan


def summarize(eng, records: dict) -> dict[str, float]:
    """The run summary (flat dict of floats) from the engine state and its records."""
    d, n = eng.daily, eng.n
    last = eng.day
    buyers = float(d["buyers"][last])
    exposed = float(d["exposed"][last])
    s: dict[str, float] = {
        "n": float(n), "days": float(eng.days),
        "exposed": exposed, "interested": float(d["interested"][last]), "buyers": buyers,
        "sharers": float(d["sharers"][last]), "purchases": float(d["purchases"].sum()),
    }
    s["conversion_rate"] = buyers / n
    s["exposed_conversion"] = buyers / exposed if exposed else math.nan
    s["reach"] = exposed / n
    for k in ("revenue", "incentive_spend", "kol_spend", "partner_spend", "content_spend"):
        s[k] = float(d[k].sum())
    s["total_spend"] = s["incentive_spend"] + s["kol_spend"] + s["partner_spend"] + s["content_spend"]
    s["roi"] = (s["revenue"] - s["total_spend"]) / s["total_spend"] if s["total_spend"] > 0 else math.nan
    s["profit"] = s["revenue"] - eng.scenario.product.unit_cost * s["purchases"] - s["total_spend"]
    via_friend = float(np.count_nonzero(eng.first_channel == CH_FRIEND))
    s["viral_coefficient"] = via_friend / buyers if buyers else math.nan
    curve = d["buyers"][: last + 1]
    s["t10"] = _first_day_reaching(curve, 0.1 * buyers) if buyers else math.nan
    s["t50"] = _first_day_reaching(curve, 0.5 * buyers) if buyers else math.nan
    status = records["groups"]["status"]
    closed = int(np.count_nonzero(status > 0))
    s["groupbuy_success_rate"] = float(np.count_nonzero(status == 1)) / closed if closed else math.nan
    s["groups_opened"] = float(len(status))
    s["negative_wom"] = float(d["negative_wom"].sum())
    for name in CHANNELS:
        s[f"attr_{name}"] = float(d[f"attr_{name}"].sum())
    seg = eng.pop.segment
    by_seg = np.bincount(seg[eng.bought].astype(np.int64), minlength=len(eng.pop.names))
    size = np.bincount(seg.astype(np.int64), minlength=len(eng.pop.names))
    for k, name in enumerate(eng.pop.names):
        s[f"buyers__{name}"] = float(by_seg[k])
        s[f"conversion_rate__{name}"] = float(by_seg[k]) / float(size[k]) if size[k] else math.nan
    return s
