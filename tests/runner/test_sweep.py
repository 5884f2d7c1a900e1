"""End-to-end sweeps of the real model: engines agree, CRN works, a killed sweep resumes exactly."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from simulation.cli import main
from simulation.config.experiment import load_experiment
from simulation.runner.executors import DaskExecutor
from simulation.runner.sweep import run_experiment
from tests.runner.small import grid_file, small_base, write

REPO = Path(__file__).resolve().parents[2]


def tables(out: Path):
    """The final tables as DataFrames, wall-clock time left out (the only field allowed to differ)."""
    runs = pq.read_table(out / "runs.parquet")
    ts = pq.read_table(out / "timeseries.parquet")
    return runs.drop(["wall_s"]).to_pandas(), ts.to_pandas(), runs.schema.remove(runs.schema.get_field_index("wall_s"))


def assert_same_results(a: Path, b: Path):
    ra, ta, sa = tables(a)
    rb, tb, sb = tables(b)
    assert sa.equals(sb)
    assert ra.equals(rb)  # DataFrame.equals: same dtypes, values, order; NaN equals NaN
    assert ta.equals(tb)


def test_workers_1_2_and_dask_give_identical_results(tmp_path):
    exp = load_experiment(grid_file(tmp_path, replications=3))
    run_experiment(exp, tmp_path / "w1", workers=1, progress=False)
    run_experiment(exp, tmp_path / "w2", workers=2, chunk_size=2, progress=False)
    with DaskExecutor(1, processes=False) as dask:
        run_experiment(exp, tmp_path / "dask", executor=dask, chunk_size=5, progress=False)
    assert_same_results(tmp_path / "w1", tmp_path / "w2")
    assert_same_results(tmp_path / "w1", tmp_path / "dask")

    runs, ts, _ = tables(tmp_path / "w1")
    assert list(runs["run"]) == list(range(12))
    assert list(runs.columns[:9]) == [
        "run", "point", "point_name", "replication", "seed_entropy", "spawn_key",
        "kol.count", "operations.relationship.referral_reward", "status",
    ]
    assert (runs["status"] == "ok").all() and (runs["error"] == "").all()
    assert {"buyers", "conversion_rate", "roas"} <= set(runs.columns)
    # Common random numbers: replication r of every point has the same seed.
    assert (runs["spawn_key"] == runs["replication"].astype(str)).all()
    assert (runs["seed_entropy"] == 11).all()
    assert len(ts) == 12 * 16 and list(ts.columns[:5]) == ["run", "point", "point_name", "replication", "day"]
    manifest = json.loads((tmp_path / "w1" / "manifest.json").read_text())
    assert manifest["n_runs"] == 12 and manifest["finished"] and manifest["crn"] is True
    assert [p["name"] for p in manifest["design"]["points"]] == ["p0", "p1", "p2", "p3"]
    assert manifest["question"].startswith("Does a KOL campaign pay for itself in a small town?")
    assert not (tmp_path / "w1" / "parts").exists()


def test_common_random_numbers_shrink_the_variance_of_a_paired_difference(tmp_path):
    # Two points that differ only in the price; 40 replications each, paired by replication.
    text = "# CRN check\n" + small_base(n=400, days=15) + (
        "[sweep]\nreplications = 40\nseed = 5\n[sweep.parameters]\n'product.price' = [99.0, 120.0]\n"
    )
    path = write(tmp_path / "crn.toml", text)
    var = {}
    for crn in (True, False):
        exp = load_experiment(path, [f"sweep.crn={str(crn).lower()}"])
        out = tmp_path / f"crn-{crn}"
        run_experiment(exp, out, workers=1, progress=False)
        runs = pq.read_table(out / "runs.parquet").to_pandas()
        a = runs[runs.point == 0].sort_values("replication")["buyers"].to_numpy()
        b = runs[runs.point == 1].sort_values("replication")["buyers"].to_numpy()
        var[crn] = np.var(a - b, ddof=1)
    # Under equal variances the ratio of two sample variances with 39 d.f. each follows
    # F(39, 39), and P(F < 0.5) is about 0.017: requiring a ratio below 0.5 is a one-sided
    # test at < 2 % that CRN changed nothing.
    assert var[True] < 0.5 * var[False], var


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    exp = load_experiment(grid_file(tmp_path, replications=2))
    out = tmp_path / "out"
    outcome = run_experiment(exp, out, workers=1, progress=False, model="tests.runner.fake_models:fails_with_kols")
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    bad = runs["kol.count"] == 3
    assert outcome.errors == int(bad.sum()) == 4
    assert (runs.loc[bad, "status"] == "error").all()
    assert runs.loc[bad, "error"].str.contains("RuntimeError: no KOLs in this test").all()
    assert runs.loc[bad, "buyers"].isna().all()
    assert (runs.loc[~bad, "status"] == "ok").all() and runs.loc[~bad, "buyers"].notna().all()
    ts = pq.read_table(out / "timeseries.parquet").to_pandas()
    assert set(ts["run"]) == set(runs.loc[~bad, "run"])


def test_sweep_killed_part_way_resumes_to_the_uninterrupted_result(tmp_path):
    path = grid_file(tmp_path, replications=25, n=1500, days=40)  # 100 runs
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    assert main(["sweep", str(path), "--out", str(whole), "--workers", "1", "--quiet"]) == 0

    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulation", "sweep", str(path), "--out", str(broken),
         "--workers", "1", "--chunk-size", "1", "--quiet"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    parts = broken / "parts"
    deadline = time.monotonic() + 120
    try:
        while len(list(parts.glob("runs-*.parquet")) if parts.is_dir() else []) < 3:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep wrote no parts"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # Killed part-way: some parts, no final tables, manifest not finished.
    done = len(list(parts.glob("runs-*.parquet")))
    assert 3 <= done < 100
    assert not (broken / "runs.parquet").exists()
    assert json.loads((broken / "manifest.json").read_text())["finished"] is None

    # Without --resume the directory is refused, untouched.
    assert main(["sweep", str(path), "--out", str(broken), "--workers", "1", "--quiet"]) == 2
    assert len(list(parts.glob("runs-*.parquet"))) == done

    assert main(["sweep", str(path), "--out", str(broken), "--workers", "2", "--resume", "--quiet"]) == 0
    assert_same_results(whole, broken)
    leftovers = [p.name for p in broken.rglob("*") if p.name.startswith(".tmp-") or p.name == "parts"]
    assert leftovers == []
    manifest = json.loads((broken / "manifest.json").read_text())
    assert manifest["finished"] and len(manifest["resumed"]) == 1

    # Resuming a finished sweep does nothing and changes nothing.
    before = (broken / "runs.parquet").read_bytes()
    assert main(["sweep", str(path), "--out", str(broken), "--resume", "--quiet"]) == 0
    assert (broken / "runs.parquet").read_bytes() == before


def test_resume_refuses_a_different_sweep(tmp_path, capsys):
    path = grid_file(tmp_path, replications=1)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    before = (out / "runs.parquet").read_bytes()
    status = main(["sweep", str(path), "--out", str(out), "--resume", "--set", "sweep.seed=99", "--quiet"])
    assert status == 2 and "base_seed" in capsys.readouterr().err
    assert (out / "runs.parquet").read_bytes() == before
    # --overwrite replaces it.
    assert main(["sweep", str(path), "--out", str(out), "--overwrite", "--set", "sweep.seed=99",
                 "--workers", "1", "--quiet"]) == 0
    assert json.loads((out / "manifest.json").read_text())["base_seed"] == 99


@pytest.mark.parametrize("design,extra,n_points", [
    ("lhs", "samples = 6\n", 6),
    ("sobol", "samples = 4\nsecond_order = false\n", 4 * (2 + 2)),
])
def test_sampled_designs_run_and_record_the_salib_problem(tmp_path, design, extra, n_points):
    text = "# sampled\n" + small_base(n=300, days=8) + (
        f"[sweep]\ndesign = '{design}'\n{extra}replications = 1\nseed = 2\n"
        "[sweep.parameters]\n'kol.count' = {low = 0, high = 3}\n'product.price' = {low = 60.0, high = 140.0}\n"
    )
    exp = load_experiment(write(tmp_path / "s.toml", text))
    out = tmp_path / "out"
    run_experiment(exp, out, workers=1, progress=False)
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    assert len(runs) == n_points and (runs.status == "ok").all()
    assert str(runs["kol.count"].dtype) == "int64" and runs["kol.count"].between(0, 3).all()
    manifest = json.loads((out / "manifest.json").read_text())
    problem = manifest["design"]["salib_problem"]
    assert problem["names"] == ["kol.count", "product.price"] and problem["num_vars"] == 2
    assert len(manifest["design"]["salib_sample"]) == n_points
