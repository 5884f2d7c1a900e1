"""Checks made before any run starts: graph files, sizes against the graph, memory.

``check_scenarios`` is called by ``load_experiment`` (so ``socsim validate``, ``run``,
``sweep`` and the Python API share it) on the scenario of every design point:

* an edge-list file is read in full (every line parsed, errors as ``file:line``);
* ``kol.count``, ``seeding.count``, the partner audience, the stores placed at
  people's homes and the community group-buy leaders must fit the graph's population,
  and every ``seeding.nodes`` label must be a node of the graph;
* each platform's own graph (``[[platforms]]``, ``simulation.platforms``) is checked the
  same way (errors name ``platforms.<i>.graph``): a generator must make the population's
  n nodes, an edge-list file's labels must be people of the scenario graph;
* a live session's host (``operations.live.kol``) must be in the KOL roster when it is
  known before the run (no ``kol.budget`` or ``kol.roster_file``);
* the memory one run needs is estimated from n, edges and days (``run_memory``) and a
  run that does not fit in the memory available now is refused with the estimate,
  unless the caller passes ``check_memory=False`` (``--no-memory-check``).

Generator graphs are not built: their node and edge counts follow from the parameters.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

#: Bytes per arc (CSR index, tie strength, weight, per-arc state and the builder's temporaries).
BYTES_PER_ARC = 48
#: Bytes per person (state arrays of the population, the funnel and the operation models).
BYTES_PER_NODE = 400
#: Bytes per day of a run's daily series (about 60 series of 8 bytes).
BYTES_PER_DAY = 512
#: The interpreter, numba and the imported libraries.
BASE_BYTES = 300 * 2**20


class PreflightError(ValueError):
    """A scenario cannot run on its graph or on this machine; the message names the field or file:line."""


@dataclass(frozen=True)
class GraphSize:
    """Nodes and undirected edges (arcs for a directed file) of a graph, and its labels when read."""

    n: int
    edges: int
    arcs: int
    labels: Any = None  # the node labels of a file graph (numpy array); None: 0..n-1


def generator_size(name: str, params: dict) -> GraphSize:
    """The node and (expected) edge counts of a generator graph, from its parameters alone."""
    if name == "stochastic_block":
        sizes = [int(s) for s in params["sizes"]]
        n = sum(sizes)
        if params.get("p") is not None:
            p = params["p"]
            e = sum(
                p[r][s] * (sizes[r] * (sizes[r] - 1) / 2 if r == s else sizes[r] * sizes[s])
                for r in range(len(sizes)) for s in range(r, len(sizes))
            )
        else:
            within = sum(s * (s - 1) / 2 for s in sizes)
            e = params["p_in"] * within + params["p_out"] * (n * (n - 1) / 2 - within)
    else:
        n = int(params["n"])
        if name in ("barabasi_albert", "powerlaw_cluster"):
            e = n * int(params["m"])
        elif name == "watts_strogatz":
            e = n * int(params["k"]) / 2
        elif name == "erdos_renyi":
            e = n * params["mean_degree"] / 2 if params.get("mean_degree") is not None else params["p"] * n * (n - 1) / 2
        elif name == "complete":
            e = n * (n - 1) / 2
        else:
            e = 10 * n
    e = int(round(e))
    return GraphSize(n, e, 2 * e)


def run_memory(size: GraphSize, days: int) -> int:
    """Estimated peak bytes of one run on a graph of ``size`` over ``days`` days."""
    return BASE_BYTES + BYTES_PER_ARC * size.arcs + BYTES_PER_NODE * size.n + BYTES_PER_DAY * days


def available_memory() -> int | None:
    """Bytes of memory available to new processes now (``MemAvailable``), or None when unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _gib(b: float) -> str:
    return f"{b / 2**30:.1f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


