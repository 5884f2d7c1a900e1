"""Confidence intervals over replications, paired and unpaired comparisons, best point.

Every statistic here treats the replications of one design point as independent draws
of the run-level metric. Two conventions matter:

* **Ratio metrics** (ROI) are estimated as a ratio of means over replications,
  ``(mean(revenue) - mean(spend)) / mean(spend)``, never as a mean of per-run ratios
  (a run with a tiny spend would dominate). Their intervals are bootstrapped over
  replications (``scipy.stats.bootstrap``, BCa, seeded).
* **Common random numbers.** When replication r of every point shares a seed (the
  manifest's ``crn``), two points are compared pair by pair (paired t, or a bootstrap
  that resamples replications jointly); otherwise with Welch's unequal-variance t.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
# scipy.stats is imported where used: it costs ~0.5 s to import, which ``socsim run`` pays only
# when its summary table has intervals to compute.

from simulation.seeding import as_seed_sequence, run_seed

#: Metrics estimated as a ratio of means: metric -> (numerator, denominator, shift).
#: estimate = mean(numerator) / mean(denominator) + shift; ROI = revenue / spend - 1.
#: The denominator "spend" is read from ``total_spend`` in outputs that predate ``spend``.
RATIO_METRICS: dict[str, tuple[str, str, float]] = {
    "roi": ("revenue", "spend", -1.0),
    "roas": ("revenue", "spend", 0.0),
    "incremental_roi": ("incremental_profit", "spend", 0.0),
}


def ratio_parts(metric: str, columns) -> tuple[str, str, float] | None:
    """(numerator, denominator, shift) columns of a ratio metric present in ``columns``, else None."""
    if metric not in RATIO_METRICS:
        return None
    num, den, shift = RATIO_METRICS[metric]
    cols = set(columns)
    if den == "spend" and den not in cols:
        den = "total_spend"
    return (num, den, shift) if {num, den} <= cols else None


def cell_value(runs: pd.DataFrame, metric: str) -> float:
    """The estimate of ``metric`` over the rows of ``runs``: ratio of means for a ratio metric
    (NaN when the denominator averages zero), else the mean."""
    parts = ratio_parts(metric, runs.columns)
    if parts is not None:
        num, den, shift = parts
        d = runs[den].mean()
        return float(runs[num].mean() / d + shift) if d > 0 else math.nan
    return float(runs[metric].mean()) if metric in runs else math.nan

#: Resamples of every bootstrap: a percentile's Monte-Carlo error is then ~0.2 % of the CI.
N_RESAMPLES = 9999

#: Fewest replications for a bootstrap of a ratio. Below it a bootstrap has too few
#: distinct resamples (10 for n = 3, 126 for n = 5) and its intervals come out too
#: narrow, so the linearised (delta-method) ratio with a Student t quantile is used.
MIN_BOOTSTRAP_N = 10


@dataclass(frozen=True)
class Interval:
    """A point estimate with its confidence interval.

    Attributes: ``estimate``; ``low``/``high`` the interval (NaN when n < 2); ``n`` the
    values used; ``n_nan`` the values dropped as NaN; ``confidence`` (e.g. 0.95);
    ``method`` ("t" or "bootstrap ratio of means"); ``se`` the standard error (t only).
    """

    estimate: float
    low: float
    high: float
    n: int
    n_nan: int
    confidence: float
    method: str
    se: float = math.nan

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN when undefined)."""
        return (self.high - self.low) / 2.0


def _clean(values) -> tuple[np.ndarray, int]:
    x = np.asarray(values, dtype=float).ravel()
    keep = np.isfinite(x)
    return x[keep], int((~keep).sum())


def t_interval(values, confidence: float = 0.95) -> Interval:
    """Mean and two-sided t confidence interval of ``values`` (NaN/inf dropped and counted).

    Parameters
    ----------
    values : per-replication values of one metric (any unit).
    confidence : coverage probability of the interval, in (0, 1).
    """
    _check_confidence(confidence)
    x, n_nan = _clean(values)
    n = x.size
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, n_nan, confidence, "t")
    mean = float(x.mean())
    if n == 1:
        return Interval(mean, math.nan, math.nan, 1, n_nan, confidence, "t")
    se = float(x.std(ddof=1) / math.sqrt(n))
    from scipy import stats as sps
    half = float(sps.t.ppf(0.5 + confidence / 2.0, n - 1)) * se
    return Interval(mean, mean - half, mean + half, n, n_nan, confidence, "t", se)


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")


