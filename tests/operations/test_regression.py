"""Every shipped scenario gives the outputs recorded before the operation contract refactor, draw for draw.

The fixture ``regression_values.json`` was written by ``record_regression.py`` on the
commit before the refactor; a model added since may add summary keys or daily series
(checked for presence only), never change a recorded one.
"""
from __future__ import annotations

import json

import pytest

from tests.operations.record_regression import FIXTURE, SEEDS, cases, outputs

RECORDED = json.loads(FIXTURE.read_text())
CASES = cases()


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_outputs_identical_to_recorded(name):
    for seed in SEEDS:
        got, want = outputs(CASES[name], seed), RECORDED[name][str(seed)]
        changed = {k: (v, got["summary"].get(k, "missing")) for k, v in want["summary"].items()
                   if got["summary"].get(k, "missing") != v}
        assert not changed, f"{name} seed {seed}: summary changed (recorded, now): {changed}"
        series = [k for k, v in want["daily"].items() if got["daily"].get(k) != v]
        assert not series, f"{name} seed {seed}: daily series changed: {series}"
        for table in ("purchases", "payments", "groups"):
            assert got[table] == want[table], f"{name} seed {seed}: {table} records changed"
