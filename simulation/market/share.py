"""The market's readouts: per-product ledgers, market shares, share of voice, brand totals.

Summary keys (added to our product's own summary, whose keys keep their meaning: our
product 0): for every product p (ours under ``market.name``, default "ours")
``<metric>@<p>`` for ``PER_PRODUCT`` metrics. Shares are taken among the products of
our product's category — ours, its substitutes and the rival's (a complement or an
independent product is another category: its shares are NaN): ``market_share@<p>`` =
p's buyers / the sum over those products of their buyers (a person who bought two
counts in both, so shares sum to 1 over the category); ``purchase_share@<p>`` likewise
with purchases; ``voice_share@<p>`` = p's exposures (evaluated exposures of online
people, ``kernels.funnel.C_EXPOSURES``) / the category's exposures (NaN when the
denominator is 0). Brand totals over OUR products: ``brand_<m>`` for the money lines and buyers /
purchases, with ``brand_profit = brand_revenue - brand_cogs - brand_spend``;
``brand_market_share`` / ``brand_purchase_share`` / ``brand_voice_share`` (our
products' shares summed); ``market_buyers``, ``market_purchases`` (all products).

Daily series (index = day): ``buyers@<p>`` (cumulative), ``purchases@<p>``,
``revenue@<p>``, ``profit@<p>``, ``exposures@<p>`` (per day), and the cumulative shares
``market_share@<p>``, ``purchase_share@<p>``, ``voice_share@<p>`` (of buyers, purchases
and exposures up to that day; NaN before any), ``brand_profit`` per day.
"""
from __future__ import annotations

import numpy as np

from .. import counterfactual as cf
from ..engine import RunResult
from ..ledger import MONEY_SERIES, SPEND_SERIES

#: Per-product summary metrics ``<metric>@<product>``.
PER_PRODUCT = ("buyers", "purchases", "exposed", "negative_wom", "conversion_rate", "attr_cross_sell",
               "attr_bundle") + MONEY_SERIES
#: Per-product daily series ``<series>@<product>``.
PER_PRODUCT_DAILY = ("buyers", "purchases", "revenue", "profit")
#: Brand totals ``brand_<m>`` (sums over our products).
BRAND = ("buyers", "purchases") + MONEY_SERIES


def _shares(counts: np.ndarray) -> np.ndarray:
    """Each row's share of the column totals (NaN where a total is 0). ``counts``: (products, ...)."""
    tot = counts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, counts / np.where(tot > 0, tot, 1), np.nan)


def market_outputs(names: list[str], brand: list[bool], results: list[RunResult],
                   exposures: np.ndarray, in_market: list[bool] | None = None
                   ) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Our summary and daily series with the market readouts added (see the module docstring).

    names / brand : per product its name and whether it is ours; results : per product its
    ``RunResult`` (product 0 = ours); exposures : (products, days + 1) evaluated exposures per day;
    in_market : per product whether it competes in our product's category (default: all).
    """
    s, d = dict(results[0].summary), dict(results[0].daily)
    mine = np.array(brand)
    for name, r in zip(names, results):
        for k in PER_PRODUCT:
            s[f"{k}@{name}"] = r.summary[k]
        for k in PER_PRODUCT_DAILY:
            d[f"{k}@{name}"] = r.daily[k]
    for j, name in enumerate(names):
        d[f"exposures@{name}"] = exposures[j].astype(np.float64)
    buyers = np.array([r.daily["buyers"] for r in results], np.float64)
    purchases = np.cumsum([r.daily["purchases"] for r in results], axis=1)
    voice = np.cumsum(exposures, axis=1).astype(np.float64)
    cat = np.ones(len(names), bool) if in_market is None else np.array(in_market)
    for label, counts in (("market_share", buyers), ("purchase_share", purchases), ("voice_share", voice)):
        sh = np.full(counts.shape, np.nan)
        sh[cat] = _shares(counts[cat])
        for j, name in enumerate(names):
            d[f"{label}@{name}"] = sh[j]
            s[f"{label}@{name}"] = float(sh[j, -1])
        s[f"brand_{label}"] = (float(sh[mine & cat, -1].sum()) if np.isfinite(sh[cat, -1]).all()
                               else float("nan"))
    for k in BRAND:
        s[f"brand_{k}"] = float(sum(r.summary[k] for r, b in zip(results, brand) if b))
    s["brand_spend"] = sum(s[f"brand_{k}"] for k in SPEND_SERIES)
    s["brand_profit"] = s["brand_revenue"] - s["brand_cogs"] - s["brand_spend"]
    d["brand_profit"] = np.sum([r.daily["profit"] for r, b in zip(results, brand) if b], axis=0)
    s["market_buyers"] = float(buyers[:, -1].sum())
    s["market_purchases"] = float(purchases[:, -1].sum())
    return s, d


def paired(summary: dict[str, float], daily: dict[str, np.ndarray], base_summary: dict[str, float],
           base_daily: dict[str, np.ndarray]) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """A market run's outputs with its increments over the counterfactual market (``run.organic``).

    Our product's increments as ``simulation.counterfactual.paired``; ``incremental_brand_profit``
    (all our products) and ``incremental_market_share`` (our product's share of buyers).
    """
    s, d = cf.paired(summary, daily, base_summary, base_daily)
    s["incremental_brand_profit"] = summary["brand_profit"] - base_summary["brand_profit"]
    key = next(k for k in summary if k.startswith("market_share@"))
    s["incremental_market_share"] = summary[key] - base_summary[key]
    return s, d
