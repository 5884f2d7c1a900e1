"""The operation contract: everything about a model is built from ``simulation.operations.REGISTRY``."""
from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.config.scenario import OperationsConfig, Scenario, default_scenario_dict, load_scenario
from simulation.engine import Engine, simulate
from simulation.ledger import ENGINE_PAYMENTS, PAYMENT_KINDS, SPEND_SERIES
from simulation.metrics import PER_DAY
from simulation.operations import (ALL_ON, CHANNELS, MARKET_CHANNELS, MARKET_PAYMENTS, PLATFORM_CHANNELS, REGISTRY,
                                   all_on, declared, switches)
from simulation.operations.base import HOOKS, Operation, overrides
from simulation.operations.reference_base import REFERENCE_HOOKS, ReferenceOperation
from simulation.seeding import run_seed
from tests.test_engine import small_scenario


def test_every_model_declares_the_contract():
    for name, op in REGISTRY.items():
        assert op.name == name and op.label and op.label != Operation.label
        assert "enabled" in op.config.model_fields and op.config().enabled is False
        assert op.reference is not None and issubclass(op.reference, ReferenceOperation)
    for hook in HOOKS:
        assert callable(getattr(Operation, hook)), hook
    for hook in REFERENCE_HOOKS:
        assert callable(getattr(ReferenceOperation, hook)), hook


def test_schema_operations_block_is_the_registry_with_strict_types_and_field_paths():
    assert list(OperationsConfig.model_fields) == list(REGISTRY)
    assert Scenario.model_fields["operations"].annotation is OperationsConfig
    for name, op in REGISTRY.items():
        assert OperationsConfig.model_fields[name].annotation is op.config
    raw = default_scenario_dict()
    with pytest.raises(ValueError, match=r"operations\.event\.coupon\.value"):
        load_scenario(raw, {"operations.event.coupon.value": -1.0})
    with pytest.raises(ValueError, match=r"operations\.content\s+Value error, enabled: must be true or false"):
        load_scenario(raw, {"operations.content.enabled": "yes"})  # strict: a string is not a bool
    with pytest.raises(ValueError, match="nosuch"):
        load_scenario(raw, {"operations.nosuch.enabled": True})


def test_ledger_channels_and_series_come_from_the_registry():
    want = dict(ENGINE_PAYMENTS)
    for op in REGISTRY.values():
        want.update(op.payments)
    want.update(MARKET_PAYMENTS)  # a market's couplings (simulation.market), declared last
    assert PAYMENT_KINDS == want
    assert set(PAYMENT_KINDS.values()) <= set(SPEND_SERIES)
    assert CHANNELS[:4] == ("seed", "kol", "friend", "platform")
    assert CHANNELS[4:] == (tuple(ch for op in REGISTRY.values() for ch in op.channels) + PLATFORM_CHANNELS
                            + MARKET_CHANNELS)
    for op in REGISTRY.values():
        assert set(op.series) <= set(PER_DAY)


@pytest.mark.parametrize("on", [False, True])
def test_declared_metrics_and_series_are_always_present(on):
    res = simulate(small_scenario(all_on() if on else {}, n=800, days=12), run_seed(3, 0))
    for name, op in REGISTRY.items():
        for key, off_value in op.metrics.items():
            assert key in res.summary, (name, key)
            if not on:
                assert res.summary[key] == off_value or (math.isnan(off_value) and math.isnan(res.summary[key]))
        for series in op.series:
            assert len(res.daily[series]) == 13 and (on or not res.daily[series].any())
    for ch in CHANNELS:
        assert f"attr_{ch}" in res.summary and f"attr_{ch}" in res.daily
    assert "groups" in res.records


def test_hooks_not_implemented_are_never_called():
    eng = Engine(small_scenario({"operations.relationship.enabled": True}, n=500, days=5), run_seed(1, 0))
    rel = eng.op("relationship")
    assert eng.hooked["route"] == [] and eng.hooked["exposures"] == [] and eng.hooked["redeem"] == []
    assert eng.hooked["price_cut"] == [rel] and eng.hooked["on_purchases"] == [rel]
    assert eng.price_off.shape == (0, 500) and eng.buy_factor.shape == (0, 500)  # no per-exposure work
    eng = Engine(small_scenario(all_on(["event"]), n=500, days=5), run_seed(1, 0))
    assert eng.price_off.shape == (1, 500) and eng.op("event").coupon.base is eng.price_off
    assert overrides(eng.op("event"), "route", Operation) and not overrides(eng.op("event"), "share_factor", Operation)


def test_all_on_is_explicit_and_declared_per_model():
    assert all_on(["event"]) == {"operations.event.enabled": True, "operations.event.coupon.enabled": True}
    assert ALL_ON == all_on(list(REGISTRY))
    assert {k.split(".")[1] for k in ALL_ON} == set(REGISTRY)
    with pytest.raises(ValueError, match="unknown operation model"):
        all_on(["nosuch"])
    sc = load_scenario(default_scenario_dict(), ALL_ON)
    assert all(getattr(sc.operations, name).enabled for name in REGISTRY)


def test_app_and_report_read_the_registry():
    assert [name for name, _ in switches()] == list(REGISTRY)
    d = declared()
    assert list(d) == list(REGISTRY)
    assert d["event"]["metrics"] == ("groupbuy_success_rate", "groups_opened")
    assert d["event"]["channels"] == ("event",) and d["crossover"]["payments"] == {"partner_fee": "partner_spend"}


def test_counterfactual_switches_every_registered_model_off():
    from simulation.counterfactual import organic

    sc = organic(load_scenario(default_scenario_dict(), ALL_ON))
    assert not any(getattr(sc.operations, name).enabled for name in REGISTRY)
    np.testing.assert_equal(sc.kol.count, 0)
