"""Every figure writes a PNG and an SVG with labelled axes; content checked where it can fail."""
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from simulation.analysis import figures as figs
from simulation.analysis.load import load_results
from tests.analysis.fake_output import grid_output, scenarios_output


@pytest.fixture(scope="module")
def scen(tmp_path_factory):
    return load_results(scenarios_output(tmp_path_factory.mktemp("scen")))


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    return load_results(grid_output(tmp_path_factory.mktemp("grid")))


def check(paths, *texts):
    """Both files exist and are non-trivial; the SVG contains each expected text."""
    assert [p.suffix for p in paths] == [".png", ".svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and paths[0].stat().st_size > 5000
    svg = paths[1].read_text()
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    for t in texts:
        assert t in svg, f"{t!r} missing from {paths[1].name}"
    return svg


def test_adoption_curves(scen, tmp_path):
    few = scen.runs[scen.runs["point"] < 3]
    check(figs.adoption_curves(scen.timeseries, few, tmp_path / "adoption"),
          "day of campaign (days)", "% of population", "content", "baseline")
    # five points: small multiples, one panel each, the reference dashed in the others
    assert scen.runs["point"].nunique() > figs.OVERLAY_MAX
    paths = figs.adoption_curves(scen.timeseries, scen.runs, tmp_path / "many", reference=0)
    check(paths, "% bought", "relationship", "baseline", "dashed: baseline")


def test_funnel_and_attribution(scen, tmp_path):
    check(figs.funnel(scen.runs, tmp_path / "funnel.png"), "interested", "% of population")
    check(figs.attribution(scen.runs, tmp_path / "attr"), "friend", "purchases per run")
    check(figs.attribution(scen.runs, tmp_path / "attr_share", share=True), "share of purchases (%)")


def test_select_points_spreads_over_ranking(grid):
    pts = figs.select_points(grid.runs, 3)
    means = grid.runs.groupby("point")["conversion_rate"].mean()
    assert pts[0] == means.idxmax() and pts[-1] == means.idxmin() and len(pts) == 3
    assert figs.select_points(grid.runs, 20) == list(range(9))


def test_heatmap_values(grid, tmp_path):
    import matplotlib.pyplot as plt

    captured = []
    real_text = plt.Axes.text

    def spy(self, x, y, s, *a, **k):
        captured.append((self.get_title(), x, y, s))
        return real_text(self, x, y, s, *a, **k)

    plt.Axes.text = spy
    try:
        paths = figs.heatmap(grid.runs, "kol.count", "operations.relationship.referral_reward", tmp_path / "heat")
    finally:
        plt.Axes.text = real_text
    svg = check(paths, "kol.count", "conversion_rate", "roi")
    # every annotated cell (column j = kol.count, row i = reward, origin lower) is the mean conversion
    # in % of that cell's runs, hand-computed here
    kols, rewards = [0, 2, 4], [0.0, 5.0, 10.0]
    cells = {(j, i): s for title, j, i, s in captured if title == "mean conversion_rate"}
    assert sorted(cells) == [(j, i) for j in range(3) for i in range(3)]
    for (j, i), s in cells.items():
        cell = grid.runs[(grid.runs["kol.count"] == kols[j])
                         & (grid.runs["operations.relationship.referral_reward"] == rewards[i])]
        assert s == f"{100 * cell['conversion_rate'].mean():.3g}", (kols[j], rewards[i])
    # and the SVG carries the kol=4, reward=10 annotation as text (matplotlib writes "<!-- text -->";
    # a bare number would also match glyph outlines and coordinates)
    assert f"<!-- {cells[(2, 2)]} -->" in svg
    with pytest.raises(KeyError, match="nope"):
        figs.heatmap(grid.runs, "nope", "kol.count", tmp_path / "x")


def test_heatmap_bins_continuous_parameters(tmp_path):
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({"a": rng.uniform(0, 1, 200), "b": rng.uniform(5, 9, 200),
                         "conversion_rate": rng.uniform(0, 0.2, 200), "point": range(200),
                         "point_name": [str(i) for i in range(200)]})
    svg = check(figs.heatmap(runs, "a", "b", tmp_path / "h", metrics=("conversion_rate",), bins=4))
    assert len(re.findall(r"–", svg)) >= 8  # 4 bin labels per axis, "low–high"


def test_roi_vs_spend_frontier(grid, tmp_path):
    df = figs.roi_points(grid.runs, seed=0)
    # kol=0, reward=0 spends nothing: ROI undefined, never on the frontier
    assert not df.loc[df["spend"] == 0, "efficient"].any()
    assert df["efficient"].sum() >= 1
    check(figs.roi_vs_spend(grid.runs, tmp_path / "roi"), "marketing spend per run (currency",
          "efficient frontier")
    zero = grid.runs.assign(total_spend=0.0)
    with pytest.raises(ValueError, match="spend > 0"):
        figs.roi_vs_spend(zero, tmp_path / "roi0")


def test_sobol_and_morris_bars(tmp_path):
    idx = pd.DataFrame({"parameter": ["a", "b"], "S1": [0.3, 0.5], "S1_conf": [0.05, 0.04],
                        "ST": [0.5, 0.5], "ST_conf": [0.06, 0.05]})
    check(figs.sobol_bars(idx, tmp_path / "sobol", "roi"), "first order S1", "total ST", "share of output variance")
    mor = pd.DataFrame({"parameter": ["a", "b"], "mu": [1, 2], "mu_star": [1, 2],
                        "mu_star_conf": [0.1, 0.2], "sigma": [0.5, 0.1]})
    check(figs.morris_plot(mor, tmp_path / "morris", "roi"), "μ*")


def test_network_snapshot_counts_states(tmp_path):
    g = nx.karate_club_graph()
    n = g.number_of_nodes()
    state = {k: np.zeros(n, bool) for k in ("bought", "shared", "exposed", "is_kol", "negative")}
    state["exposed"][:20] = True
    state["bought"][:10] = True
    state["shared"][:4] = True
    state["negative"][9] = True
    state["is_kol"][[0, 33]] = True
    cats = figs.node_states(state, n)
    counts = {c: int((cats == c).sum()) for c in figs.STATE_COLOURS}
    # KOL 0 and 33; shared 1-3; bought 4-8; negative 9; exposed 10-19; untouched 20-32
    assert counts == {"untouched": 13, "exposed": 10, "bought": 5, "shared": 3, "negative": 1, "KOL": 2}
    check(figs.network_snapshot(g, state, tmp_path / "net"), "KOL (2)", "shared (3)", "untouched (13)")


def test_network_snapshot_cuts_large_graphs(tmp_path):
    g = nx.barabasi_albert_graph(600, 2, seed=1)
    state = {"bought": np.arange(600) % 7 == 0}
    svg = check(figs.network_snapshot(g, state, tmp_path / "big", max_nodes=200))
    assert "(200 of 600 people)" in svg


def test_main_effects_plots_pooled_means(grid, tmp_path):
    import matplotlib.pyplot as plt

    captured = {}
    real_plot = plt.Axes.plot

    def spy(self, x, y, *a, **k):
        captured.setdefault(self.get_xlabel() or len(captured), []).append(np.asarray(y, float))
        return real_plot(self, x, y, *a, **k)

    plt.Axes.plot = spy
    try:
        paths = figs.main_effects(grid.runs, ["kol.count"], tmp_path / "main", metrics=("conversion_rate",))
    finally:
        plt.Axes.plot = real_plot
    check(paths, "kol.count", "conversion_rate")
    # the plotted line is the mean conversion (in %) per KOL count, other parameters pooled
    expected = 100 * grid.runs.groupby("kol.count")["conversion_rate"].mean().to_numpy()
    np.testing.assert_allclose(np.concatenate(list(captured.values())).ravel(), expected)
    with pytest.raises(ValueError, match="at least one swept parameter"):
        figs.main_effects(grid.runs, [], tmp_path / "none")


def test_kol_returns_figure(grid, tmp_path):
    from simulation.analysis.kols import kol_returns
    table = kol_returns(grid.kols, grid.runs, "kol")
    svg = check(figs.kol_returns(table, tmp_path / "kols", "KOL"), "Return per fee by KOL", "last touch",
                "first touch", "break-even")
    assert svg.count("kol=4,reward=0 · ") >= 4  # every KOL of a point gets its row
    one = table[table["point"] == table["point"].iloc[0]]
    one = one.assign(n_present=np.where(np.arange(len(one)) == 0, 1, one["n"]))
    check(figs.kol_returns(one, tmp_path / "one", "KOL"), "(1/3 runs)")
    with pytest.raises(ValueError, match="no KOL rows"):
        figs.kol_returns(table.head(0), tmp_path / "none")


def test_attribution_leaves_out_channels_that_sold_nothing(scen, tmp_path, monkeypatch):
    """A channel with no purchase anywhere gets no legend entry, and the tallest stack keeps
    headroom under the top of the axes (a zero-height bar on top of it once clipped it)."""
    runs = scen.runs.copy()
    runs["attr_live"] = 0  # a channel nobody bought through, last in the stack order
    used = [c.removeprefix("attr_") for c in runs.filter(regex="^attr_").columns if runs[c].sum() > 0]
    drawn = []
    save = figs.save
    monkeypatch.setattr(figs, "save", lambda fig, path: drawn.append(fig) or save(fig, path))
    svg = check(figs.attribution(runs, tmp_path / "attr"), "friend")
    assert "<!-- live -->" not in svg
    ax = drawn[0].axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [c for c in figs.CHANNELS if c in used]
    tallest = max(p.get_y() + p.get_height() for p in ax.patches)
    assert ax.get_ylim()[1] >= 1.04 * tallest