def _rng(seed) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(as_seed_sequence(seed)))


def _bootstrap(statistic, sizes: tuple[int, ...], confidence: float, rng: np.random.Generator,
               n_resamples: int):
    """Bootstrap a statistic of index arrays (resampling replications, BCa then percentile).

    ``statistic(*index_arrays, axis)`` receives integer index arrays into the caller's
    data, so rows that belong together (revenue and spend of one run, or of one
    replication under CRN) are resampled together.
    """
    from scipy import stats as sps
    data = tuple(np.arange(s) for s in sizes)
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # degenerate-data warnings: handled below
            res = sps.bootstrap(data, statistic, n_resamples=n_resamples, vectorized=True,
                                paired=False, axis=-1, confidence_level=confidence,
                                method=method, rng=rng)
        ci = res.confidence_interval
        if np.isfinite(ci.low) and np.isfinite(ci.high):
            return float(ci.low), float(ci.high), res.bootstrap_distribution
    return math.nan, math.nan, res.bootstrap_distribution


def ratio_interval(numerator, denominator, shift: float = 0.0, confidence: float = 0.95,
                   seed=0, n_resamples: int = N_RESAMPLES) -> Interval:
    """Ratio of means ``mean(num) / mean(den) + shift`` with a CI over replications.

    The CI is a seeded BCa bootstrap over replications when there are at least
    ``MIN_BOOTSTRAP_N`` of them; with fewer, the delta method: the linearised values
    ``z_r = (num_r - R den_r) / mean(den)`` give ``se = sd(z) / sqrt(n)`` and the
    interval is ``R ± t(n-1) se`` (``method`` says which).

    Parameters
    ----------
    numerator, denominator : per-replication values, aligned (e.g. revenue and spend,
        currency); a replication with a NaN in either is dropped and counted.
    shift : added to the ratio (-1 turns revenue / spend into ROI).
    confidence : coverage probability of the interval.
    seed : seed of the bootstrap's resampling (int or SeedSequence).
    n_resamples : bootstrap resamples.
    """
    _check_confidence(confidence)
    num = np.asarray(numerator, dtype=float).ravel()
    den = np.asarray(denominator, dtype=float).ravel()
    if num.shape != den.shape:
        raise ValueError(f"numerator and denominator differ in length: {num.size} vs {den.size}")
    keep = np.isfinite(num) & np.isfinite(den)
    num, den = num[keep], den[keep]
    n, n_nan = int(num.size), int((~keep).sum())
    method = "bootstrap ratio of means"
    if n == 0 or den.mean() == 0:
        return Interval(math.nan, math.nan, math.nan, n, n_nan, confidence, method)
    estimate = float(num.mean() / den.mean() + shift)
    if n == 1:
        return Interval(estimate, math.nan, math.nan, n, n_nan, confidence, method)
    if np.all(num == num[0]) and np.all(den == den[0]):
        return Interval(estimate, estimate, estimate, n, n_nan, confidence, method)
    if n < MIN_BOOTSTRAP_N:
        z = (num - (estimate - shift) * den) / den.mean()
        se = float(z.std(ddof=1) / math.sqrt(n))
        from scipy import stats as sps
        half = float(sps.t.ppf(0.5 + confidence / 2, n - 1)) * se
        return Interval(estimate, estimate - half, estimate + half, n, n_nan, confidence,
                        "delta-method t, ratio of means", se)

    def stat(idx, axis=-1):
        return num[idx].mean(axis=axis) / den[idx].mean(axis=axis) + shift

    low, high, _ = _bootstrap(stat, (n,), confidence, _rng(seed), n_resamples)
    return Interval(estimate, low, high, n, n_nan, confidence, method)


