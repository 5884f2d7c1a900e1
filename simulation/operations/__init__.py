"""Operation models: the registry every other part of socsim is built from.

``REGISTRY`` maps the key under ``[operations]`` to the model's ``Operation`` class, in
the order the engine applies them (``MODULES``). Adding an operation model = one module
(the contract is ``simulation.operations.base``'s docstring) and one line in ``MODULES``. From the registry come
the scenario's ``operations`` block (``simulation.config.scenario.OperationsConfig``),
the ledger's payment kinds (``simulation.ledger.PAYMENT_KINDS``), the attribution
channels (``CHANNELS``), the summary metrics and daily series (``simulation.metrics``),
the counterfactual's switches, the reference's day loop and, for the app and the
report, ``switches()`` and ``declared()``.
"""
from __future__ import annotations

from importlib import import_module

from ..kernels.funnel import BUILTIN_CHANNELS
from .base import Batch, Operation
from .content import ContentConfig
from .crossover import CrossoverConfig
from .event import EventConfig
from .relationship import RelationshipConfig

#: The operation modules, in the order the engine applies them; each defines ``OPERATION``
#: (its ``Operation`` subclass). A new model is one line here.
MODULES = (
    "content",
    "relationship",
    "event",
    "crossover",
    "points",
    "live",
    "distribution",
    "service",
    "store",
    "community",
)


def _registry() -> dict[str, type[Operation]]:
    out: dict[str, type[Operation]] = {}
    for module in MODULES:
        op = import_module(f"{__name__}.{module}").OPERATION
        if op.name != module or op.config is None or op.label == Operation.label:
            raise TypeError(f"simulation.operations.{module}: OPERATION must declare name = {module!r}, "
                            "a config and a label (see simulation.operations.base)")
        out[module] = op
    return out


#: name under ``[operations]`` -> the model's ``Operation`` class, in ``MODULES`` order.
REGISTRY: dict[str, type[Operation]] = _registry()

#: Channels of the platform layers (``simulation.platforms``: paid ads), after the models' so that
#: adding them moved no model's channel id.
PLATFORM_CHANNELS = ("ads",)

#: Attribution channels: the engine's own, then each model's in registry order, then the platforms'
#: (index = channel id).
CHANNELS: tuple[str, ...] = (BUILTIN_CHANNELS + tuple(ch for op in REGISTRY.values() for ch in op.channels)
                             + PLATFORM_CHANNELS)
#: What a market adds outside the registry (``simulation.market.coupling``): its channels
#: (cross-sell on the brand's own channels, bundles), after the models' so no channel id
#: moves, and its payment kinds ({kind: ledger line}), after the models' in ``ledger.PAYMENT_KINDS``.
MARKET_CHANNELS = ("cross_sell", "bundle")
MARKET_PAYMENTS = {"cross_sell": "content_spend"}
CHANNELS += MARKET_CHANNELS


def all_on(names=None) -> dict[str, object]:
    """Scenario overrides (dotted path -> value) switching the named models (default: every one) fully on.

    Each model declares what "fully on" means for it (``Operation.all_on``: e.g. the event
    model also switches coupons on).
    """
    names = list(REGISTRY) if names is None else list(names)
    unknown = sorted(set(names) - set(REGISTRY))
    if unknown:
        raise ValueError(f"all_on: unknown operation model(s) {unknown}; registered: {list(REGISTRY)}")
    return {f"operations.{name}.{path}": value for name in names for path, value in REGISTRY[name].all_on.items()}


#: Every registered model fully on (the tests' and benchmarks' "all on" scenario). A new
#: registry line joins it; ``all_on(names)`` names a fixed set where results must not move.
ALL_ON = all_on()


def switches() -> list[tuple[str, str]]:
    """(name, label) of every model in registry order: the app's on/off switches (``operations.<name>.enabled``)."""
    return [(name, op.label) for name, op in REGISTRY.items()]


def declared() -> dict[str, dict]:
    """Per model what it adds to the outputs (for the report's sections and the app's readouts).

    {name: {"label", "metrics": summary keys, "series": daily series, "channels",
    "payments": {kind: ledger line}}}.
    """
    return {name: {"label": op.label, "metrics": tuple(op.metrics), "series": tuple(op.series),
                   "channels": tuple(op.channels), "payments": dict(op.payments)} for name, op in REGISTRY.items()}


__all__ = ["ALL_ON", "CHANNELS", "MARKET_CHANNELS", "MARKET_PAYMENTS", "REGISTRY", "Batch", "Operation", "all_on",
           "declared", "switches",
           "ContentConfig", "RelationshipConfig", "EventConfig", "CrossoverConfig"]
