"""Statistics against hand-computed values (small arrays, exact numbers)."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from simulation.analysis.stats import (best_point, compare, curve_bands, paired_t, pareto_frontier,
                                       ratio_difference, ratio_interval, summarize, t_interval,
                                       welch_t)

T975_DF3 = 3.182446305284263  # Student t 97.5 % quantile, 3 degrees of freedom (tables)
T975_DF2 = 0.95 * math.sqrt(2 / (4 * 0.975 * 0.025))  # closed form for 2 df: (2p-1) sqrt(2 / (4p(1-p)))


def t3_cdf(t):
    """Closed-form CDF of Student's t with 3 degrees of freedom."""
    u = t / math.sqrt(3)
    return 0.5 + (u / (1 + u * u) + math.atan(u)) / math.pi


def test_t_interval_by_hand():
    iv = t_interval([1.0, 2.0, 3.0, 4.0, np.nan])
    se = math.sqrt(5 / 3) / 2  # sd = sqrt(5/3), n = 4
    assert iv.estimate == 2.5 and iv.n == 4 and iv.n_nan == 1
    assert iv.se == pytest.approx(se, rel=1e-12)
    assert iv.low == pytest.approx(2.5 - T975_DF3 * se, rel=1e-12)
    assert iv.high == pytest.approx(2.5 + T975_DF3 * se, rel=1e-12)


def test_t_interval_degenerate_cases():
    one = t_interval([7.0])
    assert one.estimate == 7.0 and math.isnan(one.low) and one.n == 1
    none = t_interval([np.nan, np.inf])
    assert math.isnan(none.estimate) and none.n == 0 and none.n_nan == 2
    const = t_interval([3.0, 3.0, 3.0])
    assert (const.low, const.high) == (3.0, 3.0)
    with pytest.raises(ValueError, match="confidence"):
        t_interval([1, 2], confidence=95)


def test_paired_t_by_hand():
    res = paired_t([3, 5, 4, 6], [1, 2, 2, 3])  # differences 2, 3, 2, 3
    sd = math.sqrt(1 / 3)
    se = sd / 2
    assert res["diff"] == 2.5
    assert res["low"] == pytest.approx(2.5 - T975_DF3 * se, rel=1e-12)
    assert res["high"] == pytest.approx(2.5 + T975_DF3 * se, rel=1e-12)
    t = 2.5 / se  # = 5 * sqrt(3)
    assert res["p_value"] == pytest.approx(2 * (1 - t3_cdf(t)), rel=1e-9)
    assert res["confidence_a_larger"] == pytest.approx(t3_cdf(t), rel=1e-12)
    assert res["effect_size"] == pytest.approx(2.5 / sd, rel=1e-12)


def test_paired_t_drops_incomplete_pairs():
    res = paired_t([3, 5, np.nan, 4, 6], [1, 2, 9, 2, 3])
    assert res["n"] == (4,) and res["diff"] == 2.5
    with pytest.raises(ValueError, match="2 complete pairs"):
        paired_t([1, np.nan], [1, 2])


def test_welch_by_hand():
    res = welch_t([1, 2, 3, 4], [2, 4, 6])
    va, vb = 5 / 3, 4.0
    se2 = va / 4 + vb / 3
    df = se2 ** 2 / ((va / 4) ** 2 / 3 + (vb / 3) ** 2 / 2)
    assert res["diff"] == -1.5
    assert res["df"] == pytest.approx(df, rel=1e-12)
    assert df == pytest.approx(3.2347188, rel=1e-6)
    half = sps.t.ppf(0.975, df) * math.sqrt(se2)
    assert (res["low"], res["high"]) == pytest.approx((-1.5 - half, -1.5 + half), rel=1e-12)
    assert res["p_value"] == pytest.approx(sps.ttest_ind([1, 2, 3, 4], [2, 4, 6], equal_var=False).pvalue,
                                           rel=1e-10)
    assert res["effect_size"] == pytest.approx(-1.5 / math.sqrt((va + vb) / 2), rel=1e-12)


def test_ratio_interval_estimate_and_reproducibility():
    rev, spend = [10.0, 20.0, 30.0], [5.0, 10.0, 10.0]
    iv = ratio_interval(rev, spend, shift=-1.0, seed=7)
    assert iv.estimate == pytest.approx(20 / (25 / 3) - 1, rel=1e-12)  # ratio of means, not mean of ratios
    assert iv == ratio_interval(rev, spend, shift=-1.0, seed=7)
    assert iv.low <= iv.estimate <= iv.high
    dropped = ratio_interval([10, 20, np.nan, 30], [5, 10, 1, 10], -1.0, seed=7)
    assert dropped.estimate == iv.estimate and dropped.n_nan == 1
    assert math.isnan(ratio_interval([1, 2], [0, 0]).estimate)


