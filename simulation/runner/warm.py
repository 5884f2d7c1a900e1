"""Load the compiled kernels a run uses into this process, before it serves runs.

A fresh process pays for Numba's cache (or, on an empty cache, the compiler) on its
first run. ``warm_kernels`` pays it once where it is cheapest: in the fork server
before it forks the pool's workers (they inherit the loaded machine code), or in each
Dask worker as it starts (a worker preload), instead of inside a timed first chunk.
It runs a miniature of the sweep's own scenario (same operation models, same graph
generator, a few hundred people) through the function a chunk calls
(``task.simulate_scenario``: the market wrapper, the graph cache, the paired
counterfactual), so it compiles, loads and imports only what the sweep's runs use;
without one (or if the miniature is not valid) a miniature of the default. A fork
server started before the sweep's process has loaded its experiment
(``executors.start_early``) is told the experiment file and overrides instead, loads the
experiment itself and warms its first and last design points.
"""
from __future__ import annotations

import json
import os

#: Environment variable holding the scenario (JSON) a fork server should warm up with.
WARM_SCENARIO = "SOCSIM_WARM_SCENARIO"
#: Environment variable holding an experiment to warm up with (JSON: ``{"file", "overrides"}``).
WARM_EXPERIMENT = "SOCSIM_WARM_EXPERIMENT"
#: Graph generators whose size is the parameter ``n`` (the others keep their size).
_SIZED_BY_N = {"barabasi_albert", "powerlaw_cluster", "erdos_renyi", "watts_strogatz"}
_TINY_N = 400


def miniature(scenario: dict) -> dict:
    """``scenario`` shrunk to a few hundred people and at most 70 days, models unchanged.

    Returns a new dict. A graph that cannot be shrunk (an edge-list file, a generator
    whose size is not ``n``) becomes a small complete graph, which no kernel generates:
    the miniature then compiles no generator the sweep does not use.
    """
    sc = json.loads(json.dumps(scenario))  # a deep copy of plain data
    graph = sc.get("graph") or {}
    gen = graph.get("generator") or "powerlaw_cluster"
    # validated scenarios hold generator parameters under "params", TOML files inline
    nested = isinstance(graph.get("params"), dict)
    if graph.get("file") or gen not in _SIZED_BY_N:
        complete = {"generator": "complete", "n": 60}
        sc["graph"] = {"generator": "complete", "params": {"n": 60}} if nested else complete
    else:
        params = graph["params"] if nested else graph
        n = min(int(params.get("n", _TINY_N)), _TINY_N)
        params["n"] = n
        if gen == "erdos_renyi" and params.get("mean_degree") is not None:
            params["mean_degree"] = min(float(params["mean_degree"]), n - 1)
        if gen == "watts_strogatz":
            params["k"] = min(int(params.get("k", 4)), 2 * ((n - 1) // 2))
        if gen in ("barabasi_albert", "powerlaw_cluster"):
            params["m"] = min(int(params.get("m", 3)), n - 1)
        sc["graph"] = graph
    sc["days"] = min(int(sc.get("days", 70)), 70)
    for key, cap in (("seeding", 5), ("kol", 2)):
        part = sc.get(key)
        if isinstance(part, dict) and isinstance(part.get("count"), int):
            part["count"] = min(part["count"], cap)
    return sc


def experiment_scenarios(spec: str) -> list[dict]:
    """The first and last design points' scenarios of the experiment ``spec`` names
    (JSON ``{"file": path, "overrides": [...]}``); [] if it cannot be loaded."""
    try:
        named = json.loads(spec)
        from simulation.config.experiment import load_experiment

        scenarios = load_experiment(named["file"], named.get("overrides") or (), check_memory=False).scenarios
    except Exception:  # noqa: BLE001 - the sweep's own process reports a bad experiment
        return []
    return list(scenarios[:1]) + list(scenarios[1:][-1:])


def warm_kernels(scenario: dict | None = None) -> bool:
    """Run a miniature of ``scenario`` (default: env ``SOCSIM_WARM_SCENARIO``, else the
    design points of env ``SOCSIM_WARM_EXPERIMENT``, else the default scenario) so its
    kernels are loaded; False if nothing could be run.

    A failure costs speed, never correctness: workers then load the kernels on their
    first run, as they would without warming.
    """
    if scenario is None and os.environ.get(WARM_SCENARIO):
        try:
            scenario = json.loads(os.environ[WARM_SCENARIO])
        except ValueError:
            scenario = None
    try:
        import numpy as np

        from simulation.config.scenario import default_scenario_dict
        from simulation.runner.task import simulate_scenario
    except Exception:  # noqa: BLE001 - warming is an optimisation, never a failure
        return False
    if scenario:
        wanted = [scenario]
    elif os.environ.get(WARM_EXPERIMENT):
        wanted = experiment_scenarios(os.environ[WARM_EXPERIMENT])
    else:
        wanted = []
    warmed = False
    for candidate in wanted:
        try:
            simulate_scenario(miniature(candidate), np.random.SeedSequence(0))
            warmed = True
        except Exception:  # noqa: BLE001 - try the next candidate
            continue
    if warmed:
        return True
    try:
        simulate_scenario(miniature(default_scenario_dict()), np.random.SeedSequence(0))
        return True
    except Exception:  # noqa: BLE001
        return False
