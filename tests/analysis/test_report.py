"""The report on each kind of design: right sections, right winner, self-contained HTML."""
import re

import pytest
from SALib.sample import sobol as sobol_sample

from simulation.analysis.load import ResultsError
from simulation.analysis.report import write_report
from tests.analysis.fake_output import (ISHIGAMI_PROBLEM, grid_output, ishigami, scenarios_output,
                                        sensitivity_output)


def _html_is_self_contained(page: str):
    assert "<img" in page
    srcs = re.findall(r'src="([^"]+)"', page)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert not re.search(r'(href|src)="(?!data:)', page)
    assert "<link" not in page and "<script" not in page


def test_scenarios_report(tmp_path):
    out = scenarios_output(tmp_path, replications=6)
    md_path = write_report(out)
    assert md_path == out / "report.md"
    md = md_path.read_text()
    assert "Which scenario sells most per unit of spend?" in md
    assert "`scenarios`, 5 points × 6 replication(s) = 30 runs (29 ok, 1 failed)" in md
    assert "common random numbers on" in md
    # the fake model gives relationship the highest conversion, content the highest ROI
    assert "**relationship** (point 2) has the highest conversion_rate" in md
    assert "**content** (point 1) has the highest roi" in md
    assert "relationship beats" in md and "paired t, 5 pairs of replications" in md
    assert "its roi is undefined" in md  # the baseline spends nothing
    assert "ValueError: simulated failure" in md
    for fig in ("adoption", "funnel", "attribution", "roi_vs_spend"):
        assert f"figures/{fig}.png" in md
        assert (out / "figures" / f"{fig}.png").is_file() and (out / "figures" / f"{fig}.svg").is_file()
    assert "heatmap" not in md.split("## Figures")[1].split("##")[0].replace("No heatmap", "")
    assert "Sobol" not in md
    _html_is_self_contained((out / "report.html").read_text())


def test_unpaired_report_uses_welch(tmp_path):
    md = write_report(scenarios_output(tmp_path, crn=False, errors=())).read_text()
    assert "Welch t" in md and "common random numbers off" in md and "None: every run finished." in md


def test_grid_report_has_heatmap(tmp_path):
    out = grid_output(tmp_path)
    md = write_report(out).read_text()
    assert "figures/heatmap_0.png" in md
    assert "**kol=4,reward=10** (point 8) has the highest conversion_rate" in md
    assert "| kol.count | \\[0, 2, 4\\] |" in md  # cell text is escaped Markdown
    _html_is_self_contained((out / "report.html").read_text())


def test_network_snapshot_shows_the_best_point(tmp_path):
    from simulation.analysis.load import load_results
    from simulation.analysis.report import _snapshot_point

    out = grid_output(tmp_path)
    name, params = _snapshot_point(load_results(out))
    # point 8 (kol=4, reward=10) has the highest mean conversion in the fake grid
    assert params == {"kol.count": 4, "operations.relationship.referral_reward": 10}


def test_sobol_report_has_indices(tmp_path):
    X = sobol_sample.sample(ISHIGAMI_PROBLEM, 64, calc_second_order=False, seed=0)
    out = sensitivity_output(tmp_path, X, 0.1 + 0.01 * ishigami(X), "sobol", replications=2, noise=0.001)
    md = write_report(out).read_text()
    assert "### Sensitivity (Sobol indices)" in md
    assert "figures/sobol_conversion_rate.png" in md
    assert "figures/heatmap_0.png" in md  # three numeric parameters: pairs get heatmaps
    assert "winner's curse" in md
    assert "Showing the 25 of 320 points" in md


def test_report_is_reproducible(tmp_path):
    out = scenarios_output(tmp_path)
    first = write_report(out).read_text()
    assert write_report(out).read_text() == first


def test_bad_directory_keeps_previous_report(tmp_path):
    out = scenarios_output(tmp_path)
    write_report(out)
    before = (out / "report.md").read_text()
    (out / "runs.parquet").write_bytes(b"garbage")
    with pytest.raises(ResultsError, match="runs.parquet"):
        write_report(out)
    assert (out / "report.md").read_text() == before
    assert not list(out.glob(".report*"))


def test_all_runs_failed(tmp_path):
    errors = tuple((p, r) for p in range(5) for r in range(2))
    md = write_report(scenarios_output(tmp_path, replications=2, errors=errors)).read_text()
    assert "No run finished successfully" in md and "10 run(s) failed" in md


def test_report_opens_with_the_answer(tmp_path):
    out = scenarios_output(tmp_path, replications=6)
    md = write_report(out).read_text()
    head = md.split("## ")[1]
    assert head.startswith("Summary")
    assert "- **Question:** Which scenario sells most per unit of spend?" in head
    assert "- **Best option: relationship**, conversion_rate" in head
    assert "against baseline (the baseline): +" in head and "95 % CI" in head and "two-sided" in head
    assert "- **Return on spend** (roi = (revenue − spend) / spend) of relationship:" in head
    assert "- **Not resolved:**" in head
    page = (out / "report.html").read_text()
    assert page.index('class="summary"') < page.index("<h2>Design</h2>")
    assert '<div class="table-box">' in page  # wide tables scroll in their own box


