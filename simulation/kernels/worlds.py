"""Live-arc worlds of Independent Cascade with common random numbers: marginal spreads.

World r is the live-arc graph of key ``keys[r]``: arc e is live iff
``uniform(keys[r], TRANSMIT, e, 0) < p_e`` — exactly the draw the IC kernel makes when
run r transmits over e (``simulation.kernels.cascade``), so the nodes a set S reaches in
world r are the final active set of ``classic.independent_cascade`` run r from S. Every
candidate is scored on the same worlds (common random numbers), which makes the
Monte-Carlo spread a coverage function: submodular exactly, not only in expectation.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .random import TRANSMIT, uniform


@njit(cache=True)
def _reach(indptr, indices, prob, key, v, covered, seen, queue, mark):
    """Count nodes reached from v in world ``key`` that ``covered`` lacks; mark them covered when ``mark``."""
    if covered[v]:
        return 0
    uniform_p = prob.shape[0] == 1
    p0 = prob[0]
    queue[0] = v
    seen[v] = True
    total = 1
    head = 0
    while head < total:
        u = queue[head]
        head += 1
        for e in range(indptr[u], indptr[u + 1]):
            pe = p0 if uniform_p else prob[e]
            if uniform(key, TRANSMIT, e, 0) >= pe:
                continue
            w = indices[e]
            if not seen[w] and not covered[w]:
                seen[w] = True
                queue[total] = w
                total += 1
    for h in range(total):
        seen[queue[h]] = False
        if mark:
            covered[queue[h]] = True
    return total


@njit(parallel=True, cache=True)
def world_gains(indptr, indices, prob, keys, covered, candidates, chunks):
    """Newly reached nodes of each candidate in each world.

    Parameters
    ----------
    indptr, indices : forward CSR arrays (int64 (n + 1,), int32 (m,)).
    prob : float64 (m,) or (1,)  Arc probabilities; length 1 = same for all.
    keys : uint64 (R,)           One world per key.
    covered : bool (R, n)        Nodes the chosen set already reaches in each world.
    candidates : int64 (c,)      Nodes to score.
    chunks : int                 Buffer sets (parallel workers); results do not depend on it.

    Returns int32 (c, R): nodes candidate j reaches in world r beyond ``covered[r]``.
    """
    n = indptr.shape[0] - 1
    R = keys.shape[0]
    out = np.zeros((candidates.shape[0], R), np.int32)
    work = candidates.shape[0] * R
    for c in prange(chunks):
        seen = np.zeros(n, np.bool_)
        queue = np.empty(n, np.int32)
        for t in range(c, work, chunks):
            j = t // R
            r = t - j * R
            out[j, r] = _reach(indptr, indices, prob, keys[r], candidates[j], covered[r], seen, queue, False)
    return out


@njit(parallel=True, cache=True)
def world_add(indptr, indices, prob, keys, covered, v, chunks):
    """Add node v to the chosen set: mark what it reaches in every world.

    Returns int32 (R,): the nodes newly reached in each world.
    """
    n = indptr.shape[0] - 1
    R = keys.shape[0]
    gained = np.zeros(R, np.int32)
    for c in prange(chunks):
        seen = np.zeros(n, np.bool_)
        queue = np.empty(n, np.int32)
        for r in range(c, R, chunks):
            gained[r] = _reach(indptr, indices, prob, keys[r], v, covered[r], seen, queue, True)
    return gained
