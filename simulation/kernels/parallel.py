"""Multi-threaded versions of the day's heaviest kernels, equal to the serial ones bit for bit.

Every kernel here gives exactly what its serial counterpart gives (``simulation.kernels.funnel``,
``operations.event.group_invites``), for any number of threads: draws are counter-based
(``uniform``), so only the order in which one person's own exposures are applied matters,
and the lists the day keeps in batch order.

* ``evaluate`` / ``evaluate_shares`` (a batch, or friend shares read straight from the graph):
  every draw is a pure function of its key and of the state before the batch, so each
  exposure's outcome (not exposed, exposed, interested, converted) is decided on any thread,
  and so are the ``exposed`` / ``interested`` marks (set by an atomic exchange that says who set
  them); what depends on order — a person converted by an earlier exposure of the batch
  ignores the later ones, the first interesting exposure lists them — is applied by the
  person's *owner* (person i belongs to owner ``(i >> OWNER_SHIFT) % threads``: blocks of ids,
  so no two threads write one cache line of a per-person array), each owner walking the
  batch in order; today's converters and newly interested are then listed serially in batch
  order.
* ``share_arcs`` / ``group_invites``: the arc table written by runs of sources of about equal
  arc totals, each at its own offsets.
* ``add_over_arcs``: +1 to a per-person count over out-arcs (bought friends, negative word of
  mouth heard) by atomic adds; integer additions commute, so the order never shows.
  ``book_buyers`` and ``settle`` run the serial kernel without that part, then this one.

Parallel kernels compile slowly (parfors) and a parallel region costs microseconds, so the
engine calls them only for inputs of at least ``THRESHOLD`` items in populations of at least
``MIN_PEOPLE`` on more than one Numba thread (``threads_for``): a default-sized run never
compiles them, and results do not depend on the choice. The first call that may use threads makes
waiting GNU OpenMP threads sleep early (``SPINCOUNT``) unless the environment says otherwise.
"""
from __future__ import annotations

import functools
import os

import numba
import numpy as np
from numba import njit, prange
from numba.core import cgutils, types
from numba.extending import intrinsic

from .funnel import C_CAND, C_EXPOSURES, C_INTERESTED, C_NEW_EXPOSED, C_NEW_INTERESTED
from . import funnel as F
from .random import NEGATIVE, ONLINE, uniform

#: GNU OpenMP (Numba's threading layer here) spins this many times before a waiting thread sleeps; its default
#: (300,000) makes a run on a machine whose cores are busy up to 10x slower than on one thread (spinning
#: threads take the cores the others need). Read when Numba first starts its threads: a default only, set
#: before that; an explicit GOMP_SPINCOUNT or OMP_WAIT_POLICY wins.
SPINCOUNT = "1000"

#: ids per ownership block (2**10: a block of the narrowest per-person array, bool, is 16 cache lines)
OWNER_SHIFT = 10
#: inputs (exposures, arcs) below this size go to the serial kernels (a parallel region costs ~10-50 us)
THRESHOLD = 4_096
#: populations below this size never use the threaded kernels (a small run would pay their compile time)
MIN_PEOPLE = 100_000
#: items per task of a parallel loop (tasks are dealt to the threads; results do not depend on it)
CHUNK = 16_384
#: tasks of a parallel loop over arcs (runs of sources of about equal arc totals, dealt to the threads)
PARTS = 64



def threads_for(size: int, n: int) -> int:
    """The threads to split an input of ``size`` items about ``n`` people over: Numba's thread count for a
    large input in a large population, else 1 (the serial kernel)."""
    if size < THRESHOLD or n < MIN_PEOPLE:
        return 1
    _quiet_spin()
    return numba.get_num_threads()


@functools.cache
def _quiet_spin() -> None:
    """Default ``GOMP_SPINCOUNT`` to ``SPINCOUNT`` (unless the environment sets it or ``OMP_WAIT_POLICY``), once,
    before Numba's first ``get_num_threads`` loads the threading layer, which reads it: only a run that may use
    threads changes the environment, and not at import."""
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", SPINCOUNT)


@njit(cache=True)
def _owners(n, threads):
    """The owning thread of each block of ``2**OWNER_SHIFT`` ids of 0..n-1 (blocks dealt round-robin)."""
    owner = np.empty((n >> OWNER_SHIFT) + 1, np.int64)
    for k in range(owner.shape[0]):
        owner[k] = k % threads
    return owner


