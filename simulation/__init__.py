"""socsim: agent-based simulation of social-commerce diffusion.

Public API (lazily imported, so ``import simulation`` stays cheap)::

    classic                      # independent_cascade, linear_threshold, sir, bass, bass_network
    build_graph(source, ...)     # NetworkX graph / generator name / edge-list file -> CSRGraph
    Scenario, load_scenario, default_scenario
    simulate(scenario, seed)     # one run -> RunResult(summary, daily, graph, state, records)
    SocialCommerceModel          # the Mesa model over the same engine
    load_experiment, run_experiment
    load_results, write_report
"""
from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "classic": ("simulation.classic", None),
    "influence": ("simulation.influence", None),
    "build_graph": ("simulation.graph.build", "build_graph"),
    "CSRGraph": ("simulation.graph.csr", "CSRGraph"),
    "Scenario": ("simulation.config.scenario", "Scenario"),
    "load_scenario": ("simulation.config.scenario", "load_scenario"),
    "default_scenario": ("simulation.config.scenario", "default_scenario"),
    "simulate": ("simulation.engine", "simulate"),
    "RunResult": ("simulation.engine", "RunResult"),
    "SocialCommerceModel": ("simulation.model", "SocialCommerceModel"),
    "load_experiment": ("simulation.config.experiment", "load_experiment"),
    "run_experiment": ("simulation.runner.sweep", "run_experiment"),
    "load_results": ("simulation.analysis.load", "load_results"),
    "write_report": ("simulation.analysis.report", "write_report"),
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'simulation' has no attribute {name!r}") from None
    mod = import_module(module)
    return mod if attr is None else getattr(mod, attr)
