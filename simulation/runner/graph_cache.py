"""Generated graphs kept in a worker process, so runs that share a graph seed build it once.

Under common random numbers (the runner's default) replication r of every design point
has the same run seed, hence the same graph seed (``substream(ss, "graph")``): a sweep
over non-graph parameters would otherwise generate the same graph once per point. A run
looks its graph up by (generator, parameters, seed); the graph is the one generation
would give, so results are identical draw for draw. Graphs read from a file are not kept
(the file may change between runs); the cache holds at most ``MAX_ARCS`` arcs in all
(about 12 bytes an arc), dropping the least recently used graph first.
"""
from __future__ import annotations

import json
from collections import OrderedDict

import numpy as np

from simulation.graph.csr import CSRGraph

#: Upper bound of the arcs held by one process's cache (~12 bytes an arc: ~240 MB).
MAX_ARCS = 20_000_000


class GraphCache:
    """Least-recently-used generated graphs, bounded by their total arc count."""

    def __init__(self, max_arcs: int = MAX_ARCS):
        self.max_arcs = max_arcs
        self._graphs: OrderedDict[tuple, CSRGraph] = OrderedDict()
        self._arcs = 0
        self.hits = 0

    def graph(self, scenario, ss: np.random.SeedSequence) -> CSRGraph:
        """The graph of ``scenario`` for the run seeded by ``ss`` (built as the engine would build it)."""
        from simulation.seeding import as_seed_sequence, substream

        cfg = scenario.graph
        seed = substream(as_seed_sequence(ss), "graph")
        if cfg.generator is None:
            return cfg.build(seed, base_dir=scenario.base_dir)
        key = (cfg.generator, json.dumps(cfg.params, sort_keys=True, default=str), int(seed.entropy),
               tuple(int(k) for k in seed.spawn_key))
        g = self._graphs.get(key)
        if g is not None:
            self._graphs.move_to_end(key)
            self.hits += 1
            return g
        g = cfg.build(seed, base_dir=scenario.base_dir)
        if g.m <= self.max_arcs:
            self._graphs[key] = g
            self._arcs += g.m
            while self._arcs > self.max_arcs:
                _, old = self._graphs.popitem(last=False)
                self._arcs -= old.m
        return g


#: The cache of this process (each worker process has its own).
GRAPHS = GraphCache()
