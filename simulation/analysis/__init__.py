"""Analysis of sweep outputs: loading, statistics, sensitivity indices, figures, the report.

Public API::

    load_results(out_dir) -> Results
    summarize(runs, metrics) / t_interval / ratio_interval / compare / best_point
    sobol_indices(results, metric) / morris_indices(results, metric)
    simulation.analysis.kols                # per-KOL / per-tier return per fee (kols.parquet)
    write_report(out_dir) -> Path           # report.md + self-contained report.html
    simulation.analysis.figures             # one function per figure, PNG + SVG
"""
from simulation.lazy_exports import lazy_attributes

# Imported on first use (PEP 562), not here: ``socsim run`` needs ``load`` (its error type)
# and ``platform_report`` only, not the report's matplotlib / scipy.stats stack (~1.5 s).
_LAZY = {
    **dict.fromkeys(("Results", "ResultsError", "load_results"), "simulation.analysis.load"),
    "write_report": "simulation.analysis.report",
    **dict.fromkeys(("morris_indices", "sobol_indices"), "simulation.analysis.sensitivity"),
    **dict.fromkeys(("Best", "Comparison", "Interval", "best_point", "compare", "curve_bands", "pareto_frontier",
                     "ratio_interval", "summarize", "t_interval"), "simulation.analysis.stats"),
}

__all__ = [
    "Best", "Comparison", "Interval", "Results", "ResultsError", "best_point", "compare",
    "curve_bands", "load_results", "morris_indices", "pareto_frontier", "ratio_interval",
    "sobol_indices", "summarize", "t_interval", "write_report",
]

__getattr__ = lazy_attributes(__name__, _LAZY)