def test_ratio_interval_small_n_uses_delta_method_by_hand():
    iv = ratio_interval([10.0, 20.0, 30.0], [5.0, 10.0, 10.0], shift=-1.0)
    # R = 20 / (25/3) = 2.4; z = (rev - R spend) / mean(spend) = [-2, -4, 6] / (25/3)
    z = np.array([-0.24, -0.48, 0.72])
    se = math.sqrt((z ** 2).sum() / 2) / math.sqrt(3)
    half = T975_DF2 * se
    assert iv.method.startswith("delta-method t")
    assert iv.estimate == pytest.approx(1.4) and iv.se == pytest.approx(se, rel=1e-12)
    assert (iv.low, iv.high) == pytest.approx((1.4 - half, 1.4 + half), rel=1e-12)


def test_ratio_difference_small_n_by_hand():
    # paired: z_a - z_b per replication, then a paired t with n - 1 = 2 df
    res = ratio_difference([10, 20, 30], [5, 10, 10], [6, 9, 15], [5, 10, 10], paired=True)
    za = np.array([-2.0, -4.0, 6.0]) / (25 / 3)
    rb = 10 / (25 / 3)
    zb = (np.array([6.0, 9.0, 15.0]) - rb * np.array([5.0, 10.0, 10.0])) / (25 / 3)
    d = za - zb
    se = d.std(ddof=1) / math.sqrt(3)
    assert res["method"] == "delta-method paired t"
    assert res["diff"] == pytest.approx(2.4 - rb, rel=1e-12)
    assert (res["low"], res["high"]) == pytest.approx(
        (res["diff"] - T975_DF2 * se, res["diff"] + T975_DF2 * se), rel=1e-12)
    assert res["p_value"] == pytest.approx(2 * sps.t.sf(res["diff"] / se, 2), rel=1e-10)
    un = ratio_difference([10, 20, 30], [5, 10, 10], [6, 9, 15], [5, 10, 10], paired=False)
    se_w = math.sqrt(za.var(ddof=1) / 3 + zb.var(ddof=1) / 3)
    assert un["method"] == "delta-method Welch t"
    assert un["p_value"] == pytest.approx(sps.ttest_ind(za + 2.4, zb + rb, equal_var=False).pvalue, rel=1e-9)
    assert un["high"] - un["diff"] > 2 * se_w  # a t quantile, not 1.96


def test_ratio_interval_width_matches_delta_method():
    # For n = 400 the bootstrap and delta-method standard errors agree to O(n^-1/2): a sample
    # SD has relative SE 1/sqrt(2n) = 3.5 %; 4 SE gives 14 % (9999 resamples add ~1 %).
    rng = np.random.default_rng(11)
    n = 400
    spend = rng.gamma(4.0, 25.0, n)
    rev = 1.8 * spend + rng.normal(0, 40, n)
    iv = ratio_interval(rev, spend, -1.0, seed=3)
    r = rev.mean() / spend.mean()
    se_delta = np.std(rev - r * spend, ddof=1) / math.sqrt(n) / spend.mean()
    assert iv.half_width == pytest.approx(1.959964 * se_delta, rel=0.14)


def _runs(values_by_point: dict[str, list[float]], metric: str = "m", crn_order=None) -> pd.DataFrame:
    rows = []
    for p, (name, vals) in enumerate(values_by_point.items()):
        for r, v in enumerate(vals):
            rows.append({"run": len(rows), "point": p, "point_name": name, "replication": r, metric: v})
    df = pd.DataFrame(rows)
    return df.sample(frac=1.0, random_state=0) if crn_order == "shuffled" else df


def test_compare_pairs_by_replication_even_shuffled():
    runs = _runs({"A": [3, 5, 4, 6], "B": [1, 2, 2, 3]}, crn_order="shuffled")
    c = compare(runs, "m", "A", "B", paired=True)
    ref = paired_t([3, 5, 4, 6], [1, 2, 2, 3])
    assert (c.diff, c.low, c.high, c.p_value) == pytest.approx(
        (ref["diff"], ref["low"], ref["high"], ref["p_value"]), rel=1e-12)
    assert c.method == "paired t" and c.n == (4,)
    assert c.relative == pytest.approx(2.5 / 2.0)
    s = c.sentence()
    # d = (2, 3, 2, 3): mean 2.5, se = 0.5774 / 2, t_3(0.975) = 3.1824 -> 2.5 ± 0.9186
    assert s.startswith("A beats B on m (difference A − B = 2.5, 95 % CI 1.581 to 3.419, two-sided")
    from scipy import stats as sps
    ci = sps.ttest_rel([3, 5, 4, 6], [1, 2, 2, 3]).confidence_interval(0.95)
    assert (c.low, c.high) == pytest.approx((ci.low, ci.high), rel=1e-12)
    # by index too, and the reverse comparison names the same winner
    assert compare(runs, "m", 1, 0).sentence().startswith("A beats B")


