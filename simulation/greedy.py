"""Greedy maximisation of a set function through a marginal-gain oracle: plain and lazy (CELF).

Both take ``gain(v, chosen) -> float``, the increase of the objective when candidate
``v`` joins the tuple ``chosen`` (in pick order), so any objective can be plugged in:
Monte-Carlo IC spread on shared live-arc worlds (``simulation.influence``) or a
simulated commerce outcome with common random numbers. Ties go to the candidate
listed first, in both, so on a submodular objective the two pick the same set.

``budgeted_greedy`` / ``budgeted_lazy_greedy`` pick under a cost budget instead of a
count, by gain or by gain per unit cost (the two rules of CELF), stopping when no
affordable candidate adds a positive gain.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Callable, Hashable, Sequence

import numpy as np

Gain = Callable[[Hashable, tuple], float]


@dataclass(frozen=True)
class GreedyResult:
    """Picks in order, each pick's marginal gain when chosen, and the oracle calls spent."""

    picks: list
    gains: np.ndarray
    evaluations: int


def _check(candidates: Sequence, k: int) -> list:
    candidates = list(candidates)
    if len(set(candidates)) != len(candidates):
        raise ValueError("candidates must be distinct")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 0 <= k <= len(candidates):
        raise ValueError(f"k must be an integer in 0..{len(candidates)} (the number of candidates), got {k!r}")
    return candidates


def greedy(gain: Gain, candidates: Sequence, k: int) -> GreedyResult:
    """Plain greedy: every round scores every remaining candidate and takes the best.

    Parameters
    ----------
    gain : oracle ``gain(v, chosen)``, the objective's increase when v joins ``chosen``.
    candidates : the ground set, in tie-breaking order.
    k : number of picks.
    """
    candidates = _check(candidates, k)
    chosen: list = []
    gains = []
    left = list(candidates)
    calls = 0
    for _ in range(k):
        scores = [gain(v, tuple(chosen)) for v in left]
        calls += len(left)
        j = int(np.argmax(scores))  # first of the maxima: the earliest-listed candidate
        chosen.append(left.pop(j))
        gains.append(scores[j])
    return GreedyResult(chosen, np.array(gains, dtype=np.float64), calls)


def lazy_greedy(gain: Gain, candidates: Sequence, k: int, first_gains=None) -> GreedyResult:
    """CELF lazy greedy (Leskovec et al., KDD 2007): the same picks as ``greedy`` on a submodular objective.

    A candidate's last computed gain bounds its current one from above (submodularity), so
    only the head of a max-heap of stale gains is re-scored; a head scored in the current
    round is the round's best. The heap orders by (gain desc, listing order), the same
    tie rule as ``greedy``.

    Parameters
    ----------
    gain, candidates, k : as ``greedy``.
    first_gains : optional array of every candidate's gain on the empty set, when the
        oracle computes them in bulk more cheaply; counted as ``len(candidates)`` calls.
    """
    candidates = _check(candidates, k)
    if first_gains is None:
        first = [gain(v, ()) for v in candidates]
    else:
        first = np.asarray(first_gains, dtype=np.float64)
        if first.shape != (len(candidates),):
            raise ValueError(f"first_gains must hold one gain per candidate ({len(candidates)}), got shape {first.shape}")
    calls = len(candidates)
    heap = [(-float(g), j, 0) for j, g in enumerate(first)]
    heapq.heapify(heap)
    chosen: list = []
    gains = []
    while len(chosen) < k:
        neg, j, scored_in = heapq.heappop(heap)
        if scored_in == len(chosen):
            chosen.append(candidates[j])
            gains.append(-neg)
            continue
        fresh = float(gain(candidates[j], tuple(chosen)))
        calls += 1
        heapq.heappush(heap, (-fresh, j, len(chosen)))
    return GreedyResult(chosen, np.array(gains, dtype=np.float64), calls)


