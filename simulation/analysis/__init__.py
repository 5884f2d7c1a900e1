"""Analysis of sweep outputs: loading, statistics, sensitivity indices, figures, the report.

Public API::

    load_results(out_dir) -> Results
    summarize(runs, metrics) / t_interval / ratio_interval / compare / best_point
    sobol_indices(results, metric) / morris_indices(results, metric)
    simulation.analysis.kols                # per-KOL / per-tier return per fee (kols.parquet)
    write_report(out_dir) -> Path           # report.md + self-contained report.html
    simulation.analysis.figures             # one function per figure, PNG + SVG
"""
from simulation.analysis.load import Results, ResultsError, load_results
from simulation.analysis.report import write_report
from simulation.analysis.sensitivity import morris_indices, sobol_indices
from simulation.analysis.stats import (Best, Comparison, Interval, best_point, compare, curve_bands,
                                       pareto_frontier, ratio_interval, summarize, t_interval)

__all__ = [
    "Best", "Comparison", "Interval", "Results", "ResultsError", "best_point", "compare",
    "curve_bands", "load_results", "morris_indices", "pareto_frontier", "ratio_interval",
    "sobol_indices", "summarize", "t_interval", "write_report",
]
