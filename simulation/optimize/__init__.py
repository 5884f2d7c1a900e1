"""``socsim optimize``: search a KOL subset (CELF) or levers (optuna) on the simulated, paired objective.

``load_optimization(path)`` reads and checks a file (``simulation.optimize.config``);
``optimize(opt, out)`` runs it (``simulation.optimize.run``); ``command`` holds the CLI
glue (``add_parser``, ``main``). Modules: ``config`` (schema), ``evaluate`` (CRN
objective through the runner's task code), ``kols`` (CELF subset search), ``search``
(optuna), ``compare`` (fresh-seed re-evaluation), ``outputs`` (files and figures).
"""
from simulation.lazy_exports import lazy_attributes

# Imported on first use (PEP 562), not here: the CLI imports ``command`` to build its
# parser, and ``run`` pulls in the analysis stack (scipy.stats, matplotlib, pandas), ~2 s
# that every ``socsim run`` would otherwise pay.
_LAZY = {
    "Optimization": "simulation.optimize.config", "OptimizeError": "simulation.optimize.config",
    "load_optimization": "simulation.optimize.config",
    "OptimizeOutcome": "simulation.optimize.run", "optimize": "simulation.optimize.run",
}

__all__ = ["Optimization", "OptimizeError", "OptimizeOutcome", "load_optimization", "optimize"]

__getattr__ = lazy_attributes(__name__, _LAZY)
