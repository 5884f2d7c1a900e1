"""The purchase records: the ``kol`` column (derived from channel and ref when the table is read) and the column
order of ``engine.PURCHASE_COLUMNS``."""
from __future__ import annotations

import numpy as np

from simulation.config.scenario import default_scenario
from simulation.engine import PURCHASE_COLUMNS, Engine
from simulation.kernels import funnel as F


def test_the_kol_column_is_the_ref_of_kol_purchases_and_minus_one_elsewhere():
    eng = Engine(default_scenario({"graph.n": 800, "days": 30, "kol.count": 4}), 2)
    eng.run()
    t = eng.result().records["purchases"]
    assert list(t) == list(PURCHASE_COLUMNS)
    for k, dtype in PURCHASE_COLUMNS.items():
        assert t[k].dtype == dtype, k
    via_kol = t["channel"] == F.CH_KOL
    assert via_kol.sum() > 0 and (~via_kol).sum() > 0  # both kinds of rows are there
    np.testing.assert_array_equal(t["kol"][via_kol], t["ref"][via_kol])
    assert (t["kol"][~via_kol] == -1).all()
    assert (t["kol"][via_kol] >= 0).all() and (t["kol"][via_kol] < 4).all()
