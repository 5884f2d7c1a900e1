"""The classic diffusion models as presets over socsim's engine.

These are the textbook models a researcher knows by heart, run by the same kernels
and the same seeding as the social-commerce model with its extras switched off:

* ``independent_cascade`` — Kempe, Kleinberg & Tardos (2003).
* ``linear_threshold`` — Granovetter (1978); Kempe et al. (2003).
* ``sir`` — discrete-time SIR on a network (IC is SIR with a one-step infectious period).
* ``bass`` / ``bass_network`` — Bass (1969), mean-field and on a graph.
* ``imm``, ``celf``, ``degree_discount``, ``top_degree``, ``rr_spread``, ``ic_spread`` / ``ic_finals`` —
  influence maximisation for IC, from ``simulation.influence`` (re-exported lazily).

Reproducibility: ``seed`` feeds ``numpy.random.SeedSequence``; run k uses its k-th
spawned child (``simulation.seeding.run_seed``), so run k's result is identical
whatever ``runs`` is and however many threads run.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numba
import numpy as np

from . import seeding
from .graph.csr import CSRGraph
from .kernels import bass as bass_kernels
from .kernels import cascade as cascade_kernels


@dataclass(frozen=True)
class DiffusionResult:
    """Outcome of ``runs`` replications of a classic model.

    Attributes
    ----------
    final : array (runs,)
        Nodes ever activated, seeds included (``bass``: final adopted fraction).
    curve : array (runs, steps + 1)
        Cumulative activated count after each step (``bass``: adopted fraction).
        Cascades of different lengths are padded with their final value.
    examined : int64 array (runs,)
        Arc examinations per run (sum of out-degrees over transmitting steps); 0 for bass.
    when : int32 array (runs, n) or None
        With ``record_nodes=True``: the step each node was activated (-1 = never).
    model : str
    params : dict
    """

    final: np.ndarray
    curve: np.ndarray
    examined: np.ndarray
    model: str
    params: dict = field(default_factory=dict)
    when: np.ndarray | None = None

    @property
    def runs(self) -> int:
        """Number of replications."""
        return len(self.final)


def run_keys(seed, runs: int) -> np.ndarray:
    """Kernel keys (uint64, shape (runs,)) of runs 0..runs-1 of ``seed``.

    Equal to ``kernel_key(run_seed(seed, k))``, built with one SeedSequence per run.
    """
    root = seeding.as_seed_sequence(seed)
    base = tuple(root.spawn_key)
    dyn = seeding.STREAMS["dynamics"]
    return np.array(
        [np.random.SeedSequence(root.entropy, spawn_key=base + (k, dyn)).generate_state(1, np.uint64)[0] for k in range(runs)],
        dtype=np.uint64,
    )


def _as_graph(graph) -> CSRGraph:
    if isinstance(graph, CSRGraph):
        return graph
    from .graph.build import build_graph

    if isinstance(graph, tuple) and len(graph) == 2 and isinstance(graph[0], str):
        return build_graph(graph[0], **graph[1])
    return build_graph(graph)


def _check_prob(name: str, value: float) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return value


def _arc_probabilities(g: CSRGraph, p) -> np.ndarray:
    """Per-arc probability array (length 1 when the same for every arc)."""
    if isinstance(p, str):
        arr = np.ascontiguousarray(g.edge_attr(p), dtype=np.float64)
        bad = np.flatnonzero((arr < 0) | (arr > 1) | np.isnan(arr))
        if bad.size:
            raise ValueError(f"edge attribute {p!r} must hold probabilities in [0, 1]; arc {bad[0]} has {arr[bad[0]]!r}")
        return arr
    return np.array([_check_prob("p", p)], np.float64)


def _check_runs(runs: int) -> int:
    if not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ValueError(f"runs must be a positive integer, got {runs!r}")
    return int(runs)


def _seed_sets(g: CSRGraph, seeds, runs: int) -> tuple[int, np.ndarray, np.ndarray]:
    """(n_random, seed_ptr (runs + 1,), seed_ids): random seed count, or explicit ids per run."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        k = int(seeds)
        if not 0 <= k <= g.n:
            raise ValueError(f"seeds: cannot pick {k} random seeds from {g.n} nodes")
        # drawn inside the kernel from each run's key (Floyd's algorithm)
        return k, np.zeros(runs + 1, np.int64), np.empty(0, np.int64)
    ids = g.ids(list(seeds))
    return 0, np.arange(runs + 1, dtype=np.int64) * len(ids), np.tile(ids, runs)


