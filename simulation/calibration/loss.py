"""Losses of the point fit and summary statistics of the posterior fit.

* ``poisson_deviance(y, mu, replications)``: ``2 * sum(y log(y / mu) - (y - mu))`` with
  ``0 log 0 = 0``; mu is the mean of R common-random-number runs, floored at ``1 / (2R)``
  (half the smallest positive mean R runs can give) so that a period the model never
  sells in but the data does costs a finite, large penalty instead of infinity.
* ``squared_error(y, mu)``: ``sum((y - mu)^2)`` (money columns).
* ``summary_statistics``: per column, the square roots of the weekly totals (the
  variance-stabilising transform of counts), compared by pyabc's adaptive p-norm.
"""
from __future__ import annotations

import numpy as np

from .observed import weekly_totals


def poisson_deviance(y: np.ndarray, mu: np.ndarray, replications: int = 1) -> float:
    """Poisson deviance of counts ``y`` against means ``mu`` (floored at 1 / (2 replications))."""
    y = np.asarray(y, np.float64)
    mu = np.maximum(np.asarray(mu, np.float64), 0.5 / replications)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2.0 * np.sum(term - (y - mu)))


def squared_error(y: np.ndarray, mu: np.ndarray, replications: int = 1) -> float:  # noqa: ARG001
    """Sum of squared differences."""
    d = np.asarray(y, np.float64) - np.asarray(mu, np.float64)
    return float(np.dot(d, d))


LOSSES = {"poisson_deviance": poisson_deviance, "squared_error": squared_error}


def summary_statistics(series: dict[str, np.ndarray], period: str) -> dict[str, np.ndarray]:
    """Square roots of the weekly totals of each column (pyabc's summary-statistics dict)."""
    return {c: np.sqrt(np.maximum(weekly_totals(v, period), 0.0)) for c, v in series.items()}