def read_graph_file(graph: dict, base_dir: str | os.PathLike | None) -> GraphSize:
    """Read and parse an edge-list file in full; raise ``PreflightError`` naming file:line."""
    from simulation.config.graph import GraphConfig
    from simulation.config.toml import unreadable

    cfg = GraphConfig.model_validate(graph)
    path = cfg.path(base_dir)
    try:
        g = cfg.build(base_dir=base_dir)
    except OSError as e:
        raise PreflightError(f"graph.file: {unreadable(path, e, 'an edge list')}") from None
    except ValueError as e:
        raise PreflightError(f"graph.file: {e}") from None
    arcs = int(g.indptr[-1])
    return GraphSize(int(g.n), arcs if cfg.directed else arcs // 2, arcs, labels=g.labels)


def _graph_size(graph: dict, base_dir, cache: dict, read_files: bool) -> GraphSize | None:
    key = repr(sorted(graph.items()))
    if key not in cache:
        if graph.get("file") is not None and not read_files:
            from simulation.config.graph import GraphConfig

            path = GraphConfig.model_validate(graph).path(base_dir)
            if not path.is_file():
                raise PreflightError(f"graph.file: {path}: no such file")
            cache[key] = None
        elif graph.get("file") is not None:
            cache[key] = read_graph_file(graph, base_dir)
        else:
            params = {k: v for k, v in graph.items() if k not in ("generator", "params")}
            params.update(graph.get("params") or {})
            cache[key] = generator_size(graph["generator"], params)
    return cache[key]


def _check_fit(sc: dict, size: GraphSize, where: str) -> None:
    n = size.n
    kol = sc.get("kol") or {}
    if int(kol.get("count") or 0) > n:
        raise PreflightError(f"{where}kol.count: {kol['count']} KOLs, but the graph has only {n} people")
    seeding = sc.get("seeding") or {}
    nodes = seeding.get("nodes")
    if nodes is None and int(seeding.get("count") or 0) > n:
        raise PreflightError(f"{where}seeding.count: {seeding['count']} seeds, but the graph has only {n} people")
    if nodes is not None:
        if size.labels is None:
            bad = next((x for x in nodes if not (isinstance(x, int) and 0 <= x < n)), None)
        else:
            known = set(size.labels.tolist())
            bad = next((x for x in nodes if x not in known), None)
        if bad is not None:
            raise PreflightError(f"{where}seeding.nodes: {bad!r} is not a node of the graph")
        if len(set(map(repr, nodes))) != len(nodes):
            dup = next(x for x in nodes if nodes.count(x) > 1)
            raise PreflightError(f"{where}seeding.nodes: {dup!r} is listed twice")
    cross = (sc.get("operations") or {}).get("crossover") or {}
    if cross.get("enabled"):
        share = float(cross.get("partner_audience_share", 0.0))
        if round(share * n) < 1:
            raise PreflightError(
                f"{where}operations.crossover.partner_audience_share: {share} of {n} people is an empty audience"
            )
    live = (sc.get("operations") or {}).get("live") or {}
    if live.get("enabled") and kol.get("budget") is None and not kol.get("roster_file"):
        # the roster is known before the run unless a budget or a roster file chooses it
        from simulation.operations.live import check_host

        try:
            check_host(int(live.get("kol", 0)), len(kol["roster"]) if kol.get("roster") else int(kol.get("count") or 0))
        except ValueError as e:
            raise PreflightError(f"{where}{e}") from None
    store = (sc.get("operations") or {}).get("store") or {}
    if store.get("enabled") and not store.get("stores") and int(store.get("store_count") or 0) > n:
        raise PreflightError(f"{where}operations.store.store_count: {store['store_count']} stores placed at "
                             f"people's homes, but the graph has only {n} people")
    community = (sc.get("operations") or {}).get("community") or {}
    if community.get("enabled") and int(community.get("leaders") or 0) > n:
        raise PreflightError(f"{where}operations.community.leaders: {community['leaders']} leaders, "
                             f"but the graph has only {n} people")


def _check_platforms(sc: dict, size: GraphSize, base_dir, cache: dict, read_files: bool, where: str) -> int:
    """Check each platform's own graph against the population; return their edges (for the memory estimate)."""
    edges = 0
    for i, platform in enumerate(sc.get("platforms") or []):
        graph = platform.get("graph")
        if not graph:
            continue
        at = f"{where}platforms.{i}.graph"
        try:
            own = _graph_size(graph, base_dir, cache, read_files)
        except PreflightError as exc:
            raise PreflightError(str(exc).replace("graph.", f"{at}.", 1) if str(exc).startswith("graph.")
                                 else f"{at}: {exc}") from None
        if own is None:
            continue
        edges += own.edges
        if graph.get("file") is None and own.n != size.n:
            raise PreflightError(f"{at}: the generator makes {own.n} nodes but the population has {size.n} people")
        if graph.get("file") is not None and own.labels is not None:
            known = set(size.labels.tolist()) if size.labels is not None else set(range(size.n))
            bad = next((x for x in own.labels.tolist() if x not in known), None)
            if bad is not None:
                raise PreflightError(f"{at}.file: node {bad!r} is not a person of the scenario graph")
    return edges


def check_scenarios(
    scenarios: list[dict], base_dir: str | os.PathLike | None, *, names: list[str] | None = None,
    check_memory: bool = True, workers: int = 1, read_files: bool = True,
) -> int:
    """Check every scenario (plain data) against its graph and this machine; return the peak bytes estimate.

    names: design point names for messages (default: none, the scenario is alone).
    workers: runs held in memory at once.
    read_files: parse edge-list files in full (else only check they exist, and skip the
        checks that need their size).
    Raises ``PreflightError`` with a one-line message naming the field or file:line.
    """
    cache: dict = {}
    peak = 0
    for i, sc in enumerate(scenarios):
        where = f"design point {names[i]}: " if names and len(scenarios) > 1 else ""
        size = _graph_size(sc["graph"], base_dir, cache, read_files)
        if size is None:
            continue
        _check_fit(sc, size, where)
        layers = _check_platforms(sc, size, base_dir, cache, read_files, where)
        peak = max(peak, run_memory(size, int(sc.get("days", 90))) + BYTES_PER_ARC * 2 * layers)
    if check_memory:
        check_memory_fits(peak, workers)
    return peak


def check_memory_fits(per_run: int, workers: int = 1) -> None:
    """Refuse when ``workers`` runs of ``per_run`` bytes each exceed the memory available now."""
    avail = available_memory()
    need = per_run * max(1, workers)
    if avail is not None and need > avail:
        each = f" ({workers} workers x {_gib(per_run)})" if workers > 1 else ""
        raise PreflightError(
            f"graph: a run needs about {_gib(need)}{each} of memory, {_gib(avail)} is available; "
            "reduce graph size, days or --workers, or pass --no-memory-check"
        )


def describe_bytes(b: int) -> str:
    """A byte count in MiB or GiB, for messages."""
    return _gib(b)


__all__ = ["GraphSize", "PreflightError", "check_memory_fits", "check_scenarios", "generator_size", "run_memory"]
