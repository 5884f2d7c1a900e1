"""One-page report of a sweep: ``report.md`` and a self-contained ``report.html``.

The report is built once as a list of blocks (headings, paragraphs, tables, figures)
and rendered twice: Markdown that links ``figures/*.png``, and HTML with every figure
embedded as base64 PNG (no external asset, so the file can be mailed or archived).
Sections: the question, the design, the points with means and CIs, the best point for
conversion and for ROI with effect sizes (paired under common random numbers), every
figure that applies to the design, run errors, versions.
"""
from __future__ import annotations

import base64
import copy
import dataclasses
import html
import re
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.analysis import figures as figs
from simulation.atomic import atomic_write
from simulation.analysis.load import METRIC_UNITS, Results, load_results
from simulation.analysis.stats import MIN_BOOTSTRAP_N, Best, Comparison, best_point, summarize

#: Metrics of the points table, in column order (those present in the runs).
KEY_METRICS = ("conversion_rate", "exposed_conversion", "buyers", "revenue", "total_spend", "roi", "t50")

#: Most rows in the points table; larger designs show the best by conversion.
MAX_TABLE_ROWS = 25

#: Point names taken as the baseline, in order of preference (else point 0).
BASELINE_NAMES = ("baseline", "base", "control", "none", "default")


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Para:
    text: str


@dataclass
class Table:
    frame: pd.DataFrame
    caption: str = ""


@dataclass
class Figure:
    png: Path
    caption: str


Block = Heading | Para | Table | Figure


def fmt(x, digits: int = 4) -> str:
    """A number with ``digits`` significant digits ('–' for NaN, thousands kept readable)."""
    if x is None:
        return "–"
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(xf):
        return "–"
    if xf != 0 and (abs(xf) >= 1e6 or abs(xf) < 1e-3):
        return f"{xf:.{digits - 1}e}"
    if abs(xf) >= 10 ** digits:
        return f"{xf:.0f}"
    return f"{xf:.{digits}g}"


def fmt_ci(mean: float, low: float, high: float) -> str:
    """'mean [low, high]' (just the mean when the CI is undefined)."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return fmt(mean)
    return f"{fmt(mean)} [{fmt(low)}, {fmt(high)}]"


def default_baseline(results: Results):
    """The point named like a baseline (``BASELINE_NAMES``), else point 0 if it ran."""
    names = results.runs.drop_duplicates("point").set_index("point")["point_name"].astype(str)
    lowered = {v.lower(): k for k, v in names.items()}
    for name in BASELINE_NAMES:
        if name in lowered:
            return int(lowered[name])
    return int(names.index.min()) if len(names) else None


def point_labels(results: Results) -> dict[int, str]:
    """Readable names for grid points named ``p<i>``: 'count=5, referral_reward=2.5'.

    The last part of each swept path is used (the whole path when two share it). Named
    points (scenarios) and sampled designs (too many, values unrounded) keep their names.
    """
    pts = results.points
    if results.design_type != "grid" or not results.swept:
        return {}
    last = [p.rsplit(".", 1)[-1] for p in results.swept]
    keys = [lp if last.count(lp) == 1 else p for p, lp in zip(results.swept, last)]
    out = {}
    for _, row in pts.iterrows():
        if re.fullmatch(r"p\d+", str(row["name"])):
            out[int(row["point"])] = ", ".join(f"{k}={fmt(row[p])}" for k, p in zip(keys, results.swept)
                                               if p in row)
    return out


def labelled(results: Results) -> Results:
    """A copy of ``results`` whose point names are ``point_labels`` (figures, tables, text)."""
    labels = point_labels(results)
    if not labels:
        return results
    manifest = copy.deepcopy(results.manifest)
    for p in manifest.get("design", {}).get("points", []):
        p["name"] = labels.get(int(p["point"]), p.get("name"))

    def relabel(df):
        if "point_name" not in df or "point" not in df or df.empty:
            return df
        df = df.copy()
        df["point_name"] = [labels.get(int(p), n) for p, n in zip(df["point"], df["point_name"])]
        return df

    return dataclasses.replace(results, manifest=manifest, all_runs=relabel(results.all_runs),
                               runs=relabel(results.runs), timeseries=relabel(results.timeseries),
                               errors=relabel(results.errors))


def points_table(results: Results, summary: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Design points with parameter values and 'mean [95 % CI]' of the key metrics."""
    metrics = [m for m in KEY_METRICS if m in set(summary["metric"])]
    pts = results.points.set_index("point")
    wide = {}
    for m in metrics:
        s = summary[summary["metric"] == m].set_index("point")
        wide[m] = {p: fmt_ci(r["mean"], r["ci_low"], r["ci_high"]) for p, r in s.iterrows()}
    order = summary[summary["metric"] == "conversion_rate"].sort_values("mean", ascending=False)["point"] \
        if "conversion_rate" in metrics else pd.Series(sorted(summary["point"].unique()))
    note = ""
    all_points = sorted(summary["point"].unique())
    shown = all_points
    if len(all_points) > MAX_TABLE_ROWS:
        shown = sorted(order.head(MAX_TABLE_ROWS).tolist())
        note = (f"Showing the {MAX_TABLE_ROWS} of {len(all_points)} points with the highest "
                f"conversion; every point is in runs.parquet.")
    reps = results.runs.groupby("point").size()
    rows = []
    for p in shown:
        row = {"point": int(p), "name": str(pts["name"].get(p, p)) if "name" in pts else str(p)}
        for param in results.swept:
            row[param] = pts[param].get(p, "") if param in pts else ""
        row["runs ok"] = int(reps.get(p, 0))
        for m in metrics:
            row[m] = wide[m].get(p, "–")
        rows.append(row)
    return pd.DataFrame(rows), note


