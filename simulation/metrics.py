"""Per-day series and run summaries of the social-commerce model.

Daily series (index = day 0..days): cumulative people ``exposed``, ``interested``,
``buyers``, ``sharers``; per day ``new_buyers``, ``purchases``, the ledger
(``simulation.ledger``: ``revenue``, ``cogs``, ``discount_cost``, ``incentive_spend``,
``kol_spend``, ``content_spend``, ``partner_spend``, ``event_spend``, ``spend``,
``profit``, ``roas`` — NaN on days without spend; ``refunds`` and ``cogs_recovered``
for returns), ``negative_wom`` (dissatisfied
purchases, i.e. people starting negative word of mouth), ``attr_<channel>``
(purchases credited to each channel, last touch; ``simulation.operations.CHANNELS``) and
the series each operation model declares (``Operation.series``, 0 while it is off), and
per segment and per profile value (``simulation.segments``) ``buyers__<g>``,
``new_buyers__<g>``, ``purchases__<g>``, ``revenue__<g>``, ``discount_cost__<g>``.

Summary: ``n``, ``days``, final ``exposed`` / ``interested`` / ``buyers`` / ``sharers``,
``purchases``, ``conversion_rate`` = buyers / n, ``exposed_conversion`` = buyers /
exposed, ``reach`` = exposed / n, the ledger's run totals (``revenue``, ``cogs``,
``discount_cost``, the five spend series, ``spend``, ``profit = revenue - cogs -
spend``, ``roas = revenue / spend``, ``net_revenue_per_spend``; NaN ratios without
spend; ``total_spend`` is a deprecated alias of ``spend``), ``viral_coefficient`` = buyers whose first purchase came through a friend's share /
buyers, ``t10`` / ``t50`` = first day cumulative buyers reach 10 % / 50 % of the final
buyers (NaN without buyers), ``negative_wom``, ``satisfaction_rate`` = 1 - negative_wom / purchases (the share of
purchases that satisfied), ``attr_*`` (summing to purchases), per
segment and per profile value g ``buyers__<g>``, ``conversion_rate__<g>`` and the money,
counts and purchase-frequency distribution ``freq_<k>`` of ``simulation.segments``, and the metrics each
operation model declares (``Operation.metrics``, e.g. the event model's
``groupbuy_success_rate`` and ``groups_opened``; their declared values while it is off).

Per platform (only when the scenario declares ``[[platforms]]``, ``simulation.platforms``;
``<p>`` = the platform's name), daily series and summary keys of the same names:
cumulative people ``platform_exposed__<p>`` (evaluated an exposure there; a buyer counts
as exposed where they bought), ``platform_interested__<p>``, ``platform_buyers__<p>``
(first purchase through it); per day ``platform_purchases__<p>``,
``platform_revenue__<p>`` (prices paid for purchases through it, before returns: customer
service books refunds for the whole run, ``refunds``, not per platform),
``platform_ads_spend__<p>`` and ``platform_attr_<channel>__<p>``
(purchases through it credited to each channel: they sum to ``platform_purchases__<p>``
and, over platforms, to ``attr_<channel>``); summary only: ``platform_conversion__<p>`` =
buyers / exposed there and ``platform_cost_per_buyer__<p>`` = ads spend / buyers there
(NaN without buyers). Seeds count on the first platform; a repeat purchase on the platform
of the buyer's first purchase (as its channel).
"""
from __future__ import annotations

import math

import numpy as np

from . import ledger
from . import segments
from .kernels.funnel import CH_FRIEND
from .operations import CHANNELS, REGISTRY
from .platforms import platform_names

CUMULATIVE = ("exposed", "interested", "buyers", "sharers")
#: The operation models' declared daily series.
OPERATION_SERIES = tuple(s for op in REGISTRY.values() for s in op.series)
_ATTR_SERIES = tuple(f"attr_{c}" for c in CHANNELS)
#: the attribution series, in channel id order (``Engine.attr_rows`` binds them)
ATTR_SERIES = _ATTR_SERIES
PER_DAY = (("new_buyers", "purchases") + ledger.MONEY_SERIES + ("negative_wom",)
           + _ATTR_SERIES + OPERATION_SERIES)


#: Per-platform series: cumulative people, then per-day amounts (``platform_attr_*`` follow them).
PLATFORM_CUMULATIVE = ("exposed", "interested", "buyers")
PLATFORM_PER_DAY = ("purchases", "revenue", "ads_spend")


