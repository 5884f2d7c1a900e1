"""State kept incrementally equals the whole-population scan it replaces, every day.

Mark counters (``Engine.marked``) equal a count of the marks; the store model's coupon
holders and community members (sorted id lists) equal ``np.flatnonzero`` of its arrays.

The daily series exposed, interested, buyers and sharers are read from counters kept as
the marks are set (``Engine.mark``, the evaluation kernel's ``C_NEW_*`` slots,
``mark_bought``) instead of a whole-population ``count_nonzero`` per day. These runs step
scenarios that set the marks through every path (every operation model on: the event
model marks group-buy joiners and bargainers as sharers; three platforms: marks merged from
the platforms' rows; a market with a rival: engines sharing one population) and compare
each counter with ``np.count_nonzero`` of its mark after every day. Exact integers: any
missed or double-counted write fails.
"""
from __future__ import annotations

import numpy as np
import pytest

from simulation.config.scenario import load_scenario
from simulation.engine import Engine
from simulation.market import Market
from simulation.operations import ALL_ON
from simulation.seeding import run_seed
from tests.test_engine import small_scenario

FLAGS = {"exposed": "exposed", "interested": "interested", "bought": "buyers", "shared": "sharers"}


def _check(eng: Engine) -> None:
    for flag, series in FLAGS.items():
        want = int(np.count_nonzero(getattr(eng, flag)))
        assert eng.marked[flag] == want, (eng.day, flag, eng.marked[flag], want)
        assert eng.daily[series][eng.day] == want, (eng.day, series)
    store = eng.op("store")
    if store is not None:
        assert np.array_equal(store.holders, np.flatnonzero(store.coupon > 0)), eng.day
        assert np.array_equal(store.members, np.flatnonzero(store.member)), eng.day


def _three_platforms(n: int) -> dict:
    return {"funnel.platform_rate": 0.0, "platforms": [
        {"name": "messaging", "members": 0.9, "share": {"rate": 1.0, "strength": 1.2},
         "feed": {"rate": 0.002, "strength": 0.05}},
        {"name": "video", "graph": {"generator": "barabasi_albert", "n": n, "m": 3}, "members": 0.6,
         "share": {"rate": 0.4, "strength": 0.5}, "feed": {"rate": 0.005, "strength": 0.05, "interest_weight": 2.0}},
        {"name": "marketplace", "members": 0.7, "share": {"rate": 0.0}, "feed": {"rate": 0.003, "strength": 0.06}}]}


@pytest.mark.parametrize("extra", [{}, "platforms"], ids=["all_models", "three_platforms"])
def test_counters_equal_counts_every_day(extra):
    n = 2000
    over = {**ALL_ON, "product.repeat_rate": 0.02, **(_three_platforms(n) if extra == "platforms" else {})}
    eng = Engine(small_scenario(over, n=n, days=40), run_seed(3, 0))
    assert eng.several == (extra == "platforms")
    _check(eng)  # day 0: the seeds
    while eng.day < eng.days:
        eng.step()
        _check(eng)
    assert eng.marked["shared"] > 0 and eng.marked["bought"] > 0
    store = eng.op("store")
    assert store.coupons > 0 and len(store.members) > 0  # the lists were exercised


def test_counters_in_a_market_with_a_rival():
    raw = small_scenario({**ALL_ON}, n=2000, days=30).model_dump(mode="json")
    raw.update(rival={}, market={"substitution": 0.5, "negative_switch": 0.1})
    m = Market(load_scenario(raw), run_seed(4, 0))
    assert len(m.engines) == 2
    while m.day < m.days:
        m.step()
        for eng in m.engines:
            _check(eng)
