"""The posterior predictive figure: weekly observations against the band, fit window and held-out weeks."""
from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from simulation.atomic import atomic_write

from .predictive import PredictiveBand

LABELS = {"purchases": "purchases per week", "buyers": "new buyers per week", "revenue": "revenue per week"}


def predictive_figure(band: PredictiveBand, title: str = "") -> Figure:
    """One panel per observed column: band, median, observations (open markers: held out)."""
    cols = list(dict.fromkeys(band.table["column"]))
    fig = Figure(figsize=(6.4, 2.6 * len(cols) + 0.6), layout="constrained")
    axes = fig.subplots(len(cols), 1, sharex=True, squeeze=False)[:, 0]
    pct = f"{band.level:.0%}"
    for ax, col in zip(axes, cols):
        t = band.table[band.table["column"] == col]
        ax.fill_between(t["week"], t["low"], t["high"], color="tab:blue", alpha=0.25, lw=0,
                        label=f"{pct} posterior predictive band")
        ax.plot(t["week"], t["median"], color="tab:blue", lw=1.5, label="predictive median")
        fit, held = t[~t["held_out"]], t[t["held_out"]]
        ax.plot(fit["week"], fit["observed"], "o", color="black", ms=4, label="observed (fit)")
        if len(held):
            ax.plot(held["week"], held["observed"], "o", mfc="white", mec="black", ms=4, label="observed (held out)")
            ax.axvline(band.fit_weeks + 0.5, color="grey", ls="--", lw=1)
            ax.set_title(f"{col}: held-out coverage {band.coverage():.0%} of {len(held)} weeks", fontsize=9, loc="left")
        ax.set_ylabel(LABELS.get(col, f"{col} per week"))
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="upper left")
    axes[-1].set_xlabel("week of the campaign")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def save_figure(fig: Figure, path: Path) -> Path:
    """Write ``fig`` as PNG atomically."""
    return atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120))
