"""Loading a sweep output directory: ok runs only in statistics, errors kept, bad files named."""
import json

import pytest

from simulation.analysis.load import ResultsError, load_results
from tests.analysis.fake_output import grid_output, scenarios_output


def test_ok_runs_and_errors_are_separated(tmp_path):
    res = load_results(scenarios_output(tmp_path, replications=4, errors=((2, 1), (4, 3))))
    assert len(res.all_runs) == 20
    assert len(res.runs) == 18 and (res.runs["status"] == "ok").all()
    assert sorted(zip(res.errors["point"], res.errors["replication"])) == [(2, 1), (4, 3)]
    assert res.errors["error"].str.contains("simulated failure").all()
    # the failed runs' days never reach the statistics
    assert set(res.timeseries["run"]) == set(res.runs["run"])


def test_design_accessors(tmp_path):
    res = load_results(grid_output(tmp_path))
    assert res.design_type == "grid" and res.crn is True
    assert res.swept == ["kol.count", "operations.relationship.referral_reward"]
    assert res.numeric_swept == res.swept
    assert list(res.points["point"]) == list(range(9))
    assert res.point_name(4) == "kol=2,reward=5"
    assert "conversion_rate" in res.metrics and "kol.count" not in res.metrics
    assert "replication" not in res.metrics


def test_scenarios_parameter_is_not_numeric(tmp_path):
    res = load_results(scenarios_output(tmp_path))
    assert res.swept == [f"operations.{m}.enabled" for m in ("content", "relationship", "event", "crossover")]
    assert res.numeric_swept == []  # booleans are not numeric axes


def test_missing_directory_and_files(tmp_path):
    with pytest.raises(ResultsError, match="not a directory"):
        load_results(tmp_path / "nope")
    with pytest.raises(ResultsError, match="manifest.json"):
        load_results(tmp_path)
    out = scenarios_output(tmp_path / "o")
    (out / "runs.parquet").unlink()
    with pytest.raises(ResultsError, match="runs.parquet"):
        load_results(out)


def test_malformed_manifest_names_line(tmp_path):
    out = scenarios_output(tmp_path)
    (out / "manifest.json").write_text('{\n "design": {},\n "crn": tru\n}')
    with pytest.raises(ResultsError, match="line 3"):
        load_results(out)
    (out / "manifest.json").write_text(json.dumps({"design": {}, "crn": True}))
    with pytest.raises(ResultsError, match="replications"):
        load_results(out)


def test_corrupt_or_incomplete_parquet(tmp_path):
    out = scenarios_output(tmp_path)
    (out / "runs.parquet").write_bytes(b"not parquet")
    with pytest.raises(ResultsError, match="runs.parquet.*not a readable Parquet"):
        load_results(out)
    out2 = scenarios_output(tmp_path / "b")
    import pandas as pd
    runs = pd.read_parquet(out2 / "runs.parquet").drop(columns=["status"])
    runs.to_parquet(out2 / "runs.parquet")
    with pytest.raises(ResultsError, match=r"missing column\(s\) \['status'\]"):
        load_results(out2)


def test_timeseries_optional(tmp_path):
    out = scenarios_output(tmp_path)
    (out / "timeseries.parquet").unlink()
    res = load_results(out)
    assert res.timeseries.empty and len(res.runs) == 29


def test_kols_table_optional_and_only_ok_runs(tmp_path):
    from tests.analysis.fake_output import write_kols
    assert load_results(scenarios_output(tmp_path / "old")).kols is None  # folders without KOLs still load
    out = scenarios_output(tmp_path / "k", replications=4, errors=((2, 1),))
    import pandas as pd
    runs = pd.read_parquet(out / "runs.parquet")
    write_kols(out, lambda p: 2)
    k = pd.read_parquet(out / "kols.parquet")
    # a stray row of the failed run (point 2, replication 1) must not reach the statistics
    failed = int(runs.loc[(runs["point"] == 2) & (runs["replication"] == 1), "run"].iloc[0])
    stray = k.iloc[[0]].assign(run=failed, point=2, replication=1)
    pd.concat([k, stray]).to_parquet(out / "kols.parquet", index=False)
    res = load_results(out)
    assert len(res.kols) == 2 * len(res.runs) and set(res.kols["run"]) == set(res.runs["run"])
    assert list(res.kols[["point", "replication", "kol"]].itertuples(index=False)) == sorted(
        res.kols[["point", "replication", "kol"]].itertuples(index=False))
    k.drop(columns=["profit_root"]).to_parquet(out / "kols.parquet", index=False)
    with pytest.raises(ResultsError, match=r"kols.parquet: missing column\(s\) \['profit_root'\]"):
        load_results(out)
