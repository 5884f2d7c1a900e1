"""The simulator a calibration fits: parameter values -> a scenario -> simulated observed series.

Any callable ``simulator(params, seed, n_periods) -> {column: array of n_periods}`` can be
calibrated (the tests calibrate the classic Bass curve that way); ``ScenarioModel`` is
the one for socsim scenarios.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from .observed import OBSERVABLES, PERIODS, per_period


class Simulator(Protocol):
    """``simulator(params, seed, n_periods)``: one run's observed columns, ``n_periods`` values each."""

    def __call__(self, params: dict[str, float], seed: np.random.SeedSequence | int,
                 n_periods: int) -> dict[str, np.ndarray]: ...


class ScenarioModel:
    """Runs ``simulation.simulate`` on the base scenario with dotted-path parameter values.

    Parameters
    ----------
    base : the base scenario as plain data; base_dir : folder of its relative files.
    columns : observed columns (keys of ``observed.OBSERVABLES``); period : ``"day"`` or ``"week"``.
    The horizon of each run is exactly the periods asked for (a fit on 8 weeks simulates 56 days).
    """

    def __init__(self, base: dict, base_dir: str | None, columns: list[str], period: str):
        self.base = base
        self.base_dir = base_dir
        self.columns = list(columns)
        self.period = period

    def scenario(self, params: dict[str, float], days: int | None = None):
        """The validated scenario at ``params`` (horizon ``days`` if given)."""
        from simulation.config.scenario import load_scenario

        overrides: dict[str, object] = {k: float(v) for k, v in params.items()}
        if days is not None:
            overrides["days"] = int(days)
        sc = load_scenario(self.base, overrides)
        if self.base_dir is not None:
            sc._base_dir = Path(self.base_dir)  # as load_scenario does for a file
        return sc

    def __call__(self, params, seed, n_periods):
        from simulation.engine import simulate

        days = n_periods * PERIODS[self.period]
        daily = simulate(self.scenario(params, days), seed).daily
        return {c: per_period(daily[OBSERVABLES[c]], self.period, n_periods) for c in self.columns}


def mean_series(simulator: Callable, params: dict[str, float], seeds: list, n_periods: int) -> dict[str, np.ndarray]:
    """The mean over ``seeds`` (common random numbers) of the simulated columns."""
    runs = [simulator(params, s, n_periods) for s in seeds]
    return {c: np.mean([r[c] for r in runs], axis=0) for c in runs[0]}
