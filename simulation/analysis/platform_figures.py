"""Per-platform figures of a sweep (``simulation.platforms``): where purchases came from, and each platform's funnel.

Same conventions as ``simulation.analysis.figures`` (pyplot-free figures, PNG + SVG,
returns the paths written).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.analysis.figures import _names, colormap, new_figure, save, select_points

_PURCHASES = re.compile(r"^platform_purchases__(.+)$")


def platforms_of(columns) -> list[str]:
    """The platform names a sweep's runs report (from their ``platform_purchases__<name>`` columns)."""
    return [m.group(1) for c in columns if (m := _PURCHASES.match(str(c)))]


def platform_mix(runs: pd.DataFrame, path: Path | str, max_points: int = 12) -> list[Path]:
    """Left: mean purchases per run of each design point, stacked by the platform they came through.
    Right: each platform's funnel (people exposed, interested, first purchases there) at the point
    with most purchases (mean per run)."""
    names = platforms_of(runs.columns)
    shown = select_points(runs, max_points, metric="purchases") if runs["point"].nunique() > max_points else \
        sorted(runs["point"].unique())
    labels = _names(runs)
    means = runs.groupby("point").mean(numeric_only=True)
    fig, (left, right) = new_figure(1, 2, figsize=(12, 4.8))
    colours = colormap("tab10")
    bottom = np.zeros(len(shown))
    x = np.arange(len(shown))
    for j, q in enumerate(names):
        vals = means.loc[shown, f"platform_purchases__{q}"].to_numpy(float)
        left.bar(x, vals, bottom=bottom, color=colours(j % 10), label=q)
        bottom += vals
    left.set_xticks(x, [labels.get(p, str(p)) for p in shown], rotation=30, ha="right")
    left.set_ylabel("purchases per run (mean)")
    left.set_title("Purchases by the platform they came through")
    left.legend(title="platform", fontsize=8)
    top = int(means["purchases"].idxmax())
    stages = ("exposed", "interested", "buyers")
    width = 0.8 / len(stages)
    xs = np.arange(len(names))
    for k, stage in enumerate(stages):
        vals = [means.loc[top, f"platform_{stage}__{q}"] for q in names]
        right.bar(xs + (k - 1) * width, vals, width, label=stage, color=colours(k + 3))
    right.set_xticks(xs, names)
    right.set_yscale("log")
    right.set_ylabel("people per run (mean, log scale)")
    right.set_title(f"Funnel per platform at '{labels.get(top, top)}'")
    right.legend(fontsize=8)
    return save(fig, path)
