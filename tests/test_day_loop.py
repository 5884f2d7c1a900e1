"""The day loop's bookkeeping: phase 2-3 hooks only on days with purchases; records and last buyers as booked."""
from __future__ import annotations

import numpy as np

from simulation.config.scenario import default_scenario
from simulation.engine import Engine
from simulation.operations.base import Operation


class _Spy(Operation):
    name = "spy"
    label = "spy"

    def __init__(self, engine):
        super().__init__(None, engine)
        self.days = {"price_cut": [], "on_purchases": [], "satisfaction": [], "route": []}

    def route(self, day, purchases):
        self.days["route"].append(day)
        return purchases

    def price_cut(self, purchases):
        self.days["price_cut"].append(self.engine.day)
        assert len(purchases["buyer"])
        return np.zeros(len(purchases["buyer"]))

    def on_purchases(self, day, purchases):
        self.days["on_purchases"].append(day)
        np.testing.assert_array_equal(purchases["buyer"], self.engine.last_buyers)

    def satisfaction(self, day, purchases, p):
        self.days["satisfaction"].append(day)
        return p


def _engine():
    sc = default_scenario({"graph.n": 400, "days": 40, "seeding.count": 5, "kol.count": 0,
                           "funnel.platform_rate": 0.002, "product.repeat_rate": 0.02})
    return Engine(sc, 3)


def test_purchase_hooks_run_only_on_days_with_purchases_and_route_every_day():
    eng = _engine()
    spy = _Spy(eng)
    eng.attach(spy)
    eng.run()
    res = eng.result()
    bought_days = [d for d in range(1, 41) if res.daily["purchases"][d] > 0]
    assert 0 < len(bought_days) < 40  # both kinds of day occur, so the test can tell them apart
    assert spy.days["route"] == list(range(1, 41))
    for hook in ("price_cut", "on_purchases", "satisfaction"):
        assert spy.days[hook] == bought_days, hook


def test_records_hold_every_booked_purchase_in_booking_order():
    eng = _engine()
    eng.run()
    rec = eng.result().records["purchases"]
    assert len(rec["day"]) == int(eng.result().daily["purchases"].sum())
    assert (np.diff(rec["day"]) >= 0).all()
    np.testing.assert_array_equal(rec["buyer"][rec["day"] == eng.day], eng.last_buyers)  # the last day's, maybe none
