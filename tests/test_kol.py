"""KOL selection strategies, audiences and posting schedule."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from simulation.graph.build import build_graph
from simulation.kol import KOLConfig, build_kols, pagerank, posts_on, select_kols


@pytest.fixture(scope="module")
def graph():
    return build_graph(nx.barabasi_albert_graph(600, 3, seed=4))


def test_top_degree_and_pagerank(graph):
    ones = np.ones(graph.n)
    top = select_kols(KOLConfig(count=5, strategy="top_degree"), graph, ones, ones, np.random.default_rng(0))
    deg = graph.out_degree
    assert sorted(deg[top]) == sorted(np.sort(deg)[-5:])
    pr = pagerank(graph.indptr, graph.indices)
    ref = nx.pagerank(graph.to_networkx(), alpha=0.85, tol=1e-12)
    np.testing.assert_allclose(pr, [ref[lab] for lab in graph.labels.tolist()], atol=1e-6)
    chosen = select_kols(KOLConfig(count=4, strategy="pagerank"), graph, ones, ones, np.random.default_rng(0))
    assert set(chosen) == set(np.argsort(-pr)[:4])


def test_micro_engagement_bridges_random(graph):
    rng = np.random.default_rng(1)
    ones = np.ones(graph.n)
    deg = graph.out_degree
    micro = select_kols(KOLConfig(count=5, strategy="micro"), graph, ones, ones, rng)
    lo, hi = np.quantile(deg, (0.9, 0.99))
    assert ((deg[micro] >= lo) & (deg[micro] <= hi)).all()
    share = np.zeros(graph.n)
    share[10] = 1.0  # only node 10 engages: it must be chosen
    assert 10 in select_kols(KOLConfig(count=1, strategy="engagement"), graph, ones, share, rng)
    br = select_kols(KOLConfig(count=3, strategy="bridges"), graph, ones, ones, rng)
    proxy = select_kols(KOLConfig(count=3, strategy="bridges", exact_bridges_max_n=0), graph, ones, ones, rng)
    assert len(set(br)) == 3 and len(set(proxy)) == 3
    r = select_kols(KOLConfig(count=7, strategy="random"), graph, ones, ones, rng)
    assert len(set(r)) == 7
    with pytest.raises(ValueError, match="kol.count"):
        select_kols(KOLConfig(count=601), graph, ones, ones, rng)


def test_bridges_pick_the_node_between_communities():
    # Two 10-cliques joined through one middle node (label 10): it lies on every path between
    # the cliques (highest betweenness) though its degree is 2; top_degree would pick clique nodes.
    g = build_graph(nx.barbell_graph(10, 1))
    ones = np.ones(g.n)
    rng = np.random.default_rng(0)
    middle, ends = g.ids([10])[0], set(g.ids([9, 11]).tolist())  # ends: clique nodes attached to it
    assert select_kols(KOLConfig(count=1, strategy="bridges"), g, ones, ones, rng).tolist() == [middle]
    assert middle not in select_kols(KOLConfig(count=3, strategy="top_degree"), g, ones, ones, rng)
    # the proxy d(d-1)/2 - triangles: 9 for each clique end, 1 for the middle, 0 inside a clique
    proxy = select_kols(KOLConfig(count=3, strategy="bridges", exact_bridges_max_n=0), g, ones, ones, rng)
    assert set(proxy.tolist()) == ends | {middle}


def test_audiences(graph):
    ones = np.ones(graph.n)
    k = build_kols(KOLConfig(count=3), graph, ones, ones, np.random.default_rng(0))
    for j, v in enumerate(k.nodes):
        np.testing.assert_array_equal(k.followers[k.indptr[j]:k.indptr[j + 1]], graph.indices[graph.indptr[v]:graph.indptr[v + 1]])
    ext = build_kols(KOLConfig(count=2, external=True, followers=50), graph, ones, ones, np.random.default_rng(0))
    assert (ext.nodes == -1).all() and list(np.diff(ext.indptr)) == [50, 50]
    assert len(np.unique(ext.followers[:50])) == 50


def test_posting_schedule():
    assert sum(posts_on(d, 2.0) for d in range(1, 71)) == 20
    assert sum(posts_on(d, 7.0) for d in range(1, 31)) == 30
    assert sum(posts_on(d, 0.0) for d in range(1, 31)) == 0


TIERS = [  # fees grow with audience; smaller accounts engage more, are more credible and fit better
    {"name": "koc", "min_followers": 0, "engagement_rate": 0.3, "credibility": 0.12, "fit": 2.0, "fee_per_post": 8.0},
    {"name": "micro", "min_followers": 10, "engagement_rate": 0.25, "credibility": 0.10, "fit": 2.0, "fee_per_post": 20.0},
    {"name": "macro", "min_followers": 30, "engagement_rate": 0.25, "credibility": 0.04, "fit": 1.2, "fee_per_post": 40.0},
    {"name": "mega", "min_followers": 80, "engagement_rate": 0.25, "credibility": 0.02, "fit": 1.0, "fee_per_post": 60.0},
]


def test_tiers_give_each_kol_the_terms_of_its_audience(graph):
    ones = np.ones(graph.n)
    k = build_kols(KOLConfig(count=40, strategy="random", tiers=TIERS), graph, ones, ones, np.random.default_rng(0))
    by_name = {t["name"]: t for t in TIERS}
    for j in range(k.count):
        size = k.indptr[j + 1] - k.indptr[j]
        tier = max((t for t in TIERS if t["min_followers"] <= size), key=lambda t: t["min_followers"])
        assert k.tiers[j] == tier["name"]
        assert k.terms["fee_per_post"][j] == by_name[tier["name"]]["fee_per_post"]
    assert len(set(k.tiers)) >= 2


def test_budget_takes_kols_in_strategy_order_while_they_fit(graph):
    ones = np.ones(graph.n)
    cfg = KOLConfig(strategy="top_degree", tiers=TIERS, budget=1000.0, cpm=5.0)
    k = build_kols(cfg, graph, ones, ones, np.random.default_rng(0), posts=8)
    fol = np.diff(k.indptr)
    planned = 8 * (k.terms["fee_per_post"] + 5.0 * fol * k.terms["engagement_rate"] / 1000)
    assert planned.sum() <= 1000.0 and k.count > 1
    order = np.lexsort((np.arange(graph.n), -graph.out_degree))
    assert k.nodes[0] == order[0]  # the largest audience first
    assert KOLConfig(strategy="top_degree", budget=1000.0, count=2).count == 2
    assert build_kols(KOLConfig(strategy="top_degree", tiers=TIERS, budget=1000.0, count=2), graph, ones, ones,
                      np.random.default_rng(0), posts=8).count == 2  # count caps a budgeted plan


def test_roster_rows_and_csv(graph, tmp_path):
    ones = np.ones(graph.n)
    rows = [{"name": "star", "node": 0, "tier": "mega"}, {"name": "shop", "followers": 50, "fee_per_post": 3.0,
                                                           "commission_rate": 0.1, "tier": "koc"}]
    k = build_kols(KOLConfig(tiers=TIERS, roster=rows), graph, ones, ones, np.random.default_rng(0))
    assert k.names == ["star", "shop"] and k.nodes.tolist() == [0, -1]
    assert k.terms["fee_per_post"].tolist() == [60.0, 3.0] and k.terms["commission_rate"].tolist() == [0.0, 0.1]
    assert k.terms["credibility"].tolist() == [0.02, 0.12]  # from the rows' tiers
    f = tmp_path / "roster.csv"
    f.write_text("name,node,followers,fee_per_post,engagement_rate\na,3,,10,0.2\nb,,40,5,0.5\n")
    k = build_kols(KOLConfig(roster_file=str(f)), graph, ones, ones, np.random.default_rng(0))
    assert k.names == ["a", "b"] and k.terms["engagement_rate"].tolist() == [0.2, 0.5]
    f.write_text("name,node,fee_per_post\na,3,-10\n")
    with pytest.raises(ValueError, match=r"roster.csv:2: fee_per_post"):
        build_kols(KOLConfig(roster_file=str(f)), graph, ones, ones, np.random.default_rng(0))
    with pytest.raises(ValueError, match="unknown tier 'gold'"):
        KOLConfig(roster=[{"node": 1, "tier": "gold"}])


def _kol_scenario(overrides: dict, n: int = 5000, days: int = 60):
    from simulation.config.scenario import default_scenario_dict, load_scenario

    raw = default_scenario_dict()
    raw["graph"] = {"generator": "powerlaw_cluster", "n": n, "m": 4, "p": 0.3}
    raw["days"] = days
    raw["kol"].update({"count": 0, "tiers": TIERS, "end_day": 30, "posts_per_week": 2})
    raw["product"]["repeat_rate"] = 0.0
    return load_scenario(raw, overrides)


def test_every_kol_purchase_records_its_kol_and_the_table_adds_up():
    from simulation.engine import simulate
    from simulation.kernels.funnel import CH_KOL
    from simulation.seeding import run_seed

    sc = _kol_scenario({"kol.budget": 3000.0, "kol.strategy": "micro", "kol.micro_band": [0.5, 0.9],
                        "kol.cpm": 20.0, "kol.commission_rate": 0.05}, n=3000)
    res = simulate(sc, run_seed(1, 0))
    pur, t, s = res.records["purchases"], res.records["kols"], res.summary
    via = pur["channel"] == CH_KOL
    assert via.sum() > 0 and (pur["kol"][via] >= 0).all() and (pur["kol"][~via] == -1).all()
    assert t["purchases_last"].sum() == s["attr_kol"] == via.sum()
    assert np.isclose(t["fees"].sum(), s["kol_spend"])
    # the cascades KOLs started hold their own purchases and the friends' purchases that followed
    assert t["purchases_root"].sum() >= t["purchases_last"].sum()
    assert (pur["root_channel"] >= 0).all() and (pur["root_kol"][pur["root_channel"] == CH_KOL] >= 0).all()
    np.testing.assert_allclose(t["profit_last"], t["revenue_last"] - sc.product.unit_cost * t["purchases_last"] - t["fees"])


T_MIN = 3.0  # |t| > 3 as the issue asks (above the two-sided 1 % quantile 2.947 of t with 15 d.o.f.)


@pytest.mark.slow
def test_equal_budget_kocs_beat_top_degree_on_incremental_profit_top_degree_wins_reach():
    # Regime: 5,000 people, a 3,000 fee budget over 8 posts (days 1-30); tiers as TIERS (mega
    # accounts cost 60 a post and reach as many followers per post for less per follower, but
    # have credibility 0.02 and no fit bonus; KOCs, 8 a post, credibility 0.12 and fit 2).
    # "KOC" = the micro strategy on the 50th-90th percentile degree band.
    from simulation.engine import simulate
    from simulation.graph.generators import generate
    from simulation.seeding import run_seed

    g = generate("powerlaw_cluster", seed=3, n=5000, m=4, p=0.3)
    top = _kol_scenario({"kol.budget": 3000.0, "kol.strategy": "top_degree"})
    koc = _kol_scenario({"kol.budget": 3000.0, "kol.strategy": "micro", "kol.micro_band": [0.5, 0.9]})
    reps = 16

    def runs(sc):
        return [simulate(sc, run_seed(7, r), graph=g, counterfactual=True).summary for r in range(reps)]

    a, b = runs(top), runs(koc)
    for s in a + b:
        assert 2800 <= s["spend"] <= 3000  # equal budget, really spent

    def paired_t(key):
        d = np.array([y[key] - x[key] for x, y in zip(a, b)])  # common random numbers: paired SE
        return d.mean() / (d.std(ddof=1) / np.sqrt(reps))

    assert paired_t("incremental_profit") > T_MIN  # KOCs earn more incremental profit
    assert paired_t("kol_reached") < -T_MIN  # top-degree reaches more followers


def test_a_sweep_writes_one_kols_row_per_run_and_kol(tmp_path):
    import pandas as pd

    from simulation.config.experiment import load_experiment
    from simulation.runner.sweep import run_experiment

    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    exp = load_experiment(root / "experiments" / "quick.toml", ["graph.n=800", "days=15", "sweep.replications=2"])
    run_experiment(exp, tmp_path / "q", workers=1, progress=False)
    runs = pd.read_parquet(tmp_path / "q" / "runs.parquet")
    kols = pd.read_parquet(tmp_path / "q" / "kols.parquet")
    assert len(kols) == runs["kol_count"].sum() > 0
    per_run = kols.groupby("run")[["purchases_last", "fees"]].sum()
    with_kols = runs.set_index("run").loc[per_run.index]
    assert (per_run["purchases_last"] == with_kols["attr_kol"]).all()
    assert np.allclose(per_run["fees"], with_kols["kol_spend"])
    assert list(kols.columns[:5]) == ["run", "point", "point_name", "replication", "kol"]


def test_every_kol_purchase_records_its_kol_repeats_included():
    """Purchases credited to the KOL channel, repeat purchases included, name their KOL, so the
    per-KOL last-touch table adds up to the run's KOL attribution exactly."""
    from simulation import load_scenario, simulate
    from simulation.kernels.funnel import CH_KOL

    sc = load_scenario("simulation/data/default.toml",
                       {"graph.n": 3000, "days": 60, "product.repeat_rate": 0.05, "kol.count": 4})
    res = simulate(sc, seed=3)
    p = res.records["purchases"]
    via_kol = p["channel"] == CH_KOL
    _, times = np.unique(p["buyer"][via_kol], return_counts=True)
    assert (times > 1).any(), "the scenario must have repeat purchases through the KOL channel"
    assert (p["kol"][via_kol] >= 0).all()
    assert res.records["kols"]["purchases_last"].sum() == res.summary["attr_kol"]
