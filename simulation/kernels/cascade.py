"""Cascade kernels over CSR arrays: Independent Cascade / SIR, and Linear Threshold.

All kernels are pure functions of their arrays and a 64-bit key; random draws are
counter-based (``simulation.kernels.random``), so a run's result does not depend on
loop order or on how many threads run replications side by side.

The SIR kernel is the Independent Cascade kernel with a general infectious period:
an infectious node u, in its k-th infectious step (k = 0, 1, ...), tries every out-arc
e once with ``uniform(key, TRANSMIT, e, k) < p_e`` and then recovers with
``uniform(key, RECOVER, u, k) < gamma``. With ``gamma = 1`` every node transmits
exactly once, with k = 0: that is Independent Cascade, draw for draw.

Replications are spread over ``chunks`` workers (``prange``); a chunk allocates its
O(n) buffers once and clears only what a run touched, so a small cascade on a large
graph costs time in proportion to the cascade, not to n. The chunk count changes
only which buffer a run borrows, never its result.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .random import RECOVER, SEED_PICK, THRESHOLD, TRANSMIT, uniform


@njit(cache=True)
def pick_seeds(n, k, key, mark, out):
    """Choose k distinct nodes of n uniformly (Floyd's algorithm) with counter-based draws.

    Parameters
    ----------
    n, k : int                 Population and sample size (k <= n).
    key : uint64               The run's random key (stream ``SEED_PICK``).
    mark : bool (n,)           Scratch, all False on entry; chosen nodes are left True.
    out : int64 (k,)           Output: the chosen node ids.
    """
    j = 0
    for i in range(n - k, n):
        t = int(uniform(key, SEED_PICK, i, 0) * (i + 1))
        if mark[t]:
            t = i
        mark[t] = True
        out[j] = t
        j += 1


@njit(cache=True)
def _start(seeds, mark, order, when, record):
    """Mark the distinct seeds active at step 0, list them in ``order``; return their count."""
    if record:
        when[:] = -1
    total = 0
    for j in range(seeds.shape[0]):
        s = seeds[j]
        if not mark[s]:
            mark[s] = True
            order[total] = s
            total += 1
            if record:
                when[s] = 0
    return total


@njit(cache=True)
def sir_run(indptr, indices, prob, gamma, seeds, key, curve, when, infected, order, surv, surv_age, surv2, surv2_age):
    """Run one discrete-time SIR / Independent Cascade from ``seeds``.

    Parameters
    ----------
    indptr : int64 (n + 1,)   CSR row pointers.
    indices : int32 (m,)      CSR arc heads.
    prob : float64 (m,) or (1,)
        Transmission probability per arc per infectious step; length 1 = same for all.
    gamma : float             Recovery probability per infectious step (1.0 = IC).
    seeds : int64 (s,)        Initially infected node ids (duplicates ignored).
    key : uint64              The run's counter-based random key.
    curve : int64 (L,)        Output: cumulative ever-infected count after step t.
    when : int32 (n,) or (0,) Output when length n: step of first infection (-1 = never).
    infected : bool (n,)      Scratch, all False on entry and on return.
    order : int32 (n,)        Scratch: infected nodes in order of infection.
    surv, surv_age, surv2, surv2_age : int32 (n,) scratch (length >= 1 when gamma = 1).

    Returns
    -------
    (steps, examined, overflow): the last step with a new infection, the number of arc
    examinations (sum of out-degrees over infectious node-steps), and True when the
    epidemic outlived ``len(curve) - 1`` steps (curve then truncated).
    """
    n = indptr.shape[0] - 1
    uniform_p = prob.shape[0] == 1
    p0 = prob[0]
    record = when.shape[0] == n
    total = _start(seeds, infected, order, when, record)
    curve[0] = total
    L = curve.shape[0]
    lo = 0  # order[lo:hi] were infected last step: infectious for the first time (k = 0)
    hi = total
    ns = 0  # surv[:ns] are still infectious from earlier steps, with ages surv_age
    t = 0
    examined = 0
    last = 0
    while hi > lo or ns > 0:
        for j in range(lo, hi + ns):
            if j < hi:
                u = order[j]
                k = 0
            else:
                u = surv[j - hi]
                k = surv_age[j - hi]
            examined += indptr[u + 1] - indptr[u]
            for e in range(indptr[u], indptr[u + 1]):
                # draw first: the draw needs no memory, and at small p it spares the
                # random-access loads of most heads (the outcome is order-free)
                pe = p0 if uniform_p else prob[e]
                if uniform(key, TRANSMIT, e, k) >= pe:
                    continue
                v = indices[e]
                if not infected[v]:
                    infected[v] = True
                    order[total] = v
                    total += 1
                    if record:
                        when[v] = t + 1
        ns2 = 0
        if gamma < 1.0:
            # survivors stay infectious one more step, next to the new cases
            for j in range(lo, hi + ns):
                if j < hi:
                    u = order[j]
                    k = 0
                else:
                    u = surv[j - hi]
                    k = surv_age[j - hi]
                if uniform(key, RECOVER, u, k) >= gamma:
                    surv2[ns2] = u
                    surv2_age[ns2] = k + 1
                    ns2 += 1
            surv, surv2 = surv2, surv
            surv_age, surv2_age = surv2_age, surv_age
        t += 1
        if total > hi:
            last = t
        if t < L:
            curve[t] = total
        lo = hi
        hi = total
        ns = ns2
    for s in range(min(t + 1, L), L):
        curve[s] = total
    for j in range(total):
        infected[order[j]] = False
    return last, examined, t >= L


@njit(cache=True)
def lt_run(indptr, indices, weight, seeds, key, curve, when, active, order, acc, touched):
    """Run one Linear Threshold cascade from ``seeds``.

    Parameters
    ----------
    indptr, indices : CSR arrays (int64 (n + 1,), int32 (m,)).
    weight : float64 (m,)     Influence of arc u->v on v; incoming weights of v sum to <= 1.
    seeds : int64 (s,)        Initially active node ids.
    key : uint64              The run's random key; node v's threshold is
                              ``uniform(key, THRESHOLD, v, 0)`` (uniform on [0, 1)).
    curve : int64 (L,)        Output: cumulative active count after step t.
    when : int32 (n,) or (0,) Output when length n: each node's activation step (-1 = never).
    active : bool (n,), acc : float64 (n,)  Scratch, False / 0 on entry and on return.
    order, touched : int32 (n,)             Scratch.

    Returns (steps, examined, overflow) as ``sir_run``.
    """
    n = indptr.shape[0] - 1
    record = when.shape[0] == n
    total = _start(seeds, active, order, when, record)
    curve[0] = total
    L = curve.shape[0]
    lo = 0
    hi = total
    nt = 0
    t = 0
    examined = 0
    while hi > lo:
        for j in range(lo, hi):
            u = order[j]
            examined += indptr[u + 1] - indptr[u]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if active[v]:
                    continue
                if acc[v] == 0.0:
                    touched[nt] = v
                    nt += 1
                acc[v] += weight[e]
                # activation uses the pressure of everyone active up to step t (Kempe et al.)
                if acc[v] >= uniform(key, THRESHOLD, v, 0):
                    active[v] = True
                    order[total] = v
                    total += 1
                    if record:
                        when[v] = t + 1
        t += 1
        if t < L:
            curve[t] = total
        lo = hi
        hi = total
    last = t - 1 if t > 0 else 0
    for s in range(min(t + 1, L), L):
        curve[s] = total
    for j in range(total):
        active[order[j]] = False
    for j in range(nt):
        acc[touched[j]] = 0.0
    return last, examined, t >= L


@njit(cache=True)
def _seeds_of_run(r, n, n_random, seed_ptr, seed_ids, key, mark, buf):
    """Run r's seeds: its slice of seed_ids, or n_random nodes picked with Floyd's algorithm."""
    if n_random > 0:
        pick_seeds(n, n_random, key, mark, buf)
        for j in range(n_random):
            mark[buf[j]] = False
        return buf
    return seed_ids[seed_ptr[r]:seed_ptr[r + 1]]


@njit(parallel=True, cache=True)
def sir_many(indptr, indices, prob, gamma, n_random, seed_ptr, seed_ids, keys, curves, when, chunks):
    """Run independent SIR / IC replications in parallel (one per key).

    Parameters
    ----------
    n_random : int            When > 0, each run infects that many random nodes first
                              (Floyd's algorithm on the run's key); else explicit seeds:
    seed_ptr : int64 (runs + 1,), seed_ids : int64 — run r's seeds are
        ``seed_ids[seed_ptr[r]:seed_ptr[r + 1]]``.
    keys : uint64 (runs,)     One random key per run.
    curves : int64 (runs, L)  Output curves (see ``sir_run``).
    when : int32 (runs, n) or (runs, 0)  Output activation steps (see ``sir_run``).
    chunks : int              Number of buffer sets (parallel workers); results do not depend on it.

    Returns int64 (runs, 3): steps, examined arcs, overflow flag per run.
    """
    runs = keys.shape[0]
    n = indptr.shape[0] - 1
    out = np.zeros((runs, 3), np.int64)
    ns = n if gamma < 1.0 else 1
    for c in prange(chunks):
        infected = np.zeros(n, np.bool_)
        order = np.empty(n, np.int32)
        surv = np.empty(ns, np.int32)
        surv_age = np.empty(ns, np.int32)
        surv2 = np.empty(ns, np.int32)
        surv2_age = np.empty(ns, np.int32)
        buf = np.empty(n_random, np.int64)
        for r in range(c, runs, chunks):
            seeds = _seeds_of_run(r, n, n_random, seed_ptr, seed_ids, keys[r], infected, buf)
            s, ex, ov = sir_run(indptr, indices, prob, gamma, seeds, keys[r], curves[r], when[r],
                                infected, order, surv, surv_age, surv2, surv2_age)
            out[r, 0] = s
            out[r, 1] = ex
            out[r, 2] = ov
    return out


@njit(parallel=True, cache=True)
def lt_many(indptr, indices, weight, n_random, seed_ptr, seed_ids, keys, curves, when, chunks):
    """Run independent Linear Threshold replications in parallel; arguments as ``sir_many``."""
    runs = keys.shape[0]
    n = indptr.shape[0] - 1
    out = np.zeros((runs, 3), np.int64)
    for c in prange(chunks):
        active = np.zeros(n, np.bool_)
        acc = np.zeros(n, np.float64)
        order = np.empty(n, np.int32)
        touched = np.empty(n, np.int32)
        buf = np.empty(n_random, np.int64)
        for r in range(c, runs, chunks):
            seeds = _seeds_of_run(r, n, n_random, seed_ptr, seed_ids, keys[r], active, buf)
            s, ex, ov = lt_run(indptr, indices, weight, seeds, keys[r], curves[r], when[r], active, order, acc, touched)
            out[r, 0] = s
            out[r, 1] = ex
            out[r, 2] = ov
    return out
