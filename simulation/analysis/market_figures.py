"""The market section's figure: each product's share over time, one panel per design point."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from simulation.analysis.figures import colormap, save
from simulation.analysis.market import share_curves

#: Most design points drawn (one panel each).
MAX_PANELS = 8


def market_share_over_time(timeseries: pd.DataFrame, path: Path | str, column: str = "market_share") -> list[Path]:
    """Cumulative share of buyers (``column``: or ``purchase_share`` / ``voice_share``) of each product per day,
    mean over replications, one panel per design point (the first ``MAX_PANELS``); writes PNG + SVG."""
    curves = share_curves(timeseries, column)
    points = sorted(curves["point"].unique())[:MAX_PANELS]
    products = list(dict.fromkeys(curves["product"]))
    ncols = min(4, max(1, len(points)))
    nrows = -(-len(points) // ncols)
    fig = Figure(figsize=(3.2 * ncols + 0.8, 2.8 * nrows + 0.9))
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    cm = colormap("tab10")
    for k, ax in enumerate(axes.flat):
        if k >= len(points):
            ax.set_visible(False)
            continue
        c = curves[curves["point"] == points[k]]
        for j, p in enumerate(products):
            s = c[c["product"] == p]
            ax.plot(s["day"], 100 * s["share"], color=cm(j % cm.N), lw=1.8, label=p)
        ax.set_title(str(c["point_name"].iloc[0]), fontsize=9)
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
        if k % ncols == 0:
            ax.set_ylabel("% of buyers" if column == "market_share" else f"% ({column})", fontsize=8)
        if k + ncols >= len(points):
            ax.set_xlabel("day", fontsize=8)
            ax.tick_params(labelbottom=True)
        ax.tick_params(labelsize=7)
    axes.flat[0].legend(fontsize=7, frameon=False, loc="best")
    total = curves["point"].nunique()
    more = f" (first {len(points)} of {total} points)" if total > len(points) else ""
    what = {"market_share": "share of buyers", "purchase_share": "share of purchases",
            "voice_share": "share of voice (exposures)"}.get(column, column)
    fig.suptitle(f"Market: each product's cumulative {what}, mean over replications{more}", fontsize=10)
    fig.tight_layout()
    return save(fig, path)
