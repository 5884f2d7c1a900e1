"""Figures of a sweep (matplotlib): each function takes data and a path, writes PNG + SVG.

Figures are ``matplotlib.figure.Figure`` objects drawn on their own Agg canvas, never
through pyplot, so importing or calling this module leaves the process's backend (a
notebook's inline display, a GUI) untouched.

Every function returns the list of paths it wrote (``path`` with ``.png`` and ``.svg``
suffixes). Points are design points; when a design has more points than a figure can
show legibly, the figure shows a spread of them chosen by their conversion rate
(best, worst and evenly spaced ranks between) and says so in its title.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simulation.analysis.load import CHANNELS, return_metrics
from simulation.analysis.stats import cell_value, curve_bands, metric_interval, pareto_frontier, t_interval
from simulation.seeding import run_seed

#: Colour per consumer state in the network snapshot, in drawing priority (last wins).
STATE_COLOURS = {
    "untouched": "#d0d0d0",
    "exposed": "#f2c14e",
    "bought": "#4daf4a",
    "shared": "#1b7837",
    "negative": "#d7301f",
    "KOL": "#6a3d9a",
}

FUNNEL_STAGES = (("exposed", "exposed"), ("interested", "interested"),
                 ("buyers", "bought"), ("sharers", "shared"))


def save(fig, path: Path | str) -> list[Path]:
    """Save ``fig`` as ``path``.png (150 dpi) and ``path``.svg; close it; return both paths."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.with_suffix("") if path.suffix.lower() in (".png", ".svg") else path
    FigureCanvasAgg(fig)  # file output needs no GUI: an Agg canvas of its own
    out = []
    for ext in (".png", ".svg"):
        target = stem.parent / (stem.name + ext)
        fig.savefig(target, dpi=150, bbox_inches="tight",
                    metadata={"Date": None} if ext == ".svg" else None)
        out.append(target)
    return out


def new_figure(nrows: int = 1, ncols: int = 1, figsize=(8, 5), squeeze: bool = True):
    """A pyplot-free figure and its axes (as ``plt.subplots``)."""
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(nrows, ncols, squeeze=squeeze)


def colormap(name: str):
    """A registered colormap."""
    return matplotlib.colormaps[name]


def select_points(runs: pd.DataFrame, k: int, metric: str = "conversion_rate") -> list[int]:
    """Up to ``k`` design points spread over the ranking by mean ``metric`` (best first)."""
    points = sorted(runs["point"].unique().tolist())
    if len(points) <= k:
        return points
    if metric not in runs:
        return points[:k]
    order = runs.groupby("point")[metric].mean().sort_values(ascending=False).index.to_list()
    idx = np.unique(np.round(np.linspace(0, len(order) - 1, k)).astype(int))
    return [int(order[i]) for i in idx]


def _names(runs: pd.DataFrame) -> dict[int, str]:
    return runs.drop_duplicates("point").set_index("point")["point_name"].astype(str).to_dict()


def _subset_note(shown: int, total: int) -> str:
    return "" if shown == total else f" ({shown} of {total} points, spread by conversion)"


#: Most curves drawn over each other; beyond it, one small panel per point.
OVERLAY_MAX = 4


