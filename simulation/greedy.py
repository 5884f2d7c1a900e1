"""Greedy maximisation of a set function through a marginal-gain oracle: plain and lazy (CELF).

Both take ``gain(v, chosen) -> float``, the increase of the objective when candidate
``v`` joins the tuple ``chosen`` (in pick order), so any objective can be plugged in:
Monte-Carlo IC spread on shared live-arc worlds (``simulation.influence``) or a
simulated commerce outcome with common random numbers. Ties go to the candidate
listed first, in both, so on a submodular objective the two pick the same set.
"""
from __future__ import annotations

import heapq
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
