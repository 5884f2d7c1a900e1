"""The social-commerce day as Numba kernels over arrays (see ``simulation.engine`` for the rules).

Every function here is a pure ``@njit(cache=True)`` kernel over NumPy arrays; the
engine (``simulation.engine.Engine``) calls them in the order of the phases. All draws
are counter-based (``simulation.kernels.random.uniform``), so a draw depends only on
(run key, stream, counters), never on loop order.

Channel ids (attribution) and candidate tags are module constants shared with the
engine and the operation modules.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .random import NEGATIVE, ONLINE, SATISFY, SHARE, uniform

# The engine's own channels of an exposure / purchase (attribution); the operation models
# append theirs in registry order (``simulation.operations.CHANNELS``).
CH_SEED = 0
CH_KOL = 1
CH_FRIEND = 2
CH_PLATFORM = 3
BUILTIN_CHANNELS = ("seed", "kol", "friend", "platform")

# What a converting exposure asks of the purchase phase.
TAG_PLAIN = 0  # an ordinary purchase
TAG_GROUP = 1  # join group-buy ``ref`` (a group id)
TAG_BARGAIN = 2  # a bargain initiator buying at the cut price

# Layout of the float parameter vector ``fp`` given to ``evaluate``.
FP_SOCIAL_PROOF = 0  # weight of the share of friends who bought (exponent)
FP_NEG_FACTOR = 1  # (1 - negative_impact): multiplier per negative message heard
FP_INV_REF_PRICE = 2  # 1 / reference price (1 / currency)
FP_QUALITY = 3  # exp(quality_weight * (quality - 0.5))
FP_INTEREST_RATIO = 4  # interested iff u < interest_ratio * P
FP_FRIEND_DISCOUNT = 5  # invitee discount on friend-share exposures (currency)
FP_SIZE = 6

# Layout of the int64 counter vector ``cnt``.
C_CAND = 0  # candidates (converted people) today
C_INTERESTED = 1  # people newly interested today (not candidates)
C_EXPOSURES = 2  # exposures of online people evaluated today
C_NEW_EXPOSED = 3  # people whose ``exposed`` mark was set today (the whole population's counters follow it)
C_NEW_INTERESTED = 4  # people whose ``interested`` mark was set today
C_SIZE = 5


@njit(inline="always", cache=True)
def chance(i, strength, price, fdisc, static, price_sens, price_off, buy_factor, bought_nbrs, indeg_inv, neg_heard, qf,
           sp_w, inv_ref, neg_f):
    """P of ``evaluate`` for person i exposed with ``strength`` at ``price`` less ``fdisc`` (currency), before the
    cap at 1 (the draw is compared with it directly): the factors in ``evaluate``'s order, bit for bit."""
    off = 0.0
    for r in range(price_off.shape[0]):
        off += price_off[r, i]
    p_eff = price - off - fdisc
    if p_eff < 0.0:
        p_eff = 0.0
    P = strength * static[i] * qf
    P = P * np.exp(sp_w * (bought_nbrs[i] * indeg_inv[i]))
    P = P * np.exp(-(price_sens[i] * p_eff) * inv_ref)
    if neg_heard[i] > 0:
        # neg_f ** neg_heard[i] computed as Numba's ``**`` does (square and multiply, math.pow past 2^16), bit for
        # bit: the operator compiles a helper function of its own (~0.06 s on a cold cache, issue 12 target 6)
        e = neg_heard[i]
        if e > 0x10000:
            f = math.pow(neg_f, float(e))
        else:
            f = 1.0
            base = neg_f
            while e != 0:
                if e & 1:
                    f *= base
                e >>= 1
                base *= base
        P = P * f
    for r in range(buy_factor.shape[0]):
        P = P * buy_factor[r, i]
    return P


@njit(cache=True)
def batch_factors(fp, channel):
    """A batch's constants of the evaluation rule, read from ``fp``: the social-proof weight, the negative-word
    factor, 1 / reference price (1 / currency), the quality factor, the interest ratio, and the friend discount
    (currency; 0 unless ``channel`` is CH_FRIEND)."""
    fdisc = fp[FP_FRIEND_DISCOUNT] if channel == CH_FRIEND else 0.0
    return fp[FP_SOCIAL_PROOF], fp[FP_NEG_FACTOR], fp[FP_INV_REF_PRICE], fp[FP_QUALITY], fp[FP_INTEREST_RATIO], fdisc