def adoption_curves(timeseries: pd.DataFrame, runs: pd.DataFrame, path: Path | str,
                    column: str = "buyers", max_points: int = 12, confidence: float = 0.95,
                    title: str | None = None, reference: int | None = None) -> list[Path]:
    """Cumulative ``column`` / population per day, mean and ``confidence`` band per point.

    Up to ``OVERLAY_MAX`` points share one panel; more are drawn as small multiples (one
    panel per point, shared axes), each with its own band and, when ``reference`` is given,
    that point's mean dashed for comparison.

    Parameters
    ----------
    timeseries : daily rows of ok runs (``run``, ``point``, ``day``, ``column``).
    runs : ok runs (for the population ``n`` of each run and point names).
    path : output path without suffix.
    column : cumulative daily series (people).
    max_points : most points drawn.
    confidence : band coverage (t over replications).
    reference : design point whose mean is dashed in every small panel (e.g. the baseline).
    """
    points = select_points(runs, max_points)
    if reference is not None and reference not in points and reference in set(runs["point"]):
        points = points[:-1] + [int(reference)] if len(points) >= max_points else points + [int(reference)]
    ts = timeseries[timeseries["point"].isin(points)]
    scale = runs.set_index("run")["n"] if "n" in runs else 1.0
    bands = curve_bands(ts, column, scale, confidence)
    names = _names(runs)
    heading = (title or f"Adoption curves, mean with {confidence:.0%} band over replications") \
        + _subset_note(len(points), runs["point"].nunique())
    ylabel = f"cumulative {column} (% of population)"
    cm = colormap("tab10" if len(points) <= 10 else "tab20")

    def draw(ax, p, colour, alpha):
        b = bands[bands["point"] == p]
        if b.empty:
            return
        ax.plot(b["day"], 100 * b["mean"], color=colour, lw=1.8, label=names.get(p, str(p)))
        # a share of the population cannot leave [0, 100] %: the t band is cut there
        ax.fill_between(b["day"], np.clip(100 * b["low"], 0, 100), np.clip(100 * b["high"], 0, 100),
                        color=colour, alpha=alpha, lw=0)

    if len(points) <= OVERLAY_MAX:
        fig, ax = new_figure(figsize=(8, 5))
        for i, p in enumerate(points):
            draw(ax, p, cm(i % cm.N), 0.2)
        ax.set_xlabel("day of campaign (days)")
        ax.set_ylabel(ylabel)
        ax.set_title(heading)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left", frameon=False)
        return save(fig, path)
    ncols = 4
    nrows = -(-len(points) // ncols)
    fig = Figure(figsize=(12, 2.6 * nrows + 0.8))
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    ref = bands[bands["point"] == reference] if reference is not None else bands.iloc[:0]
    for k, ax in enumerate(axes.flat):
        if k >= len(points):
            ax.set_visible(False)
            continue
        p = points[k]
        if not ref.empty and p != reference:
            ax.plot(ref["day"], 100 * ref["mean"], color="#555555", lw=1, ls="--")
        draw(ax, p, "#1f77b4", 0.25)
        ax.set_title(names.get(p, str(p)), fontsize=8)
        ax.grid(alpha=0.3)
        if k % ncols == 0:
            ax.set_ylabel("% bought", fontsize=8)
        # the bottom panel of each column carries the day axis (a short last row leaves
        # panels of the row above without one below them)
        if k + ncols >= len(points):
            ax.set_xlabel("day", fontsize=8)
            ax.tick_params(labelbottom=True)
        ax.tick_params(labelsize=7)
    note = f"; dashed: {names.get(reference, reference)}" if not ref.empty else ""
    fig.suptitle(heading + note, fontsize=10)
    fig.tight_layout()
    return save(fig, path)


def funnel(runs: pd.DataFrame, path: Path | str, max_points: int = 10,
           confidence: float = 0.95) -> list[Path]:
    """Funnel per point: exposed → interested → bought → shared, % of population with CIs."""
    points = select_points(runs, max_points)
    names = _names(runs)
    stages = [(col, label) for col, label in FUNNEL_STAGES if col in runs]
    fig, ax = new_figure(figsize=(max(6, 1.6 * len(stages) + 0.4 * len(points)), 5))
    width = 0.8 / max(len(points), 1)
    x = np.arange(len(stages))
    cmap = colormap("tab10" if len(points) <= 10 else "tab20")
    for i, p in enumerate(points):
        g = runs[runs["point"] == p]
        n = g["n"].to_numpy(float) if "n" in g else np.ones(len(g))
        ivs = [t_interval(100 * g[col].to_numpy(float) / n, confidence) for col, _ in stages]
        mean = np.array([iv.estimate for iv in ivs])
        low = np.clip([iv.low for iv in ivs], 0, 100)  # shares cannot leave [0, 100] %
        high = np.clip([iv.high for iv in ivs], 0, 100)
        err = np.array([mean - low, high - mean])
        ax.bar(x - 0.4 + width * (i + 0.5), mean, width, yerr=np.nan_to_num(err), capsize=2,
               color=cmap(i % cmap.N), label=names.get(p, str(p)))
    ax.set_xticks(x, [label for _, label in stages])
    ax.set_ylabel("people at stage (% of population)")
    ax.set_xlabel("funnel stage (cumulative over the campaign)")
    ax.set_title(f"Funnel, mean with {confidence:.0%} CI" + _subset_note(len(points), runs["point"].nunique()))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return save(fig, path)


def attribution(runs: pd.DataFrame, path: Path | str, max_points: int = 12,
                share: bool = False) -> list[Path]:
    """Purchases by the channel that caused them, stacked per point (mean over replications).

    Parameters
    ----------
    runs : ok runs with ``attr_<channel>`` columns.
    path : output path without suffix.
    max_points : most bars drawn.
    share : plot each channel's share of purchases (%) instead of counts.
    """
    # the built-in channels in their fixed order, then any a newly registered model brings
    channels = [c for c in CHANNELS if f"attr_{c}" in runs]
    channels += sorted(c.removeprefix("attr_") for c in runs.columns
                       if c.startswith("attr_") and c.removeprefix("attr_") not in CHANNELS)
    if not channels:
        raise ValueError("runs have no attr_<channel> columns")
    # a channel that sold nothing anywhere is an empty legend entry (and a zero-height bar on
    # top of the stack, whose sticky edge removes the headroom above the tallest bar)
    used = [c for c in channels if runs[f"attr_{c}"].fillna(0).to_numpy(float).any()]
    channels = used or channels
    points = select_points(runs, max_points)
    names = _names(runs)
    means = runs[runs["point"].isin(points)].groupby("point")[[f"attr_{c}" for c in channels]].mean()
    means = means.reindex(points)
    if share:
        total = means.sum(axis=1).replace(0, np.nan)
        means = 100 * means.div(total, axis=0)
    fig, ax = new_figure(figsize=(max(6, 0.9 * len(points) + 2), 5))
    bottom = np.zeros(len(points))
    cmap = colormap("Set2" if len(channels) <= 8 else "tab20")  # Set2 has 8 colours: more channels would repeat
    labels = [names.get(p, str(p)) for p in points]
    for i, c in enumerate(channels):
        vals = means[f"attr_{c}"].fillna(0).to_numpy()
        ax.bar(labels, vals, bottom=bottom, color=cmap(i), label=c)
        bottom += vals
    ax.set_ylim(0, 1.05 * max(float(bottom.max()), 1e-9))
    ax.set_ylabel("share of purchases (%)" if share else "purchases per run (mean over replications)")
    ax.set_xlabel("design point")
    ax.set_title("Attribution by channel" + _subset_note(len(points), runs["point"].nunique()))
    ax.legend(title="channel", fontsize=8, frameon=False, bbox_to_anchor=(1.01, 1), loc="upper left")
    if max(len(lab) for lab in labels) > 8:
        for lab in ax.get_xticklabels():
            lab.set_rotation(30), lab.set_ha("right")
    ax.grid(axis="y", alpha=0.3)
    return save(fig, path)


def _axis_values(col: pd.Series, bins: int) -> tuple[pd.Series, list[str]]:
    """Grid values of a swept parameter; continuous designs are cut into quantile bins."""
    uniq = np.sort(col.dropna().unique())
    if len(uniq) <= max(bins, 10):
        return col, [f"{v:g}" for v in uniq]
    cat = pd.qcut(col, q=bins, duplicates="drop")
    if pd.api.types.is_integer_dtype(col):  # (3, 7] holds the integers 4..7
        labels = [f"{int(np.floor(iv.left)) + 1}–{int(np.floor(iv.right))}" for iv in cat.cat.categories]
    else:
        labels = [f"{iv.left:.3g}–{iv.right:.3g}" for iv in cat.cat.categories]
    return cat.cat.codes.astype(int), labels


def _metric_label(metric: str) -> str:
    from simulation.analysis.load import METRIC_UNITS
    unit = METRIC_UNITS.get(metric)
    return f"{metric} ({unit})" if unit else metric


def heatmap(runs: pd.DataFrame, x: str, y: str, path: Path | str,
            metrics: tuple[str, ...] = ("conversion_rate", "roi"), bins: int = 6) -> list[Path]:
    """Mean of each metric over two swept parameters, one panel per metric.

    Cells average every run with those (x, y) values (other parameters and replications
    pooled); ROI is the ratio of means within the cell. Continuous parameters (more
    than ``bins`` values) are cut into quantile bins.
    """
    for col in (x, y):
        if col not in runs:
            raise KeyError(f"swept parameter {col!r} is not a column of runs")
    metrics = tuple(m for m in metrics if m in runs)
    if not metrics:
        raise ValueError("none of the heatmap metrics is in runs")
    xs, xlabels = _axis_values(runs[x], bins)
    ys, ylabels = _axis_values(runs[y], bins)
    df = runs.assign(_x=xs.to_numpy(), _y=ys.to_numpy())
    xkeys = np.sort(df["_x"].unique())
    ykeys = np.sort(df["_y"].unique())
    fig, axes = new_figure(1, len(metrics), figsize=(5.2 * len(metrics), 4.4), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        grid = np.full((len(ykeys), len(xkeys)), np.nan)
        for (xv, yv), cell in df.groupby(["_x", "_y"]):
            val = cell_value(cell, metric)
            grid[np.searchsorted(ykeys, yv), np.searchsorted(xkeys, xv)] = val
        scale = 100.0 if metric in ("conversion_rate", "exposed_conversion", "reach") else 1.0
        shown = scale * grid
        im = ax.imshow(shown, origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(len(xkeys)), xlabels, rotation=30 if len(xkeys) > 5 else 0)
        ax.set_yticks(range(len(ykeys)), ylabels)
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        label = _metric_label(metric) + (" in %" if scale == 100 else "")
        fig.colorbar(im, ax=ax, label=label)
        ax.set_title(f"mean {metric}")
        if shown.size <= 64:
            finite = shown[np.isfinite(shown)]
            mid = (finite.min() + finite.max()) / 2 if finite.size else 0
            for (i, j), v in np.ndenumerate(shown):
                if np.isfinite(v):
                    ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8,
                            color="black" if v > mid else "white")
    fig.suptitle(f"{' and '.join(metrics)} over {x} × {y}")
    fig.tight_layout()
    return save(fig, path)


def main_effects(runs: pd.DataFrame, params: list[str], path: Path | str,
                 metrics: tuple[str, ...] = ("conversion_rate", "roi"), bins: int = 8) -> list[Path]:
    """Response of each metric to each swept parameter, the others pooled (main effects).

    One column per parameter, one row per metric: the mean over every run with that value
    (continuous designs cut into ``bins`` quantile bins) with its 95 % band: a t interval,
    or for a ratio metric (ROI) the ratio of means with its bootstrap / delta-method
    interval (``stats.metric_interval``).
    """
    def defined(m: str) -> bool:
        return bool(np.isfinite(cell_value(runs, m)))

    metrics = tuple(m for m in metrics if m in runs and defined(m))
    if not params or not metrics:
        raise ValueError("main_effects needs at least one swept parameter and one defined metric in runs")
    fig, axes = new_figure(len(metrics), len(params), figsize=(max(5.5, 4.2 * len(params)), 3.4 * len(metrics)),
                             squeeze=False)
    for j, param in enumerate(params):
        xs, labels = _axis_values(runs[param], bins)
        df = runs.assign(_x=xs.to_numpy())
        keys = np.sort(df["_x"].unique())
        for i, metric in enumerate(metrics):
            ax = axes[i, j]
            scale = 100.0 if metric in ("conversion_rate", "exposed_conversion", "reach") else 1.0
            mean, low, high = [], [], []
            for key in keys:
                cell = df[df["_x"] == key]
                iv = metric_interval(cell, metric, seed=run_seed(0, int(key)))
                mean.append(iv.estimate), low.append(iv.low), high.append(iv.high)
            pos = np.arange(len(keys))
            mean, low, high = (scale * np.asarray(v, float) for v in (mean, low, high))
            ax.plot(pos, mean, "o-", color="C0")
            ax.fill_between(pos, low, high, color="C0", alpha=0.2, linewidth=0)
            ax.set_xticks(pos, labels, rotation=30 if len(keys) > 5 else 0, fontsize=8)
            ax.set_xlabel(param)
            ax.set_ylabel(_metric_label(metric) + (" in %" if scale == 100 else ""))
            ax.grid(alpha=0.3)
    fig.suptitle("Main effects (mean, 95 % band; other parameters pooled)", fontsize=10)
    fig.tight_layout()
    return save(fig, path)


def roi_points(runs: pd.DataFrame, confidence: float = 0.95, seed=0) -> pd.DataFrame:
    """Per point: mean spend and net return (currency, t-CIs), ROI (ratio of means, bootstrap CI).

    ``efficient`` marks the (spend ↓, ROI ↑) Pareto frontier, ``efficient_net`` the
    (spend ↓, net return ↑) one; points with no spend have no ROI and are never efficient.
    """
    ret = return_metrics(runs.columns)
    rows = []
    for p, g in runs.groupby("point", sort=True):
        sp = t_interval(g[ret.spend], confidence)
        net = t_interval(g[ret.profit] if ret.profit in g else g["revenue"] - g[ret.spend], confidence)
        roi = metric_interval(g, ret.ratio, confidence, run_seed(seed, int(p)))
        rows.append({"point": int(p), "point_name": str(g["point_name"].iloc[0]),
                     "spend": sp.estimate, "spend_low": sp.low, "spend_high": sp.high,
                     "net": net.estimate, "net_low": net.low, "net_high": net.high,
                     "roi": roi.estimate, "roi_low": roi.low, "roi_high": roi.high})
    df = pd.DataFrame(rows)
    if len(df):
        df["efficient"] = pareto_frontier(df["spend"], df["roi"])
        df["efficient_net"] = pareto_frontier(df["spend"], df["net"].where(np.isfinite(df["roi"])))
    return df


def _frontier_panel(ax, df, ycol, eff_col, confidence, label_max):
    xerr = np.nan_to_num(np.vstack([df["spend"] - df["spend_low"], df["spend_high"] - df["spend"]]))
    yerr = np.nan_to_num(np.vstack([df[ycol] - df[f"{ycol}_low"], df[f"{ycol}_high"] - df[ycol]]))
    ax.errorbar(df["spend"], df[ycol], xerr=xerr, yerr=yerr, fmt="o", color="#4c72b0",
                ecolor="#9fb4d6", ms=5, capsize=2, label=f"design point (±{confidence:.0%} CI)")
    front = df[df[eff_col]].sort_values("spend")
    ax.step(front["spend"], front[ycol], where="post", color="#c44e52", lw=1.5)
    ax.plot(front["spend"], front[ycol], "o", mfc="none", mec="#c44e52", ms=11, mew=1.5,
            label="efficient frontier")
    # name every point when few, else only the efficient ones (labels would pile up)
    named = df if len(df) <= label_max else front
    for _, r in named.iterrows():
        ax.annotate(r["point_name"], (r["spend"], r[ycol]), fontsize=6.5,
                    xytext=(4, 4), textcoords="offset points")
    ax.axhline(0, color="grey", lw=0.8, ls="--")
    # two lines: side by side, the two panels' one-line labels ran into each other
    ax.set_xlabel("marketing spend per run (currency)\nincentives, KOL, partner and content fees, event set-up")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)


