"""The shipped example series ``experiments/data/launch_sales.csv``: socsim output at known parameters.

The scenario is the one of ``experiments/calibrate.toml`` with the calibrated parameters
at ``TRUTH``, run once from ``SEED`` for ``WEEKS`` weeks; the daily purchases, new buyers
and revenue are written with a header saying so. ``tests/calibration/test_example.py``
regenerates the file and checks it is byte-identical to the shipped one.
"""
from __future__ import annotations

from pathlib import Path

from simulation.atomic import atomic_write

#: The true parameter values behind the example series.
TRUTH = {"population.ties.scale": 2.0, "funnel.platform_rate": 0.003, "kol.credibility": 0.1}
SEED = 20250101
WEEKS = 12
COLUMNS = ("purchases", "buyers", "revenue")


def launch_sales_csv(config: str | Path) -> str:
    """The example CSV text, simulated from the scenario of ``config`` at ``TRUTH``."""
    from .config import load_spec
    from .model import ScenarioModel

    cal = load_spec(config)
    model = ScenarioModel(cal.base, cal.base_dir, list(COLUMNS), "day")
    series = model(TRUTH, SEED, WEEKS * 7)
    sc = model.scenario(TRUTH)
    truth = ", ".join(f"{k} = {v:g}" for k, v in TRUTH.items())
    lines = [
        "# Example launch sales: NOT real data. Simulated by socsim (simulation.calibration.example)",
        f"# from the scenario of experiments/calibrate.toml ({sc.graph.params.get('n', '?')} people) with the true "
        f"parameters {truth};",
        f"# one run, seed {SEED}, {WEEKS} weeks. Day 1 is the first day after the seeding day (day 0 of the model).",
        "# Regenerate: python -c \"from simulation.calibration.example import write_launch_sales; "
        "write_launch_sales()\"",
        "day," + ",".join(COLUMNS),
    ]
    for d in range(WEEKS * 7):
        vals = [series[c][d] for c in COLUMNS]
        lines.append(f"{d + 1}," + ",".join(f"{int(v)}" if c != "revenue" else f"{v:.2f}"
                                             for c, v in zip(COLUMNS, vals)))
    return "\n".join(lines) + "\n"


def write_launch_sales(config: str | Path = "experiments/calibrate.toml",
                       out: str | Path = "experiments/data/launch_sales.csv") -> Path:
    """Write the example series to ``out`` (from the repository root by default)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(out, launch_sales_csv(config))