def platform_series(platforms) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(cumulative, per-day) per-platform series names for the platform names ``platforms``."""
    cum = tuple(f"platform_{k}__{q}" for q in platforms for k in PLATFORM_CUMULATIVE)
    per_day = tuple(f"platform_{k}__{q}" for q in platforms for k in PLATFORM_PER_DAY)
    per_day += tuple(f"platform_attr_{c}__{q}" for q in platforms for c in CHANNELS)
    return cum, per_day


def new_daily(days: int, platforms=(), pop=None) -> dict[str, np.ndarray]:
    """Zeroed daily series of length days + 1 (with the per-platform ones of the platform names ``platforms``
    and, with ``pop``, a Population, its per-group series: ``simulation.segments``)."""
    cum, per_day = platform_series(platforms)
    out = {k: np.zeros(days + 1, np.int64) for k in CUMULATIVE + cum}
    out.update({k: np.zeros(days + 1) for k in PER_DAY + per_day})
    if pop is not None:
        out.update(segments.new_daily(pop, days))
    return out


def record_platform_day(d: dict, day: int, platforms, plat: np.ndarray, channel: np.ndarray, paid: np.ndarray,
                        new_plat: np.ndarray, exposed_on: np.ndarray, interested_on: np.ndarray) -> None:
    """Fill day ``day`` of the per-platform series.

    platforms : names; plat, channel, paid : per purchase of the day (platform index, channel
    id, price paid); new_plat : platform index of each new buyer's first purchase;
    exposed_on, interested_on : bool (platforms, n) marks so far.
    """
    k = len(platforms)
    plat = plat.astype(np.int64)
    purchases = np.bincount(plat, minlength=k)
    revenue = np.bincount(plat, weights=paid, minlength=k)
    attr = np.bincount(plat * len(CHANNELS) + channel.astype(np.int64), minlength=k * len(CHANNELS))
    new = np.bincount(new_plat.astype(np.int64), minlength=k)
    for j, q in enumerate(platforms):
        d[f"platform_exposed__{q}"][day] = np.count_nonzero(exposed_on[j])
        d[f"platform_interested__{q}"][day] = np.count_nonzero(interested_on[j])
        d[f"platform_buyers__{q}"][day] = (d[f"platform_buyers__{q}"][day - 1] if day else 0) + new[j]
        d[f"platform_purchases__{q}"][day] = purchases[j]
        d[f"platform_revenue__{q}"][day] = revenue[j]
        for c, name in enumerate(CHANNELS):
            d[f"platform_attr_{name}__{q}"][day] = attr[j * len(CHANNELS) + c]


def platform_summary(d: dict, last: int, platforms) -> dict[str, float]:
    """Run totals of the per-platform series (last value of cumulative ones, sum of per-day ones) and ratios."""
    cum, per_day = platform_series(platforms)
    s = {k: float(d[k][last]) for k in cum}
    s.update({k: float(d[k].sum()) for k in per_day})
    for q in platforms:
        buyers, exposed = s[f"platform_buyers__{q}"], s[f"platform_exposed__{q}"]
        s[f"platform_conversion__{q}"] = buyers / exposed if exposed else math.nan
        s[f"platform_cost_per_buyer__{q}"] = s[f"platform_ads_spend__{q}"] / buyers if buyers else math.nan
    return s


def record_day(eng, day: int, purchases: dict, new_buyers: int, unhappy: int, is_new: np.ndarray) -> None:
    """Fill day ``day`` of the engine's daily series after its phases ran (the models' own series excepted).

    purchases : the day's booked purchases; new_buyers : people who bought for the first time;
    unhappy : dissatisfied purchases; is_new : per purchase, the buyer's first purchase.
    """
    d = eng.daily
    m = eng.marked  # counted as the marks are set (Engine.mark): equal to count_nonzero of each, without the scan
    d["exposed"][day] = m["exposed"]
    d["interested"][day] = m["interested"]
    d["buyers"][day] = m["bought"]
    d["sharers"][day] = m["shared"]
    buyers = purchases["buyer"]
    k = len(buyers)
    d["new_buyers"][day] = new_buyers
    d["purchases"][day] = k
    ledger.day_totals(d, day, eng.scenario.product.unit_cost, k, purchases["price"], purchases["discount"],
                      eng.spend_rows)
    d["negative_wom"][day] = unhappy
    rows = eng.attr_rows
    if k > 8:  # the attribution series are 0 on a day without purchases already
        counts = np.bincount(purchases["channel"], minlength=len(CHANNELS))  # int8 ids: bincount casts them itself
        for c, v in enumerate(counts.tolist()):
            if v:  # the others stay 0
                rows[c][day] = v
    elif k:  # a few purchases: counted one by one (whole numbers, exact in either order)
        for c in purchases["channel"].tolist():
            rows[c][day] += 1.0
    segments.record_blocks(eng._group_blocks, day, buyers, purchases["price"], purchases["discount"], is_new)


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
    s["satisfaction_rate"] = 1.0 - s["negative_wom"] / s["purchases"] if s["purchases"] else math.nan
    for name in CHANNELS:
        s[f"attr_{name}"] = float(d[f"attr_{name}"].sum())
    s.update(segments.summarize(d, eng.pop, eng.bought, eng.purchase_count, eng.scenario.product.unit_cost,
                                 eng.returns_by_group))
    s.update(operation_metrics(eng.ops))
    s.update(platform_summary(d, last, platform_names(eng.scenario)))
    return s
