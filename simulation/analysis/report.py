"""One-page report of a sweep: ``report.md`` and a self-contained ``report.html``.

The report is built once as a list of blocks (headings, paragraphs, tables, figures)
and rendered twice through the jinja2 templates in ``analysis/templates/``: Markdown that
links ``figures/*.png``, and HTML with every figure embedded as base64 PNG (no external
asset, so the file can be mailed or archived). It opens with the answer: a summary with
the question, the best option and its effect against the baseline with its interval, the
return on spend, the best-returning KOL tier, and what the sweep could not resolve. Then
the design, the points with means and CIs, the best point for the headline metrics
(paired under common random numbers), which KOLs pay for themselves (when the sweep wrote
``kols.parquet``; statistics in ``analysis.kols``), every figure that applies to the
design, run errors, versions. Text that comes
from the user (title, question, point names) is escaped in both renderings.
"""
from __future__ import annotations

import base64
import copy
import dataclasses
import html
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from simulation.analysis import figures as figs
from simulation.analysis import kols as kol_stats
from simulation.analysis.platform_report import platform_blocks
from simulation.analysis import segment_report
from simulation.atomic import atomic_write
from simulation.analysis.load import METRIC_UNITS, Results, load_results, return_metrics
from simulation.analysis.stats import (MIN_BOOTSTRAP_N, Best, Comparison, best_point, cell_value, metric_interval,
                                       summarize)

#: Metrics of the points table, in column order (those present in the runs; the spend,
#: profit and return columns are the headline ones, ``load.return_metrics``).
KEY_METRICS = ("conversion_rate", "buyers", "revenue", "spend", "profit", "incremental_profit",
               "roi", "incremental_roi", "t50")

#: Where the report's jinja2 templates live (package data).
TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Most rows in the points table; larger designs show the best by conversion.
MAX_TABLE_ROWS = 25

#: Point names taken as the baseline, in order of preference (else point 0).
BASELINE_NAMES = ("baseline", "base", "control", "none", "default")


@dataclass
class Heading:
    """A heading; ``text`` is plain text (escaped when rendered)."""

    text: str
    level: int = 2
    kind = "heading"


@dataclass
class Para:
    """A paragraph of the report's small Markdown (bold, code, '- ' bullets); user text in it
    is already escaped (``md_escape``). ``summary`` marks the opening summary."""

    text: str
    summary: bool = False
    kind = "para"

    @property
    def lines(self) -> list[str]:
        """The lines, without bullet marks when every line is a bullet."""
        lines = self.text.split("\n")
        return [ln[2:] for ln in lines] if self.bullets else lines

    @property
    def bullets(self) -> bool:
        """True when every line is a '- ' bullet."""
        return all(ln.startswith("- ") for ln in self.text.split("\n"))


@dataclass
class Table:
    """A table of plain cell values (numbers formatted by ``fmt``)."""

    frame: pd.DataFrame
    caption: str = ""
    kind = "table"

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    @property
    def rows(self) -> list[list[str]]:
        return [[_cell_text(v) for v in row] for row in self.frame.itertuples(index=False)]


@dataclass
class Figure:
    """A figure (its PNG) with a caption in the report's small Markdown."""

    png: Path
    caption: str
    kind = "figure"


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


def fmt_ci(mean: float, low: float, high: float, digits: int = 4) -> str:
    """'mean [low, high]' with ``digits`` significant digits (just the mean when the CI is undefined)."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return fmt(mean, digits)
    return f"{fmt(mean, digits)} [{fmt(low, digits)}, {fmt(high, digits)}]"


#: Characters that carry meaning in Markdown (or start raw HTML in it).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!&~])")


def md_escape(text) -> str:
    """User text made inert in Markdown: specials backslash-escaped, line breaks as spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def split_question(text) -> tuple[str, str]:
    """(the question, the setup after it): an experiment file's opening comment cut after its first '?'.

    The summary quotes the question alone; the design section carries the rest (population,
    levers, replications), so the answer is not buried under the setup.
    """
    text = " ".join(str(text or "").split())
    head, mark, rest = text.partition("?")
    return (head + mark, rest.strip()) if mark and rest.strip() else (text, "")


def _cell_text(x) -> str:
    return " ".join(fmt(x).split()) if not isinstance(x, str) else " ".join(x.split())


