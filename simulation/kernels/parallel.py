"""Multi-threaded versions of the day's heaviest kernels, equal to the serial ones bit for bit.

Every kernel here gives exactly what its serial counterpart in ``simulation.kernels.funnel``
gives, for any number of threads: the draws are counter-based (``uniform``), so the only
order that matters is the order in which one person's own exposures, marks and counts are
applied. Each kernel therefore splits the work by the person it writes to (the *owner*
rule: person ``i`` belongs to thread ``(i >> OWNER_SHIFT) % threads``, blocks of ids so no
two threads write one cache line) and every thread walks the whole input in order,
handling only its own people; the rare results that are lists in input order (today's
converters, the newly interested) are gathered serially afterwards from a per-input mark.

Parallel kernels compile slowly (parfors), so the engine calls them only for large inputs
on more than one thread (``THRESHOLD``, ``threads_for``); results do not depend on it.
"""
from __future__ import annotations

import numba
import numpy as np
from numba import njit, prange

from .funnel import (C_CAND, C_EXPOSURES, C_INTERESTED, C_NEW_EXPOSED, C_NEW_INTERESTED, CH_FRIEND,
                     FP_FRIEND_DISCOUNT, FP_INTEREST_RATIO, FP_INV_REF_PRICE, FP_NEG_FACTOR, FP_QUALITY,
                     FP_SOCIAL_PROOF)
from .random import ONLINE, uniform

#: ids per ownership block (2**10: a block of the narrowest per-person array, bool, is 16 cache lines)
OWNER_SHIFT = 10
#: inputs (exposures, arcs) below this size go to the serial kernels (a parallel region costs ~10-50 us)
THRESHOLD = 4_096
#: populations below this size never use the threaded kernels (a small run would pay their compile time)
MIN_PEOPLE = 100_000
#: items per task of a parallel loop (tasks are dealt to the threads; results do not depend on it)
CHUNK = 16_384

_CONVERTED = 1  # exposure j converted its person (cand_list, in batch order)
_INTERESTED = 2  # exposure j first made its person interested today (int_list, in batch order)


def threads_for(size: int, n: int) -> int:
    """The threads to split an input of ``size`` items about ``n`` people over: Numba's thread count for a
    large input in a large population, else 1 (the serial kernel)."""
    return numba.get_num_threads() if size >= THRESHOLD and n >= MIN_PEOPLE else 1


@njit(cache=True)
def _owners(n, threads):
    """The owning thread of each block of ``2**OWNER_SHIFT`` ids of 0..n-1 (blocks dealt round-robin)."""
    owner = np.empty((n >> OWNER_SHIFT) + 1, np.int64)
    for k in range(owner.shape[0]):
        owner[k] = k % threads
    return owner


@njit(parallel=True, cache=True)
def by_owner(people, n, threads):
    """Positions 0..len(people)-1 grouped by the owner of ``people[j]``, in increasing order within each owner.

    Returns (order int64, start int64 (threads + 1,)): owner t's positions are
    ``order[start[t]:start[t + 1]]``. A two-pass counting sort over chunks of ``CHUNK`` positions.
    """
    m = people.shape[0]
    owner = _owners(n, threads)
    chunks = (m + CHUNK - 1) // CHUNK
    count = np.zeros((chunks, threads), np.int64)
    for c in prange(chunks):
        for j in range(c * CHUNK, min(m, (c + 1) * CHUNK)):
            count[c, owner[people[j] >> OWNER_SHIFT]] += 1
    start = np.empty(threads + 1, np.int64)
    pos = np.empty((chunks, threads), np.int64)
    total = 0
    for t in range(threads):
        start[t] = total
        for c in range(chunks):
            pos[c, t] = total
            total += count[c, t]
    start[threads] = total
    order = np.empty(m, np.int64)
    for c in prange(chunks):
        for j in range(c * CHUNK, min(m, (c + 1) * CHUNK)):
            t = owner[people[j] >> OWNER_SHIFT]
            order[pos[c, t]] = j
            pos[c, t] += 1
    return order, start


