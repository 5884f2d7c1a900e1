"""Run socsim's benchmarks: ``python -m benchmarks [name ...]`` (default: all).

Each benchmark writes ``benchmarks/results/<name>.json`` and prints a summary; the
README quotes the latest figures; ``benchmarks.figures`` then draws
``benchmarks/results/*.png``. Names: ic, graph, model, reference, runner.
"""
from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "ic": "benchmarks.bench_ic",
    "graph": "benchmarks.bench_graph",
    "model": "benchmarks.bench_model",
    "reference": "benchmarks.bench_reference",
    "runner": "benchmarks.bench_runner",
}


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (all by default); return the exit status."""
    names = (argv if argv is not None else sys.argv[1:]) or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {sorted(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in names:
        print(f"== benchmark: {name}", flush=True)
        importlib.import_module(BENCHMARKS[name]).main()
    importlib.import_module("benchmarks.figures").main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