def _comparison_text(label: str, c: Comparison | None) -> str:
    if c is None:
        return ""
    extra = []
    if np.isfinite(c.relative):
        extra.append(f"relative difference {100 * c.relative:+.1f} %")
    if np.isfinite(c.effect_size):
        extra.append(f"standardised effect {c.effect_size:.2f} "
                     f"({'Cohen d_z' if c.paired else 'Cohen d'})")
    extra.append("two-sided p < 0.001" if c.p_value < 0.001 else f"two-sided p = {c.p_value:.3f}")
    return f"**{label}:** {c.sentence()} " + "; ".join(extra) + "."


def best_section(results: Results, metric: str, maximize: bool, seed: int) -> list[Block]:
    """Blocks naming the best point for ``metric``, vs runner-up and baseline."""
    title = {"conversion_rate": "Best point for conversion", "roi": "Best point for ROI"}.get(metric, metric)
    blocks: list[Block] = [Heading(title, 3)]
    if metric not in results.runs or results.runs[metric].notna().sum() == 0:
        blocks.append(Para(f"No run reports a finite {metric}."))
        return blocks
    if metric == "roi" and results.runs.get("total_spend", pd.Series(dtype=float)).fillna(0).sum() <= 0:
        blocks.append(Para("No point spends anything, so ROI is undefined."))
        return blocks
    base = default_baseline(results)
    try:
        best: Best = best_point(results.runs, metric, baseline=base,
                                maximize=maximize, paired=results.crn, seed=seed)
    except ValueError as exc:
        blocks.append(Para(f"Not determined: {exc}."))
        return blocks
    iv = best.interval
    unit = METRIC_UNITS.get(metric, "")
    how = {"t": "mean over replications, t CI",
           "bootstrap ratio of means": "ratio of means over replications, BCa bootstrap CI"}.get(
        iv.method, f"ratio of means over replications, {iv.method.split(',')[0]} CI")
    blocks.append(Para(f"**{best.name}** (point {best.point}) has the highest {metric}: "
                       f"{fmt_ci(iv.estimate, iv.low, iv.high)} {unit} "
                       f"({how}, {iv.n} replications)."))
    if best.runner_up is not None:
        blocks.append(Para(_comparison_text("Against the runner-up", best.runner_up)))
    if best.vs_baseline is not None:
        blocks.append(Para(_comparison_text("Against the baseline", best.vs_baseline)))
    elif base == best.point:
        blocks.append(Para("The best point is the baseline itself."))
    else:
        blocks.append(Para(f"No comparison with the baseline ({results.point_name(base)}): its "
                           f"{metric} is undefined or has too few replications"
                           + (" (it spends nothing)." if metric == "roi" else ".")))
    if results.runs["point"].nunique() > 20:
        blocks.append(Para("With many design points, the top estimate is biased upwards "
                           "(the winner's curse): confirm it with a focused `scenarios` sweep."))
    return blocks


