"""Sobol and Morris indices pushed through the report's code path (load → average → SALib)."""
import math

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import sobol as salib_sobol
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from simulation.analysis.load import load_results
from simulation.analysis.sensitivity import (morris_indices, saltelli_second_order, sobol_indices)
from tests.analysis.fake_output import ISHIGAMI_PROBLEM, ishigami, sensitivity_output


def ishigami_indices(a=7.0, b=0.1):
    """Analytic first-order and total Sobol indices of the Ishigami function."""
    v1 = 0.5 * (1 + b * math.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = 8 * b ** 2 * math.pi ** 8 / 225
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


@pytest.mark.parametrize("second", [False, True])
def test_sobol_ishigami(tmp_path, second):
    X = sobol_sample.sample(ISHIGAMI_PROBLEM, 1024, calc_second_order=second, seed=42)
    Y = ishigami(X)
    # replications of a point carry +0.5 / -0.5 noise: averaging them must give back Y exactly
    out = sensitivity_output(tmp_path, X, Y, "sobol", replications=2, noise=0.5)
    res = load_results(out)
    idx = sobol_indices(res, "conversion_rate", seed=1)
    s1, st = ishigami_indices()
    assert list(idx["parameter"]) == ISHIGAMI_PROBLEM["names"]
    # SALib's *_conf is 1.96 bootstrap SE; allow 4 SE between estimate and the analytic value
    se1 = idx["S1_conf"].to_numpy() / 1.959964
    set_ = idx["ST_conf"].to_numpy() / 1.959964
    assert np.all(np.abs(idx["S1"].to_numpy() - s1) <= 4 * se1 + 1e-12), idx
    assert np.all(np.abs(idx["ST"].to_numpy() - st) <= 4 * set_ + 1e-12), idx
    # and the same numbers as SALib applied directly to the noise-free outputs
    direct = salib_sobol.analyze(ISHIGAMI_PROBLEM, Y, calc_second_order=second, seed=7)
    np.testing.assert_allclose(idx["S1"], direct["S1"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(idx["ST"], direct["ST"], rtol=1e-10, atol=1e-12)


def test_sobol_order_of_rows_in_parquet_does_not_matter(tmp_path):
    X = sobol_sample.sample(ISHIGAMI_PROBLEM, 64, calc_second_order=False, seed=1)
    out = sensitivity_output(tmp_path, X, ishigami(X), "sobol", replications=2, noise=0.1)
    ref = sobol_indices(load_results(out), "conversion_rate", seed=0)
    runs = pd.read_parquet(out / "runs.parquet").sample(frac=1.0, random_state=3)
    runs.to_parquet(out / "runs.parquet", index=False)
    pd.testing.assert_frame_equal(sobol_indices(load_results(out), "conversion_rate", seed=0), ref)


def test_second_order_detected_from_structure():
    for second in (False, True):
        X = sobol_sample.sample(ISHIGAMI_PROBLEM, 32, calc_second_order=second, seed=0)
        assert saltelli_second_order(X, 3) is second
    with pytest.raises(ValueError, match="do not form a Saltelli sample"):
        saltelli_second_order(np.random.default_rng(0).uniform(size=(40, 3)), 3)


def test_sobol_rejects_missing_points_and_problem(tmp_path):
    X = sobol_sample.sample(ISHIGAMI_PROBLEM, 16, calc_second_order=False, seed=0)
    out = sensitivity_output(tmp_path, X, ishigami(X), "sobol", replications=1)
    runs = pd.read_parquet(out / "runs.parquet")
    runs.loc[runs["point"] == 5, "status"] = "error"
    runs.to_parquet(out / "runs.parquet", index=False)
    with pytest.raises(ValueError, match=r"design point\(s\) \[5\]"):
        sobol_indices(load_results(out), "conversion_rate")
    res = load_results(out)
    del res.manifest["design"]["salib_problem"]
    with pytest.raises(ValueError, match="salib_problem"):
        sobol_indices(res, "conversion_rate")


def test_morris_linear_function_exact(tmp_path):
    X = morris_sample.sample(ISHIGAMI_PROBLEM, 10, num_levels=4, seed=0)
    coef = np.array([10.0, 1.0, 0.0])
    out = sensitivity_output(tmp_path, X, X @ coef, "morris", replications=2, noise=0.3)
    idx = morris_indices(load_results(out), "conversion_rate")
    # SALib measures steps in the unit cube: an elementary effect of c·x over [-π, π] is c·2π
    np.testing.assert_allclose(idx["mu_star"], coef * 2 * math.pi, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(idx["sigma"], 0.0, atol=1e-9)
