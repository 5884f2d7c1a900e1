"""The app: parameters map onto the scenario, the page's model is the real model, charts show its series,
two plans compare on common random numbers, the page's assets are installed."""
from __future__ import annotations

import inspect
import io
import re
from pathlib import Path

import json

import numpy as np
import pytest

from simulation import app
from simulation.app import charts, compare, network
from simulation.engine import simulate
from simulation.kernels.funnel import CHANNELS
from simulation.seeding import run_seed

ALL_ON = dict(content=True, relationship=True, event=True, crossover=True)
SMALL = dict(n=600, days=30, kol_count=4, seed_buyers=8, seed=3)


@pytest.fixture(scope="module")
def stepped():
    """A small model with every operation model on, stepped 12 days."""
    model = app.make_model(**SMALL, **ALL_ON)
    for _ in range(12):
        model.step()
    return model


def test_parameters_become_scenario_overrides():
    sc = app.build_scenario(n=700, days=40, relationship=True, kol_count=3, kol_strategy="pagerank",
                            referral_reward=12.0, price=59.0, seed_buyers=5, seed=7)
    assert sc.graph.generator == "powerlaw_cluster" and sc.graph.params["n"] == 700
    assert sc.days == 40 and sc.seed == 7 and sc.replications == 1
    assert sc.operations.relationship.enabled and sc.operations.relationship.referral_reward == 12.0
    assert not (sc.operations.content.enabled or sc.operations.event.enabled or sc.operations.crossover.enabled)
    assert sc.kol.count == 3 and sc.kol.strategy == "pagerank"
    assert sc.product.price == 59.0 and sc.operations.event.bargain.floor == 29.5
    assert sc.seeding.count == 5


@pytest.mark.parametrize("bad, field", [(dict(n=100), "n"), (dict(kol_strategy="loudest"), "kol.strategy"),
                                        (dict(price=-1.0), "product.price")])
def test_bad_parameters_are_rejected_naming_the_field(bad, field):
    # the field must open a line of the message (a bare "n" would match almost any message)
    with pytest.raises(ValueError, match=rf"(?m)^{re.escape(field)}(:|$)"):
        app.build_scenario(**{**SMALL, **bad})


def test_sidebar_controls_match_the_model_signature():
    sig = inspect.signature(app.AppModel.__init__).parameters
    names = [k for k, v in sig.items() if k not in ("self", "replication", "graph") and v.kind != v.VAR_KEYWORD]
    # the operation switches arrive as **operations, one per registered model, off by default
    defaults = {k: sig[k].default for k in names} | {k: False for k in app.OPERATIONS}
    assert set(app.MODEL_PARAMS) == set(defaults) == set(app.SCENARIO_PATHS)
    for name, ctl in app.MODEL_PARAMS.items():
        assert ctl["value"] == defaults[name], name
        assert ctl["type"] in {"SliderInt", "SliderFloat", "Checkbox", "Select"}, name
        if ctl["type"].startswith("Slider"):
            assert ctl["min"] <= ctl["value"] <= ctl["max"], name
        if ctl["type"] == "Select":
            assert ctl["value"] in ctl["values"], name
    # The extreme slider settings still make a valid scenario.
    low = {k: c["min"] for k, c in app.MODEL_PARAMS.items() if c["type"].startswith("Slider")}
    high = {k: c["max"] for k, c in app.MODEL_PARAMS.items() if c["type"].startswith("Slider")}
    app.build_scenario(**low, **ALL_ON)
    app.build_scenario(**high, **ALL_ON)


def test_app_model_is_the_run_that_simulate_makes(stepped):
    sc = app.build_scenario(**SMALL, **ALL_ON)
    ref = simulate(sc, run_seed(sc.seed, 0))
    for key in ("exposed", "buyers", "sharers", "revenue", "attr_friend", "attr_event"):
        np.testing.assert_array_equal(stepped.engine.daily[key][:13], ref.daily[key][:13], err_msg=key)
    df = stepped.datacollector.get_model_vars_dataframe()
    assert len(df) == 13
    np.testing.assert_array_equal(df["buyers"].to_numpy(), ref.daily["buyers"][:13])
    assert stepped.engine.daily["buyers"][12] > SMALL["seed_buyers"]  # diffusion actually happened