def design_blocks(results: Results) -> list[Block]:
    """The design: type, parameters, points, replications, seeds, CRN, run counts."""
    m = results.manifest
    d = results.design
    n_ok, n_err = len(results.runs), len(results.errors)
    crn = ("on: replication r of every point shares one seed, so points are compared pair by pair"
           if results.crn else "off: points use independent seeds (Welch comparisons)")
    lines = [
        f"- **Design:** `{results.design_type}`, {len(results.points)} points × "
        f"{m.get('replications', '?')} replication(s) = {m.get('n_runs', len(results.all_runs))} runs "
        f"({n_ok} ok, {n_err} failed).",
        f"- **Seeds:** base seed {m.get('base_seed', '?')}; common random numbers {crn}.",
        f"- **Experiment file:** `{m.get('experiment_file', '?')}` (sha256 "
        f"`{str(m.get('experiment_sha256', '?'))[:16]}…`).",
        f"- **Ran:** {m.get('started', '?')} to {m.get('finished', '?')}.",
    ]
    blocks: list[Block] = [Heading("Design"), Para("\n".join(lines))]
    params = d.get("parameters", {})
    if results.design_type == "scenarios" and params:
        rows = []
        for name, v in params.items():
            v = v if isinstance(v, dict) else {}
            settings = v.get("set", {})
            rows.append({"scenario": name, "description": str(v.get("description", "")),
                         "settings": ", ".join(f"{k} = {_spec_text(x)}" for k, x in settings.items())
                         or "(the base scenario)"})
        blocks.append(Table(pd.DataFrame(rows), "Scenarios: each changes the base scenario at these "
                                                "dotted paths."))
    elif params:
        rows = [{"parameter": k, "values": _spec_text(v)} for k, v in params.items()]
        blocks.append(Table(pd.DataFrame(rows), "Swept parameters (dotted paths into the scenario)."))
    return blocks


def _spec_text(spec) -> str:
    if isinstance(spec, dict):
        return ", ".join(f"{k}={_spec_text(v)}" for k, v in spec.items())
    if isinstance(spec, (list, tuple)):
        return "[" + ", ".join(_spec_text(v) for v in spec) + "]"
    return fmt(spec) if isinstance(spec, (int, float, np.number)) else str(spec)


def figure_blocks(results: Results, fig_dir: Path, seed: int) -> tuple[list[Block], list[str]]:
    """Every figure that applies to the design, with captions; and notes on skipped ones."""
    runs, ts = results.runs, results.timeseries
    blocks: list[Block] = [Heading("Figures")]
    notes: list[str] = []

    def add(paths, caption):
        blocks.append(Figure(paths[0], caption))

    if not ts.empty and "buyers" in ts:
        add(figs.adoption_curves(ts, runs, fig_dir / "adoption"),
            "Cumulative buyers as a share of the population, day by day: the line is the mean "
            "over replications, the band its 95 % t interval.")
    if {"exposed", "buyers"} <= set(runs):
        add(figs.funnel(runs, fig_dir / "funnel"),
            "Funnel: people ever exposed, interested, who bought and who shared (% of population, "
            "95 % CI over replications).")
    if any(c.startswith("attr_") for c in runs) and runs.filter(like="attr_").to_numpy(float).sum() > 0:
        add(figs.attribution(runs, fig_dir / "attribution"),
            "Purchases by the channel of the exposure that triggered them (mean per run).")
    numeric = results.numeric_swept if results.design_type != "scenarios" else []
    if numeric:
        shown = influence_order(runs, numeric)[:4] if len(numeric) > 4 else numeric
        add(figs.main_effects(runs, shown, fig_dir / "main_effects"),
            "Main effects: mean conversion and ROI against each swept parameter, other parameters "
            "and replications pooled (band: 95 % t interval; ROI as ratio of means per value)."
            + (" The four parameters most rank-correlated with conversion are shown." if len(numeric) > 4 else ""))
    if len(numeric) >= 2:
        if len(numeric) > 3:  # heatmaps for the pairs among the three most influential
            numeric = influence_order(runs, numeric)
        pairs = [(numeric[i], numeric[j]) for i in range(len(numeric)) for j in range(i + 1, len(numeric))]
        for k, (x, y) in enumerate(pairs[:3]):
            add(figs.heatmap(runs, x, y, fig_dir / f"heatmap_{k}"),
                f"Mean conversion and ROI over {x} × {y} (other parameters and replications pooled; "
                "ROI as ratio of means per cell).")
        if len(pairs) > 3:
            notes.append(f"{len(pairs) - 3} further parameter pairs have no heatmap (shown: the pairs "
                         "among the three parameters most rank-correlated with conversion).")
    else:
        notes.append("No heatmap: it needs at least two swept numeric parameters "
                     "(a grid, lhs, sobol or morris design).")
    if "total_spend" in runs and "revenue" in runs and (runs["total_spend"] > 0).any():
        add(figs.roi_vs_spend(runs, fig_dir / "roi_vs_spend", seed=seed),
            "Left: ROI (ratio of means, bootstrap 95 % CI) against mean spend per run; circled "
            "points form the efficient frontier (no cheaper point has a higher ROI). Right: net "
            "return (revenue − spend) against spend; circled points are the best net return "
            "available at each budget.")
    else:
        notes.append("No ROI figure: no point spends anything.")
    if results.design_type == "sobol":
        blocks += _sobol_blocks(results, fig_dir, seed, notes)
    if results.design_type == "morris":
        blocks += _morris_blocks(results, fig_dir, seed, notes)
    snap = _network_snapshot(results, fig_dir, notes)
    if snap:
        add(snap[0], f"One small run of the point with the highest conversion ({snap[1]}; same rules, "
                     f"{SNAPSHOT_PEOPLE} people), each person coloured by final state; stars are KOLs.")
    return blocks, notes