def default_baseline(results: Results):
    """The point named like a baseline (``BASELINE_NAMES``), else point 0 if it ran."""
    names = results.runs.drop_duplicates("point").set_index("point")["point_name"].astype(str)
    lowered = {v.lower(): k for k, v in names.items()}
    for name in BASELINE_NAMES:
        if name in lowered:
            return int(lowered[name])
    return int(names.index.min()) if len(names) else None


def point_labels(results: Results) -> dict[int, str]:
    """Readable names for grid points named ``p<i>``: 'kol.count=5, operations.relationship.referral_reward=2.5'.

    Each swept parameter keeps its full dotted path (a bare 'count' is ambiguous). Named
    points (scenarios) and sampled designs (too many, values unrounded) keep their names.
    """
    pts = results.points
    if results.design_type != "grid" or not results.swept:
        return {}
    keys = list(results.swept)
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
                               errors=relabel(results.errors),
                               kols=None if results.kols is None else relabel(results.kols))


def points_table(results: Results, summary: pd.DataFrame,
                 columns: tuple[str, ...] = KEY_METRICS) -> tuple[pd.DataFrame, str]:
    """Design points with parameter values and 'mean [95 % CI]' of ``columns`` (the key metrics)."""
    metrics = [m for m in columns if m in set(summary["metric"])]
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
    # a scenario's settings are in the Design section's scenario table: repeating them here
    # (lists and dicts spelled out) would push the metrics off the page
    # (likewise a grid point's name that spells its swept values: 'kol.count=5')
    names = [str(pts["name"].get(p, "")) if "name" in pts else "" for p in shown]
    spelled = bool(results.swept) and all(f"{k}=" in n for n in names for k in results.swept)
    swept = [] if results.design_type == "scenarios" or spelled else results.swept
    rows = []
    for p in shown:
        row = {"point": int(p), "name": str(pts["name"].get(p, p)) if "name" in pts else str(p)}
        for param in swept:
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
    return f"**{label}:** {md_escape(c.sentence())} " + "; ".join(extra) + "."


