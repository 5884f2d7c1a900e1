"""The engine: reduction to Independent Cascade, invariants, ledgers, directions of effect."""
from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from simulation import classic
from simulation.config.scenario import load_scenario
from simulation.engine import Engine, simulate
from simulation.ledger import PAYMENT_KINDS, SPEND_SERIES
from simulation.graph.build import build_graph
from simulation.kernels import funnel as F
from simulation.kernels.funnel import CHANNELS
from simulation.operations import ALL_ON, MARKET_CHANNELS, PLATFORM_CHANNELS
from simulation.seeding import run_seed


def ic_scenario(p: float, seeds: list, days: int) -> dict:
    """Every extra off: price 0, no incentives, platform, events, KOLs or dissatisfaction; activity 1.

    Quality and service 1 make every purchase satisfying, so every buyer may share
    (dissatisfied buyers only spread negative word of mouth).
    """
    return {
        "days": days,
        "graph": {"generator": "erdos_renyi", "n": 10, "p": 0.5},  # replaced by the graph passed in
        "population": {"ties": {"model": "constant", "p": p},
                       "segments": [{"name": "all", "share": 1.0, "activity": {"mean": 1.0},
                                     "share_propensity": {"mean": 1.0}}]},
        "product": {"price": 0.0, "repeat_rate": 0.0, "quality": 1.0, "service": 1.0},
        "kol": {"count": 0},
        "seeding": {"nodes": seeds},
        "funnel": {"platform_rate": 0.0, "negative_impact": 0.0, "interested_share_rate": 0.0},
    }


def small_scenario(overrides: dict | None = None, n: int = 1500, days: int = 30) -> object:
    """The default scenario shrunk to n people and a short horizon."""
    from simulation.config.scenario import default_scenario_dict

    raw = default_scenario_dict()
    raw["graph"] = {"generator": "powerlaw_cluster", "n": n, "m": 4, "p": 0.3}
    raw["days"] = days
    raw["kol"]["end_day"] = days
    return load_scenario(raw, overrides)


@pytest.mark.parametrize("gname,make,p,seeds", [
    ("ba", lambda: nx.barabasi_albert_graph(400, 3, seed=1), 0.1, [0, 5, 17]),
    ("ws", lambda: nx.watts_strogatz_graph(300, 6, 0.1, seed=2), 0.3, [3]),
    ("er-directed", lambda: nx.gnp_random_graph(300, 0.02, seed=3, directed=True), 0.5, [1, 2, 3, 4]),
])
def test_reduces_to_independent_cascade(gname, make, p, seeds):
    g = build_graph(make())
    sc = load_scenario(ic_scenario(p, seeds, days=80))
    for s in (0, 1, 7, 123):
        ic = classic.independent_cascade(g, p, seeds=seeds, runs=1, seed=s)
        res = simulate(sc, run_seed(s, 0), graph=g)
        curve = ic.curve[0]
        assert len(curve) <= 81
        np.testing.assert_array_equal(res.daily["buyers"][: len(curve)], curve)
        assert (res.daily["buyers"][len(curve):] == ic.final[0]).all()
        assert res.summary["buyers"] == ic.final[0]


def test_reduces_to_ic_with_random_seed_count():
    g = build_graph(nx.barabasi_albert_graph(500, 2, seed=5))
    raw = ic_scenario(0.2, [0], days=60)
    raw["seeding"] = {"count": 6}
    sc = load_scenario(raw)
    for s in (2, 3):
        ic = classic.independent_cascade(g, 0.2, seeds=6, runs=1, seed=s)
        res = simulate(sc, run_seed(s, 0), graph=g)
        assert res.summary["buyers"] == ic.final[0]


@pytest.fixture(scope="module")
def all_on():
    sc = small_scenario(ALL_ON, n=3000, days=40)
    return [simulate(sc, run_seed(11, r), keep_state=True) for r in range(3)]


def test_funnel_invariants(all_on):
    for res in all_on:
        d, n = res.daily, res.summary["n"]
        assert (d["exposed"] >= d["interested"]).all()
        assert (d["interested"] >= d["buyers"]).all()
        assert (d["exposed"] <= n).all()
        for k in ("exposed", "interested", "buyers", "sharers"):
            assert (np.diff(d[k]) >= 0).all(), k
        st = res.state
        assert not (st["bought"] & ~st["interested"]).any()
        assert not (st["interested"] & ~st["exposed"]).any()
        assert st["bought"].sum() == res.summary["buyers"]


