"""The report's per-platform section (``simulation.platforms``): which platform each purchase came through.

Shown only when the sweep's runs report platforms (scenarios declaring ``[[platforms]]``).
A table per design point x platform (purchases and their share, buyers, exposed,
conversion there, revenue, ads spend and ads spend per buyer there), the attribution
platform x channel, and the ``platform_mix`` figure.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulation.analysis.platform_figures import platform_mix, platforms_of
from simulation.operations import CHANNELS


def platform_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean per run of each design point x platform (columns named for readers)."""
    names = platforms_of(runs.columns)
    means = runs.groupby("point").mean(numeric_only=True)
    label = runs.groupby("point")["point_name"].first() if "point_name" in runs else None
    rows = []
    for point, m in means.iterrows():
        total = sum(m[f"platform_purchases__{q}"] for q in names)
        for q in names:
            buyers = m[f"platform_buyers__{q}"]
            rows.append({"point": label[point] if label is not None else point, "platform": q,
                         "purchases": m[f"platform_purchases__{q}"],
                         "share of purchases %": 100.0 * m[f"platform_purchases__{q}"] / total if total else float("nan"),
                         "buyers": buyers, "exposed": m[f"platform_exposed__{q}"],
                         "conversion %": 100.0 * buyers / m[f"platform_exposed__{q}"] if m[f"platform_exposed__{q}"]
                         else float("nan"),
                         "revenue": m[f"platform_revenue__{q}"], "ads spend": m[f"platform_ads_spend__{q}"],
                         "ads spend per buyer": m[f"platform_ads_spend__{q}"] / buyers if buyers else float("nan")})
    return pd.DataFrame(rows)


def attribution_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean purchases per run of each design point x platform, by channel credited (columns ``attr_<channel>``,
    for the channels that sold anywhere)."""
    names = platforms_of(runs.columns)
    means = runs.groupby("point").mean(numeric_only=True)
    label = runs.groupby("point")["point_name"].first() if "point_name" in runs else None
    used = [c for c in CHANNELS if any(f"platform_attr_{c}__{q}" in means and means[f"platform_attr_{c}__{q}"].sum() > 0
                                       for q in names)]
    rows = []
    for point, m in means.iterrows():
        for q in names:
            row = {"point": label[point] if label is not None else point, "platform": q}
            row.update({f"attr_{c}": m[f"platform_attr_{c}__{q}"] for c in used})
            rows.append(row)
    return pd.DataFrame(rows)


def platform_blocks(results, fig_dir: Path, seed: int = 0) -> list:
    """The section "Platforms: where purchases came from" (empty when no run reports platforms)."""
    from simulation.analysis.report import Figure, Heading, Para, Table, md_escape

    runs = results.runs
    names = platforms_of(runs.columns)
    if not names:
        return []
    table = platform_table(runs)
    best = table.loc[table.groupby("point")["purchases"].idxmax()]
    lines = [f"- **{md_escape(str(r.point))}**: most purchases through **{md_escape(r.platform)}** "
             f"({r['share of purchases %']:.0f} % of the point's purchases)" for _, r in best.iterrows()]
    return [Heading("Platforms: where purchases came from"),
            Para("Each purchase is credited to the platform of the exposure that converted it (a friend's "
                 "share there, its feed, its ads, a KOL it hosts, an operation's message); a repeat purchase "
                 "to the platform of the buyer's first purchase, the seeds to the first platform. "
                 "Conversion there = people whose first purchase came through the platform / people exposed "
                 "there."),
            Para("\n".join(lines)),
            Table(table, "Mean per run over ok replications, per design point and platform; revenue (before "
                         "returns), ads spend and ads spend per buyer in currency."),
            Table(attribution_table(runs), "Purchases per run (mean) by platform and the channel credited "
                                           "(last touch); each row sums to that platform's purchases."),
            Figure(platform_mix(runs, fig_dir / "platforms")[0],
                   "Left: purchases per run by the platform they came through. Right: people exposed, "
                   "interested and buying on each platform at the point with most purchases.")]