def metric_interval(runs: pd.DataFrame, metric: str, confidence: float = 0.95, seed=0) -> Interval:
    """The interval of ``metric`` over the rows of ``runs`` (ratio of means for ROI)."""
    parts = ratio_parts(metric, runs.columns)
    if parts is not None:
        num_col, den_col, shift = parts
        return ratio_interval(runs[num_col], runs[den_col], shift, confidence, seed)
    if metric not in runs:
        raise KeyError(f"no metric {metric!r} in runs; known: {sorted(runs.columns)}")
    return t_interval(runs[metric], confidence)


def summarize(runs: pd.DataFrame, metrics: list[str] | None = None, confidence: float = 0.95,
              seed=0) -> pd.DataFrame:
    """Per design point and metric: estimate and CI over replications (long format).

    Parameters
    ----------
    runs : ok runs, one row per run with ``point``, ``point_name`` and metric columns.
    metrics : metric columns (default: every numeric column but ids).
    confidence : coverage of each interval.
    seed : bootstrap seed; point p uses child p of it, so adding points changes nothing.

    Returns columns ``point``, ``point_name``, ``metric``, ``mean``, ``ci_low``,
    ``ci_high``, ``n``, ``n_nan``, ``method``.
    """
    if metrics is None:
        from simulation.analysis.load import ID_COLUMNS
        metrics = [c for c in runs.columns if c not in ID_COLUMNS
                   and pd.api.types.is_numeric_dtype(runs[c]) and not pd.api.types.is_bool_dtype(runs[c])]
    rows = []
    for point, group in runs.groupby("point", sort=True):
        name = str(group["point_name"].iloc[0]) if "point_name" in group else str(point)
        for metric in metrics:
            iv = metric_interval(group, metric, confidence, run_seed(seed, int(point)))
            rows.append({"point": int(point), "point_name": name, "metric": metric,
                         "mean": iv.estimate, "ci_low": iv.low, "ci_high": iv.high,
                         "n": iv.n, "n_nan": iv.n_nan, "method": iv.method})
    return pd.DataFrame(rows, columns=["point", "point_name", "metric", "mean", "ci_low",
                                       "ci_high", "n", "n_nan", "method"])


@dataclass(frozen=True)
class Comparison:
    """Point A against point B on one metric (positive difference: A is larger).

    Attributes: ``metric``; ``a``/``b`` the point names; ``estimate_a``/``estimate_b``;
    ``diff`` = estimate_a − estimate_b with CI ``low``..``high`` at ``confidence``;
    ``p_value`` two-sided (H0: no difference); ``confidence_a_larger`` the one-sided
    confidence that A's true value exceeds B's; ``effect_size`` standardised difference
    (Cohen's d_z for paired, d with the average variance for Welch; NaN for ratios);
    ``relative`` diff / |estimate_b|; ``n`` pairs (paired) or replications of A and B;
    ``paired``; ``method``; ``maximize`` whether larger is better for this metric.
    """

    metric: str
    a: str
    b: str
    estimate_a: float
    estimate_b: float
    diff: float
    low: float
    high: float
    p_value: float
    confidence_a_larger: float
    effect_size: float
    relative: float
    n: tuple[int, ...]
    paired: bool
    method: str
    confidence: float
    maximize: bool = True

    @property
    def confidence_a_better(self) -> float:
        """One-sided confidence that A is better than B (larger, or smaller when minimising)."""
        return self.confidence_a_larger if self.maximize else 1.0 - self.confidence_a_larger

    @property
    def conclusive(self) -> bool:
        """True when the two-sided interval of the difference excludes zero."""
        return bool(np.isfinite(self.low) and np.isfinite(self.high) and (self.low > 0 or self.high < 0))

    def sentence(self) -> str:
        """Plain-language verdict whose wording matches its two-sided interval.

        'A beats B on roi (difference ..., 95 % CI ... to ..., two-sided; ...)' when the
        interval excludes zero, else 'A is ahead of B on roi, not conclusively: the 95 %
        interval of the difference includes zero (...)'.
        """
        ahead = self.diff >= 0 if self.maximize else self.diff <= 0
        winner, loser = (self.a, self.b) if ahead else (self.b, self.a)
        n = " and ".join(str(k) for k in self.n)
        unit = "pairs of replications" if self.paired else "replications"
        pct = f"{100 * self.confidence:.0f} %"
        detail = (f"difference {self.a} − {self.b} = {_num(self.diff)}, {pct} CI {_num(self.low)} to "
                  f"{_num(self.high)}, two-sided; {self.method}, {n} {unit}")
        if self.conclusive:
            return f"{winner} beats {loser} on {self.metric} ({detail})."
        return (f"{winner} is ahead of {loser} on {self.metric}, not conclusively: the {pct} interval of "
                f"the difference includes zero ({detail}).")


