"""Figures of the latest benchmark results: ``benchmarks/results/*.png`` from the JSON files.

``python -m benchmarks`` draws them after running; ``python -m benchmarks.figures`` redraws
from whatever JSON is there. A missing result file skips its figure.
"""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _save(fig, name: str) -> Path:
    """Write ``fig`` to ``benchmarks/results/<name>.png`` and close it."""
    fig.tight_layout()
    out = RESULTS / f"{name}.png"
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def ic_figure(data: dict) -> Path:
    """Seconds per cascade of each IC implementation (log scale)."""
    names = ["socsim", "cynetdiff", "mesa_objects", "ndlib"]
    secs = [data[k]["seconds_per_cascade"] for k in names]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    bars = ax.barh(names, secs, color=["#2a7", "#69c", "#c96", "#c66"])
    ax.set_xscale("log")
    ax.invert_yaxis()
    w = data["workload"]
    ax.set_xlabel("seconds per cascade (one core, log scale)")
    ax.set_title(f"Independent Cascade, BA n={w['n']:,} m={w['m']}, p={w['p']}, {w['seeds']:,} seeds", fontsize=10)
    for bar, s in zip(bars, secs):
        ax.text(s, bar.get_y() + bar.get_height() / 2, f" {s * 1e6:,.0f} µs", va="center", fontsize=8)
    return _save(fig, "ic")


def model_figure(data: dict) -> Path:
    """Simulation time against arcs × days: linear growth shows as a straight line."""
    rows = data["rows"]
    work = [r["arcs"] * r["days"] for r in rows]
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    ax.plot(work, [r["simulation_s"] for r in rows], "o-", label="simulation (set-up + days)")
    ax.plot(work, [r["run_s"] for r in rows], "s--", label="days only")
    for r, x in zip(rows, work):
        ax.annotate(f"n={r['n']:,}\n{r['peak_rss_mb']:.0f} MB", (x, r["simulation_s"]), fontsize=7,
                    textcoords="offset points", xytext=(4, -18))
    ax.set_xlabel("arcs × days")
    ax.set_ylabel("seconds (one core)")
    ax.set_title(f"Social-commerce model, all four operation models, {data['days']} days", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _save(fig, "model")


def runner_figure(data: dict) -> Path:
    """Runs per second of each execution engine, end to end (fresh process per sweep)."""
    rows = data["rows"]
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.barh([r["engine"] for r in rows], [r["end_to_end_runs_per_s"] for r in rows], color="#69c")
    ax.invert_yaxis()
    ax.set_xlabel(f"runs per second, end to end ({data['runs']} quick.toml-sized runs)")
    ax.tick_params(axis="y", labelsize=8)
    return _save(fig, "runner")


def main() -> list[Path]:
    """Draw every figure whose results exist; return the paths written."""
    drawn = []
    for name, draw in (("ic", ic_figure), ("model", model_figure), ("runner", runner_figure)):
        data = _load(name)
        if data is not None:
            drawn.append(draw(data))
    for p in drawn:
        print(f"wrote {p}")
    return drawn


if __name__ == "__main__":
    main()
