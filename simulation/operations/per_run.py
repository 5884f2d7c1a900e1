"""What an operation model builds once per run instead of every day: its switches by day and its batches' constant rows.

A small run's day costs tens of microseconds of Python per model, so a model keeps here what does
not change during the run: which days a window or a schedule is on (``days_on``) and the rows of
one repeated value its exposure batches carry (``Row``, ``PersonBatch``), refilled only when the
value changes instead of allocated and filled every day.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..kernels.funnel import TAG_PLAIN
from .base import Batch


def days_on(on: Callable[[int], bool], days: int) -> list[bool]:
    """``[on(0), on(1), ..., on(days)]``: a switch by day of a run of ``days`` days, indexed by the day."""
    return [bool(on(day)) for day in range(days + 1)]


class Row:
    """A row of one repeated value (``dtype``), kept and handed out as a view of its first k entries.

    The buffer is refilled only when another value or more room is asked for: a view handed out
    holds its value until the same ``Row`` is asked for another value. Give each batch its own
    ``Row``s (the engine evaluates a model's batches on the day they are made, before asking the
    model again; the rows stay writable, as a read-only array is another Numba type).
    """

    __slots__ = ("value", "buf")

    def __init__(self, dtype=np.float64):
        self.value = None
        self.buf = np.empty(0, dtype)

    def of(self, k: int, value) -> np.ndarray:
        """``k`` copies of ``value`` (a view: read it, do not write it)."""
        buf = self.buf
        if len(buf) < k:
            buf = self.buf = np.empty(max(k, 2 * len(buf), 16), buf.dtype)
            self.value = None
        if value != self.value:
            buf.fill(value)
            self.value = value
        return buf[:k]


class PersonBatch:
    """``Batch.per_person``'s batches of one use site of a model (same arrays and values), their rows kept per run.

    Person i's draw is ``uniform(key, stream, i, b)``; strength, price, b and ref are each one value
    per batch. A batch is valid until this object makes the next one (``Row``): one object per batch
    a model makes on a day.
    """

    __slots__ = ("channel", "stream", "tag", "strength", "price", "b", "ref")

    def __init__(self, channel: int, stream: int, tag: int = TAG_PLAIN):
        self.channel, self.stream, self.tag = channel, stream, tag
        self.strength, self.price, self.b, self.ref = Row(), Row(), Row(np.int64), Row(np.int64)

    def __call__(self, people: np.ndarray, strength: float, price: float, b: int, platform: int = 0,
                 ref: int = -1) -> Batch:
        """The batch of ``people`` (int64 ids; the draw counters are the ids themselves) at source ``strength``
        (probability), list ``price`` (currency), counter ``b``, ``ref`` and platform index ``platform``."""
        k = len(people)
        s, p, bb, r = self.strength, self.price, self.b, self.ref
        # ``Row.of`` written out (this runs for every batch of every day): the four rows are as long as each other,
        # and b (a function of the day) is the one that changes every day
        if len(s.buf) < k or strength != s.value or price != p.value or ref != r.value:
            s.of(k, float(strength))
            p.of(k, float(price))
            r.of(k, int(ref))
            bb.of(k, int(b))
        elif b != bb.value:
            bb.buf.fill(b)
            bb.value = b
        return Batch(self.channel, self.stream, people.astype(np.int32), s.buf[:k], p.buf[:k],
                     people.astype(np.int64, copy=False), bb.buf[:k], r.buf[:k], self.tag, platform)