def _pct(p: float) -> str:
    if not np.isfinite(p):
        return "undetermined"
    if p > 0.999:
        return "> 99.9 %"
    return f"{100 * p:.0f} %" if p < 0.99 else f"{100 * p:.1f} %"


def _num(x: float) -> str:
    """A number for a sentence: 4 significant digits, whole amounts from 10,000 to a million
    written out (12550, not 1.255e+04, as the report's tables do), '–' when undefined."""
    if not np.isfinite(x):
        return "–"
    return f"{x:.0f}" if 1e4 <= abs(x) < 1e6 else f"{x:.4g}"


def _confidence_from_t(mean: float, se: float, df: float) -> tuple[float, float]:
    """(two-sided p, one-sided confidence that the true difference is > 0)."""
    from scipy import stats as sps
    if se == 0 or not np.isfinite(se):
        if mean == 0:
            return 1.0, 0.5
        return 0.0, 1.0 if mean > 0 else 0.0
    t = mean / se
    return float(2 * sps.t.sf(abs(t), df)), float(sps.t.cdf(t, df))


def paired_t(a, b, confidence: float = 0.95) -> dict:
    """Paired comparison of aligned samples: mean difference a − b, its t-CI, p, d_z.

    Pairs with a NaN on either side are dropped.
    """
    from scipy import stats as sps
    _check_confidence(confidence)
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    keep = np.isfinite(a) & np.isfinite(b)
    d = a[keep] - b[keep]
    n = d.size
    if n < 2:
        raise ValueError(f"paired comparison needs at least 2 complete pairs, got {n}")
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    if sd <= 1e-12 * max(abs(mean), float(np.abs(d).max())):
        sd = 0.0  # identical differences up to rounding: no spread, not a huge effect size
    se = sd / math.sqrt(n)
    if sd > 0:
        res = sps.ttest_rel(a[keep], b[keep])
        ci = res.confidence_interval(confidence)
        low, high, p = float(ci.low), float(ci.high), float(res.pvalue)
        conf = float(sps.t.cdf(res.statistic, res.df))
    else:  # scipy's t is undefined without spread: the difference is known exactly
        low = high = mean
        p, conf = _confidence_from_t(mean, 0.0, n - 1)
    return {"diff": mean, "low": low, "high": high, "p_value": p,
            "confidence_a_larger": conf, "effect_size": mean / sd if sd > 0 else math.nan,
            "estimate_a": float(a[keep].mean()), "estimate_b": float(b[keep].mean()),
            "n": (n,), "se": se, "df": n - 1}


def welch_t(a, b, confidence: float = 0.95) -> dict:
    """Welch's unequal-variance comparison of independent samples: a − b, CI, p, d."""
    from scipy import stats as sps
    _check_confidence(confidence)
    a, _ = _clean(a)
    b, _ = _clean(b)
    na, nb = a.size, b.size
    if na < 2 or nb < 2:
        raise ValueError(f"Welch comparison needs at least 2 values per side, got {na} and {nb}")
    va, vb = float(a.var(ddof=1)), float(b.var(ddof=1))
    diff = float(a.mean() - b.mean())
    se = math.sqrt(va / na + vb / nb)
    if se > 0:
        res = sps.ttest_ind(a, b, equal_var=False)
        ci = res.confidence_interval(confidence)
        low, high, p, df = float(ci.low), float(ci.high), float(res.pvalue), float(res.df)
        conf = float(sps.t.cdf(res.statistic, df))
    else:  # no spread on either side: the difference is known exactly
        low = high = diff
        df = float(na + nb - 2)
        p, conf = _confidence_from_t(diff, 0.0, df)
    sd_av = math.sqrt((va + vb) / 2)
    return {"diff": diff, "low": low, "high": high, "p_value": p,
            "confidence_a_larger": conf, "effect_size": diff / sd_av if sd_av > 0 else math.nan,
            "estimate_a": float(a.mean()), "estimate_b": float(b.mean()),
            "n": (na, nb), "se": se, "df": df}


