"""Losses and summary statistics."""
from __future__ import annotations

import numpy as np
from scipy import stats

from simulation.calibration.loss import poisson_deviance, squared_error, summary_statistics


def test_poisson_deviance_is_twice_the_log_likelihood_gap_to_the_saturated_model():
    y = np.array([0, 3, 7, 1, 0, 12])
    mu = np.array([0.5, 2.0, 9.0, 1.5, 0.8, 10.0])
    saturated = stats.poisson.logpmf(y, np.maximum(y, 1e-300)).sum()
    assert np.isclose(poisson_deviance(y, mu), 2 * (saturated - stats.poisson.logpmf(y, mu).sum()))
    assert poisson_deviance(y[y > 0], y[y > 0] + 0.0) == 0.0


def test_poisson_deviance_floors_the_mean_so_a_missed_sale_is_finite():
    # mean 0 floored at 1/(2R): one sale where 4 runs sold nothing costs 2 (1 log 8 - 0.875)
    assert np.isclose(poisson_deviance(np.array([1.0]), np.array([0.0]), 4), 2 * (np.log(8) - 0.875))


def test_squared_error_and_weekly_sqrt_statistics():
    assert squared_error(np.array([1.0, 2.0]), np.array([0.0, 4.0])) == 5.0
    s = summary_statistics({"purchases": np.arange(1, 16, dtype=float)}, "day")
    assert np.allclose(s["purchases"] ** 2, [28, 77, 15])  # two full weeks and a 1-day week