@njit(cache=True)
def evaluate(targets, strength, price, a, b, ref, stream, channel, tag, day, key,
             activity, static, price_sens, price_off, buy_factor, bought_nbrs, indeg_inv, neg_heard,
             bought, pending, fp, exposed, interested, cand_day, cand_channel, cand_price,
             cand_ref, cand_tag, cand_list, int_day, int_list, cnt):
    """Evaluate one batch of exposures of day ``day``; record who converts and who becomes interested.

    Exposure j reaches person ``i = targets[j]`` (int32) with source strength
    ``strength[j]`` (probability per exposure at neutral factors) and list price
    ``price[j]`` (currency, after the day's price discounts); its decision draw is
    ``uniform(key, stream, a[j], b[j])``. A person already bought, pending in a group,
    already converted today, or offline today (``uniform(key, ONLINE, i, day) >=
    activity[i]``, drawn only when activity < 1) ignores it. Otherwise

        P = min(1, strength * static[i] * fp[QUALITY] * exp(fp[SOCIAL_PROOF] * bought_nbrs[i] * indeg_inv[i])
                  * exp(-price_sens[i] * max(0, price - sum_r price_off[r, i] - friend_discount) * fp[INV_REF_PRICE])
                  * fp[NEG_FACTOR] ** neg_heard[i] * prod_r buy_factor[r, i])

    (friend_discount only on ``CH_FRIEND`` exposures); the person converts iff u < P
    (first converting exposure of the day wins: channel, price, ``ref`` and ``tag`` are
    kept) and becomes interested iff u < min(1, interest_ratio * P) (the channel and
    ``ref`` of the first exposure that made them interested today are kept in
    ``cand_channel`` / ``cand_ref`` unless they convert later that day). Neutral factors
    are exactly 1.0, so P equals ``strength`` when every extra is off.

    ``price_off`` (k, n) and ``buy_factor`` (k', n) float64 hold one row per operation model
    that reduces prices or scales the purchase probability per person (0 rows: no work).
    Arrays (length n unless said): activity, static, price_sens float64;
    bought_nbrs, neg_heard int32; indeg_inv float64; bought, exposed, interested bool;
    pending int32 (-1 = not in a group); cand_* / int_* per-person scratch stamped with
    the day; cand_list, int_list int32 lists whose lengths are cnt[C_CAND], cnt[C_INTERESTED].
    """
    sp_w, neg_f, inv_ref, qf, ratio, fdisc = batch_factors(fp, channel)
    for j in range(targets.shape[0]):
        i = np.intp(np.uint32(targets[j]))  # a non-negative index: no wraparound test per array read
        if bought[i] or pending[i] >= 0 or cand_day[i] == day:
            continue
        act = activity[i]
        if act < 1.0 and uniform(key, ONLINE, i, day) >= act:
            continue
        cnt[C_EXPOSURES] += 1
        if not exposed[i]:
            exposed[i] = True
            cnt[C_NEW_EXPOSED] += 1
        P = chance(i, strength[j], price[j], fdisc, static, price_sens, price_off, buy_factor, bought_nbrs, indeg_inv,
                   neg_heard, qf, sp_w, inv_ref, neg_f)
        u = uniform(key, stream, a[j], b[j])
        if u < P:
            cand_day[i] = day
            cand_channel[i] = channel
            cand_price[i] = price[j]
            cand_ref[i] = ref[j]
            cand_tag[i] = tag
            cand_list[cnt[C_CAND]] = i
            cnt[C_CAND] += 1
            if not interested[i]:
                interested[i] = True
                cnt[C_NEW_INTERESTED] += 1
        elif u < ratio * P:
            if not interested[i]:
                interested[i] = True
                cnt[C_NEW_INTERESTED] += 1
            if int_day[i] != day:
                int_day[i] = day
                int_list[cnt[C_INTERESTED]] = i
                cnt[C_INTERESTED] += 1
                # the exposure that made i interested (the root of their cascade if they share)
                cand_channel[i] = channel
                cand_ref[i] = ref[j]


