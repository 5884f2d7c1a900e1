"""Model functions with a known behaviour, for runner tests that need a run to fail."""
from __future__ import annotations

import os

import numpy as np

from simulation.runner.task import simulate_scenario


def fails_with_kols(scenario: dict, seed: np.random.SeedSequence, base_dir=None):
    """The real model, except that any run with KOLs raises."""
    if scenario["kol"]["count"] > 0:
        raise RuntimeError("no KOLs in this test")
    return simulate_scenario(scenario, seed, base_dir)


def toy(scenario: dict, seed: np.random.SeedSequence, base_dir=None):
    """A tiny seeded stand-in (no graph): fails when the price is above 1000."""
    if scenario["product"]["price"] > 1000:
        raise ValueError("price too high for the toy")
    rng = np.random.Generator(np.random.PCG64(seed))
    days = scenario["days"]
    buyers = np.cumsum(rng.integers(0, 3, days + 1))
    return (
        {"buyers": float(buyers[-1]), "roi": float(rng.normal()), "t50": float("nan")},
        {"buyers": buyers, "revenue": buyers * scenario["product"]["price"]},
    )


def numba_threads(_item) -> tuple[int, int]:
    """The process that runs this task and how many threads Numba uses there."""
    import numba

    return os.getpid(), numba.get_num_threads()
