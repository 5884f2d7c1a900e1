"""Graph-layer benchmark: seconds and peak memory to build each generator, and to read
10^7-line edge-list files, at 10^4 and 10^6 nodes (~10^7 edges) on one core.

Run: ``python -m benchmarks graph`` (or ``python -m benchmarks.bench_graph [--quick]``).
Writes ``benchmarks/results/graph.json``. Each case runs in its own child process
(``NUMBA_NUM_THREADS=1``): the JIT is warmed on a tiny graph first, so ``seconds`` (wall)
and ``cpu_seconds`` (CPU) are build time only, and ``peak_rss_mb`` is the child's peak
resident memory (the imports and warm-up alone are ``base_rss_mb``). A NetworkX reference
run shows why the generators write straight into arrays.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "graph.json"

LARGE = [
    ("barabasi_albert", {"n": 1_000_000, "m": 10}),
    ("powerlaw_cluster", {"n": 1_000_000, "m": 10, "p": 0.3}),
    ("erdos_renyi", {"n": 1_000_000, "mean_degree": 20}),
    ("watts_strogatz", {"n": 1_000_000, "k": 20, "p": 0.1}),
    ("stochastic_block", {"sizes": [100_000] * 10, "p_in": 1.8e-4, "p_out": 2.2e-6}),
    ("complete", {"n": 4_473}),
]
SMALL = [
    ("barabasi_albert", {"n": 10_000, "m": 10}),
    ("powerlaw_cluster", {"n": 10_000, "m": 10, "p": 0.3}),
    ("erdos_renyi", {"n": 10_000, "mean_degree": 20}),
    ("watts_strogatz", {"n": 10_000, "k": 20, "p": 0.1}),
    ("stochastic_block", {"sizes": [1_000] * 10, "p_in": 0.018, "p_out": 2.2e-4}),
    ("complete", {"n": 447}),
]
TINY = {
    "barabasi_albert": {"n": 50, "m": 2},
    "powerlaw_cluster": {"n": 50, "m": 2, "p": 0.3},
    "erdos_renyi": {"n": 50, "p": 0.1},
    "watts_strogatz": {"n": 50, "k": 4, "p": 0.1},
    "stochastic_block": {"sizes": [25, 25], "p_in": 0.2, "p_out": 0.01},
    "complete": {"n": 10},
}


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MiB, from /proc (Linux)."""
    now = peak = float("nan")
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return now, peak


def _child(spec: dict) -> dict:
    """Build one case (in a fresh process) and return its measurements."""
    import warnings

    from simulation.graph import build_graph, read_edgelist

    kind = spec["kind"]
    if kind == "generator":
        build_graph(spec["name"], seed=0, **TINY[spec["name"]])
        base, _ = _rss_mb()
        c0, t0 = time.process_time(), time.perf_counter()
        g = build_graph(spec["name"], seed=1, **spec["params"])
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    elif kind == "edgelist":
        tiny = Path(spec["path"]).with_name("tiny" + Path(spec["path"]).suffix)
        tiny.write_text("a,b,1\nb,c,2\n" if tiny.suffix == ".csv" else "1 2\n2 3\n")
        read_edgelist(tiny)
        base, _ = _rss_mb()
        c0, t0 = time.process_time(), time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # random test files hold a few repeats
            g = read_edgelist(spec["path"])
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    else:  # networkx reference
        import networkx as nx

        base, _ = _rss_mb()
        c0, t0 = time.process_time(), time.perf_counter()
        G = nx.barabasi_albert_graph(spec["params"]["n"], spec["params"]["m"], seed=1)
        seconds_nx = time.perf_counter() - t0
        g = build_graph(G)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        spec = {**spec, "networkx_generate_seconds": round(seconds_nx, 3)}
    _, peak = _rss_mb()
    out = {k: v for k, v in spec.items() if k != "path"}
    return {**out, "n": g.n, "edges": g.n_edges, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
            "peak_rss_mb": round(peak, 1), "base_rss_mb": round(base, 1)}


def _run_child(spec: dict, timeout: float = 900) -> dict:
    env = {**os.environ, "NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    root = Path(__file__).resolve().parent.parent
    code = "import json,sys; from benchmarks.bench_graph import _child; print(json.dumps(_child(json.loads(sys.argv[1]))))"
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(spec)], capture_output=True, text=True,
                          env=env, cwd=root, timeout=timeout)
    if proc.returncode != 0:
        return {**spec, "error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _write_edge_files(folder: Path, lines: int) -> list[Path]:
    """Write a whitespace file of int labels and a CSV of string labels with weights."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(0)
    n = max(lines // 10, 2)
    u = rng.integers(0, n, lines)
    v = (u + rng.integers(1, n, lines)) % n  # no self-loops
    ints = folder / f"edges_{lines}.txt"
    pacsv.write_csv(pa.table({"s": u, "t": v}), ints,
                    pacsv.WriteOptions(include_header=False, delimiter=" "))
    strs = folder / f"edges_{lines}.csv"
    table = pa.table({
        "source": pc.binary_join_element_wise("user", pc.cast(pa.array(u), pa.string()), ""),
        "target": pc.binary_join_element_wise("user", pc.cast(pa.array(v), pa.string()), ""),
        "weight": np.round(rng.random(lines), 4),
    })
    with open(strs, "wb") as out:
        out.write(b"source,target,weight\n")
        pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return [ints, strs]


def main(argv: list[str] | None = None) -> dict:
    """Run the graph benchmark, print a table and write ``benchmarks/results/graph.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^4-node sizes only")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv if argv is not None else [])
    specs = [{"kind": "generator", "name": n, "params": p} for n, p in SMALL]
    if not args.quick:
        specs += [{"kind": "generator", "name": n, "params": p} for n, p in LARGE]
    specs.append({"kind": "networkx", "name": "networkx barabasi_albert + from_networkx",
                  "params": {"n": 10_000 if args.quick else 100_000, "m": 10}})
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for lines in [100_000] + ([] if args.quick else [10_000_000]):
            for path in _write_edge_files(Path(tmp), lines):
                specs.append({"kind": "edgelist", "name": f"read_edgelist {path.suffix}",
                              "params": {"lines": lines}, "path": str(path)})
        print(f"{'case':45s} {'n':>9s} {'edges':>11s} {'seconds':>8s} {'CPU s':>7s} {'peak MiB':>9s}")
        for spec in specs:
            row = _run_child(spec)
            rows.append(row)
            label = f"{row['name']} {row['params']}"[:45]
            if "error" in row:
                print(f"{label:45s} FAILED: {row['error']}")
            else:
                print(f"{label:45s} {row['n']:9d} {row['edges']:11d} {row['seconds']:8.2f} {row['cpu_seconds']:7.2f} "
                      f"{row['peak_rss_mb']:9.0f}",
                      flush=True)
    result = {
        "benchmark": "graph",
        "command": "python -m benchmarks graph",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "threads": 1},
        "cases": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