def best_section(results: Results, metric: str, maximize: bool, seed: int) -> list[Block]:
    """Blocks naming the best point for ``metric``, vs runner-up and baseline."""
    ret = return_metrics(results.runs.columns)
    title = {"conversion_rate": "Best point for conversion", ret.ratio: f"Best point for return on spend ({metric})",
             ret.profit: f"Best point for {metric}"}.get(metric, metric)
    blocks: list[Block] = [Heading(title, 3)]
    if metric not in results.runs or results.runs[metric].notna().sum() == 0:
        blocks.append(Para(f"No run reports a finite {metric}."))
        return blocks
    if metric == ret.ratio and results.runs.get(ret.spend, pd.Series(dtype=float)).fillna(0).sum() <= 0:
        blocks.append(Para(f"No point spends anything, so {metric} is undefined."))
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
    blocks.append(Para(f"**{md_escape(best.name)}** (point {best.point}) has the highest {metric}: "
                       f"{fmt_ci(iv.estimate, iv.low, iv.high)} {unit} "
                       f"({how}, {iv.n} replications)."))
    # the runner-up may be the baseline itself: then one comparison says both
    same = (best.runner_up is not None and best.vs_baseline is not None
            and best.runner_up.b == best.vs_baseline.b)
    if best.runner_up is not None:
        title = "Against the runner-up, which is the baseline" if same else "Against the runner-up"
        blocks.append(Para(_comparison_text(title, best.runner_up)))
    if best.vs_baseline is not None and not same:
        blocks.append(Para(_comparison_text("Against the baseline", best.vs_baseline)))
    elif base == best.point:
        blocks.append(Para("The best point is the baseline itself."))
    else:
        blocks.append(Para(f"No comparison with the baseline ({md_escape(results.point_name(base))}): its "
                           f"{metric} is undefined or has too few replications"
                           + (" (it spends nothing)." if metric == ret.ratio else ".")))
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
    setup = split_question(m.get("question"))[1]
    lines = ([f"- **Setup:** {md_escape(setup)}"] if setup else []) + [
        f"- **Design:** `{results.design_type}`, {len(results.points)} points × "
        f"{m.get('replications', '?')} replication(s) = {m.get('n_runs', len(results.all_runs))} runs "
        f"({n_ok} ok, {n_err} failed).",
        f"- **Seeds:** base seed {m.get('base_seed', '?')}; common random numbers {crn}.",
        f"- **Experiment file:** {md_escape(m.get('experiment_file', '?'))} (sha256 "
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
        many = runs["point"].nunique() > figs.OVERLAY_MAX
        add(figs.adoption_curves(ts, runs, fig_dir / "adoption", reference=default_baseline(results)),
            "Cumulative buyers as a share of the population, day by day: the line is the mean "
            "over replications, the band its 95 % t interval"
            + (" (one small panel per point on shared axes, the baseline's mean dashed in each)." if many else "."))
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
        add(figs.main_effects(runs, shown, fig_dir / "main_effects",
                              metrics=("conversion_rate", return_metrics(runs.columns).ratio)),
            "Main effects: mean conversion and return on spend against each swept parameter, other "
            "parameters and replications pooled (band: 95 % interval — t for means, and for the "
            "return the ratio of means with its bootstrap or delta-method interval)."
            + (" The four parameters most rank-correlated with conversion are shown." if len(numeric) > 4 else ""))
    if len(numeric) >= 2:
        if len(numeric) > 3:  # heatmaps for the pairs among the three most influential
            numeric = influence_order(runs, numeric)
        pairs = [(numeric[i], numeric[j]) for i in range(len(numeric)) for j in range(i + 1, len(numeric))]
        for k, (x, y) in enumerate(pairs[:3]):
            add(figs.heatmap(runs, x, y, fig_dir / f"heatmap_{k}",
                             metrics=("conversion_rate", return_metrics(runs.columns).ratio)),
                f"Mean conversion and ROI over {x} × {y} (other parameters and replications pooled; "
                "ROI as ratio of means per cell).")
        if len(pairs) > 3:
            notes.append(f"{len(pairs) - 3} further parameter pairs have no heatmap (shown: the pairs "
                         "among the three parameters most rank-correlated with conversion).")
    else:
        notes.append("No heatmap: it needs at least two swept numeric parameters "
                     "(a grid, lhs, sobol or morris design).")
    ret = return_metrics(runs.columns)
    if ret.spend in runs and "revenue" in runs and (runs[ret.spend] > 0).any():
        add(figs.roi_vs_spend(runs, fig_dir / "roi_vs_spend", seed=seed),
            f"Left: {ret.ratio} (ratio of means, 95 % CI) against mean spend per run; circled "
            f"points form the efficient frontier (no cheaper point has a higher {ret.ratio}). Right: "
            + (f"{ret.profit}" if ret.profit in runs else "net return (revenue − spend)")
            + " against spend; circled points are the best return available at each budget.")
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
    ret = return_metrics(results.runs.columns)
    if ret.profit not in results.runs and {"revenue", ret.spend} <= set(results.runs):
        results = dataclasses.replace(results, runs=results.runs.assign(
            profit=results.runs["revenue"] - results.runs[ret.spend]))
    for metric in ("conversion_rate", ret.ratio, ret.profit):
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
    for metric in ("conversion_rate", return_metrics(results.runs.columns).ratio):
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


#: Most design points with KOLs shown in the KOL section; beyond, the best point and the baseline.
MAX_KOL_POINTS = 8

#: Most KOLs ranked per design point (by-KOL view), and most rows in the KOL figure.
MAX_KOL_ROWS = 15
MAX_KOL_FIGURE_ROWS = 40


@dataclass
class KolView:
    """The KOL section's numbers: which points, by KOL or by tier, and the return tables.

    ``by`` is ``"kol"`` when every replication of a point lists the same KOLs, else
    ``"tier"``; ``tiers`` is the per-tier table (``kols.kol_returns``) of the ``points``
    shown, ``ranked`` the per-KOL one (None when ``by == "tier"``); ``n_points`` counts
    the points with KOLs.
    """

    by: str
    points: list[int]
    n_points: int
    tiers: pd.DataFrame
    ranked: pd.DataFrame | None


def kol_view(results: Results, seed: int = 0) -> KolView | None:
    """The KOL section's numbers, or None when the sweep has no per-KOL rows."""
    kols, runs = results.kols, results.runs
    if kols is None or kols.empty or runs.empty:
        return None
    with_kols = sorted(int(p) for p in kols["point"].unique())
    shown = with_kols
    if len(with_kols) > MAX_KOL_POINTS:
        metric = _headline(results)
        means = runs[runs["point"].isin(with_kols)].groupby("point")[metric].mean().dropna()
        best = int(means.idxmax()) if len(means) else with_kols[0]
        shown = sorted({best} | ({default_baseline(results)} & set(with_kols)))
    kols = kols[kols["point"].isin(shown)]
    by = "kol" if kol_stats.fixed_roster(kols, runs) else "tier"
    tiers = kol_stats.kol_returns(kols, runs, "tier", seed=seed)
    ranked = kol_stats.kol_returns(kols, runs, "kol", seed=seed) if by == "kol" else None
    return KolView(by, shown, len(with_kols), tiers, ranked)


def _kol_table(table: pd.DataFrame, by: str, several: bool) -> pd.DataFrame:
    """Display rows of a ``kol_returns`` table: means per run and return per fee [95 % CI]."""
    rows = []
    for _, r in table.iterrows():
        row = {"point": r["point_name"]} if several else {}
        if by == "kol":
            row.update({"rank": r["rank"], "KOL": r["label"], "tier": r["tier"], "followers": r["followers"]})
        else:
            row.update({"tier": r["label"], "KOLs / run": r["kols"], "runs with tier": f"{r['n_present']}/{r['n']}",
                        "followers / KOL": r["followers"]})
        if "platform" in table and (table["platform"] != "").any():  # the KOLs' host platform, when declared
            row["platform"] = r["platform"]
        row["fees"] = r["fees"]
        for amount in ("purchases", "revenue", "profit"):  # last touch / first touch, side by side
            row[f"{amount} last / root"] = f"{fmt(r[f'{amount}_last'])} / {fmt(r[f'{amount}_root'])}"
        for touch in kol_stats.TOUCHES:
            row[f"return per fee, {touch}"] = fmt_ci(r[f"return_{touch}"], r[f"return_{touch}_low"],
                                                     r[f"return_{touch}_high"], 3)
        rows.append(row)
    return pd.DataFrame(rows)


def kol_blocks(results: Results, view: KolView, fig_dir: Path) -> list[Block]:
    """The section "Which KOLs pay for themselves": how read, per-tier table, ranking, figure."""
    several = len(view.points) > 1
    names = ", ".join(f"**{md_escape(results.point_name(p))}**" for p in view.points)
    if view.n_points > len(view.points):
        which = (f"Shown: {names}, the best point by {_headline(results)} and the baseline among the "
                 f"{view.n_points} points with KOLs; every run's rows are in kols.parquet.")
    else:
        which = f"Points with KOLs: {names}."
    how = ("Every replication of a point lists the same KOLs (same roster entry, node and audience), so "
           "each KOL is ranked on its own." if view.by == "kol" else
           "Which people are KOLs differs between replications (a strategy applied to a graph drawn anew "
           "per replication, or a random pick), so a KOL's index names a different person in each run: "
           + ("KOLs are summed per run instead (the roster has no tiers)." if _untiered(view) else
              "KOLs are summed per tier and run instead (a tier absent from a run counts as zero), and tiers "
              "are ranked."))
    ret = return_metrics(results.runs.columns)
    plan = ("The plan's incremental profit, against the paired run of the same market without marketing, "
            "is in the summary." if ret.incremental else
            "This sweep holds no paired run without marketing, so not even the plan's incremental profit "
            "is known.")
    blocks: list[Block] = [
        Heading("Which KOLs pay for themselves"),
        Para(f"Return per fee = attributed profit / fees, profit = revenue − unit cost × purchases − fees, as a "
             f"ratio of means over replications: above 0 a KOL pays for itself, −1 means no attributed sale. "
             f"**Last touch** credits the KOL whose post triggered the purchase; **first touch (root)** the KOL "
             f"whose post started the chain of friend shares that led to it. {how} {which}"),
        Para(f"These numbers are attribution, not incremental effects: a purchase credited to a KOL may have "
             f"happened without them, and no run leaves one KOL out. {plan}"),
    ]
    total, missing = kol_stats.uncredited(results.kols[results.kols["point"].isin(view.points)],
                                          results.runs[results.runs["point"].isin(view.points)])
    if np.isfinite(missing) and abs(missing) > 1e-9:
        blocks.append(Para(f"Check: the runs count {fmt(total)} purchases per run (mean) whose last touch was a KOL "
                           f"post, but the per-KOL rows credit {fmt(total - missing)}: {fmt(missing)} per run are "
                           f"credited to no KOL, so last-touch purchases, revenue and returns below are understated "
                           f"by that much."))
    interval = (f"95 % interval over replications: delta-method t with fewer than {MIN_BOOTSTRAP_N}, BCa "
                f"bootstrap from {MIN_BOOTSTRAP_N}; none when the KOL or tier appears in one run only"
                + ("; – where the KOL was paid no post fee, so return per fee is undefined (a KOL booked for "
                   "something else, such as a live session, sells and is paid under that operation model)"
                   if (view.tiers["fees"] <= 0).any() else ""))
    blocks.append(Table(_kol_table(view.tiers, "tier", several),
                        f"Per tier and point, best last-touch return first: means per run (fees, revenue and "
                        f"profit in currency), return per fee [{interval}]."))
    if view.ranked is not None:
        ranked = view.ranked.assign(rank=view.ranked.groupby("point").cumcount() + 1)
        top = ranked[ranked["rank"] <= MAX_KOL_ROWS]
        left = len(ranked) - len(top)
        blocks.append(Table(_kol_table(top, "kol", several),
                            f"KOLs ranked by last-touch return per fee, first touch beside: means per run "
                            f"[{interval}]." + (f" Showing the top {MAX_KOL_ROWS} per point ({left} more in "
                                                f"kols.parquet)." if left else "")))
        drawn, what = top, "KOL"
    else:
        drawn, what = view.tiers, "point" if _untiered(view) else "tier"
    if len(drawn) > MAX_KOL_FIGURE_ROWS:
        drawn = drawn.groupby("point", group_keys=False).head(max(1, MAX_KOL_FIGURE_ROWS // len(view.points)))
    png = figs.kol_returns(drawn.reset_index(drop=True), fig_dir / "kol_returns", what)[0]
    blocks.append(Figure(png, f"Return per fee by {what}: attributed profit per unit of fee, last touch (filled "
                              f"circles) and first touch (open squares), with 95 % intervals over replications; "
                              f"right of the dashed line the KOLs pay for themselves."))
    return blocks


def _untiered(view: KolView) -> bool:
    """True when no KOL of the points shown has a tier."""
    return bool((view.tiers["label"] == kol_stats.NO_TIER).all())


def _best_tier_line(results: Results, view: KolView) -> str | None:
    """The summary's sentence on the best-returning KOL tier (None without fees)."""
    best = kol_stats.best_return(view.tiers)
    if best is None:
        return None
    place = md_escape(best["point_name"])
    several = len(view.points) > 1
    if _untiered(view):  # no tiers: the KOLs of a point together
        who = "- **Best KOL return** (the roster has no tiers)" + (f": the KOLs of **{place}**," if several else ":")
        subject, rest = "they", "no point's KOLs do"
    else:
        who = f"- **Best-returning KOL tier:** **{md_escape(best['label'])}**" + (f" at **{place}**," if several else ",")
        subject, rest = "it", "no tier does"
    if best["return_last_low"] > 0:
        pays = "pay for themselves" if subject == "they" else "pays for itself"
    elif best["return_last"] > 0:
        pays = ("may pay for themselves" if subject == "they" else "may pay for itself") + " (the interval includes 0)"
    else:
        pays = ("do not pay for themselves" if subject == "they" else "does not pay for itself") + \
            ("" if (view.tiers["return_last"] > 0).any() else f", and {rest} on last-touch attribution")
    return (f"{who} return per fee "
            f"{fmt_ci(best['return_last'], best['return_last_low'], best['return_last_high'], 3)} last touch, "
            f"{fmt_ci(best['return_root'], best['return_root_low'], best['return_root_high'], 3)} first touch "
            f"(attribution, not incremental); {subject} {pays}.")


def build_blocks(results: Results, fig_dir: Path, seed: int = 0) -> list[Block]:
    """All report blocks, in reading order (figures written to ``fig_dir``)."""
    m = results.manifest
    title = m.get("title") or Path(str(m.get("experiment_file", results.out_dir.name))).stem
    blocks: list[Block] = [Heading(f"socsim report: {' '.join(str(title).split())}", 1)]
    if results.runs.empty:
        question = " ".join(str(m.get("question") or "").split())
        blocks += [Heading("Question"), Para(md_escape(question) or "(The experiment file states no question.)")]
        blocks += design_blocks(results)
        blocks += [Heading("Results"), Para("No run finished successfully: nothing to analyse.")]
        blocks += _error_blocks(results) + _version_blocks(results)
        return blocks
    view = kol_view(results, seed)
    blocks += summary_blocks(results, seed, view)
    blocks += design_blocks(results)
    summary = summarize(results.runs, [k for k in KEY_METRICS if k in results.runs], seed=seed)
    table, note = points_table(results, summary)
    ret = return_metrics(results.runs.columns)
    blocks += [Heading("Design points"),
               Table(table, f"Mean over ok replications [95 % CI]: t interval; {ret.ratio} is the ratio of "
                            f"means (BCa bootstrap interval with ≥ {MIN_BOOTSTRAP_N} replications, "
                            "delta-method t interval with fewer). conversion_rate = buyers / "
                            "population; t50 in days." + (" " + note if note else ""))]
    if results.runs["point"].nunique() > 1:
        blocks += [Heading("Which point is best")]
        base = default_baseline(results)
        named = results.point_name(base).lower() in BASELINE_NAMES
        blocks.append(Para(f"Baseline: **{md_escape(results.point_name(base))}** (point {base}"
                           + ("). " if named else "; no point is named 'baseline', so the first point "
                                                  "serves as the reference). ")
                           + ("Comparisons are paired by replication (common random numbers)."
                              if results.crn else "Comparisons are unpaired (Welch), seeds independent.")))
        blocks += best_section(results, "conversion_rate", True, seed)
        if ret.profit in results.runs:
            blocks += best_section(results, ret.profit, True, seed)
        blocks += best_section(results, ret.ratio, True, seed)
    # the sections of the mechanics the experiment is about (its operation models, platforms,
    # products) answer its question: they come before the generic per-segment breakdown
    blocks += operation_blocks(results, seed)
    blocks += platform_blocks(results, fig_dir, seed)
    blocks += market_blocks(results, fig_dir, seed)
    blocks += segment_blocks(results, seed, fig_dir)
    if view is not None:
        blocks += kol_blocks(results, view, fig_dir)
    fig_blocks, notes = figure_blocks(results, fig_dir, seed)
    blocks += fig_blocks
    if notes:
        blocks.append(Para("\n".join(f"- {n}" for n in notes)))
    blocks += _error_blocks(results) + _version_blocks(results)
    return blocks


def segment_blocks(results: Results, seed: int = 0, fig_dir: Path | None = None) -> list[Block]:
    """The price elasticity, per-segment, per-profile and purchase-frequency parts (``analysis.segment_report``)."""
    blocks: list[Block] = []
    for section in segment_report.sections(results, fmt_ci, seed, fig_dir, default_baseline(results)):
        blocks.append(Heading(section.title))
        blocks += [Para(text) for text in section.paragraphs]
        blocks += [Table(frame, caption) for frame, caption in section.tables]
        blocks += [Figure(png, caption) for png, caption in section.figures]
    return blocks


def operation_blocks(results: Results, seed: int = 0) -> list[Block]:
    """One section per operation model that declares readouts and was on in some run.

    Built from the registry (``simulation.operations.REGISTRY``): a model's ``metrics``
    (with their values when it is off) decide whether and what it shows, so a newly
    registered model gets its section without an edit here.
    """
    from simulation.operations import REGISTRY

    runs = results.runs
    blocks: list[Block] = []
    for name, op in REGISTRY.items():
        cols = [m for m in op.metrics if m in runs]
        if not cols:
            continue
        off = pd.Series({m: op.metrics[m] for m in cols})
        values = runs[cols].astype(float)
        # on in some run: a readout that differs from its value when the model is off
        on = ((values != off) & ~(values.isna() & off.isna())).any(axis=None)
        if not on:
            continue
        table, note = points_table(results, summarize(runs, cols, seed=seed), tuple(cols))
        blocks += [Heading(f"Operation model: {op.label}", 3),
                   Table(table, f"Readouts `{name}` declares (mean over ok replications [95 % CI]; "
                                f"{', '.join(cols)})." + (" " + note if note else ""))]
    if blocks:
        blocks.insert(0, Heading("Operation models' own readouts"))
    return blocks


def market_blocks(results: Results, fig_dir: Path, seed: int = 0) -> list[Block]:
    """The market section (``simulation.market``): brand totals, one table per product, shares over time.

    Shown when the runs carry per-product readouts (``market_share@<product>`` columns).
    """
    from simulation.analysis.market import BRAND_METRICS, product_columns, product_names
    from simulation.analysis.market_figures import market_share_over_time

    runs = results.runs
    names = product_names(runs.columns)
    if not names:
        return []
    blocks: list[Block] = [
        Heading("Market: products and rival"),
        Para(f"Products: {', '.join(f'`{md_escape(p)}`' for p in names)} (ours first). A product's "
             "market_share is its share of buyers (a person who bought two products counts for both, so "
             "shares add up to 1), purchase_share its share of purchases, voice_share its share of "
             "exposures; brand_* add up our products; the increments are over the counterfactual in "
             "which our levers are off and the rival keeps its own.")]
    brand = tuple(m for m in BRAND_METRICS if m in runs)
    if brand:
        table, note = points_table(results, summarize(runs, list(brand), seed=seed), brand)
        blocks.append(Table(table, "Brand totals, mean over ok replications [95 % CI]." + (" " + note if note else "")))
    for p in names:
        cols = tuple(product_columns(runs.columns, p))
        table, note = points_table(results, summarize(runs, list(cols), seed=seed), cols)
        table = table.drop(columns=[c for c in results.swept if c in table])  # the brand table shows them
        table.columns = [str(c).split("@", 1)[0] for c in table.columns]
        caption = f"`{md_escape(p)}`: mean over ok replications [95 % CI]." + (" " + note if note else "")
        blocks += [Heading(f"Product {p}", 3), Table(table, caption)]
    ts = results.timeseries
    if not ts.empty and any(str(c).startswith("market_share@") for c in ts.columns):
        paths = market_share_over_time(ts, fig_dir / "market_share")
        blocks.append(Figure(paths[0], "Each product's cumulative share of buyers over time (mean over "
                                       "replications; days before any purchase are left blank)."))
    return blocks


def _headline(results: Results) -> str:
    """The metric the summary ranks options by: the headline profit when runs report it."""
    ret = return_metrics(results.runs.columns)
    if ret.profit in results.runs and np.isfinite(results.runs[ret.profit].to_numpy(float)).any():
        return ret.profit
    return "conversion_rate"


def summary_blocks(results: Results, seed: int = 0, kols: KolView | None = None) -> list[Block]:
    """The answer first: question, best option with its effect against the baseline and its
    interval, return on spend, the best-returning KOL tier (with ``kols``), and what the
    sweep could not resolve."""
    m = results.manifest
    runs = results.runs
    ret = return_metrics(runs.columns)
    question, setup = split_question(m.get("question"))
    lines = [f"- **Question:** {md_escape(question) if question else '(the experiment file states none)'}"
             + (" (the setup is under Design)" if setup else "")]
    metric = _headline(results)
    unit = METRIC_UNITS.get(metric, "")
    base = default_baseline(results)

    def ratio_text(rows: pd.DataFrame, who: str) -> str:
        if ret.spend not in rows or rows[ret.spend].mean() <= 0:
            return f"- **Return on spend:** {who} spends nothing, so it has no return on spend."
        iv = metric_interval(rows, ret.ratio, seed=seed)
        return (f"- **Return on spend** ({ret.ratio} = {ret.ratio_label}) of {who}: "
                f"{fmt_ci(iv.estimate, iv.low, iv.high)} (ratio of means, 95 % CI).")

    if runs["point"].nunique() == 1:
        iv = metric_interval(runs, metric, seed=seed)
        name = md_escape(results.point_name(int(runs["point"].iloc[0])))
        lines.append(f"- **Result** (one scenario, **{name}**): {metric} {fmt_ci(iv.estimate, iv.low, iv.high)} "
                     f"{unit} (mean, 95 % CI over {iv.n} replications).")
        lines.append(ratio_text(runs, "this scenario"))
        lines.append("- **Not resolved:** a single scenario has nothing to compare against; sweep the "
                     "levers (or add a baseline scenario) to learn what changes the outcome.")
    else:
        try:
            best = best_point(runs, metric, baseline=base, paired=results.crn, seed=seed)
        except ValueError as exc:
            lines.append(f"- **Best option:** not determined ({md_escape(exc)}).")
            return [Heading("Summary"), Para("\n".join(lines), summary=True)]
        iv, vs = best.interval, best.vs_baseline
        text = (f"- **Best option: {md_escape(best.name)}**, {metric} {fmt_ci(iv.estimate, iv.low, iv.high)} "
                f"{unit}")
        if vs is not None:
            text += (f"; against {md_escape(vs.b)} (the baseline): {'+' if vs.diff >= 0 else ''}{fmt(vs.diff)} "
                     f"(95 % CI {fmt(vs.low)} to {fmt(vs.high)}, two-sided, {vs.method})"
                     + ("." if vs.conclusive else ", an interval that includes zero: not a sure gain."))
        elif best.point == base:
            text += ": the baseline itself — no option beats it on this metric."
        else:
            text += "."
        lines.append(text)
        lines.append(ratio_text(runs[runs["point"] == best.point], md_escape(best.name)))
        open_items = []
        if best.runner_up is not None and not best.runner_up.conclusive:
            open_items.append(f"whether {md_escape(best.name)} or {md_escape(best.runner_up.b)} is better on "
                              f"{metric} (their difference's 95 % interval includes zero)")
        if vs is not None and not vs.conclusive:
            open_items.append("whether the best option beats the baseline at all")
        if results.runs["point"].nunique() > 20:
            open_items.append("how much of the winner's lead is luck among many points (winner's curse)")
        lines.append("- **Not resolved:** " + ("; ".join(open_items) + ". More replications narrow the "
                                               "intervals." if open_items else
                                               "nothing at the 95 % level on the headline metric."))
    tier_line = _best_tier_line(results, kols) if kols is not None else None
    if tier_line:  # before "Not resolved", which closes the answer
        lines.insert(len(lines) - 1, tier_line)
    if not ret.incremental:
        lines.append(f"- Return is measured as {metric if metric == ret.profit else ret.ratio} against no "
                     "spending at all, not against a paired run of the same market without marketing "
                     "(these results hold no incremental columns).")
    return [Heading("Summary"), Para("\n".join(lines), summary=True)]


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


# -- rendering ---------------------------------------------------------------------------

def _inline_md(text: str) -> Markup:
    """The report's small Markdown as HTML: **bold**, `code`, backslash escapes; all else escaped."""
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(1))
        return f"\x00{len(kept) - 1}\x00"

    s = re.sub(r"\\(.)", keep, str(text))
    s = html.escape(s)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    s = re.sub("\x00(\\d+)\x00", lambda m: html.escape(kept[int(m.group(1))]), s)
    return Markup(s)


def _plain(text: str) -> str:
    """Caption text without markup (for alt text)."""
    return re.sub(r"\\(.)", r"\1", str(text).replace("**", "").replace("`", ""))


def _environment(base: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), keep_trailing_newline=True,
                             autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",),
                                                                 default_for_string=False, default=False),
                             undefined=jinja2.StrictUndefined)
    env.filters.update(
        inline_md=_inline_md, plain=_plain, md_escape=md_escape,
        data_uri=lambda png: "data:image/png;base64," + base64.b64encode(Path(png).read_bytes()).decode("ascii"),
        relpath=lambda png: Path(os.path.relpath(png, base)).as_posix() if base else str(png))
    return env


def render_markdown(blocks: list[Block], base: Path) -> str:
    """Markdown text (``templates/report.md.j2``); figures as relative links to their PNG from ``base``."""
    text = _environment(base).get_template("report.md.j2").render(blocks=blocks)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_html(blocks: list[Block]) -> str:
    """A self-contained HTML page (``templates/report.html.j2``): styles inline, figures as base64 PNG."""
    title = next((b.text for b in blocks if isinstance(b, Heading)), "socsim report")
    return _environment().get_template("report.html.j2").render(blocks=blocks, title=title)


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
