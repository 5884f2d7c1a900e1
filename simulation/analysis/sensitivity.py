"""Global sensitivity indices of a sweep: Sobol (Saltelli designs) and Morris screening.

The runner writes a ``sobol`` design as SALib's Saltelli sample, point i being row i
of the sample; replications of a point are averaged before SALib sees them, so the
indices describe the expected outcome (the replication noise would otherwise count as
an unexplained "parameter"). A ``morris`` design is a set of one-at-a-time trajectories
whose rows are the points in order.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from SALib.analyze import morris as salib_morris
from SALib.analyze import sobol as salib_sobol

from simulation.analysis.load import Results
from simulation.seeding import as_seed_sequence


def _salib_seed(seed) -> int:
    """A positive int for SALib from any seed (SALib treats 0 as 'unseeded': avoid it)."""
    return int(as_seed_sequence(seed).generate_state(1, np.uint32)[0]) | 1


def _problem(results: Results) -> dict:
    design = results.design
    prob = design.get("salib_problem")
    if prob is None:
        params = design.get("parameters", {})
        raise ValueError(f"design {results.design_type!r} has no 'salib_problem' in the manifest "
                         f"(parameters: {list(params)}); sensitivity indices need one")
    names = list(prob["names"])
    bounds = [list(map(float, b)) for b in prob["bounds"]]
    if len(names) != len(bounds) or int(prob.get("num_vars", len(names))) != len(names):
        raise ValueError(f"salib_problem is inconsistent: num_vars={prob.get('num_vars')}, "
                         f"{len(names)} names, {len(bounds)} bounds")
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def point_matrix(results: Results, names: list[str]) -> np.ndarray:
    """The sampled matrix, (points, parameters), rows in point order.

    The manifest's raw SALib sample (``salib_sample``) when present: integer parameters
    are floored into their points, and Morris steps must be measured on what was sampled.
    """
    raw = results.design.get("salib_sample")
    if raw is not None:
        X = np.asarray(raw, dtype=float)
        if X.ndim != 2 or X.shape[1] != len(names) or X.shape[0] != len(results.points):
            raise ValueError(f"salib_sample has shape {X.shape}; expected "
                             f"({len(results.points)}, {len(names)})")
        return X
    pts = results.points.sort_values("point")
    missing = [n for n in names if n not in pts.columns]
    if missing:
        raise ValueError(f"design points lack parameter(s) {missing}")
    return pts[names].to_numpy(dtype=float)


def point_means(results: Results, metric: str) -> np.ndarray:
    """Mean of ``metric`` over each point's ok replications, in point order (NaN if none)."""
    if metric not in results.runs:
        raise KeyError(f"no metric {metric!r} in runs")
    n_points = len(results.points)
    means = results.runs.groupby("point")[metric].mean()
    return means.reindex(range(n_points)).to_numpy(dtype=float)


def saltelli_second_order(X: np.ndarray, num_vars: int) -> bool:
    """Whether a Saltelli sample was drawn with ``calc_second_order`` (block 2D+2 vs D+2).

    A first-order block is A, AB_1..AB_D, B, where AB_j equals A except in column j
    (taken from B); the check reads that structure instead of trusting the row count.
    """
    d = num_vars
    for second, size in ((True, 2 * d + 2), (False, d + 2)):
        if X.shape[0] % size:
            continue
        blocks = X.reshape(-1, size, d)
        a, b = blocks[:, 0, :], blocks[:, -1, :]
        ok = True
        for j in range(d):
            ab = blocks[:, 1 + j, :]
            expect = a.copy()
            expect[:, j] = b[:, j]
            if not np.allclose(ab, expect):
                ok = False
                break
        if ok:
            return second
    raise ValueError(f"{X.shape[0]} design points do not form a Saltelli sample over {d} "
                     f"parameters (rows must be blocks of {d + 2} or {2 * d + 2})")


def sobol_indices(results: Results, metric: str, conf_level: float = 0.95,
                  num_resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices of ``metric`` with bootstrap CIs (SALib).

    Parameters
    ----------
    results : a ``sobol`` sweep (manifest with ``salib_problem``; points in Saltelli order).
    metric : run metric to decompose (point means over replications).
    conf_level : coverage of the CIs.
    num_resamples : SALib's bootstrap resamples.
    seed : seed of SALib's bootstrap.

    Returns one row per parameter: ``parameter``, ``S1``, ``S1_conf``, ``ST``,
    ``ST_conf`` (``*_conf``: half-width of the ``conf_level`` interval).
    """
    problem = _problem(results)
    X = point_matrix(results, problem["names"])
    Y = point_means(results, metric)
    if not np.all(np.isfinite(Y)):
        bad = np.flatnonzero(~np.isfinite(Y))[:10].tolist()
        raise ValueError(f"metric {metric!r} is missing or NaN at design point(s) {bad}: "
                         f"Sobol indices need every Saltelli point")
    if np.ptp(Y) == 0:
        raise ValueError(f"metric {metric!r} takes one value at every design point: nothing to apportion")
    flag = results.design.get("calc_second_order", results.design.get("salib_problem", {}).get("calc_second_order"))
    second = bool(flag) if flag is not None else saltelli_second_order(X, problem["num_vars"])
    res = salib_sobol.analyze(problem, Y, calc_second_order=second, num_resamples=num_resamples,
                              conf_level=conf_level, print_to_console=False,
                              seed=_salib_seed(seed))
    return pd.DataFrame({"parameter": problem["names"], "S1": res["S1"], "S1_conf": res["S1_conf"],
                         "ST": res["ST"], "ST_conf": res["ST_conf"]})


def morris_indices(results: Results, metric: str, conf_level: float = 0.95,
                   num_resamples: int = 1000, num_levels: int | None = None,
                   seed: int = 0) -> pd.DataFrame:
    """Morris elementary-effect screening of ``metric`` (SALib): mu*, its CI, sigma.

    Parameters
    ----------
    results : a ``morris`` sweep (points in trajectory order, ``salib_problem``).
    metric : run metric (point means over replications).
    conf_level : coverage of mu*'s CI.
    num_resamples : bootstrap resamples for mu*'s CI.
    num_levels : grid levels the trajectories were drawn on (default: the manifest's, else 4).
    seed : seed of SALib's bootstrap.

    Returns one row per parameter: ``parameter``, ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma``.
    """
    problem = _problem(results)
    X = point_matrix(results, problem["names"])
    Y = point_means(results, metric)
    if num_levels is None:
        num_levels = int(results.design.get("num_levels", 4))
    if not np.all(np.isfinite(Y)):
        raise ValueError(f"metric {metric!r} is missing or NaN at some design point")
    if X.shape[0] % (problem["num_vars"] + 1):
        raise ValueError(f"{X.shape[0]} points are not whole Morris trajectories of "
                         f"{problem['num_vars'] + 1} points")
    res = salib_morris.analyze(problem, X, Y, num_resamples=num_resamples, conf_level=conf_level,
                               print_to_console=False, num_levels=num_levels,
                               seed=_salib_seed(seed))
    return pd.DataFrame({"parameter": problem["names"], "mu": res["mu"], "mu_star": res["mu_star"],
                         "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"]})
