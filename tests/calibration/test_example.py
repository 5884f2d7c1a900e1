"""The shipped example series is reproducible from its documented true parameters."""
from __future__ import annotations

from pathlib import Path

from simulation.calibration.example import TRUTH, launch_sales_csv

ROOT = Path(__file__).resolve().parents[2]


def test_launch_sales_csv_regenerates_byte_for_byte():
    shipped = (ROOT / "experiments" / "data" / "launch_sales.csv").read_text()
    assert launch_sales_csv(ROOT / "experiments" / "calibrate.toml") == shipped
    header = [line for line in shipped.splitlines() if line.startswith("#")]
    assert "NOT real data" in header[0] and all(f"{k} = {v:g}" in header[1] for k, v in TRUTH.items())
