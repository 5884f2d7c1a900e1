"""The per-KOL table names the platform hosting the KOLs, from the run to the report's KOL table."""
import pandas as pd

from simulation.analysis import kols as K
from simulation.analysis.report import _kol_table
from simulation.config.scenario import apply_overrides, default_scenario_dict, load_scenario
from simulation.engine import simulate
from tests.analysis.test_kols import _row, _runs


def test_the_run_records_the_host_platform_of_each_kol():
    raw = apply_overrides(default_scenario_dict(), {"graph.n": 500, "days": 10, "kol.count": 3,
                                                     "funnel.platform_rate": 0.0, "kol.platform": "video"})
    raw["platforms"] = [{"name": "chat"}, {"name": "video", "members": 0.5}]
    table = simulate(load_scenario(raw), 1).records["kols"]
    assert list(table["platform"]) == ["video"] * 3
    plain = simulate(load_scenario(apply_overrides(default_scenario_dict(), {"graph.n": 500, "days": 10})), 1)
    assert set(plain.records["kols"]["platform"]) == {""}  # no [[platforms]] declared


def test_the_report_lists_the_platform_only_when_one_is_declared():
    rows = [dict(_row(0, r, 0, "A", "macro", 100.0, p), platform="video") for r, p in enumerate((50.0, -20.0, 20.0))]
    runs = _runs(0)
    t = K.kol_returns(pd.DataFrame(rows), runs, "kol")
    assert list(t["platform"]) == ["video"]
    t["rank"] = 1
    assert list(_kol_table(t, "kol", False)["platform"]) == ["video"]
    old = K.kol_returns(pd.DataFrame([_row(0, r, 0, "A", "macro", 100.0, 1.0) for r in range(3)]), runs, "kol")
    old["rank"] = 1
    assert "platform" not in _kol_table(old, "kol", False)