def influence_order(runs: pd.DataFrame, params: list[str], metric: str = "conversion_rate") -> list[str]:
    """Parameters sorted by |Spearman rank correlation| with ``metric`` over the runs, largest first."""
    if metric not in runs:
        return list(params)
    score = {p: abs(runs[p].corr(runs[metric], method="spearman")) for p in params}
    return sorted(params, key=lambda p: -(score[p] if np.isfinite(score[p]) else -1.0))


def _sobol_blocks(results: Results, fig_dir: Path, seed: int, notes: list[str]) -> list[Block]:
    from simulation.analysis.sensitivity import sobol_indices

    blocks: list[Block] = [Heading("Sensitivity (Sobol indices)", 3)]
    if "profit" not in results.runs and {"revenue", "total_spend"} <= set(results.runs):
        results = dataclasses.replace(results, runs=results.runs.assign(
            profit=results.runs["revenue"] - results.runs["total_spend"]))
    for metric in ("conversion_rate", "roi", "profit"):
        if metric not in results.runs:
            continue
        try:
            idx = sobol_indices(results, metric, seed=seed)
        except ValueError as exc:
            notes.append(f"No Sobol indices for {metric}: {exc}")
            continue
        table = idx.copy()
        for c in ("S1", "S1_conf", "ST", "ST_conf"):
            table[c] = table[c].map(fmt)
        blocks.append(Table(table, f"Sobol indices of {metric} (\\*_conf: half-width of the 95 % CI; "
                                   "replications averaged per point)."))
        blocks.append(Figure(figs.sobol_bars(idx, fig_dir / f"sobol_{metric}", metric)[0],
                             f"First-order and total Sobol indices of {metric}: the share of its "
                             "variance each parameter explains alone (S1) and with interactions (ST)."))
    return blocks


def _morris_blocks(results: Results, fig_dir: Path, seed: int, notes: list[str]) -> list[Block]:
    from simulation.analysis.sensitivity import morris_indices

    blocks: list[Block] = [Heading("Screening (Morris)", 3)]
    for metric in ("conversion_rate", "roi"):
        if metric not in results.runs:
            continue
        try:
            idx = morris_indices(results, metric, seed=seed)
        except ValueError as exc:
            notes.append(f"No Morris indices for {metric}: {exc}")
            continue
        blocks.append(Table(idx.map(fmt), f"Morris indices of {metric} (μ*: mean absolute "
                                          "elementary effect per unit-range step; σ: their spread)."))
        blocks.append(Figure(figs.morris_plot(idx, fig_dir / f"morris_{metric}", metric)[0],
                             f"Morris screening of {metric}: far right = influential, high = "
                             "non-linear or interacting."))
    return blocks


#: People in the network snapshot's small run.
SNAPSHOT_PEOPLE = 400