_ELIGIBLE = 1  # exposure code: its person was exposed (bought, pending, converted earlier today or offline: 0)
_INTEREST = 2  # ... and the draw made them interested (not converted) for the first time today
_CONVERT = 3  # ... and the draw converted them
_LISTED = 4  # (applied) an _INTEREST exposure that listed its person in int_list
_CONVERTED = 5  # (applied) a _CONVERT exposure that converted its person (cand_list)
_LATE = 6  # (applied) an exposure after its person's conversion by the batch: not evaluated (not counted)


@njit(inline="always", cache=True)
def _bit(bits, i):
    """Whether bit i of the bitmap ``bits`` (uint8) is set."""
    return (bits[i >> 3] >> (i & 7)) & 1 != 0


@njit(inline="always", cache=True)
def _set_bit(bits, i):
    bits[i >> 3] |= np.uint8(1 << (i & 7))


@njit(inline="always", cache=True)
def _apply(c, i, price, ref, day, channel, tag, conv, listed, cand_day, cand_channel, cand_price, cand_ref, cand_tag,
           int_day):
    """Apply decided exposure code ``c`` (> 0) of person i (price, ref: the exposure's) in batch order, on i's
    owner; ``conv`` / ``listed`` are bitmaps of the people converted / listed by earlier exposures of the batch.
    Returns the exposure's code: ``_LATE`` (i converted earlier: not evaluated), ``_CONVERTED``, ``_LISTED`` or c."""
    if _bit(conv, i):
        return _LATE
    if c == _CONVERT:
        _set_bit(conv, i)
        cand_day[i] = day
        cand_channel[i] = channel
        cand_price[i] = price
        cand_ref[i] = ref
        cand_tag[i] = tag
        return _CONVERTED
    if c == _INTEREST and not _bit(listed, i):
        _set_bit(listed, i)
        int_day[i] = day
        cand_channel[i] = channel
        cand_ref[i] = ref
        return _LISTED
    return c


@njit(parallel=True, cache=True)
def evaluate(targets, strength, price, a, b, ref, stream, channel, tag, day, key,
             activity, static, price_sens, price_off, buy_factor, bought_nbrs, indeg_inv, neg_heard,
             bought, pending, fp, exposed, interested, cand_day, cand_channel, cand_price,
             cand_ref, cand_tag, cand_list, int_day, int_list, cnt, threads):
    """``funnel.evaluate`` on every thread (its arguments, then the number of threads; the same results and
    effects, bit for bit, for any ``threads``): as ``evaluate_shares``, each exposure's outcome decided on any
    thread (chunks of ``CHUNK`` exposures), the order-dependent effects applied by each person's owner walking
    the batch in order, the lists extended in batch order."""
    sp_w, neg_f, inv_ref, qf, ratio, fdisc = F.batch_factors(fp, channel)
    m = targets.shape[0]
    chunks = (m + CHUNK - 1) // CHUNK
    code = np.empty(m, np.int8)
    part = np.zeros((chunks, 8), np.int64)  # per chunk: exposures, newly exposed, newly interested (padded rows)
    for q in prange(chunks):
        n_exp = 0
        n_new = 0
        n_int = 0
        for j in range(q * CHUNK, min(m, (q + 1) * CHUNK)):
            i = np.intp(np.uint32(targets[j]))  # a non-negative index: no wraparound test per array read
            c = 0
            if not (bought[i] or pending[i] >= 0 or cand_day[i] == day):
                act = activity[i]
                if act >= 1.0 or uniform(key, ONLINE, i, day) < act:
                    n_exp += 1
                    if not exposed[i] and _claim(exposed, i):
                        n_new += 1
                    P = F.chance(i, strength[j], price[j], fdisc, static, price_sens, price_off, buy_factor,
                                 bought_nbrs, indeg_inv, neg_heard, qf, sp_w, inv_ref, neg_f)
                    u = uniform(key, stream, a[j], b[j])
                    c = _ELIGIBLE
                    if u < P or u < ratio * P:
                        if not interested[i] and _claim(interested, i):
                            n_int += 1
                        if u < P:
                            c = _CONVERT
                        elif int_day[i] != day:  # (made interested by an earlier batch today: nothing more)
                            c = _INTEREST
            code[j] = c
        part[q, 0] = n_exp
        part[q, 1] = n_new
        part[q, 2] = n_int
    owner = _owners(bought.shape[0], threads)
    conv = np.zeros((bought.shape[0] >> 3) + 1, np.uint8)
    listed = np.zeros((bought.shape[0] >> 3) + 1, np.uint8)
    late = np.zeros((threads, 8), np.int64)
    for t in prange(threads):
        skipped = 0
        for j in range(m):
            c = code[j]
            if c == 0:
                continue
            i = np.intp(np.uint32(targets[j]))
            if owner[i >> OWNER_SHIFT] != t:
                continue
            c = _apply(c, i, price[j], ref[j], day, channel, tag, conv, listed, cand_day, cand_channel, cand_price,
                       cand_ref, cand_tag, int_day)
            code[j] = c
            skipped += c == _LATE
        late[t, 0] = skipped
    _count(cnt, part, late)
    for j in range(m):
        c = code[j]
        if c == _CONVERTED:
            cand_list[cnt[C_CAND]] = targets[j]
            cnt[C_CAND] += 1
        elif c == _LISTED:
            int_list[cnt[C_INTERESTED]] = targets[j]
            cnt[C_INTERESTED] += 1


