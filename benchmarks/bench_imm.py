"""Influence maximisation benchmark: IMM against degree-discount, top degree and CELF at k = 50.

Workload (issue 15, item 2): Barabási–Albert graph, n = 100,000, m = 5 (graph seed 1),
under Independent Cascade with p = 0.01 on every arc and under the weighted cascade
(arc u→v live with 1 / in-degree(v)). Each method's seconds are wall-clock on this
machine's Numba threads (JIT warmed on a small graph first). Every seed set's spread
is then measured by the same Monte-Carlo IC (``classic.ic_finals``, the same runs for
all methods), reported as mean ± SE, and against IMM as a paired difference (the runs
share their live-arc draws, so the SE of the difference is that of the per-run
differences).

CELF is lazy greedy on R shared live-arc worlds. With p = 0.01 it scores all 10^5
candidates on R = 200 worlds; under the weighted cascade one node's reach is large, so
it scores only the 2,000 highest-degree nodes on R = 100 worlds (reported in the record).

Run: ``python -m benchmarks.bench_imm [--quick]``. Writes ``benchmarks/results/imm.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numba
import numpy as np

RESULTS = Path(__file__).resolve().parent / "results" / "imm.json"
K, EPS, ELL, EVAL_RUNS = 50, 0.1, 1.0, 10_000
SETTINGS = [
    {"p": 0.01, "celf": {"runs": 200, "candidates": None}},
    {"p": "weighted_cascade", "celf": {"runs": 100, "candidates": 2_000}},
]


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run_setting(g, p, celf_opts: dict, k: int, eval_runs: int) -> dict:
    """Select k seeds by every method under ``p`` and evaluate them by the same Monte Carlo."""
    from simulation import classic

    cand = None
    if celf_opts["candidates"] is not None:
        cand = g.labels[np.argsort(-g.out_degree, kind="stable")[: celf_opts["candidates"]]].tolist()
    picks = {
        "imm": _timed(lambda: classic.imm(g, k, p=p, eps=EPS, ell=ELL, seed=1)),
        "degree_discount": _timed(lambda: classic.degree_discount(g, k, p=p)),
        "top_degree": _timed(lambda: classic.top_degree(g, k)),
        "celf": _timed(lambda: classic.celf(g, k, p=p, runs=celf_opts["runs"], seed=2, candidates=cand)),
    }
    finals = {name: classic.ic_finals(g, sel.seeds, p, runs=eval_runs, seed=3) for name, (sel, _) in picks.items()}
    rows = {}
    for name, (sel, seconds) in picks.items():
        f = finals[name]
        diff = f - finals["imm"]
        rows[name] = {
            "seconds": seconds,
            "spread": float(f.mean()),
            "spread_se": float(f.std(ddof=1) / np.sqrt(len(f))),
            "minus_imm": float(diff.mean()),
            "minus_imm_se": float(diff.std(ddof=1) / np.sqrt(len(f))),
            "own_estimate": None if np.isnan(sel.spread) else sel.spread,
            "overlap_with_imm": len(set(sel.seeds) & set(picks["imm"][0].seeds)),
            "params": {key: (v.tolist() if isinstance(v, np.ndarray) else (float(v) if isinstance(v, np.floating) else v))
                       for key, v in sel.params.items() if key != "gain_se"},
        }
    return {"p": p, "celf_setting": celf_opts, "methods": rows}


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print a table and write ``benchmarks/results/imm.json``."""
    from simulation import classic
    from simulation.atomic import atomic_write
    from simulation.graph.build import build_graph

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 10^4, k = 10, 1,000 evaluation runs (a smoke test)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv if argv is not None else [])
    n, k, eval_runs = (10_000, 10, 1_000) if args.quick else (100_000, K, EVAL_RUNS)

    warm = build_graph("barabasi_albert", n=500, m=2, seed=1)
    for p in (0.1, "weighted_cascade"):
        classic.imm(warm, 3, p=p, eps=0.5, seed=0)
        classic.degree_discount(warm, 3, p=p)
        classic.celf(warm, 3, p=p, runs=4, seed=0)
        classic.ic_finals(warm, [0], p, runs=4, seed=0)
    g = build_graph("barabasi_albert", n=n, m=5, seed=1)
    settings = []
    for s in SETTINGS:
        res = run_setting(g, s["p"], s["celf"], k, eval_runs)
        settings.append(res)
        print(f"p = {s['p']}")
        print(f"    {'method':28s} {'seconds':>9s} {'spread':>10s} {'± SE':>7s} {'- IMM':>8s} {'± SE':>6s}")
        for name, r in res["methods"].items():
            print(f"    {name:28s} {r['seconds']:9.2f} {r['spread']:10.1f} {r['spread_se']:7.1f} "
                  f"{r['minus_imm']:8.2f} {r['minus_imm_se']:6.2f}", flush=True)
    result = {
        "benchmark": "imm",
        "command": "python -m benchmarks.bench_imm" + (" --quick" if args.quick else ""),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "threads": numba.get_num_threads()},
        "graph": {"generator": "barabasi_albert", "n": n, "m": 5, "seed": 1, "arcs": int(g.m)},
        "k": k, "imm": {"eps": EPS, "ell": ELL, "seed": 1},
        "evaluation": {"method": "Monte-Carlo IC, the same runs for every seed set", "runs": eval_runs, "seed": 3},
        "settings": settings,
    }
    atomic_write(args.out, json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
