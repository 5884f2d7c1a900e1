"""Arrow arrays from numpy's bytes: the same arrays (and Parquet bytes) as ``pa.array``, without pandas."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulation.runner.arrow_columns import column, from_numpy, inferred, int64_values

ROOT = Path(__file__).resolve().parents[2]
DTYPES = [np.int64, np.int32, np.uint8, np.uint64, np.float64, np.float32, np.bool_]


def parquet_bytes(arr: pa.Array) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_arrays([arr], names=["x"]), sink)
    return sink.getvalue().to_pybytes()


def assert_same(got: pa.Array, want: pa.Array) -> None:
    """Same type, length, nulls and bytes (NaN payloads included: compared as Parquet files)."""
    assert got.type == want.type and len(got) == len(want) and got.null_count == want.null_count == 0
    assert parquet_bytes(got) == parquet_bytes(want)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DTYPES).flatmap(lambda t: hnp.arrays(t, st.integers(0, 40))))
def test_from_numpy_equals_pa_array(a):
    assert_same(from_numpy(a), pa.array(a))


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(hnp.unicode_string_dtypes(max_len=6), st.integers(0, 20)))
def test_from_numpy_text_equals_pa_array(a):
    try:
        want = pa.array(a)
    except UnicodeError as e:  # a lone surrogate: the same error
        with pytest.raises(type(e)):
            from_numpy(a)
        return
    assert_same(from_numpy(a), want)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, st.integers(0, 30), elements=st.floats(allow_nan=True, allow_infinity=True)))
def test_a_strided_float_array_and_nan_payloads_survive(a):
    b = np.repeat(a, 2)[::2]  # not contiguous
    assert_same(from_numpy(b), pa.array(b))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-2**63, 2**63 - 1), max_size=30))
def test_int64_column_equals_pa_array(values):
    assert_same(column(values, pa.int64()), pa.array(values, pa.int64()))
    assert int64_values(pa.chunked_array([pa.array(values, pa.int64())])).tolist() == values


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30))
def test_float64_column_equals_pa_array(values):
    assert_same(column(values, pa.float64()), pa.array(values, pa.float64()))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=30))
def test_string_column_equals_pa_array(values):
    assert_same(column(values, pa.string()), pa.array(values, pa.string()))


@settings(max_examples=80, deadline=None)
@given(st.one_of(st.lists(st.integers(-2**63, 2**63 - 1), min_size=1, max_size=20),
                 st.lists(st.floats(), min_size=1, max_size=20), st.lists(st.booleans(), min_size=1, max_size=20),
                 st.lists(st.text(max_size=8), min_size=1, max_size=20)))
def test_inferred_equals_pa_array(values):
    assert_same(inferred(values), pa.array(values))


def test_what_is_not_plain_goes_through_pa_array():
    for values, typ in (([1, None, 3], pa.int64()), ([1.5, None], pa.float64()), (["a", None], pa.string()),
                        ([1, 2], pa.int32()), ([1, 2.0], pa.float64())):
        assert column(values, typ).equals(pa.array(values, typ))
    for values in ([1, 2.5], [True, None], [[1, 2], [3]], [np.int32(4)], []):
        assert inferred(values).equals(pa.array(values))
    for build in (lambda: from_numpy(np.array(["\ud800"])), lambda: pa.array(np.array(["\ud800"]))):
        with pytest.raises(UnicodeDecodeError):  # pa.array's error for a lone surrogate in numpy text
            build()
    text = np.array(["\x000", "ab\x00c", "x"])  # pa.array ends numpy text at a NUL
    assert from_numpy(text).equals(pa.array(text)) and from_numpy(text).to_pylist() == ["", "ab", "x"]
    for build in (lambda: column([2**63], pa.int64()), lambda: inferred([2**63])):
        with pytest.raises(OverflowError):  # pa.array's own error
            build()


def test_a_sweep_never_imports_pandas(tmp_path):
    # pandas costs ~0.2 s of CPU in every process before its first run; a sweep has no use for it
    probe = ("import json, sys\nfrom simulation.cli import main\n"
             "status = main(['sweep', sys.argv[1], '--set', 'sweep.replications=2', '--set', 'days=8',"
             " '--set', 'graph.n=300', '--workers', sys.argv[2], '--out', sys.argv[3], '--quiet'])\n"
             "print(json.dumps([status, 'pandas' in sys.modules]))")
    for workers in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", probe, str(ROOT / "experiments" / "quick.toml"), workers,
                              str(tmp_path / f"out{workers}")], capture_output=True, text=True, cwd=ROOT)
        assert out.returncode == 0, out.stderr[-2000:]
        assert json.loads(out.stdout.strip().splitlines()[-1]) == [0, False], workers
        assert pq.read_table(tmp_path / f"out{workers}" / "runs.parquet").num_rows == 18
    # platforms, KOL tables with text columns, list-valued design columns ([[sweep.scenarios]])
    probe = probe.replace("'--set', 'graph.n=300', ", "")
    out = subprocess.run([sys.executable, "-c", probe, str(ROOT / "experiments" / "channel_mix.toml"), "1",
                          str(tmp_path / "mix")], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [0, False]
    assert "platforms.1.ads.target.segments" in pq.read_table(tmp_path / "mix" / "runs.parquet").column_names


def _old_design_column(values: list) -> pa.Array:
    """``storage.design_column`` as it was, all through ``pa.array``."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        if all(isinstance(v, int) for v in values):
            return pa.array(values, pa.int64())
        return pa.array([float(v) for v in values], pa.float64())
    try:
        arr = pa.array(values)
        if pa.types.is_boolean(arr.type) or pa.types.is_string(arr.type):
            return arr
    except (pa.ArrowException, TypeError, ValueError):
        pass
    return pa.array([json.dumps(v, sort_keys=True) for v in values], pa.string())


_VALUE = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.floats(), st.booleans(), st.text(max_size=5),
                   st.lists(st.text(max_size=3), max_size=2))


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(_VALUE, min_size=1, max_size=6),
                 st.sampled_from([st.none(), st.booleans(), st.text(max_size=4)]).flatmap(
                     lambda first: st.lists(st.one_of(first, st.none()), min_size=1, max_size=6))))
def test_design_columns_are_what_pa_array_made_of_them(values):
    from simulation.runner.storage import design_column

    got, want = design_column(values), _old_design_column(values)
    assert got.type == want.type and got.null_count == want.null_count
    assert parquet_bytes(got) == parquet_bytes(want)