def roi_vs_spend(runs: pd.DataFrame, path: Path | str, confidence: float = 0.95, seed=0,
                 label_max: int = 6) -> list[Path]:
    """ROI against total spend per point with CIs and the efficient frontier; net return beside.

    Left: ROI (ratio of means); a point is efficient when no other point reaches at
    least its ROI for no more spend (``stats.pareto_frontier``). Right: net return
    (revenue − spend) against spend, efficient when no cheaper point earns as much:
    the best return available at each budget.
    """
    all_points = roi_points(runs, confidence, seed)
    ok = np.isfinite(all_points["roi"]) & np.isfinite(all_points["spend"]) if len(all_points) else []
    df = all_points[ok] if len(all_points) else all_points
    if df.empty:
        raise ValueError("no design point has spend > 0: ROI is undefined everywhere")
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(13, 5))
    left_out = all_points.loc[~np.asarray(ok, bool), "point_name"].tolist()
    if left_out:
        shown = ", ".join(left_out[:8]) + (f" and {len(left_out) - 8} more" if len(left_out) > 8 else "")
        fig.text(0.01, -0.02, f"Not shown (no spend, so no ROI): {shown}", fontsize=8, ha="left")
    _frontier_panel(ax1, df, "roi", "efficient", confidence, label_max)
    ret = return_metrics(runs.columns)
    ax1.set_ylabel(f"{ret.ratio} ({ret.ratio_label}, ratio of means)")
    ax1.set_title("Return on spend")
    _frontier_panel(ax2, df, "net", "efficient_net", confidence, label_max)
    ax2.set_ylabel(f"{ret.profit} per run (currency)" if ret.profit in runs
                   else "net return per run (revenue − spend, currency)")
    ax2.set_title("Net return by budget")
    fig.tight_layout()
    return save(fig, path)


