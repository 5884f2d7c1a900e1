"""Run an optimisation end to end into its output folder (what ``socsim optimize`` does).

Order of events: refuse a folder that holds something else (nothing written) -> take the
folder's lock -> write ``optimize.json`` (the file's hash; ``--resume`` must match it) ->
search (KOL subset by CELF, or levers by optuna; every run stored in ``evaluations.db``
as it finishes) -> run the grid, if any -> re-run plan, baseline and best grid point on
fresh seeds -> write plan.toml, trace, Pareto front, comparison and optimize.md.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from simulation.optimize import outputs
from simulation.optimize.compare import Comparison, best_grid_point, validate
from simulation.optimize.config import Optimization, OptimizeError
from simulation.optimize.evaluate import Evaluator
from simulation.runner.executors import make_executor
from simulation.runner.lock import FolderLock

MANIFEST = "optimize.json"


@dataclass
class OptimizeOutcome:
    """What ``optimize`` produced: the plan's scenario and params, the comparison, runs executed."""

    out: Path
    plan: dict
    params: dict
    comparison: Comparison
    runs_executed: int
    evaluations: int


def check_folder(opt: Optimization, out: Path, resume: bool) -> None:
    """Refuse an output folder that holds other results (or, with ``resume``, another optimisation)."""
    if out.exists() and not out.is_dir():
        raise OptimizeError(f"{out}: exists and is not a directory")
    manifest = out / MANIFEST
    if resume:
        if not manifest.is_file():
            raise OptimizeError(f"{out}: nothing to resume (no {MANIFEST})")
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise OptimizeError(f"{manifest}: unreadable ({e})") from None
        if old.get("sha256") != opt.sha256 or old.get("spec") != opt.spec.model_dump(mode="json"):
            raise OptimizeError(f"{out}: holds another optimisation ({old.get('config')}); "
                                "resume it with the same file, or choose another --out")
    elif out.exists() and any(p.name != ".socsim.lock" for p in out.iterdir()):
        raise OptimizeError(f"{out}: not empty; use --resume to continue the optimisation in it, or another --out")


def optimize(opt: Optimization, out: str | Path, *, workers: int = 1, backend: str = "local",
             scheduler: str | None = None, resume: bool = False, progress: bool = True) -> OptimizeOutcome:
    """Run (or resume) ``opt`` into ``out``; see the module docstring for the order of events."""
    out = Path(out)
    check_folder(opt, out, resume)
    with FolderLock(out, "optimize"):
        check_folder(opt, out, resume)
        if not resume:
            (out / MANIFEST).write_text(json.dumps({
                "config": str(opt.path), "sha256": opt.sha256, "spec": opt.spec.model_dump(mode="json"),
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }, indent=2), encoding="utf-8")
            if opt.path is not None:
                shutil.copyfile(opt.path, out / "config.toml")
        with make_executor(backend, workers, scheduler) as executor:
            evaluator = Evaluator(opt.spec.seed, opt.base_dir, executor, out / "evaluations.db", progress, opt.stem)
            try:
                return _optimize(opt, out, evaluator)
            finally:
                evaluator.close()


