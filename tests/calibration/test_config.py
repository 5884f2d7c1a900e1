"""The calibration file: the example loads; bad configs are rejected with one line naming the field."""
from __future__ import annotations

import pytest

from simulation.calibration.config import CalibrationError, load_calibration
from simulation.calibration.observed import DataError

DATA = "day,purchases,buyers,revenue\n" + "".join(f"{d},{d % 5},{d % 4},{99 * (d % 5)}\n" for d in range(1, 29))


def _config(tmp_path, calibrate: str, scenario: str = 'scenario = "default"\ndays = 28\n[graph]\ngenerator = '
            '"powerlaw_cluster"\nn = 300\nm = 3\np = 0.3\n'):
    (tmp_path / "sales.csv").write_text(DATA)
    p = tmp_path / "cal.toml"
    p.write_text("# Which tie strength fits?\n" + scenario + "\n[calibrate]\n" + calibrate)
    return p


GOOD = """seed = 3
[calibrate.data]
file = "sales.csv"
columns = ["purchases", "buyers"]
fit_weeks = 3
[calibrate.parameters]
"population.ties.scale" = { prior = "uniform", low = 0.5, high = 2.0 }
"funnel.platform_rate" = { prior = "log_uniform", low = 1e-4, high = 1e-2 }
"kol.credibility" = { prior = "normal", mean = 0.08, sd = 0.02, low = 0.0 }
"""


def test_good_config_loads_with_data_and_overrides(tmp_path):
    cal = load_calibration(_config(tmp_path, GOOD), overrides=["calibrate.point.trials=7", "kol.count=2"])
    assert cal.table.point.trials == 7 and cal.base["kol"]["count"] == 2
    assert cal.observed.n_periods == 28 and cal.fit.n_periods == 21
    assert cal.question == "Which tie strength fits?"
    assert cal.table.parameters["kol.credibility"].bounds == (0.0, 0.16)
    assert cal.table.point.loss == "poisson_deviance" and cal.table.point.column == "purchases"


def test_the_shipped_example_validates():
    cal = load_calibration("experiments/calibrate.toml")
    assert cal.observed.n_periods == 84 and cal.table.data.fit_weeks == 8
    assert cal.base["graph"]["params"]["n"] == 5000


@pytest.mark.parametrize("change, message", [
    (("fit_weeks = 3", "fit_weeks = 5"), "calibrate.data.fit_weeks: 5 weeks, but"),
    (("fit_weeks = 3", "fit_weeks = 0"), "calibrate.data.fit_weeks: Input should be greater than or equal to 1"),
    (('"purchases", "buyers"', '"purchases", "sales"'), "calibrate.data.columns: 'sales' is not an observable"),
    (("seed = 3", "seed = 3\nsteps = 4"), "calibrate.steps: Extra inputs are not permitted"),
    (("low = 0.5, high = 2.0", "low = 2.0, high = 0.5"),
     "calibrate.parameters.population.ties.scale: low (2.0) must be below high (0.5)"),
    (('prior = "uniform", low = 0.5', 'prior = "beta", low = 0.5'), "calibrate.parameters.population.ties.scale.prior"),
    (("low = 1e-4", "low = 0"), "calibrate.parameters.funnel.platform_rate.low: a log_uniform prior needs low > 0"),
    (('"population.ties.scale"', '"population.ties.strength"'),
     "calibrate.parameters.population.ties.strength: 'strength' is not a key of population.ties"),
    (("high = 1e-2", "high = 2.0"), "calibrate.parameters.funnel.platform_rate: at 2: Input should be less than or"),
    (('"kol.credibility" = { prior = "normal", mean = 0.08, sd = 0.02, low = 0.0 }',
      '"seeding.count" = { prior = "uniform", low = 1, high = 10 }'),
     "calibrate.parameters.seeding.count: at 5.5: a whole-number field"),
    (('"kol.credibility" = { prior = "normal", mean = 0.08, sd = 0.02, low = 0.0 }',
      '"days" = { prior = "uniform", low = 1, high = 10 }'), "calibrate.parameters.days: 'days' cannot be calibrated"),
    (("sd = 0.02", "sd = -1"), "calibrate.parameters.kol.credibility.sd: Input should be greater than 0"),
    (('file = "sales.csv"', 'file = "nope.csv"'), "nope.csv: no such data file"),
    (('columns = ["purchases", "buyers"]', 'columns = ["revenue"]'),
     "calibrate.point.column: 'purchases' is not one of data.columns"),
])
def test_bad_configs_name_the_field(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises((CalibrationError, DataError)) as e:
        load_calibration(_config(tmp_path, GOOD.replace(old, new)))
    assert message in str(e.value) and "\n" not in str(e.value), str(e.value)


def test_bad_files_and_scenarios(tmp_path):
    with pytest.raises(CalibrationError, match="no \\[calibrate\\] table"):
        load_calibration(_no_table(tmp_path))
    with pytest.raises(CalibrationError, match="cal.toml:2: invalid TOML"):
        load_calibration(_config(tmp_path, GOOD, scenario="days = = 3\n"))
    with pytest.raises(CalibrationError, match="days: Input should be greater than or equal to 1"):
        load_calibration(_config(tmp_path, GOOD, scenario='scenario = "default"\ndays = 0\n'))
    with pytest.raises(CalibrationError, match="scenario: no scenario file"):
        load_calibration(_config(tmp_path, GOOD, scenario='scenario = "missing.toml"\n'))
    with pytest.raises(CalibrationError, match="calibrate.point.loss: the Poisson deviance needs a count column"):
        load_calibration(_config(tmp_path, GOOD.replace('"buyers"]', '"revenue"]')),
                         overrides=["calibrate.point.column=revenue"])
    with pytest.raises(CalibrationError, match="--set 'calibrate.point.trials=2': point is a value, not a table"):
        load_calibration(_config(tmp_path, GOOD), overrides=["calibrate.point=3", "calibrate.point.trials=2"])


def _no_table(tmp_path):
    p = tmp_path / "plain.toml"
    p.write_text('scenario = "default"\n')
    return p
