"""Random-graph generators that write straight into arrays (no NetworkX objects).

Each public generator validates its parameters (the bad value in the message), draws
only from ``numpy.random.Generator(PCG64(seed))`` and returns an undirected
``CSRGraph`` whose labels are the ints 0..n-1. The same seed gives identical arrays.
NetworkX builds a 10^7-edge graph in minutes; these array implementations of the same
models take seconds (see ``benchmarks/bench_graph.py``).

``GENERATORS`` maps each name to its function; ``check_params`` validates a parameter
dict for a named generator without building anything (used by ``GraphConfig``).
"""
from __future__ import annotations

import functools
import inspect
from numbers import Integral, Real
from typing import Callable

import numpy as np
from numba import njit

from simulation.graph.arcs import csr_from_simple_edges
from simulation.graph.csr import CSRGraph
from simulation.seeding import SeedLike, as_seed_sequence

# ---------------------------------------------------------------- parameter checks


def _integer(gen: str, name: str, value) -> int:
    """Return ``value`` as an int (integral floats from TOML accepted) or raise naming it."""
    if isinstance(value, bool):
        raise ValueError(f"{gen}: {name} must be an integer, got {value!r}")
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real) and float(value).is_integer():
        return int(value)
    raise ValueError(f"{gen}: {name} must be an integer, got {value!r}")


