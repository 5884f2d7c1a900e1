"""The observed series: a CSV file of daily or weekly sales, read with errors naming file:line.

Format: ``#`` comment lines (anywhere; the shipped example says there how it was made),
then a header whose first column is ``day`` or ``week`` and whose other columns include
the observed series named in the config, then one row per period numbered 1, 2, 3, ...
without gaps. Day d of the data is simulated day d (day 0 is the seeding day, not in
the data); week w is days 7(w - 1) + 1 .. 7w.

Observable columns (``OBSERVABLES``) are the model's per-day series: ``purchases``,
``buyers`` (first purchases, the model's ``new_buyers``), ``revenue`` and the other
per-day series of ``simulation.metrics`` under their own names. Count columns must hold
whole numbers >= 0; money columns numbers >= 0.
"""
from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulation.metrics import PER_DAY

#: Columns counting people or purchases (whole numbers >= 0); the others are money (numbers >= 0).
COUNTS = frozenset({"buyers", "new_buyers", "purchases", "negative_wom"} | {k for k in PER_DAY if k.startswith("attr_")})
#: Data column -> the model's per-day series it is compared with (profit, which can be
#: negative, is an accounting result rather than an observation, and is left out).
OBSERVABLES: dict[str, str] = {"buyers": "new_buyers", **{k: k for k in PER_DAY if k != "profit"}}
MONEY = frozenset(OBSERVABLES) - COUNTS
PERIODS = {"day": 1, "week": 7}


class DataError(ValueError):
    """The observed data file is unusable; the message names file:line."""


@dataclass(frozen=True)
class ObservedSeries:
    """Observed values per period.

    period : ``"day"`` or ``"week"``; values : column -> array, one value per period
    (period k + 1 at index k); path / sha256 : the file read (None for in-memory data).
    """

    period: str
    values: dict[str, np.ndarray]
    path: Path | None = None
    sha256: str | None = None

    @property
    def n_periods(self) -> int:
        return len(next(iter(self.values.values())))

    @property
    def days(self) -> int:
        """Days the data spans (simulated days 1..days)."""
        return self.n_periods * PERIODS[self.period]

    def head(self, weeks: int) -> ObservedSeries:
        """The first ``weeks`` weeks (the fit window)."""
        k = weeks * 7 // PERIODS[self.period]
        return ObservedSeries(self.period, {c: v[:k] for c, v in self.values.items()}, self.path, self.sha256)

    def weekly(self) -> dict[str, np.ndarray]:
        """Weekly totals of every column (a last partial week of daily data is a shorter week)."""
        return {c: weekly_totals(v, self.period) for c, v in self.values.items()}


def weekly_totals(values: np.ndarray, period: str) -> np.ndarray:
    """Sum per-period values (last axis) into weeks; ``period`` is that axis's period."""
    values = np.asarray(values, np.float64)
    if period == "week":
        return values
    n = values.shape[-1]
    edges = np.arange(0, n, 7)
    return np.add.reduceat(values, edges, axis=-1) if n else values


def per_period(daily: np.ndarray, period: str, n_periods: int) -> np.ndarray:
    """A simulated per-day series (index = day, day 0 the seeding day) as ``n_periods`` data periods."""
    step = PERIODS[period]
    x = np.asarray(daily, np.float64)[1: 1 + n_periods * step]
    return x.reshape(n_periods, step).sum(axis=1) if step > 1 else x


def _number(text: str, column: str, where: str) -> float:
    if not text.strip():
        raise DataError(f"{where}: empty value in column {column!r}")
    try:
        x = float(text)
    except ValueError:
        raise DataError(f"{where}: column {column!r}: {text.strip()!r} is not a number") from None
    if not math.isfinite(x) or x < 0:
        raise DataError(f"{where}: column {column!r}: {text.strip()!r} is not a finite number >= 0")
    if column not in MONEY and x != int(x):
        raise DataError(f"{where}: column {column!r}: {text.strip()!r} is not a whole number (a count)")
    return x


def read_series(path: str | Path, columns: list[str]) -> ObservedSeries:
    """Read the observed ``columns`` from a CSV file (format in the module docstring).

    Raises ``DataError`` naming ``file:line`` (or the file) for anything unusable.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such data file") from None
    except OSError as e:
        raise DataError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for lineno, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in row]
        if header is None:
            header = cells
            first = header[0].lower()
            if first not in PERIODS:
                raise DataError(f"{path}:{lineno}: the first column must be 'day' or 'week', got {header[0]!r}")
            missing = [c for c in columns if c not in header]
            if missing:
                raise DataError(f"{path}:{lineno}: no column {missing[0]!r} (columns: {', '.join(header[1:])})")
            if len(set(header)) != len(header):
                raise DataError(f"{path}:{lineno}: duplicate column names in the header")
            continue
        if len(cells) != len(header):
            raise DataError(f"{path}:{lineno}: {len(cells)} fields, the header has {len(header)}")
        rows.append((lineno, cells))
    if header is None:
        raise DataError(f"{path}: no header line (expected e.g. 'day,purchases')")
    if not rows:
        raise DataError(f"{path}: no data rows after the header")
    period = header[0].lower()
    index = {c: header.index(c) for c in columns}
    values = {c: np.empty(len(rows)) for c in columns}
    for k, (lineno, cells) in enumerate(rows):
        where = f"{path}:{lineno}"
        try:
            label = int(cells[0])
        except ValueError:
            raise DataError(f"{where}: {period} {cells[0]!r} is not a whole number") from None
        if label != k + 1:
            raise DataError(f"{where}: expected {period} {k + 1} (rows numbered 1, 2, 3 ... without gaps), got {label}")
        for c, j in index.items():
            values[c][k] = _number(cells[j], c, where)
    return ObservedSeries(period, values, path, hashlib.sha256(raw).hexdigest())