def _score(gain: float, cost: float, per_cost: bool) -> float:
    """The greedy rule's score: the gain, or the gain per unit cost (a free candidate with gain > 0 scores inf)."""
    if not per_cost:
        return gain
    if cost > 0:
        return gain / cost
    return math.inf if gain > 0 else gain


def _check_costs(candidates: list, costs, budget: float) -> np.ndarray:
    c = np.asarray(costs, dtype=np.float64)
    if c.shape != (len(candidates),) or not np.all(np.isfinite(c)) or np.any(c < 0):
        raise ValueError(f"costs must be one finite, non-negative cost per candidate ({len(candidates)})")
    if not math.isfinite(budget) or budget < 0:
        raise ValueError(f"budget must be a finite, non-negative number, got {budget!r}")
    return c


def budgeted_greedy(gain: Gain, candidates: Sequence, costs, budget: float, per_cost: bool = False) -> GreedyResult:
    """Plain greedy under a budget: each round takes the affordable candidate of best gain (or gain per cost).

    Stops when no candidate is affordable or the best one's gain is not positive.

    Parameters
    ----------
    gain : oracle ``gain(v, chosen)``.
    candidates : the ground set, in tie-breaking order.
    costs : each candidate's cost (same unit as ``budget``).
    budget : total cost allowed.
    per_cost : rank by gain per unit cost (the cost-benefit rule) instead of gain.
    """
    candidates = _check(candidates, 0)
    cost = _check_costs(candidates, costs, budget)
    left, chosen, gains, calls = budget, [], [], 0
    pool = list(range(len(candidates)))
    while True:
        pool = [j for j in pool if cost[j] <= left]
        if not pool:
            break
        g = [float(gain(candidates[j], tuple(chosen))) for j in pool]
        calls += len(pool)
        scores = [_score(x, cost[j], per_cost) for x, j in zip(g, pool)]
        i = int(np.argmax(scores))
        if g[i] <= 0:
            break
        j = pool.pop(i)
        chosen.append(candidates[j])
        gains.append(g[i])
        left -= cost[j]
    return GreedyResult(chosen, np.array(gains, dtype=np.float64), calls)


def budgeted_lazy_greedy(gain: Gain, candidates: Sequence, costs, budget: float, per_cost: bool = False,
                         first_gains=None) -> GreedyResult:
    """CELF under a budget (Leskovec et al. 2007): the same picks as ``budgeted_greedy`` on a submodular objective.

    A stale gain (or gain per cost: costs are fixed) bounds the current one from above,
    so only the heap's head is re-scored; a candidate that no longer fits the budget
    left is dropped for good (the budget only shrinks).

    Parameters
    ----------
    gain, candidates, costs, budget, per_cost : as ``budgeted_greedy``.
    first_gains : optional gains on the empty set, computed in bulk (counted as
        ``len(candidates)`` calls).
    """
    candidates = _check(candidates, 0)
    cost = _check_costs(candidates, costs, budget)
    if first_gains is None:
        first = [float(gain(v, ())) for v in candidates]
    else:
        first = [float(x) for x in np.asarray(first_gains, dtype=np.float64)]
        if len(first) != len(candidates):
            raise ValueError(f"first_gains must hold one gain per candidate ({len(candidates)}), got {len(first)}")
    calls = len(candidates)
    heap = [(-_score(g, cost[j], per_cost), j, 0, g) for j, g in enumerate(first)]
    heapq.heapify(heap)
    left, chosen, gains = budget, [], []
    while heap:
        neg, j, scored_in, g = heapq.heappop(heap)
        if cost[j] > left:
            continue
        if scored_in == len(chosen):
            if g <= 0:
                break
            chosen.append(candidates[j])
            gains.append(g)
            left -= cost[j]
            continue
        fresh = float(gain(candidates[j], tuple(chosen)))
        calls += 1
        heapq.heappush(heap, (-_score(fresh, cost[j], per_cost), j, len(chosen), fresh))
    return GreedyResult(chosen, np.array(gains, dtype=np.float64), calls)
