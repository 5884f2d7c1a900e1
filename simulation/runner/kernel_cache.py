"""Whether Numba's on-disk cache already holds the compiled kernels a run uses.

A first run on a fresh install compiles every kernel (tens of seconds) before it starts;
``compile_note`` says so up front instead of leaving a progress bar at 0 %.
"""
from __future__ import annotations

import importlib
import os

#: Cached kernels every social-commerce run calls (module, function); others compile on demand. Helpers
#: inlined into their callers (``out_arcs``, ``mark_bought``, ``pool_update``, ...) get no cache file of
#: their own when a run calls them only from a kernel, so the day's top-level kernels are listed.
RUN_KERNELS = (
    ("simulation.kernels.funnel", "evaluate"), ("simulation.kernels.funnel", "book_buyers"),
    ("simulation.kernels.funnel", "skip_sample"), ("simulation.kernels.funnel", "thin_online"),
    ("simulation.kernels.cascade", "pick_seeds"),
)
#: Seconds a first run takes on an empty cache on the 2-core development machine (CPU, 2026-11-30,
#: ``benchmarks/bench_coldstart.py``: the default scenario 7-8 s, every operation model on ~10 s).
COMPILE_SECONDS = 10


def missing_kernels() -> list[str]:
    """Names of ``RUN_KERNELS`` without an index in Numba's on-disk cache (they will compile)."""
    missing = []
    for module, attr in RUN_KERNELS:
        try:
            obj = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            continue
        cache = getattr(obj, "_cache", None)
        index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
        if index is not None and not os.path.exists(index):
            missing.append(f"{module}.{attr}")
    return missing


def compile_note() -> str | None:
    """A message when kernels will be compiled first (an empty cache), else None."""
    if not missing_kernels():
        return None
    return f"compiling kernels once, about {COMPILE_SECONDS} s (later runs start at once)"
