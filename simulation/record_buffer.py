"""A record table that grows by appending rows day by day (the engine's purchases and payments).

Columns are typed arrays with spare room, doubled when full, so appending k rows costs
O(k) amortised and no per-day dict of fresh arrays is kept; ``table()`` returns the rows
so far as one array per column, as if the days' parts had been concatenated and cast.
"""
from __future__ import annotations

import numpy as np


class RecordBuffer:
    """Columns ``dtypes`` (name -> numpy dtype) of a table appended to in place.

    capacity : rows allocated at first (grown by doubling).
    """

    def __init__(self, dtypes: dict[str, type], capacity: int = 256):
        self.dtypes = dict(dtypes)
        self.cols = {k: np.empty(capacity, t) for k, t in self.dtypes.items()}
        self.capacity = capacity
        self.size = 0

    def _grow(self, need: int) -> None:
        new = max(2 * self.capacity, need)
        for name, col in self.cols.items():
            grown = np.empty(new, col.dtype)
            grown[: self.size] = col[: self.size]
            self.cols[name] = grown
        self.capacity = new

    def append(self, k: int, **values) -> None:
        """Append ``k`` rows: each column's value is an array of length ``k`` or a scalar (every row)."""
        if k == 0:
            return
        start = self.size
        end = start + k
        if end > self.capacity:
            self._grow(end)
        self.size = end
        cols = self.cols
        for name, v in values.items():
            cols[name][start:end] = v

    def table(self) -> dict[str, np.ndarray]:
        """The rows so far: one array (a copy) per column, in column order."""
        return {k: v[: self.size].copy() for k, v in self.cols.items()}