#: Marker style per attribution rule in the KOL figure: (label, colour, marker, filled).
TOUCH_STYLES = {"last": ("last touch", "#4c72b0", "o", True),
                "root": ("first touch (root of the cascade)", "#dd8452", "s", False)}


def kol_returns(table: pd.DataFrame, path: Path | str, what: str = "tier",
                confidence: float = 0.95) -> list[Path]:
    """Return per fee of each KOL or tier, last touch and first touch side by side, with intervals.

    Parameters
    ----------
    table : rows of ``analysis.kols.kol_returns`` to draw, in drawing order (top first):
        ``point_name``, ``label``, ``n``, ``n_present`` (rows present in fewer runs say so),
        ``return_last``/``_low``/``_high``, ``return_root``/....
    path : output path without suffix.
    what : ``"tier"`` or ``"KOL"``, for the title.
    confidence : coverage of the intervals (for the legend).
    """
    if table.empty:
        raise ValueError("no KOL rows to draw")
    several = table["point_name"].nunique() > 1
    one_label = several and table["label"].nunique() == 1  # e.g. a roster without tiers: name the point only
    labels = [(str(p) if one_label else f"{p} · {lab}" if several else str(lab)) + (f" ({k}/{n} runs)" if k < n else "")
              for p, lab, k, n in zip(table["point_name"], table["label"], table["n_present"], table["n"])]
    y = np.arange(len(table))
    fig, ax = new_figure(figsize=(9, 0.36 * len(table) + 1.9))
    for k, (touch, (name, colour, marker, filled)) in enumerate(TOUCH_STYLES.items()):
        est = table[f"return_{touch}"].to_numpy(float)
        low, high = table[f"return_{touch}_low"].to_numpy(float), table[f"return_{touch}_high"].to_numpy(float)
        err = np.nan_to_num(np.vstack([est - low, high - est]))  # no interval: marker only
        ax.errorbar(est, y + (k - 0.5) * 0.34, xerr=err, fmt=marker, color=colour, ecolor=colour,
                    mfc=colour if filled else "white", mew=1.3, ms=5, capsize=2, elinewidth=1, label=name)
    if several:  # a rule between design points
        starts = np.flatnonzero(table["point_name"].to_numpy() != np.roll(table["point_name"].to_numpy(), 1))
        for s in starts[starts > 0]:
            ax.axhline(s - 0.5, color="#bbbbbb", lw=0.6)
    ax.axvline(0, color="#2a7d2a", lw=1, ls="--", label="break-even (attributed profit = 0)")
    ax.axvline(-1, color="grey", lw=0.8, ls=":", label="no attributed sale (−1)")
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlabel("attributed profit per unit of fee (> 0: pays for itself)")
    ax.set_title(f"Return per fee by {what}: ratio of means over replications, {confidence:.0%} CI", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.09 - 0.6 / (len(table) + 4)),
              ncol=2)
    return save(fig, path)


