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
        self.size = 0

    def rows(self, k: int) -> slice:
        """Reserve ``k`` new rows (growing the columns if needed) and return their slice, to be filled."""
        start, end = self.size, self.size + k
        cap = len(next(iter(self.cols.values())))
        if end > cap:
            new = max(2 * cap, end)
            for name, col in self.cols.items():
                grown = np.empty(new, col.dtype)
                grown[:start] = col[:start]
                self.cols[name] = grown
        self.size = end
        return slice(start, end)

    def append(self, k: int, **values) -> None:
        """Append ``k`` rows: each column's value is an array of length ``k`` or a scalar (every row)."""
        if k == 0:
            return
        s = self.rows(k)
        for name, v in values.items():
            self.cols[name][s] = v

    def table(self) -> dict[str, np.ndarray]:
        """The rows so far: one array (a copy) per column, in column order."""
        return {k: v[: self.size].copy() for k, v in self.cols.items()}