def test_attribution_sums_to_purchases(all_on):
    for res in all_on:
        s, d = res.summary, res.daily
        assert sum(s[f"attr_{c}"] for c in CHANNELS) == s["purchases"]
        assert (sum(d[f"attr_{c}"] for c in CHANNELS) == d["purchases"]).all()
        rec = res.records["purchases"]
        assert len(rec["buyer"]) == s["purchases"]
        # revenue is what buyers paid, less refunds of returned purchases (customer service is on)
        assert math.isclose(rec["price"].sum() - s["refunds"], s["revenue"], rel_tol=1e-12)
    # every channel sold something in this all-on scenario (a market's channels need a market:
    # tests/market/test_market.py; platform ads need declared platforms: tests/test_platforms.py)
    for c in CHANNELS:
        if c in MARKET_CHANNELS or c in PLATFORM_CHANNELS:
            continue
        assert sum(res.summary[f"attr_{c}"] for res in all_on) > 0, c


def test_spend_equals_sum_of_payments(all_on):
    kinds = list(PAYMENT_KINDS)
    for res in all_on:
        pay = res.records["payments"]
        for series in ("incentive_spend", "kol_spend", "partner_spend", "content_spend"):
            mask = np.isin(pay["kind"], [kinds.index(k) for k, v in PAYMENT_KINDS.items() if v == series])
            assert math.isclose(pay["amount"][mask].sum(), res.summary[series], rel_tol=1e-12, abs_tol=1e-9)
            for day in range(len(res.daily[series])):
                assert math.isclose(pay["amount"][mask & (pay["day"] == day)].sum(), res.daily[series][day],
                                    rel_tol=1e-12, abs_tol=1e-9)
        s = res.summary
        assert math.isclose(s["spend"], pay["amount"].sum(), rel_tol=1e-12)
        assert s["roas"] == s["revenue"] / s["spend"]
        assert s["event_spend"] > 0 and s["discount_cost"] > 0


def test_groupbuy_succeeds_only_with_k_members_in_window(all_on):
    sc = small_scenario(ALL_ON)
    k, w = sc.operations.event.groupbuy.size, sc.operations.event.groupbuy.window_days
    for res in all_on:
        g = res.records["groups"]
        assert len(g["status"]) > 0
        ok = g["status"] == 1
        failed = g["status"] == 2
        assert ok.any() and failed.any()
        assert (g["members"][ok] >= k).all()
        assert (g["close_day"][ok] <= g["open_day"][ok] + w).all()
        assert (g["members"][failed] < k).all()
        assert (g["close_day"][failed] == g["open_day"][failed] + w).all()
        s = res.summary
        assert s["groupbuy_success_rate"] == ok.sum() / (ok.sum() + failed.sum())


def test_same_seed_same_result():
    sc = small_scenario(ALL_ON, n=800, days=20)
    a, b = simulate(sc, run_seed(4, 2)), simulate(sc, run_seed(4, 2))
    for k in a.daily:
        np.testing.assert_array_equal(a.daily[k], b.daily[k])
    assert repr(a.summary) == repr(b.summary)


T_995_11 = 3.105807  # Student t 99.5 % quantile, 11 degrees of freedom


def _paired_t(lo, hi, key, reps=12):
    """t statistic of the mean paired difference hi - lo over ``reps`` common-random-number replications.

    SE = sample SD of the differences / sqrt(reps). The direction tests below require the effect
    in the claimed direction at the two-sided 1 % level, |t| > t(0.995, reps - 1) = 3.106 (a
    strict inequality of two means would pass by luck half the time for a mechanic that has
    a negligible effect). With CRN an effect that is exactly zero gives t = 0.
    """
    d = np.array([simulate(hi, run_seed(99, r)).summary[key] - simulate(lo, run_seed(99, r)).summary[key]
                  for r in range(reps)])
    se = d.std(ddof=1) / math.sqrt(reps)
    return d.mean() / se if se > 0 else 0.0


def test_more_referral_reward_no_fewer_shares():
    on = {"operations.relationship.enabled": True}
    lo = small_scenario({**on, "operations.relationship.referral_reward": 0.0}, n=1500, days=30)
    hi = small_scenario({**on, "operations.relationship.referral_reward": 40.0}, n=1500, days=30)
    # the share multiplier rises from 1.05 to 1.45 (relationship model on in both), so sharers do too
    assert _paired_t(lo, hi, "sharers") > T_995_11


