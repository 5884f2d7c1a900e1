"""The posterior: pyabc ABC-SMC over the priors, its history in an SQLite database.

Parameters are sampled on the prior's natural scale, log-uniform ones on the log scale
(a uniform prior there), so pyabc's Gaussian perturbation kernel moves them in
proportion to their size. Summary statistics are ``loss.summary_statistics`` of the fit
window; the distance is pyabc's ``AdaptivePNormDistance`` (p = 2, each statistic scaled
by its median absolute deviation, re-estimated every generation); the threshold is
pyabc's default median schedule. The run stops after ``generations`` generations, once
the threshold falls below ``min_epsilon``, or after the generation in which the
simulations reach ``max_simulations`` (pyabc checks budgets between generations).

Reproducible: numpy's global random state (which pyabc uses for proposals) is seeded
from ``seed`` for the run and restored afterwards, and ``sampler.SeededSampler`` makes
the populations independent of the worker count.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .config import Prior
from .loss import summary_statistics
from .sampler import SeededSampler


@dataclass(frozen=True)
class PosteriorResult:
    """The last ABC-SMC population.

    samples : one row per particle, a column per parameter (natural units) and ``weight``
    (summing to 1); generations, simulations : counts; epsilons : threshold per generation.
    """

    samples: pd.DataFrame
    generations: int
    simulations: int
    epsilons: list[float]

    @property
    def names(self) -> list[str]:
        return [c for c in self.samples.columns if c != "weight"]

    def quantile(self, name: str, q: float) -> float:
        """Weighted quantile ``q`` of parameter ``name``."""
        from pyabc.weighted_statistics import weighted_quantile

        return float(weighted_quantile(self.samples[name].to_numpy(), self.samples["weight"].to_numpy(), alpha=q))

    def interval(self, name: str, level: float) -> tuple[float, float]:
        """Equal-tailed credible interval of probability ``level``."""
        a = (1.0 - level) / 2.0
        return self.quantile(name, a), self.quantile(name, 1.0 - a)

    def draw(self, k: int, rng: np.random.Generator) -> list[dict[str, float]]:
        """``k`` parameter vectors resampled by weight."""
        w = self.samples["weight"].to_numpy()
        idx = rng.choice(len(w), size=k, replace=True, p=w / w.sum())
        return [{n: float(self.samples[n].iloc[i]) for n in self.names} for i in idx]


def pyabc_prior(priors: dict[str, Prior]):
    """pyabc ``Distribution`` over internal names p0, p1, ... (log scale for log-uniform priors)."""
    import pyabc

    rvs = {}
    for i, prior in enumerate(priors.values()):
        if prior.prior == "uniform":
            rvs[f"p{i}"] = pyabc.RV("uniform", prior.low, prior.high - prior.low)
        elif prior.prior == "log_uniform":
            lo, hi = math.log(prior.low), math.log(prior.high)
            rvs[f"p{i}"] = pyabc.RV("uniform", lo, hi - lo)
        else:
            a = -math.inf if prior.low is None else (prior.low - prior.mean) / prior.sd
            b = math.inf if prior.high is None else (prior.high - prior.mean) / prior.sd
            rvs[f"p{i}"] = pyabc.RV("truncnorm", a, b, prior.mean, prior.sd)
    return pyabc.Distribution(**rvs)


def to_natural(priors: dict[str, Prior], internal) -> dict[str, float]:
    """Internal pyabc parameters -> {dotted path: value in the scenario's units}."""
    out = {}
    for i, (name, prior) in enumerate(priors.items()):
        x = float(internal[f"p{i}"])
        out[name] = math.exp(x) if prior.prior == "log_uniform" else x
    return out


class _Model:
    """pyabc's model: internal parameters -> summary statistics of one simulation (a picklable class)."""

    def __init__(self, simulator, priors, n_periods, period):
        self.simulator, self.priors, self.n_periods, self.period = simulator, priors, n_periods, period

    def __call__(self, internal):
        seed = int(np.random.randint(0, 2**63 - 1, dtype=np.int64))  # the task's seeded global state
        series = self.simulator(to_natural(self.priors, internal), seed, self.n_periods)
        return summary_statistics(series, self.period)


def fit_posterior(
    simulator: Callable,
    priors: dict[str, Prior],
    observed: dict[str, np.ndarray],
    period: str,
    *,
    population_size: int,
    generations: int,
    max_simulations: int,
    min_epsilon: float,
    seed: int,
    db_path: Path,
    map_: Callable | None = None,
    chunks: int = 1,
) -> PosteriorResult:
    """Run ABC-SMC; the database ``db_path`` is replaced by this run's history.

    simulator : ``model.Simulator``; observed : column -> values per ``period`` of the fit
    window; map_ : order-preserving map for the sampler's tasks (``sampler.ordered_map``;
    None: in this process); chunks : task groups per generation (the worker count).
    """
    import pyabc

    db_path = Path(db_path)
    db_path.unlink(missing_ok=True)
    n_periods = len(next(iter(observed.values())))
    loggers = [logging.getLogger(n) for n in ("ABC", "pyabc")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.WARNING)
    saved = np.random.get_state()
    np.random.seed(np.random.SeedSequence([seed, 0xABC]).generate_state(1)[0])
    try:
        abc = pyabc.ABCSMC(
            _Model(simulator, priors, n_periods, period), pyabc_prior(priors),
            pyabc.AdaptivePNormDistance(p=2), population_size=population_size,
            sampler=SeededSampler(map_, chunks, seed),
        )
        abc.new(f"sqlite:///{db_path.resolve()}", summary_statistics(observed, period))
        history = abc.run(minimum_epsilon=min_epsilon, max_nr_populations=generations,
                          max_total_nr_simulations=max_simulations)
        internal, w = history.get_distribution(m=0, t=history.max_t)
        rows = [to_natural(priors, internal.iloc[i]) for i in range(len(internal))]
        samples = pd.DataFrame(rows, columns=list(priors))
        samples["weight"] = np.asarray(w, np.float64) / float(np.sum(w))
        pops = history.get_all_populations()
        eps = [float(e) for e in pops.loc[pops["t"] >= 0, "epsilon"]]
        return PosteriorResult(samples, int(history.max_t) + 1, int(history.total_nr_simulations), eps)
    finally:
        np.random.set_state(saved)
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