def test_user_text_is_escaped_in_markdown_and_html(tmp_path):
    import json
    out = scenarios_output(tmp_path, replications=3)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["title"] = "<script>alert(1)</script> **big**"
    manifest["question"] = "Which  plan\nwins [click](http://x) <img src=x>?"
    (out / "manifest.json").write_text(json.dumps(manifest))
    md = write_report(out).read_text()
    for raw in ("<script>", "<img", "[click](", "**big**"):  # none left unescaped
        assert not re.search(r"(?<!\\)" + re.escape(raw), md), raw
    assert "\\<script\\>" in md and "\\*\\*big\\*\\*" in md
    assert "Which plan wins \\[click\\](http://x) \\<img src=x\\>?" in md  # hard line break not kept
    page = (out / "report.html").read_text()
    assert "<script>" not in page and "<img src=x>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **big**" in page
    assert "Which plan wins [click](http://x) &lt;img src=x&gt;?" in page


def test_single_scenario_report_has_no_ranking(tmp_path):
    import json

    import pandas as pd
    out = scenarios_output(tmp_path, replications=4, errors=())
    runs = pd.read_parquet(out / "runs.parquet")
    runs[runs["point"] == 2].to_parquet(out / "runs.parquet", index=False)
    ts = pd.read_parquet(out / "timeseries.parquet")
    ts[ts["point"] == 2].to_parquet(out / "timeseries.parquet", index=False)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["design"]["points"] = [p for p in manifest["design"]["points"] if p["point"] == 2]
    (out / "manifest.json").write_text(json.dumps(manifest))
    md = write_report(out).read_text()
    assert "Which point is best" not in md and "Best point" not in md
    assert "- **Result** (one scenario, **relationship**)" in md


def test_report_files_have_normal_permissions(tmp_path):
    import os
    import stat
    out = scenarios_output(tmp_path, replications=3)
    write_report(out)
    umask = os.umask(0)
    os.umask(umask)
    for name in ("report.md", "report.html", "summary.csv"):
        mode = stat.S_IMODE((out / name).stat().st_mode)
        assert mode == 0o666 & ~umask, (name, oct(mode))


def test_operation_readouts_follow_the_registry(tmp_path):
    """A model's declared readouts get a section only when the model was on in some run."""
    import pandas as pd

    from simulation.analysis.load import load_results
    from simulation.analysis.report import build_blocks, labelled
    from simulation.operations import REGISTRY

    out = scenarios_output(tmp_path, replications=3)
    runs = pd.read_parquet(out / "runs.parquet")
    for name, op in REGISTRY.items():  # every model off: its readouts at their off values
        for metric, off in op.metrics.items():
            runs[metric] = off
    runs["points_issued"] = [0.0] * (len(runs) - 1) + [120.0]  # the points model was on in one run
    runs.to_parquet(out / "runs.parquet")
    blocks = build_blocks(labelled(load_results(out)), tmp_path / "fig")
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert f"Operation model: {REGISTRY['points'].label}" in headings
    assert f"Operation model: {REGISTRY['event'].label}" not in headings
    table = [b for b in blocks if b.kind == "table" and "points_issued" in b.caption][0]
    assert set(REGISTRY["points"].metrics) <= set(table.columns)  # the readouts are the columns


def test_summary_quotes_the_question_and_design_carries_the_setup(tmp_path):
    """An experiment file opens with its question, then the setup: the summary leads with the
    question alone, the setup goes under Design; a scenarios design's points table does not
    repeat the settings the scenario table already lists."""
    import json
    out = scenarios_output(tmp_path, replications=3)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["question"] = "Which plan wins? Five thousand people\nover 60 days, 3 replications."
    (out / "manifest.json").write_text(json.dumps(manifest))
    md = write_report(out).read_text()
    summary = md.split("## Summary", 1)[1].split("\n## ", 1)[0]
    design = md.split("## Design\n", 1)[1].split("\n## ", 1)[0]
    assert "- **Question:** Which plan wins? (the setup is under Design)" in summary
    assert "Five thousand" not in summary
    assert "- **Setup:** Five thousand people over 60 days, 3 replications." in design
    points = md.split("## Design points", 1)[1].split("\n## ", 1)[0]
    header = points.strip().split("\n", 1)[0]
    assert header.startswith("| point | name | runs ok | conversion\\_rate"), header
    assert "operations.content.enabled" not in points  # in the scenario table, not here
    assert "operations.content.enabled = True" in design


def test_question_without_setup_is_kept_whole(tmp_path):
    from simulation.analysis.report import split_question
    assert split_question("Which plan wins?") == ("Which plan wins?", "")
    assert split_question("A sweep of prices.") == ("A sweep of prices.", "")
    assert split_question("Does it pay?  It has\n5 stores.") == ("Does it pay?", "It has 5 stores.")
    assert split_question(None) == ("", "")


