"""Per-KOL returns: the roster test, the ranking and its intervals by hand, the report section."""
import re

import numpy as np
import pandas as pd
import pytest

from simulation.analysis import kols as K
from simulation.analysis.load import load_results
from simulation.analysis.report import write_report
from tests.analysis.fake_output import grid_output, scenarios_output, write_kols

#: t quantile 0.975 with 2 degrees of freedom (three replications).
T2 = 4.302652729911275


def _row(point, rep, kol, name, tier, fees, profit_last, profit_root=None, followers=100, node=None):
    profit_root = profit_last if profit_root is None else profit_root
    return {"run": 10 * point + rep, "point": point, "point_name": f"P{point}", "replication": rep,
            "kol": kol, "name": name, "tier": tier, "node": kol if node is None else node,
            "followers": followers, "fees": fees, "purchases_last": 0.0, "purchases_root": 0.0,
            "revenue_last": profit_last + fees, "revenue_root": profit_root + fees,
            "profit_last": profit_last, "profit_root": profit_root}


def _runs(point, reps=3):
    return pd.DataFrame({"run": [10 * point + r for r in range(reps)], "point": point,
                         "point_name": f"P{point}", "replication": range(reps)})


def test_fixed_roster_ranked_by_kol_with_hand_computed_intervals():
    # A: fees 100 each run, profit 50, -20, 20 -> R = 16.67 / 100; B: never sells, -1 exactly
    kols = pd.DataFrame([_row(0, r, 0, "A", "macro", 100.0, p, p + 30) for r, p in enumerate((50.0, -20.0, 20.0))]
                        + [_row(0, r, 1, "B", "mega", 50.0, -50.0) for r in range(3)])
    runs = _runs(0)
    assert K.fixed_roster(kols, runs)
    t = K.kol_returns(kols, runs, "kol")
    assert list(t["label"]) == ["A", "B"]  # ranked by last-touch return
    a, b = t.iloc[0], t.iloc[1]
    # z = (profit - R fees) / mean(fees) = (1/3, -11/30, 1/30); sd = sqrt(0.37 / 3); se = sd / sqrt(3)
    assert a["return_last"] == pytest.approx(1 / 6)
    half = T2 * np.sqrt(0.37 / 3) / np.sqrt(3)
    assert half == pytest.approx(0.8724005, abs=1e-6)
    assert (a["return_last_low"], a["return_last_high"]) == pytest.approx((1 / 6 - half, 1 / 6 + half))
    # root adds 30 to every profit: the estimate moves by 0.3, the spread does not
    assert a["return_root"] == pytest.approx(1 / 6 + 0.3)
    assert a["return_root_high"] - a["return_root_low"] == pytest.approx(2 * half)
    assert a["return_last_method"].startswith("delta-method")
    assert (b["return_last"], b["return_last_low"], b["return_last_high"]) == (-1.0, -1.0, -1.0)
    assert a["fees"] == 100.0 and a["profit_last"] == pytest.approx(50 / 3) and a["n"] == 3
    assert K.best_return(K.kol_returns(kols, runs, "tier"))["label"] == "macro"


def test_changing_selection_is_summed_per_tier_and_absent_tier_counts_zero():
    # micro: one KOL in run 0, none in run 1, two in run 2 (other people each time)
    kols = pd.DataFrame([_row(0, 0, 0, "node 7", "micro", 100.0, 30.0, node=7),
                         _row(0, 1, 0, "node 3", "mega", 500.0, -400.0, node=3),
                         _row(0, 2, 0, "node 9", "micro", 100.0, 10.0, node=9),
                         _row(0, 2, 1, "node 4", "micro", 100.0, -40.0, node=4)])
    runs = _runs(0)
    assert not K.fixed_roster(kols, runs)
    per = K.per_run(kols, runs, "tier")
    micro = per[per["tier"] == "micro"].sort_values("replication")
    assert list(micro["fees"]) == [100.0, 0.0, 200.0] and list(micro["profit_last"]) == [30.0, 0.0, -30.0]
    t = K.kol_returns(kols, runs, "tier").set_index("label")
    # R = 0 / 100; z = (0.3, 0, -0.3); sd = 0.3
    half = T2 * 0.3 / np.sqrt(3)
    m = t.loc["micro"]
    assert m["return_last"] == pytest.approx(0.0, abs=1e-12)
    assert (m["return_last_low"], m["return_last_high"]) == pytest.approx((-half, half))
    assert m["kols"] == 1.0 and m["n"] == 3 and m["n_present"] == 2
    # mega appears in one run only: an estimate, no interval
    assert t.loc["mega", "return_last"] == pytest.approx(-0.8)
    assert np.isnan(t.loc["mega", "return_last_low"]) and t.loc["mega", "n_present"] == 1
    assert list(t.index) == ["micro", "mega"]
    # a tier seen once never wins "best" while a tier with an interval exists
    assert K.best_return(t.reset_index())["label"] == "micro"


def test_a_replication_without_kols_breaks_the_fixed_roster():
    kols = pd.DataFrame([_row(0, r, 0, "A", "macro", 100.0, 1.0) for r in (0, 1)])
    assert K.fixed_roster(kols, _runs(0, reps=2))
    assert not K.fixed_roster(kols, _runs(0, reps=3))


def test_untiered_kols_and_free_kols():
    kols = pd.DataFrame([_row(0, r, 0, "A", "", 0.0, 5.0) for r in range(3)])
    t = K.kol_returns(kols, _runs(0), "tier")
    assert t["label"].tolist() == [K.NO_TIER]
    assert np.isnan(t["return_last"].iloc[0])  # no fee, no return per fee
    assert K.best_return(t) is None


