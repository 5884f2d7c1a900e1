"""The demonstration behind ``make demo``: the four operation models, alone and combined.

Runs the embedded experiment ``simulation/data/demo.toml`` (the default scenario, six
variants × 20 replications, each run paired with its no-marketing counterfactual) with
the ordinary runner, then writes the report (figures, ``report.md``, ``report.html``)
and ``ranking.csv`` — the variants ranked by incremental return (mean
``incremental_roi``; also incremental profit, spend, discount cost, ROAS) — into the
same directory. Re-running replaces the previous
demo output: it is regenerated from the file and its seed, never edited by hand.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: Columns of ``ranking.csv`` (means over replications), the first one ranks.
RANKING = ("incremental_roi", "incremental_profit", "incremental_buyers", "profit", "spend", "discount_cost",
           "event_spend", "roas", "buyers")


def demo_file() -> Path:
    """Path of the embedded demo experiment."""
    return Path(str(resources.files("simulation") / "data" / "demo.toml"))


def main(out: str | Path = Path("results/demo"), workers: int | None = None, overrides: tuple[str, ...] = ()) -> Path:
    """Run the demo experiment into ``out`` and write its report; return the report's path.

    Parameters
    ----------
    out : output directory (replaced if it holds an earlier demo).
    workers : local worker processes (default: all cores).
    overrides : ``dotted.path=value`` strings, e.g. ``("sweep.replications=3",)`` for a quick look.
    """
    from simulation.analysis.report import write_report
    from simulation.config.experiment import load_experiment
    from simulation.runner.sweep import run_experiment

    out = Path(out)
    exp = load_experiment(demo_file(), overrides)
    run_experiment(exp, out, workers=workers or os.cpu_count(), overwrite=True)
    report = write_report(out)
    table = ranking(out)
    print(table.to_string(float_format=lambda v: f"{v:,.2f}"))
    print(f"demo written to {out}/ (report: {report}; ranking: {out / 'ranking.csv'})")
    return report


def ranking(out: str | Path):
    """Rank the demo's variants by mean incremental return; write and return ``out/ranking.csv`` (a DataFrame)."""
    import pandas as pd

    runs = pd.read_parquet(Path(out) / "runs.parquet")
    runs = runs[runs["status"] == "ok"]
    cols = [c for c in RANKING if c in runs]
    table = runs.groupby("point_name")[cols].mean().sort_values(cols[0], ascending=False, na_position="last")
    table.to_csv(Path(out) / "ranking.csv")
    return table
