"""calibration.md: the question, the data, the estimates with intervals, the held-out check."""
from __future__ import annotations

import math

from .config import Calibration
from .point import PointEstimate
from .posterior import PosteriorResult
from .predictive import PredictiveBand


def _g(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.4g}"


def parameter_rows(cal: Calibration, point: PointEstimate, post: PosteriorResult,
                   truth: dict[str, float] | None = None) -> list[dict]:
    """Per parameter: prior, point estimate, posterior median and credible interval (and truth if known)."""
    level = cal.table.predictive.level
    rows = []
    for name, prior in cal.table.parameters.items():
        lo, hi = post.interval(name, level)
        row = {"parameter": name, "prior": prior.prior, "bounds": prior.bounds, "point": point.params[name],
               "median": post.quantile(name, 0.5), "low": lo, "high": hi}
        if truth and name in truth:
            row["truth"] = truth[name]
        rows.append(row)
    return rows


def calibration_markdown(cal: Calibration, point: PointEstimate, post: PosteriorResult, band: PredictiveBand,
                         truth: dict[str, float] | None = None) -> str:
    """The summary report as Markdown."""
    t = cal.table
    level = t.predictive.level
    obs = cal.observed
    lines = ["# Calibration", ""]
    if cal.question:
        lines += ["> " + line if line else ">" for line in cal.question.splitlines()] + [""]
    lines += [
        f"Data: `{obs.path.name if obs.path else 'in memory'}`, {obs.n_periods} {obs.period}s"
        f"{f' ({obs.days} days)' if obs.period != 'day' else ''}, columns {', '.join(t.data.columns)}; fitted on weeks 1-{t.data.fit_weeks}, "
        f"weeks {t.data.fit_weeks + 1}-{-(-obs.days // 7)} held out." if band.held_out_weeks > 0 else
        f"Data: `{obs.path.name if obs.path else 'in memory'}`, {obs.n_periods} {obs.period}s, all used for the fit "
        "(no held-out weeks).",
        "",
        f"Point estimate: optuna TPE, {point.trials} trials, loss = {t.point.loss.replace('_', ' ')} of "
        f"{t.point.column} per {obs.period} against the mean of {t.point.replications} common-random-number "
        f"runs; best loss {point.loss:.4g}.",
        f"Posterior: pyabc ABC-SMC, {post.generations} generations of {t.posterior.population_size} particles, "
        f"{post.simulations} simulations, final threshold {post.epsilons[-1]:.3g} "
        "(adaptive 2-norm on square roots of weekly totals).",
        "",
        f"| parameter | prior | point estimate | posterior median | {level:.0%} credible interval |"
        + (" truth |" if truth else ""),
        "|---|---|---|---|---|" + ("---|" if truth else ""),
    ]
    for r in parameter_rows(cal, point, post, truth):
        b = r["bounds"]
        lines.append(f"| `{r['parameter']}` | {r['prior']} [{_g(b[0])}, {_g(b[1])}] | {_g(r['point'])} | "
                     f"{_g(r['median'])} | [{_g(r['low'])}, {_g(r['high'])}] |"
                     + (f" {_g(r.get('truth'))} |" if truth else ""))
    lines += ["", "## Held-out check", ""]
    if band.held_out_weeks > 0:
        lines.append(f"Share of held-out weekly observations inside the {level:.0%} posterior predictive band "
                     f"(expected about {level:.0%}):")
        lines.append("")
        for col in t.data.columns:
            rows = band.table[(band.table["column"] == col) & band.table["held_out"]]
            lines.append(f"- {col}: {int(rows['inside'].sum())} of {len(rows)} weeks "
                         f"({rows['inside'].mean():.0%})")
    else:
        lines.append("No held-out weeks (fit_weeks covers the whole series).")
    fit_cov = band.coverage(held_out=False)
    lines += ["", f"In the fit window the band holds {fit_cov:.0%} of the weekly observations.", "",
              "Files: `posterior.parquet` (last ABC population, weights), `predictive.parquet` (the band), "
              "`predictive.png`, `fitted.toml` (the scenario at the point estimate; `socsim run fitted.toml`), "
              "`study.journal` (optuna), `abc.db` (pyabc history).", ""]
    return "\n".join(lines)