def _probability(gen: str, name: str, value) -> float:
    """Return ``value`` as a float in [0, 1] or raise naming it."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{gen}: {name} must be a probability in [0, 1], got {value!r}")
    return float(value)


def _check_barabasi_albert(n, m) -> dict:
    n = _integer("barabasi_albert", "n", n)
    m = _integer("barabasi_albert", "m", m)
    if n < 2:
        raise ValueError(f"barabasi_albert: n must be at least 2, got {n}")
    if not 1 <= m < n:
        raise ValueError(f"barabasi_albert: m must be in [1, n), got {m}")
    return {"n": n, "m": m}


def _check_powerlaw_cluster(n, m, p) -> dict:
    n = _integer("powerlaw_cluster", "n", n)
    m = _integer("powerlaw_cluster", "m", m)
    if n < 2:
        raise ValueError(f"powerlaw_cluster: n must be at least 2, got {n}")
    if not 1 <= m < n:
        raise ValueError(f"powerlaw_cluster: m must be in [1, n), got {m}")
    return {"n": n, "m": m, "p": _probability("powerlaw_cluster", "p", p)}


def _check_watts_strogatz(n, k, p) -> dict:
    n = _integer("watts_strogatz", "n", n)
    k = _integer("watts_strogatz", "k", k)
    if n < 3:
        raise ValueError(f"watts_strogatz: n must be at least 3, got {n}")
    if k < 2 or k >= n or k % 2:
        raise ValueError(f"watts_strogatz: k must be an even integer in [2, n), got {k}")
    return {"n": n, "k": k, "p": _probability("watts_strogatz", "p", p)}


def _check_erdos_renyi(n, p=None, mean_degree=None) -> dict:
    n = _integer("erdos_renyi", "n", n)
    if n < 1:
        raise ValueError(f"erdos_renyi: n must be at least 1, got {n}")
    if (p is None) == (mean_degree is None):
        raise ValueError(
            f"erdos_renyi: give exactly one of p and mean_degree, got p={p!r}, mean_degree={mean_degree!r}"
        )
    if mean_degree is not None:
        if isinstance(mean_degree, bool) or not isinstance(mean_degree, Real) or not 0 <= mean_degree <= n - 1:
            raise ValueError(f"erdos_renyi: mean_degree must be in [0, n - 1] = [0, {n - 1}], got {mean_degree!r}")
        return {"n": n, "p": None, "mean_degree": float(mean_degree)}
    return {"n": n, "p": _probability("erdos_renyi", "p", p), "mean_degree": None}


def _check_stochastic_block(sizes, p_in=None, p_out=None, p=None) -> dict:
    gen = "stochastic_block"
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) == 0:
        raise ValueError(f"{gen}: sizes must be a non-empty list of block sizes, got {sizes!r}")
    sizes = [_integer(gen, f"sizes[{r}]", s) for r, s in enumerate(sizes)]
    for r, s in enumerate(sizes):
        if s < 1:
            raise ValueError(f"{gen}: sizes[{r}] must be at least 1, got {s}")
    k = len(sizes)
    if p is not None:
        if p_in is not None or p_out is not None:
            raise ValueError(f"{gen}: give either p (a matrix) or p_in and p_out, not both")
        rows = list(p) if hasattr(p, "__len__") and not isinstance(p, str) else None
        if rows is None or len(rows) != k or any(not hasattr(r, "__len__") or len(r) != k for r in rows):
            raise ValueError(f"{gen}: p must be a {k}x{k} matrix (one row per block), got {p!r}")
        mat = [[_probability(gen, f"p[{r}][{s}]", rows[r][s]) for s in range(k)] for r in range(k)]
        for r in range(k):
            for s in range(r + 1, k):
                if mat[r][s] != mat[s][r]:
                    raise ValueError(
                        f"{gen}: p must be symmetric, got p[{r}][{s}]={mat[r][s]} and p[{s}][{r}]={mat[s][r]}"
                    )
        return {"sizes": sizes, "p_in": None, "p_out": None, "p": mat}
    if p_in is None or p_out is None:
        raise ValueError(f"{gen}: give p_in and p_out (or a matrix p), got p_in={p_in!r}, p_out={p_out!r}")
    return {
        "sizes": sizes,
        "p_in": _probability(gen, "p_in", p_in),
        "p_out": _probability(gen, "p_out", p_out),
        "p": None,
    }


def _check_complete(n) -> dict:
    n = _integer("complete", "n", n)
    if n < 1:
        raise ValueError(f"complete: n must be at least 1, got {n}")
    if n > 10_000:
        # ~20 bytes per arc while building: 10^4 nodes already take ~2 GB
        raise ValueError(f"complete: n must be at most 10000 (n (n - 1) arcs must fit in memory), got {n}")
    return {"n": n}


def _rng(seed: SeedLike) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(as_seed_sequence(seed)))


def _undirected(n: int, u, v) -> CSRGraph:
    return csr_from_simple_edges(n, u, v)  # every generator's edges are simple


# ---------------------------------------------------------------- sampling helpers


def _sample_distinct(rng: np.random.Generator, N: int, M: int) -> np.ndarray:
    """Return a uniformly random M-subset of {0, ..., N-1} (int64, sorted).

    Draws with replacement and tops up until M are distinct; the process is symmetric
    in the N values, so every M-subset is equally likely. Dense requests (M > N / 2)
    sample the complement instead.
    """
    if M == 0:
        return np.empty(0, np.int64)
    if 2 * M > N:
        drop = _sample_distinct(rng, N, N - M)
        keep = np.ones(N, dtype=bool)
        keep[drop] = False
        return np.flatnonzero(keep).astype(np.int64)
    chosen = _sorted_unique(rng.integers(0, N, M, dtype=np.int64))
    while len(chosen) < M:
        extra = rng.integers(0, N, M - len(chosen), dtype=np.int64)
        chosen = _sorted_unique(np.concatenate([chosen, extra]))
    return chosen


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values of x (np.unique is hash-based and ~100x slower here)."""
    x = np.sort(x)
    keep = np.ones(len(x), dtype=bool)
    keep[1:] = x[1:] != x[:-1]
    return x[keep]


