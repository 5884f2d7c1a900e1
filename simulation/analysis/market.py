"""The market's readouts in a sweep's outputs (``simulation.market.share``): which products, which columns.

Pure data helpers for the report's market section and its figure (``market_figures``).
"""
from __future__ import annotations

import pandas as pd

#: Per-product columns the report's product tables show, in order (``<metric>@<product>``).
PRODUCT_METRICS = ("buyers", "revenue", "spend", "profit", "market_share", "purchase_share", "voice_share")
#: Brand-level columns of the report's market summary table.
BRAND_METRICS = ("brand_profit", "brand_market_share", "brand_voice_share", "incremental_brand_profit",
                 "incremental_market_share")


def product_names(columns, column: str = "market_share") -> list[str]:
    """The market's products in product order (ours first), from the ``<column>@<p>`` columns; [] if none."""
    return [str(c).split("@", 1)[1] for c in columns if str(c).startswith(f"{column}@")]


def product_columns(columns, product: str) -> list[str]:
    """The ``PRODUCT_METRICS`` columns of ``product`` present in ``columns``."""
    have = set(map(str, columns))
    return [f"{m}@{product}" for m in PRODUCT_METRICS if f"{m}@{product}" in have]


def share_curves(timeseries: pd.DataFrame, column: str = "market_share") -> pd.DataFrame:
    """Mean over replications of ``<column>@<p>`` per point, day and product (long: point, point_name, day,
    product, share); NaN days (no buyers yet) are left out of the mean."""
    cols = [str(c) for c in timeseries.columns if str(c).startswith(f"{column}@")]
    if not cols:
        return pd.DataFrame(columns=["point", "point_name", "day", "product", "share"])
    keys = ["point", "point_name", "day"] if "point_name" in timeseries else ["point", "day"]
    mean = timeseries.groupby(keys, sort=True)[cols].mean().reset_index()
    long = mean.melt(id_vars=keys, value_vars=cols, var_name="product", value_name="share")
    long["product"] = long["product"].str.split("@", n=1).str[1]
    if "point_name" not in long:
        long["point_name"] = long["point"].astype(str)
    return long
