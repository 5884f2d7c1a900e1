"""The paired counterfactual: the same world without its marketing levers, and the incremental effect.

A run's counterfactual is the same scenario with every marketing lever off — no KOLs
(no count, budget or roster), no operation model (every model of
``simulation.operations.REGISTRY`` disabled, a newly registered one included) — on the same graph, population, tie strengths, seeds and random numbers
(the same run seed: every draw is a pure function of the run key and its counters, so a
person facing the same exposure decides the same way). What stays is organic: seeds,
word of mouth, the platform's organic discovery (``funnel.platform_rate``, unpaid; each
declared platform's feed, while its paid ads are off),
repeat purchase. Its sales are what would have sold anyway.

Incremental metrics (run summary): ``incremental_buyers``, ``incremental_revenue``,
``incremental_profit`` (run minus counterfactual; the counterfactual spends nothing),
``incremental_roi = incremental_profit / spend`` (NaN without spend), and the organic
run's ``organic_buyers``, ``organic_revenue``, ``organic_profit``. Daily series:
``incremental_buyers`` (cumulative), ``incremental_revenue``, ``incremental_profit``.
With every lever off both runs are the same run and every incremental metric is exactly
0 (``incremental_roi`` is then NaN: there is no spend to return on).
"""
from __future__ import annotations

import numpy as np

from .config.scenario import Scenario
from .ledger import ratio
from .operations import REGISTRY

#: Summary keys added by ``paired``.
INCREMENTAL = ("incremental_buyers", "incremental_revenue", "incremental_profit", "incremental_roi",
               "organic_buyers", "organic_revenue", "organic_profit")


def organic(scenario: Scenario) -> Scenario:
    """``scenario`` with every marketing lever off (no KOLs, no operation model); all else unchanged.

    A new scenario that shares the tables it does not change with ``scenario`` (configs are
    not changed after validation): copying only the switched tables, without re-validating,
    costs ~0.1 ms instead of ~0.8 ms for a deep copy validated field by field.
    """
    sc = scenario.model_copy(update={
        **_off_tables(scenario),
        # paid ads are a lever; a platform's feed is organic discovery
        "platforms": [p.model_copy(update={"ads": p.ads.model_copy(update={"budget": 0.0})})
                      for p in scenario.platforms]})
    sc._base_dir = scenario.base_dir
    return sc


def _kol_off() -> dict:
    """The KOL fields that switch KOLs off (a fresh roster list each time)."""
    return {"count": 0, "budget": None, "roster": [], "roster_file": None}


def _off_tables(cfg) -> dict:
    """Copies of ``cfg``'s ``kol`` and ``operations`` tables with the levers off (``cfg`` untouched)."""
    ops = cfg.operations
    return {"kol": cfg.kol.model_copy(update=_kol_off()),
            "operations": ops.model_copy(update={name: getattr(ops, name).model_copy(update={"enabled": False})
                                                 for name in REGISTRY})}


def levers_off(cfg) -> None:
    """Switch off, in place, the KOLs and operation models of ``cfg`` (a scenario, or a market product)."""
    for key, value in _kol_off().items():
        setattr(cfg.kol, key, value)
    for name in REGISTRY:
        getattr(cfg.operations, name).enabled = False


def paired(summary: dict[str, float], daily: dict[str, np.ndarray], base_summary: dict[str, float],
           base_daily: dict[str, np.ndarray]) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Return (summary, daily) of a run extended with its increments over the counterfactual run ``base_*``."""
    s = dict(summary)
    s["incremental_buyers"] = summary["buyers"] - base_summary["buyers"]
    s["incremental_revenue"] = summary["revenue"] - base_summary["revenue"]
    s["incremental_profit"] = summary["profit"] - base_summary["profit"]
    s["incremental_roi"] = ratio(s["incremental_profit"], summary["spend"])
    for k in ("buyers", "revenue", "profit"):
        s[f"organic_{k}"] = base_summary[k]
    d = dict(daily)
    d["incremental_buyers"] = daily["buyers"] - base_daily["buyers"]
    d["incremental_revenue"] = daily["revenue"] - base_daily["revenue"]
    d["incremental_profit"] = daily["profit"] - base_daily["profit"]
    return s, d
