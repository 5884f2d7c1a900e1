"""Run socsim's benchmarks: ``python -m benchmarks [name ...]`` (default: all), then the targets.

Each benchmark writes ``benchmarks/results/<name>.json`` and prints a summary;
``benchmarks.figures`` then draws ``benchmarks/results/*.png``. Last, every target of
issue 12 found in the results is printed with its measured value and PASS/MISS, and
the table is written to ``benchmarks/results/targets.json`` (``python -m benchmarks
targets`` prints it again from the stored results without measuring).

Names: small (target 1), large (targets 2, 3), networkx (4), runner (5), coldstart (6),
the earlier ic, graph, model, reference, and any other ``benchmarks/bench_<name>.py``.
"""
from __future__ import annotations

import importlib
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

#: Result files holding issue-12 targets, in target order.
TARGET_RESULTS = ["small", "large", "networkx", "runner", "coldstart"]


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
    print("== issue 12 targets")
    show(rows)
    write("targets", {"measured": when, "targets": rows})
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (all by default), draw the figures, print the targets."""
    names = (argv if argv is not None else sys.argv[1:]) or list(BENCHMARKS)
    if names == ["targets"]:
        targets()
        return 0
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {sorted(BENCHMARKS)} or 'targets'", file=sys.stderr)
        return 2
    for name in names:
        print(f"== benchmark: {name}", flush=True)
        importlib.import_module(BENCHMARKS[name]).main()
    importlib.import_module("benchmarks.figures").main()
    targets()
    return 0


if __name__ == "__main__":
    sys.exit(main())