def _snapshot_point(results: Results) -> tuple[str, dict] | None:
    """The design point with the highest mean conversion: (name, its swept values)."""
    runs = results.runs
    if "conversion_rate" not in runs or runs.empty:
        return None
    best = int(runs.groupby("point")["conversion_rate"].mean().idxmax())
    for p in results.design.get("points", []):
        if int(p["point"]) == best:
            return results.point_name(best), dict(p.get("params", {}))
    return results.point_name(best), {}


def _network_snapshot(results: Results, fig_dir: Path, notes: list[str]) -> tuple[list[Path], str] | None:
    """Run the best point's scenario at ``SNAPSHOT_PEOPLE`` people and draw it (skipped if impossible).

    Returns the figure paths and the name of the point shown.
    """
    scenario = results.manifest.get("scenario")
    if not isinstance(scenario, dict):
        notes.append("No network snapshot: the manifest holds no base scenario.")
        return None
    name, params = _snapshot_point(results) or ("the base scenario", {})
    try:
        from simulation.analysis.snapshot import small_run
        from simulation.config.scenario import apply_overrides

        scenario = apply_overrides(scenario, params)
        graph, state = small_run(scenario, SNAPSHOT_PEOPLE, results.manifest.get("base_seed", 0))
    except Exception as exc:  # the snapshot is an illustration; never let it sink the report
        notes.append(f"No network snapshot: the small run failed ({type(exc).__name__}: {exc}).")
        return None
    return figs.network_snapshot(graph, state, fig_dir / "network"), name


def build_blocks(results: Results, fig_dir: Path, seed: int = 0) -> list[Block]:
    """All report blocks, in reading order (figures written to ``fig_dir``)."""
    m = results.manifest
    title = m.get("title") or Path(str(m.get("experiment_file", results.out_dir.name))).stem
    blocks: list[Block] = [Heading(f"socsim report: {title}", 1)]
    question = str(m.get("question") or "").strip()
    blocks += [Heading("Question"), Para(question or "(The experiment file states no question.)")]
    blocks += design_blocks(results)
    if results.runs.empty:
        blocks += [Heading("Results"), Para("No run finished successfully: nothing to analyse.")]
        blocks += _error_blocks(results) + _version_blocks(results)
        return blocks
    summary = summarize(results.runs, [k for k in KEY_METRICS if k in results.runs], seed=seed)
    table, note = points_table(results, summary)
    blocks += [Heading("Design points"),
               Table(table, "Mean over ok replications [95 % CI]: t interval; ROI is the ratio of "
                            f"means (BCa bootstrap interval with ≥ {MIN_BOOTSTRAP_N} replications, "
                            "delta-method t interval with fewer). conversion_rate = buyers / "
                            "population; t50 in days." + (" " + note if note else ""))]
    blocks += [Heading("Which point is best")]
    base = default_baseline(results)
    named = results.point_name(base).lower() in BASELINE_NAMES
    blocks.append(Para(f"Baseline: **{results.point_name(base)}** (point {base}"
                       + ("). " if named else "; no point is named 'baseline', so the first point "
                                              "serves as the reference). ")
                       + ("Comparisons are paired by replication (common random numbers)."
                          if results.crn else "Comparisons are unpaired (Welch), seeds independent.")))
    blocks += best_section(results, "conversion_rate", True, seed)
    blocks += best_section(results, "roi", True, seed)
    fig_blocks, notes = figure_blocks(results, fig_dir, seed)
    blocks += fig_blocks
    if notes:
        blocks.append(Para("\n".join(f"- {n}" for n in notes)))
    blocks += _error_blocks(results) + _version_blocks(results)
    return blocks


def _error_blocks(results: Results) -> list[Block]:
    if results.errors.empty:
        return [Heading("Run errors"), Para("None: every run finished.")]
    err = results.errors.copy()
    if "error" in err:
        err["error"] = err["error"].astype(str).str.slice(0, 200)
    shown = err.head(50)
    more = f" Showing 50 of {len(err)}." if len(err) > 50 else ""
    return [Heading("Run errors"),
            Para(f"{len(err)} run(s) failed and are left out of every statistic.{more}"),
            Table(shown)]


