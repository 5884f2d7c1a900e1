"""Operation models: each module holds its parameter block and what it adds to a day.

``REGISTRY`` maps the key under ``[operations]`` to (config class, runtime class), in the
order the engine applies them; adding an operation model = adding a module and a line here.
"""
from __future__ import annotations

from .base import Batch, Operation
from .content import ContentConfig, ContentOperation
from .crossover import CrossoverConfig, CrossoverOperation
from .event import EventConfig, EventOperation
from .relationship import RelationshipConfig, RelationshipOperation

REGISTRY = {
    "content": (ContentConfig, ContentOperation),
    "relationship": (RelationshipConfig, RelationshipOperation),
    "event": (EventConfig, EventOperation),
    "crossover": (CrossoverConfig, CrossoverOperation),
}

#: Scenario overrides (dotted path -> value) that switch every operation model on, coupons included.
ALL_ON = {f"operations.{name}.enabled": True for name in REGISTRY} | {"operations.event.coupon.enabled": True}

__all__ = ["ALL_ON", "REGISTRY", "Batch", "Operation", "ContentConfig", "RelationshipConfig", "EventConfig", "CrossoverConfig"]