@njit(cache=True)
def evaluate_shares(sources, index, indptr, indices, w, arc0, price, stream, channel, tag, day, key,
                    activity, static, price_sens, price_off, buy_factor, bought_nbrs, indeg_inv, neg_heard,
                    bought, pending, fp, exposed, interested, cand_day, cand_channel, cand_price,
                    cand_ref, cand_tag, cand_list, int_day, int_list, cnt):
    """``evaluate`` of the batch ``share_arcs(sources, index, indptr, indices, w, arc0)`` gives at list price
    ``price`` (currency) without writing it: every out-arc e of each of ``sources`` (in order, arcs in CSR order)
    exposes ``indices[e]`` with strength ``w[e]``, draw ``uniform(key, stream, arc0 + e, index[j])`` and ref the
    source; the same effects bit for bit (the other arguments are ``evaluate``'s)."""
    # evaluate's rule written out again: the same rule as an inlined helper (Numba inline="always") measured
    # 25-40 % slower on the large run's share batches
    sp_w, neg_f, inv_ref, qf, ratio, fdisc = batch_factors(fp, channel)
    for j in range(sources.shape[0]):
        s = np.int64(sources[j])
        k = np.int64(index[j])
        for e in range(indptr[s], indptr[s + 1]):
            i = np.intp(np.uint32(indices[e]))  # a non-negative index: no wraparound test per array read
            if bought[i] or pending[i] >= 0 or cand_day[i] == day:
                continue
            act = activity[i]
            if act < 1.0 and uniform(key, ONLINE, i, day) >= act:
                continue
            cnt[C_EXPOSURES] += 1
            if not exposed[i]:
                exposed[i] = True
                cnt[C_NEW_EXPOSED] += 1
            P = chance(i, w[e], price, fdisc, static, price_sens, price_off, buy_factor, bought_nbrs, indeg_inv,
                       neg_heard, qf, sp_w, inv_ref, neg_f)
            u = uniform(key, stream, np.int64(arc0 + e), k)
            if u < P:
                cand_day[i] = day
                cand_channel[i] = channel
                cand_price[i] = price
                cand_ref[i] = s
                cand_tag[i] = tag
                cand_list[cnt[C_CAND]] = i
                cnt[C_CAND] += 1
                if not interested[i]:
                    interested[i] = True
                    cnt[C_NEW_INTERESTED] += 1
            elif u < ratio * P:
                if not interested[i]:
                    interested[i] = True
                    cnt[C_NEW_INTERESTED] += 1
                if int_day[i] != day:
                    int_day[i] = day
                    int_list[cnt[C_INTERESTED]] = i
                    cnt[C_INTERESTED] += 1
                    cand_channel[i] = channel
                    cand_ref[i] = s


@njit(inline="always", cache=True)
def arc_total(sources, indptr):
    """The number of out-arcs of ``sources`` (ids, repeats counted each time)."""
    total = 0
    for s in sources:
        total += indptr[s + 1] - indptr[s]
    return total


@njit(inline="always", cache=True)
def out_arcs(sources, indptr, indices):
    """Return (heads int32, arcs int64, source position int64) of every out-arc of ``sources``."""
    total = arc_total(sources, indptr)
    heads = np.empty(total, np.int32)
    arcs = np.empty(total, np.int64)
    pos = np.empty(total, np.int64)
    k = 0
    for j in range(sources.shape[0]):
        s = sources[j]
        for e in range(indptr[s], indptr[s + 1]):
            heads[k] = indices[e]
            arcs[k] = e
            pos[k] = j
            k += 1
    return heads, arcs, pos