def _figure_is_drawn(png):
    from matplotlib.image import imread
    img = imread(png)
    assert png.stat().st_size > 10_000 and img.shape[0] > 300
    assert img[..., :3].std() > 0.05  # not a blank canvas


def test_report_section_by_kol_on_a_fixed_roster(tmp_path):
    out = grid_output(tmp_path)
    md = write_report(out).read_text()
    section = md.split("## Which KOLs pay for themselves")[1].split("\n## ")[0]
    assert "each KOL is ranked on its own" in section
    assert "attribution, not incremental effects" in section
    assert "| point | rank | KOL | tier |" in section
    # at kol=4,reward=0 the four KOLs are listed best last-touch return first
    header = next(r for r in section.splitlines() if r.startswith("| point | rank |"))
    cols = [c.strip() for c in header.strip("|").split("|")]
    rows = [[c.strip() for c in r.strip("|").split("|")] for r in section.splitlines()
            if r.startswith("| kol=4,reward=0 | ") and r.count("|") == header.count("|")]
    rows = [dict(zip(cols, r)) for r in rows if r[1].isdigit()]
    assert [r["KOL"] for r in rows] == ["cy", "bo", "di", "ana"]
    returns = [float(r["return per fee, last"].split(" ")[0]) for r in rows]
    assert returns == sorted(returns, reverse=True)
    assert "figures/kol_returns.png" in section
    _figure_is_drawn(out / "figures" / "kol_returns.png")
    summary = md.split("## Summary")[1].split("\n## ")[0]
    assert "- **Best-returning KOL tier:** **" in summary and "(attribution, not incremental)" in summary
    assert summary.index("Best-returning KOL tier") < summary.index("Not resolved")
    # the fake macro KOL earns 12 x 30 - 300 = +60 a run on average: ahead of break-even, not surely
    assert "**macro** at **kol=4,reward=0**" in summary and "it may pay for itself (the interval includes 0)" in summary
    page = (out / "report.html").read_text()
    section_html = page.split("Which KOLs pay for themselves</h2>")[1].split("<h2>")[0]
    assert section_html.count('<div class="table-box">') == 2  # wide tables scroll in their own box


def test_report_section_by_tier_when_selection_changes(tmp_path):
    out = write_kols(scenarios_output(tmp_path, replications=4), lambda p: 0 if not any(p.values()) else 3,
                     fixed=False)
    md = write_report(out).read_text()
    section = md.split("## Which KOLs pay for themselves")[1].split("\n## ")[0]
    assert "KOLs are summed per tier and run" in section and "| point | rank |" not in section
    assert "| point | tier | KOLs / run |" in section
    assert "**baseline**" not in section  # the baseline has no KOLs
    _figure_is_drawn(out / "figures" / "kol_returns.png")


def test_section_only_with_kol_rows(tmp_path):
    out = scenarios_output(tmp_path / "none")
    md = write_report(out).read_text()
    assert "Which KOLs" not in md and "Best-returning KOL tier" not in md
    assert not (out / "figures" / "kol_returns.png").exists()
    empty = grid_output(tmp_path / "empty")
    pd.read_parquet(empty / "kols.parquet").head(0).to_parquet(empty / "kols.parquet", index=False)
    assert "Which KOLs" not in write_report(empty).read_text()


def test_many_points_show_the_best_and_the_baseline(tmp_path, monkeypatch):
    import simulation.analysis.report as report
    monkeypatch.setattr(report, "MAX_KOL_POINTS", 2)
    out = grid_output(tmp_path)
    res = report.labelled(load_results(out))
    view = report.kol_view(res)
    assert view.n_points == 6
    # conversion (the headline here) is highest at kol=4,reward=10; the baseline kol=0 has no KOLs
    assert [res.point_name(p) for p in view.points] == ["kol=4,reward=10"]
    section = write_report(out).read_text().split("## Which KOLs")[1].split("\n## ")[0]
    assert "among the 6 points with KOLs" in section


def test_kol_names_are_escaped(tmp_path):
    out = grid_output(tmp_path)
    k = pd.read_parquet(out / "kols.parquet")
    k.loc[k["name"] == "cy", "name"] = "<script>x</script> **cy**"
    k.to_parquet(out / "kols.parquet", index=False)
    md = write_report(out).read_text()
    assert "\\<script\\>x\\</script\\> \\*\\*cy\\*\\*" in md and "<script>" not in md
    page = (out / "report.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt; **cy**" in page


def test_untiered_roster_is_summed_per_point(tmp_path):
    out = grid_output(tmp_path)
    k = pd.read_parquet(out / "kols.parquet")
    k.assign(tier="", node=k["node"] + k["replication"]).to_parquet(out / "kols.parquet", index=False)
    md = write_report(out).read_text()
    assert "KOLs are summed per run instead (the roster has no tiers)" in md
    assert "- **Best KOL return** (the roster has no tiers): the KOLs of **" in md
    assert "Best-returning KOL tier" not in md


def test_purchases_credited_to_no_kol_are_reported(tmp_path):
    out = grid_output(tmp_path)
    assert "credited to no KOL" not in write_report(out).read_text()  # the fake ledger adds up
    runs = pd.read_parquet(out / "runs.parquet")
    runs.loc[runs["run"] == runs.loc[runs["kol.count"] == 2, "run"].iloc[0], "attr_kol"] += 18
    runs.to_parquet(out / "runs.parquet", index=False)
    res = load_results(out)
    total, missing = K.uncredited(res.kols, res.runs[res.runs["kol.count"] > 0])
    assert missing == pytest.approx(18 / 18)  # 18 purchases over the 18 runs with KOLs
    assert "1 per run are credited to no KOL" in write_report(out).read_text()