@njit(inline="always", cache=True)
def _count(cnt, part, late):
    """Add the decided exposures, newly exposed and newly interested (``part`` rows) less the exposures not
    evaluated (``late`` rows) to the day's counters."""
    for r in range(part.shape[0]):
        cnt[C_EXPOSURES] += part[r, 0]
        cnt[C_NEW_EXPOSED] += part[r, 1]
        cnt[C_NEW_INTERESTED] += part[r, 2]
    for r in range(late.shape[0]):
        cnt[C_EXPOSURES] -= late[r, 0]


@intrinsic
def _atomic_add(typingctx, arr, idx, val):
    """``arr[idx] += val`` as one atomic read-modify-write (1-d integer ``arr``; integer additions commute, so
    the result never depends on the order in which threads add)."""
    if not (isinstance(arr, types.Array) and isinstance(arr.dtype, types.Integer) and arr.ndim == 1):
        return None
    sig = types.void(arr, idx, val)

    def codegen(context, builder, signature, args):
        arrty, idxty, valty = signature.args
        ary = context.make_array(arrty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, arrty, ary, [args[1]])
        value = context.cast(builder, args[2], valty, arrty.dtype)
        builder.atomic_rmw("add", ptr, value, "monotonic")
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _claim(typingctx, flags, idx):
    """Set ``flags[idx]`` (1-d bool) by one atomic exchange; True iff this call changed it (it was False): of
    several threads setting one flag, exactly one is told it did."""
    if not (isinstance(flags, types.Array) and flags.dtype == types.boolean and flags.ndim == 1):
        return None
    sig = types.boolean(flags, idx)

    def codegen(context, builder, signature, args):
        arrty, _ = signature.args
        ary = context.make_array(arrty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, arrty, ary, [args[1]])
        byte = context.get_data_type(types.boolean)  # a bool array holds one byte per flag
        old = builder.atomic_rmw("xchg", ptr, byte(1), "monotonic")
        return builder.icmp_unsigned("==", old, byte(0))

    return sig, codegen


@njit(cache=True)
def _arc_split(sources, indptr, parts):
    """Boundaries (int64, parts + 1) splitting ``sources`` into runs of about equal out-arc totals, and the
    first output position of each source (int64, len + 1)."""
    k = sources.shape[0]
    off = np.empty(k + 1, np.int64)
    off[0] = 0
    for j in range(k):
        s = sources[j]
        off[j + 1] = off[j] + indptr[s + 1] - indptr[s]
    cut = np.empty(parts + 1, np.int64)
    j = 0
    for p in range(parts + 1):
        goal = off[k] * p // parts
        while j < k and off[j] < goal:
            j += 1
        cut[p] = j
    cut[parts] = k
    return cut, off


@njit(parallel=True, cache=True)
def share_arcs(sources, index, indptr, indices, w, arc0):
    """``funnel.share_arcs`` with the arcs written in parallel (runs of sources of about equal arc totals)."""
    cut, off = _arc_split(sources, indptr, PARTS)
    total = off[sources.shape[0]]
    heads = np.empty(total, np.int32)
    strength = np.empty(total)
    arcs = np.empty(total, np.int64)
    k = np.empty(total, np.int64)
    ref = np.empty(total, np.int64)
    for p in prange(PARTS):
        for j in range(cut[p], cut[p + 1]):
            s = sources[j]
            o = off[j]
            for e in range(indptr[s], indptr[s + 1]):
                heads[o] = indices[e]
                strength[o] = w[e]
                arcs[o] = arc0 + e
                k[o] = index[j]
                ref[o] = s
                o += 1
    return heads, strength, arcs, k, ref


