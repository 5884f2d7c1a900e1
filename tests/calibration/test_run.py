"""End to end through the command functions: outputs, reproducibility, folder rules, errors."""
from __future__ import annotations


import pyarrow.parquet as pq
import pytest


from simulation.calibration.config import load_calibration
from simulation.calibration.run import calibrate
from simulation.config.experiment import load_experiment

from .models import tiny_model

TRUTH = {"population.ties.p": 0.25, "funnel.platform_rate": 0.01}
CONFIG = """# Which word of mouth and platform discovery explain a tiny launch?
name = "tiny"
days = 28
[graph]
generator = "powerlaw_cluster"
n = 300
m = 3
p = 0.3
[population.ties]
model = "constant"
p = 0.2
[kol]
count = 0
[seeding]
count = 3
[funnel]
platform_rate = 0.01
platform_strength = 0.3

[calibrate]
seed = 11
[calibrate.data]
file = "sales.csv"
columns = ["purchases", "buyers"]
fit_weeks = 3
[calibrate.parameters]
"population.ties.p" = { prior = "uniform", low = 0.05, high = 0.45 }
"funnel.platform_rate" = { prior = "log_uniform", low = 0.002, high = 0.05 }
[calibrate.point]
trials = 6
replications = 1
[calibrate.posterior]
population_size = 15
generations = 2
max_simulations = 500
[calibrate.predictive]
draws = 10
"""


@pytest.fixture()
def config(tmp_path):
    series = tiny_model(("purchases", "buyers"))(TRUTH, 99, 28)
    rows = "".join(f"{d + 1},{int(series['purchases'][d])},{int(series['buyers'][d])}\n" for d in range(28))
    (tmp_path / "sales.csv").write_text("# simulated\nday,purchases,buyers\n" + rows)
    p = tmp_path / "cal.toml"
    p.write_text(CONFIG)
    return p


def _run(argv) -> int:
    """``socsim calibrate ARGV`` through the real command line."""
    from simulation.cli import main as socsim

    return socsim(["calibrate", *argv])


def test_command_outputs_fitted_scenario_and_folder_rules(config, tmp_path, capsys):
    out = tmp_path / "out"
    assert _run([str(config), "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "population.ties.p: point" in printed and "held-out coverage of the 90% band" in printed
    for name in ("calibration.json", "study.journal", "abc.db", "posterior.parquet", "predictive.parquet",
                 "predictive.png", "fitted.toml", "calibration.md"):
        assert (out / name).is_file(), name
    pq_bytes = (out / "posterior.parquet").read_bytes()
    post = pq.read_table(out / "posterior.parquet").to_pandas()
    assert list(post.columns) == ["population.ties.p", "funnel.platform_rate", "weight"] and len(post) == 15
    band = pq.read_table(out / "predictive.parquet").to_pandas()
    assert len(band) == 2 * 4 and band["held_out"].sum() == 2  # week 4 of 2 columns held out
    assert (band["low"] <= band["median"]).all() and (band["median"] <= band["high"]).all()
    exp = load_experiment(out / "fitted.toml", sweep_forbidden=True)  # what `socsim run` loads
    assert exp.base.days == 28 and 0.05 <= exp.base.population.ties.p <= 0.45
    md = (out / "calibration.md").read_text()
    assert "Which word of mouth" in md and "Held-out check" in md
    # folder rules: a used folder needs --resume (same calibration) or --overwrite
    assert _run([str(config), "--out", str(out), "--quiet"]) == 2
    assert "not empty; pass --resume" in capsys.readouterr().err
    assert _run([str(config), "--out", str(out), "--quiet", "--resume"]) == 0
    assert (out / "posterior.parquet").read_bytes() == pq_bytes
    capsys.readouterr()
    assert _run([str(config), "--out", str(out), "--quiet", "--resume", "--set", "calibrate.seed=12"]) == 2
    assert "cannot resume: the calibration recorded there differs" in capsys.readouterr().err


def test_same_config_and_seed_give_the_same_outputs(config, tmp_path):
    cal = load_calibration(config)
    a = calibrate(cal, tmp_path / "a")
    b = calibrate(cal, tmp_path / "b")
    assert a.point == b.point
    for name in ("posterior.parquet", "predictive.parquet", "fitted.toml", "calibration.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_bad_data_and_config_give_one_line_and_status_2(config, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("day,purchases,buyers\n1,2,2\n2,two,1\n")
    assert _run([str(config), "--data", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.csv:3: column 'purchases': 'two' is not a number" in err
    assert _run([str(config), "--set", "calibrate.point.trials=0", "--out", str(tmp_path / "o")]) == 2
    assert "calibrate.point.trials: Input should be greater than or equal to 1" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()  # nothing written before validation
    assert _run([str(config), "--validate"]) == 0
    assert "ok; 2 parameters, 28 days" in capsys.readouterr().out
