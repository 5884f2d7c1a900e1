"""The ``socsim`` command: run, sweep, validate, report, demo, app.

Every user error (bad file, bad value, output directory in the way) is one line on
stderr and exit status 2, without a traceback.
"""
from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Sequence

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("socsim")
    except metadata.PackageNotFoundError:  # running from a source tree without install
        return "unknown"


def _whole_number(minimum: int, what: str):
    """An argparse type: an integer >= ``minimum``, errors naming ``what``."""

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what} (a whole number), got {text!r}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be >= {minimum}, got {n}")
        return n

    return parse


_workers = _whole_number(1, "workers")
_positive = _whole_number(1, "the value")
_seed = _whole_number(0, "the seed")


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line and exit status 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _common_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="output directory (default: results/<file stem>)")
    p.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
        help="override any key of the file, value as a TOML literal (repeatable)",
    )
    p.add_argument("--workers", type=_workers, default=None, help="parallel workers (default: all cores)")
    p.add_argument("--backend", choices=("local", "dask"), default="local", help="execution engine")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: a LocalCluster)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted sweep in --out")
    p.add_argument("--overwrite", action="store_true", help="replace earlier results in --out")
    p.add_argument("--chunk-size", type=_positive, default=None, help="runs per task (default: automatic)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    """Return the ``socsim`` argument parser."""
    parser = _Parser(
        prog="socsim",
        description="Agent-based simulator of social-commerce diffusion.",
        epilog="example: socsim sweep experiments/quick.toml --workers 2\n"
        "         socsim report results/quick",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"socsim {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    fmt = argparse.RawDescriptionHelpFormatter

    p = sub.add_parser(
        "run", formatter_class=fmt, help="run one scenario (replications only)",
        description="Run one scenario file (or 'default') for its replications and store the results.",
        epilog="example: socsim run default --replications 5 --set days=30 --out results/default",
    )
    p.add_argument("file", metavar="SCENARIO", help="scenario TOML file, or 'default'")
    p.add_argument("--replications", type=_positive, help="replications (overrides the file)")
    p.add_argument("--seed", type=_seed, help="base seed (overrides the file)")
    _common_run_options(p)

    p = sub.add_parser(
        "sweep", formatter_class=fmt, help="run an experiment file (a design over scenario parameters)",
        description="Run every design point x replication of an experiment file; resumable.",
        epilog="example: socsim sweep experiments/quick.toml --workers 2 --set sweep.replications=5\n"
        "         socsim sweep experiments/sensitivity.toml --backend dask --scheduler tcp://host:8786\n"
        "         socsim sweep experiments/quick.toml --resume   # after an interruption",
    )
    p.add_argument("file", metavar="FILE", help="experiment TOML file")
    _common_run_options(p)

    p = sub.add_parser(
        "validate", formatter_class=fmt, help="check an experiment or scenario file, run nothing",
        description="Validate a file (every design point's scenario included) and print the design size.",
        epilog="example: socsim validate experiments/sensitivity.toml --set sweep.samples=64",
    )
    p.add_argument("file", metavar="FILE", help="experiment or scenario TOML file")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                   help="override any key of the file (repeatable)")

    p = sub.add_parser(
        "report", formatter_class=fmt, help="write report.md and report.html for an output directory",
        description="Write the report (statistics, figures) of a sweep's output directory.",
        epilog="example: socsim report results/quick",
    )
    p.add_argument("dir", metavar="DIR", type=Path, help="output directory of socsim run/sweep")

    p = sub.add_parser(
        "demo", formatter_class=fmt, help="run the demonstration (four operation models) and its report",
        description="Run the embedded demonstration and write figures and a report.",
        epilog="example: socsim demo --out results/demo",
    )
    p.add_argument("--out", type=Path, default=Path("results/demo"), help="output directory")
    p.add_argument("--workers", type=_workers, default=None, help="local worker processes (default: all cores)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                   help="override a key of the demo experiment, e.g. sweep.replications=3 (repeatable)")

    p = sub.add_parser(
        "app", formatter_class=fmt, help="open the interactive browser app (Mesa SolaraViz)",
        description="Serve the interactive app with solara; open the printed address in a browser.",
        epilog="example: socsim app --port 8765",
    )
    p.add_argument("--port", type=_positive, default=8765, help="port to serve on")
    p.add_argument("--host", default="localhost", help="interface to listen on")
    return parser


class UserError(Exception):
    """An error to show as one line, exit status 2."""


def _describe(exp) -> str:
    d = exp.design
    lines = [f"{exp.path or 'default'}: ok"]
    if exp.title:
        lines.append(f"title: {exp.title}")
    if d.type == "scenarios":
        what = ", ".join(p.name for p in d.points)
        lines.append(f"design: scenarios, {len(d.points)} variants ({what})")
    elif d.columns:
        if d.type == "grid":
            axes = ", ".join(f"{c} ({len({repr(p.params[c]) for p in d.points})} values)" for c in d.columns)
        else:
            axes = ", ".join(d.columns)
        lines.append(f"design: {d.type}, {len(d.points)} points over {axes}")
    else:
        lines.append("design: a single scenario")
    crn = "common random numbers" if exp.crn else "independent seeds"
    lines.append(f"replications: {exp.replications} per point ({crn}), base seed {exp.seed}")
    lines.append(f"runs: {exp.n_runs}")
    return "\n".join(lines)


def _run(args, *, single: bool) -> int:
    from simulation.config.experiment import load_experiment
    from simulation.runner.sweep import run_experiment

    overrides = list(args.overrides)
    if single:
        if args.replications is not None:
            overrides.append(f"sweep.replications={args.replications}")
        if args.seed is not None:
            overrides.append(f"sweep.seed={args.seed}")
    exp = load_experiment(args.file, overrides, sweep_forbidden=single, sweep_required=not single)
    out = args.out or Path("results") / exp.stem
    if args.scheduler and args.backend != "dask":
        raise UserError("--scheduler needs --backend dask")
    outcome = run_experiment(
        exp, out, workers=args.workers, backend=args.backend, scheduler=args.scheduler,
        resume=args.resume, overwrite=args.overwrite, progress=not args.quiet,
        chunk_size=args.chunk_size,
    )
    if outcome.already_complete:
        print(f"{out}: already complete ({outcome.n_runs} runs)")
    else:
        note = f", {outcome.reused} reused from earlier parts" if outcome.reused else ""
        errs = f", {outcome.errors} failed (status 'error' in runs.parquet)" if outcome.errors else ""
        print(f"{out}: {outcome.n_runs} runs{note}{errs}")
    return 0


def _validate(args) -> int:
    from simulation.config.experiment import load_experiment

    print(_describe(load_experiment(args.file, args.overrides)))
    return 0


def _report(args) -> int:
    if not (args.dir / "manifest.json").is_file():
        raise UserError(f"{args.dir}: not a socsim output directory (no manifest.json)")
    try:
        from simulation.analysis.report import write_report
    except ImportError as e:
        raise UserError(f"report: the analysis package is not available ({e})") from None
    print(write_report(args.dir))
    return 0


def _demo(args) -> int:
    from simulation.demo import main as demo_main

    demo_main(args.out, workers=args.workers, overrides=tuple(args.overrides))
    return 0


def _app(args) -> int:
    import subprocess

    from simulation.app import app_path

    solara = Path(sys.executable).with_name("solara")
    cmd = [str(solara) if solara.exists() else "solara", "run", str(app_path()), "--host", args.host,
           "--port", str(args.port)]
    return subprocess.call(cmd)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``socsim``; returns the exit status."""
    from pydantic import ValidationError

    from simulation.config.experiment import ExperimentError
    from simulation.runner.storage import OutputDirError
    from simulation.runner.sweep import WorkerFailure

    args = build_parser().parse_args(argv)
    handlers = {
        "run": lambda a: _run(a, single=True),
        "sweep": lambda a: _run(a, single=False),
        "validate": _validate,
        "report": _report,
        "demo": _demo,
        "app": _app,
    }
    try:
        return handlers[args.command](args)
    except (UserError, ExperimentError, OutputDirError, ValidationError, tomllib.TOMLDecodeError) as e:
        msg = " ".join(str(e).split())
    except FileNotFoundError as e:
        msg = f"{e.filename or ''}: no such file".lstrip(": ")
    except OSError as e:
        msg = f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}"
    except WorkerFailure as e:
        print(f"socsim: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("socsim: interrupted; finished parts are kept (rerun with --resume)", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(f"socsim: error: {msg}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
