"""The Mesa-agent reference and the fast engine agree in distribution (and the check can fail).

Each operation model's reference counterpart docks into ``ReferenceModel`` through the
contract (``simulation.operations.base``); a new model is covered by adding a scenario
that switches it on to ``SCENARIOS`` (its declared metrics are compared automatically).

Both implementations run R independent replications of each scenario on one fixed
300-person clustered graph (the engine from seeds ``run_seed(1, r)``, the reference from
``run_seed(2, r)``, so populations and draws are independent between the two samples).
For each key summary metric the difference of means must lie within 4 standard errors,
SE = sqrt(s1^2 / R + s2^2 / R) (two independent samples; under equal distributions a
|z| > 4 happens with probability 6e-5 per metric). The per-run final buyer counts,
binned on pooled quantiles, must pass a chi-square two-sample test at level 1e-3. A
perturbed reference (price x2, KOL credibility / 2) must be caught by the same statistics.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from simulation.config.scenario import default_scenario_dict, load_scenario
from simulation.engine import simulate
from simulation.graph.generators import generate
from simulation.ledger import SPEND_SERIES
from simulation.operations import CHANNELS, REGISTRY
from simulation.reference import ReferenceModel, simulate_reference
from simulation.seeding import run_seed

N, DAYS, R = 300, 30, 150
Z_MAX = 4.0  # 4 standard errors of the difference of means
ALPHA = 1e-3  # chi-square rejection level

EVENTS = {
    "operations.event.enabled": True,
    "operations.event.campaign.start_day": 8, "operations.event.campaign.end_day": 14,
    "operations.event.campaign.reach": 0.05,
    "operations.event.flash_sale.days": [5, 20], "operations.event.flash_sale.stock": 6,
    "operations.event.flash_sale.reach": 0.1,
    "operations.event.coupon.enabled": True, "operations.event.coupon.reach": 0.03,
    "operations.event.coupon.value": 40.0,
    "operations.event.groupbuy.initiate_prob": 0.5, "operations.event.groupbuy.window_days": 3,
    "operations.event.bargain.start_prob": 0.4,
}
SCENARIOS = {
    "baseline": {"kol.count": 0},
    "kols": {"kol.engagement_rate": 0.3, "kol.credibility": 0.15, "kol.fee_per_post": 100.0},
    "kol_roster": {"kol.count": 0, "kol.budget": 2000.0, "kol.strategy": "micro", "kol.micro_band": [0.5, 0.9],
                   "kol.tiers": [{"name": "koc", "engagement_rate": 0.4, "credibility": 0.15, "fit": 2.0,
                                  "fee_per_post": 20.0},
                                 {"name": "micro", "min_followers": 8, "engagement_rate": 0.3, "credibility": 0.1,
                                  "fee_per_post": 40.0}],
                   "kol.cpm": 50.0, "kol.commission_rate": 0.1},
    "relationship": {"kol.count": 0, "operations.relationship.enabled": True,
                     "operations.relationship.invitee_discount": 30.0, "funnel.interested_share_rate": 0.5},
    "events": {"kol.count": 0, **EVENTS},
    "content": {"kol.count": 0, "operations.content.enabled": True, "operations.content.recommend_rate": 0.01,
                "product.repeat_rate": 0.05},
    "crossover": {"kol.count": 0, "operations.crossover.enabled": True, "operations.crossover.partner_reach": 0.3,
                  "operations.crossover.partner_audience_share": 0.4},
    "points": {"kol.count": 0, "operations.points.enabled": True, "operations.points.point_value": 0.05,
               "operations.points.per_currency": 2.0, "product.repeat_rate": 0.05,
               "funnel.interested_share_rate": 0.5},
    "versions": {"kol.count": 0, "product.versions": [{"day": 8, "quality": 0.95, "price": 79.0}],
                 "product.quality": 0.5, "product.novelty": 1.5, "product.novelty_days": 6.0, "product.appeal": 0.7},
    # a late launch: nothing before day 8 (KOL posts of days 4 and 7 dropped), the seeds buy on day 8
    "late_launch": {"kol.engagement_rate": 0.3, "kol.credibility": 0.15, "kol.fee_per_post": 100.0,
                    "product.launch_day": 8, "product.repeat_rate": 0.05},
    "live": {"kol.count": 2, "operations.live.enabled": True, "operations.live.kol": 1,
             "operations.live.days": [4, 11, 18, 25], "operations.live.attendance": 0.6,
             "operations.live.persuasion": 3.0, "operations.live.proof_weight": 1.0, "product.repeat_rate": 0.05},
    "distribution": {"kol.count": 0, "operations.distribution.enabled": True,
                     "operations.distribution.level1_rate": 0.2, "operations.distribution.level2_rate": 0.1,
                     "operations.distribution.share_sensitivity": 3.0, "funnel.interested_share_rate": 0.5},
    "service": {"kol.count": 0, "operations.service.enabled": True, "operations.service.contact_rate": 0.5,
                "operations.service.agents": 1, "operations.service.capacity": 2, "operations.service.max_wait": 3,
                "operations.service.chatbot": True, "operations.service.inquiry_rate": 0.2,
                "operations.service.inquiry_boost": 3.0, "operations.service.learning_rate": 0.002,
                "operations.service.return_rate": 0.8, "operations.service.recover_goods": True,
                "product.repeat_rate": 0.05, "funnel.interested_share_rate": 0.5},
    "store": {"kol.count": 0, "operations.store.enabled": True, "operations.store.visit_rate": 0.1,
              "operations.store.store_strength": 0.3, "operations.store.coupon.enabled": True,
              "operations.store.coupon.reach": 0.03, "operations.store.coupon.value": 30.0,
              "operations.store.community.join_prob": 0.3, "operations.store.community.post_strength": 0.1,
              "operations.store.community.member_share_factor": 1.5,
              "operations.store.events": [{"start_day": 8, "end_day": 12, "visit_multiplier": 3.0,
                                           "strength_multiplier": 1.5}]},
    "community": {"kol.count": 0, "operations.community.enabled": True, "operations.community.leaders": 8,
                  "operations.community.cycle_days": 4, "operations.community.reach": 0.4,
                  "operations.community.cost_per_pickup": 20.0, "product.repeat_rate": 0.05},
    "targeting": {"kol.count": 0, **EVENTS,
                  "operations.event.campaign.target": {"segments": ["young_social"], "cost_per_exposure": 0.5},
                  "operations.event.coupon.target": {"min_interest": 0.5, "cost_per_exposure": 0.2},
                  "seeding.target.segments": ["young_social"],
                  "population.homophily": {"mixing": 0.8, "method": "louvain"}},
    "all_on": {"kol.external": True, "kol.count": 3, "kol.followers": 80, "kol.engagement_rate": 0.3,
               "operations.content.enabled": True, "operations.relationship.enabled": True,
               "operations.crossover.enabled": True, "operations.crossover.partner_reach": 0.3,
               "operations.crossover.partner_audience_share": 0.4, **EVENTS,
               "operations.live.enabled": True, "operations.live.days": [6, 13, 20, 27],
               "operations.live.attendance": 0.6, "operations.distribution.enabled": True},
}
#: the engine's metrics, then every registered operation model's declared ones (a new model is
#: covered by adding its scenario to SCENARIOS)
METRICS = tuple(dict.fromkeys(
    ("exposed", "interested", "buyers", "sharers", "purchases", "revenue", "cogs", "discount_cost", "spend",
     "profit", "kol_reached", "negative_wom", "t50", "buyers_day10")
    + SPEND_SERIES + tuple(f"attr_{c}" for c in CHANNELS)
    + tuple(m for op in REGISTRY.values() for m in op.metrics)))


def scenario(name: str, extra: dict | None = None):
    """The default scenario on N people and DAYS days, with the named scenario's overrides."""
    raw = default_scenario_dict()
    raw["graph"] = {"generator": "powerlaw_cluster", "n": N, "m": 4, "p": 0.3}
    raw["days"] = DAYS
    raw["kol"]["end_day"] = DAYS
    return load_scenario(raw, {**SCENARIOS[name], **(extra or {})})


