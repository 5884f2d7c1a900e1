"""One place that writes a benchmark's result and states its issue-12 targets.

``target(number, what, value, unit, limit, better)`` is one row of the target table
(``better`` is ``"<="`` or ``">="``); ``write(name, result)`` stores
``benchmarks/results/<name>.json`` with the date, the machine and the targets, written
whole (a temporary file renamed into place).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def target(number: int, what: str, value: float | None, unit: str, limit: float, better: str) -> dict:
    """A target row: PASS when ``value`` is on the ``better`` side of ``limit``."""
    ok = value is not None and (value <= limit if better == "<=" else value >= limit)
    return {"target": number, "what": what, "value": value, "unit": unit, "limit": limit, "better": better,
            "status": "PASS" if ok else "MISS"}


def machine() -> dict:
    """Where the figures were measured. Load matters on a shared machine, and so does
    Linux's autogroup scheduling: with it on, all processes of one session share one
    session's CPU share, so extra workers cannot speed a sweep up while other sessions
    keep the cores busy."""
    try:
        autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        autogroup = None
    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2), "sched_autogroup": autogroup}


def write(name: str, result: dict) -> Path:
    """Write ``result`` (plus date and machine) to ``benchmarks/results/<name>.json``."""
    out = RESULTS / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    data = {"benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), **result}
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, out)
    return out


def in_child(module: str, call: str, threads: int = 1) -> dict:
    """Run ``module.call`` (a Python call expression returning a JSON-able value) in a fresh process with
    ``threads`` Numba threads and return its value; a failure raises with the child's stderr."""
    env = {**os.environ, "NUMBA_NUM_THREADS": str(threads), "OMP_NUM_THREADS": "1"}
    code = f"import json, {module} as b; print(json.dumps(b.{call}))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=RESULTS.parents[1])
    if out.returncode != 0:
        raise RuntimeError(f"{module}.{call} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def show(rows: list[dict]) -> None:
    """Print target rows as ``target N: what = value unit (limit) PASS/MISS``."""
    for r in rows:
        v = "n/a" if r["value"] is None else f"{r['value']:,.3g}"
        print(f"  target {r['target']}: {r['what']:<52} {v:>10} {r['unit']:<8} "
              f"(target {r['better']} {r['limit']:g})  {r['status']}", flush=True)
