"""The ``socsim calibrate`` command: ``add_parser(subparsers)`` and ``main(args) -> int``.

Wiring into ``simulation.cli``: ``add_parser(sub)`` in ``build_parser`` and
``"calibrate": calibrate_main`` among the handlers (``main`` reports its own errors: one
line on stderr, exit status 2; Ctrl-C exits 130 with the optuna study kept for --resume).
"""
from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``calibrate`` sub-command to an argparse ``subparsers`` object and return its parser."""
    p = subparsers.add_parser(
        "calibrate", formatter_class=argparse.RawDescriptionHelpFormatter,
        help="fit scenario parameters to an observed sales series (optuna + pyabc)",
        description="Fit the parameters named in CONFIG's [calibrate] table to observed daily or weekly sales:\n"
                    "a point estimate (optuna), a posterior (pyabc ABC-SMC), a posterior predictive band with a\n"
                    "held-out check, and the fitted scenario as TOML.",
        epilog="example: socsim calibrate experiments/calibrate.toml --out results/calibrate\n"
               "         socsim calibrate my.toml --data sales.csv --set calibrate.point.trials=20\n"
               "         socsim calibrate experiments/calibrate.toml --resume   # after an interruption",
    )
    p.add_argument("file", metavar="CONFIG", help="calibration TOML file (a scenario plus [calibrate])")
    p.add_argument("--data", type=Path, help="observed data CSV (replaces calibrate.data.file)")
    p.add_argument("--out", type=Path, help="output directory (default: results/<config stem>)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                   help="override a key, e.g. calibrate.posterior.population_size=100 or days=60 (repeatable)")
    p.add_argument("--workers", type=int, default=1, help="worker processes for ABC and predictive runs (default 1)")
    p.add_argument("--backend", choices=("local", "dask"), default="local", help="execution engine")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: a LocalCluster)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted calibration in --out")
    p.add_argument("--overwrite", action="store_true", help="replace earlier results in --out")
    p.add_argument("--validate", action="store_true", help="check the config and data, run nothing")
    # -q / --quiet (no progress lines) comes with socsim's common -v / -q / --debug options
    return p


def main(args: argparse.Namespace) -> int:
    """Run ``socsim calibrate`` for parsed ``args``; returns the exit status."""
    from pydantic import ValidationError

    from .config import CalibrationError, load_calibration
    from .observed import DataError

    try:
        if args.workers < 1:
            raise CalibrationError(f"--workers must be >= 1, got {args.workers}")
        if args.scheduler and args.backend != "dask":
            raise CalibrationError("--scheduler needs --backend dask")
        cal = load_calibration(args.file, args.data, args.overrides)
        if args.validate:
            t = cal.table
            print(f"{args.file}: ok; {len(t.parameters)} parameters, {cal.observed.n_periods} {cal.observed.period}s "
                  f"of {', '.join(t.data.columns)}, fit on {t.data.fit_weeks} weeks")
            print(f"runs: point fit {t.point.trials} trials x {t.point.replications} replications = "
                  f"{t.point.trials * t.point.replications} simulations; posterior about "
                  f"{t.posterior.max_simulations} simulations (ABC-SMC, {t.posterior.population_size} particles, "
                  f"at most {t.posterior.generations} generations)")
            return 0
        from .run import calibrate

        out = args.out or Path("results") / Path(args.file).stem
        log = (lambda m: None) if args.quiet else (lambda m: print(f"calibrate: {m}", file=sys.stderr, flush=True))
        res = calibrate(cal, out, workers=args.workers, backend=args.backend, scheduler=args.scheduler,
                        resume=args.resume, overwrite=args.overwrite, log=log)
    except (CalibrationError, DataError, ValidationError, tomllib.TOMLDecodeError) as e:
        print(f"socsim: error: {' '.join(str(e).split())}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        print(f"socsim: error: {e.filename + ': ' if e.filename else ''}{e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("socsim: interrupted; the optuna study is kept (rerun with --resume)", file=sys.stderr)
        return EXIT_INTERRUPTED
    level = cal.table.predictive.level
    for name in cal.table.parameters:
        lo, hi = res.posterior.interval(name, level)
        print(f"{name}: point {res.point.params[name]:.4g}, posterior median {res.posterior.quantile(name, 0.5):.4g}, "
              f"{level:.0%} interval [{lo:.4g}, {hi:.4g}]")
    if res.band.held_out_weeks > 0:
        print(f"held-out coverage of the {level:.0%} band: {res.band.coverage():.0%} "
              f"({res.band.held_out_weeks} weeks x {len(cal.table.data.columns)} columns)")
    print(f"{res.out}: calibration.md, fitted.toml, posterior.parquet, predictive.png")
    return 0


def validate(args: argparse.Namespace) -> int | None:
    """``socsim validate`` of a calibration file (a ``[calibrate]`` table): check config and data.

    Returns None when ``args.file`` is not a calibration file (the caller validates it as before).
    """
    from simulation.config.toml import has_table

    if not has_table(args.file, "calibrate"):
        return None
    checked = argparse.Namespace(file=args.file, data=None, overrides=getattr(args, "overrides", []), workers=1,
                                 backend="local", scheduler=None, validate=True)
    return main(checked)
