"""Load the compiled kernels a run uses into this process, before it serves runs.

A fresh process pays for Numba's cache (or, on an empty cache, the compiler) on its
first run. ``warm_kernels`` pays it once where it is cheapest: in the fork server
before it forks the pool's workers (they inherit the loaded machine code), or in each
Dask worker as it starts (a worker preload), instead of inside a timed first chunk.
"""
from __future__ import annotations

import os

#: A short run of the default scenario that calls every kernel of the day loop: all four
#: operation models on (each with its sub-models), past the event days of default.toml.
WARM_OVERRIDES = {
    "graph.n": 300,
    "days": 62,
    "seeding.count": 5,
    "kol.count": 2,
    "operations.content.enabled": True,
    "operations.relationship.enabled": True,
    "operations.event.enabled": True,
    "operations.event.coupon.enabled": True,
    "operations.crossover.enabled": True,
}


def warm_kernels() -> bool:
    """Run one tiny all-models scenario so its kernels are loaded; False if that failed.

    A failure (e.g. a scenario key renamed) costs speed, never correctness: workers then
    load the kernels on their first run, as they would without warming.
    """
    if os.environ.get("SOCSIM_NO_WARM"):
        return False
    try:
        from simulation.config.scenario import default_scenario_dict, load_scenario
        from simulation.engine import simulate

        simulate(load_scenario(default_scenario_dict(), WARM_OVERRIDES), seed=0)
    except Exception:  # noqa: BLE001 - warming is an optimisation, never a failure
        return False
    return True
