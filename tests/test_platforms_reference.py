"""The Mesa-agent reference and the engine agree in distribution on a three-platform scenario.

Same method as ``tests/test_reference.py``: R independent replications of each (engine
seeds ``run_seed(1, r)``, reference ``run_seed(2, r)``) on one fixed graph; every
per-platform summary metric's difference of means must lie within 4 standard errors,
SE = sqrt(s1^2 / R + s2^2 / R); a reference with weaker ads on one platform must be caught.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from simulation.config.scenario import load_scenario
from simulation.engine import simulate
from simulation.reference import simulate_reference
from simulation.seeding import run_seed
from tests.test_platforms import _three
from tests.test_reference import N, Z_MAX, graph, z_score

R, DAYS = 30, 15


def scenario(ads_strength: float = 0.03):
    raw = _three()
    raw["graph"] = {"generator": "powerlaw_cluster", "n": N, "m": 4, "p": 0.3}
    raw["platforms"][1]["graph"]["n"] = N
    raw["platforms"][1]["ads"]["strength"] = ads_strength
    raw["days"] = DAYS
    raw["kol"]["end_day"] = DAYS
    return load_scenario(raw)


def _runs(run, sc, stream: int) -> dict[str, np.ndarray]:
    rows = [run(sc, run_seed(stream, r), graph=graph()).summary for r in range(R)]
    keys = [k for k in rows[0] if k.startswith("platform_") or k in ("buyers", "purchases", "ads_spend", "kol_spend")]
    return {k: np.array([row[k] for row in rows]) for k in keys}


@lru_cache(maxsize=1)
def engine_runs():
    return _runs(simulate, scenario(), 1)


def test_reference_agrees_with_engine_per_platform():
    eng, ref = engine_runs(), _runs(simulate_reference, scenario(), 2)
    assert set(eng) == set(ref)
    bad = {k: (float(np.nanmean(eng[k])), float(np.nanmean(ref[k])), z) for k in eng
           if abs(z := z_score(eng[k], ref[k])) > Z_MAX}
    assert not bad, f"means differ by more than {Z_MAX} SE (engine, reference, z): {bad}"
    # the scenario exercises what it is about: every platform sells, through shares, feeds, ads, KOLs
    for q in ("chat", "video", "market"):
        assert eng[f"platform_purchases__{q}"].mean() > 2, q
    assert eng["platform_attr_ads__video"].mean() > 1 and eng["platform_attr_kol__video"].mean() > 0.5
    assert eng["platform_attr_friend__video"].mean() > 0.5


def test_comparison_detects_weaker_ads_in_the_reference():
    eng, ref = engine_runs(), _runs(simulate_reference, scenario(ads_strength=0.005), 2)
    assert abs(z_score(eng["platform_attr_ads__video"], ref["platform_attr_ads__video"])) > Z_MAX
