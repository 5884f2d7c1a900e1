"""``Engine.pay``: one payment given as scalars books exactly what the same payment as arrays books."""
from __future__ import annotations

import numpy as np

from simulation.config.scenario import default_scenario
from simulation.engine import Engine


def _engine():
    return Engine(default_scenario({"graph.n": 200, "days": 5}), 3)


def test_a_scalar_payment_books_like_arrays():
    a, b = _engine(), _engine()
    for day, kind, payee, amount in [(1, "content_cost", -1, 100.0), (2, "partner_fee", -1, 0.1), (2, "kol_fee", 4, 7),
                                     (2, "partner_fee", -1, 0.2), (3, "event_setup", -1, 2000.0)]:
        a.pay(day, kind, payee, amount)  # the one-row path
        b.pay(day, kind, np.array([payee]), np.array([amount], float))  # the array path
    ta, tb = a._payments.table(), b._payments.table()
    for key in ta:
        assert ta[key].dtype == tb[key].dtype
        np.testing.assert_array_equal(ta[key], tb[key])
    for key in a.daily:
        np.testing.assert_array_equal(a.daily[key], b.daily[key])
    assert a.daily["partner_spend"][2] == 0.1 + 0.2 and a.daily["kol_spend"][2] == 7.0