def test_compare_unpaired_is_welch_and_minimise():
    runs = _runs({"A": [1, 2, 3, 4], "B": [2, 4, 6]})
    c = compare(runs, "m", "A", "B", paired=False, maximize=False)
    assert c.method == "Welch t" and c.n == (4, 3) and c.diff == -1.5
    assert c.confidence_a_better == pytest.approx(1 - c.confidence_a_larger)
    # smaller is better; the interval includes zero, so the wording must not claim a win
    assert c.sentence().startswith("A is ahead of B on m, not conclusively: the 95 % interval of the "
                                   "difference includes zero")
    from scipy import stats as sps
    ci = sps.ttest_ind([1, 2, 3, 4], [2, 4, 6], equal_var=False).confidence_interval(0.95)
    assert (c.low, c.high) == pytest.approx((ci.low, ci.high), rel=1e-12) and c.low < 0 < c.high


def test_compare_paired_drops_missing_replication():
    runs = _runs({"A": [3, 5, 4, 6, 100], "B": [1, 2, 2, 3]})
    assert compare(runs, "m", "A", "B").n == (4,)
    with pytest.raises(KeyError, match="no ok runs for design point 'C'"):
        compare(runs, "m", "A", "C")


def test_ratio_compare_paired_and_unpaired():
    rng = np.random.default_rng(5)
    spend = rng.uniform(90, 110, 30)
    common = rng.normal(0, 20, 30)  # shared by both points: common random numbers
    rev_a = 2.0 * spend + common
    rev_b = 1.9 * spend + common
    rows = []
    for p, (name, rev) in enumerate((("A", rev_a), ("B", rev_b))):
        for r in range(30):
            rows.append({"run": len(rows), "point": p, "point_name": name, "replication": r,
                         "revenue": rev[r], "total_spend": spend[r], "roi": rev[r] / spend[r] - 1})
    runs = pd.DataFrame(rows)
    paired = compare(runs, "roi", "A", "B", paired=True, seed=1)
    unpaired = compare(runs, "roi", "A", "B", paired=False, seed=1)
    exact = rev_a.mean() / spend.mean() - rev_b.mean() / spend.mean()
    assert paired.diff == pytest.approx(exact, rel=1e-12) == unpaired.diff
    assert paired.method.startswith("paired bootstrap")
    # pairing removes the shared noise: the difference is 0.1 * mean(spend)/mean(spend) exactly
    assert paired.low == pytest.approx(0.1, abs=1e-9) and paired.high == pytest.approx(0.1, abs=1e-9)
    assert paired.confidence_a_larger == 1.0
    assert unpaired.high - unpaired.low > 0.05  # independent resampling keeps the noise
    assert math.isnan(paired.effect_size)
    with pytest.raises(ValueError, match="denominator"):
        ratio_difference([1, 2], [0, 0], [1, 2], [1, 1])


def test_best_point_runner_up_and_baseline():
    runs = _runs({"base": [1, 1.2, 0.9, 1.1], "mid": [2, 2.1, 1.8, 2.2], "top": [3, 3.3, 2.9, 3.1]})
    best = best_point(runs, "m", baseline="base")
    assert best.name == "top" and best.point == 2
    assert best.interval.estimate == pytest.approx(3.075)
    assert list(best.ranking["point_name"]) == ["top", "mid", "base"]
    assert best.runner_up.b == "mid" and best.runner_up.diff == pytest.approx(3.075 - 2.025)
    assert best.vs_baseline.b == "base" and best.vs_baseline.diff == pytest.approx(3.075 - 1.05)
    low = best_point(runs, "m", baseline="base", maximize=False)
    assert low.name == "base" and low.vs_baseline is None
    assert low.runner_up.confidence_a_better > 0.99


def test_summarize_counts_nan():
    runs = _runs({"A": [1.0, np.nan, 3.0], "B": [2.0, 2.0, 2.0]})
    s = summarize(runs, ["m"])
    a = s[s["point_name"] == "A"].iloc[0]
    assert (a["mean"], a["n"], a["n_nan"]) == (2.0, 2, 1)
    b = s[s["point_name"] == "B"].iloc[0]
    assert (b["ci_low"], b["ci_high"]) == (2.0, 2.0)


def test_curve_bands_by_hand():
    ts = pd.DataFrame({"run": [0, 0, 1, 1], "point": 0, "point_name": "A", "day": [0, 1, 0, 1],
                       "buyers": [0, 10, 0, 30]})
    bands = curve_bands(ts, "buyers", scale=pd.Series({0: 100, 1: 100}))
    day1 = bands[bands["day"] == 1].iloc[0]
    se = math.sqrt(((0.1 - 0.2) ** 2 + (0.3 - 0.2) ** 2) / 1) / math.sqrt(2)
    half = 12.706204736174696 * se  # t 97.5 % quantile, 1 df
    assert day1["mean"] == pytest.approx(0.2)
    assert (day1["low"], day1["high"]) == pytest.approx((0.2 - half, 0.2 + half))


def test_pareto_frontier_by_hand():
    spend = [1, 2, 3, 1, 2, np.nan, 4]
    roi = [1, 3, 2, 0.5, 3, 9, 3.5]
    # point 3 dominated by 0, point 2 by 1; 1 and 4 tie (neither dominates); NaN never efficient
    assert pareto_frontier(spend, roi).tolist() == [True, True, False, False, True, False, True]