@lru_cache(maxsize=1)
def graph():
    """The one fixed test graph (both implementations run on it)."""
    return generate("powerlaw_cluster", seed=11, n=N, m=4, p=0.3)


def _row(res) -> dict[str, float]:
    row = {k: res.summary[k] for k in METRICS if k in res.summary}
    row["buyers_day10"] = float(res.daily["buyers"][10])
    return row


@lru_cache(maxsize=None)
def engine_runs(name: str) -> dict[str, np.ndarray]:
    sc = scenario(name)
    rows = [_row(simulate(sc, run_seed(1, r), graph=graph())) for r in range(R)]
    return {k: np.array([row[k] for row in rows]) for k in METRICS}


def reference_runs(name: str, extra: dict | None = None) -> dict[str, np.ndarray]:
    sc = scenario(name, extra)
    rows = [_row(simulate_reference(sc, run_seed(2, r), graph=graph())) for r in range(R)]
    return {k: np.array([row[k] for row in rows]) for k in METRICS}


def z_score(a: np.ndarray, b: np.ndarray) -> float:
    """Difference of means over its standard error sqrt(s1^2/R1 + s2^2/R2) (NaN runs dropped).

    0 when both samples are the same constant, inf when they are different constants or when
    only one implementation leaves the metric undefined (NaN) in almost every run.
    """
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) < 2 or len(b) < 2:
        return 0.0 if (len(a) < 2) == (len(b) < 2) else math.inf
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    diff = a.mean() - b.mean()
    if se == 0:
        return 0.0 if diff == 0 else math.inf
    return diff / se


