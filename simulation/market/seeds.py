"""The random numbers of a market's products other than ours.

Product 0 (ours, the scenario's own ``[product]``) is run from the run's SeedSequence
``ss`` exactly as ``simulation.engine.simulate`` runs it: one product and no rival is
today's model draw for draw. Every other product ``name`` runs from
``product_seed(ss, name) = SeedSequence(ss.entropy, spawn_key = ss.spawn_key + (MARKET_SPAWN,
crc32(name)))``: its kernel key, its seeds and its KOL roster come from there, so a
product's draws depend only on the config, the run seed and the product's name (not
on the order or number of the other products). The graph, the population and the tie
strengths are ours (the same objects). Who is online today is ours too (one person,
one day): ``simulation.market.run`` hands the other engines ``uniform(key_ours, ONLINE, i, t)``.
"""
from __future__ import annotations

import zlib

import numpy as np

#: The spawn-key element under which a run's market products live (far above ``seeding.STREAMS``).
MARKET_SPAWN = 1000


def product_seed(ss: np.random.SeedSequence, name: str) -> np.random.SeedSequence:
    """The SeedSequence of market product ``name`` (not ours) in the run of seed ``ss``."""
    return np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + (MARKET_SPAWN, zlib.crc32(name.encode())))
