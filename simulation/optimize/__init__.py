"""``socsim optimize``: search a KOL subset (CELF) or levers (optuna) on the simulated, paired objective.

``load_optimization(path)`` reads and checks a file (``simulation.optimize.config``);
``optimize(opt, out)`` runs it (``simulation.optimize.run``); ``command`` holds the CLI
glue (``add_parser``, ``main``). Modules: ``config`` (schema), ``evaluate`` (CRN
objective through the runner's task code), ``kols`` (CELF subset search), ``search``
(optuna), ``compare`` (fresh-seed re-evaluation), ``outputs`` (files and figures).
"""
from simulation.optimize.config import Optimization, OptimizeError, load_optimization
from simulation.optimize.run import OptimizeOutcome, optimize

__all__ = ["Optimization", "OptimizeError", "OptimizeOutcome", "load_optimization", "optimize"]