def binned_chi2_pvalue(a: np.ndarray, b: np.ndarray, bins: int = 6) -> float:
    """p-value of a chi-square two-sample test on counts binned at pooled quantiles.

    Adjacent bins are merged until each holds >= 10 runs of the pool, so every expected
    cell count is >= 5 (the usual validity condition for the chi-square approximation).
    """
    pooled = np.concatenate([a, b])
    edges = np.unique(np.quantile(pooled, np.linspace(0, 1, bins + 1)[1:-1]))
    ia, ib = np.searchsorted(edges, a, side="right"), np.searchsorted(edges, b, side="right")
    table = np.array([np.bincount(ia, minlength=len(edges) + 1), np.bincount(ib, minlength=len(edges) + 1)])
    cols = []
    acc = np.zeros(2, np.int64)
    for j in range(table.shape[1]):
        acc = acc + table[:, j]
        if acc.sum() >= 10:
            cols.append(acc)
            acc = np.zeros(2, np.int64)
    if acc.sum() and cols:
        cols[-1] = cols[-1] + acc
    if len(cols) < 2:
        return 1.0
    return float(chi2_contingency(np.array(cols).T, correction=False)[1])


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_reference_agrees_with_engine_in_distribution(name):
    eng, ref = engine_runs(name), reference_runs(name)
    zs = {k: z_score(eng[k], ref[k]) for k in METRICS}
    bad = {k: (round(float(np.nanmean(eng[k])), 3), round(float(np.nanmean(ref[k])), 3), round(z, 2))
           for k, z in zs.items() if abs(z) > Z_MAX}
    assert not bad, f"{name}: means differ by more than {Z_MAX} SE (engine, reference, z): {bad}"
    # the scenario exercises what it is about (a test of a mechanic that never fires proves nothing)
    assert eng["buyers"].mean() > 25 and eng["attr_friend"].mean() > 1
    p = binned_chi2_pvalue(eng["buyers"], ref["buyers"])
    assert p > ALPHA, f"{name}: chi-square on binned final buyers rejects, p = {p:.2e}"


