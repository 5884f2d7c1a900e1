"""Seeds for runs: one ``SeedSequence`` per experiment, one child per run, named sub-streams.

Every random choice in socsim is derived from a run's ``SeedSequence`` through this
module, so a run's output depends only on its config and seed — never on how many runs
were asked for, the worker count, the backend or the order runs finish in.

Conventions
-----------
* ``run_seed(seed, k)`` is the k-th spawned child of ``SeedSequence(seed)``; it equals
  ``SeedSequence(seed).spawn(k + 1)[k]`` without mutating anything, so run k is the
  same whether 1 or 1000 runs are requested.
* Inside a run, each consumer of randomness takes a *named* sub-stream
  (``substream(ss, "graph")``): adding a new consumer never shifts the others.
* Numba kernels get a 64-bit ``kernel_key`` and draw counter-based uniforms from it
  (``simulation.kernels.random``), so a draw is a pure function of (key, stream,
  counters): identical under any thread count or iteration order.
"""
from __future__ import annotations

import numpy as np

#: Fixed indices of the named sub-streams of a run. Append only: never renumber.
STREAMS: dict[str, int] = {
    "dynamics": 0,  # the counter-based key used by every kernel
    "graph": 1,  # random graph generators
    "population": 2,  # consumer attributes and segments
    "seeds": 3,  # randomly chosen seed nodes / initial buyers
    "kol": 4,  # KOL selection and audiences
    "ties": 5,  # tie strengths
    "partner": 6,  # cross-over partner audience
    "platforms": 7,  # platform layers: membership, graphs, tie strengths (``simulation.platforms``)
    "store": 8,  # people's and stores' locations (operations.store)
    "community": 9,  # community group-buy leaders chosen at random (operations.community)
    "homophily": 10,  # community detection and who follows their community (simulation.homophily)
    "profile": 11,  # demographic profiles of consumers (simulation.profiles)
}

SeedLike = int | np.random.SeedSequence | None


def as_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Return ``seed`` as a ``SeedSequence`` (fresh OS entropy when ``None``)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed must be a non-negative integer or a SeedSequence, got {seed!r}")
    return np.random.SeedSequence(None if seed is None else int(seed))


def run_seed(seed: SeedLike, k: int) -> np.random.SeedSequence:
    """Return the k-th spawned child of ``seed`` (run k of an experiment)."""
    root = as_seed_sequence(seed)
    return np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (int(k),))


def run_seeds(seed: SeedLike, runs: int) -> list[np.random.SeedSequence]:
    """Return the seeds of runs 0..runs-1 (children of one root, entropy drawn once)."""
    root = as_seed_sequence(seed)
    return [run_seed(root, k) for k in range(runs)]


def substream(ss: np.random.SeedSequence, name: str) -> np.random.SeedSequence:
    """Return the named, fixed sub-stream ``name`` of a run's seed (see ``STREAMS``)."""
    try:
        idx = STREAMS[name]
    except KeyError:
        raise ValueError(f"unknown random stream {name!r}; known: {sorted(STREAMS)}") from None
    return np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + (idx,))


def generator(ss: np.random.SeedSequence, name: str) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` on the named sub-stream of a run."""
    return np.random.Generator(np.random.PCG64(substream(ss, name)))


def kernel_key(ss: np.random.SeedSequence) -> np.uint64:
    """Return the 64-bit key from which kernels draw counter-based uniforms."""
    return substream(ss, "dynamics").generate_state(1, np.uint64)[0]


def describe(ss: np.random.SeedSequence) -> dict:
    """Return the record that reproduces ``ss``: its root entropy and spawn key."""
    return {"entropy": int(ss.entropy), "spawn_key": list(map(int, ss.spawn_key))}
