"""The ``socsim`` command: run, sweep, validate, report, demo, app, optimize, calibrate.

Every user error (bad file, bad value, output directory in the way or in use) is one
line on stderr naming the file (and line) or field, and exit status 2, without a
traceback (``--debug`` shows it). Messages go through ``logging`` (``-v`` / ``-q``).
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from typing import Sequence

EXIT_OK = 0
EXIT_RUNS_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

EXIT_CODES = f"""exit status:
  {EXIT_OK}    success
  {EXIT_RUNS_FAILED}    run/sweep: one or more runs failed (distinct errors printed with counts), or a worker died
  {EXIT_USAGE}    bad input: command line, config or graph file, output folder (in use, not empty), manifest, parts
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); finished parts are kept for --resume
  {EXIT_TERMINATED}  terminated (SIGTERM); finished parts are kept for --resume"""

log = logging.getLogger("socsim")


class Terminated(BaseException):
    """SIGTERM received: handled like Ctrl-C (a BaseException, so a run's error handler lets it through)."""


def _on_sigterm(signum, frame):  # noqa: ARG001 - signal API
    raise Terminated()


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


def _port(text: str) -> int:
    n = _whole_number(1, "the port")(text)
    if n > 65535:
        raise argparse.ArgumentTypeError(f"the port must be in 1-65535, got {n}")
    return n


def _host(text: str) -> str:
    if not text or any(not c.isprintable() or c.isspace() for c in text):
        raise argparse.ArgumentTypeError(f"not a host name or address: {text!r}")
    return text


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
    p.add_argument("--no-memory-check", dest="check_memory", action="store_false",
                   help="run even if the memory estimate exceeds the memory available")


def _log_options(p: argparse.ArgumentParser, top: bool = False) -> None:
    """-v / -q / --debug, accepted before or after the command."""
    d = {} if top else {"default": argparse.SUPPRESS}
    p.add_argument("-v", "--verbose", action="count", help="more messages (-vv: debug)", **({"default": 0} if top else d))
    p.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only, no progress bar",
                   **({"default": False} if top else d))
    p.add_argument("--debug", action="store_true", help="show the traceback of an error",
                   **({"default": False} if top else d))


