"""Figures of the per-segment readouts: demand curves with elasticities, adoption per segment.

Same conventions as ``analysis.figures`` (pyplot-free, PNG + SVG, returns the paths).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simulation.analysis.elasticity import elasticity_table
from simulation.analysis.figures import colormap, new_figure, save
from simulation.analysis.stats import curve_bands, t_interval


def _label(g) -> str:
    return "all" if g is None else str(g)


def demand_curves(runs: pd.DataFrame, price: str, groups: list, path: Path | str, demand: str = "purchases",
                  paired: bool = True) -> list[Path]:
    """Left: mean demand per group against the price (log scale, 95 % t intervals); right: the
    arc elasticity of each adjacent price pair at its midpoint price (95 % delta-method intervals).

    runs : ok runs of a price sweep; price : the price column (currency); groups : group keys
    (None: the whole population); demand : the demand metric (units); paired : CRN replications.
    """
    fig, (left, right) = new_figure(1, 2, figsize=(11, 4.5))
    cmap = colormap("tab10")
    levels = sorted(runs[price].unique())
    table = elasticity_table(runs, price, demand, groups, paired=paired)
    for k, g in enumerate(groups):
        col = demand if g is None else f"{demand}__{g}"
        ivs = [t_interval(runs.loc[runs[price] == p, col]) for p in levels]
        mean = np.array([iv.estimate for iv in ivs])
        err = np.array([[iv.estimate - iv.low for iv in ivs], [iv.high - iv.estimate for iv in ivs]])
        colour = "black" if g is None else cmap(k % 10)
        left.errorbar(levels, mean, yerr=np.nan_to_num(err), marker="o", capsize=3, color=colour, label=_label(g))
        rows = table[table["group"] == _label(g)]
        mid = (rows["price_low"] + rows["price_high"]) / 2 + (k - len(groups) / 2) * 0.6  # dodge overlapping bars
        e = rows["elasticity"].to_numpy()
        yerr = np.nan_to_num(np.vstack([e - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - e]))
        right.errorbar(mid, e, yerr=yerr, marker="s", capsize=3, linestyle="-", color=colour, label=_label(g))
    left.set_yscale("log")
    left.set_xlabel(price)
    left.set_ylabel(f"mean {demand} per run (log scale)")
    left.set_title("Demand against price")
    right.axhline(-1.0, color="grey", linestyle="--", linewidth=1)
    right.set_xlabel(f"{price} (midpoint of each pair)")
    right.set_ylabel("arc elasticity")
    right.set_title("Arc elasticity (below −1: elastic)")
    left.legend(fontsize=8)
    return save(fig, path)


def segment_adoption(timeseries: pd.DataFrame, runs: pd.DataFrame, point: int, groups: list[str],
                     path: Path | str, title: str = "") -> list[Path]:
    """Cumulative buyers of each group as a share of its members, day by day, at one design point
    (mean over replications, 95 % t band).

    timeseries, runs : a sweep's ok daily rows and runs; point : the design point shown;
    groups : group keys with ``buyers__<g>`` series and ``people__<g>`` run metrics.
    """
    fig, ax = new_figure(figsize=(8, 4.5))
    cmap = colormap("tab10")
    ts = timeseries[timeseries["point"] == point]
    pr = runs[runs["point"] == point].set_index("run")
    for k, g in enumerate(groups):
        scale = pr[f"people__{g}"].replace(0, np.nan)
        bands = curve_bands(ts, f"buyers__{g}", scale=scale)
        ax.plot(bands["day"], 100 * bands["mean"], color=cmap(k % 10), label=str(g))
        ax.fill_between(bands["day"], 100 * bands["low"], 100 * bands["high"], color=cmap(k % 10), alpha=0.2)
    ax.set_xlabel("day")
    ax.set_ylabel("buyers, % of the group")
    ax.set_title(title or "Adoption per group")
    ax.legend(fontsize=8)
    return save(fig, path)
