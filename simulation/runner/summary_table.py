"""The compact table ``socsim run`` prints: key metrics with 95 % intervals across replications."""
from __future__ import annotations

import math
from pathlib import Path

#: Metrics shown, with their labels (ratios' intervals are ratios of means, see analysis.stats).
KEY_METRICS = (
    ("buyers", "buyers"),
    ("conversion_rate", "conversion rate"),
    ("revenue", "revenue"),
    ("spend", "spend"),
    ("profit", "profit"),
    ("incremental_buyers", "incremental buyers"),
    ("incremental_profit", "incremental profit"),
    ("incremental_roi", "incremental ROI"),
    ("roas", "ROAS"),
    ("t50", "days to half the buyers"),
)


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def metrics_table(runs_path: str | Path, confidence: float = 0.95) -> str:
    """The key metrics of the ok runs in ``runs_path``: mean and two-sided interval (t; ratios of means for ratios)."""
    from simulation.analysis.stats import metric_interval
    from simulation.runner.storage import read_parquet

    runs = read_parquet(Path(runs_path)).to_pandas()
    runs = runs[runs["status"] == "ok"]
    n = len(runs)
    head = f"{'metric':<24} {'mean':>12}   {int(confidence * 100)} % interval over {n} replication{'s' * (n != 1)}"
    lines = [head, "-" * len(head)]
    for col, label in KEY_METRICS:
        if col not in runs:
            continue
        iv = metric_interval(runs, col, confidence)
        ci = f"[{_fmt(iv.low)}, {_fmt(iv.high)}]" if math.isfinite(iv.low) else "(needs 2+ replications)"
        lines.append(f"{label:<24} {_fmt(iv.estimate):>12}   {ci}")
    return "\n".join(lines)
