"""``product.launch_day`` in a single run (``simulation.engine``, launch): nothing before it, seeds buy on it.

Exact checks on fixed seeds: launch day 1 is launch day 0 draw for draw; with a late
launch every daily series is 0 before the launch day, the seeds (the same people) buy
on it and only there, and no lever is paid before it.
"""
from __future__ import annotations

import numpy as np

from simulation.config.scenario import default_scenario_dict, load_scenario
from simulation.engine import simulate
from simulation.kernels import funnel as F
from simulation.reference import simulate_reference
from simulation.seeding import run_seed

L = 12


def raw(**product) -> dict:
    """The default scenario on a 2,000-person graph, 40 days, KOLs posting from day 1, no repeat purchase,
    with ``product`` keys."""
    d = default_scenario_dict()
    d["days"] = 40
    d["graph"] = {"generator": "powerlaw_cluster", "n": 2000, "m": 4, "p": 0.3}
    d["kol"].update(count=3, start_day=1, end_day=40, engagement_rate=0.3, credibility=0.15)
    d["product"].update(repeat_rate=0.0, **product)  # a repeat purchase is credited to the first's channel
    return d


def test_launch_day_one_is_today_draw_for_draw():
    a = simulate(load_scenario(raw()), run_seed(5, 0))
    b = simulate(load_scenario(raw(launch_day=1)), run_seed(5, 0))
    assert a.summary.keys() == b.summary.keys()
    for k, v in a.summary.items():
        assert b.summary[k] == v or (np.isnan(v) and np.isnan(b.summary[k])), k
    for k, v in a.records["purchases"].items():
        np.testing.assert_array_equal(b.records["purchases"][k], v, err_msg=k)


def test_nothing_happens_before_the_launch_and_seeds_buy_on_it():
    res = simulate(load_scenario(raw(launch_day=L)), run_seed(5, 0))
    for k, v in res.daily.items():
        if k != "roas":
            assert not np.any(v[:L]), f"{k} is not 0 before the launch"
    p, pay = res.records["purchases"], res.records["payments"]
    seed = p["channel"] == F.CH_SEED
    assert seed.sum() == 20 and (p["day"][seed] == L).all()  # default seeding.count = 20, all on day L
    assert (p["day"] >= L).all() and (pay["day"] >= L).all() and len(pay["day"]) > 0  # KOL fees from day L
    # the same people as the seeds of a launch on day 0; none bought twice on the launch day
    on_time = simulate(load_scenario(raw()), run_seed(5, 0)).records["purchases"]
    seeds_on_time = on_time["buyer"][on_time["channel"] == F.CH_SEED]
    np.testing.assert_array_equal(np.sort(p["buyer"][seed]), np.sort(seeds_on_time))
    first = p["buyer"][p["day"] == L]
    assert len(np.unique(first)) == len(first)
    # they were sold at the day's list price and their words reach friends from day L + 1
    assert (p["price"][seed] == 99.0).all()
    assert res.daily["attr_friend"][L] == 0 and res.daily["attr_friend"][L + 1:].sum() > 0


def test_reference_honours_the_launch_day():
    res = simulate_reference(load_scenario(dict(raw(launch_day=L), graph={"generator": "powerlaw_cluster",
                                                                           "n": 300, "m": 3, "p": 0.3})),
                             run_seed(5, 0))
    assert not res.daily["purchases"][:L].any() and not res.daily["spend"][:L].any()
    assert res.daily["attr_seed"][L] == 20 and res.daily["attr_seed"].sum() == 20
