"""The report's market section: a small competition sweep through the CLI, then ``socsim report``."""
from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.analysis.market import product_names, share_curves
from simulation.cli import main

EXPERIMENT = """# Does matching a rival's KOLs defend our share? (a tiny copy of experiments/competition.toml)
scenario = "default"
name = "tiny_competition"
days = 15

[graph]
generator = "powerlaw_cluster"
n = 600
m = 4
p = 0.3

[rival]
kol = { count = 2 }
seeding = { count = 15 }

[market]
negative_switch = 0.2

[sweep]
design = "grid"
replications = 2
seed = 3
crn = true

[sweep.parameters]
"kol.count" = [0, 2]
"""


def test_competition_sweep_reports_market_share(tmp_path):
    (tmp_path / "e.toml").write_text(EXPERIMENT)
    out = tmp_path / "out"
    assert main(["sweep", str(tmp_path / "e.toml"), "--out", str(out), "--workers", "1", "-q"]) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    assert product_names(runs.columns) == ["ours", "rival"]
    np.testing.assert_allclose(runs["market_share@ours"] + runs["market_share@rival"], 1.0, atol=1e-12)
    np.testing.assert_allclose(runs["profit@rival"], runs["revenue@rival"] - runs["cogs@rival"] - runs["spend@rival"])
    ts = pd.read_parquet(out / "timeseries.parquet")
    curves = share_curves(ts)
    assert set(curves["product"]) == {"ours", "rival"} and curves["day"].max() == 15
    assert main(["report", str(out), "-q"]) == 0
    md = (out / "report.md").read_text()
    section = md.split("## Market: products and rival", 1)[1].split("\n## ", 1)[0]
    assert "### Product ours" in section and "### Product rival" in section
    # the section the experiment is about comes before the generic per-segment breakdown
    assert md.index("## Market: products and rival") < md.index("## Segments and profiles")
    assert "figures/market_share.png" in section and (out / "figures" / "market_share.png").stat().st_size > 10_000