def test_network_snapshot_runs_a_scenario_with_platform_graphs():
    """The snapshot's small run cuts a platform's own generated graph to the same people
    (it used to fail: 'the generator makes 5000 nodes but the population has 400')."""
    from simulation.analysis.snapshot import shrink, small_run
    from simulation.config.scenario import load_scenario

    scenario = {"graph": {"generator": "powerlaw_cluster", "n": 2000, "m": 3, "p": 0.3},
                "platforms": [{"name": "chat"},
                              {"name": "video", "graph": {"generator": "barabasi_albert", "n": 2000, "m": 2}}]}
    small = shrink(scenario, 300)
    assert small["graph"]["n"] == 300 and small["platforms"][1]["graph"]["n"] == 300
    assert scenario["platforms"][1]["graph"]["n"] == 2000  # the manifest's copy is left alone
    dumped = load_scenario(scenario).model_dump(mode="json")  # the manifest's nested form
    graph, state = small_run(dumped, 300, seed=1)
    assert graph.n == 300 and all(len(v) == 300 for v in state.values() if getattr(v, "ndim", 0) == 1)


def test_kol_section_explains_a_dash_for_a_kol_paid_no_post_fee(tmp_path):
    """A KOL paid no post fee (booked for a live session instead) has no return per fee: the
    table shows '–' and its caption says why; with every KOL paid, the caption stays short."""
    import pandas as pd
    out = grid_output(tmp_path)
    md = write_report(out).read_text()
    assert "paid no post fee" not in md.split("## Which KOLs pay for themselves")[1]
    kols = pd.read_parquet(out / "kols.parquet")
    kols.loc[kols["name"] == "ana", "fees"] = 0.0
    kols.to_parquet(out / "kols.parquet", index=False)
    section = write_report(out).read_text().split("## Which KOLs pay for themselves")[1].split("\n## ")[0]
    assert "– where the KOL was paid no post fee, so return per fee is undefined" in section
    ana = [r for r in section.splitlines() if "| ana |" in r]
    assert ana and all(r.rstrip(" |").endswith("–") for r in ana)


def test_grid_points_named_by_their_values_have_no_repeated_parameter_columns(tmp_path):
    """Grid points named p<i> are labelled 'kol.count=4, ...'; the points table then does not
    repeat those values in columns of their own (competition.toml's table ran off the page)."""
    import json
    out = grid_output(tmp_path)
    manifest = json.loads((out / "manifest.json").read_text())
    for p in manifest["design"]["points"]:
        p["name"] = f"p{p['point']}"
    (out / "manifest.json").write_text(json.dumps(manifest))
    md = write_report(out).read_text()
    points = md.split("## Design points", 1)[1].split("\n## ", 1)[0]
    header = points.strip().split("\n", 1)[0]
    assert header.startswith("| point | name | runs ok | conversion\\_rate"), header
    assert "kol.count=4" in points


def test_comparison_sentences_write_amounts_out_and_undefined_as_a_dash():
    """'-12550' as in the tables (not '-1.255e+04'); an undefined bound reads '–', never 'nan'."""
    import dataclasses

    import numpy as np
    import pandas as pd

    from simulation.analysis.stats import compare
    runs = pd.DataFrame({"point": [0] * 3 + [1] * 3, "point_name": ["A"] * 3 + ["B"] * 3,
                         "replication": [0, 1, 2] * 2, "m": [20000.0, 25100.0, 31000.0, 5000.0, 9000.0, 12000.0]})
    c = compare(runs, "m", 0, 1, paired=True)
    s = c.sentence()
    assert "e+0" not in s and "A − B = 16700" in s, s
    s = dataclasses.replace(c, low=np.nan, high=np.nan).sentence()  # an interval that could not be had
    assert "nan" not in s and "CI – to –" in s, s


def test_a_runner_up_that_is_the_baseline_is_compared_once(tmp_path):
    # two points: the runner-up of the best is the baseline, so one comparison (named so) says both
    from simulation.cli import main
    from tests.runner.small import small_base, write

    text = ("# Do twenty KOLs sell more?\n" + small_base() + "[sweep]\ndesign = 'scenarios'\nreplications = 3\n"
            "[[sweep.scenarios]]\nname = 'baseline'\n[[sweep.scenarios]]\nname = 'kols'\n"
            "[sweep.scenarios.set]\n'kol.count' = 20\n'kol.engagement_rate' = 0.5\n")
    out = tmp_path / "out"
    assert main(["sweep", str(write(tmp_path / "e.toml", text)), "--out", str(out), "--workers", "1", "-q"]) == 0
    md = write_report(out).read_text()
    # twenty KOLs win on conversion: their runner-up is the baseline
    assert "**kols** (point 1) has the highest conversion_rate" in md
    assert "Against the runner-up, which is the baseline" in md and "Against the baseline" not in md
