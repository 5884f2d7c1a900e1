"""Price elasticity of demand from a price sweep: arc elasticity between adjacent prices, with intervals.

Between two price levels p1 < p2 with mean demand q1, q2 over replications (demand: a
run metric, by default ``purchases``; per segment ``purchases__<segment>``), the arc
(midpoint) elasticity is

    E = ((q2 - q1) / ((q1 + q2) / 2)) / ((p2 - p1) / ((p1 + p2) / 2))
      = (q2 - q1) / (q2 + q1) * (p2 + p1) / (p2 - p1),

symmetric in the two levels and equal to the point elasticity d ln q / d ln p of a
constant-elasticity demand q = A p^e in the limit p2 -> p1 (the exponential demand of
socsim's purchase probability, q = A exp(-b p), has the closed form ``exp_demand_arc``).

Intervals (over replications; a replication is one run at each price):

* ``"delta"`` (default): the delta method. With gradient g = (dE/dq1, dE/dq2) =
  (-2 q2, 2 q1) / (q1 + q2)^2 * (p2 + p1) / (p2 - p1): paired (common random numbers,
  replication r of both levels shares a seed) se = sd_r(g1 q1_r + g2 q2_r) / sqrt(n) and a
  Student t(n - 1) quantile; unpaired se^2 = g1^2 s1^2 / n1 + g2^2 s2^2 / n2 with
  Welch-Satterthwaite degrees of freedom.
* ``"bootstrap"``: ``scipy.stats.bootstrap`` (BCa, percentile if BCa degenerates; seeded)
  resampling replications — jointly at both levels when paired.

NaN when a level has no demand at all (E undefined) or fewer than 2 replications (no
interval).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from simulation.analysis.stats import N_RESAMPLES, _bootstrap, _rng

#: Interval methods of ``arc_interval``.
METHODS = ("delta", "bootstrap")


def arc_elasticity(q1, q2, p1, p2):
    """Arc (midpoint) elasticity between (p1, q1) and (p2, q2): prices in currency, demand in units."""
    return (q2 - q1) / (q2 + q1) * (p2 + p1) / (p2 - p1)


def exp_demand_arc(b: float, p1: float, p2: float) -> float:
    """The arc elasticity of the demand curve q = A exp(-b p) between prices p1 and p2 (closed form).

    With q2 / q1 = exp(-b (p2 - p1)): E = -tanh(b (p2 - p1) / 2) (p1 + p2) / (p2 - p1).
    """
    return -math.tanh(b * (p2 - p1) / 2) * (p1 + p2) / (p2 - p1)


@dataclass(frozen=True)
class ArcElasticity:
    """One arc elasticity with its interval (``low``/``high`` NaN when undefined)."""

    price_low: float
    price_high: float
    demand_low: float
    demand_high: float
    estimate: float
    low: float
    high: float
    se: float
    n: int
    method: str


def _clean(values) -> np.ndarray:
    a = np.asarray(values, dtype=float).ravel()
    return a[np.isfinite(a)]


def arc_interval(q1, q2, p1: float, p2: float, paired: bool = True, confidence: float = 0.95,
                 method: str = "delta", seed=0, n_resamples: int = N_RESAMPLES) -> ArcElasticity:
    """Arc elasticity of mean demand between prices ``p1`` and ``p2`` with its confidence interval.

    Parameters
    ----------
    q1, q2 : demand per replication at ``p1`` and ``p2`` (units); when ``paired`` they are
        aligned by replication (a pair with a NaN is dropped).
    p1, p2 : the two prices (currency), p1 != p2.
    paired : replications share seeds across the two levels (common random numbers).
    confidence : coverage of the interval; method : ``"delta"`` or ``"bootstrap"``.
    seed, n_resamples : the bootstrap's seed and resamples.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if p1 == p2:
        raise ValueError(f"the two prices must differ, both are {p1}")
    if paired:
        a, b = np.asarray(q1, float).ravel(), np.asarray(q2, float).ravel()
        if a.shape != b.shape:
            raise ValueError(f"paired demand differs in length: {a.size} vs {b.size}")
        keep = np.isfinite(a) & np.isfinite(b)
        a, b = a[keep], b[keep]
    else:
        a, b = _clean(q1), _clean(q2)
    m1, m2 = (a.mean() if a.size else math.nan), (b.mean() if b.size else math.nan)
    n = int(min(a.size, b.size))
    estimate = float(arc_elasticity(m1, m2, p1, p2)) if m1 + m2 > 0 else math.nan
    nan = ArcElasticity(p1, p2, float(m1), float(m2), estimate, math.nan, math.nan, math.nan, n, method)
    if not math.isfinite(estimate) or n < 2:
        return nan
    k = (p2 + p1) / (p2 - p1)
    g1, g2 = -2 * m2 / (m1 + m2) ** 2 * k, 2 * m1 / (m1 + m2) ** 2 * k
    if paired:
        se = float(np.std(g1 * a + g2 * b, ddof=1) / math.sqrt(n))
        df = n - 1.0
    else:
        v1, v2 = g1**2 * a.var(ddof=1) / a.size, g2**2 * b.var(ddof=1) / b.size
        se = float(math.sqrt(v1 + v2))
        df = (v1 + v2) ** 2 / (v1**2 / (a.size - 1) + v2**2 / (b.size - 1)) if v1 + v2 > 0 else 1.0
    if method == "delta" or se == 0:
        half = float(sps.t.ppf(0.5 + confidence / 2, df)) * se
        return ArcElasticity(p1, p2, float(m1), float(m2), estimate, estimate - half, estimate + half, se, n,
                             "delta" if method == "delta" else "bootstrap (degenerate: no spread)")

    if paired:
        def stat(idx, axis=-1):
            return arc_elasticity(a[idx].mean(axis=axis), b[idx].mean(axis=axis), p1, p2)
        sizes = (n,)
    else:
        def stat(i, j, axis=-1):
            return arc_elasticity(a[i].mean(axis=axis), b[j].mean(axis=axis), p1, p2)
        sizes = (a.size, b.size)
    low, high, _ = _bootstrap(stat, sizes, confidence, _rng(seed), n_resamples)
    return ArcElasticity(p1, p2, float(m1), float(m2), estimate, low, high, se, n, "bootstrap")