@njit(cache=True)
def skip_sample(key, stream, b, n, rate):
    """Return the sorted ids in 0..n-1 each picked independently with probability ``rate``.

    Geometric skipping: the gap before the (j+1)-th pick is
    floor(log(u_j) / log(1 - rate)) with u_j = 1 - uniform(key, stream, j, b), so the
    cost is O(picks), not O(n).
    """
    if rate <= 0.0 or n <= 0:
        return np.empty(0, np.int64)
    if rate >= 1.0:  # every id (a loop, not np.arange: one Numba overload fewer to compile)
        every = np.empty(n, np.int64)
        for i in range(n):
            every[i] = i
        return every
    cap = int(n * rate + 10.0 * np.sqrt(n * rate + 1.0) + 16)
    out = np.empty(cap if cap < n else n, np.int64)  # not min(): one overload fewer to compile (cold cache)
    lq = np.log1p(-rate)
    pos = -1
    j = 0
    k = 0
    while True:
        u = 1.0 - uniform(key, stream, j, b)
        j += 1
        pos += 1 + int(np.log(u) / lq)
        if pos >= n:
            break
        if k == out.shape[0]:
            grown = np.empty(2 * k + 1 if 2 * k + 1 < n else n, np.int64)
            # an explicit loop: a slice assignment costs ~2 s of compile time on a cold cache
            for m in range(k):
                grown[m] = out[m]
            out = grown
        out[k] = pos
        k += 1
    return out[:k]


@njit(inline="always", cache=True)
def mark_bought(buyers, indptr, indices, bought, bought_nbrs):
    """Mark ``buyers`` as bought and add them to each out-neighbour's count of friends who bought.

    Returns the number of people newly marked (a counter kept instead of scanning ``bought``)."""
    k = 0
    for i in buyers:
        if bought[i]:
            continue
        bought[i] = True
        k += 1
        for e in range(indptr[i], indptr[i + 1]):
            bought_nbrs[indices[e]] += 1
    return k


@njit(inline="always", cache=True)
def mark(flags, people):
    """Set ``flags[people]`` (bool marks; repeats allowed) and return how many were newly set."""
    k = 0
    for i in people:
        if not flags[i]:
            flags[i] = True
            k += 1
    return k


@njit(inline="always", cache=True)
def pool_update(buyers, sat, pool, where, size):
    """Keep the repeat pool (people whose last purchase satisfied them) after ``buyers`` bought; return its size.

    ``sat[j]`` says whether buyer ``buyers[j]``'s purchase satisfied them: they enter the
    pool if not in it, else leave it. ``pool[:size]`` (int32) holds the members in no
    particular order, ``where[i]`` (int32) i's position there or -1; removal swaps the last
    member into the gap, so an update costs O(len(buyers)).
    """
    for j in range(buyers.shape[0]):
        i = buyers[j]
        if sat[j]:
            if where[i] < 0:
                where[i] = size
                pool[size] = i
                size += 1
        elif where[i] >= 0:
            k = where[i]
            size -= 1
            last = pool[size]
            pool[k] = last
            where[last] = k
            where[i] = -1
    return size


@njit(cache=True)
def thin_online(people, probs, key, stream, b, activity, pending):
    """Return the ``people`` (int64) not pending in a group-buy (``pending[i] < 0``), kept by
    ``uniform(key, stream, i, b) < probs[j]`` (no draw when ``probs`` is empty) and online
    (``uniform(key, ONLINE, i, b) < activity[i]``, no draw when activity is 1), in order."""
    keep = np.empty(people.shape[0], np.int64)
    thin = probs.shape[0] > 0
    k = 0
    for j in range(people.shape[0]):
        i = people[j]
        if pending[i] >= 0:
            continue
        if thin and uniform(key, stream, i, b) >= probs[j]:
            continue
        act = activity[i]
        if act < 1.0 and uniform(key, ONLINE, i, b) >= act:
            continue
        keep[k] = i
        k += 1
    return keep[:k]


@njit(cache=True)
def draw_below(people, probs, key, stream, b):
    """Return the boolean mask ``uniform(key, stream, people[j], b) < probs[j]``."""
    out = np.empty(people.shape[0], np.bool_)
    for j in range(people.shape[0]):
        out[j] = uniform(key, stream, people[j], b) < probs[j]
    return out


