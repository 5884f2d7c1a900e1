"""Record (or check) every shipped scenario's outputs, so a refactor can prove it changes no draw.

Cases: the embedded default scenario, each variant of ``simulation/data/demo.toml``, the
first design point of each ``experiments/*.toml`` (every variant of a ``scenarios``
design), and the four original operation models all on; each run twice (seeds 0 and 1)
with its paired counterfactual. Per run it keeps every summary value, a SHA-256 of each
daily series, of the purchase, payment (by kind name) and group records.

Usage: ``python -m tests.operations.record_regression`` rewrites
``tests/operations/regression_values.json`` (run it only on a commit whose results are right).
"""
from __future__ import annotations

import hashlib
import json
import math
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "regression_values.json"
SEEDS = (0, 1)
#: the purchase record columns the fixture hashes (a column added since, like ``platform``, is checked
#: by its own tests, as new summary keys and daily series are)
PURCHASE_COLUMNS = ("day", "buyer", "channel", "price", "discount", "ref", "kol", "root_channel", "root_kol")
#: the four operation models of the original all-on scenario (coupons included), named explicitly
ORIGINAL_ALL_ON = {"operations.content.enabled": True, "operations.relationship.enabled": True,
                   "operations.event.enabled": True, "operations.crossover.enabled": True,
                   "operations.event.coupon.enabled": True}


def cases() -> dict[str, dict]:
    """Case name -> plain scenario dict."""
    from simulation.config.experiment import load_experiment
    from simulation.config.scenario import default_scenario, default_scenario_dict, apply_overrides

    out = {"default": default_scenario().model_dump(mode="json")}
    demo = load_experiment(ROOT / "simulation" / "data" / "demo.toml", check_memory=False)
    for point, sc in zip(demo.design.points, demo.scenarios):
        out[f"demo:{point.name}"] = sc
    for path in sorted((ROOT / "experiments").glob("*.toml")):
        if {"calibrate", "optimize"} & set(tomllib.loads(path.read_text(encoding="utf-8"))):
            continue  # not sweeps (socsim calibrate / optimize files), recorded by none of the cases
        exp = load_experiment(path, check_memory=False)
        scenario_design = exp.sweep.design == "scenarios"
        for point, sc in list(zip(exp.design.points, exp.scenarios))[: None if scenario_design else 1]:
            out[f"{path.stem}:{point.name}"] = sc
    out["all_on"] = apply_overrides(default_scenario_dict(), ORIGINAL_ALL_ON)
    return out


def _sha(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str(a.dtype).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:24]


def _num(x: float):
    return None if math.isnan(x) else float(x)


def outputs(raw: dict, seed: int) -> dict:
    """The recorded outputs of one run of ``raw`` from ``seed``."""
    from simulation.config.scenario import load_scenario
    from simulation.ledger import PAYMENT_KINDS
    from simulation.market import simulate_market  # the engine's simulate unless the scenario is a market

    res = simulate_market(load_scenario(raw), seed, counterfactual=True)
    rec = res.records
    kinds = list(PAYMENT_KINDS)
    pay = rec["payments"]
    by_kind = {k: _sha(pay["day"][pay["kind"] == c], pay["payee"][pay["kind"] == c], pay["amount"][pay["kind"] == c])
               for c, k in enumerate(kinds) if (pay["kind"] == c).any()}
    p = rec["purchases"]
    return {"summary": {k: _num(v) for k, v in sorted(res.summary.items())},
            "daily": {k: _sha(v.astype(np.float64)) for k, v in sorted(res.daily.items())},
            "purchases": _sha(*(p[k] for k in sorted(p) if k in PURCHASE_COLUMNS)),
            "payments": by_kind,
            "groups": _sha(*(rec["groups"][k] for k in sorted(rec["groups"])))}


def record() -> dict:
    """Outputs of every case and seed: {case: {seed: outputs}}."""
    return {name: {str(s): outputs(raw, s) for s in SEEDS} for name, raw in cases().items()}


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(record(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {FIXTURE}")
