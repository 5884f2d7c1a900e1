"""Per-segment and per-profile-value readouts add up to the totals; the frequency distribution sums to buyers."""
from __future__ import annotations

import numpy as np
import pytest

from simulation import segments
from simulation.engine import simulate
from simulation.operations import ALL_ON
from simulation.reference import simulate_reference
from simulation.seeding import run_seed
from tests.test_profiles import with_profiles

#: All operation models on, repeat purchase: discounts, group-buys and repeat buyers all occur.
BUSY = dict(ALL_ON, **{"product.repeat_rate": 0.05})
#: Money totals are sums in another order: equal to a few ulps of the total.
RTOL = 1e-12


def axes_of(res_summary) -> dict[str, list[str]]:
    """Group keys per axis (segment, age, region, income) present in a summary."""
    keys = [k.split("__", 1)[1] for k in res_summary if k.startswith("people__")]
    out: dict[str, list[str]] = {}
    for k in keys:
        out.setdefault(k.split("=")[0] if "=" in k else "segment", []).append(k)
    return out


@pytest.fixture(scope="module")
def busy_run():
    return simulate(with_profiles(BUSY, n=2000, days=40), run_seed(3, 0), keep_state=True)


def test_busy_run_exercises_discounts_and_repeats(busy_run):
    s = busy_run.summary
    assert s["discount_cost"] > 0 and s["purchases"] > s["buyers"] > 0 and s["freq_3"] > 0 and s["refunds"] > 0


def test_every_axis_adds_up_to_the_totals(busy_run):
    s, d = busy_run.summary, busy_run.daily
    axes = axes_of(s)
    assert set(axes) == {"segment", "age", "region", "income"}
    for axis, keys in axes.items():
        # counts: exactly
        for m in ("people", "buyers", "purchases") + segments.FREQ_KEYS:
            total = s["n"] if m == "people" else s[m]
            assert sum(s[f"{m}__{g}"] for g in keys) == total, (axis, m)
        for m in ("buyers", "new_buyers", "purchases"):
            np.testing.assert_array_equal(sum(d[f"{m}__{g}"] for g in keys), d[m], err_msg=f"{axis} {m}")
        # money: to rounding
        for m in ("revenue", "discount_cost", "cogs"):
            assert sum(s[f"{m}__{g}"] for g in keys) == pytest.approx(s[m], rel=RTOL), (axis, m)
        for m in ("revenue", "discount_cost"):
            np.testing.assert_allclose(sum(d[f"{m}__{g}"] for g in keys), d[m], rtol=RTOL, err_msg=f"{axis} {m}")
        gross = sum(s[f"gross_profit__{g}"] for g in keys)
        assert gross - s["spend"] == pytest.approx(s["profit"], rel=RTOL)


def test_group_readouts_match_the_records(busy_run):
    s, p, st = busy_run.summary, busy_run.records["purchases"], busy_run.state
    seg = st["segment"]
    for j, name in enumerate(("young_social", "cautious")):
        mine = seg[p["buyer"]] == j
        assert s[f"purchases__{name}"] == mine.sum()
        # revenue is net of the group's returns (customer service is on in the busy run)
        ret = busy_run.records["service"]
        back = ret["refund"][ret["returned"] & (seg[ret["person"]] == j) & (ret["end_day"] <= busy_run.summary["days"])]
        assert s[f"revenue__{name}"] == pytest.approx(p["price"][mine].sum() - back.sum(), rel=RTOL)
        assert s[f"discount_cost__{name}"] == pytest.approx(p["discount"][mine].sum(), rel=RTOL)
        assert s[f"buyers__{name}"] == st["bought"][seg == j].sum()
        assert busy_run.daily[f"buyers__{name}"][-1] == s[f"buyers__{name}"]


def test_frequency_distribution(busy_run):
    s, p = busy_run.summary, busy_run.records["purchases"]
    per_buyer = np.bincount(p["buyer"], minlength=int(s["n"]))
    assert sum(s[k] for k in segments.FREQ_KEYS) == s["buyers"]
    for k in range(1, segments.FREQ_MAX):
        assert s[f"freq_{k}"] == np.count_nonzero(per_buyer == k)
    assert s[f"freq_{segments.FREQ_MAX}plus"] == np.count_nonzero(per_buyer >= segments.FREQ_MAX)
    seg = busy_run.state["segment"]
    for j, name in enumerate(("young_social", "cautious")):
        assert sum(s[f"{k}__{name}"] for k in segments.FREQ_KEYS) == s[f"buyers__{name}"]
        assert s[f"freq_2__{name}"] == np.count_nonzero((per_buyer == 2) & (seg == j))


def test_frequency_buckets():
    counts = np.array([0, 1, 1, 2, 3, 4, 5, 9, 0])
    np.testing.assert_array_equal(segments.frequency(counts), [2, 1, 1, 1, 2])


def test_reference_reports_the_same_groups_and_they_add_up():
    sc = with_profiles(BUSY, n=300, days=15)
    ref = simulate_reference(sc, run_seed(4, 0))
    eng = simulate(sc, run_seed(4, 0))
    assert set(ref.summary) == set(eng.summary) and set(ref.daily) == set(eng.daily)
    # same population draw: the group sizes are equal
    assert all(ref.summary[k] == eng.summary[k] for k in eng.summary if k.startswith("people__"))
    s = ref.summary
    for keys in axes_of(s).values():
        assert sum(s[f"purchases__{g}"] for g in keys) == s["purchases"]
        assert sum(s[f"revenue__{g}"] for g in keys) == pytest.approx(s["revenue"], rel=RTOL)
        assert sum(s[f"freq_1__{g}"] for g in keys) == s["freq_1"]
