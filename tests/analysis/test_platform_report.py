"""The report's per-platform section (``simulation.analysis.platform_report``) on a tiny channel-mix sweep."""
from __future__ import annotations

import numpy as np


def test_report_says_which_platform_purchases_came_through(tmp_path):
    """A tiny channel-mix sweep through the CLI: the report has the platform section, its tables add up."""
    from pathlib import Path

    from simulation.analysis.load import load_results
    from simulation.analysis.platform_report import attribution_table, platform_table
    from simulation.cli import main

    exp = Path(__file__).resolve().parents[2] / "experiments" / "channel_mix.toml"
    out = tmp_path / "cm"
    sets = ["sweep.replications=1", "days=12", "graph.n=400", "platforms.1.graph.n=400", "counterfactual=false"]
    assert main(["sweep", str(exp), "--out", str(out), "--workers", "1", "-q",
                 *[x for s in sets for x in ("--set", s)]]) == 0
    assert main(["report", str(out), "-q"]) == 0
    text = (out / "report.md").read_text()
    assert "## Platforms: where purchases came from" in text and "figures/platforms.png" in text
    runs = load_results(out).runs
    table, attr = platform_table(runs), attribution_table(runs)
    assert set(table["platform"]) == {"messaging", "video", "marketplace"}
    channels = [c for c in attr.columns if c.startswith("attr_")]
    assert "attr_ads" in channels and "attr_friend" in channels
    np.testing.assert_allclose(attr[channels].sum(axis=1), table["purchases"])
    per_point = table.groupby("point")["purchases"].sum()
    np.testing.assert_allclose(per_point.sort_index(), runs.groupby("point_name")["purchases"].mean().sort_index())