def build_parser() -> argparse.ArgumentParser:
    """Return the ``socsim`` argument parser."""
    parser = _Parser(
        prog="socsim",
        description="Agent-based simulator of social-commerce diffusion.",
        epilog="example: socsim sweep experiments/quick.toml --workers 2\n"
        "         socsim report results/quick\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"socsim {_version()}")
    _log_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    fmt = argparse.RawDescriptionHelpFormatter

    p = sub.add_parser(
        "run", formatter_class=fmt, help="run one scenario (replications only)",
        description="Run one scenario file (or 'default') for its replications and store the results.",
        epilog="example: socsim run default --replications 5 --set days=30 --out results/default\n\n"
        + EXIT_CODES,
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
        "         socsim sweep experiments/quick.toml --resume   # after an interruption\n\n" + EXIT_CODES,
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
    p.add_argument("--no-memory-check", dest="check_memory", action="store_false",
                   help="do not refuse a run whose memory estimate exceeds the memory available")

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
    p.add_argument("--port", type=_port, default=8765, help="port to serve on (1-65535)")
    p.add_argument("--host", type=_host, default="localhost", help="interface to listen on")

    from simulation.optimize import command as optimize_command

    optimize_command.add_parser(sub)
    from simulation.calibration import command as calibrate_command

    calibrate_command.add_parser(sub)
    for name, action in sub.choices.items():
        _log_options(action)
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
    if exp.run_bytes:
        from simulation.config.preflight import describe_bytes

        lines.append(f"memory: about {describe_bytes(exp.run_bytes)} per run (one run per worker at a time)")
    return "\n".join(lines)


def _run(args, *, single: bool) -> int:
    import atexit
    import gc

    atexit.register(gc.freeze)  # skip the interpreter's final garbage collections (~0.3-1 s at exit)
    from simulation.config.experiment import load_experiment
    from simulation.runner.kernel_cache import compile_note
    from simulation.runner.sweep import run_experiment

    overrides = list(args.overrides)
    if single:
        if args.replications is not None:
            overrides.append(f"sweep.replications={args.replications}")
        if args.seed is not None:
            overrides.append(f"sweep.seed={args.seed}")
    if args.scheduler and args.backend != "dask":
        raise UserError("--scheduler needs --backend dask")
    exp = load_experiment(args.file, overrides, sweep_forbidden=single, sweep_required=not single,
                          check_memory=args.check_memory)
    out = args.out or Path("results") / exp.stem

    def announce() -> None:
        note = compile_note()
        if note:
            log.info("%s", note)

    outcome = run_experiment(
        exp, out, workers=args.workers, backend=args.backend, scheduler=args.scheduler,
        resume=args.resume, overwrite=args.overwrite, progress=not args.quiet,
        chunk_size=args.chunk_size, check_memory=args.check_memory, on_start=announce,
    )
    for path in outcome.corrupt:
        log.warning("%s was corrupted: moved to parts/corrupt/ and its runs run again", path)
    if outcome.already_complete:
        print(f"{out}: already complete ({outcome.n_runs} runs)")
    else:
        reused = f", {outcome.reused} reused from earlier parts" if outcome.reused else ""
        print(f"{out}: {outcome.n_runs} runs{reused}")
    if single and outcome.errors < outcome.n_runs:
        from simulation.runner.summary_table import metrics_table

        print(metrics_table(out / "runs.parquet"))
    if outcome.errors:
        what = "every run" if outcome.errors == outcome.n_runs else f"{outcome.errors} of {outcome.n_runs} runs"
        lines = [f"socsim: error: {what} failed (status 'error' in {out / 'runs.parquet'}):"]
        lines += [f"  {count} x {msg}" for msg, count in outcome.error_messages.items()]
        print("\n".join(lines), file=sys.stderr)
        return EXIT_RUNS_FAILED
    return EXIT_OK


def _validate(args) -> int:
    from simulation.config.experiment import load_experiment
    from simulation.optimize import command as optimize_command

    from simulation.calibration import command as calibrate_command

    for special in (optimize_command, calibrate_command):
        status = special.validate(args)  # None: not that kind of file
        if status is not None:
            return status

    exp = load_experiment(args.file, args.overrides, check_memory=args.check_memory)
    print(_describe(exp))
    return EXIT_OK


def _report(args) -> int:
    if not args.dir.is_dir():
        raise UserError(f"{args.dir}: no such directory")
    if not (args.dir / "manifest.json").is_file():
        raise UserError(f"{args.dir}: not a socsim output directory (no manifest.json)")
    try:
        from simulation.analysis.report import write_report
    except ImportError as e:
        raise UserError(f"report: the analysis package is not available ({e})") from None
    from simulation.runner.lock import FolderLock
    from simulation.runner.storage import OutputDir

    OutputDir(args.dir).read_manifest()  # a malformed manifest is refused before the folder is touched
    with FolderLock(args.dir, "report"):
        print(write_report(args.dir))
    return EXIT_OK


def _demo(args) -> int:
    from simulation.demo import main as demo_main

    demo_main(args.out, workers=args.workers, overrides=tuple(args.overrides))
    return 0


def _app(args) -> int:
    from simulation.app import serve

    return serve(args.host, args.port)


def _optimize(args) -> int:
    from simulation.optimize import command as optimize_command

    return optimize_command.main(args)


def _calibrate(args) -> int:
    from simulation.calibration import command as calibrate_command

    return calibrate_command.main(args)


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions caused by what the user gave: shown as one line, exit status 2."""
    from pydantic import ValidationError

    from simulation.config.experiment import ExperimentError
    from simulation.config.paths import PathError
    from simulation.config.preflight import PreflightError
    from simulation.config.toml import ConfigFileError
    from simulation.runner.lock import FolderLocked
    from simulation.runner.storage import OutputDirError

    out: list[type[BaseException]] = [
        UserError, ExperimentError, OutputDirError, ValidationError, ConfigFileError, PreflightError,
        PathError, FolderLocked,
    ]
    # only a loaded module can have raised its error: importing it here would import pandas
    load = sys.modules.get("simulation.analysis.load")
    if load is not None:
        out.append(load.ResultsError)
    return tuple(out)


def _setup_logging(args) -> None:
    level = logging.WARNING if args.quiet else (logging.DEBUG if args.verbose >= 2 else logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger("simulation")
    for lg in (root, log):
        lg.handlers[:] = [handler]
        lg.setLevel(level)
        lg.propagate = False


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        kind = "" if record.levelno < logging.WARNING else f"{record.levelname.lower()}: "
        return f"socsim: {kind}{record.getMessage()}"


def _one_line(e: BaseException) -> str:
    if isinstance(e, FileNotFoundError):
        return f"{e.filename or ''}: no such file".lstrip(": ")
    if isinstance(e, OSError):
        return f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}"
    return " ".join(str(e).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``socsim``; returns the exit status (see ``EXIT_CODES``)."""
    args = build_parser().parse_args(argv)
    for name, default in (("verbose", 0), ("quiet", False), ("debug", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    args.verbose = args.verbose or 0
    _setup_logging(args)
    if args.command == "sweep" and not args.scheduler:
        # first thing: the pool's fork server imports and warms up while this process imports and loads the file
        from simulation.runner.pool_context import start_early

        start_early(args.backend, args.workers, args.file, args.overrides)
    handlers = {
        "run": lambda a: _run(a, single=True),
        "sweep": lambda a: _run(a, single=False),
        "validate": _validate,
        "report": _report,
        "demo": _demo,
        "app": _app,
        "optimize": _optimize,
        "calibrate": _calibrate,
    }
    from simulation.runner.sweep import WorkerFailure

    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    try:
        return handlers[args.command](args)
    except (*_user_errors(), OSError) as e:  # evaluated once an exception arrives
        if args.debug:
            raise
        status, msg = EXIT_USAGE, _one_line(e)
    except WorkerFailure as e:
        if args.debug:
            raise
        status, msg = EXIT_RUNS_FAILED, _one_line(e)
    except KeyboardInterrupt:
        print("socsim: interrupted; finished parts are kept (rerun with --resume)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("socsim: terminated (SIGTERM); finished parts are kept (rerun with --resume)", file=sys.stderr)
        return EXIT_TERMINATED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(f"socsim: error: {msg}", file=sys.stderr)
    return status


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
