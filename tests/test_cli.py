"""The socsim command: version, help with examples, validate, run, and one-line errors with exit 2."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from simulation.cli import build_parser, main
from tests.runner.small import grid_file, small_base, write

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ["run", "sweep", "validate", "report", "demo"]


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("socsim 0.")


@pytest.mark.parametrize("command", [None] + COMMANDS)
def test_help_shows_an_example(capsys, command):
    with pytest.raises(SystemExit) as exit_:
        main(([command] if command else []) + ["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "example: socsim" in out


def test_validate_prints_design_size_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = grid_file(tmp_path, replications=3)
    assert main(["validate", str(path), "--set", "sweep.replications=4"]) == 0
    out = capsys.readouterr().out
    assert "design: grid, 4 points" in out and "runs: 16" in out and "common random numbers" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.toml"]


@pytest.mark.parametrize("path", sorted((REPO / "experiments").glob("*.toml")), ids=lambda p: p.stem)
def test_ready_experiments_validate_and_open_with_their_question(capsys, path):
    assert main(["validate", str(path)]) == 0
    assert "runs:" in capsys.readouterr().out
    assert path.read_text().startswith("# ")


def test_run_a_scenario_file_writes_the_output_directory(tmp_path, capsys):
    scenario = write(tmp_path / "town.toml", "# A small town.\n" + small_base(n=300, days=5).replace(
        'scenario = "default"\n', 'scenario = "default"\nname = "town"\n'))
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--out", str(out), "--replications", "3", "--seed", "4",
                 "--set", "kol.count=2", "--workers", "1", "--quiet"]) == 0
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    assert list(runs["run"]) == [0, 1, 2] and (runs["point_name"] == "p0").all() and (runs.status == "ok").all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["design"]["type"] == "grid" and manifest["design"]["points"][0]["params"] == {}
    assert manifest["base_seed"] == 4 and manifest["scenario"]["kol"]["count"] == 2
    assert manifest["question"] == "A small town."
    ts = pq.read_table(out / "timeseries.parquet")
    assert ts.num_rows == 3 * 6


def test_run_refuses_a_file_with_a_sweep(tmp_path, capsys):
    assert main(["run", str(grid_file(tmp_path)), "--out", str(tmp_path / "o")]) == 2
    assert "socsim sweep" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_default_output_is_results_slash_stem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = grid_file(tmp_path, replications=1, name="tiny.toml")
    assert main(["sweep", str(path), "--workers", "1", "--quiet", "--set", "days=3"]) == 0
    assert (tmp_path / "results" / "tiny" / "runs.parquet").is_file()


@pytest.mark.parametrize("argv,needle", [
    (["sweep", "no_such_file.toml"], "no_such_file.toml"),
    (["sweep", "{grid}", "--workers", "0"], "workers"),
    (["sweep", "{grid}", "--set", "kol.count"], "dotted.path=value"),
    (["sweep", "{grid}", "--scheduler", "tcp://x:1"], "--backend dask"),
    (["validate", "{grid}", "--set", "sweep.design=magic"], "sweep.design"),
    (["report", "{tmp}"], "manifest.json"),
    (["frobnicate"], "invalid choice"),
])
def test_user_errors_are_one_line_with_exit_status_2(tmp_path, capsys, argv, needle):
    grid = grid_file(tmp_path)
    argv = [a.format(grid=grid, tmp=tmp_path) for a in argv]
    try:
        status = main(argv)
    except SystemExit as e:  # argparse usage errors
        status = e.code
    err = capsys.readouterr().err
    assert status == 2
    assert needle in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_python_dash_m_reports_errors_without_traceback(tmp_path):
    bad = write(tmp_path / "bad.toml", "scenario = 'default'\n[sweep]\nreplications = -1\n")
    res = subprocess.run(
        [sys.executable, "-m", "simulation", "sweep", str(bad), "--out", str(tmp_path / "o")],
        cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=120,
    )
    assert res.returncode == 2
    assert res.stderr.strip() == "socsim: error: sweep.replications: Input should be greater than or equal to 1"
    assert not (tmp_path / "o").exists()


def test_failed_runs_give_exit_1_and_distinct_errors_with_counts(tmp_path, capsys, monkeypatch):
    from simulation.runner import task

    real = task.simulate_scenario

    def flaky(scenario, seed, base_dir=None):
        if scenario["kol"]["count"] == 3:
            raise RuntimeError("the KOL agency is closed")
        return real(scenario, seed, base_dir)

    monkeypatch.setattr(task, "simulate_scenario", flaky)
    out = tmp_path / "out"
    status = main(["sweep", str(grid_file(tmp_path, replications=2)), "--out", str(out), "--workers", "1", "-q"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.strip().splitlines() == [
        f"socsim: error: 4 of 8 runs failed (status 'error' in {out / 'runs.parquet'}):",
        "  4 x RuntimeError: the KOL agency is closed",
    ]
    assert "exit status:" in build_parser().format_help() and "143" in build_parser().format_help()


def test_run_prints_key_metrics_with_intervals(tmp_path, capsys):
    scenario = write(tmp_path / "town.toml", small_base(n=300, days=5))
    assert main(["run", str(scenario), "--out", str(tmp_path / "o"), "--replications", "4", "--workers", "1",
                 "-q"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("metric") and "95 % interval over 4 replications" in out[1]
    rows = {line.split("  ")[0]: line for line in out[3:]}
    assert {"buyers", "conversion rate", "revenue", "spend", "profit", "incremental profit", "incremental ROI"} <= set(rows)
    assert all("[" in line and "]" in line for line in rows.values())


def test_debug_shows_the_traceback_of_a_user_error(tmp_path):
    from simulation.config.experiment import ExperimentError

    bad = write(tmp_path / "bad.toml", 'scenario = "default"\ndays = true\n')
    assert main(["validate", str(bad)]) == 2
    with pytest.raises(ExperimentError, match="days: must be a whole number"):
        main(["--debug", "validate", str(bad)])
    with pytest.raises(ExperimentError):
        main(["validate", str(bad), "--debug"])
