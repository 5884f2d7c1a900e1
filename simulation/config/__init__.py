"""Scenario and experiment schemas (pydantic), TOML loading and dotted-path overrides.

``Scenario``, ``load_scenario`` and ``default_scenario`` are loaded lazily: the model
modules (population, kol, operations) import ``simulation.config.base`` and are
themselves imported by the scenario schema.
"""
from __future__ import annotations

__all__ = ["Scenario", "default_scenario", "load_scenario"]


def __getattr__(name: str):
    if name in __all__:
        from . import scenario

        return getattr(scenario, name)
    raise AttributeError(f"module 'simulation.config' has no attribute {name!r}")
