"""Readouts per segment and per profile value: daily series, money and the purchase-frequency distribution.

Groups. Every segment is a group, keyed by its name; every value of a profile attribute
(``simulation.profiles``) is a group keyed ``<attribute>=<label>`` (e.g. ``age=18-24``;
segment names cannot contain ``=``, so keys never collide). The segments partition the
population, and so do the values of each profile attribute: summed over the groups of one
axis, every count below equals its total exactly, and every amount of money equals it up
to floating-point summation order (relative 1e-12).

Daily series (engine ``daily``, hence columns of ``timeseries.parquet``; named
``<series>__<group>`` like the summary's per-segment keys): ``buyers__<g>`` (cumulative
people who have bought), ``new_buyers__<g>``, ``purchases__<g>``, ``revenue__<g>``
(price paid, less the refunds of the group's returns booked that day — customer service,
``simulation.ledger`` — as the run's ``revenue``) and ``discount_cost__<g>`` (list price minus price paid, as the ledger books
it) per day.

Summary keys, per group g: ``people__<g>`` (members), ``buyers__<g>``,
``conversion_rate__<g>`` (buyers / members, NaN for an empty group), ``purchases__<g>``,
``revenue__<g>``, ``discount_cost__<g>``, ``cogs__<g>`` (``product.unit_cost`` x purchases, less
the cost of the group's returned goods back in stock) and ``gross_profit__<g>``
= revenue - cogs. Profit per group is *gross of spend*: spend (KOL fees, rewards,
content, events) is paid per lever, not per buyer's group, and is not allocated;
``profit = sum over one axis of gross_profit - spend``. The repeat-purchase frequency
distribution: ``freq_<k>`` (k = 1 .. FREQ_MAX - 1) people who bought exactly k times,
``freq_<FREQ_MAX>plus`` those who bought FREQ_MAX times or more, overall and per group
(``freq_2__<g>``); summed over k it is the number of buyers.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Buckets of the purchase-frequency distribution: 1, 2, ..., FREQ_MAX - 1 and FREQ_MAX or more.
FREQ_MAX = 5
#: Frequency keys, in bucket order.
FREQ_KEYS = tuple(f"freq_{k}" for k in range(1, FREQ_MAX)) + (f"freq_{FREQ_MAX}plus",)
#: Daily series per group: cumulative, then per day.
GROUP_CUMULATIVE = ("buyers",)
GROUP_PER_DAY = ("new_buyers", "purchases", "revenue", "discount_cost")


def axes(pop) -> list[tuple[np.ndarray, tuple[str, ...]]]:
    """The readout axes of a population: (codes per person, group key per code); segments first.

    pop : a ``simulation.population.Population`` (``profile`` optional).
    """
    out = [(pop.segment, tuple(pop.names))]
    profile = getattr(pop, "profile", None)
    if profile is not None:
        for attr, codes in profile.codes.items():
            out.append((codes, tuple(f"{attr}={label}" for label in profile.labels[attr])))
    return out


def groups(pop) -> tuple[str, ...]:
    """Every group key of ``pop``, axis by axis."""
    return tuple(k for _, keys in axes(pop) for k in keys)


def new_daily(pop, days: int) -> dict[str, np.ndarray]:
    """Zeroed per-group daily series (length days + 1) for the groups of ``pop``."""
    out = {}
    for g in groups(pop):
        out.update({f"{k}__{g}": np.zeros(days + 1, np.int64) for k in GROUP_CUMULATIVE})
        out.update({f"{k}__{g}": np.zeros(days + 1) for k in GROUP_PER_DAY})
    return out


def record_day(daily: dict[str, np.ndarray], day: int, pop, buyers: np.ndarray, paid: np.ndarray,
               discount: np.ndarray, new: np.ndarray) -> None:
    """Book day ``day``'s purchases into the per-group daily series.

    buyers : person id of each purchase; paid, discount : price paid and list price minus
    price paid per purchase (currency); new : True for a person's first purchase (a new buyer).
    """
    buyers = np.asarray(buyers, np.int64)
    for codes, keys in axes(pop):
        c = codes[buyers].astype(np.int64)
        m = len(keys)
        purchases = np.bincount(c, minlength=m)
        revenue = np.bincount(c, weights=paid, minlength=m)
        off = np.bincount(c, weights=discount, minlength=m)
        fresh = np.bincount(c[new], minlength=m)
        for j, g in enumerate(keys):
            daily[f"purchases__{g}"][day] = purchases[j]
            daily[f"revenue__{g}"][day] += revenue[j]  # returns booked earlier today are already in
            daily[f"discount_cost__{g}"][day] = off[j]
            daily[f"new_buyers__{g}"][day] = fresh[j]
            cum = daily[f"buyers__{g}"]
            cum[day] = (cum[day - 1] if day > 0 else 0) + fresh[j]


def bind_blocks(daily: dict[str, np.ndarray], pop) -> list[tuple]:
    """Make the per-group series of ``daily`` (``new_daily``) rows of one (groups, days + 1) block per series and
    readout axis, so a day is booked with one vectorised write per series (``record_blocks``).

    Returns per axis (codes per person, buyers, new_buyers, purchases, revenue, discount_cost blocks); the
    dict keeps its keys and order, each entry now a row view of its block holding the same values.
    """
    out = []
    for codes, keys in axes(pop):
        if not keys:
            continue
        blocks = []
        for k in GROUP_CUMULATIVE + GROUP_PER_DAY:
            rows = [daily[f"{k}__{g}"] for g in keys]
            block = np.array(rows)
            for j, g in enumerate(keys):
                daily[f"{k}__{g}"] = block[j]
            blocks.append(block)
        out.append((codes, *blocks))
    return out


def record_blocks(blocks: list[tuple], day: int, buyers: np.ndarray, paid: np.ndarray, discount: np.ndarray,
                  new: np.ndarray) -> None:
    """Book day ``day``'s purchases into the per-group series bound by ``bind_blocks`` (as ``record_day``)."""
    for codes, cum, fresh_b, purchases_b, revenue_b, off_b in blocks:
        book_groups(codes, buyers, paid, discount, new, day, cum, fresh_b, purchases_b, revenue_b, off_b)