@njit(inline="always", cache=True)
def spread_negative(spreaders, day, key, indptr, indices, prob, neg_heard):
    """Each dissatisfied buyer tells each out-neighbour with probability ``prob``; return messages sent.

    Arc e carries a message iff ``uniform(key, NEGATIVE, e, day) < prob``; the head's
    ``neg_heard`` grows by one.
    """
    sent = 0
    if prob <= 0.0:
        return 0
    for s in spreaders:
        for e in range(indptr[s], indptr[s + 1]):
            if uniform(key, NEGATIVE, e, day) < prob:
                neg_heard[indices[e]] += 1
                sent += 1
    return sent


@njit(cache=True)
def satisfied(buyers, purchase_count, p_sat, key):
    """Per purchase j of person i: whether it satisfies, ``uniform(key, SATISFY, i, purchase_count[i]) < p_sat[j]``."""
    out = np.empty(buyers.shape[0], np.bool_)
    for j in range(buyers.shape[0]):
        i = buyers[j]
        out[j] = uniform(key, SATISFY, i, purchase_count[i]) < p_sat[j]
    return out


@njit(inline="always", cache=True)
def _root_pass(people, channel, ref, root_channel, root_kol, tmp_c, tmp_k, fresh):
    """Give ``people`` without a root (``root_channel < 0``) the root of their cascade, reading every source's
    root before writing any (exactly the vectorised rule, repeats and all): a friend share (``ref`` >= 0)
    inherits the sharer's root when the sharer has one, else the person's own channel (and KOL) is the root."""
    k = people.shape[0]
    for j in range(k):
        i = people[j]
        fresh[j] = root_channel[i] < 0
        if not fresh[j]:
            continue
        c = channel[j]
        r = ref[j]
        if c == CH_FRIEND and r >= 0 and root_channel[r] >= 0:
            tmp_c[j] = root_channel[r]
            tmp_k[j] = root_kol[r]
        else:
            tmp_c[j] = c
            tmp_k[j] = r if c == CH_KOL else -1
    for j in range(k):
        if fresh[j]:
            root_channel[people[j]] = tmp_c[j]
            root_kol[people[j]] = tmp_k[j]


@njit(cache=True)
def book_buyers(buyers, channel, ref, plat, interested_today, cand_channel, cand_ref, day, indptr, indices,
                bought, bought_nbrs, root_channel, root_kol, first_day, first_channel, first_kol, first_platform,
                purchase_day, exposed, interested, is_new, counts):
    """The engine's own bookkeeping of a day's purchases (phase 2, after the models' ``on_purchases``).

    In order: roots of the new buyers' cascades, then of the people newly interested today
    (``interested_today``, channel and ref from ``cand_channel`` / ``cand_ref``), the new
    buyers' first day, channel, KOL (``ref`` when the channel is ``CH_KOL``, else -1) and
    platform, their ``bought`` mark (adding 1 to each out-neighbour's ``bought_nbrs``), the
    ``exposed`` and ``interested`` marks of every buyer, and ``purchase_day``.

    buyers int64, channel int8, ref int64, plat int8 : per purchase; is_new bool (out) :
    per purchase, the buyer had not bought before today. counts int64 (out): people newly
    marked bought, exposed, interested.
    """
    k = buyers.shape[0]
    nb = 0
    for j in range(k):
        is_new[j] = not bought[buyers[j]]
        if is_new[j]:
            nb += 1
    new = np.empty(nb, np.int64)
    new_c = np.empty(nb, np.int8)
    new_r = np.empty(nb, np.int64)
    new_p = np.empty(nb, np.int8)
    m = 0
    for j in range(k):
        if is_new[j]:
            new[m] = buyers[j]
            new_c[m] = channel[j]
            new_r[m] = ref[j]
            new_p[m] = plat[j]
            m += 1
    cap = nb if nb > interested_today.shape[0] else interested_today.shape[0]  # not max(): one overload fewer to compile
    tmp_c = np.empty(cap, np.int8)
    tmp_k = np.empty(cap, np.int64)
    fresh = np.empty(cap, np.bool_)
    _root_pass(new, new_c, new_r, root_channel, root_kol, tmp_c, tmp_k, fresh)
    ki = interested_today.shape[0]
    ic = np.empty(ki, np.int8)
    ir = np.empty(ki, np.int64)
    for j in range(ki):
        ic[j] = cand_channel[interested_today[j]]
        ir[j] = cand_ref[interested_today[j]]
    _root_pass(interested_today, ic, ir, root_channel, root_kol, tmp_c, tmp_k, fresh)
    for m in range(nb):
        i = new[m]
        first_day[i] = day
        first_channel[i] = new_c[m]
        first_kol[i] = new_r[m] if new_c[m] == CH_KOL else -1
        first_platform[i] = new_p[m]
    counts[0] = mark_bought(new, indptr, indices, bought, bought_nbrs)
    counts[1] = mark(exposed, buyers)
    counts[2] = mark(interested, buyers)
    for j in range(k):
        purchase_day[buyers[j]] = day