def sobol_bars(indices: pd.DataFrame, path: Path | str, metric: str = "",
               confidence: float = 0.95) -> list[Path]:
    """First-order (S1) and total (ST) Sobol indices per parameter with CI whiskers."""
    df = indices.sort_values("ST", ascending=False)
    y = np.arange(len(df))
    fig, ax = new_figure(figsize=(7, 0.5 * len(df) + 1.8))
    h = 0.38
    ax.barh(y - h / 2, df["S1"], h, xerr=df["S1_conf"], capsize=2, color="#4c72b0", label="first order S1")
    ax.barh(y + h / 2, df["ST"], h, xerr=df["ST_conf"], capsize=2, color="#dd8452", label="total ST")
    ax.set_yticks(y, df["parameter"])
    ax.invert_yaxis()
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel("share of output variance (Sobol index, dimensionless)")
    ax.set_title(f"Sobol indices of {metric} (whiskers: {confidence:.0%} CI)" if metric else "Sobol indices")
    ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return save(fig, path)


def morris_plot(indices: pd.DataFrame, path: Path | str, metric: str = "") -> list[Path]:
    """Morris screening: mu* (mean |elementary effect|) against sigma, per parameter."""
    fig, ax = new_figure(figsize=(6.5, 5))
    ax.errorbar(indices["mu_star"], indices["sigma"], xerr=indices["mu_star_conf"], fmt="o", capsize=2)
    for _, r in indices.iterrows():
        ax.annotate(r["parameter"], (r["mu_star"], r["sigma"]), fontsize=8, xytext=(4, 4),
                    textcoords="offset points")
    ax.set_xlabel(f"μ* (mean |elementary effect| on {metric or 'the metric'}, its units per range)")
    ax.set_ylabel("σ (spread of elementary effects, same units)")
    ax.set_title("Morris screening")
    ax.grid(alpha=0.3)
    return save(fig, path)


