"""Posterior predictive band over the whole data horizon and its coverage of the held-out weeks.

``draws`` parameter vectors are resampled from the posterior by weight; each is run once
with its own seed over every period of the data (fit window and held-out weeks). The band
is the pointwise central ``level`` interval of the weekly totals of those runs (the
simulation's own randomness is the observation noise), and the held-out check is the
share of held-out weekly observations inside it (expected near ``level`` when the model
and its fitted parameters predict well).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from simulation.seeding import run_seed

from .observed import ObservedSeries, weekly_totals
from .posterior import PosteriorResult


@dataclass(frozen=True)
class PredictiveBand:
    """Weekly band per column.

    table : rows (column, week, observed, low, median, high, held_out, inside);
    fit_weeks : weeks used by the fit; level : the band's probability.
    """

    table: pd.DataFrame
    fit_weeks: int
    level: float

    def coverage(self, held_out: bool = True) -> float:
        """Share of held-out (or fit-window) weekly observations inside the band (NaN if none)."""
        rows = self.table[self.table["held_out"] == held_out]
        return float(rows["inside"].mean()) if len(rows) else float("nan")

    @property
    def held_out_weeks(self) -> int:
        return int(self.table["week"].max()) - self.fit_weeks


def predictive_band(
    simulator: Callable,
    posterior: PosteriorResult,
    observed: ObservedSeries,
    *,
    fit_weeks: int,
    draws: int,
    level: float,
    seed: int,
    map_: Callable = map,
) -> PredictiveBand:
    """Simulate ``draws`` posterior draws over the data horizon and summarise them weekly.

    map_ : order-preserving map (``sampler.ordered_map``) to run the draws in parallel.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x9ED]))
    params = posterior.draw(draws, rng)
    n = observed.n_periods
    root = np.random.SeedSequence([seed, 0x9ED, 1])
    runs = list(map_(_Run(simulator, n), [(p, run_seed(root, k)) for k, p in enumerate(params)]))
    a = (1.0 - level) / 2.0
    rows = []
    for col, obs in observed.weekly().items():
        sims = np.stack([weekly_totals(r[col], observed.period) for r in runs])
        lo, med, hi = np.quantile(sims, [a, 0.5, 1.0 - a], axis=0)
        for w in range(len(obs)):
            rows.append({"column": col, "week": w + 1, "observed": obs[w], "low": lo[w], "median": med[w],
                         "high": hi[w], "held_out": w + 1 > fit_weeks, "inside": bool(lo[w] <= obs[w] <= hi[w])})
    return PredictiveBand(pd.DataFrame(rows), fit_weeks, level)


class _Run:
    """One predictive run (a picklable callable for process pools)."""

    def __init__(self, simulator, n_periods):
        self.simulator, self.n_periods = simulator, n_periods

    def __call__(self, item):
        params, seed = item
        return self.simulator(params, seed, self.n_periods)
