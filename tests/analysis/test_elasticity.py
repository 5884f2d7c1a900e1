"""Arc price elasticity: closed forms, interval coverage, and the engine's demand against its own theory."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulation.analysis.elasticity import arc_elasticity, arc_interval, elasticity_table, exp_demand_arc
from simulation.config.scenario import default_scenario_dict, load_scenario
from simulation.engine import simulate
from simulation.graph.generators import generate
from simulation.seeding import run_seed


def test_arc_elasticity_closed_forms():
    # constant elasticity q = A p^e: the arc value tends to e as the prices close in
    for e in (-0.5, -1.0, -2.5):
        p1, p2 = 100.0, 100.01
        assert arc_elasticity(3.0 * p1**e, 3.0 * p2**e, p1, p2) == pytest.approx(e, abs=1e-7)
    # exponential demand q = A exp(-b p): the arc value is the tanh closed form at any spacing
    for b, p1, p2 in ((0.01, 59.0, 79.0), (0.02, 99.0, 139.0), (0.005, 10.0, 200.0)):
        q1, q2 = 500 * math.exp(-b * p1), 500 * math.exp(-b * p2)
        assert arc_elasticity(q1, q2, p1, p2) == pytest.approx(exp_demand_arc(b, p1, p2), rel=1e-12)
    # symmetric in the two levels; zero for flat demand
    assert arc_elasticity(10.0, 7.0, 50.0, 60.0) == arc_elasticity(7.0, 10.0, 60.0, 50.0)
    assert arc_elasticity(5.0, 5.0, 1.0, 2.0) == 0.0


def _paired_samples(rng, m1, m2, sd, rho, n, size):
    """``size`` datasets of n paired replications with means m1, m2, common sd and correlation rho."""
    z1 = rng.standard_normal((size, n))
    z2 = rho * z1 + math.sqrt(1 - rho**2) * rng.standard_normal((size, n))
    return m1 + sd * z1, m2 + sd * z2


def _coverage(q1, q2, p1, p2, paired):
    truth = arc_elasticity(M1, M2, p1, p2)  # the estimand: E at the true means
    hits = [(iv.low <= truth <= iv.high) for iv in (arc_interval(a, b, p1, p2, paired=paired)
                                                   for a, b in zip(q1, q2))]
    return float(np.mean(hits))


M1, M2 = 200.0, 150.0
DATASETS = 2000
#: binomial standard error of an estimated 95 % coverage from DATASETS datasets
COVER_SE = math.sqrt(0.95 * 0.05 / DATASETS)


@pytest.mark.parametrize("rho,paired", [(0.8, True), (0.0, False)])
def test_delta_interval_covers_at_its_nominal_level(rho, paired):
    rng = np.random.default_rng(7)
    q1, q2 = _paired_samples(rng, M1, M2, 10.0, rho, 20, DATASETS)
    cover = _coverage(q1, q2, 80.0, 100.0, paired)
    assert abs(cover - 0.95) <= 3 * COVER_SE, cover


def test_ignoring_the_pairing_is_detected_as_over_coverage():
    """Positively correlated (CRN) replications treated as independent: the interval is too wide."""
    rng = np.random.default_rng(8)
    q1, q2 = _paired_samples(rng, M1, M2, 10.0, 0.95, 20, DATASETS)
    assert _coverage(q1, q2, 80.0, 100.0, paired=False) > 0.95 + 3 * COVER_SE
    paired = arc_interval(q1[0], q2[0], 80.0, 100.0, paired=True)
    unpaired = arc_interval(q1[0], q2[0], 80.0, 100.0, paired=False)
    assert paired.estimate == unpaired.estimate and paired.se < unpaired.se / 2


def test_bootstrap_agrees_with_delta_method_on_many_replications():
    rng = np.random.default_rng(9)
    q1, q2 = _paired_samples(rng, M1, M2, 10.0, 0.5, 400, 1)
    d = arc_interval(q1[0], q2[0], 80.0, 100.0, method="delta")
    b = arc_interval(q1[0], q2[0], 80.0, 100.0, method="bootstrap", seed=1, n_resamples=4999)
    assert b.estimate == d.estimate and b.method == "bootstrap"
    width = d.high - d.low
    assert abs(b.low - d.low) < 0.1 * width and abs(b.high - d.high) < 0.1 * width


def test_undefined_cases():
    assert math.isnan(arc_interval([0, 0], [0, 0], 1.0, 2.0).estimate)
    one = arc_interval([5.0], [4.0], 1.0, 2.0)
    assert one.estimate == arc_elasticity(5.0, 4.0, 1.0, 2.0) and math.isnan(one.low)
    with pytest.raises(ValueError, match="must differ"):
        arc_interval([1, 2], [1, 2], 3.0, 3.0)
    with pytest.raises(ValueError, match="method"):
        arc_interval([1, 2], [1, 2], 1.0, 2.0, method="jackknife")


# -- the engine's demand: one day of platform exposure, every extra off -------------------

BETAS = {"low": 0.5, "high": 2.0}  # price sensitivity of the two segments (sd 0)
STRENGTH, REF = 0.3, 100.0
PRICES = (50.0, 100.0, 150.0)
N, REPS = 20_000, 8


def one_day_scenario(price: float):
    """Everyone sees the product once (platform, strength 0.3) on day 1; no seeds, KOLs or word of mouth.

    Each person then buys with P = 0.3 exp(-beta price / 100), so expected purchases of a
    segment of size m are m 0.3 exp(-beta price / 100): exponential demand with b = beta / 100.
    """
    raw = default_scenario_dict()
    raw["days"] = 1
    raw["kol"]["count"] = 0
    raw["seeding"]["count"] = 0
    raw["product"].update(price=price, repeat_rate=0.0)
    raw["funnel"].update(platform_rate=1.0, platform_strength=STRENGTH, quality_weight=0.0, reference_price=REF)
    raw["population"]["segments"] = [
        {"name": name, "share": 0.5, "activity": {"mean": 1.0}, "trust": {"mean": 0.5}, "interest": {"mean": 0.5},
         "price_sensitivity": {"mean": beta}} for name, beta in BETAS.items()]
    return load_scenario(raw)


def test_engine_demand_has_the_closed_form_elasticity():
    graph = generate("erdos_renyi", seed=1, n=N, mean_degree=4.0)
    rows = []
    for k, price in enumerate(PRICES):
        sc = one_day_scenario(price)
        for r in range(REPS):  # common random numbers: replication r shares its seed across prices
            s = simulate(sc, run_seed(5, r), graph=graph).summary
            rows.append({"point": k, "replication": r, "product.price": price, "purchases": s["purchases"],
                         **{f"purchases__{g}": s[f"purchases__{g}"] for g in BETAS}})
    table = elasticity_table(pd.DataFrame(rows), groups=list(BETAS), paired=True)
    assert len(table) == 2 * (len(PRICES) - 1)
    for _, row in table.iterrows():
        truth = exp_demand_arc(BETAS[row["group"]] / REF, row["price_low"], row["price_high"])
        # within 4 delta-method standard errors (the estimator's own sampling error over replications)
        assert abs(row["elasticity"] - truth) <= 4 * row["se"], (row["group"], row["elasticity"], truth, row["se"])
    # the more price-sensitive segment is more elastic, conclusively
    hi, lo = table[table["group"] == "high"], table[table["group"] == "low"]
    assert (hi["ci_high"].to_numpy() < lo["ci_low"].to_numpy()).all()
