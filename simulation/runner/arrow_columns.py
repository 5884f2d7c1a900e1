"""Arrow arrays built from numpy's bytes, so that a sweep never imports pandas.

pyarrow imports pandas the first time ``pa.array`` or ``Array.to_numpy`` runs (it checks
every input for a pandas object): ~0.2 s of CPU that the sweep's process and the pool's
fork server would each pay before their first run, for nothing a sweep uses. These
functions build the same arrays as ``pa.array`` (same type, same values, no validity
bitmap) straight from the buffers, and fall back to ``pa.array`` for anything else
(object arrays, missing values, mixed types), where its own rules apply unchanged.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pyarrow as pa

#: numpy kinds whose bytes are an Arrow array's values as they are (signed, unsigned, floating).
_PLAIN_KINDS = "iuf"
#: Largest total of UTF-8 bytes a ``string`` array (32-bit offsets) holds.
_STRING_BYTES = 2**31 - 1


def from_numpy(values: np.ndarray) -> pa.Array:
    """A 1-D numpy array (numbers, bools, text) as ``pa.array(values)`` makes it (NaN stays a value)."""
    a = np.asarray(values)
    if a.ndim == 1 and a.dtype.isnative and a.dtype.kind in _PLAIN_KINDS:
        a = np.ascontiguousarray(a)
        return pa.Array.from_buffers(pa.from_numpy_dtype(a.dtype), len(a), [None, pa.py_buffer(a)])
    if a.ndim == 1 and a.dtype == np.bool_:
        bits = np.packbits(a, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(a), [None, pa.py_buffer(bits)])
    if a.ndim == 1 and a.dtype.kind == "U":
        text = a.tolist()
        arr = None if any("\x00" in v for v in text) else _utf8(text)  # pa.array ends numpy text at a NUL
        if arr is not None:
            return arr
    return pa.array(a)


def strings(values: Sequence[str]) -> pa.Array:
    """Python strings as an Arrow ``string`` array, as ``pa.array(values, pa.string())`` makes it."""
    arr = _utf8(values)
    return arr if arr is not None else pa.array(values, pa.string())


def column(values, type: pa.DataType) -> pa.Array:  # noqa: A002 - the name pa.array uses
    """``values`` (a list or numpy array) as ``pa.array(values, type)`` makes it, for int64, float64 and string."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iufb" and pa.from_numpy_dtype(values.dtype) == type:
        return from_numpy(values)
    if type == pa.string():
        return strings(values)
    numbers = _ints(values) if type == pa.int64() else _floats(values) if type == pa.float64() else None
    return from_numpy(numbers) if numbers is not None else pa.array(values, type)


def inferred(values) -> pa.Array:
    """``values`` as ``pa.array(values)`` infers it: numpy arrays by dtype, non-empty lists of only
    Python ints, floats, bools or strings directly; anything else through ``pa.array``."""
    if isinstance(values, np.ndarray):
        return from_numpy(values)
    kinds = {type(v) for v in values}
    numbers = None
    if kinds == {int}:
        numbers = _ints(values)
    elif kinds == {float}:
        numbers = _floats(values)
    elif kinds == {bool}:
        numbers = np.asarray(values, dtype=np.bool_)
    elif kinds == {str}:
        return strings(values)
    return from_numpy(numbers) if numbers is not None else pa.array(values)


def int64_values(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An int64 column without nulls as a numpy array (what ``to_numpy`` gives, without pandas)."""
    return np.asarray(column.to_pylist(), dtype=np.int64)


def _ints(values) -> np.ndarray | None:
    """Python or numpy signed ints (not bools) as int64; None when any is not one or does not fit."""
    if not all(type(v) is int or isinstance(v, np.signedinteger) for v in values):
        return None
    try:
        return np.asarray(values, dtype=np.int64)
    except OverflowError:  # pa.array's rules (and error) apply
        return None


def _floats(values) -> np.ndarray | None:
    """Python floats or numpy float64/float32 values as float64 (exact); None when any is something else."""
    if not all(type(v) is float or isinstance(v, (np.float64, np.float32)) for v in values):
        return None
    return np.asarray(values, dtype=np.float64)


def _utf8(values) -> pa.Array | None:
    """Python strings as a ``string`` array from their UTF-8 bytes; None when one is not a str, cannot
    be encoded (a lone surrogate: ``pa.array``'s own error then says which) or they exceed 2 GB."""
    if not all(type(v) is str for v in values):
        return None
    try:
        encoded = [v.encode("utf-8") for v in values]
    except UnicodeEncodeError:
        return None
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=offsets[1:])
    if offsets[-1] > _STRING_BYTES:
        return None
    data = pa.py_buffer(b"".join(encoded))
    return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets.astype(np.int32)), data])