def _pair_from_index(k: np.ndarray):
    """Decode k = j(j-1)/2 + i (0 <= i < j) into (i, j): unordered pairs in colex order."""
    j = np.floor((1.0 + np.sqrt(1.0 + 8.0 * k.astype(np.float64))) / 2.0).astype(np.int64)
    # float sqrt can be one off for k near 2^40 and beyond: correct exactly in integers
    j = np.where(j * (j - 1) // 2 > k, j - 1, j)
    j = np.where((j + 1) * j // 2 <= k, j + 1, j)
    return k - j * (j - 1) // 2, j


def _gnp_block(rng: np.random.Generator, size: int, p: float):
    """Edges of G(size, p) among ids 0..size-1: M ~ Binomial(N, p), then a uniform M-subset."""
    N = size * (size - 1) // 2
    M = int(rng.binomial(N, p)) if N else 0
    return _pair_from_index(_sample_distinct(rng, N, M))


def _bipartite_block(rng: np.random.Generator, a: int, b: int, p: float):
    """Edges of a random bipartite block a x b with edge probability p: (row, col) ids."""
    N = a * b
    M = int(rng.binomial(N, p))
    keys = _sample_distinct(rng, N, M)
    return keys // b, keys % b


# ---------------------------------------------------------------- kernels
#
# The sequential kernels read their uniforms from ``buf``, a block of
# ``rng.random()`` values drawn in numpy, instead of taking the Generator itself: a
# kernel typed on plain arrays compiles in a fraction of the time (Numba's Generator
# support is what made the first run slow) and loads from the cache faster. The values
# are the very ones ``rng.random()`` would return one by one, so graphs are unchanged.


@njit(cache=True)
def _u(buf, pos):
    """The next uniform of ``buf`` (``pos[0]`` counts draws). Past the end it wraps
    around, so rejection loops still end; ``_draw_edges`` then retries with more."""
    i = pos[0]
    pos[0] = i + 1
    if i >= len(buf):  # a branch, not a division per draw
        i %= len(buf)
    return buf[i]


def _draw_edges(kernel, rng: np.random.Generator, estimate: int, *args):
    """Run ``kernel(buf, pos, *args)`` on enough uniforms from ``rng``.

    estimate: expected number of draws; the kernel is deterministic given its uniforms,
    so when it needed more than ``buf`` held it runs again on a longer prefix of the
    same stream, with the same result as reading ``rng`` draw by draw.
    """
    buf = rng.random(max(int(estimate), 16))
    while True:
        pos = np.zeros(1, np.int64)
        out = kernel(buf, pos, *args)
        if pos[0] <= len(buf):
            return out
        buf = np.concatenate([buf, rng.random(max(int(pos[0]) - len(buf), len(buf) // 2))])


@njit(cache=True)
def _barabasi_albert_edges(buf, pos, n, m):
    """BA edges by NetworkX's repeated-nodes method (int32 arrays, shape (m (n - m),)).

    Start: the star on nodes 0..m (hub 0). Node s = m+1..n-1 links to m distinct targets
    drawn from the list in which every node appears once per edge end it holds
    (so with probability proportional to degree). That list is m zeros, then 1..m, then
    per node s its m targets followed by m copies of s: entry i is computed from
    ``dst`` (half the entries need no memory at all) instead of being stored.
    """
    n_edges = m * (n - m)
    src = np.empty(n_edges, np.int32)
    dst = np.empty(n_edges, np.int32)
    e = 0
    for j in range(1, m + 1):
        src[e] = 0
        dst[e] = j
        e += 1
    picked = np.full(n, -1, np.int32)
    targets = np.empty(m, np.int32)
    block = 2 * m
    r = block
    for s in range(m + 1, n):
        c = 0
        while c < m:
            i = int(_u(buf, pos) * r)
            if i < m:
                t = 0
            elif i < block:
                t = i - m + 1
            else:
                b = (i - block) // block
                o = i - block - b * block
                t = dst[m + b * m + o] if o < m else m + 1 + b
            if picked[t] != s:
                picked[t] = s
                targets[c] = t
                c += 1
        for c in range(m):
            src[e] = s
            dst[e] = targets[c]
            e += 1
        r += block
    return src, dst


@njit(cache=True)
def _powerlaw_cluster_edges(buf, pos, n, m, p):
    """Holme–Kim edges, step for step as NetworkX's ``powerlaw_cluster_graph``.

    Start: m isolated nodes. Node s = m..n-1 draws m distinct preferential targets
    (repeated-nodes list), links to the first; each further link is, with probability
    p, a triad-formation step (a uniform neighbour of the last preferential target not
    yet linked to s) and otherwise the next preferential target. As in NetworkX, a
    preferential target already reached by a triad step adds no second edge. The
    preferential targets are used in the order drawn, as in Holme & Kim's paper
    (NetworkX pops them from a Python set, whose order favours small ids).
    Returns int32 arrays (src, dst), at most m (n - m) edges.

    A node's neighbours are its own out-links (``dst[out_start[x]:][:out_cnt[x]]``), then
    the nodes that linked to it, in a growable list in ``pool`` (``in_start``, ``in_len``,
    ``in_cap``). One function with no helpers but ``_u``: it compiles faster.
    """
    max_edges = m * (n - m)
    src = np.empty(max_edges, np.int32)
    dst = np.empty(max_edges, np.int32)
    # empty, zeroed in the loop below: Numba's np.zeros compiles an overload of its own (cold cache)
    out_start = np.empty(n, np.int64)
    out_cnt = np.empty(n, np.int64)
    in_start = np.empty(n, np.int64)
    in_len = np.empty(n, np.int64)
    in_cap = np.empty(n, np.int64)
    # a node's lists of capacity 4, 8, ..., c (c < 2 length when c > 4) take 2c - 4 < 4 + 4 length slots
    # in all, so 4 edges + 4 n always suffice: pool is never reallocated (an array reassigned inside the
    # loop cost ~1/3 of the kernel's time)
    pool = np.empty(4 * max_edges + 4 * n, np.int32)
    top = 0
    rep = np.empty(m + 2 * max_edges, np.int32)
    r = 0
    for j in range(m):
        rep[r] = j
        r += 1
    picked = np.empty(n, np.int32)
    linked = np.empty(n, np.int32)
    for i in range(n):
        picked[i] = -1
        linked[i] = -1
        out_start[i] = 0
        out_cnt[i] = 0
        in_start[i] = 0
        in_len[i] = 0
        in_cap[i] = 0
    targets = np.empty(m, np.int32)
    cand = np.empty(n, np.int32)
    e = 0
    for s in range(m, n):
        c = 0
        while c < m:
            t = rep[int(_u(buf, pos) * r)]
            if picked[t] != s:
                picked[t] = s
                targets[c] = t
                c += 1
        out_start[s] = e
        linked[s] = s
        left = m
        target = 0
        count = 0
        while count < m:
            x = -1
            if count > 0 and _u(buf, pos) < p:
                # triad formation: uniform over target's neighbours not linked to s.
                # Rejection sampling is exact; after 16 misses enumerate the candidates.
                d = out_cnt[target] + in_len[target]
                for _ in range(16):
                    k = int(_u(buf, pos) * d)
                    y = dst[out_start[target] + k] if k < out_cnt[target] else pool[in_start[target] + k - out_cnt[target]]
                    if linked[y] != s:
                        x = y
                        break
                if x < 0:
                    nc = 0
                    for k in range(d):
                        y = dst[out_start[target] + k] if k < out_cnt[target] else pool[in_start[target] + k - out_cnt[target]]
                        if linked[y] != s:
                            cand[nc] = y
                            nc += 1
                    if nc > 0:
                        x = cand[int(_u(buf, pos) * nc)]
            if x < 0:  # the first link, or no triad step: the next preferential target
                left -= 1
                target = targets[left]
                x = target
            if linked[x] != s:  # a preferential target a triad step reached adds no second edge
                src[e] = s
                dst[e] = x
                e += 1
                linked[x] = s
                # append s to x's in-list, moving the list to the top of pool when full
                if in_len[x] == in_cap[x]:
                    cap = 2 * in_cap[x] if in_cap[x] > 2 else 4  # max(4, 2 cap), not max(): an overload fewer
                    for k in range(in_len[x]):
                        pool[top + k] = pool[in_start[x] + k]
                    in_start[x] = top
                    in_cap[x] = cap
                    top += cap
                pool[in_start[x] + in_len[x]] = s
                in_len[x] += 1
            rep[r] = x
            r += 1
            count += 1
        out_cnt[s] = e - out_start[s]
        for c in range(m):
            rep[r] = s
            r += 1
    kept_src = np.empty(e, np.int32)
    kept_dst = np.empty(e, np.int32)
    for k in range(e):  # a loop: slicing compiles slowly on a cold cache
        kept_src[k] = src[k]
        kept_dst[k] = dst[k]
    return kept_src, kept_dst


@njit(cache=True)
def _slot(key, bits):
    """Fibonacci hashing of a non-negative int64 key to a table slot."""
    return np.int64((np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits))


@njit(cache=True)
def _watts_strogatz_edges(buf, pos, n, k, p):
    """Watts–Strogatz edges, as NetworkX's ``watts_strogatz_graph`` (int32, shape (n k/2,)).

    Ring lattice: i links to i+1..i+k/2 (mod n). Then for j = 1..k/2, for each i in
    order, with probability p the edge (i, i+j) is replaced by (i, w), w uniform among
    nodes that are not i and not already linked to i (skipped if i links to everyone).
    The current edge set lives in an open-addressing hash set of keys min*n+max.
    """
    half = k // 2
    n_edges = n * half
    src = np.empty(n_edges, np.int32)
    dst = np.empty(n_edges, np.int32)
    # deletions leave tombstones: size for lattice edges plus every expected rewiring
    # at load <= 1/2, so probes stay short
    bits = 4
    while (1 << bits) < 2 * (n_edges * (1.0 + p) + 16):
        bits += 1
    mask = (1 << bits) - 1
    table = np.full(1 << bits, -1, np.int64)  # -1 empty, -2 deleted
    deg = np.full(n, 2 * half, np.int64)
    for j in range(1, half + 1):
        for i in range(n):
            e = (j - 1) * n + i
            a = i
            b = (i + j) % n
            src[e] = a
            dst[e] = b
            key = min(a, b) * np.int64(n) + max(a, b)
            h = _slot(key, bits)
            while table[h] != -1:
                h = (h + 1) & mask
            table[h] = key
    for j in range(1, half + 1):
        for i in range(n):
            if _u(buf, pos) >= p or deg[i] >= n - 1:
                continue
            while True:
                w = int(_u(buf, pos) * n)
                if w == i:
                    continue
                key = min(i, w) * np.int64(n) + max(i, w)
                h = _slot(key, bits)
                free = -1
                found = False
                while table[h] != -1:
                    if table[h] == key:
                        found = True
                        break
                    if table[h] == -2 and free < 0:
                        free = h
                    h = (h + 1) & mask
                if not found:
                    break
            table[h if free < 0 else free] = key
            e = (j - 1) * n + i
            old = dst[e]
            okey = min(i, old) * np.int64(n) + max(i, old)
            h = _slot(okey, bits)
            while table[h] != okey:
                h = (h + 1) & mask
            table[h] = -2
            dst[e] = w
            deg[old] -= 1
            deg[w] += 1
    return src, dst


# ---------------------------------------------------------------- public generators


def barabasi_albert(n: int, m: int, *, seed: SeedLike = None) -> CSRGraph:
    """Barabási–Albert preferential attachment: an array implementation of NetworkX's
    ``barabasi_albert_graph`` (repeated-nodes method, Batagelj–Brandes), same start.

    Parameters
    ----------
    n : number of people (nodes), >= 2.
    m : links each newcomer makes, in [1, n). The graph has exactly m (n - m) edges:
        the star on nodes 0..m, then m per node m+1..n-1.
    seed : int, SeedSequence or None.
    """
    p = _check_barabasi_albert(n, m)
    n, m = p["n"], p["m"]
    # one draw per target plus rejections of already-picked ones (rare beyond the start)
    u, v = _draw_edges(_barabasi_albert_edges, _rng(seed), 1.02 * m * (n - m) + 4 * m * m + 64, n, m)
    return _undirected(p["n"], u, v)


def powerlaw_cluster(n: int, m: int, p: float, *, seed: SeedLike = None) -> CSRGraph:
    """Holme–Kim (2002) growth with triad formation: an array implementation of
    NetworkX's ``powerlaw_cluster_graph`` (power-law degrees, tunable clustering).

    Parameters
    ----------
    n : number of nodes, >= 2.
    m : links per newcomer, in [1, n); about m (n - m) edges (slightly fewer when a
        triad step reaches a node that was also a preferential target, as in NetworkX).
    p : probability of a triad-formation step after each link, in [0, 1].
    seed : int, SeedSequence or None.
    """
    q = _check_powerlaw_cluster(n, m, p)
    n, m, p = q["n"], q["m"], q["p"]
    # m targets and m - 1 coin flips per node, plus triad samples and rejections
    u, v = _draw_edges(_powerlaw_cluster_edges, _rng(seed), (n - m) * (2 * m + 2 * m * p) + 8 * m * m + 64, n, m, p)
    return _undirected(q["n"], u, v)


def watts_strogatz(n: int, k: int, p: float, *, seed: SeedLike = None) -> CSRGraph:
    """Watts–Strogatz small world: an array implementation of NetworkX's
    ``watts_strogatz_graph`` (ring lattice, then each lattice edge rewired with prob. p).

    Parameters
    ----------
    n : number of nodes, >= 3.
    k : each node's lattice neighbours (k/2 on each side), even, in [2, n).
    p : rewiring probability per edge, in [0, 1]. The graph keeps exactly n k / 2 edges.
    seed : int, SeedSequence or None.
    """
    q = _check_watts_strogatz(n, k, p)
    n, k, p = q["n"], q["k"], q["p"]
    # one coin per lattice edge, about one uniform per rewiring (more when dense)
    u, v = _draw_edges(_watts_strogatz_edges, _rng(seed), n * (k // 2) * (1 + 1.1 * p) + 64, n, k, p)
    return _undirected(q["n"], u, v)


def erdos_renyi(n: int, p: float | None = None, mean_degree: float | None = None, *, seed: SeedLike = None) -> CSRGraph:
    """Erdős–Rényi G(n, p): an array implementation that draws the edge count
    M ~ Binomial(n(n-1)/2, p) and then a uniform set of M distinct pairs (given M,
    G(n, p) is uniform over graphs with M edges, so this is exactly G(n, p)).

    Parameters
    ----------
    n : number of nodes, >= 1.
    p : edge probability in [0, 1]; or
    mean_degree : expected degree c in [0, n - 1], so p = c / (n - 1). Give exactly one.
    seed : int, SeedSequence or None.
    """
    q = _check_erdos_renyi(n, p, mean_degree)
    n = q["n"]
    prob = q["p"] if q["p"] is not None else (q["mean_degree"] / (n - 1) if n > 1 else 0.0)
    u, v = _gnp_block(_rng(seed), n, prob)
    return _undirected(n, u, v)


def stochastic_block(
    sizes, p_in: float | None = None, p_out: float | None = None, *, p=None, seed: SeedLike = None
) -> CSRGraph:
    """Stochastic block model (communities): an array implementation of NetworkX's
    ``stochastic_block_model`` (undirected, no self-loops), sampled per block pair as
    M ~ Binomial(pairs, p_rs) and a uniform set of M distinct pairs.

    Parameters
    ----------
    sizes : people per block; block r holds the consecutive ids after blocks 0..r-1.
    p_in, p_out : edge probability within a block and between two blocks; or
    p : full symmetric matrix of edge probabilities, p[r][s] between blocks r and s.
    seed : int, SeedSequence or None.
    """
    q = _check_stochastic_block(sizes, p_in, p_out, p)
    sizes = q["sizes"]
    k = len(sizes)
    mat = q["p"] or [[q["p_in"] if r == s else q["p_out"] for s in range(k)] for r in range(k)]
    offset = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    rng = _rng(seed)
    us, vs = [], []
    for r in range(k):
        for s in range(r, k):
            if r == s:
                a, b = _gnp_block(rng, sizes[r], mat[r][r])
            else:
                a, b = _bipartite_block(rng, sizes[r], sizes[s], mat[r][s])
            us.append(a + offset[r])
            vs.append(b + offset[s])
    return _undirected(int(offset[-1]), np.concatenate(us), np.concatenate(vs))


def complete(n: int, *, seed: SeedLike = None) -> CSRGraph:
    """Complete graph K_n (everyone knows everyone; Bass's mean-field world), built with
    ``numpy.triu_indices``: n (n - 1) / 2 edges. ``seed`` is accepted and unused.

    Parameters
    ----------
    n : number of nodes, in [1, 10000].
    """
    q = _check_complete(n)
    u, v = np.triu_indices(q["n"], 1)
    return _undirected(q["n"], u, v)


GENERATORS: dict[str, Callable[..., CSRGraph]] = {
    "barabasi_albert": barabasi_albert,
    "watts_strogatz": watts_strogatz,
    "erdos_renyi": erdos_renyi,
    "powerlaw_cluster": powerlaw_cluster,
    "stochastic_block": stochastic_block,
    "complete": complete,
}

_CHECKS: dict[str, Callable[..., dict]] = {
    "barabasi_albert": _check_barabasi_albert,
    "watts_strogatz": _check_watts_strogatz,
    "erdos_renyi": _check_erdos_renyi,
    "powerlaw_cluster": _check_powerlaw_cluster,
    "stochastic_block": _check_stochastic_block,
    "complete": _check_complete,
}


def parameters(name: str) -> list[str]:
    """Return the parameter names of generator ``name`` (``seed`` excluded)."""
    _known(name)
    return list(_signature(name).parameters)


@functools.cache
def _signature(name: str) -> inspect.Signature:
    """The signature of generator ``name``'s check (``inspect.signature`` once: ~0.1 ms a call, per graph built)."""
    return inspect.signature(_CHECKS[name])


def check_params(name: str, params: dict) -> dict:
    """Validate ``params`` for generator ``name``; return them normalised (ints, floats).

    Raises ``ValueError`` naming an unknown generator, an unknown or missing parameter
    (listing the valid ones), or an out-of-range value.
    """
    _known(name)
    sig = _signature(name)
    valid = list(sig.parameters)
    for key in params:
        if key not in sig.parameters:
            raise ValueError(f"{name}: unknown parameter {key!r}; valid parameters: {', '.join(valid)}")
    for key, par in sig.parameters.items():
        if par.default is inspect.Parameter.empty and key not in params:
            raise ValueError(f"{name}: missing parameter {key!r}; parameters: {', '.join(valid)}")
    checked = _CHECKS[name](**params)
    return {key: val for key, val in checked.items() if key in params or val is not None}


def generate(name: str, *, seed: SeedLike = None, **params) -> CSRGraph:
    """Build generator ``name`` with ``params`` (validated first) from ``seed``."""
    return GENERATORS[name](**check_params(name, params), seed=seed)


def _known(name: str) -> None:
    if name not in _CHECKS:
        raise ValueError(f"unknown graph generator {name!r}; known: {', '.join(sorted(_CHECKS))}")


__all__ = [
    "GENERATORS",
    "barabasi_albert",
    "check_params",
    "complete",
    "erdos_renyi",
    "generate",
    "parameters",
    "powerlaw_cluster",
    "stochastic_block",
    "watts_strogatz",
]