def _optimize(opt: Optimization, out: Path, evaluator: Evaluator) -> OptimizeOutcome:
    sections = [f"## Optimisation: {opt.title}", "", opt.question, ""]
    o = opt.objectives[0]
    if opt.spec.kols is not None:
        from simulation.optimize.kols import plan_scenario, roster_rows, search_kols

        kol = search_kols(opt, evaluator)
        rows = roster_rows(opt)
        plan = plan_scenario(opt, rows, kol.rows)
        params = {"kol.roster": [kol.names[j] for j in kol.rows]}
        trace = [{"step": i + 1, "row": p.row, "name": p.name, "fee": p.fee, "marginal_gain": p.gain,
                  "gain_low": p.low, "gain_high": p.high} for i, p in enumerate(kol.picks)]
        outputs.write_table(out / "trace.parquet", trace)
        n_evals = kol.n_sets
        sections += _kol_section(opt, kol, trace, n_evals)
    else:
        from simulation.optimize.search import run_search

        found = run_search(opt, evaluator, out)
        trace = _trial_rows(opt, found)
        best = _choose(opt, trace, out)
        if len(opt.objectives) == 2:
            for r in trace:
                r.setdefault("on_front", False)
        outputs.write_table(out / "trace.parquet", trace)
        params = found.params[best]
        plan = opt.scenario_with(params)
        n_evals = len(trace)
        sections += _lever_section(opt, trace, best, params)
    plans = {"plan": plan, "baseline": opt.base}
    grid = best_grid_point(opt, evaluator)
    if grid is not None:
        i, evs = grid
        plans["best grid point"] = opt.scenario_with(opt.grid_points[i])
        n_evals += len(evs)
        sections += ["", f"Grid ({len(evs)} points on the search seeds); best on {o.metric}: "
                     + ", ".join(f"`{k}` = {v!r}" for k, v in opt.grid_points[i].items())
                     + f" (mean {outputs.fmt_number(evs[i].mean(o.metric))})."]
    cmp = validate(opt, evaluator, plans)
    metrics = list(next(iter(cmp.differences.values())).keys())
    rows = outputs.comparison_rows(cmp, metrics)
    outputs.write_table(out / "comparison.parquet", rows)
    header = (f"Optimised plan of {opt.path} ({opt.title})\nWritten by socsim optimize; run it with "
              f"`socsim run {out / 'plan.toml'}`.")
    outputs.write_plan(out / "plan.toml", outputs.absolute_files(plan, opt.base_dir), header)
    pq_path = out / "evaluations.parquet"
    import pyarrow.parquet as pq

    pq.write_table(evaluator.table(), pq_path)
    sections += ["", "### The plan on fresh seeds", "", outputs.comparison_markdown(rows, len(cmp.replications)), "",
                 f"Runs executed by this invocation: {evaluator.runs_executed} "
                 f"(each a run plus its paired no-marketing counterfactual); evaluations: {n_evals}.",
                 "Files: `plan.toml` (run it with `socsim run`), `trace.parquet`, `comparison.parquet`, "
                 "`evaluations.parquet` (every run's summary), `evaluations.db`"
                 + (", `study.journal` (the optuna study)" if opt.spec.kols is None else "")
                 + (", `pareto.parquet`, `pareto.png`" if len(opt.objectives) == 2 else "") + "."]
    (out / "optimize.md").write_text("\n".join(sections) + "\n", encoding="utf-8")
    return OptimizeOutcome(out, plan, params, cmp, evaluator.runs_executed, n_evals)


def _trial_rows(opt: Optimization, found) -> list[dict]:
    from simulation.optimize.search import feasible

    rows = []
    trials = {t.number: t for t in found.study.get_trials(deepcopy=False)}
    for n in sorted(found.evaluations):
        ev, t = found.evaluations[n], trials[n]
        row = {"trial": n, "candidate": ev.key, **{f"param:{k}": v for k, v in found.params[n].items()}}
        for ob in opt.objectives:
            iv = ev.interval(ob.metric)
            row.update({ob.metric: iv.estimate, f"{ob.metric}_low": iv.low, f"{ob.metric}_high": iv.high})
        row["spend"] = ev.mean("spend")
        row["feasible"] = feasible(opt, t)
        rows.append(row)
    return rows


def pareto_front(values: np.ndarray) -> np.ndarray:
    """Indices of the non-dominated rows of ``values`` (every column maximised)."""
    keep = []
    for i, v in enumerate(values):
        dominated = np.any(np.all(values >= v, axis=1) & np.any(values > v, axis=1))
        if not dominated:
            keep.append(i)
    return np.array(keep, dtype=int)


