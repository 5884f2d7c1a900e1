"""Bass diffusion kernels: mean-field (complete graph) and on a network.

A non-adopter adopts during a step of length ``dt`` (time units of the Bass model)
with probability ``1 - exp(-(p + q * F) * dt)``: the exact step probability of a
constant hazard p + qF over the step. In the mean-field kernel F is the adopted
fraction of the whole population; on a network it is the fraction of the node's
in-neighbours who adopted. Node i's draw in step k is ``uniform(key, ADOPT, i, k)``.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .random import ADOPT, uniform


@njit(cache=True)
def bass_meanfield_run(n, p, q, dt, steps, key, curve):
    """Run one mean-field Bass diffusion on n people; ``curve[k]`` = adopted fraction after step k.

    Parameters
    ----------
    n : int           Population size.
    p, q : float      Innovation and imitation coefficients (per unit time).
    dt : float        Step length (time units).
    steps : int       Number of steps; ``curve`` has length steps + 1.
    key : uint64      The run's random key.
    """
    waiting = np.arange(n)  # non-adopters, compacted in place
    nw = n
    curve[0] = 0.0
    for k in range(steps):
        f = (n - nw) / n
        prob = 1.0 - np.exp(-(p + q * f) * dt)
        j = 0
        for i in range(nw):
            node = waiting[i]
            if uniform(key, ADOPT, node, k) >= prob:
                waiting[j] = node
                j += 1
        nw = j
        curve[k + 1] = (n - nw) / n


@njit(cache=True)
def bass_network_run(indptr, indices, p, q, dt, steps, key, curve):
    """Run one Bass diffusion on a graph: imitation pressure from adopted in-neighbours.

    Parameters
    ----------
    indptr, indices : CSR arrays; arc u->v means v hears u.
    p, q, dt, steps, key : as ``bass_meanfield_run``.
    curve : float64 (steps + 1,)  Output: adopted fraction after step k.

    Node v's imitation term is q × (adopted in-neighbours / in-degree); nodes with no
    in-neighbours feel only p. Adoptions within a step use the state at its start.
    """
    n = indptr.shape[0] - 1
    indeg = np.zeros(n, np.int64)
    for e in range(indices.shape[0]):
        indeg[indices[e]] += 1
    heard = np.zeros(n, np.int64)
    adopted = np.zeros(n, np.bool_)
    waiting = np.arange(n)
    new = np.empty(n, np.int64)
    nw = n
    curve[0] = 0.0
    for k in range(steps):
        j = 0
        nn = 0
        for i in range(nw):
            v = waiting[i]
            f = heard[v] / indeg[v] if indeg[v] > 0 else 0.0
            if uniform(key, ADOPT, v, k) < 1.0 - np.exp(-(p + q * f) * dt):
                new[nn] = v
                nn += 1
            else:
                waiting[j] = v
                j += 1
        nw = j
        for i in range(nn):
            u = new[i]
            adopted[u] = True
            for e in range(indptr[u], indptr[u + 1]):
                heard[indices[e]] += 1
        curve[k + 1] = (n - nw) / n


@njit(parallel=True, cache=True)
def bass_meanfield_many(n, p, q, dt, steps, keys, curves):
    """Run independent mean-field Bass replications in parallel (one per key)."""
    for r in prange(keys.shape[0]):
        bass_meanfield_run(n, p, q, dt, steps, keys[r], curves[r])


@njit(parallel=True, cache=True)
def bass_network_many(indptr, indices, p, q, dt, steps, keys, curves):
    """Run independent network Bass replications in parallel (one per key)."""
    for r in prange(keys.shape[0]):
        bass_network_run(indptr, indices, p, q, dt, steps, keys[r], curves[r])
