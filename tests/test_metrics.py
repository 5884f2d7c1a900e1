"""Run summaries: definitions of t10/t50, ROI, viral coefficient, per-segment metrics."""
from __future__ import annotations

import math

import numpy as np

from simulation.engine import simulate
from simulation.kernels.funnel import CH_FRIEND
from simulation.metrics import _first_day_reaching
from simulation.seeding import run_seed
from tests.test_engine import small_scenario


def test_first_day_reaching():
    curve = np.array([2, 2, 5, 9, 10, 10])
    assert _first_day_reaching(curve, 1.0) == 0.0
    assert _first_day_reaching(curve, 5.0) == 2.0
    assert math.isnan(_first_day_reaching(curve, 11.0))


def test_summary_definitions():
    sc = small_scenario({"kol.fee_per_post": 0.0}, n=1500, days=20)
    res = simulate(sc, run_seed(6, 0), keep_state=True)
    s, d = res.summary, res.daily
    assert s["spend"] == 0 and math.isnan(s["roas"]) and s["profit"] == s["revenue"] - s["cogs"]
    assert math.isnan(s["groupbuy_success_rate"])
    assert s["conversion_rate"] == s["buyers"] / s["n"]
    assert s["exposed_conversion"] == s["buyers"] / s["exposed"]
    assert s["reach"] == s["exposed"] / s["n"]
    final = d["buyers"][-1]
    assert d["buyers"][int(s["t10"])] >= 0.1 * final and (int(s["t10"]) == 0 or d["buyers"][int(s["t10"]) - 1] < 0.1 * final)
    assert d["buyers"][int(s["t50"])] >= 0.5 * final and (int(s["t50"]) == 0 or d["buyers"][int(s["t50"]) - 1] < 0.5 * final)
    assert s["viral_coefficient"] == (res.state["first_channel"] == CH_FRIEND).sum() / s["buyers"]
    assert sum(s[f"buyers__{name}"] for name in ("young_social", "cautious")) == s["buyers"]
    seg = res.state["segment"]
    assert s["conversion_rate__cautious"] == res.state["bought"][seg == 1].sum() / (seg == 1).sum()
    assert d["new_buyers"].sum() == s["buyers"]
    assert all(isinstance(v, float) for v in s.values())
