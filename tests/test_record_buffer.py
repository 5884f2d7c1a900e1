"""``RecordBuffer``: rows appended in blocks (never copied when a block fills) read back as one table."""
from __future__ import annotations

import numpy as np

from simulation.record_buffer import RecordBuffer

DTYPES = {"day": np.int64, "kind": np.int8, "payee": np.int64, "amount": np.float64}


def test_rows_and_blocks_read_back_in_order():
    rng = np.random.default_rng(3)
    buf, want = RecordBuffer(DTYPES, capacity=2), {k: [] for k in DTYPES}
    for day in range(40):
        if rng.random() < 0.5:
            row = (day, int(rng.integers(0, 9)), int(rng.integers(-1, 50)), float(rng.random()))
            buf.append_row(*row)
            for key, v in zip(DTYPES, row):
                want[key].append(v)
        else:
            k = int(rng.integers(0, 7))
            payee, amount = rng.integers(-1, 50, k), rng.random(k)
            buf.append(k, day=day, kind=2, payee=payee, amount=amount)
            want["day"] += [day] * k
            want["kind"] += [2] * k
            want["payee"] += list(payee)
            want["amount"] += list(amount)
    got = buf.table()
    assert buf.size == len(want["day"]) and len(buf._full) > 1  # several blocks were filled
    for key, t in DTYPES.items():
        assert got[key].dtype == t
        np.testing.assert_array_equal(got[key], np.array(want[key], t))


def test_a_table_is_a_copy():
    buf = RecordBuffer(DTYPES, capacity=1)
    buf.append_row(1, 2, 3, 4.0)
    buf.append_row(5, 6, 7, 8.0)
    t = buf.table()
    t["amount"][:] = 0.0
    np.testing.assert_array_equal(buf.table()["amount"], [4.0, 8.0])


def test_columns_appended_in_order_read_back_as_by_name():
    rng = np.random.default_rng(5)
    by_name, in_order = RecordBuffer(DTYPES, capacity=3), RecordBuffer(DTYPES, capacity=3)
    for day in range(30):
        k = int(rng.integers(0, 6))
        payee, amount = rng.integers(-1, 50, k), rng.random(k)
        kind = int(rng.integers(0, 9))  # a scalar fills every row, as in ``append``
        by_name.append(k, day=day, kind=kind, payee=payee, amount=amount)
        in_order.append_columns(k, day, kind, payee, amount)
    a, b = by_name.table(), in_order.table()
    assert in_order.size == by_name.size > 0 and len(in_order._full) > 1
    assert list(b) == list(DTYPES)
    for key in DTYPES:
        assert b[key].dtype == a[key].dtype
        np.testing.assert_array_equal(b[key], a[key])