def test_higher_price_no_more_buyers():
    lo = small_scenario({"product.price": 49.0}, n=1500, days=30)
    hi = small_scenario({"product.price": 199.0}, n=1500, days=30)
    assert _paired_t(lo, hi, "buyers") < -T_995_11


def test_better_quality_less_negative_wom():
    lo = small_scenario({"product.quality": 0.4}, n=1500, days=30)
    hi = small_scenario({"product.quality": 0.95}, n=1500, days=30)
    # more buyers (quality factor 1.57 vs 0.90) but far fewer dissatisfied (48 % vs 9.5 %)
    assert _paired_t(lo, hi, "negative_wom") < -T_995_11


def test_keep_state_arrays():
    sc = small_scenario({"kol.count": 3}, n=600, days=10)
    res = simulate(sc, run_seed(1, 0), keep_state=True)
    for k in ("bought", "shared", "exposed", "is_kol", "segment", "negative"):
        assert res.state[k].shape == (600,)
    assert res.state["is_kol"].sum() == 3
    assert set(res.daily) >= {"exposed", "interested", "buyers", "sharers", "new_buyers", "purchases", "revenue",
                              "incentive_spend", "kol_spend", "negative_wom"} | {f"attr_{c}" for c in CHANNELS}
    assert all(v.shape == (11,) for v in res.daily.values())


@pytest.mark.parametrize("overrides,message", [
    ({"seeding.count": 500}, "seeding.count: cannot pick 500 seeds among 100 people"),
    ({"kol.count": 500}, "kol.count: cannot choose 500 KOLs among 100 people"),
    ({"kol.count": 2, "kol.external": True, "kol.followers": 500}, "kol.followers: 500 followers exceed"),
    ({"seeding.count": 0, "seeding.nodes": [1, "nobody"]}, "unknown node label 'nobody'"),
])
def test_run_time_bad_input_names_the_field(overrides, message):
    sc = small_scenario(overrides, n=100, days=5)
    with pytest.raises(ValueError, match=message):
        simulate(sc, run_seed(0, 0))


def test_a_graph_without_edges_runs_with_only_the_seeds():
    g = build_graph(nx.empty_graph(50))
    sc = small_scenario({"seeding.count": 5, "kol.count": 0, "product.repeat_rate": 0.0}, n=50, days=10)
    res = simulate(sc, run_seed(0, 0), graph=g)
    # nobody has a friend to hear from; platform discovery may still sell a little
    assert res.summary["attr_friend"] == 0 and res.summary["attr_seed"] == 5


def test_repeat_purchase_by_skipping_is_bernoulli_over_the_pool():
    """Repeaters come from the pool (bought, last purchase satisfying, not pending), each w.p. rate x activity.

    Over all days the count of repeaters is a sum of independent Bernoulli(rate * activity_i)
    over the eligible people of each day: it must lie within 4 standard errors
    (sqrt(sum p (1 - p))) of its mean.
    """
    rate = 0.4
    eng = Engine(small_scenario({"product.repeat_rate": rate}, n=3000, days=30), run_seed(4, 0))
    count, mean, var = 0, 0.0, 0.0
    while eng.day < eng.days:
        eligible = np.flatnonzero(eng.bought & eng.satisfied & (eng.pending < 0))
        assert sorted(eng.pool[: eng.pool_size]) == list(np.flatnonzero(eng.bought & eng.satisfied))
        r = eng._repeats(eng.day + 1)["buyer"]
        assert np.isin(r, eligible).all() and (np.diff(r) > 0).all()
        p = rate * eng.pop.activity[eligible]
        count, mean, var = count + len(r), mean + p.sum(), var + (p * (1 - p)).sum()
        eng.step()
    assert var > 100
    assert abs(count - mean) < 4 * math.sqrt(var), (count, mean, var)


def _full_pool_engine(overrides: dict, n: int = 4000) -> Engine:
    """An engine whose n people have all bought, were satisfied, are online every day and not pending."""
    eng = Engine(small_scenario(overrides, n=n, days=5), run_seed(9, 0))
    everyone = np.arange(n, dtype=np.int64)
    eng.bought[:], eng.satisfied[:], eng.pending[:] = True, True, -1
    eng.pop.activity[:] = 1.0
    eng.pool_size = F.pool_update(everyone, np.ones(n, bool), eng.pool, eng.pool_where, eng.pool_size)
    return eng


