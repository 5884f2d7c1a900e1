"""KOL subsets: CELF picks plain greedy's set with fewer evaluations on the commerce objective; the plan runs."""
from __future__ import annotations

import pyarrow.parquet as pq

from simulation.greedy import budgeted_greedy, budgeted_lazy_greedy
from simulation.optimize import load_optimization, optimize
from simulation.optimize.evaluate import Evaluator
from simulation.optimize.kols import planned_fees, roster_rows, search_scenario
from simulation.runner.executors import LocalExecutor

from .conftest import KOLS


def test_celf_picks_plain_greedys_set_with_fewer_evaluations(write):
    opt = load_optimization(write(KOLS))
    rows = roster_rows(opt)
    fees = planned_fees(opt, rows)
    with LocalExecutor(1) as ex:
        ev = Evaluator(opt.spec.seed, opt.base_dir, ex, progress=False)

        def value(s) -> float:
            return ev.evaluate([search_scenario(opt, rows, s)], range(3))[0].mean("incremental_profit")

        def gain(v, chosen):
            return value(set(chosen) | {v}) - value(set(chosen))

        for per_cost in (False, True):
            plain = budgeted_greedy(gain, range(len(rows)), fees, 900.0, per_cost=per_cost)
            lazy = budgeted_lazy_greedy(gain, range(len(rows)), fees, 900.0, per_cost=per_cost)
            # the same set (the order of near-tied gains may differ: the simulated objective is not exactly
            # submodular, so lazy evaluation can take two near-equal KOLs in the other order)
            assert set(lazy.picks) == set(plain.picks) and len(plain.picks) >= 2
            assert lazy.evaluations < plain.evaluations
            assert sum(fees[j] for j in lazy.picks) <= 900.0
        ev.close()


def test_muted_rows_are_the_roster_without_them():
    # Muting a KOL must leave the world as if it were not hired: same sales as dropping the row.
    from simulation.optimize.kols import plan_scenario
    from simulation.runner.task import simulate_scenario
    from simulation.seeding import run_seed

    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "k.toml"
        path.write_text(KOLS.lstrip(), encoding="utf-8")
        opt = load_optimization(path)
    rows = roster_rows(opt)
    only_f = [5]  # the last row: its follower draw comes after every other row's
    a, _, _ = simulate_scenario(search_scenario(opt, rows, only_f), run_seed(5, 0))
    b, _, _ = simulate_scenario(search_scenario(opt, rows, []), run_seed(5, 0))
    c, _, _ = simulate_scenario(plan_scenario(opt, rows, []), run_seed(5, 0))
    assert b["buyers"] == c["buyers"] and b["spend"] == c["spend"] == 0.0
    assert a["spend"] > 0.0


def test_kol_optimisation_writes_a_plan_that_socsim_runs(write, tmp_path):
    from simulation.cli import main as socsim
    from simulation.config.scenario import load_scenario

    opt = load_optimization(write(KOLS))
    outcome = optimize(opt, tmp_path / "out", progress=False)
    plan = load_scenario(tmp_path / "out" / "plan.toml")
    assert [r.name for r in plan.kol.roster] == outcome.params["kol.roster"]
    assert plan.model_dump(mode="json") == load_scenario(outcome.plan).model_dump(mode="json")
    trace = pq.read_table(tmp_path / "out" / "trace.parquet").to_pylist()
    assert [t["name"] for t in trace] and all(t["gain_low"] <= t["marginal_gain"] <= t["gain_high"] for t in trace)
    assert sum(t["fee"] for t in trace) <= 900.0
    assert socsim(["run", str(tmp_path / "out" / "plan.toml"), "--replications", "2", "--workers", "1",
                   "--out", str(tmp_path / "run"), "-q"]) == 0
    md = (tmp_path / "out" / "optimize.md").read_text()
    assert "Fresh seeds" in md and "baseline" in md