def _cascade(kernel, g: CSRGraph, arc_values: np.ndarray, extra: tuple, seeds, runs: int, seed, model: str, params: dict, record_nodes: bool = False):
    runs = _check_runs(runs)
    keys = run_keys(seed, runs)
    n_random, seed_ptr, seed_ids = _seed_sets(g, seeds, runs)
    chunks = min(runs, 4 * numba.get_num_threads())
    # Most cascades die within a few dozen steps; grow the buffer only if one outlives it.
    length = min(g.n + 1, 257)
    while True:
        curves = np.zeros((runs, length), np.int64)
        when = np.zeros((runs, g.n if record_nodes else 0), np.int32)
        info = kernel(g.indptr, g.indices, arc_values, *extra, n_random, seed_ptr, seed_ids, keys, curves, when, chunks)
        if not info[:, 2].any() or length == g.n + 1:
            break
        length = min(g.n + 1, length * 8)
    steps = int(info[:, 0].max()) if runs else 0
    curve = curves[:, : steps + 1]
    return DiffusionResult(curve[:, -1].copy(), curve, info[:, 1].copy(), model, params, when if record_nodes else None)


def independent_cascade(graph, p, seeds, runs: int = 1, seed=None, record_nodes: bool = False) -> DiffusionResult:
    """Independent Cascade: each new sharer gets one chance per out-arc to activate its head.

    Parameters
    ----------
    graph : anything ``simulation.graph.build_graph`` accepts (NetworkX graph, CSRGraph,
        edge-list path, or ``(generator_name, params)``).
    p : probability per arc, or the name of a numeric edge attribute holding it.
    seeds : list of node labels, or an int (that many distinct random nodes per run,
        drawn from the run's own random stream).
    runs : number of independent replications.
    seed : int, SeedSequence or None (fresh entropy).
    record_nodes : also return ``when``, each node's activation step per run.
    """
    g = _as_graph(graph)
    prob = _arc_probabilities(g, p)
    return _cascade(cascade_kernels.sir_many, g, prob, (1.0,), seeds, runs, seed, "independent_cascade", {"p": p}, record_nodes)


def sir(graph, beta, gamma, seeds, runs: int = 1, seed=None, record_nodes: bool = False) -> DiffusionResult:
    """Discrete-time SIR: infectious nodes transmit over each arc with ``beta`` per step, recover with ``gamma``.

    Parameters
    ----------
    beta : transmission probability per arc per infectious step (or an edge attribute name).
    gamma : recovery probability per step (gamma = 1: one infectious step, i.e. IC).
    Other parameters as ``independent_cascade``; ``final`` counts nodes ever infected.
    """
    g = _as_graph(graph)
    prob = _arc_probabilities(g, beta)
    gamma = _check_prob("gamma", gamma)
    if gamma == 0.0:
        raise ValueError("gamma must be > 0: with gamma = 0 nobody ever recovers and the epidemic never ends")
    return _cascade(cascade_kernels.sir_many, g, prob, (gamma,), seeds, runs, seed, "sir", {"beta": beta, "gamma": gamma}, record_nodes)


def lt_weights(g: CSRGraph, weight: str | None = None) -> np.ndarray:
    """Per-arc LT influence: 1/in-degree of the head, or a normalised-checked edge attribute."""
    if weight is None:
        indeg = np.bincount(g.indices, minlength=g.n).astype(np.float64)
        return 1.0 / indeg[g.indices]
    w = np.ascontiguousarray(g.edge_attr(weight), dtype=np.float64)
    if (w < 0).any():
        raise ValueError(f"edge attribute {weight!r} must be non-negative for Linear Threshold")
    incoming = np.bincount(g.indices, weights=w, minlength=g.n)
    over = np.flatnonzero(incoming > 1.0 + 1e-9)
    if over.size:
        raise ValueError(
            f"Linear Threshold needs incoming weights summing to <= 1; node {g.labels[over[0]]!r} has {incoming[over[0]]:.4g}"
        )
    return w


