"""The Mesa model steps the same engine as ``simulate`` (identical results for one seed)."""
from __future__ import annotations

import numpy as np

from simulation.engine import simulate
from simulation.metrics import OPERATION_SERIES
from simulation.model import KOLAgent, SocialCommerceModel
from simulation.seeding import run_seed
from tests.test_engine import ALL_ON, small_scenario


def test_mesa_model_equals_simulate():
    sc = small_scenario({**ALL_ON, "kol.fee_per_post": 100.0}, n=1000, days=15)
    model = SocialCommerceModel(sc, seed=run_seed(3, 1))
    while model.running:
        model.step()
    assert model.day == 15
    ref = simulate(sc, run_seed(3, 1))
    res = model.result()
    for k in ref.daily:
        np.testing.assert_array_equal(res.daily[k], ref.daily[k])
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 16
    np.testing.assert_array_equal(df["buyers"].to_numpy(), ref.daily["buyers"])
    for series in OPERATION_SERIES:  # each operation model's declared series is collected too
        np.testing.assert_array_equal(df[series].to_numpy(), ref.daily[series])
    kols = list(model.agents_by_type[KOLAgent])
    assert len(kols) == sc.kol.count
    assert sum(k.fees_paid for k in kols) == ref.summary["kol_spend"] > 0
