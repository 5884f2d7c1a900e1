"""The social-commerce day as Numba kernels over arrays (see ``simulation.engine`` for the rules).

Every function here is a pure ``@njit(cache=True)`` kernel over NumPy arrays; the
engine (``simulation.engine.Engine``) calls them in the order of the phases. All draws
are counter-based (``simulation.kernels.random.uniform``), so a draw depends only on
(run key, stream, counters), never on loop order.

Channel ids (attribution) and candidate tags are module constants shared with the
engine and the operation modules.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .random import NEGATIVE, ONLINE, SATISFY, uniform

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
    sp_w = fp[FP_SOCIAL_PROOF]
    neg_f = fp[FP_NEG_FACTOR]
    inv_ref = fp[FP_INV_REF_PRICE]
    qf = fp[FP_QUALITY]
    ratio = fp[FP_INTEREST_RATIO]
    fdisc = fp[FP_FRIEND_DISCOUNT] if channel == CH_FRIEND else 0.0
    for j in range(targets.shape[0]):
        i = targets[j]
        if bought[i] or pending[i] >= 0 or cand_day[i] == day:
            continue
        act = activity[i]
        if act < 1.0 and uniform(key, ONLINE, i, day) >= act:
            continue
        cnt[C_EXPOSURES] += 1
        if not exposed[i]:
            exposed[i] = True
            cnt[C_NEW_EXPOSED] += 1
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
def out_arcs(sources, indptr, indices):
    """Return (heads int32, arcs int64, source position int64) of every out-arc of ``sources``."""
    total = 0
    for s in sources:
        total += indptr[s + 1] - indptr[s]
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
    if rate >= 1.0:
        return np.arange(np.int64(n))
    cap = int(n * rate + 10.0 * np.sqrt(n * rate + 1.0) + 16)
    out = np.empty(min(cap, n), np.int64)
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
            grown = np.empty(min(2 * k + 1, n), np.int64)
            # an explicit loop: a slice assignment costs ~2 s of compile time on a cold cache
            for m in range(k):
                grown[m] = out[m]
            out = grown
        out[k] = pos
        k += 1
    return out[:k]


@njit(cache=True)
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


@njit(cache=True)
def mark(flags, people):
    """Set ``flags[people]`` (bool marks; repeats allowed) and return how many were newly set."""
    k = 0
    for i in people:
        if not flags[i]:
            flags[i] = True
            k += 1
    return k


@njit(cache=True)
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


@njit(cache=True)
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


def __getattr__(name: str):
    # ``CHANNELS`` now comes from the operation registry (``simulation.operations.CHANNELS``);
    # kept here, resolved lazily, for callers that import it from the kernels (the app).
    if name == "CHANNELS":
        from ..operations import CHANNELS

        return CHANNELS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
