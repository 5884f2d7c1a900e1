"""Platforms as layers over one population (``simulation.platforms``): reductions, attribution, directions."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from simulation.config.scenario import default_scenario_dict, load_scenario, apply_overrides
from simulation.engine import simulate
from simulation.ledger import PAYMENT_KINDS
from simulation.operations import ALL_ON, CHANNELS

N, DAYS = 3000, 40
SEEDS = (0, 1, 2)


def _base(**extra) -> dict:
    over = dict(ALL_ON, **{"graph.n": N, "days": DAYS, "funnel.platform_rate": 0.01, "kol.count": 5,
                           "kol.commission_rate": 0.1, "kol.fee_per_post": 20.0})
    over.update(extra)
    return apply_overrides(default_scenario_dict(), over)


def _mirror(raw: dict, *more: dict) -> dict:
    """``raw`` with its funnel platform moved into a first declared platform that mirrors it."""
    out = dict(raw, funnel=dict(raw["funnel"], platform_rate=0.0))
    out["platforms"] = [{"name": "main", "feed": {"rate": raw["funnel"]["platform_rate"],
                                                   "strength": raw["funnel"].get("platform_strength", 0.05)}},
                        *more]
    return out


def _same(a, b, skip=("platform_",)):
    """Assert two results equal draw for draw (summary, daily, every record table; NaN == NaN)."""
    for k, v in a.summary.items():
        w = b.summary[k]
        assert v == w or (math.isnan(v) and math.isnan(w)), (k, v, w)
    for k, v in a.daily.items():
        np.testing.assert_array_equal(v, b.daily[k], err_msg=k)
    for table, cols in a.records.items():
        for c, v in cols.items():
            if (table, c) == ("kols", "platform"):
                continue  # the host platform's name ("" without [[platforms]]), not a draw
            np.testing.assert_array_equal(v, b.records[table][c], err_msg=f"{table}.{c}")


@pytest.mark.parametrize("seed", SEEDS)
def test_one_mirroring_platform_is_todays_model_draw_for_draw(seed):
    raw = _base()
    plain = simulate(load_scenario(raw), seed, counterfactual=True)
    layered = simulate(load_scenario(_mirror(raw)), seed, counterfactual=True)
    assert plain.summary["attr_kol"] > 0 and plain.summary["attr_platform"] > 0 and plain.summary["attr_event"] > 0
    _same(plain, layered)
    # and the per-platform readouts of the single platform are the whole run's
    assert layered.summary["platform_purchases__main"] == plain.summary["purchases"]
    assert layered.summary["platform_buyers__main"] == plain.summary["buyers"]
    assert layered.summary["platform_exposed__main"] == plain.summary["exposed"]
    # platform revenue is before returns (refunds are booked for the run, not per platform)
    assert layered.summary["platform_revenue__main"] == pytest.approx(plain.summary["revenue"] + plain.summary["refunds"],
                                                                      rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_a_platform_with_no_members_and_no_reach_changes_nothing(seed):
    raw = _mirror(_base())
    ghost = {"name": "ghost", "members": 0.0, "graph": {"generator": "erdos_renyi", "n": N, "mean_degree": 8.0},
             "feed": {"rate": 0.0}, "share": {"rate": 1.0, "strength": 5.0}}
    one = simulate(load_scenario(raw), seed)
    two = simulate(load_scenario(_mirror(_base(), ghost)), seed)
    _same(one, two)
    assert two.summary["platform_exposed__ghost"] == 0 and two.summary["platform_purchases__ghost"] == 0


def _three(**ads) -> dict:
    raw = _base(**{"funnel.platform_rate": 0.0})
    raw["platforms"] = [
        {"name": "chat", "members": 0.9, "share": {"rate": 0.8, "strength": 1.5}},
        {"name": "video", "graph": {"generator": "barabasi_albert", "n": N, "m": 3}, "members": 0.7,
         "share": {"rate": 0.3, "strength": 0.5}, "feed": {"rate": 0.01, "strength": 0.03, "interest_weight": 2.0},
         "ads": {"budget": 30.0, "strength": 0.03, "target": {"cost_per_exposure": 0.5}}},
        {"name": "market", "members": 0.5, "share": {"rate": 0.0},
         "feed": {"rate": 0.02, "strength": 0.04},
         "ads": {"budget": 20.0, "strength": 0.04, "target": {"cost_per_exposure": 0.4, **ads}}},
    ]
    raw["kol"] = dict(raw["kol"], platform="video")
    return raw


def test_attribution_sums_to_purchases_per_platform_and_ledger_holds():
    res = simulate(load_scenario(_three()), 4, counterfactual=True)
    s, d, p = res.summary, res.daily, res.records["purchases"]
    names = ("chat", "video", "market")
    for j, q in enumerate(names):
        attr = sum(s[f"platform_attr_{c}__{q}"] for c in CHANNELS)
        assert attr == s[f"platform_purchases__{q}"] == np.count_nonzero(p["platform"] == j)
        np.testing.assert_allclose(sum(d[f"platform_attr_{c}__{q}"] for c in CHANNELS), d[f"platform_purchases__{q}"])
        assert s[f"platform_revenue__{q}"] == pytest.approx(p["price"][p["platform"] == j].sum(), rel=1e-12)
        assert s[f"platform_buyers__{q}"] <= s[f"platform_exposed__{q}"]
    for c in CHANNELS:
        assert sum(s[f"platform_attr_{c}__{q}"] for q in names) == s[f"attr_{c}"]
    assert sum(s[f"platform_purchases__{q}"] for q in names) == s["purchases"]
    assert sum(s[f"platform_buyers__{q}"] for q in names) == s["buyers"]
    # every channel of the layered world sells: shares on two platforms, feeds, ads, KOLs on "video"
    assert s["platform_attr_friend__chat"] > 0 and s["platform_attr_friend__video"] > 0
    assert s["platform_attr_friend__market"] == 0  # nobody shares on the marketplace
    assert s["platform_attr_kol__video"] == s["attr_kol"] > 0
    assert s["platform_attr_ads__video"] > 0 and s["platform_attr_ads__market"] > 0
    # money: ads are booked, per platform and in the ledger's identity
    assert s["ads_spend"] == pytest.approx(s["platform_ads_spend__video"] + s["platform_ads_spend__market"])
    pay = res.records["payments"]
    ads = pay["amount"][pay["kind"] == list(PAYMENT_KINDS).index("platform_ads")].sum()
    assert ads == pytest.approx(s["ads_spend"]) and 0 < ads <= DAYS * 50.0 * 1.2
    assert s["profit"] == pytest.approx(s["revenue"] - s["cogs"] - s["spend"], rel=1e-12)
    # the counterfactual switches ads off but keeps the organic feeds
    assert s["organic_buyers"] < s["buyers"]


def test_platform_members_only_are_reached_there():
    from simulation.engine import Engine

    eng = Engine(load_scenario(_three()), 5)
    eng.run()
    for la in eng.layers[1:]:
        assert la.member is not None
        assert not (eng.exposed_on[la.index] & ~la.member).any()
    kol_host = eng.layers[1]
    assert kol_host.member[eng.kols.followers].all()


def _ads_only(target: dict) -> dict:
    """Two segments; one platform whose only lever is ads (no shares, no KOLs, no operations) at a fixed budget."""
    raw = apply_overrides(default_scenario_dict(), {"graph.n": N, "days": 30, "kol.count": 0, "seeding.count": 0})
    segs = raw["population"]["segments"]
    assert len(segs) >= 2
    raw["funnel"] = dict(raw["funnel"], platform_rate=0.0, interest_weight=3.0)
    raw["platforms"] = [{"name": "feed", "share": {"rate": 0.0},
                         "ads": {"budget": 60.0, "strength": 0.05,
                                 "target": {"cost_per_exposure": 0.5, **target}}}]
    return raw


def test_targeting_ads_at_a_segment_raises_its_conversion_and_lowers_cost_per_buyer():
    raw0 = _ads_only({})
    seg = raw0["population"]["segments"][0]["name"]
    untargeted, targeted = load_scenario(raw0), load_scenario(_ads_only({"segments": [seg]}))
    conv, cpb = [], []
    for r in range(12):  # paired: same seed, same population, same counter-based draws
        a, b = simulate(untargeted, 100 + r).summary, simulate(targeted, 100 + r).summary
        conv.append(b[f"conversion_rate__{seg}"] - a[f"conversion_rate__{seg}"])
        cpb.append(b["platform_cost_per_buyer__feed"] - a["platform_cost_per_buyer__feed"])
        assert b["ads_spend"] == pytest.approx(a["ads_spend"], rel=0.1)  # equal budget (impressions are binomial)
    # t statistic of the paired differences (standard error = sd / sqrt(replications))
    assert stats.ttest_1samp(conv, 0.0).statistic > 3
    assert stats.ttest_1samp(cpb, 0.0).statistic < -3


def test_kol_audience_targeting_reaches_and_bills_only_the_segment():
    raw = _three()
    seg = raw["population"]["segments"][0]["name"]
    raw["kol"] = dict(raw["kol"], engagement_rate=0.3, target={"segments": [seg], "cost_per_exposure": 0.2})
    from simulation.engine import Engine

    eng = Engine(load_scenario(raw), 6)
    eng.run()
    res = eng.result()
    p = res.records["purchases"]
    kol_buyers = p["buyer"][p["channel"] == CHANNELS.index("kol")]
    names = eng.pop.names
    assert len(kol_buyers) > 0
    assert (eng.pop.segment[kol_buyers] == names.index(seg)).all()
    pay = res.records["payments"]
    fee = pay["amount"][pay["kind"] == list(PAYMENT_KINDS).index("kol_target")].sum()
    assert fee == pytest.approx(0.2 * res.summary["kol_reached"])


def test_personalised_feed_reaches_the_interested():
    raw = _three()
    from simulation.engine import Engine

    eng = Engine(load_scenario(raw), 7)
    la = eng.layers[1]
    picked = [eng._feed_on(la, t).targets for t in range(1, 31)]
    who = np.concatenate(picked)
    interest = eng.pop.interest
    members = np.flatnonzero(la.member)
    # mean interest of feed picks vs members: with omega = 2 the feed favours the interested;
    # the difference is many standard errors (sd / sqrt(picks)) above 0
    se = interest[members].std() / math.sqrt(len(who))
    assert (interest[who].mean() - interest[members].mean()) / se > 5
    # and the reach stays the configured rate (binomial standard error)
    expect = 0.01 * len(members) * 30
    assert abs(len(who) - expect) < 4 * math.sqrt(expect)


def test_bad_platform_configs_are_one_line_errors():
    raw = _three()
    bad = dict(raw, platforms=raw["platforms"] + [{"name": "chat"}])
    with pytest.raises(ValueError, match="platforms: names must be unique"):
        load_scenario(bad)
    with pytest.raises(ValueError, match="kol.platform: unknown platform 'tv'"):
        load_scenario(dict(raw, kol=dict(raw["kol"], platform="tv")))
    with pytest.raises(ValueError, match="funnel.platform_rate"):
        load_scenario(dict(raw, funnel=dict(raw["funnel"], platform_rate=0.1)))
    raw = dict(raw, kol=dict(raw["kol"], platform=None))
    with pytest.raises(ValueError, match="cost_per_exposure"):
        load_scenario(dict(raw, platforms=[{"name": "x", "ads": {"budget": 5.0}}]))
    with pytest.raises(ValueError, match="members_by_segment"):
        load_scenario(dict(raw, platforms=[{"name": "x", "members_by_segment": {"martians": 0.5}}]))
    gen = dict(raw, platforms=[{"name": "x", "graph": {"generator": "erdos_renyi", "n": 10, "mean_degree": 2.0}}])
    with pytest.raises(ValueError, match="platforms.0.graph: the generator makes 10 nodes"):
        simulate(load_scenario(gen), 0)


def test_edge_list_platform_graph_is_mapped_onto_the_population_by_label(tmp_path):
    from simulation.engine import Engine

    (tmp_path / "people.csv").write_text("ann,bob\nbob,cat\ncat,dan\ndan,eve\n")
    (tmp_path / "chat.csv").write_text("eve,ann\ncat,ann\n")
    raw = apply_overrides(default_scenario_dict(), {"days": 3, "kol.count": 0, "seeding.count": 1,
                                                    "funnel.platform_rate": 0.0})
    raw["graph"] = {"file": str(tmp_path / "people.csv")}
    raw["platforms"] = [{"name": "people"}, {"name": "chat", "graph": {"file": str(tmp_path / "chat.csv")}}]
    eng = Engine(load_scenario(raw), 0)
    g, chat = eng.graph, eng.layers[1].graph
    arcs = {(g.labels[t], g.labels[h]) for t, h in zip(chat.tails, chat.indices)}
    assert arcs == {("eve", "ann"), ("ann", "eve"), ("cat", "ann"), ("ann", "cat")}
    assert eng.layers[1].arc0 == g.m  # the chat platform's share draws come after the first platform's arcs
    raw["platforms"][1]["graph"] = {"file": str(tmp_path / "nobody.csv")}
    (tmp_path / "nobody.csv").write_text("eve,zed\n")
    with pytest.raises(ValueError, match="platforms.1.graph.*zed"):
        Engine(load_scenario(raw), 0)

