"""A record table that grows by appending rows day by day (the engine's purchases and payments).

Columns are typed arrays with spare room, so appending k rows costs O(k) and no per-day
dict of fresh arrays is kept. When a block is full the next one (twice as large) is
started and the full block is kept as it is, never copied: growing costs nothing at
10^6 people (a doubling copy of ten columns cost ~20 ms once the table held ~10^6 rows).
``table()`` returns the rows so far as one array per column, as if the days' parts had
been concatenated and cast.
"""
from __future__ import annotations

import numpy as np


class RecordBuffer:
    """Columns ``dtypes`` (name -> numpy dtype) of a table appended to in place.

    capacity : rows of the first block (each further block is twice the last, or the rows appended).
    """

    def __init__(self, dtypes: dict[str, type], capacity: int = 256):
        self.dtypes = dict(dtypes)
        self.cols = {k: np.empty(capacity, t) for k, t in self.dtypes.items()}
        self._col_list = list(self.cols.values())  # the current block's columns in column order (``append_row``)
        self._full: list[dict[str, np.ndarray]] = []  # earlier blocks, each trimmed to its rows
        self.capacity = capacity  # of the current block
        self.used = 0  # rows in the current block
        self.size = 0  # rows in all blocks

    def _next_block(self, need: int) -> None:
        """Keep the current block's rows and start one with room for at least ``need`` rows."""
        if self.used:
            self._full.append({k: v[: self.used] for k, v in self.cols.items()})
        self.capacity = max(2 * self.capacity, need)
        self.cols = {k: np.empty(self.capacity, t) for k, t in self.dtypes.items()}
        self._col_list = list(self.cols.values())
        self.used = 0

    def _claim(self, k: int) -> tuple[int, int]:
        """Room for ``k`` more rows: their (start, end) in the current block's columns."""
        if self.used + k > self.capacity:
            self._next_block(k)
        start = self.used
        self.used = start + k
        self.size += k
        return start, start + k

    def append(self, k: int, **values) -> None:
        """Append ``k`` rows: each column's value is an array of length ``k`` or a scalar (every row)."""
        if k == 0:
            return
        start, end = self._claim(k)
        cols = self.cols
        for name, v in values.items():
            cols[name][start:end] = v

    def append_columns(self, k: int, *values) -> None:
        """Append ``k`` rows given one value per column in column order (each as in ``append``)."""
        if k == 0:
            return
        start, end = self._claim(k)
        for col, v in zip(self._col_list, values):
            col[start:end] = v

    def append_row(self, *values) -> None:
        """Append one row: one scalar per column, in column order."""
        if self.used == self.capacity:
            self._next_block(1)
        j = self.used
        for col, v in zip(self._col_list, values):
            col[j] = v
        self.used = j + 1
        self.size += 1

    def table(self) -> dict[str, np.ndarray]:
        """The rows so far: one array (a copy) per column, in column order."""
        if not self._full:
            return {k: v[: self.used].copy() for k, v in self.cols.items()}
        return {k: np.concatenate([b[k] for b in self._full] + [v[: self.used]]) for k, v in self.cols.items()}