def ratio_difference(num_a, den_a, num_b, den_b, shift: float = 0.0, paired: bool = True,
                     confidence: float = 0.95, seed=0, n_resamples: int = N_RESAMPLES) -> dict:
    """Difference of two ratios of means (A − B) with a CI, p-value and confidence.

    Under ``paired`` the inputs are aligned by replication and a resample draws whole
    replications (both points together); otherwise A and B are resampled independently.
    ``confidence_a_larger`` is the bootstrap share of resamples with A's ratio larger.
    With fewer than ``MIN_BOOTSTRAP_N`` replications on a side the delta method is used
    instead: linearised differences ``z_r`` (see ``ratio_interval``), then a paired t
    (paired) or Welch t (unpaired) on them; ``method`` says which.
    """
    from scipy import stats as sps
    _check_confidence(confidence)
    arrs = [np.asarray(x, dtype=float).ravel() for x in (num_a, den_a, num_b, den_b)]
    if paired:
        if len({x.size for x in arrs}) != 1:
            raise ValueError("paired ratio comparison needs aligned arrays of equal length")
        keep = np.logical_and.reduce([np.isfinite(x) for x in arrs])
        na_, da, nb_, db = (x[keep] for x in arrs)
    else:
        ka = np.isfinite(arrs[0]) & np.isfinite(arrs[1])
        kb = np.isfinite(arrs[2]) & np.isfinite(arrs[3])
        na_, da, nb_, db = arrs[0][ka], arrs[1][ka], arrs[2][kb], arrs[3][kb]
    if min(na_.size, nb_.size) < 2:
        raise ValueError("ratio comparison needs at least 2 complete replications per side")
    if da.mean() == 0 or db.mean() == 0:
        raise ValueError("ratio comparison undefined: a denominator (spend) averages zero")
    ra = float(na_.mean() / da.mean() + shift)
    rb = float(nb_.mean() / db.mean() + shift)
    diff = ra - rb
    if min(na_.size, nb_.size) < MIN_BOOTSTRAP_N:
        za = (na_ - (ra - shift) * da) / da.mean()
        zb = (nb_ - (rb - shift) * db) / db.mean()
        if paired:
            d = za - zb
            n = (d.size,)
            se = float(d.std(ddof=1) / math.sqrt(d.size))
            df = float(d.size - 1)
        else:
            va, vb = za.var(ddof=1) / za.size, zb.var(ddof=1) / zb.size
            n = (za.size, zb.size)
            se = float(math.sqrt(va + vb))
            df = float((va + vb) ** 2 / (va ** 2 / (za.size - 1) + vb ** 2 / (zb.size - 1))) \
                if va + vb > 0 else float(za.size + zb.size - 2)
        if se <= 1e-12 * max(abs(diff), 1e-300):
            se = 0.0
        half = float(sps.t.ppf(0.5 + confidence / 2, df)) * se
        p, conf = _confidence_from_t(diff, se, df)
        return {"diff": diff, "low": diff - half, "high": diff + half, "p_value": p,
                "confidence_a_larger": conf, "effect_size": math.nan, "estimate_a": ra,
                "estimate_b": rb, "n": n, "method": "delta-method " + ("paired t" if paired else "Welch t")}
    if paired:
        def stat(idx, axis=-1):
            return (na_[idx].mean(axis) / da[idx].mean(axis)) - (nb_[idx].mean(axis) / db[idx].mean(axis))
        sizes = (na_.size,)
        n = (na_.size,)
    else:
        def stat(ia, ib, axis=-1):
            return (na_[ia].mean(axis) / da[ia].mean(axis)) - (nb_[ib].mean(axis) / db[ib].mean(axis))
        sizes = (na_.size, nb_.size)
        n = sizes
    low, high, dist = _bootstrap(stat, sizes, confidence, _rng(seed), n_resamples)
    dist = np.asarray(dist, dtype=float)
    dist = dist[np.isfinite(dist)]
    conf = float(np.mean(dist > 0) + 0.5 * np.mean(dist == 0)) if dist.size else math.nan
    p = float(min(1.0, 2 * min(conf, 1 - conf))) if dist.size else math.nan
    return {"diff": diff, "low": low, "high": high, "p_value": p, "confidence_a_larger": conf,
            "effect_size": math.nan, "estimate_a": ra, "estimate_b": rb, "n": n,
            "method": ("paired " if paired else "") + "bootstrap"}


