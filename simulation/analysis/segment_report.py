"""The report's per-segment parts: segment and profile tables, purchase frequency, price elasticity.

Each part is a ``Section`` (a title, paragraphs in the report's small Markdown without
user text, and tables of plain cells with captions) that ``analysis.report`` turns into
its blocks; user text (segment names, labels, point names) appears only in table cells,
which the templates escape. Statistics: means over ok replications with 95 % t
intervals (``analysis.stats.summarize``); elasticities from ``analysis.elasticity``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.analysis import segment_figures
from simulation.analysis.elasticity import demand_groups, elasticity_table
from simulation.analysis.stats import summarize
from simulation.segments import FREQ_KEYS

#: Per-group metrics of the segment and profile tables, in column order.
GROUP_METRICS = ("people", "buyers", "conversion_rate", "purchases", "revenue", "gross_profit")
#: Per-profile-value metrics (fewer: there are many values).
PROFILE_METRICS = ("people", "conversion_rate", "revenue", "gross_profit")
#: The swept column read as the price.
PRICE = "product.price"
#: Most design points the per-group tables show (the rest are in runs.parquet).
MAX_POINTS = 8


@dataclass
class Section:
    """A titled part of the report: paragraphs, tables and figures (PNG path), each with its caption."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[pd.DataFrame, str]] = field(default_factory=list)
    figures: list[tuple[Path, str]] = field(default_factory=list)


Formatter = Callable[[float, float, float], str]