@njit(parallel=True, cache=True)
def add_over_arcs(sources, indptr, indices, counter, prob, key, stream, b):
    """``counter[head] += 1`` over every out-arc e of each of ``sources`` (repeats counted each time) that passes
    ``uniform(key, stream, e, b) < prob`` (no draw when ``prob`` >= 1), from every thread at once (atomic adds).

    With prob >= 1 it is ``funnel.mark_bought``'s count of bought friends, with a draw
    ``funnel.spread_negative``'s messages. Returns the number of arcs that passed.
    """
    cut, off = _arc_split(sources, indptr, PARTS)
    every = prob >= 1.0
    sent = np.zeros(PARTS, np.int64)
    for p in prange(PARTS):
        c = 0
        for j in range(cut[p], cut[p + 1]):
            s = sources[j]
            for e in range(indptr[s], indptr[s + 1]):
                if every or uniform(key, stream, e, b) < prob:
                    _atomic_add(counter, indices[e], 1)
                    c += 1
        sent[p] = c
    return sent.sum()


@functools.lru_cache(maxsize=2)
def _no_arcs(n: int) -> np.ndarray:
    """A CSR row pointer of n people without arcs (read-only zeros)."""
    indptr = np.zeros(n + 1, np.int64)
    indptr.flags.writeable = False
    return indptr


