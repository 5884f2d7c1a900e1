"""The observed data file: good files read, bad ones rejected with one line naming file:line."""
from __future__ import annotations

import numpy as np
import pytest

from simulation.calibration.observed import DataError, per_period, read_series


def _write(tmp_path, text, name="sales.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_daily_and_weekly_files(tmp_path):
    p = _write(tmp_path, "# made up\nday,purchases,revenue,note\n1,3,297.5,a\n2,0,0,b\n# gap comment\n3,5,495,c\n")
    s = read_series(p, ["purchases", "revenue"])
    assert s.period == "day" and s.n_periods == 3 and s.days == 3
    assert list(s.values["purchases"]) == [3, 0, 5] and s.values["revenue"][0] == 297.5
    w = read_series(_write(tmp_path, "week,buyers\n1,10\n2,4\n", "w.csv"), ["buyers"])
    assert w.period == "week" and w.days == 14 and list(w.head(1).values["buyers"]) == [10]


def test_simulated_days_become_data_periods():
    daily = np.arange(15.0)  # day 0 (seeding) .. day 14
    assert list(per_period(daily, "day", 3)) == [1, 2, 3]
    assert list(per_period(daily, "week", 2)) == [sum(range(1, 8)), sum(range(8, 15))]


@pytest.mark.parametrize("text, message", [
    ("date,purchases\n1,3\n", "sales.csv:1: the first column must be 'day' or 'week'"),
    ("day,orders\n1,3\n", "sales.csv:1: no column 'purchases'"),
    ("day,purchases\n1,3\n3,4\n", "sales.csv:3: expected day 2"),
    ("day,purchases\n1,3\n2,x\n", "sales.csv:3: column 'purchases': 'x' is not a number"),
    ("day,purchases\n1,3\n2,-1\n", "sales.csv:3: column 'purchases': '-1' is not a finite number >= 0"),
    ("day,purchases\n1,2.5\n", "sales.csv:2: column 'purchases': '2.5' is not a whole number"),
    ("day,purchases\n1,\n", "sales.csv:2: empty value in column 'purchases'"),
    ("day,purchases\n1,3,4\n", "sales.csv:2: 3 fields, the header has 2"),
    ("day,purchases\n1.5,3\n", "sales.csv:2: day '1.5' is not a whole number"),
    ("# only a comment\n", "sales.csv: no header line"),
    ("day,purchases\n", "sales.csv: no data rows"),
    ("day,purchases\n1,nan\n", "sales.csv:2: column 'purchases': 'nan' is not a finite number"),
])
def test_bad_files_name_file_and_line(tmp_path, text, message):
    p = _write(tmp_path, text)
    with pytest.raises(DataError) as e:
        read_series(p, ["purchases"])
    assert message in str(e.value) and "\n" not in str(e.value)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(DataError, match="no such data file"):
        read_series(tmp_path / "none.csv", ["purchases"])
    p = tmp_path / "bin.csv"
    p.write_bytes(b"\xff\xfe\x00day")
    with pytest.raises(DataError, match="not UTF-8"):
        read_series(p, ["purchases"])