def _groups(runs: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(segments, profile values) with per-group readouts among the runs' columns."""
    keys = demand_groups([c for c in runs.columns if isinstance(c, str)], "people")
    return [k for k in keys if "=" not in k], [k for k in keys if "=" in k]


def _points(runs: pd.DataFrame) -> tuple[list[int], str]:
    points = sorted(runs["point"].unique())
    if len(points) <= MAX_POINTS:
        return points, ""
    return points[:MAX_POINTS], f" Showing the first {MAX_POINTS} of {len(points)} points; every point is in runs.parquet."


def _group_table(runs: pd.DataFrame, keys: list[str], metrics: tuple[str, ...], ci: Formatter, seed: int,
                 label: str) -> tuple[pd.DataFrame, str]:
    points, note = _points(runs)
    cols = [f"{m}__{g}" for g in keys for m in metrics if f"{m}__{g}" in runs]
    s = summarize(runs[runs["point"].isin(points)], cols, seed=seed).set_index(["point", "metric"])
    names = runs.drop_duplicates("point").set_index("point")["point_name"].astype(str)
    rows = []
    for p in points:
        for g in keys:
            row = {"point": names.get(p, str(p)), label: g}
            for m in metrics:
                key = (p, f"{m}__{g}")
                row[m] = ci(*s.loc[key, ["mean", "ci_low", "ci_high"]]) if key in s.index else "–"
            rows.append(row)
    return pd.DataFrame(rows), note


def group_sections(results, ci: Formatter, seed: int = 0, fig_dir: Path | None = None,
                   point: int | None = None) -> list[Section]:
    """Per-segment and per-profile-value tables, the purchase-frequency distribution and (with ``fig_dir``
    and the daily series) adoption per segment at design ``point`` (default: the first)."""
    runs = results.runs
    segments, values = _groups(runs)
    if not segments:
        return []
    out = Section("Segments and profiles", [
        "Readouts per segment and per value of each profile attribute (age band, region, income band). "
        "gross_profit = revenue − cost of goods: spend (KOL fees, rewards, content, events) is paid per "
        "lever, not per buyer, and is not allocated, so profit = Σ gross_profit − spend over the segments. "
        "Each attribute's values, like the segments, add up to the totals."])
    table, note = _group_table(runs, segments, GROUP_METRICS, ci, seed, "segment")
    out.tables.append((table, "Per segment: mean over ok replications [95 % t interval]; conversion_rate = "
                              "buyers / people of the segment; money in currency." + note))
    if values:
        table, note = _group_table(runs, values, PROFILE_METRICS, ci, seed, "profile value")
        out.tables.append((table, "Per profile value (attribute=label): mean [95 % t interval]." + note))
    freq = [k for k in FREQ_KEYS if k in runs]
    if freq:
        points, note = _points(runs)
        rows = []
        for p in points:
            pr = runs[runs["point"] == p]
            for g in [None] + segments:
                cols = [k if g is None else f"{k}__{g}" for k in freq]
                if not set(cols) <= set(pr.columns):
                    continue
                mean = pr[cols].mean()
                buyers = float(mean.sum())
                row = {"point": str(pr["point_name"].iloc[0]), "segment": "all" if g is None else g}
                row.update({k.removeprefix("freq_").replace("plus", "+") + "×": m for k, m in zip(freq, mean)})
                row["buyers"] = buyers
                row["repeat share"] = float(mean.iloc[1:].sum()) / buyers if buyers else np.nan
                rows.append(row)
        out.tables.append((pd.DataFrame(rows), "Purchase frequency: mean number of people who bought exactly 1, "
                                               "2, ... times (the last column: that many or more); repeat share "
                                               "= buyers with 2 or more purchases / buyers." + note))
    ts = results.timeseries
    if fig_dir is not None and not ts.empty and all(f"buyers__{g}" in ts for g in segments):
        point = int(runs["point"].min()) if point is None else point
        png = segment_figures.segment_adoption(ts, runs, point, segments, Path(fig_dir) / "segment_adoption",
                                               "Adoption per segment (reference point)")[0]
        out.figures.append((png, "Cumulative buyers of each segment as a share of its members, day by day, at "
                                 "the reference point (the baseline): mean over replications, 95 % t band."))
    return [out]


def elasticity_sections(results, ci: Formatter, seed: int = 0, fig_dir: Path | None = None,
                        demand: str = "purchases") -> list[Section]:
    """The price-elasticity section when the sweep varies ``product.price`` alone (else nothing)."""
    runs = results.runs
    if PRICE not in results.swept or runs[PRICE].nunique() < 2:
        return []
    if len(results.swept) > 1 or results.design_type == "scenarios":
        return [Section("Price elasticity of demand", [
            "Not estimated: the sweep varies other parameters together with the price, so adjacent "
            "price levels differ in more than the price."])]
    segments, values = _groups(runs)
    groups = [None] + [g for g in segments + values if f"{demand}__{g}" in runs]
    table = elasticity_table(runs, PRICE, demand, groups, paired=results.crn, seed=seed)
    table["prices"] = [f"{lo:g} → {hi:g}" for lo, hi in zip(table["price_low"], table["price_high"])]
    table["cell"] = [ci(e, lo, hi) for e, lo, hi in zip(table["elasticity"], table["ci_low"], table["ci_high"])]
    order = list(dict.fromkeys(table["group"]))
    shown = table.pivot(index="group", columns="prices", values="cell").loc[order, list(dict.fromkeys(table["prices"]))]
    shown = shown.reset_index().rename_axis(columns=None)
    levels = sorted(runs[PRICE].unique())
    mean = runs.groupby(PRICE)[[demand if g is None else f"{demand}__{g}" for g in groups]].mean()
    demand_rows = pd.DataFrame([{"group": "all" if g is None else g,
                                 **{f"{p:g}": mean.loc[p, demand if g is None else f"{demand}__{g}"] for p in levels}}
                                for g in groups])
    pairing = ("replications paired across prices (common random numbers)" if results.crn
               else "independent replications (Welch degrees of freedom)")
    figures = []
    if fig_dir is not None:
        png = segment_figures.demand_curves(runs, PRICE, [None] + segments, Path(fig_dir) / "demand_curves",
                                            demand, paired=results.crn)[0]
        figures.append((png, f"Left: mean {demand} per run against the price, overall (black) and per segment, "
                             "log scale, 95 % t intervals. Right: arc elasticity of each adjacent pair of prices "
                             "at its midpoint, 95 % delta-method intervals; below the dashed line (−1) a price cut "
                             "raises revenue."))
    return [Section("Price elasticity of demand", [
        f"Arc (midpoint) elasticity of mean {demand} between adjacent price levels: "
        "E = (Δq / mean q) / (Δp / mean p). Below −1 demand is elastic (a price cut raises revenue), between "
        "−1 and 0 inelastic. It is the elasticity of the whole diffusion: a higher price loses first "
        "purchases and with them the shares that would have brought further buyers, so it can exceed what a "
        "person's own price sensitivity implies. Intervals: delta method with a Student t quantile, " + pairing + "."],
        [(shown, "Arc elasticity of " + demand + " between adjacent prices (columns), per group (all = the whole "
                 "population): estimate [95 % delta-method interval]."),
         (demand_rows, f"Mean {demand} per run at each price (columns), per group.")], figures)]


def sections(results, ci: Formatter, seed: int = 0, fig_dir: Path | None = None,
             point: int | None = None) -> list[Section]:
    """Every per-segment part of the report, in reading order (figures into ``fig_dir`` when given;
    ``point``: the design point of the per-segment adoption figure)."""
    return elasticity_sections(results, ci, seed, fig_dir) + group_sections(results, ci, seed, fig_dir, point)