def demand_groups(columns, demand: str = "purchases") -> list[str]:
    """Group keys with a ``<demand>__<group>`` column among ``columns`` (segments, then profile values)."""
    keys = [c.split("__", 1)[1] for c in columns if c.startswith(f"{demand}__")]
    return [k for k in keys if "=" not in k] + [k for k in keys if "=" in k]


def elasticity_table(runs: pd.DataFrame, price: str = "product.price", demand: str = "purchases",
                     groups=(None,), paired: bool = True, confidence: float = 0.95, method: str = "delta",
                     seed=0) -> pd.DataFrame:
    """Arc elasticities between adjacent price levels of a sweep, per group.

    Parameters
    ----------
    runs : one row per ok run with columns ``point``, ``replication``, ``price`` and the
        demand columns (``results.runs`` of ``simulation.analysis.load``).
    price : the swept price column (currency); every point must differ only in it.
    demand : the demand metric (units); group g reads ``<demand>__<g>``, None the total.
    groups : the groups, None for the whole population.
    paired : pair replications across prices (the sweep used common random numbers).
    confidence, method, seed : as ``arc_interval``.

    Returns one row per group and adjacent pair of prices: ``group`` ("all" for None),
    ``price_low``, ``price_high``, ``demand_low``, ``demand_high`` (means), ``elasticity``,
    ``ci_low``, ``ci_high``, ``se``, ``n``, ``method``.
    """
    if price not in runs:
        raise ValueError(f"runs have no column {price!r}: the sweep does not vary the price")
    per_price = runs.groupby(price)["point"].nunique()
    if (per_price > 1).any():
        raise ValueError(f"several design points share a {price} (other parameters vary too): "
                         "give each price one point")
    levels = sorted(runs[price].dropna().unique())
    rows = []
    for g in groups:
        col = demand if g is None else f"{demand}__{g}"
        if col not in runs:
            raise ValueError(f"runs have no column {col!r}")
        by_level = {p: runs[runs[price] == p].set_index("replication")[col] for p in levels}
        for p1, p2 in zip(levels[:-1], levels[1:]):
            s1, s2 = by_level[p1], by_level[p2]
            if paired:
                common = s1.index.intersection(s2.index)
                s1, s2 = s1.loc[common], s2.loc[common]
            e = arc_interval(s1.to_numpy(), s2.to_numpy(), float(p1), float(p2), paired, confidence, method, seed)
            rows.append({"group": "all" if g is None else g, "price_low": e.price_low, "price_high": e.price_high,
                         "demand_low": e.demand_low, "demand_high": e.demand_high, "elasticity": e.estimate,
                         "ci_low": e.low, "ci_high": e.high, "se": e.se, "n": e.n, "method": e.method})
    return pd.DataFrame(rows, columns=["group", "price_low", "price_high", "demand_low", "demand_high",
                                       "elasticity", "ci_low", "ci_high", "se", "n", "method"])
