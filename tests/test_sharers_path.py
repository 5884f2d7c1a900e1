"""Phase 4's two paths: the fused ``day_sharers`` call stays off a run without models (the default run's cold
start compiles nothing more), and both paths give the same run."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from simulation.config.scenario import default_scenario
from simulation.engine import Engine
from simulation.kernels import funnel as F

REPO = Path(__file__).resolve().parents[1]


def _assert_same_run(fused: Engine, steps: Engine) -> None:
    """The two runs (each stepped to its horizon) have the same daily series and purchases, with sharers."""
    a, b = fused.result(), steps.result()
    assert a.summary["sharers"] > 20
    for k in a.daily:
        np.testing.assert_array_equal(a.daily[k], b.daily[k])
    for k in a.records["purchases"]:
        np.testing.assert_array_equal(a.records["purchases"][k], b.records["purchases"][k])


def test_a_run_without_models_does_not_load_the_fused_kernel():
    code = ("from simulation.config.scenario import default_scenario\nfrom simulation.engine import simulate\n"
            "from simulation.kernels import funnel as F\n"
            "simulate(default_scenario({'graph.n': 300, 'days': 5}), 1, counterfactual=True)\n"
            "print(len(F.day_sharers.overloads))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0"


def test_both_paths_give_the_same_run(monkeypatch):
    sc = default_scenario({"graph.n": 600, "days": 25, "operations.event.enabled": True,
                           "funnel.interested_share_rate": 0.5})
    fused = Engine(sc, 4)
    fused.run()
    assert F.day_sharers.overloads  # the run above took the fused path

    def numpy_path(self, people):  # a share_factor hook sends phase 4 down the numpy steps, factor 1 changes nothing
        return np.ones(len(people))

    steps = Engine(sc, 4)
    op = steps.ops[0]
    monkeypatch.setattr(type(op), "share_factor", numpy_path)
    steps.hooked["share_factor"] = [op]
    steps.run()
    _assert_same_run(fused, steps)


def test_the_paired_run_of_a_run_with_models_takes_the_fused_path_with_the_same_result(monkeypatch):
    from simulation import counterfactual as cf

    sc = default_scenario({"graph.n": 600, "days": 25, "operations.event.enabled": True,
                           "funnel.interested_share_rate": 0.5})
    run = Engine(sc, 5)
    run.run()
    organic = cf.organic(sc)
    fused = Engine(organic, 5, graph=run.graph, like=run)
    assert not fused.ops and fused._fused_sharers  # no models of its own, the fused path for its pair's sake
    steps = Engine(organic, 5, graph=run.graph, like=run)
    steps._fused_sharers = False
    calls = []
    monkeypatch.setattr(F, "day_sharers", lambda *a, _f=F.day_sharers: calls.append(1) or _f(*a))
    fused.run()
    assert calls  # it called the fused kernel
    calls.clear()
    steps.run()
    assert not calls
    _assert_same_run(fused, steps)
    assert not Engine(organic, 5, graph=run.graph)._fused_sharers  # alone, a run without models keeps the steps
