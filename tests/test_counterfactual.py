"""The paired counterfactual: same world without marketing levers, exact zero when nothing is on."""
from __future__ import annotations

import math

import numpy as np

from simulation.counterfactual import INCREMENTAL, organic
from simulation.engine import simulate
from simulation.operations import ALL_ON
from simulation.runner.task import simulate_scenario
from simulation.seeding import run_seed
from tests.test_ledger import graph, scenario

LEVERS_OFF = {"kol.count": 0} | {k: False for k in ALL_ON if k.count(".") == 2}


def test_all_levers_off_gives_exactly_zero_increments():
    sc = scenario({**LEVERS_OFF, "funnel.platform_rate": 0.01, "product.repeat_rate": 0.05})
    for r in range(3):
        res = simulate(sc, run_seed(8, r), graph=graph(), counterfactual=True)
        s, d = res.summary, res.daily
        assert s["buyers"] > 0 and s["spend"] == 0
        assert s["incremental_buyers"] == 0 and s["incremental_revenue"] == 0 and s["incremental_profit"] == 0
        assert math.isnan(s["incremental_roi"])  # no spend: nothing to return on
        for k in ("incremental_buyers", "incremental_revenue", "incremental_profit"):
            assert (d[k] == 0).all(), k


def test_counterfactual_is_the_same_world_without_levers():
    sc = scenario({**ALL_ON, "kol.count": 4})
    res = simulate(sc, run_seed(3, 0), graph=graph(), counterfactual=True)
    base = simulate(organic(sc), run_seed(3, 0), graph=graph())
    s = res.summary
    assert organic(sc).kol.count == 0 and not any(getattr(organic(sc).operations, k).enabled
                                                  for k in ("content", "relationship", "event", "crossover"))
    assert sc.kol.count == 4 and sc.operations.event.enabled  # the scenario itself is untouched
    assert s["organic_buyers"] == base.summary["buyers"] and base.summary["spend"] == 0
    assert s["incremental_buyers"] == s["buyers"] - base.summary["buyers"]
    assert s["incremental_profit"] == s["profit"] - base.summary["profit"]
    assert s["incremental_roi"] == s["incremental_profit"] / s["spend"]
    np.testing.assert_array_equal(res.daily["incremental_buyers"], res.daily["buyers"] - base.daily["buyers"])


def test_sweeps_pair_by_default_and_one_key_skips_it():
    sc = scenario({"kol.count": 2})
    on, _, kols = simulate_scenario(sc.model_dump(), run_seed(1, 0))
    assert set(INCREMENTAL) <= set(on)
    off, _, _ = simulate_scenario(scenario({"kol.count": 2, "counterfactual": False}).model_dump(), run_seed(1, 0))
    assert not set(INCREMENTAL) & set(off)
    assert off["buyers"] == on["buyers"]
    assert len(kols["kol"]) == 2  # the per-KOL table travels with the run


def _organic_by_deep_copy(scenario):
    """The counterfactual scenario as first written: a deep copy, each lever switched off by a validated assignment."""
    from simulation.operations import REGISTRY

    sc = scenario.model_copy(deep=True)
    sc.kol.count, sc.kol.budget, sc.kol.roster, sc.kol.roster_file = 0, None, [], None
    for name in REGISTRY:
        getattr(sc.operations, name).enabled = False
    for platform in sc.platforms:
        platform.ads.budget = 0.0
    sc._base_dir = scenario.base_dir
    return sc


def test_organic_equals_the_deep_copy_with_levers_off_and_leaves_the_scenario_alone():
    from pathlib import Path

    from simulation.config.experiment import load_experiment
    from simulation.config.scenario import Scenario
    from simulation.operations import all_on

    root = Path(__file__).resolve().parents[1]
    every = [f"{k}={str(v).lower()}" for k, v in all_on().items()]
    sources = [("default", every + ["kol.count=4", "kol.budget=900.0"])]
    sources += [(root / "experiments" / f"{n}.toml", []) for n in ("channel_mix", "competition", "portfolio", "kol_strategies")]
    checked = 0
    for source, over in sources:
        exp = load_experiment(source, over)
        for point in exp.scenarios:
            sc = Scenario.model_validate(point)
            before = sc.model_dump()
            got, want = organic(sc), _organic_by_deep_copy(sc)
            assert got == want and got.model_dump() == want.model_dump()
            assert got.base_dir == want.base_dir
            assert sc.model_dump() == before  # the scenario itself keeps its levers
            assert got.kol.roster is not sc.kol.roster
            checked += 1
    assert checked > 10


def test_a_paired_engine_reuses_only_what_its_scenario_leaves_the_same():
    # ``like`` hands over the population, tie strengths, static factors, 1 / in-degree and seeds only while
    # the tables they come from are equal: changed ones are recomputed, as a fresh engine computes them
    from simulation.engine import Engine

    g = graph()
    first = Engine(scenario({}), run_seed(3, 0), graph=g)
    for over in ({}, {"funnel.trust_weight": 2.5}, {"product.appeal": 0.3}, {"seeding.count": 7}):
        sc = scenario(over)
        paired, fresh = Engine(sc, run_seed(3, 0), graph=g, like=first), Engine(sc, run_seed(3, 0), graph=g)
        for name in ("static", "indeg_inv", "seeds", "w"):
            np.testing.assert_array_equal(getattr(paired, name), getattr(fresh, name), err_msg=f"{over} {name}")
        assert (paired.static is first.static) == (not any(k.startswith(("funnel", "product")) for k in over))
        assert (paired.seeds is first.seeds) == ("seeding.count" not in over)