def _ys(series: dict) -> list:
    return [p[1] if isinstance(p, list) else p for p in series["data"]]


def test_adoption_and_funnel_charts_show_the_collected_series(stepped):
    d, n = stepped.engine.daily, stepped.engine.n
    opt = charts.adoption_option(stepped)
    json.dumps(opt)  # what the page sends must be plain JSON
    np.testing.assert_allclose(_ys(opt["series"][0]), 100.0 * d["buyers"][:13] / n, atol=1e-3)
    assert _ys(opt["series"][1]) == list(d["new_buyers"][:13])
    assert "by day 12" in opt["title"]["text"]

    opt = charts.funnel_days_option(stepped)
    assert [s["name"] for s in opt["series"]] == ["exposed", "interested", "bought", "shared"]
    np.testing.assert_allclose(_ys(opt["series"][0]), 100.0 * d["exposed"][:13] / n, atol=1e-3)

    opt = charts.funnel_today_option(stepped)
    assert [b["value"] for b in opt["series"][0]["data"]] == [d[k][12] for k in ("exposed", "interested",
                                                                                "buyers", "sharers")]
    assert opt["xAxis"]["max"] >= 2.5 * d["exposed"][12]  # room right of the longest bar for its label


def test_attribution_chart_totals_are_the_purchases(stepped):
    d = stepped.engine.daily
    opt = charts.attribution_option(stepped)
    sold = [c for c in CHANNELS if d[f"attr_{c}"][:13].sum() > 0]
    assert 0 < len(sold) < len(CHANNELS)  # some channels sold nothing by day 12: they get no legend entry
    assert [s["name"] for s in opt["series"]] == [f"{c} ({int(d[f'attr_{c}'][:13].sum())})" for c in sold]
    assert f"{int(d['purchases'][:13].sum())} purchases" in opt["title"]["text"]
    assert opt["legend"]["type"] == "plain"  # wraps: no channel hidden on a second legend page
    assert opt["grid"]["top"] >= 38 + 22 * -(-len(sold) // 3)


def test_money_chart_is_revenue_spend_and_profit(stepped):
    eng = stepped.engine
    s = stepped.result().summary
    money = charts.money_series(stepped)
    assert money["revenue"][-1] == pytest.approx(s["revenue"])
    assert money["marketing spend"][-1] == pytest.approx(s["total_spend"] if "spend" not in s else s["spend"])
    assert money["profit"][-1] == pytest.approx(s["profit"])
    assert eng.scenario.kol.fee_per_post == pytest.approx(500.0 * SMALL["n"] / app.params.FEE_REFERENCE_PEOPLE)


def test_network_view_samples_around_kols_and_seeds(stepped):
    eng = stepped.engine
    nodes = network.view_nodes(stepped)
    assert len(nodes) == network.VIEW_MAX < eng.n
    assert np.all(np.diff(nodes) > 0)
    assert set(eng.kols.nodes.tolist()) <= set(nodes.tolist())
    assert set(eng.seeds.tolist()) <= set(nodes.tolist())
    np.testing.assert_array_equal(network.view_nodes(stepped, limit=eng.n), np.arange(eng.n))


def test_network_chart_colours_each_person_by_state(stepped):
    eng = stepped.engine
    opt = charts.network_option(stepped)
    view = network.network_view(stepped)
    assert network.network_view(stepped) is view  # laid out once per model
    nodes = view.nodes
    is_kol = np.isin(nodes, eng.kols.nodes)
    expected = {
        "KOL": is_kol.sum(),
        "shared": (eng.shared[nodes] & ~is_kol).sum(),
        "bought": (eng.bought[nodes] & ~eng.shared[nodes] & ~is_kol).sum(),
        "exposed": (eng.exposed[nodes] & ~eng.bought[nodes] & ~eng.shared[nodes] & ~is_kol).sum(),
        "not reached": (~eng.exposed[nodes] & ~is_kol).sum(),
    }
    assert sorted(s["name"] for s in opt["series"]) == sorted(f"{k} ({int(v)})" for k, v in expected.items())
    assert sum(len(s["data"]) for s in opt["series"]) == len(nodes)
    assert expected["bought"] + expected["shared"] > 0
    edges = charts.network_edges_option(stepped)
    assert len(edges["series"][0]["data"]) == len(view.edges) > 0
    # both layers share fixed axes, so people sit on their ties whatever the day
    assert edges["xAxis"] == opt["xAxis"] and edges["yAxis"] == opt["yAxis"]


def test_key_figures_are_the_run_summary(stepped):
    rows = dict(charts.key_figures(stepped))
    s = stepped.result().summary
    assert rows["day"] == f"12 of {SMALL['days']}"
    assert rows["buyers"].startswith(f"{int(s['buyers'])} (")


def test_query_presets_controls():
    p = app.params_from_query({"n": "1000", "relationship": "1", "price": "59", "junk": "x"})
    assert p["n"] == 1000 and p["relationship"] is True and p["price"] == 59.0
    with pytest.raises(ValueError, match="^n: "):
        app.params_from_query({"n": "many"})


def test_comparison_shares_graph_and_random_numbers():
    market = dict(n=600, days=20, seed=3, seed_buyers=8, kol_strategy="top_degree")
    plan = dict(kol_count=4)
    comp = compare.make_comparison(market, plan, plan, replications=3)
    while comp.running:
        comp.step()
    # identical plans on common random numbers: the difference is exactly zero every day
    for what in ("buyers", "profit"):
        d = comp.difference(what)
        assert np.all(d["mean"] == 0) and np.all(d["low"] == 0) and np.all(d["high"] == 0)
    # replications differ from each other (each has its own run seed)
    assert len({int(m.engine.daily["buyers"][20]) for m in comp.a}) > 1 or \
        len({m.engine.graph.indices.tobytes() for m in comp.a}) > 1
    # B's replication r is the run AppModel makes alone for that replication
    comp2 = compare.make_comparison(market, plan, dict(kol_count=4, relationship=True), replications=2)
    for _ in range(20):
        comp2.step()
    alone = app.AppModel(**market, kol_count=4, relationship=True, replication=1)
    while alone.running:
        alone.step()
    np.testing.assert_array_equal(comp2.b[1].engine.daily["buyers"], alone.engine.daily["buyers"])


def test_comparison_interval_is_scipys_paired_t():
    from scipy import stats

    market = dict(n=600, days=15, seed=5, seed_buyers=8, kol_strategy="top_degree")
    comp = compare.make_comparison(market, dict(kol_count=0), dict(kol_count=8), replications=4)
    while comp.running:
        comp.step()
    d = comp.difference("buyers")
    a, b = comp.series("a", "buyers")[:, -1], comp.series("b", "buyers")[:, -1]
    ci = stats.ttest_rel(b, a).confidence_interval(0.95)
    assert d["mean"][-1] == pytest.approx((b - a).mean())
    assert (d["low"][-1], d["high"][-1]) == pytest.approx((ci.low, ci.high))
    assert "paired replications" in compare.verdict(comp)


def test_app_path_is_the_pages_file():
    path = app.app_path()
    assert path.is_file() and path.name == "pages.py" and path.parent == Path(app.__file__).parent


def test_installed_assets_cover_the_page():
    from simulation.app import server

    assets = server.page_assets()
    assert any("solara-vuetify" in a for a in assets) and "requirejs@2.3.6/require.js" in assets
    assert any(a.startswith("echarts@") for a in assets)
    assert server.missing_assets() == []


def test_missing_assets_refuse_with_one_clear_message(monkeypatch, tmp_path, capsys):
    from simulation.app import server

    monkeypatch.setattr(server, "asset_dir", lambda: tmp_path)
    assert set(server.missing_assets()) == set(server.page_assets())
    assert server.serve("127.0.0.1", 1) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "page asset(s) missing" in err[0] and "solara-assets==" in err[0]


def test_pages_render():
    import solara
    from solara.components.echarts import EchartsWidget

    from simulation.app import pages

    box, rc = solara.render(pages.Explore(), handle_error=False)
    assert len(rc.find(EchartsWidget).widgets) == 7  # five charts and the network's two layers
    box, rc = solara.render(pages.Compare(), handle_error=False)
    assert len(rc.find(EchartsWidget).widgets) == 4


def test_importing_the_app_changes_no_global_state():
    import subprocess
    import sys

    code = ("import matplotlib; before = matplotlib.get_backend(); import simulation.app, simulation.analysis; "
            "import sys; assert 'solara.server.server' not in sys.modules, 'server imported'; "
            "assert matplotlib.get_backend() == before, matplotlib.get_backend(); print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "svg"})
    assert out.stdout.strip() == "ok", out.stderr[-2000:]


def test_operation_switches_follow_the_registry():
    """Every registered operation model (points included) has a switch that turns it on."""
    from simulation.operations import REGISTRY

    assert list(app.OPERATIONS) == list(REGISTRY)
    for name in REGISTRY:
        assert app.MODEL_PARAMS[name]["type"] == "Checkbox"
        sc = app.build_scenario(n=600, days=10, **{name: True})
        assert getattr(sc.operations, name).enabled
        assert not any(getattr(sc.operations, other).enabled for other in REGISTRY if other != name)
    with pytest.raises(ValueError, match="not an operation model"):
        app.build_scenario(n=600, nonsense=True)



@pytest.fixture(scope="module")
def layered():
    """The small model with the app's three platforms (``params.platform_mix``), stepped 12 days."""
    sc = app.build_scenario(**SMALL, platforms=True)
    assert [p.name for p in sc.platforms] == ["messaging", "video", "marketplace"] and sc.kol.platform == "video"
    assert not app.build_scenario(**SMALL).platforms
    model = app.make_model(**SMALL, platforms=True)
    for _ in range(12):
        model.step()
    return model


def test_platform_chart_shows_each_platforms_buyers_and_purchases(stepped, layered):
    assert charts.platform_option(stepped) is None  # no [[platforms]]: no per-platform chart
    d, names = layered.engine.daily, ["messaging", "video", "marketplace"]
    opt = charts.platform_option(layered)
    json.dumps(opt)
    assert opt["xAxis"]["data"] == names
    bars = {s["name"]: s["data"] for s in opt["series"]}
    assert bars["buyers (people)"] == [int(d[f"platform_buyers__{q}"][12]) for q in names]
    assert bars["exposed (people)"] == [int(d[f"platform_exposed__{q}"][12]) for q in names]
    assert bars["purchases"] == [int(d[f"platform_purchases__{q}"][:13].sum()) for q in names]
    # purchases through the platforms are all the purchases, and more than one platform sold
    assert sum(bars["purchases"]) == int(d["purchases"][:13].sum())
    assert sum(v > 0 for v in bars["purchases"]) >= 2
    assert f"{sum(bars['purchases'])} purchases" in opt["title"]["text"]


def test_panels_add_the_platform_chart_only_with_platforms(stepped, layered):
    import threading

    import solara
    from solara.components.echarts import EchartsWidget

    from simulation.app import pages

    counts = []
    for model in (stepped, layered):
        box, rc = solara.render(pages.Panels(model, solara.reactive(0), threading.Lock()), handle_error=False)
        counts.append(len(rc.find(EchartsWidget).widgets))
    assert counts[1] == counts[0] + 1
