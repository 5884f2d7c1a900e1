"""The loyalty-points programme: earning, redemption as discount_cost, repeat purchase, readouts."""
from __future__ import annotations

import math

import numpy as np

from simulation.engine import Engine, simulate
from simulation.operations.points import repeat_factor
from simulation.seeding import run_seed
from tests.test_engine import small_scenario

POINTS = {"kol.count": 0, "operations.points.enabled": True, "operations.points.point_value": 0.05,
          "product.repeat_rate": 0.05, "funnel.interested_share_rate": 0.3}


def test_points_earned_per_currency_paid_and_redeemed_as_discount_cost():
    sc = small_scenario({**POINTS, "operations.points.per_share": 0.0}, n=2000, days=30)
    res = simulate(sc, run_seed(1, 0))
    s, d = res.summary, res.daily
    rec = res.records["purchases"]
    in_window = rec["day"] >= sc.operations.points.start_day  # seeds buy on day 0, before the programme
    assert math.isclose(s["points_issued"], rec["price"][in_window].sum(), rel_tol=1e-12)
    assert s["points_redeemed"] > 0
    # with no other lever every discount is a redemption, booked as discount_cost (never spend)
    assert math.isclose(s["discount_cost"], s["points_redeemed"] * 0.05, rel_tol=1e-9)
    assert s["spend"] == 0
    assert math.isclose(s["revenue"] + s["discount_cost"], sc.product.price * s["purchases"], rel_tol=1e-12)
    assert math.isclose(s["points_outstanding"], s["points_issued"] - s["points_redeemed"], rel_tol=1e-9)
    assert math.isclose(s["points_liability"], s["points_outstanding"] * 0.05, rel_tol=1e-12)
    assert d["points_outstanding"][-1] == s["points_outstanding"] and d["points_outstanding"][0] == 0


def test_points_earned_per_share_and_seen_at_evaluation():
    sc = small_scenario({**POINTS, "operations.points.per_currency": 0.0, "operations.points.per_share": 7.0},
                        n=2000, days=15)
    eng = Engine(sc, run_seed(2, 0))
    op = eng.op("points")
    shares = 0
    while eng.day < eng.days:
        eng.step()
        shares += len(eng.sharers)  # today's sharers, one share each
    assert shares > 0
    assert math.isclose(op.issued, 7.0 * shares, rel_tol=1e-12)
    # the balance is the holder's price reduction at evaluation, kept live in the engine's row
    assert op.value.base is eng.price_off
    np.testing.assert_allclose(op.value, op.points * 0.05)
    assert (op.value[~eng.bought] > 0).any()  # interested sharers who have not bought hold points too


def test_repeat_factor():
    np.testing.assert_allclose(repeat_factor(np.array([0.0, 49.5, 99.0, 500.0]), 99.0, 2.0), [1.0, 2.0, 3.0, 3.0])
    np.testing.assert_allclose(repeat_factor(np.array([0.0, 1.0]), 0.0, 2.0), [1.0, 3.0])


def test_points_raise_repeat_purchase():
    """Paired over R seeds: repeat purchases with a strong boost exceed those without by > 4 SE of the paired difference."""
    base = {**POINTS, "operations.points.per_currency": 10.0, "operations.points.point_value": 0.01, "seeding.count": 150}
    diffs = []
    for r in range(6):
        got = [simulate(small_scenario({**base, "operations.points.repeat_boost": b}, n=2000, days=30),
                        run_seed(3, r)).summary for b in (0.0, 10.0)]
        diffs.append((got[1]["purchases"] - got[1]["buyers"]) - (got[0]["purchases"] - got[0]["buyers"]))
    diffs = np.array(diffs, float)
    se = diffs.std(ddof=1) / math.sqrt(len(diffs))
    assert diffs.mean() > 4 * se and diffs.mean() > 0, diffs


def test_points_off_adds_only_zero_readouts():
    res = simulate(small_scenario({"kol.count": 0}, n=800, days=10), run_seed(4, 0))
    assert res.summary["points_outstanding"] == 0 and not res.daily["points_outstanding"].any()
