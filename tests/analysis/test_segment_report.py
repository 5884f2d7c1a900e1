"""The shipped price experiment, shrunk, runs end to end: per-group columns on disk and the report's sections."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulation.analysis.load import load_results
from simulation.analysis.report import labelled, render_html, render_markdown, segment_blocks
from simulation.analysis.segment_report import sections
from simulation.cli import main

EXPERIMENT = Path(__file__).resolve().parents[2] / "experiments" / "price_elasticity.toml"
SEGMENTS = ("young_social", "cautious")


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("price") / "out"
    status = main(["sweep", str(EXPERIMENT), "--out", str(out), "--workers", "1", "--quiet",
                   "--set", "graph.n=500", "--set", "days=15", "--set", "sweep.replications=2",
                   "--set", 'sweep.parameters={"product.price" = [59.0, 99.0, 139.0]}'])
    assert status == 0
    return out


def test_per_group_series_are_columns_of_the_timeseries(sweep):
    ts = pd.read_parquet(sweep / "timeseries.parquet")
    for g in SEGMENTS + ("age=18-24", "region=county", "income=high"):
        for m in ("buyers", "new_buyers", "purchases", "revenue", "discount_cost"):
            assert f"{m}__{g}" in ts, (m, g)
    per_seg = sum(ts[f"purchases__{g}"] for g in SEGMENTS)
    assert (per_seg == ts["purchases"]).all()
    runs = load_results(sweep).runs
    assert (sum(runs[f"buyers__{g}"] for g in SEGMENTS) == runs["buyers"]).all()


def test_report_has_the_elasticity_and_segment_sections(sweep):
    # the report's own blocks and templates (the rest of the report is tested on synthetic folders)
    blocks = segment_blocks(labelled(load_results(sweep)), 0, sweep / "figures")
    md, html = render_markdown(blocks, sweep), render_html(blocks)
    for title in ("Price elasticity of demand", "Segments and profiles"):
        assert f"## {title}" in md and title in html
    for figure in ("demand_curves", "segment_adoption"):
        assert f"figures/{figure}.png" in md and (sweep / "figures" / f"{figure}.png").stat().st_size > 10_000
    results = load_results(sweep)
    parts = {s.title: s for s in sections(results, lambda m, lo, hi: f"{m:.3f} [{lo:.3f}, {hi:.3f}]")}
    table = parts["Price elasticity of demand"].tables[0][0]
    # one row per group (all, 2 segments, 4 + 3 + 3 profile values), one column per adjacent price pair
    assert list(table.columns) == ["group", "59 → 99", "99 → 139"]
    assert table["group"].tolist()[:3] == ["all", *SEGMENTS] and len(table) == 13
    captions = [c for _, c in parts["Segments and profiles"].tables]
    assert any(c.startswith("Per segment") for c in captions) and any("frequency" in c for c in captions)


def test_no_elasticity_section_without_a_price_sweep(sweep):
    results = load_results(sweep)
    results.manifest["design"]["columns"] = []
    assert [s.title for s in sections(results, lambda *a: "x")] == ["Segments and profiles"]
