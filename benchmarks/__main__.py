"""Run socsim's benchmarks: ``python -m benchmarks [--quick] [name ...]`` (default: all), then the targets.

Each benchmark writes ``benchmarks/results/<name>.json`` and prints a summary;
``benchmarks.figures`` then draws ``benchmarks/results/*.png``. Last, every target of
issues 12, 13 and 14 found in the results is printed with its measured value and
PASS/MISS, and the table is written to ``benchmarks/results/targets.json`` (``python -m
benchmarks targets`` prints it again from the stored results without measuring).
``--quick`` is passed to the benchmarks that take it (``main(argv)``): a smaller size
(10^5 people instead of 10^6 for off, platforms, products) for checks away from CI.

Names: small (target 1), large (targets 2, 3), networkx (4), runner (5), coldstart (6),
off (issues 13 and 14: new mechanics switched off), platforms (13: three platforms / one),
products (14: three products with a rival / one), the earlier ic, graph, model,
reference, and any other ``benchmarks/bench_<name>.py`` (homophily measures 10^4 nodes; its
10^5 measurement, ~8 min, is ``python -m benchmarks.bench_homophily --large``).
"""
from __future__ import annotations

import importlib
import inspect
import json
import sys
from pathlib import Path

from benchmarks.record import RESULTS, show, write

BENCHMARKS = {
    "small": "benchmarks.bench_small",
    "large": "benchmarks.bench_large",
    "networkx": "benchmarks.bench_networkx",
    "runner": "benchmarks.bench_runner",
    "coldstart": "benchmarks.bench_coldstart",
    "ic": "benchmarks.bench_ic",
    "graph": "benchmarks.bench_graph",
    "model": "benchmarks.bench_model",
    "reference": "benchmarks.bench_reference",
}
# Any other benchmarks/bench_<name>.py runs too, after these, as ``<name>``.
for _path in sorted(Path(__file__).resolve().parent.glob("bench_*.py")):
    BENCHMARKS.setdefault(_path.stem.removeprefix("bench_"), f"benchmarks.{_path.stem}")

#: Result files holding targets (issue 12's numbered 1-6, then issues 13 and 14), in target order.
TARGET_RESULTS = ["small", "large", "networkx", "runner", "coldstart", "off", "platforms", "products"]


def targets() -> list[dict]:
    """Print every stored target row (PASS/MISS) and write ``results/targets.json``."""
    rows, when = [], {}
    for name in TARGET_RESULTS:
        path = RESULTS / f"{name}.json"
        if not path.exists():
            print(f"  ({name}: no results yet: python -m benchmarks {name})")
            continue
        data = json.loads(path.read_text())
        when[name] = data.get("when")
        rows += data.get("targets", [])
    rows.sort(key=lambda r: r["target"])
    print("== targets (1-6: issue 12; 13, 14: issues 13 and 14)")
    show(rows)
    write("targets", {"measured": when, "targets": rows})
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (all by default), draw the figures, print the targets."""
    argv = list(argv if argv is not None else sys.argv[1:])
    flags = [a for a in argv if a.startswith("--")]
    if set(flags) - {"--quick"}:
        print(f"unknown option(s) {sorted(set(flags) - {'--quick'})}; the only one is --quick", file=sys.stderr)
        return 2
    names = [a for a in argv if not a.startswith("--")] or list(BENCHMARKS)
    if names == ["targets"]:
        targets()
        return 0
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {sorted(BENCHMARKS)} or 'targets'", file=sys.stderr)
        return 2
    for name in names:
        print(f"== benchmark: {name}", flush=True)
        run = importlib.import_module(BENCHMARKS[name]).main
        run(flags) if "argv" in inspect.signature(run).parameters else run()
    importlib.import_module("benchmarks.figures").main()
    targets()
    return 0


if __name__ == "__main__":
    sys.exit(main())
