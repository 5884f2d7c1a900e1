"""CLI glue of ``socsim optimize CONFIG.toml --out DIR [--workers N] [--resume]``.

``simulation.cli`` wires it in two lines::

    from simulation.optimize import command as optimize_command
    optimize_command.add_parser(sub)            # in build_parser, with the other commands
    handlers["optimize"] = optimize_command.main  # in main

(``add_parser`` before the loop that gives every command -v / -q / --debug), and
``socsim validate`` learns optimisation files at the top of ``_validate``::

    status = optimize_command.validate(args)   # None: not an optimisation file
    if status is not None:
        return status

``main`` handles its own errors: a bad file, field or output folder is one line on
stderr naming it, exit status 2, before anything is written; Ctrl-C exits 130 with the
finished runs and trials kept for ``--resume``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _workers(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected workers (a whole number), got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"workers must be >= 1, got {n}")
    return n


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``optimize`` command to an argparse sub-parser collection; return its parser."""
    p = subparsers.add_parser(
        "optimize", formatter_class=argparse.RawDescriptionHelpFormatter,
        help="search the best plan: a KOL set under a budget (CELF) or levers (optuna)",
        description="Search a KOL subset (lazy greedy, CELF) or continuous / integer levers (optuna TPE, or "
        "NSGA-II for two objectives) on the simulated incremental objective with common random numbers; "
        "re-run the chosen plan on fresh seeds against the baseline and the best grid point.",
        epilog="example: socsim optimize experiments/optimize_incentives.toml --out results/opt --workers 2\n"
        "         socsim optimize experiments/optimize_incentives.toml --out results/opt --resume",
    )
    p.add_argument("file", metavar="CONFIG", help="optimisation TOML file (an [optimize] table)")
    p.add_argument("--out", type=Path, help="output directory (default: results/<file stem>)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                   help="override a key of the file, e.g. optimize.trials=20 or days=60 (repeatable)")
    p.add_argument("--workers", type=_workers, default=1, help="parallel worker processes (default 1)")
    p.add_argument("--backend", choices=("local", "dask"), default="local", help="execution engine")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: a LocalCluster)")
    p.add_argument("--resume", action="store_true", help="continue a killed optimisation in --out")
    return p


def _user_errors() -> tuple[type[BaseException], ...]:
    from pydantic import ValidationError

    from simulation.config.experiment import ExperimentError
    from simulation.config.preflight import PreflightError
    from simulation.optimize.config import OptimizeError
    from simulation.optimize.evaluate import RunFailed
    from simulation.runner.lock import FolderLocked

    return OptimizeError, ExperimentError, PreflightError, ValidationError, FolderLocked, RunFailed, OSError


def main(args: argparse.Namespace) -> int:
    """Run ``socsim optimize`` with parsed ``args``; return the exit status."""
    from simulation.optimize.config import OptimizeError, load_optimization
    from simulation.optimize.evaluate import RunFailed
    from simulation.optimize.run import optimize

    try:
        if args.scheduler and args.backend != "dask":
            raise OptimizeError("--scheduler needs --backend dask")
        opt = load_optimization(args.file, getattr(args, "overrides", ()))
        out = args.out or Path("results") / opt.stem
        outcome = optimize(opt, out, workers=args.workers, backend=args.backend, scheduler=args.scheduler,
                           resume=args.resume, progress=not getattr(args, "quiet", False))
    except KeyboardInterrupt:
        print("socsim: interrupted; finished runs and trials are kept (rerun with --resume)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _user_errors() as e:
        if getattr(args, "debug", False):
            raise
        msg = " ".join(str(e).split())
        print(f"socsim: error: {msg}", file=sys.stderr)
        return EXIT_FAILED if isinstance(e, RunFailed) else EXIT_USAGE
    o = opt.objectives[0]
    plan = outcome.comparison.evaluations["plan"].interval(o.metric)
    print(f"{outcome.out}: plan.toml, optimize.md ({outcome.evaluations} evaluations, "
          f"{outcome.runs_executed} runs executed)")
    print(f"plan on fresh seeds: {o.metric} {plan.estimate:,.1f} [{plan.low:,.1f}, {plan.high:,.1f}]")
    for name, diff in outcome.comparison.differences.items():
        d = diff[o.metric]
        print(f"plan - {name}: {d['diff']:,.1f} [{d['low']:,.1f}, {d['high']:,.1f}] (paired, 95 %)")
    return EXIT_OK


def is_optimization(path) -> bool:
    """True when ``path`` is a readable TOML file with an ``[optimize]`` table."""
    from simulation.config.toml import has_table

    return has_table(path, "optimize")


def describe(opt) -> str:
    """What ``socsim validate`` prints for an optimisation: the search, its seeds and its runs."""
    spec = opt.spec
    lines = [f"{opt.path}: ok", f"title: {opt.title}"]
    fresh = (3 if opt.grid_points else 2) * spec.validation_replications
    if spec.kols is not None:
        from simulation.optimize.kols import roster_rows

        n = len(roster_rows(opt))
        budget = spec.kols.budget if spec.kols.budget is not None else opt.base["kol"]["budget"]
        lines.append(f"search: KOL subset by lazy greedy (CELF, rule {spec.kols.rule}) over {n} roster KOLs, "
                     f"budget {budget:,.0f}")
        first = (n + 1) * spec.replications
        most = (1 + n * (n + 1) // 2) * spec.replications
        runs = f"{first} in the first greedy round, at most {most + fresh} in all"
    else:
        sampler = "TPE" if len(opt.objectives) == 1 else "NSGA-II"
        lines.append(f"search: optuna {sampler}, {spec.trials} trials in batches of {spec.batch} over "
                     + ", ".join(spec.levers))
        runs = f"at most {(spec.trials + len(opt.grid_points)) * spec.replications + fresh}"
    lines.append("objectives: " + ", ".join(f"{o.direction} {o.metric}" for o in opt.objectives))
    lines.append(f"replications: {spec.replications} per evaluation (common random numbers), "
                 f"{spec.validation_replications} fresh for the final comparison, seed {spec.seed}")
    if opt.grid_points:
        lines.append(f"grid: {len(opt.grid_points)} points")
    lines.append(f"runs: {runs} (each with its paired counterfactual)")
    return "\n".join(lines)


def validate(args: argparse.Namespace) -> int | None:
    """``socsim validate`` of an optimisation file: print ``describe``, return 0 (2 on a bad file).

    Returns None when ``args.file`` is not an optimisation file (the caller validates it as before).
    """
    from simulation.optimize.config import OptimizeError, load_optimization

    if not is_optimization(args.file):
        return None
    try:
        opt = load_optimization(args.file, getattr(args, "overrides", ()))
    except OptimizeError as e:
        print(f"socsim: error: {' '.join(str(e).split())}", file=sys.stderr)
        return EXIT_USAGE
    print(describe(opt))
    return EXIT_OK