@njit(cache=True)
def _evaluate_owned(lo, hi, order, event, targets, strength, price, a, b, ref, stream, channel, tag, day, key,
                    activity, static, price_sens, price_off, buy_factor, bought_nbrs, indeg_inv, neg_heard,
                    bought, pending, fp, exposed, interested, cand_day, cand_channel, cand_price, cand_ref, cand_tag,
                    int_day):
    """``funnel.evaluate``'s loop over exposures ``order[lo:hi]`` (in that order; one owner's people), marking
    ``event[j]`` instead of appending to the lists. Returns (exposures evaluated, newly exposed, newly interested)."""
    sp_w = fp[FP_SOCIAL_PROOF]
    neg_f = fp[FP_NEG_FACTOR]
    inv_ref = fp[FP_INV_REF_PRICE]
    qf = fp[FP_QUALITY]
    ratio = fp[FP_INTEREST_RATIO]
    fdisc = fp[FP_FRIEND_DISCOUNT] if channel == CH_FRIEND else 0.0
    n_exp = 0
    n_new_exp = 0
    n_new_int = 0
    for k in range(lo, hi):
        j = order[k]
        i = targets[j]
        if bought[i] or pending[i] >= 0 or cand_day[i] == day:
            continue
        act = activity[i]
        if act < 1.0 and uniform(key, ONLINE, i, day) >= act:
            continue
        n_exp += 1
        if not exposed[i]:
            exposed[i] = True
            n_new_exp += 1
        off = 0.0
        for r in range(price_off.shape[0]):
            off += price_off[r, i]
        p_eff = price[j] - off - fdisc
        if p_eff < 0.0:
            p_eff = 0.0
        P = strength[j] * static[i] * qf
        P = P * np.exp(sp_w * (bought_nbrs[i] * indeg_inv[i]))
        P = P * np.exp(-(price_sens[i] * p_eff) * inv_ref)
        if neg_heard[i] > 0:
            P = P * neg_f ** neg_heard[i]
        for r in range(buy_factor.shape[0]):
            P = P * buy_factor[r, i]
        u = uniform(key, stream, a[j], b[j])
        if u < P:
            cand_day[i] = day
            cand_channel[i] = channel
            cand_price[i] = price[j]
            cand_ref[i] = ref[j]
            cand_tag[i] = tag
            event[j] = _CONVERTED
            if not interested[i]:
                interested[i] = True
                n_new_int += 1
        elif u < ratio * P:
            if not interested[i]:
                interested[i] = True
                n_new_int += 1
            if int_day[i] != day:
                int_day[i] = day
                event[j] = _INTERESTED
                cand_channel[i] = channel
                cand_ref[i] = ref[j]
    return n_exp, n_new_exp, n_new_int


@njit(parallel=True, cache=True)
def evaluate(targets, strength, price, a, b, ref, stream, channel, tag, day, key,
             activity, static, price_sens, price_off, buy_factor, bought_nbrs, indeg_inv, neg_heard,
             bought, pending, fp, exposed, interested, cand_day, cand_channel, cand_price,
             cand_ref, cand_tag, cand_list, int_day, int_list, cnt, threads):
    """``funnel.evaluate`` split over ``threads`` owners (its arguments, then the number of threads; the same
    results and effects, bit for bit, for any ``threads``).

    The exposures are grouped by the owner of their person (``by_owner``); each owner
    evaluates its exposures in batch order, marking the exposures that converted or first
    made their person interested today; ``cand_list`` and ``int_list`` are then extended in
    batch order from those marks, and the counters summed.
    """
    m = targets.shape[0]
    order, start = by_owner(targets, bought.shape[0], threads)
    event = np.zeros(m, np.int8)
    part = np.zeros((threads, 8), np.int64)  # per owner: exposures, newly exposed, newly interested (padded rows)
    for t in prange(threads):
        e, x, y = _evaluate_owned(start[t], start[t + 1], order, event, targets, strength, price, a, b, ref, stream,
                                  channel, tag, day, key, activity, static, price_sens, price_off, buy_factor,
                                  bought_nbrs, indeg_inv, neg_heard, bought, pending, fp, exposed, interested,
                                  cand_day, cand_channel, cand_price, cand_ref, cand_tag, int_day)
        part[t, 0] = e
        part[t, 1] = x
        part[t, 2] = y
    for t in range(threads):
        cnt[C_EXPOSURES] += part[t, 0]
        cnt[C_NEW_EXPOSED] += part[t, 1]
        cnt[C_NEW_INTERESTED] += part[t, 2]
    for j in range(m):
        e = event[j]
        if e == _CONVERTED:
            cand_list[cnt[C_CAND]] = targets[j]
            cnt[C_CAND] += 1
        elif e == _INTERESTED:
            int_list[cnt[C_INTERESTED]] = targets[j]
            cnt[C_INTERESTED] += 1