def _version_blocks(results: Results) -> list[Block]:
    m = results.manifest
    versions = m.get("versions") or {}
    rows = [{"package": k, "version": str(v)} for k, v in versions.items()]
    blocks: list[Block] = [Heading("Versions"), Para(f"git commit `{m.get('git_commit', '?')}`.")]
    if rows:
        blocks.append(Table(pd.DataFrame(rows)))
    return blocks


# -- rendering -------------------------------------------------------------------------

def _md_cell(x) -> str:
    return fmt(x).replace("|", "\\|").replace("\n", " ") if not isinstance(x, str) \
        else x.replace("|", "\\|").replace("\n", " ")


def render_markdown(blocks: list[Block], base: Path) -> str:
    """Markdown text; figures as relative links to their PNG from ``base``."""
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append("#" * b.level + " " + b.text)
        elif isinstance(b, Para):
            out.append(b.text)
        elif isinstance(b, Table):
            cols = list(b.frame.columns)
            lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
            for _, row in b.frame.iterrows():
                lines.append("| " + " | ".join(_md_cell(row[c]) for c in cols) + " |")
            if b.caption:
                lines.append("\n*" + b.caption + "*")
            out.append("\n".join(lines))
        elif isinstance(b, Figure):
            rel = os.path.relpath(b.png, base)
            out.append(f"![{b.caption}]({Path(rel).as_posix()})\n\n*{b.caption}*")
    return "\n\n".join(out) + "\n"


def _inline_md(text: str) -> str:
    """Escape text for HTML, then render the **bold** and `code` spans the report uses."""

    s = html.escape(text)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    return s.replace("\\*", "*")


def render_html(blocks: list[Block]) -> str:
    """A self-contained HTML page: styles inline, figures embedded as base64 PNG."""
    title = next((b.text for b in blocks if isinstance(b, Heading)), "socsim report")
    body = []
    for b in blocks:
        if isinstance(b, Heading):
            body.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            lines = b.text.split("\n")
            if all(line.startswith("- ") for line in lines):
                items = "".join(f"<li>{_inline_md(line[2:])}</li>" for line in lines)
                body.append(f"<ul>{items}</ul>")
            else:
                body.append("<p>" + "<br>".join(_inline_md(line) for line in lines) + "</p>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{html.escape(str(c))}</th>" for c in b.frame.columns)
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(_md_cell(v).replace(chr(92) + '|', '|'))}</td>"
                                            for v in row) + "</tr>"
                           for row in b.frame.itertuples(index=False))
            cap = f"<caption>{_inline_md(b.caption)}</caption>" if b.caption else ""
            body.append(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Figure):
            data = base64.b64encode(Path(b.png).read_bytes()).decode("ascii")
            body.append(f'<figure><img alt="{html.escape(b.caption)}" src="data:image/png;base64,{data}">'
                        f"<figcaption>{_inline_md(b.caption)}</figcaption></figure>")
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
             "color:#222;line-height:1.45}table{border-collapse:collapse;margin:1em 0;font-size:.85em}"
             "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}th{background:#f3f3f3}"
             "caption{caption-side:bottom;font-style:italic;text-align:left;padding-top:.3em}"
             "figure{margin:1.5em 0}img{max-width:100%}figcaption{font-style:italic;font-size:.9em}"
             "code{background:#f3f3f3;padding:0 .2em}")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{style}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def write_report(out_dir: Path | str, seed: int = 0) -> Path:
    """Write ``report.md``, ``report.html`` and ``figures/`` into a sweep's output directory.

    Parameters
    ----------
    out_dir : directory written by ``socsim sweep FILE --out DIR``.
    seed : seed of every bootstrap in the report (same seed, same numbers).

    Returns the path of ``report.md`` (``report.html`` and ``summary.csv`` — every metric's
    mean and 95 % CI per design point, long format — lie beside it). Each file is written
    to a temporary name and renamed, so a failure leaves any earlier report whole.
    """
    out_dir = Path(out_dir)
    results = labelled(load_results(out_dir))
    fig_dir = out_dir / "figures"
    blocks = build_blocks(results, fig_dir, seed)
    md = render_markdown(blocks, out_dir)
    page = render_html(blocks)
    table = summarize(results.runs, seed=seed).to_csv(index=False, float_format="%.6g")
    atomic_write(out_dir / "summary.csv", table)
    atomic_write(out_dir / "report.md", md)
    atomic_write(out_dir / "report.html", page)
    return out_dir / "report.md"
