"""A small run of a scenario whose final state can be drawn (the report's network snapshot)."""
from __future__ import annotations

import copy

#: Graph parameters that set the number of people, by generator convention.
SIZE_KEYS = ("n",)


def shrink(scenario: dict, people: int) -> dict:
    """Copy of a scenario (plain dict) with its generated graph cut to ``people`` nodes.

    Parameters
    ----------
    scenario : the base scenario as stored in the manifest.
    people : number of people in the small run.

    Raises ``ValueError`` when the graph is not generated with a size ``n`` (a graph
    file cannot be shrunk). KOL and seed counts larger than the small population are
    scaled down with the population (keeping at least 3) so the run stays valid.
    """
    out = copy.deepcopy(scenario)
    graph = _size_params(out.get("graph"))
    if graph is None:
        raise ValueError("the scenario's graph has no size parameter 'n' (a graph file?)")
    size = max(int(graph[k]) for k in SIZE_KEYS if k in graph)
    # a platform's own generated graph (simulation.platforms) must have as many nodes as people
    platforms = out.get("platforms") if isinstance(out.get("platforms"), list) else []
    for params in [graph] + [_size_params(p.get("graph")) for p in platforms if isinstance(p, dict)]:
        for k in SIZE_KEYS:
            if params is not None and k in params:
                params[k] = min(int(params[k]), people)
    scale = min(1.0, people / max(size, 1))
    for table, key in (("kol", "count"), ("seeding", "count")):
        node = out.get(table)
        if isinstance(node, dict) and isinstance(node.get(key), int) and node[key] > 0:
            # proportional, but at least a few so the small run shows a cascade
            node[key] = min(node[key], max(3, round(node[key] * scale)))
    return out


def _size_params(graph) -> dict | None:
    """The dict holding a generated graph's size parameter, or None (a graph file, no graph)."""
    # TOML writes generator parameters flat; the manifest's dump nests them in "params"
    if isinstance(graph, dict) and isinstance(graph.get("params"), dict) and graph["params"]:
        graph = graph["params"]
    return graph if isinstance(graph, dict) and any(k in graph for k in SIZE_KEYS) else None


def small_run(scenario: dict, people: int, seed: int = 0):
    """Run ``scenario`` at ``people`` people; return (graph, final state arrays).

    Parameters
    ----------
    scenario : the base scenario as a plain dict (the manifest's ``scenario``).
    people : number of people (the graph's ``n``).
    seed : base seed; the run uses its replication 0.
    """
    from simulation.config.scenario import load_scenario
    from simulation.engine import simulate
    from simulation.seeding import run_seed

    sc = load_scenario(shrink(scenario, people))
    result = simulate(sc, run_seed(int(seed or 0), 0), keep_state=True)
    return result.graph, result.state
