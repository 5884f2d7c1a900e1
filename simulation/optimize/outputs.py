"""What an optimisation leaves in its folder: the plan TOML, the trace, the Pareto front, optimize.md.

* ``plan.toml``: the chosen plan as a complete scenario (``socsim run plan.toml``);
* ``trace.parquet``: one row per trial (lever search) or per greedy pick (KOL search);
* ``pareto.parquet`` and ``pareto.png``: the front of a two-objective search;
* ``comparison.parquet``: the fresh-seed comparison rows shown in ``optimize.md``;
* ``optimize.md``: the report section (self-contained).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import tomli_w

from simulation.optimize.compare import Comparison


def _drop_none(data: Any) -> Any:
    """TOML has no null: a None field is left out (it then takes its default, None)."""
    if isinstance(data, dict):
        return {k: _drop_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_drop_none(v) for v in data]
    return data


def absolute_files(scenario: dict, base_dir: str | None) -> dict:
    """The scenario with a relative graph file made absolute (the plan is written elsewhere)."""
    graph = scenario.get("graph") or {}
    if base_dir and graph.get("file") and not Path(graph["file"]).is_absolute():
        scenario = {**scenario, "graph": {**graph, "file": str(Path(base_dir) / graph["file"])}}
    return scenario


def write_plan(path: Path, scenario: dict, header: str) -> None:
    """Write ``scenario`` as a scenario TOML that ``socsim run`` accepts, ``header`` as its opening comment."""
    body = tomli_w.dumps(_drop_none(scenario))
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    path.write_text(comment + "\n" + body, encoding="utf-8")


def write_table(path: Path, rows: list[dict]) -> None:
    """Write rows (dicts with the same keys) as Parquet."""
    pq.write_table(pa.Table.from_pylist(rows), path)


def pareto_figure(rows: list[dict], front: list[int], names: tuple[str, str]):
    """A matplotlib Figure: every trial's two objective means, the front highlighted and joined."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 4.5), layout="constrained")
    ax = fig.add_subplot()
    x = [r[names[0]] for r in rows]
    y = [r[names[1]] for r in rows]
    ax.scatter(x, y, s=18, color="0.65", label="trials")
    pts = sorted((rows[i][names[0]], rows[i][names[1]]) for i in front)
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", color="C3", label="Pareto front")
    ax.set_xlabel(names[0].replace("_", " "))
    ax.set_ylabel(names[1].replace("_", " "))
    ax.set_title("Trials and Pareto front (search seeds)")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return fig


def fmt_number(x: float) -> str:
    """A number for the report: thousands separators, 3 significant digits below 100, n/a if not finite."""
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"


def comparison_rows(cmp: Comparison, metrics: list[str]) -> list[dict]:
    """One row per (plan or reference, metric): its fresh-seed mean and interval, the plan's paired difference."""
    rows = []
    for name, ev in cmp.evaluations.items():
        for m in metrics:
            iv = ev.interval(m)
            d = cmp.differences.get(name, {}).get(m)
            rows.append({"name": name, "metric": m, "mean": iv.estimate, "low": iv.low, "high": iv.high,
                         "plan_minus": d["diff"] if d else None, "diff_low": d["low"] if d else None,
                         "diff_high": d["high"] if d else None, "p_value": d["p_value"] if d else None})
    return rows


def comparison_markdown(rows: list[dict], n: int) -> str:
    """The fresh-seed comparison as a markdown table."""
    out = [f"Fresh seeds ({n} replications the search never saw, common random numbers; 95 % t intervals; "
           "'plan − this' is the paired difference):", "",
           "| | metric | mean | 95 % interval | plan − this | 95 % interval | p |",
           "|---|---|---:|---|---:|---|---:|"]
    for r in rows:
        diff = "" if r["plan_minus"] is None else fmt_number(r["plan_minus"])
        div = "" if r["plan_minus"] is None else f"[{fmt_number(r['diff_low'])}, {fmt_number(r['diff_high'])}]"
        p = "" if r["p_value"] is None else f"{r['p_value']:.3g}"
        out.append(f"| {r['name']} | {r['metric']} | {fmt_number(r['mean'])} | [{fmt_number(r['low'])}, {fmt_number(r['high'])}] "
                   f"| {diff} | {div} | {p} |")
    return "\n".join(out)


def params_markdown(params: dict) -> str:
    """The plan's lever values as a bullet list."""
    return "\n".join(f"- `{k}` = {v!r}" for k, v in params.items()) or "- (no lever)"