def _resolve_point(runs: pd.DataFrame, point) -> tuple[int, str]:
    if isinstance(point, (int, np.integer)) and not isinstance(point, bool):
        hit = runs.loc[runs["point"] == int(point)]
    else:
        hit = runs.loc[runs["point_name"].astype(str) == str(point)]
    if hit.empty:
        names = sorted(runs["point_name"].astype(str).unique())
        raise KeyError(f"no ok runs for design point {point!r}; points: {names}")
    return int(hit["point"].iloc[0]), str(hit["point_name"].iloc[0])


def compare(runs: pd.DataFrame, metric: str, a, b, paired: bool = True, confidence: float = 0.95,
            seed=0, maximize: bool = True) -> Comparison:
    """Compare design points ``a`` and ``b`` (index or name) on ``metric``.

    Parameters
    ----------
    runs : ok runs (``point``, ``point_name``, ``replication``, metric columns).
    metric : metric column; ratio metrics (ROI) use a bootstrap of the ratio of means.
    paired : True under common random numbers: replications are paired by index.
    confidence : coverage of the difference's interval.
    seed : bootstrap seed (ratio metrics only).
    maximize : whether a larger value is better (False for t10, t50, spend).
    """
    pa, name_a = _resolve_point(runs, a)
    pb, name_b = _resolve_point(runs, b)
    ra = runs[runs["point"] == pa].set_index("replication").sort_index()
    rb = runs[runs["point"] == pb].set_index("replication").sort_index()
    if paired:
        common = ra.index.intersection(rb.index)
        ra, rb = ra.loc[common], rb.loc[common]
    parts = ratio_parts(metric, runs.columns)
    if parts is not None:
        num, den, shift = parts
        res = ratio_difference(ra[num], ra[den], rb[num], rb[den], shift, paired, confidence, seed)
        method = res["method"] + " of the ratio of means"
    else:
        if metric not in runs:
            raise KeyError(f"no metric {metric!r} in runs")
        if paired:
            res = paired_t(ra[metric], rb[metric], confidence)
            method = "paired t"
        else:
            res = welch_t(ra[metric], rb[metric], confidence)
            method = "Welch t"
    eb = res["estimate_b"]
    relative = res["diff"] / abs(eb) if eb not in (0.0,) and np.isfinite(eb) else math.nan
    return Comparison(metric=metric, a=name_a, b=name_b, estimate_a=res["estimate_a"],
                      estimate_b=eb, diff=res["diff"], low=res["low"], high=res["high"],
                      p_value=res["p_value"], confidence_a_larger=res["confidence_a_larger"],
                      effect_size=res["effect_size"], relative=relative, n=tuple(res["n"]),
                      paired=paired, method=method, confidence=confidence, maximize=maximize)


@dataclass(frozen=True)
class Best:
    """The best design point for a metric and how sure we are.

    Attributes: ``metric``; ``point``/``name`` of the best; ``interval`` its estimate
    and CI; ``runner_up`` its comparison with the second best (None with one point);
    ``vs_baseline`` its comparison with the baseline (None when it is the baseline or no
    baseline was given); ``ranking`` every point's estimate, best first.
    """

    metric: str
    point: int
    name: str
    interval: Interval
    runner_up: Comparison | None
    vs_baseline: Comparison | None
    ranking: pd.DataFrame


