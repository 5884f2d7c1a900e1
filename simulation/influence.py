"""Influence maximisation for Independent Cascade: IMM, CELF, degree-discount and degree.

* ``imm`` — Tang, Shi & Xiao (SIGMOD 2015), "Influence Maximization in Near-Linear
  Time: A Martingale Approach": a (1 − 1/e − ε)-approximation with probability at
  least 1 − 1/n^ℓ, from reverse-reachable (RR) sets sampled in Numba.
* ``celf`` — lazy greedy (Leskovec et al. 2007) on the Monte-Carlo spread over R shared
  live-arc worlds (common random numbers); the worlds are the runs of
  ``classic.independent_cascade`` with the same seed, so its spread is theirs exactly.
* ``degree_discount`` — DegreeDiscountIC (Chen, Wang & Yang, KDD 2009), the fast heuristic.
* ``top_degree`` — the k highest out-degrees.
* ``rr_spread`` / ``ic_spread`` (``ic_finals``) — a seed set's expected spread by RR sets / by Monte Carlo.

Arc probabilities ``p``: one probability for every arc, the name of a numeric edge
attribute, or ``"weighted_cascade"`` (arc u→v live with 1 / in-degree(v), Kempe et al.
2003). Every function is deterministic given ``seed`` and does not depend on the
thread count: all draws are counter-based (``simulation.kernels.random``).
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numba
import numpy as np

from . import seeding
from .classic import _arc_probabilities, _as_graph, _cascade, run_keys
from .graph.csr import CSRGraph
from .greedy import lazy_greedy
from .kernels import cascade as cascade_kernels
from .kernels import discount as discount_kernels
from .kernels import ris as ris_kernels
from .kernels import worlds as world_kernels

WEIGHTED_CASCADE = "weighted_cascade"


@dataclass(frozen=True)
class SeedSelection:
    """A chosen seed set and what the method knows about it.

    Attributes
    ----------
    seeds : list      Node labels in pick order.
    ids : int64 array Internal node ids in pick order.
    spread : float    The method's own estimate of the expected spread (nodes, seeds
                      included); NaN for heuristics that estimate nothing.
    gains : float64 array (k,)  Estimated marginal spread of each pick (NaN: none).
    method : str
    params : dict     The arguments that reproduce the selection, plus diagnostics
                      (IMM: RR sets drawn, lower bound on OPT; CELF: oracle calls).
    """

    seeds: list
    ids: np.ndarray
    spread: float
    gains: np.ndarray
    method: str
    params: dict = field(default_factory=dict)


def arc_probabilities(g: CSRGraph, p) -> np.ndarray:
    """Per-arc IC probabilities (float64, length m, or length 1 when equal for all arcs).

    Parameters
    ----------
    g : the graph.
    p : a probability, an edge attribute name, or ``"weighted_cascade"`` (1 / in-degree of the head).
    """
    if isinstance(p, str) and p == WEIGHTED_CASCADE and WEIGHTED_CASCADE not in g.edge_attrs:
        indeg = np.bincount(g.indices, minlength=g.n).astype(np.float64)
        return 1.0 / indeg[g.indices]
    return _arc_probabilities(g, p)


def _check_k(k, n: int, what: str = "the node count") -> int:
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 1 <= k <= n:
        raise ValueError(f"k must be an integer in 1..{n} ({what}), got {k!r}")
    return int(k)


def _selection(g: CSRGraph, ids, spread, gains, method, params) -> SeedSelection:
    ids = np.asarray(ids, np.int64)
    return SeedSelection(g.labels[ids].tolist(), ids, float(spread), np.asarray(gains, np.float64), method, params)


# --- reverse-reachable sets -------------------------------------------------------------


class RRSampler:
    """Draws RR sets i = 0, 1, 2, … of one key, spread over the Numba thread count."""

    def __init__(self, g: CSRGraph, prob: np.ndarray, key):
        t = g.transpose
        self.n = g.n
        self._args = (t.indptr, t.indices, g.in_arc, prob, np.uint64(key))
        self.drawn = 0

    def draw(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw the next ``count`` sets: (ptr int64 (count + 1,), nodes int32)."""
        start, stop = self.drawn, self.drawn + int(count)
        self.drawn = stop
        workers = max(1, min(numba.get_num_threads(), (stop - start) // 4096))
        bounds = np.linspace(start, stop, workers + 1).astype(np.int64)
        if workers == 1:
            return ris_kernels.rr_sets(*self._args, start, stop)
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(lambda w: ris_kernels.rr_sets(*self._args, bounds[w], bounds[w + 1]), range(workers)))
        return _concat(parts)


def _concat(parts) -> tuple[np.ndarray, np.ndarray]:
    """Join (ptr, nodes) batches in order into one."""
    parts = [p for p in parts if len(p[0]) > 1] or parts[:1]
    offsets = np.cumsum([0] + [len(nodes) for _, nodes in parts])
    ptr = np.concatenate([parts[0][0][:1]] + [p[1:] + off for (p, _), off in zip(parts, offsets)])
    return ptr, np.concatenate([nodes for _, nodes in parts])


def _log_binom(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def imm_bounds(n: int, k: int, eps: float, ell: float) -> dict:
    """The sample-size constants of IMM (Tang, Shi & Xiao 2015) for n nodes and k seeds.

    ``ell`` is the user's ℓ; like the paper's IMM we raise it to ℓ(1 + log 2 / log n)
    first, so that the estimation of a lower bound on OPT and the final selection, each
    failing with probability at most 1/(2n^ℓ) under the raised ℓ, together hold with
    probability 1 − 1/n^ℓ. Returns the raised ℓ, ε' = √2·ε, λ' (Eq. 9) and λ* (Eq. 6)::

        λ' = (2 + 2ε'/3) · (log C(n,k) + ℓ log n + log log₂ n) · n / ε'²          (9)
        λ* = 2n · ((1 − 1/e)·α + β)² / ε²                                          (6)
        α  = √(ℓ log n + log 2),  β = √((1 − 1/e) · (log C(n,k) + ℓ log n + log 2))
    """
    ell = ell * (1.0 + math.log(2) / math.log(n))
    eps_p = math.sqrt(2) * eps
    lcnk = _log_binom(n, k)
    lam_p = (2 + 2 * eps_p / 3) * (lcnk + ell * math.log(n) + math.log(math.log2(n))) * n / eps_p**2
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt((1 - 1 / math.e) * (lcnk + ell * math.log(n) + math.log(2)))
    lam_star = 2 * n * ((1 - 1 / math.e) * alpha + beta) ** 2 / eps**2
    return {"ell": ell, "eps_prime": eps_p, "lambda_prime": lam_p, "lambda_star": lam_star}


def imm(graph, k: int, p=0.1, eps: float = 0.1, ell: float = 1.0, seed=None) -> SeedSelection:
    """IMM (Tang, Shi & Xiao, SIGMOD 2015): k seeds with spread ≥ (1 − 1/e − ε)·OPT w.p. ≥ 1 − 1/n^ℓ.

    Sampling (the paper's Algorithm 2), with λ' and λ* from ``imm_bounds``:

    1. for i = 1, …, log₂ n − 1: x = n / 2^i; grow the RR collection R to
       θ_i = ⌈λ'/x⌉ sets; S_i = NodeSelection(R, k); if n·F_R(S_i) ≥ (1 + ε')·x then
       LB = n·F_R(S_i) / (1 + ε') and stop (LB = 1 if no i passes).
    2. θ = ⌈λ*/LB⌉ (Theorem 1, θ ≥ λ*/OPT suffices since LB ≤ OPT w.h.p.).

    Node selection is greedy maximum coverage of R (Algorithm 1). Following Chen (2018,
    "An issue in the martingale analysis of the influence maximization algorithm IMM"),
    the θ sets of the final selection are drawn afresh instead of reusing step 1's, which
    restores the independence the martingale argument needs; it costs at most θ more sets.

    Parameters
    ----------
    graph : NetworkX graph, CSRGraph, edge-list path or ``(generator_name, params)``.
    k : number of seeds (1..n).
    p : arc probability, edge attribute name, or ``"weighted_cascade"``.
    eps : ε in (0, 1), the approximation slack.
    ell : ℓ > 0; the guarantee fails with probability at most 1/n^ℓ.
    seed : int, SeedSequence or None.

    Returns a ``SeedSelection`` whose ``spread`` is n·F_R(S) on the final sets and whose
    ``params`` record θ, the lower bound LB and the RR sets drawn in total.
    """
    g = _as_graph(graph)
    if g.n < 2:
        raise ValueError("imm needs a graph of at least 2 nodes")
    k = _check_k(k, g.n)
    if not 0 < eps < 1:
        raise ValueError(f"eps must be in (0, 1), got {eps!r}")
    if not ell > 0:
        raise ValueError(f"ell must be > 0, got {ell!r}")
    prob = arc_probabilities(g, p)
    n = g.n
    b = imm_bounds(n, k, eps, ell)
    key = seeding.kernel_key(seeding.as_seed_sequence(seed))
    sampler = RRSampler(g, prob, key)
    ptr, nodes = np.zeros(1, np.int64), np.empty(0, np.int32)
    lower = 1.0
    i = 1
    while i <= math.log2(n) - 1:
        x = n / 2.0**i
        theta_i = math.ceil(b["lambda_prime"] / x)
        ptr, nodes = _concat([(ptr, nodes), sampler.draw(theta_i - (len(ptr) - 1))])
        _, gains = ris_kernels.max_coverage(ptr, nodes, n, k)
        est = n * gains.sum() / theta_i
        if est >= (1 + b["eps_prime"]) * x:
            lower = est / (1 + b["eps_prime"])
            break
        i += 1
    del ptr, nodes
    theta = math.ceil(b["lambda_star"] / lower)
    ptr, nodes = sampler.draw(theta)
    ids, gains = ris_kernels.max_coverage(ptr, nodes, n, k)
    params = {"k": k, "p": p, "eps": eps, "ell": ell, "seed": seed, "theta": theta, "lower_bound": float(lower),
              "rr_sets_drawn": sampler.drawn, "mean_rr_size": len(nodes) / theta}
    return _selection(g, ids, n * gains.sum() / theta, n * gains / theta, "imm", params)


def rr_spread(graph, seeds, p=0.1, samples: int = 100_000, seed=None) -> tuple[float, float]:
    """Expected IC spread of ``seeds`` from RR sets: (n·F, its standard error n·√(F(1 − F)/samples)).

    Parameters
    ----------
    seeds : node labels. samples : number of RR sets. Others as ``imm``.
    """
    g = _as_graph(graph)
    prob = arc_probabilities(g, p)
    if not isinstance(samples, (int, np.integer)) or samples < 1:
        raise ValueError(f"samples must be a positive integer, got {samples!r}")
    ids = g.ids(list(seeds))
    key = seeding.kernel_key(seeding.as_seed_sequence(seed))
    ptr, nodes = RRSampler(g, prob, key).draw(samples)
    f = ris_kernels.coverage(ptr, nodes, g.n, ids) / samples
    return g.n * f, g.n * math.sqrt(f * (1 - f) / samples)


def ic_finals(graph, seeds, p=0.1, runs: int = 10_000, seed=None) -> np.ndarray:
    """Final IC sizes (int64, one per run) of ``seeds``: ``classic.independent_cascade``'s runs, any ``p`` of ``imm``.

    Two seed sets evaluated with the same ``seed`` share their live-arc draws run by run
    (common random numbers), so their per-run difference has a small variance.
    """
    g = _as_graph(graph)
    prob = arc_probabilities(g, p)
    return _cascade(cascade_kernels.sir_many, g, prob, (1.0,), list(seeds), runs, seed, "independent_cascade", {"p": p}).final


def ic_spread(graph, seeds, p=0.1, runs: int = 10_000, seed=None) -> tuple[float, float]:
    """Expected IC spread of ``seeds`` by Monte Carlo: (mean final size, its standard error); see ``ic_finals``."""
    final = ic_finals(graph, seeds, p, runs, seed)
    return float(final.mean()), float(final.std(ddof=1) / math.sqrt(len(final))) if len(final) > 1 else math.nan


# --- heuristics --------------------------------------------------------------------------


def top_degree(graph, k: int) -> SeedSelection:
    """The k nodes of highest out-degree (ties: lowest internal id)."""
    g = _as_graph(graph)
    k = _check_k(k, g.n)
    ids = np.argsort(-g.out_degree, kind="stable")[:k]
    return _selection(g, ids, math.nan, np.full(k, math.nan), "top_degree", {"k": k})


def degree_discount(graph, k: int, p=0.1) -> SeedSelection:
    """DegreeDiscountIC (Chen, Wang & Yang, KDD 2009); per-arc p generalised as in ``kernels.discount``.

    Parameters as ``imm``; with one p on an undirected graph the picks are the paper's.
    """
    g = _as_graph(graph)
    k = _check_k(k, g.n)
    prob = arc_probabilities(g, p)
    t = g.transpose
    ids = discount_kernels.degree_discount(g.indptr, g.indices, t.indptr, t.indices, g.in_arc, prob, k)
    return _selection(g, ids, math.nan, np.full(k, math.nan), "degree_discount", {"k": k, "p": p})


# --- CELF on shared live-arc worlds ------------------------------------------------------


class WorldSpread:
    """Marginal-gain oracle of the Monte-Carlo IC spread on R shared live-arc worlds.

    World r is run r of ``classic.independent_cascade(g, p, S, runs=R, seed=seed)``, so
    ``spread(S)`` equals that call's mean final size exactly. ``gain(v, chosen)`` is the
    mean over worlds of the nodes v reaches that ``chosen`` does not; the oracle keeps
    the chosen set's reach and extends it when ``chosen`` grows by picks.

    Parameters
    ----------
    g : CSRGraph; prob : per-arc probabilities (``arc_probabilities``); runs : R;
    seed : int, SeedSequence or None.
    """

    def __init__(self, g: CSRGraph, prob: np.ndarray, runs: int, seed):
        if not isinstance(runs, (int, np.integer)) or runs < 1:
            raise ValueError(f"runs must be a positive integer, got {runs!r}")
        self.g, self.prob, self.runs = g, prob, int(runs)
        self.keys = run_keys(seed, self.runs)
        self.chosen: tuple = ()
        self.covered = np.zeros((self.runs, g.n), np.bool_)
        self.per_world: list[np.ndarray] = []  # newly reached nodes per world, per pick

    def _chunks(self, work: int) -> int:
        return max(1, min(work, 4 * numba.get_num_threads()))

    def _sync(self, chosen: tuple) -> None:
        if chosen[: len(self.chosen)] != self.chosen:
            self.chosen, self.per_world = (), []
            self.covered[:] = False
        g = self.g
        for v in chosen[len(self.chosen):]:
            got = world_kernels.world_add(g.indptr, g.indices, self.prob, self.keys, self.covered, v, self._chunks(self.runs))
            self.per_world.append(got)
        self.chosen = tuple(chosen)

    def gains(self, candidates, chosen: tuple = ()) -> np.ndarray:
        """Mean marginal spread of each candidate (int ids) given ``chosen``."""
        self._sync(tuple(chosen))
        cand = np.asarray(candidates, np.int64)
        per = world_kernels.world_gains(self.g.indptr, self.g.indices, self.prob, self.keys, self.covered, cand,
                                        self._chunks(len(cand) * self.runs))
        return per.sum(axis=1) / self.runs

    def gain(self, v: int, chosen: tuple) -> float:
        """Mean marginal spread of node id v given the ids ``chosen``."""
        return float(self.gains([v], chosen)[0])

    def spread(self) -> float:
        """Mean reach of the chosen set over the worlds."""
        return float(self.covered.sum() / self.runs)


def celf(graph, k: int, p=0.1, runs: int = 200, seed=None, candidates=None) -> SeedSelection:
    """CELF lazy greedy on the Monte-Carlo IC spread over ``runs`` shared live-arc worlds.

    Parameters
    ----------
    k : number of seeds. p : as ``imm``. runs : live-arc worlds R.
    candidates : node labels to choose from (default: every node, in id order).
    seed : int, SeedSequence or None; the worlds are ``classic.independent_cascade``'s runs.

    Returns a ``SeedSelection``: ``spread`` is the mean reach on the worlds, ``gains``
    each pick's marginal mean, ``params["gain_se"]`` their standard errors across worlds
    and ``params["evaluations"]`` the oracle calls.
    """
    g = _as_graph(graph)
    prob = arc_probabilities(g, p)
    cand = np.arange(g.n, dtype=np.int64) if candidates is None else g.ids(list(candidates))
    k = _check_k(k, len(cand), "the number of candidates")
    oracle = WorldSpread(g, prob, runs, seed)
    res = lazy_greedy(oracle.gain, cand.tolist(), k, first_gains=oracle.gains(cand))
    oracle._sync(tuple(res.picks))
    se = [w.std(ddof=1) / math.sqrt(oracle.runs) if oracle.runs > 1 else math.nan for w in oracle.per_world]
    params = {"k": k, "p": p, "runs": oracle.runs, "seed": seed, "candidates": len(cand),
              "evaluations": res.evaluations, "gain_se": np.array(se)}
    return _selection(g, res.picks, oracle.spread(), res.gains, "celf", params)
