"""Run a calibration into an output folder: point fit, posterior, predictive check, files.

Folder layout::

    DIR/calibration.json   manifest: what was fitted (fingerprint), versions, finished
    DIR/study.journal      optuna study (resumable)
    DIR/abc.db             pyabc history (SQLite)
    DIR/posterior.parquet  last ABC population: one column per parameter, weight
    DIR/predictive.parquet weekly band per column, observed values, held-out flags
    DIR/predictive.png     the band figure
    DIR/fitted.toml        the scenario at the point estimate (``socsim run`` accepts it)
    DIR/calibration.md     the summary

A non-empty folder is used only with ``resume`` (same calibration: the optuna study
continues where it stopped, the later stages are recomputed — they are deterministic)
or ``overwrite`` (our files are replaced; other files are left alone).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

from simulation.atomic import atomic_write

from .config import Calibration, CalibrationError
from .model import ScenarioModel
from .point import PointEstimate, fit_point
from .posterior import PosteriorResult, fit_posterior
from .predictive import PredictiveBand, predictive_band

MANIFEST = "calibration.json"
FILES = (MANIFEST, "study.journal", "study.journal.lock", "abc.db", "posterior.parquet", "predictive.parquet",
         "predictive.png", "fitted.toml", "calibration.md")


@dataclass(frozen=True)
class CalibrationOutcome:
    """What a calibration produced (the files are in ``out``)."""

    out: Path
    point: PointEstimate
    posterior: PosteriorResult
    band: PredictiveBand
    #: stage -> (wall seconds, simulations run) for "point", "posterior", "predictive"
    stages: dict[str, tuple[float, int]]


def _versions() -> dict:
    from importlib import metadata

    out = {}
    for pkg in ("socsim", "pyabc", "optuna", "numpy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def prepare_folder(out: Path, fingerprint: str, *, resume: bool, overwrite: bool) -> None:
    """Check (before writing anything) and create the output folder; raises ``CalibrationError``."""
    if resume and overwrite:
        raise CalibrationError("--resume and --overwrite exclude each other")
    if out.exists() and not out.is_dir():
        raise CalibrationError(f"{out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if overwrite:
            for name in FILES:
                (out / name).unlink(missing_ok=True)
        elif not resume:
            raise CalibrationError(f"{out}: not empty; pass --resume to continue the calibration there "
                                   "or --overwrite to replace its results")
        else:
            try:
                old = json.loads((out / MANIFEST).read_text())
            except (OSError, ValueError):
                raise CalibrationError(f"{out}: no readable {MANIFEST}; nothing to resume") from None
            if old.get("fingerprint") != fingerprint:
                raise CalibrationError(f"{out}: cannot resume: the calibration recorded there differs (config, "
                                       "overrides or data); use --overwrite or another --out")
    out.mkdir(parents=True, exist_ok=True)


def _manifest(cal: Calibration, finished: bool, stages: dict | None = None) -> str:
    doc = {"stages": {k: {"seconds": round(v[0], 3), "simulations": v[1]} for k, v in (stages or {}).items()},"fingerprint": cal.fingerprint, "config": str(cal.path) if cal.path else None,
           "data": str(cal.observed.path) if cal.observed.path else None, "data_sha256": cal.observed.sha256,
           "calibrate": cal.table.model_dump(mode="json"), "versions": _versions(), "finished": finished}
    return json.dumps(doc, indent=2, sort_keys=True)


def calibrate(
    cal: Calibration,
    out: str | Path,
    *,
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    log: Callable[[str], None] = lambda msg: None,
) -> CalibrationOutcome:
    """Fit ``cal`` and write the folder ``out`` (layout in the module docstring).

    workers / backend / scheduler : where ABC particles and predictive runs execute
    (``simulation.runner.executors``); the results do not depend on them.
    log : receives one line per stage.
    """
    from simulation.runner.executors import make_executor

    from .sampler import ordered_map

    out = Path(out)
    prepare_folder(out, cal.fingerprint, resume=resume, overwrite=overwrite)
    atomic_write(out / MANIFEST, _manifest(cal, finished=False))
    t = cal.table
    model = ScenarioModel(cal.base, cal.base_dir, t.data.columns, cal.observed.period)
    fit = cal.fit

    stages: dict[str, tuple[float, int]] = {}
    t0 = time.perf_counter()
    point = fit_point(model, t.parameters, fit.values, column=t.point.column, loss=t.point.loss,
                      trials=t.point.trials, replications=t.point.replications, seed=t.seed,
                      study_path=out / "study.journal",
                      progress=lambda d, n: log(f"point fit: {d}/{n} trials") if d in (0, n) else None)
    stages["point"] = (time.perf_counter() - t0, point.ran * t.point.replications)
    with make_executor(backend, workers, scheduler) as ex:
        map_ = None if (backend == "local" and workers == 1) else ordered_map(ex)
        log(f"posterior: ABC-SMC, {t.posterior.population_size} particles x <= {t.posterior.generations} generations")
        t0 = time.perf_counter()
        post = fit_posterior(model, t.parameters, fit.values, fit.period,
                             population_size=t.posterior.population_size, generations=t.posterior.generations,
                             max_simulations=t.posterior.max_simulations, min_epsilon=t.posterior.min_epsilon,
                             seed=t.seed, db_path=out / "abc.db", map_=map_, chunks=workers)
        stages["posterior"] = (time.perf_counter() - t0, post.simulations)
        log(f"posterior: {post.generations} generations, {post.simulations} simulations")
        t0 = time.perf_counter()
        band = predictive_band(model, post, cal.observed, fit_weeks=t.data.fit_weeks, draws=t.predictive.draws,
                               level=t.predictive.level, seed=t.seed, map_=map_ or map)
        stages["predictive"] = (time.perf_counter() - t0, t.predictive.draws)
    write_outputs(cal, out, point, post, band)
    atomic_write(out / MANIFEST, _manifest(cal, finished=True, stages=stages))
    return CalibrationOutcome(out, point, post, band, stages)


def write_outputs(cal: Calibration, out: Path, point: PointEstimate, post: PosteriorResult,
                  band: PredictiveBand) -> None:
    """Write the Parquet tables, the figure, the fitted scenario and calibration.md."""
    from .figure import predictive_figure, save_figure
    from .fitted import fitted_toml
    from .report import calibration_markdown, parameter_rows

    atomic_write(out / "posterior.parquet",
                 lambda p: pq.write_table(pa.Table.from_pandas(post.samples, preserve_index=False), p))
    atomic_write(out / "predictive.parquet",
                 lambda p: pq.write_table(pa.Table.from_pandas(band.table, preserve_index=False), p))
    title = cal.path.name if cal.path else "calibration"
    save_figure(predictive_figure(band, f"{title}: posterior predictive check"), out / "predictive.png")
    level = cal.table.predictive.level
    header = [f"Fitted by socsim calibrate from {cal.path.name if cal.path else 'a calibration'} "
              f"and {cal.observed.path.name if cal.observed.path else 'in-memory data'}: point estimate (optuna).",
              f"Posterior median and {level:.0%} credible interval (pyabc ABC-SMC):"]
    for r in parameter_rows(cal, point, post):
        header.append(f"  {r['parameter']} = {r['point']:.6g}   (median {r['median']:.4g}, "
                      f"interval [{r['low']:.4g}, {r['high']:.4g}])")
    atomic_write(out / "fitted.toml", fitted_toml(cal.base, point.params, cal.base_dir, header))
    atomic_write(out / "calibration.md", calibration_markdown(cal, point, post, band))