def best_point(runs: pd.DataFrame, metric: str, baseline=None, maximize: bool = True,
               paired: bool = True, confidence: float = 0.95, seed=0) -> Best:
    """Pick the point with the best ``metric`` estimate; compare it with runner-up and baseline.

    Parameters
    ----------
    runs : ok runs.
    metric : metric column (ROI ranked by its ratio of means).
    baseline : point index or name to compare against (None: no baseline comparison).
    maximize : larger is better (False for e.g. t50 in days).
    paired : compare by replication pairs (common random numbers).
    confidence : coverage of every interval.
    seed : bootstrap seed.
    """
    rows = []
    for point, group in runs.groupby("point", sort=True):
        iv = metric_interval(group, metric, confidence, run_seed(seed, int(point)))
        rows.append({"point": int(point), "point_name": str(group["point_name"].iloc[0]),
                     "estimate": iv.estimate, "ci_low": iv.low, "ci_high": iv.high, "n": iv.n})
    ranking = pd.DataFrame(rows)
    ranking = ranking[np.isfinite(ranking["estimate"])]
    if ranking.empty:
        raise ValueError(f"no design point has a finite {metric!r}")
    ranking = ranking.sort_values(["estimate", "point"], ascending=[not maximize, True],
                                  kind="stable").reset_index(drop=True)
    top = ranking.iloc[0]
    top_runs = runs[runs["point"] == top["point"]]
    interval = metric_interval(top_runs, metric, confidence, run_seed(seed, int(top["point"])))

    def _cmp(other):
        try:
            return compare(runs, metric, int(top["point"]), other, paired, confidence,
                           seed, maximize)
        except ValueError:  # too few complete replications to compare
            return None

    runner_up = _cmp(int(ranking.iloc[1]["point"])) if len(ranking) > 1 else None
    vs_base = None
    if baseline is not None:
        base_point, _ = _resolve_point(runs, baseline)
        if base_point != int(top["point"]):
            vs_base = _cmp(base_point)
    return Best(metric=metric, point=int(top["point"]), name=str(top["point_name"]),
                interval=interval, runner_up=runner_up, vs_baseline=vs_base, ranking=ranking)


def curve_bands(timeseries: pd.DataFrame, column: str, scale: pd.Series | float = 1.0,
                confidence: float = 0.95) -> pd.DataFrame:
    """Per point and day: mean of ``column`` / scale over replications with a t band.

    Parameters
    ----------
    timeseries : daily rows (``run``, ``point``, ``point_name``, ``day``, ``column``).
    column : the daily series (e.g. cumulative ``buyers``, people).
    scale : divisor, a number or a Series indexed by ``run`` (e.g. population n per run).
    confidence : coverage of the band.

    Returns columns ``point``, ``point_name``, ``day``, ``mean``, ``low``, ``high``, ``n``.
    """
    from scipy import stats as sps
    df = timeseries[["run", "point", "day", column]
                    + (["point_name"] if "point_name" in timeseries else [])].copy()
    if isinstance(scale, pd.Series):
        df["_y"] = df[column].to_numpy(float) / df["run"].map(scale).to_numpy(float)
    else:
        df["_y"] = df[column].to_numpy(float) / float(scale)
    if "point_name" not in df:
        df["point_name"] = df["point"].astype(str)
    g = df.groupby(["point", "point_name", "day"], sort=True)["_y"]
    out = g.agg(mean="mean", sd="std", n="count").reset_index()
    tcrit = sps.t.ppf(0.5 + confidence / 2, np.maximum(out["n"] - 1, 1))
    half = np.where(out["n"] > 1, tcrit * out["sd"].fillna(0.0) / np.sqrt(out["n"]), np.nan)
    out["low"] = out["mean"] - half
    out["high"] = out["mean"] + half
    return out.drop(columns="sd")


def pareto_frontier(spend, value) -> np.ndarray:
    """Mask of efficient points: no other point has spend ≤ and value ≥, one strictly.

    Parameters
    ----------
    spend : cost of each point (currency); lower is better.
    value : return of each point (e.g. ROI); higher is better. NaN points are never efficient.
    """
    x = np.asarray(spend, dtype=float)
    y = np.asarray(value, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    eff = np.zeros(x.size, dtype=bool)
    for i in np.flatnonzero(ok):
        dominated = ok & (x <= x[i]) & (y >= y[i]) & ((x < x[i]) | (y > y[i]))
        eff[i] = not dominated.any()
    return eff