def arc_threads(people: int, indices: np.ndarray, n: int) -> int:
    """``threads_for`` the out-arcs of ``people`` sources in a graph of ``n`` people with arc heads ``indices``
    (estimated at the mean out-degree)."""
    return threads_for(people * indices.shape[0] // max(n, 1), n)


def book_buyers(buyers, channel, ref, plat, interested_today, cand_channel, cand_ref, day, indptr, indices,
                bought, bought_nbrs, root_channel, root_kol, first_day, first_channel, first_kol, first_platform,
                purchase_day, exposed, interested, is_new, counts):
    """``funnel.book_buyers`` (same arguments and effects), the new buyers' out-arcs counted on every thread
    when there are many: the serial kernel books everything but the counts (a graph without arcs), then
    ``add_over_arcs`` adds 1 to ``bought_nbrs`` over the arcs of each newly marked buyer (once per person)."""
    n = bought.shape[0]
    if arc_threads(buyers.shape[0], indices, n) == 1:
        F.book_buyers(buyers, channel, ref, plat, interested_today, cand_channel, cand_ref, day, indptr, indices,
                      bought, bought_nbrs, root_channel, root_kol, first_day, first_channel, first_kol,
                      first_platform, purchase_day, exposed, interested, is_new, counts)
        return
    F.book_buyers(buyers, channel, ref, plat, interested_today, cand_channel, cand_ref, day, _no_arcs(n), indices,
                  bought, bought_nbrs, root_channel, root_kol, first_day, first_channel, first_kol, first_platform,
                  purchase_day, exposed, interested, is_new, counts)
    new = buyers[is_new]
    if counts[0] != new.shape[0]:  # a person twice among today's new buyers: marked (and counted) once
        new = np.unique(new)
    add_over_arcs(new, indptr, indices, bought_nbrs, 1.0, 0, 0, 0)


def settle(buyers, p_sat, key, day, purchase_count, satisfied_mark, negative, pool, where, size, indptr, indices,
           negative_spread, neg_heard, sat):
    """``funnel.settle`` (same arguments, effects and return), negative word of mouth spread on every thread when
    many arcs may carry it: the serial kernel settles without spreading, then ``add_over_arcs`` spreads from
    every dissatisfied purchase (a person dissatisfied twice today spreads twice, as in ``funnel.settle``)."""
    n = neg_heard.shape[0]
    if negative_spread <= 0.0 or arc_threads(buyers.shape[0], indices, n) == 1:
        return F.settle(buyers, p_sat, key, day, purchase_count, satisfied_mark, negative, pool, where, size, indptr,
                        indices, negative_spread, neg_heard, sat)
    size, unhappy = F.settle(buyers, p_sat, key, day, purchase_count, satisfied_mark, negative, pool, where, size,
                             indptr, indices, 0.0, neg_heard, sat)
    if unhappy:
        add_over_arcs(buyers[~sat], indptr, indices, neg_heard, negative_spread, key, NEGATIVE, day)
    return size, unhappy


def group_invites(joiners, indptr, indices, pending, w):
    """``operations.event.group_invites`` with the arcs written on every thread: ``share_arcs`` over the joiners
    still in a group, each arc carrying its inviter's group."""
    on = joiners[pending[joiners] >= 0]
    heads, strength, arcs, groups, _ = share_arcs(on, pending[on], indptr, indices, w, 0)
    return heads, strength, arcs, groups


@njit(parallel=True, cache=True)
def evaluate_shares(sources, index, indptr, indices, w, arc0, price, stream, channel, tag, day, key,
                    activity, static, price_sens, price_off, buy_factor, bought_nbrs, indeg_inv, neg_heard,
                    bought, pending, fp, exposed, interested, cand_day, cand_channel, cand_price,
                    cand_ref, cand_tag, cand_list, int_day, int_list, cnt, threads):
    """``funnel.evaluate_shares`` (its arguments, then the number of threads; the same effects, bit for bit, for
    any ``threads``) on every thread.

    Every draw is a function of its key and of the state before the batch, so each exposure's
    outcome (not exposed, exposed, interested, converted) is decided on any thread (runs of
    sources of about equal arc totals), and so are the ``exposed`` and ``interested`` marks (a
    person's first exposure, and first interesting one, are always evaluated). What depends on
    order is applied by the owner of each person (``_owners``), who walks the batch in order:
    the first converting exposure wins, later exposures of that person are not evaluated (taken
    off the count), the first interesting one is listed. ``cand_list`` and ``int_list`` are then
    extended in batch order.
    """
    sp_w, neg_f, inv_ref, qf, ratio, fdisc = F.batch_factors(fp, channel)
    ks = sources.shape[0]
    cut, off = _arc_split(sources, indptr, PARTS)
    code = np.empty(off[ks], np.int8)
    part = np.zeros((PARTS, 8), np.int64)  # per part: exposures, newly exposed, newly interested (padded rows)
    # evaluate's decision written out again over the graph's arcs, as in ``evaluate`` above: one shared helper
    # for the decision measured 5-11 % slower inlined (Numba inline="always") and 2.3-2.7x slower not inlined, on
    # a 10^6 run's day-8 batches on 1 and 2 threads (28k sharers' arcs, 364k feed targets; 2026-11-30)
    for p in prange(PARTS):
        n_exp = 0
        n_new = 0
        n_int = 0
        for j in range(cut[p], cut[p + 1]):
            s = np.int64(sources[j])
            k = np.int64(index[j])
            o = off[j] - indptr[s]
            for e in range(indptr[s], indptr[s + 1]):
                i = np.intp(np.uint32(indices[e]))  # a non-negative index: no wraparound test per array read
                c = 0
                if not (bought[i] or pending[i] >= 0 or cand_day[i] == day):
                    act = activity[i]
                    if act >= 1.0 or uniform(key, ONLINE, i, day) < act:
                        n_exp += 1
                        if not exposed[i] and _claim(exposed, i):
                            n_new += 1
                        P = F.chance(i, w[e], price, fdisc, static, price_sens, price_off, buy_factor, bought_nbrs,
                                     indeg_inv, neg_heard, qf, sp_w, inv_ref, neg_f)
                        u = uniform(key, stream, np.int64(arc0 + e), k)
                        c = _ELIGIBLE
                        if u < P or u < ratio * P:
                            if not interested[i] and _claim(interested, i):
                                n_int += 1
                            if u < P:
                                c = _CONVERT
                            elif int_day[i] != day:  # (made interested by an earlier batch today: nothing more)
                                c = _INTEREST
                code[o + e] = c
        part[p, 0] = n_exp
        part[p, 1] = n_new
        part[p, 2] = n_int
    owner = _owners(bought.shape[0], threads)
    conv = np.zeros((bought.shape[0] >> 3) + 1, np.uint8)  # converted by this batch (bitmaps: blocks of ids
    listed = np.zeros((bought.shape[0] >> 3) + 1, np.uint8)  # of one owner never share a byte)
    late = np.zeros((threads, 8), np.int64)  # per owner: exposures after their person's conversion (not evaluated)
    for t in prange(threads):
        skipped = 0
        for j in range(ks):
            s = np.int64(sources[j])
            o = off[j] - indptr[s]
            for e in range(indptr[s], indptr[s + 1]):
                c = code[o + e]
                if c == 0:
                    continue
                i = np.intp(np.uint32(indices[e]))
                if owner[i >> OWNER_SHIFT] != t:
                    continue
                c = _apply(c, i, price, s, day, channel, tag, conv, listed, cand_day, cand_channel, cand_price,
                           cand_ref, cand_tag, int_day)
                code[o + e] = c
                skipped += c == _LATE
        late[t, 0] = skipped
    _count(cnt, part, late)
    for j in range(ks):
        s = np.int64(sources[j])
        o = off[j] - indptr[s]
        for e in range(indptr[s], indptr[s + 1]):
            c = code[o + e]
            if c == _CONVERTED:
                cand_list[cnt[C_CAND]] = indices[e]
                cnt[C_CAND] += 1
            elif c == _LISTED:
                int_list[cnt[C_INTERESTED]] = indices[e]
                cnt[C_INTERESTED] += 1
