"""A package's public names imported on first use (PEP 562 module ``__getattr__``).

A package whose ``__init__`` imported its whole API made every importer of any one of its
modules pay for all of them: ``socsim run`` imported matplotlib, scipy.stats and pandas
through ``simulation.optimize`` and ``simulation.analysis`` (~2 s) without using them.
"""
from __future__ import annotations

import importlib
from typing import Callable


def lazy_attributes(package: str, names: dict[str, str]) -> Callable[[str], object]:
    """Return a module ``__getattr__`` for ``package``: ``names`` maps a public name to the module
    that defines it; any other name is looked up as a submodule (as the eager imports left them)."""

    def __getattr__(name: str) -> object:
        if name in names:
            return getattr(importlib.import_module(names[name]), name)
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{package}.{name}":
                raise  # the submodule exists but needs something missing
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