def linear_threshold(graph, seeds, runs: int = 1, seed=None, weight: str | None = None, record_nodes: bool = False) -> DiffusionResult:
    """Linear Threshold: a node activates when the weight of its active in-neighbours reaches its threshold.

    Parameters
    ----------
    weight : None for weights 1/in-degree (Kempe et al.), or an edge attribute name whose
        incoming sums are <= 1 at every node. Thresholds are uniform on [0, 1), one per
        node per run. Other parameters as ``independent_cascade``.
    """
    g = _as_graph(graph)
    w = lt_weights(g, weight)
    return _cascade(cascade_kernels.lt_many, g, w, (), seeds, runs, seed, "linear_threshold", {"weight": weight}, record_nodes)


def _bass_steps(t_max: float, dt: float, p: float, q: float) -> int:
    if not dt > 0:
        raise ValueError(f"dt must be > 0, got {dt!r}")
    if not t_max > 0:
        raise ValueError(f"t_max must be > 0, got {t_max!r}")
    if p < 0 or q < 0:
        raise ValueError(f"p and q must be non-negative, got p={p!r}, q={q!r}")
    return int(round(t_max / dt))


def bass(n: int, p: float, q: float, t_max: float, dt: float, runs: int = 1, seed=None) -> DiffusionResult:
    """Bass diffusion on a complete graph of n people (mean field).

    Parameters
    ----------
    n : population size.
    p, q : innovation and imitation coefficients (per unit time).
    t_max : horizon (time units); dt : step length (time units). Steps = round(t_max / dt).
    In each step a non-adopter adopts with probability 1 - exp(-(p + q·F)·dt), F the
    adopted fraction at the step's start. ``curve[r, k]`` is the adopted fraction at time k·dt.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    steps = _bass_steps(t_max, dt, p, q)
    runs = _check_runs(runs)
    keys = run_keys(seed, runs)
    curves = np.zeros((runs, steps + 1), np.float64)
    bass_kernels.bass_meanfield_many(int(n), float(p), float(q), float(dt), steps, keys, curves)
    params = {"n": n, "p": p, "q": q, "t_max": t_max, "dt": dt}
    return DiffusionResult(curves[:, -1].copy(), curves, np.zeros(runs, np.int64), "bass", params)


def bass_network(graph, p: float, q: float, t_max: float, dt: float, runs: int = 1, seed=None) -> DiffusionResult:
    """Bass diffusion on a graph: imitation q times the adopted fraction of a node's in-neighbours.

    Parameters as ``bass``; ``graph`` as ``independent_cascade``.
    """
    g = _as_graph(graph)
    steps = _bass_steps(t_max, dt, p, q)
    runs = _check_runs(runs)
    keys = run_keys(seed, runs)
    curves = np.zeros((runs, steps + 1), np.float64)
    bass_kernels.bass_network_many(g.indptr, g.indices, float(p), float(q), float(dt), steps, keys, curves)
    params = {"p": p, "q": q, "t_max": t_max, "dt": dt}
    return DiffusionResult(curves[:, -1].copy(), curves, np.zeros(runs, np.int64), "bass_network", params)


def bass_closed_form(t, p: float, q: float):
    """Bass (1969) cumulative adoption F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    t = np.asarray(t, dtype=np.float64)
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


def percolation_final_size(c: float, T: float) -> float:
    """Large-outbreak fraction S on G(n, c/n) with transmissibility T: the root of S = 1 - exp(-c·T·S)."""
    from scipy.optimize import brentq

    r = c * T
    if r <= 1.0:
        return 0.0
    return brentq(lambda s: s - 1.0 + np.exp(-r * s), 1e-12, 1.0)


# simulation.influence builds on this module; its functions are re-exported lazily
# (PEP 562) so that importing either module never runs the other's import first.
_INFLUENCE = ("imm", "celf", "degree_discount", "top_degree", "rr_spread", "ic_spread", "ic_finals")


def __getattr__(name: str):
    if name in _INFLUENCE:
        from . import influence

        return getattr(influence, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
