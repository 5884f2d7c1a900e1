"""Per-day series and run summaries of the social-commerce model.

Daily series (index = day 0..days): cumulative people ``exposed``, ``interested``,
``buyers``, ``sharers``; per day ``new_buyers``, ``purchases``, the ledger
(``simulation.ledger``: ``revenue``, ``cogs``, ``discount_cost``, ``incentive_spend``,
``kol_spend``, ``content_spend``, ``partner_spend``, ``event_spend``, ``spend``,
``profit``, ``roas`` — NaN on days without spend), ``negative_wom`` (dissatisfied
purchases, i.e. people starting negative word of mouth), ``attr_<channel>``
(purchases credited to each channel, last touch; ``simulation.operations.CHANNELS``) and
the series each operation model declares (``Operation.series``, 0 while it is off).

Summary: ``n``, ``days``, final ``exposed`` / ``interested`` / ``buyers`` / ``sharers``,
``purchases``, ``conversion_rate`` = buyers / n, ``exposed_conversion`` = buyers /
exposed, ``reach`` = exposed / n, the ledger's run totals (``revenue``, ``cogs``,
``discount_cost``, the five spend series, ``spend``, ``profit = revenue - cogs -
spend``, ``roas = revenue / spend``, ``net_revenue_per_spend``; NaN ratios without
spend; ``total_spend`` is a deprecated alias of ``spend``), ``viral_coefficient`` = buyers whose first purchase came through a friend's share /
buyers, ``t10`` / ``t50`` = first day cumulative buyers reach 10 % / 50 % of the final
buyers (NaN without buyers), ``negative_wom``, ``attr_*`` (summing to purchases), per
segment ``buyers__<segment>``, ``conversion_rate__<segment>``, and the metrics each
operation model declares (``Operation.metrics``, e.g. the event model's
``groupbuy_success_rate`` and ``groups_opened``; their declared values while it is off).
"""
from __future__ import annotations

import math

import numpy as np

from . import ledger
from .kernels.funnel import CH_FRIEND
from .operations import CHANNELS, REGISTRY

CUMULATIVE = ("exposed", "interested", "buyers", "sharers")
#: The operation models' declared daily series.
OPERATION_SERIES = tuple(s for op in REGISTRY.values() for s in op.series)
_ATTR_SERIES = tuple(f"attr_{c}" for c in CHANNELS)
PER_DAY = (("new_buyers", "purchases") + ledger.MONEY_SERIES + ("negative_wom",)
           + _ATTR_SERIES + OPERATION_SERIES)


def new_daily(days: int) -> dict[str, np.ndarray]:
    """Zeroed daily series of length days + 1."""
    out = {k: np.zeros(days + 1, np.int64) for k in CUMULATIVE}
    out.update({k: np.zeros(days + 1) for k in PER_DAY})
    return out


def record_day(eng, day: int, purchases: dict, new_buyers: int, unhappy: int) -> None:
    """Fill day ``day`` of the engine's daily series after its phases ran (the models' own series excepted)."""
    d = eng.daily
    d["exposed"][day] = np.count_nonzero(eng.exposed)
    d["interested"][day] = np.count_nonzero(eng.interested)
    d["buyers"][day] = np.count_nonzero(eng.bought)
    d["sharers"][day] = np.count_nonzero(eng.shared)
    d["new_buyers"][day] = new_buyers
    d["purchases"][day] = len(purchases["buyer"])
    ledger.day_totals(d, day, eng.scenario.product.unit_cost, len(purchases["buyer"]), purchases["price"],
                      purchases["discount"])
    d["negative_wom"][day] = unhappy
    counts = np.bincount(purchases["channel"].astype(np.int64), minlength=len(CHANNELS))
    for c, key in enumerate(_ATTR_SERIES):
        d[key][day] = counts[c]


def daily_roas(daily: dict[str, np.ndarray]) -> np.ndarray:
    """Per-day revenue / spend (NaN on days without spend)."""
    spend = daily["spend"]
    with np.errstate(over="ignore"):  # a vanishing spend gives an infinite ROAS, not a warning
        return np.where(spend > 0, daily["revenue"] / np.where(spend > 0, spend, 1.0), np.nan)


def _first_day_reaching(curve: np.ndarray, level: float) -> float:
    hit = np.flatnonzero(curve >= level)
    return float(hit[0]) if len(hit) else math.nan


def operation_metrics(ops) -> dict[str, float]:
    """Every registered model's declared metrics: the enabled ``ops``' own values, the others' off values."""
    s: dict[str, float] = {}
    on = {op.name: op for op in ops}
    for name, cls in REGISTRY.items():
        s.update(cls.metrics)
        if name in on:
            s.update(on[name].summary())
    return s


def summarize(eng) -> dict[str, float]:
    """The run summary (flat dict of floats) from the engine state (``eng.ops``: its enabled operation models)."""
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
    s.update(ledger.summarize(d))
    # deprecated alias of spend, kept only until the report, app and notebooks read "spend"
    s["total_spend"] = s["spend"]
    via_friend = float(np.count_nonzero(eng.first_channel == CH_FRIEND))
    s["viral_coefficient"] = via_friend / buyers if buyers else math.nan
    curve = d["buyers"][: last + 1]
    s["t10"] = _first_day_reaching(curve, 0.1 * buyers) if buyers else math.nan
    s["t50"] = _first_day_reaching(curve, 0.5 * buyers) if buyers else math.nan
    s["negative_wom"] = float(d["negative_wom"].sum())
    for name in CHANNELS:
        s[f"attr_{name}"] = float(d[f"attr_{name}"].sum())
    seg = eng.pop.segment
    by_seg = np.bincount(seg[eng.bought].astype(np.int64), minlength=len(eng.pop.names))
    size = np.bincount(seg.astype(np.int64), minlength=len(eng.pop.names))
    for k, name in enumerate(eng.pop.names):
        s[f"buyers__{name}"] = float(by_seg[k])
        s[f"conversion_rate__{name}"] = float(by_seg[k]) / float(size[k]) if size[k] else math.nan
    s.update(operation_metrics(eng.ops))
    return s