@njit(cache=True)
def settle(buyers, p_sat, key, day, purchase_count, satisfied_mark, negative, pool, where, size, indptr, indices,
           negative_spread, neg_heard, sat):
    """Phase 3 for a day's purchases: satisfaction draws, purchase counts, the repeat pool, negative word of mouth.

    ``sat[j]`` (out) = ``uniform(key, SATISFY, i, purchase_count[i]) < p_sat[j]`` with the
    counts before today; then each buyer's count grows by one (repeats count once, as a
    vectorised increment), ``satisfied_mark`` takes the outcome, the pool is updated
    (``pool_update``) and every dissatisfied purchase marks its buyer ``negative`` and
    spreads (``spread_negative``). Returns (new pool size, dissatisfied purchases).
    """
    k = buyers.shape[0]
    before = np.empty(k, np.int64)
    for j in range(k):
        i = buyers[j]
        before[j] = purchase_count[i]
        sat[j] = uniform(key, SATISFY, i, before[j]) < p_sat[j]
    for j in range(k):
        purchase_count[buyers[j]] = before[j] + 1
        satisfied_mark[buyers[j]] = sat[j]
    size = pool_update(buyers, sat, pool, where, size)
    unhappy = 0
    for j in range(k):
        if not sat[j]:
            unhappy += 1
            negative[buyers[j]] = True
    if unhappy and negative_spread > 0.0:
        spreaders = np.empty(unhappy, np.int64)
        m = 0
        for j in range(k):
            if not sat[j]:
                spreaders[m] = buyers[j]
                m += 1
        spread_negative(spreaders, day, key, indptr, indices, negative_spread, neg_heard)
    return size, unhappy


@njit(cache=True)
def keep_below(people, q, mult, key, stream, b):
    """Return the ``people`` (int64, in order) with ``uniform(key, stream, i, b) < min(1, q[j] * mult)``: who
    shares, which KOL follower slots a post reaches (``people[draw_below(people, q * mult, ...)]`` in one call)."""
    out = np.empty(people.shape[0], np.int64)
    k = 0
    for j in range(people.shape[0]):
        p = q[j] * mult
        if p > 1.0:
            p = 1.0
        if uniform(key, stream, people[j], b) < p:
            out[k] = people[j]
            k += 1
    return out[:k]



@njit(cache=True)
def pick_below(people, prob, key, stream, b):
    """Return the ``people`` (int64, in order) with ``uniform(key, stream, i, b) < prob`` (one probability for all)."""
    out = np.empty(people.shape[0], np.int64)
    k = 0
    for j in range(people.shape[0]):
        if uniform(key, stream, people[j], b) < prob:
            out[k] = people[j]
            k += 1
    return out[:k]


@njit(cache=True)
def coupon_takers(people, coupon, bought, pending, cand_day, day, value):
    """Hand a coupon of ``value`` to the ``people`` who hold none (``coupon`` 0), have not bought, are not pending
    and have not converted on ``day``; return them (int64, in order)."""
    out = np.empty(people.shape[0], np.int64)
    k = 0
    for j in range(people.shape[0]):
        i = people[j]
        if coupon[i] == 0 and not bought[i] and pending[i] < 0 and cand_day[i] != day:
            out[k] = i
            k += 1
    for j in range(k):
        coupon[out[j]] = value
    return out[:k]