def _choose(opt: Optimization, trace: list[dict], out: Path) -> int:
    """The chosen trial: best first objective among feasible ones (on the front for two objectives)."""
    ok = [r for r in trace if r["feasible"]]
    if not ok:
        raise OptimizeError(f"optimize.max_spend: no trial kept spend <= {opt.spec.max_spend}")
    signs = np.array([ob.sign for ob in opt.objectives], dtype=float)
    vals = np.array([[r[ob.metric] for ob in opt.objectives] for r in ok]) * signs
    if len(opt.objectives) == 2:
        front, seen = [], set()
        for i in pareto_front(vals):  # a plan sampled twice is one point of the front (its first trial)
            key = tuple(sorted((k, repr(v)) for k, v in ok[i].items() if k.startswith("param:")))
            if key not in seen:
                seen.add(key)
                front.append(i)
        names = tuple(ob.metric for ob in opt.objectives)
        for i in front:
            ok[i]["on_front"] = True
        outputs.write_table(out / "pareto.parquet", [ok[i] for i in front])
        all_idx = {r["trial"]: i for i, r in enumerate(trace)}
        fig = outputs.pareto_figure(trace, [all_idx[ok[i]["trial"]] for i in front], names)
        fig.savefig(out / "pareto.png", dpi=120)
        cand = front
    else:
        cand = np.arange(len(ok))
    best = max(cand, key=lambda i: (vals[i, 0], -ok[i]["trial"]))
    return int(ok[best]["trial"])


def _lever_section(opt: Optimization, trace: list[dict], best: int, params: dict) -> list[str]:
    sampler = "TPE" if len(opt.objectives) == 1 else "NSGA-II"
    o = opt.objectives[0]
    row = next(r for r in trace if r["trial"] == best)
    lines = [f"Method: optuna {sampler}, {len(trace)} trials in batches of {opt.spec.batch}, "
             f"{opt.spec.replications} replications per trial on common random numbers (seed {opt.spec.seed}); "
             f"objective{'s' if len(opt.objectives) > 1 else ''}: "
             + ", ".join(f"{ob.direction} {ob.metric}" for ob in opt.objectives)
             + (f"; constraint: mean spend <= {opt.spec.max_spend:g}" if opt.spec.max_spend is not None else "")
             + ".", "", f"Chosen plan (trial {best}):", "", outputs.params_markdown(params), "",
             f"On the search seeds: {o.metric} {outputs.fmt_number(row[o.metric])} "
             f"[{outputs.fmt_number(row[o.metric + '_low'])}, {outputs.fmt_number(row[o.metric + '_high'])}] "
             "(biased upwards: it is the best of many estimates; see the fresh seeds below)."]
    if len(opt.objectives) == 2:
        a, b = (ob.metric for ob in opt.objectives)
        front = sorted((r for r in trace if r.get("on_front")), key=lambda r: r[a])
        lines += ["", f"Pareto front ({len(front)} trials, search seeds):", "", f"| trial | {a} | {b} | spend |",
                  "|---:|---:|---:|---:|"]
        lines += [f"| {r['trial']} | {outputs.fmt_number(r[a])} | {outputs.fmt_number(r[b])} | {outputs.fmt_number(r['spend'])} |"
                  for r in front]
        lines += ["", "![Pareto front](pareto.png)"]
    return lines


def _kol_section(opt: Optimization, kol, trace: list[dict], n_evals: int) -> list[str]:
    o = opt.objectives[0]
    rules = ", ".join(f"{r} ({len(g.picks)} KOLs, {g.evaluations} marginal gains)" for r, g in kol.by_rule.items())
    lines = [f"Method: budgeted lazy greedy (CELF) over {len(kol.names)} roster KOLs, budget "
             f"{kol.budget:,.0f} of planned fees; rules: {rules}; kept: {kol.rule}; {n_evals} distinct sets "
             "evaluated. "
             f"Objective: {o.direction} {o.metric}, {opt.spec.replications} replications per evaluation on common "
             "random numbers.", "",
             "| step | KOL | planned fee | marginal gain | 95 % interval (paired) |", "|---:|---|---:|---:|---|"]
    for r in trace:
        lines.append(f"| {r['step']} | {r['name']} | {outputs.fmt_number(r['fee'])} | {outputs.fmt_number(r['marginal_gain'])} "
                     f"| [{outputs.fmt_number(r['gain_low'])}, {outputs.fmt_number(r['gain_high'])}] |")
    total = sum(r["fee"] for r in trace)
    lines += ["", f"Planned fees of the chosen set: {total:,.0f} of {kol.budget:,.0f}."]
    return lines