@njit(cache=True)
def book_groups(codes, buyers, paid, discount, new, day, cum, fresh_b, purchases_b, revenue_b, off_b):
    """One axis of ``record_blocks``: per group g (``codes[buyer]``) the day's purchases, revenue (added to the
    returns already booked), discount and new buyers, summed in purchase order as ``np.bincount`` sums them,
    and the cumulative buyers. Without purchases only the cumulative column is carried over."""
    m = cum.shape[0]
    if buyers.shape[0] > 0:
        # empty + a zeroing loop: np.zeros of float64 compiles its own fill (~0.1 s on a cold cache)
        count = np.empty(m, np.int64)
        fresh = np.empty(m, np.int64)
        revenue = np.empty(m)
        off = np.empty(m)
        for g in range(m):
            count[g] = 0
            fresh[g] = 0
            revenue[g] = 0.0
            off[g] = 0.0
        for j in range(buyers.shape[0]):
            g = codes[buyers[j]]
            count[g] += 1
            revenue[g] += paid[j]
            off[g] += discount[j]
            if new[j]:
                fresh[g] += 1
        for g in range(m):
            purchases_b[g, day] = count[g]
            revenue_b[g, day] += revenue[g]
            off_b[g, day] = off[g]
            fresh_b[g, day] = fresh[g]
            cum[g, day] = (cum[g, day - 1] if day > 0 else 0) + fresh[g]
    elif day > 0:
        for g in range(m):
            cum[g, day] = cum[g, day - 1]


def book_returns(daily: dict[str, np.ndarray], recovered: dict[str, float], day: int, pop, people: np.ndarray,
                 refunds: np.ndarray, cogs_recovered: np.ndarray) -> None:
    """Book returns of ``day`` per group: refunds (currency) off ``revenue__<g>``, goods cost back into ``recovered``.

    people : buyer of each returned purchase; refunds, cogs_recovered : per return (currency).
    """
    people = np.asarray(people, np.int64)
    for codes, keys in axes(pop):
        c = codes[people].astype(np.int64)
        back = np.bincount(c, weights=np.asarray(refunds, float), minlength=len(keys))
        stock = np.bincount(c, weights=np.asarray(cogs_recovered, float), minlength=len(keys))
        for j, g in enumerate(keys):
            daily[f"revenue__{g}"][day] -= back[j]
            recovered[g] = recovered.get(g, 0.0) + float(stock[j])


def frequency(purchase_count: np.ndarray) -> np.ndarray:
    """People who bought exactly 1, 2, ..., FREQ_MAX - 1 times and FREQ_MAX or more times (length FREQ_MAX)."""
    counts = np.bincount(np.minimum(purchase_count, FREQ_MAX).astype(np.int64), minlength=FREQ_MAX + 1)
    return counts[1:]


def summarize(daily: dict[str, np.ndarray], pop, bought: np.ndarray, purchase_count: np.ndarray,
              unit_cost: float, recovered: dict[str, float] | None = None) -> dict[str, float]:
    """The per-group summary keys and the frequency distribution (module docstring).

    daily : the run's daily series (with the per-group series); bought : per person, has bought;
    purchase_count : purchases per person; unit_cost : ``product.unit_cost`` (currency);
    recovered : goods cost back in stock per group (``book_returns``).
    """
    s: dict[str, float] = dict(zip(FREQ_KEYS, map(float, frequency(purchase_count))))
    bucket = np.minimum(purchase_count, FREQ_MAX).astype(np.int64)
    for codes, keys in axes(pop):
        m = len(keys)
        # one pass: (group, bucket) pairs counted together
        freq = np.bincount(codes.astype(np.int64) * (FREQ_MAX + 1) + bucket,
                           minlength=m * (FREQ_MAX + 1)).reshape(m, FREQ_MAX + 1)[:, 1:]
        size = np.bincount(codes.astype(np.int64), minlength=m)
        buyers = np.bincount(codes[bought].astype(np.int64), minlength=m)
        for j, g in enumerate(keys):
            purchases = float(daily[f"purchases__{g}"].sum())
            revenue = float(daily[f"revenue__{g}"].sum())
            s[f"people__{g}"] = float(size[j])
            s[f"buyers__{g}"] = float(buyers[j])
            s[f"conversion_rate__{g}"] = float(buyers[j]) / float(size[j]) if size[j] else math.nan
            s[f"purchases__{g}"] = purchases
            s[f"revenue__{g}"] = revenue
            s[f"discount_cost__{g}"] = float(daily[f"discount_cost__{g}"].sum())
            cogs = unit_cost * purchases - (recovered or {}).get(g, 0.0)
            s[f"cogs__{g}"] = cogs
            s[f"gross_profit__{g}"] = revenue - cogs
            s.update({f"{k}__{g}": float(v) for k, v in zip(FREQ_KEYS, freq[j])})
    return s