def _binomial_checks(counts: np.ndarray, size: int, p: float) -> None:
    """Daily counts are iid Binomial(size, p): their mean within 4 standard errors of size * p and
    their dispersion sum (c - mu)^2 / sigma^2 inside the chi-square(days) 1e-4 / 1 - 1e-4 quantiles."""
    from scipy.stats import chi2

    mu, var = size * p, size * p * (1 - p)
    days = len(counts)
    assert abs(counts.mean() - mu) < 4 * math.sqrt(var / days), (counts.mean(), mu)
    disp = ((counts - mu) ** 2).sum() / var
    assert chi2.ppf(1e-4, days) < disp < chi2.ppf(1 - 1e-4, days), (disp, days)


def test_repeat_count_by_skipping_is_binomial():
    """With one repeat rate, a full pool of N online people gives Binomial(N, rate) repeaters a day."""
    n, rate = 4000, 0.03
    eng = _full_pool_engine({"product.repeat_rate": rate}, n)
    counts = np.array([len(eng._repeats(day)["buyer"]) for day in range(1, 401)])
    _binomial_checks(counts, n, rate)


def test_repeat_count_with_per_person_factors_is_binomial_per_factor():
    """Thinning candidates drawn at rate x bound: people with factor f repeat Binomial(N_f, rate * f).

    Points worth the list price give factor 1 + repeat_boost (the bound), no points factor 1,
    half the list price 1 + boost / 2: each group's daily count must be its own binomial.
    """
    n, rate, boost = 6000, 0.02, 2.0
    eng = _full_pool_engine({"product.repeat_rate": rate, "operations.points.enabled": True,
                             "operations.points.repeat_boost": boost}, n)
    pts = eng.op("points")
    price = eng.scenario.product.price
    group = np.arange(n) % 3  # 0: no points, 1: half the price, 2: the full price
    pts.value[:] = np.array([0.0, 0.5 * price, price])[group]
    factor = np.array([1.0, 1.0 + boost / 2, 1.0 + boost])
    counts = np.zeros((400, 3))
    for day in range(1, 401):
        r = eng._repeats(day)["buyer"]
        counts[day - 1] = np.bincount(group[r], minlength=3)
    for k in range(3):
        _binomial_checks(counts[:, k], int((group == k).sum()), rate * factor[k])


def test_a_repeat_factor_above_its_bound_is_an_error(monkeypatch):
    """The thinning is exact only if every factor is at most its declared bound: the engine checks."""
    eng = _full_pool_engine({"product.repeat_rate": 0.1, "operations.points.enabled": True}, 500)
    pts = eng.op("points")
    pts.value[:] = eng.scenario.product.price
    monkeypatch.setattr(pts, "repeat_factor_bound", lambda: 1.5)
    with pytest.raises(RuntimeError, match="points: a repeat_factor exceeds its repeat_factor_bound"):
        eng._repeats(1)


def test_counterfactual_engine_reusing_the_runs_draws_is_the_same_run():
    """``Engine(like=...)`` reuses the population and tie strengths of an engine of the same seed and graph:
    the counterfactual run so built is identical, series for series, to one that draws them itself."""
    from simulation import counterfactual as cf

    sc = small_scenario(ALL_ON, n=1000, days=25)
    seed = run_seed(5, 0)
    eng = Engine(sc, seed)
    eng.run()
    runs = []
    for like in (None, eng):
        base = Engine(cf.organic(sc), seed, graph=eng.graph, like=like)
        assert (base.pop is eng.pop) == (like is not None)
        base.run()
        runs.append(base.result())
    a, b = runs
    assert a.summary.keys() == b.summary.keys()
    assert all(a.summary[k] == b.summary[k] or (math.isnan(a.summary[k]) and math.isnan(b.summary[k]))
               for k in a.summary)
    for k in a.daily:
        np.testing.assert_array_equal(a.daily[k], b.daily[k])
    # another seed's engine is not reused
    other = Engine(cf.organic(sc), run_seed(6, 0), graph=eng.graph, like=eng)
    assert other.pop is not eng.pop