@njit(cache=True)
def sorted_unique(values):
    """Return the distinct ``values`` (non-negative int64 ids) in increasing order (``np.unique``).

    Sorted by hand (insertion sort for a few values, else a least-significant-digit radix
    sort over bytes): Numba's ``np.sort`` costs ~1.2 s of compile time on a cold cache,
    for a list of sharers a day."""
    k = values.shape[0]
    s = np.empty(k, np.int64)
    top = 0
    for j in range(k):
        s[j] = values[j]
        if s[j] > top:
            top = s[j]
    if k <= 32:
        for j in range(1, k):
            v = s[j]
            m = j - 1
            while m >= 0 and s[m] > v:
                s[m + 1] = s[m]
                m -= 1
            s[m + 1] = v
    else:
        buf = np.empty(k, np.int64)
        count = np.empty(257, np.int64)
        shift = 0
        while (top >> shift) > 0:
            for d in range(257):
                count[d] = 0
            for j in range(k):
                count[((s[j] >> shift) & 255) + 1] += 1
            for d in range(256):
                count[d + 1] += count[d]
            for j in range(k):
                d = (s[j] >> shift) & 255
                buf[count[d]] = s[j]
                count[d] += 1
            s, buf = buf, s
            shift += 8
    out = 0
    for j in range(k):
        if out == 0 or s[j] != s[out - 1]:
            s[out] = s[j]
            out += 1
    return s[:out]


@njit(cache=True)
def day_sharers(buyers, sat, prop, mult, interested, bought, pending, rate, key, day):
    """Phase 4's sharers of ``day`` without per-person share factors: the sorted distinct ids (int64) of

    * each satisfied purchase's buyer i (``buyers[j]`` with ``sat[j]``) with ``uniform(key, SHARE, i, day) <
      min(1, prop[i] * mult)``, and
    * (``rate`` > 0) each of the ``interested`` people who has not bought (``bought``, today's buyers included)
      and is not pending with the same draw below ``min(1, (prop[i] * mult) * rate)``;

    ``keep_below`` on both lists, their concatenation and ``sorted_unique`` in one call, with the same
    arithmetic. ``prop``: share propensity per person; ``mult``: the day's share multiplier.
    """
    k = buyers.shape[0]
    m = interested.shape[0] if rate > 0.0 else 0
    out = np.empty(k + m, np.int64)
    c = 0
    for j in range(k):
        if sat[j]:
            i = buyers[j]
            p = prop[i] * mult
            if p > 1.0:
                p = 1.0
            if uniform(key, SHARE, i, day) < p:
                out[c] = i
                c += 1
    for j in range(m):
        i = interested[j]
        if bought[i] or pending[i] >= 0:
            continue
        p = (prop[i] * mult) * rate
        if p > 1.0:
            p = 1.0
        if uniform(key, SHARE, i, day) < p:
            out[c] = i
            c += 1
    if c > 1:
        return sorted_unique(out[:c])
    return out[:c]


@njit(cache=True)
def share_arcs(sources, index, indptr, indices, w, arc0):
    """The exposures of a day's shares on one platform: every out-arc e of each of ``sources`` (in order, arcs in
    CSR order). Returns (heads int32, strength ``w[e]``, draw counter ``arc0 + e``, the source's share index from
    ``index``, the source) per arc."""
    heads, arcs, pos = out_arcs(sources, indptr, indices)
    total = heads.shape[0]
    strength = np.empty(total)
    k = np.empty(total, np.int64)
    ref = np.empty(total, np.int64)
    for m in range(total):
        e = arcs[m]
        strength[m] = w[e]
        arcs[m] = arc0 + e
        k[m] = index[pos[m]]
        ref[m] = sources[pos[m]]
    return heads, strength, arcs, k, ref


def __getattr__(name: str):
    # ``CHANNELS`` now comes from the operation registry (``simulation.operations.CHANNELS``);
    # kept here, resolved lazily, for callers that import it from the kernels (the app).
    if name == "CHANNELS":
        from ..operations import CHANNELS

        return CHANNELS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
