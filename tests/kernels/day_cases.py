"""Inputs shared by the day-kernel tests: a day's purchases to book, and a whole run that counts its calls."""
from __future__ import annotations

import numpy as np


def purchases(rng: np.random.Generator, n: int, k: int, ki: int) -> tuple[np.ndarray, ...]:
    """A day's ``k`` purchases among ``n`` people (repeated buyers allowed) and up to ``ki`` newly interested.

    Returns (buyers, channel, ref, plat, interested_today, cand_channel, cand_ref): ``book_buyers``'s first
    seven arguments. A friend share's ref names a sharer (any person, with or without a root), others a KOL,
    a group or nobody (-1).
    """
    buyers = rng.integers(0, n, k).astype(np.int64)
    channel = rng.integers(0, 6, k).astype(np.int8)
    ref = rng.integers(-1, n, k).astype(np.int64)
    plat = rng.integers(0, 3, k).astype(np.int8)
    interested_today = rng.permutation(n)[: min(ki, n)].astype(np.int64)
    cand_channel = rng.integers(0, 6, n).astype(np.int8)
    cand_ref = rng.integers(-1, n, n).astype(np.int64)
    return buyers, channel, ref, plat, interested_today, cand_channel, cand_ref


def every_model_scenario():
    """3,000 people, 25 days, every operation model on, negative word of mouth: a run that reaches every kernel."""
    from simulation.config.scenario import default_scenario
    from simulation.operations import all_on

    return default_scenario({**all_on(), "days": 25, "graph": {"generator": "barabasi_albert", "n": 3000, "m": 4},
                             "seeding.count": 30, "funnel.negative_spread": 0.5})


def count_calls(monkeypatch, module, name: str) -> dict[str, int]:
    """Replace ``module.name`` by a wrapper that counts its calls; returns the counter (``{"n": calls}``)."""
    calls = {"n": 0}
    inner = getattr(module, name)

    def counted(*args):
        calls["n"] += 1
        return inner(*args)

    monkeypatch.setattr(module, name, counted)
    return calls


def threaded_cases() -> dict:
    """Whole runs the threaded kernels must reproduce (name -> scenario): every model on; the same with persistent
    word of mouth and interested people sharing (sharers on several days, many interested exposures); and three
    declared platforms (``experiments/channel_mix.toml``'s first point, 25 days: batches per platform)."""
    from pathlib import Path

    from simulation.config.experiment import load_experiment
    from simulation.config.scenario import apply_overrides, load_scenario

    every = every_model_scenario()
    talk = apply_overrides(every.model_dump(mode="json"), {"funnel.wom_days": 3, "funnel.wom_decay": 0.3,
                                                          "funnel.interested_share_rate": 0.5,
                                                          "funnel.interest_ratio": 4.0})
    exp = load_experiment(Path(__file__).resolve().parents[2] / "experiments" / "channel_mix.toml",
                          check_memory=False)
    platforms = apply_overrides(exp.scenarios[0], {"days": 25})
    return {"every_model": every, "talk_and_interest": load_scenario(talk), "platforms": load_scenario(platforms)}