def test_scenarios_exercise_their_mechanics():
    assert engine_runs("kols")["attr_kol"].mean() > 5
    roster = engine_runs("kol_roster")
    assert roster["attr_kol"].mean() > 5 and roster["kol_spend"].mean() > 1000  # tiers, CPM and commission paid
    assert engine_runs("relationship")["incentive_spend"].mean() > 100
    ev = engine_runs("events")
    assert ev["attr_event"].mean() > 5 and ev["groups_opened"].mean() > 5 and ev["event_spend"].mean() > 1000
    assert ev["discount_cost"].mean() > ev["attr_event"].mean() * 10  # campaign, flash, group, bargain, coupons
    assert engine_runs("targeting")["attr_event"].mean() > 5  # targeted ads and coupons still sell
    assert engine_runs("content")["attr_platform"].mean() > 1
    assert engine_runs("crossover")["attr_partner"].mean() > 1
    assert engine_runs("points")["points_redeemed"].mean() > 100
    live = engine_runs("live")
    assert live["live_buyers"].mean() > 3 and live["live_spend"].mean() > 4000
    assert engine_runs("distribution")["distribution_level2"].mean() > 10
    svc = engine_runs("service")
    assert svc["service_balked"].mean() > 1 and svc["service_wait"].mean() > 0.3 and svc["returns"].mean() > 1
    assert svc["service_inquiries"].mean() > 5 and svc["service_quality"].mean() > 0.81
    st = engine_runs("store")
    assert st["store_purchases"].mean() > 5 and st["o2o_redeemed"].mean() > 1 and st["attr_o2o"].mean() > 2
    cm = engine_runs("community")
    assert cm["community_orders"].mean() > 10 and cm["community_waiting"].mean() > 1
    allon = engine_runs("all_on")
    for ch in ("kol", "friend", "event", "partner", "live"):
        assert allon[f"attr_{ch}"].mean() > 1, ch


@pytest.mark.parametrize("name,extra,metric", [
    ("baseline", {"product.price": 2 * 99.0}, "buyers"),
    ("kols", {"kol.credibility": 0.15 / 2}, "attr_kol"),
])
def test_comparison_detects_a_perturbed_reference(name, extra, metric):
    eng, ref = engine_runs(name), reference_runs(name, extra)
    assert abs(z_score(eng[metric], ref[metric])) > Z_MAX
    if metric == "buyers":
        assert binned_chi2_pvalue(eng["buyers"], ref["buyers"]) < ALPHA


def test_binned_chi2_accepts_same_and_rejects_shifted_samples():
    rng = np.random.default_rng(5)
    a, b = rng.poisson(40, 200), rng.poisson(40, 200)
    assert binned_chi2_pvalue(a, b) > ALPHA
    assert binned_chi2_pvalue(a, rng.poisson(48, 200)) < ALPHA


def test_reference_is_reproducible_and_keeps_invariants():
    sc = scenario("all_on")
    a = simulate_reference(sc, run_seed(9, 0), graph=graph())
    b = simulate_reference(sc, run_seed(9, 0), graph=graph())
    np.testing.assert_equal(a.summary, b.summary)  # NaN == NaN here
    np.testing.assert_equal(a.daily, b.daily)
    eng = simulate(sc, run_seed(9, 0), graph=graph())
    assert set(a.summary) == set(eng.summary) and set(a.daily) == set(eng.daily)
    d = a.daily
    assert (d["buyers"] <= d["interested"]).all() and (d["interested"] <= d["exposed"]).all()
    assert (d["exposed"] <= N).all()
    assert d["buyers"][0] == sc.seeding.count
    attr = sum(d[f"attr_{c}"] for c in CHANNELS)
    np.testing.assert_array_equal(attr, d["purchases"])
    g = a.records["groups"]
    ok, failed = g["status"] == 1, g["status"] == 2
    assert ok.any() and failed.any()  # else the two checks below hold vacuously
    assert (g["members"][ok] >= sc.operations.event.groupbuy.size).all()
    assert (g["members"][failed] < sc.operations.event.groupbuy.size).all()
    assert (g["close_day"][ok] - g["open_day"][ok] <= sc.operations.event.groupbuy.window_days).all()


def test_reference_is_a_mesa_model_with_one_agent_per_consumer():
    sc = scenario("kols", {"days": 5})
    model = ReferenceModel(sc, run_seed(4, 0), graph=graph())
    while model.running:
        model.step()
    assert model.day == 5
    assert len(model.consumers) == N and len(model.agents) == N + sc.kol.count
    df = model.datacollector.get_model_vars_dataframe()
    np.testing.assert_array_equal(df["buyers"].to_numpy(), model.result().daily["buyers"])
    with pytest.raises(RuntimeError, match="horizon"):
        model.step()