def node_states(state, n: int) -> np.ndarray:
    """Category name per node from state arrays (priority: KOL > negative > shared > bought > exposed)."""
    def get(name):
        arr = state.get(name) if isinstance(state, dict) else getattr(state, name, None)
        return np.zeros(n, bool) if arr is None else np.asarray(arr, bool)

    out = np.full(n, "untouched", dtype=object)
    for name, label in (("exposed", "exposed"), ("bought", "bought"), ("shared", "shared"),
                        ("negative", "negative"), ("is_kol", "KOL")):
        out[get(name)] = label
    return out


def network_snapshot(graph, state, path: Path | str, max_nodes: int = 1500, layout_seed: int = 0,
                     title: str = "Network at the end of the run") -> list[Path]:
    """Draw a small run's graph with each person coloured by final state.

    Parameters
    ----------
    graph : ``CSRGraph`` or NetworkX graph whose nodes are 0..n-1 in state order.
    state : mapping or object with per-node bool arrays ``bought``, ``shared``,
        ``exposed``, ``is_kol``, ``negative`` (missing arrays count as all False).
    path : output path without suffix.
    max_nodes : larger graphs are cut to the breadth-first ball of that many nodes
        around the best-connected KOL (or buyer).
    layout_seed : seed of the spring layout (positions only).
    """
    import networkx as nx

    from simulation.graph.csr import CSRGraph

    if isinstance(graph, CSRGraph):
        g = nx.Graph()
        g.add_nodes_from(range(graph.n))
        g.add_edges_from(zip(graph.tails.tolist(), graph.indices.tolist()))
    else:
        g = nx.Graph(graph)
        g = nx.convert_node_labels_to_integers(g, ordering="sorted")
    n = g.number_of_nodes()
    cats = node_states(state, n)
    nodes = list(range(n))
    if n > max_nodes:
        deg = np.array([d for _, d in sorted(g.degree())])
        centre_pool = np.flatnonzero(cats == "KOL")
        if centre_pool.size == 0:
            centre_pool = np.flatnonzero(cats != "untouched")
        if centre_pool.size == 0:
            centre_pool = np.arange(n)
        centre = int(centre_pool[np.argmax(deg[centre_pool])])
        nodes = []
        for node in nx.bfs_tree(g, centre):
            nodes.append(node)
            if len(nodes) >= max_nodes:
                break
        g = g.subgraph(nodes)
    pos = nx.spring_layout(g, seed=layout_seed, iterations=60)
    fig, ax = new_figure(figsize=(8, 8))
    nx.draw_networkx_edges(g, pos, ax=ax, width=0.3, alpha=0.25, edge_color="#666666")
    sub_cats = cats[np.asarray(list(g.nodes()), dtype=int)]
    node_list = np.asarray(list(g.nodes()), dtype=int)
    for cat, colour in STATE_COLOURS.items():
        sel = node_list[sub_cats == cat]
        if sel.size == 0:
            continue
        size = 70 if cat == "KOL" else 14
        nx.draw_networkx_nodes(g, pos, nodelist=sel.tolist(), node_color=colour, node_size=size,
                               ax=ax, label=f"{cat} ({sel.size})",
                               node_shape="*" if cat == "KOL" else "o", linewidths=0)
    ax.set_axis_off()
    shown = "" if len(nodes) == n else f" ({len(nodes)} of {n} people)"
    ax.set_title(title + shown)
    ax.legend(fontsize=8, frameon=False, loc="upper right", markerscale=1.5)
    return save(fig, path)
