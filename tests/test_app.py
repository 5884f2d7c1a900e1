"""The student app: parameters map onto the scenario, the page's model is the real model, figures draw."""
from __future__ import annotations

import inspect
import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from simulation import app  # noqa: E402
from simulation.engine import simulate  # noqa: E402
from simulation.kernels.funnel import CHANNELS  # noqa: E402
from simulation.seeding import run_seed  # noqa: E402

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
    names = [k for k in sig if k != "self"]
    assert set(app.MODEL_PARAMS) == set(names) == set(app.SCENARIO_PATHS)
    for name, ctl in app.MODEL_PARAMS.items():
        assert ctl["value"] == sig[name].default, name
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
    df = app.collected(stepped)
    assert len(df) == 13
    np.testing.assert_array_equal(df["buyers"].to_numpy(), ref.daily["buyers"][:13])
    assert stepped.engine.daily["buyers"][12] > SMALL["seed_buyers"]  # diffusion actually happened


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def test_adoption_and_funnel_figures_show_the_collected_series(stepped):
    d, n = stepped.engine.daily, stepped.engine.n
    fig = app.plot_adoption(stepped)
    line = fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), 100.0 * d["buyers"][:13] / n)
    assert [p.get_height() for p in fig.axes[1].patches] == list(d["new_buyers"][:13])
    assert _png(fig).startswith(b"\x89PNG")

    fig = app.plot_funnel_days(stepped)
    lines = fig.axes[0].get_lines()
    assert [ln.get_label() for ln in lines] == ["exposed", "interested", "bought", "shared"]
    np.testing.assert_allclose(lines[0].get_ydata(), 100.0 * d["exposed"][:13] / n)
    assert _png(fig).startswith(b"\x89PNG")

    fig = app.plot_funnel(stepped)
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths == [d[k][12] for k in ("exposed", "interested", "buyers", "sharers")]
    assert _png(fig).startswith(b"\x89PNG")


def test_attribution_figure_totals_are_the_purchases(stepped):
    d = stepped.engine.daily
    fig = app.plot_attribution(stepped)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == [f"{c} ({int(d[f'attr_{c}'][:13].sum())})" for c in CHANNELS]
    assert f"{int(d['purchases'][:13].sum())} purchases" in fig.axes[0].get_title()
    assert _png(fig).startswith(b"\x89PNG")


def test_network_view_samples_around_kols_and_seeds(stepped):
    eng = stepped.engine
    nodes = app.view_nodes(stepped)
    assert len(nodes) == app.VIEW_MAX < eng.n
    assert np.all(np.diff(nodes) > 0)
    assert set(eng.kols.nodes.tolist()) <= set(nodes.tolist())
    assert set(eng.seeds.tolist()) <= set(nodes.tolist())
    np.testing.assert_array_equal(app.view_nodes(stepped, limit=eng.n), np.arange(eng.n))


def test_network_figure_colours_each_person_by_state(stepped):
    eng = stepped.engine
    fig = app.plot_network(stepped)
    view = app.network_view(stepped)
    assert app.network_view(stepped) is view  # laid out once per model
    nodes = view.nodes
    is_kol = np.isin(nodes, eng.kols.nodes)
    expected = {
        "KOL": is_kol.sum(),
        "shared": (eng.shared[nodes] & ~is_kol).sum(),
        "bought": (eng.bought[nodes] & ~eng.shared[nodes] & ~is_kol).sum(),
        "exposed": (eng.exposed[nodes] & ~eng.bought[nodes] & ~eng.shared[nodes] & ~is_kol).sum(),
        "not reached": (~eng.exposed[nodes] & ~is_kol).sum(),
    }
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert sorted(labels) == sorted(f"{k} ({int(v)})" for k, v in expected.items())
    drawn = sum(len(c.get_offsets()) for c in fig.axes[0].collections[1:])
    assert drawn == len(nodes)
    assert expected["bought"] + expected["shared"] > 0
    assert _png(fig).startswith(b"\x89PNG")


def test_key_figures_are_the_run_summary(stepped):
    text = app.key_figures_markdown(stepped)
    s = stepped.result().summary
    assert f"| day | 12 of {SMALL['days']} |" in text
    assert f"| buyers | {int(s['buyers'])} (" in text


def test_app_path_is_this_module():
    path = app.app_path()
    assert path.is_file() and path == Path(app.__file__).resolve()


def test_page_exists_and_renders():
    import ipywidgets
    import solara

    assert app.page is not None
    if app.VIZ_ERROR is not None:
        # Without Mesa's viz extra the page says what to install instead of crashing.
        assert "mesa[viz]" in app.VIZ_ERROR
        box, rc = solara.render(app.page, handle_error=False)
        assert "mesa[viz]" in repr(box)
        pytest.skip(f"SolaraViz page not rendered: {app.VIZ_ERROR}")
    assert app.page.component.f is app.Page.f
    box, rc = solara.render(app.page, handle_error=False)
    # The five figures of the dashboard and Mesa's plot of revenue and spend.
    assert len(rc.find(ipywidgets.Image).widgets) == 6
