"""The calibration file: a scenario plus a ``[calibrate]`` table, validated before anything runs.

Layout (every key of ``[calibrate]`` below; defaults in brackets)::

    # What does this calibration answer?   <- the opening comment is the question
    scenario = "default"                    # or a scenario file, or leave out: inline tables
    days = 84                               # inline scenario tables as in experiment files
    [graph] ...

    [calibrate]
    seed = 7                                # [0] one seed for everything that is random
    [calibrate.data]
    file = "data/launch_sales.csv"          # relative to this file; --data replaces it
    columns = ["purchases", "buyers"]       # [["purchases"]] observed columns used
    fit_weeks = 8                           # fit on weeks 1..8, hold out the rest
    [calibrate.parameters]                  # dotted scenario path -> prior
    "population.ties.scale" = { prior = "uniform", low = 0.2, high = 2.0 }
    "funnel.platform_rate" = { prior = "log_uniform", low = 1e-4, high = 1e-2 }
    "kol.credibility" = { prior = "normal", mean = 0.08, sd = 0.03, low = 0.0, high = 0.3 }
    [calibrate.point]                       # optuna point estimate
    loss = "poisson_deviance"               # [poisson_deviance] | squared_error
    column = "purchases"                    # [purchases] the column the loss is taken on
    trials = 80                             # [100]
    replications = 2                        # [2] common-random-number runs per trial
    [calibrate.posterior]                   # pyabc ABC-SMC
    population_size = 200                   # [200] particles per generation
    generations = 8                         # [8] at most
    max_simulations = 4000                  # [5000] stop after the generation passing it
    min_epsilon = 0.0                       # [0] stop once the threshold is below it
    [calibrate.predictive]
    draws = 100                             # [100] posterior predictive runs
    level = 0.9                             # [0.9] central band (and credible intervals)

Priors: ``uniform`` and ``log_uniform`` on [low, high]; ``normal`` with mean and sd,
truncated to [low, high] when given. Parameters must be continuous scenario fields; each
is checked against the scenario schema at its bounds (and midpoint) now, so a bad path
or a bound the schema refuses fails before any simulation, naming
``calibrate.parameters.<path>``.
"""
from __future__ import annotations

import copy
import hashlib
import json
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Sequence

from pydantic import Field, ValidationError, model_validator

from simulation.config.base import Strict

from .observed import OBSERVABLES, MONEY, ObservedSeries, read_series

#: Keys of the calibration file that are not scenario keys.
OWN_KEYS = ("calibrate",)


class CalibrationError(ValueError):
    """The calibration file, a ``--set`` override or the data is invalid; the message names the field."""


class Prior(Strict):
    """A parameter's prior (see the module docstring)."""

    prior: Literal["uniform", "log_uniform", "normal"] = "uniform"
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, gt=0.0)

    @model_validator(mode="after")
    def _consistent(self):
        for k in ("low", "high", "mean", "sd"):
            v = getattr(self, k)
            if v is not None and not math.isfinite(v):
                raise ValueError(f"{k}: must be finite, got {v}")
        if self.prior in ("uniform", "log_uniform"):
            if self.low is None or self.high is None:
                raise ValueError(f"a {self.prior} prior needs low and high")
            if self.mean is not None or self.sd is not None:
                raise ValueError(f"a {self.prior} prior takes low and high only (mean/sd are for 'normal')")
            if self.prior == "log_uniform" and self.low <= 0:
                raise ValueError(f"low: a log_uniform prior needs low > 0, got {self.low}")
        else:
            if self.mean is None or self.sd is None:
                raise ValueError("a normal prior needs mean and sd")
        lo, hi = self.bounds
        if not lo < hi:
            raise ValueError(f"low ({lo}) must be below high ({hi})")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        """The support searched by the point fit: [low, high], a normal's mean +- 4 sd cut to them."""
        if self.prior != "normal":
            return float(self.low), float(self.high)
        lo, hi = self.mean - 4 * self.sd, self.mean + 4 * self.sd
        return (max(lo, self.low) if self.low is not None else lo, min(hi, self.high) if self.high is not None else hi)


class DataSpec(Strict):
    """The observed data: file, columns and the fit window."""

    file: str | None = None
    columns: list[str] = Field(default_factory=lambda: ["purchases"], min_length=1)
    fit_weeks: int = Field(ge=1)

    @model_validator(mode="after")
    def _columns(self):
        for c in self.columns:
            if c not in OBSERVABLES:
                raise ValueError(f"columns: {c!r} is not an observable series; known: {', '.join(OBSERVABLES)}")
        if len(set(self.columns)) != len(self.columns):
            raise ValueError("columns: listed twice")
        return self


class PointSpec(Strict):
    """The optuna point estimate: loss, its column, trials and common-random-number replications."""

    loss: Literal["poisson_deviance", "squared_error"] = "poisson_deviance"
    column: str = "purchases"
    trials: int = Field(100, ge=1, le=1_000_000)
    replications: int = Field(2, ge=1, le=1000)


class PosteriorSpec(Strict):
    """The pyabc ABC-SMC budget."""

    population_size: int = Field(200, ge=10, le=1_000_000)
    generations: int = Field(8, ge=1, le=1000)
    max_simulations: int = Field(5000, ge=10)
    min_epsilon: float = Field(0.0, ge=0.0)


class PredictiveSpec(Strict):
    """The posterior predictive check."""

    draws: int = Field(100, ge=2, le=100_000)
    level: float = Field(0.9, gt=0.0, lt=1.0)


class CalibrateTable(Strict):
    """The ``[calibrate]`` table."""

    seed: int = Field(0, ge=0, le=2**63 - 1)
    data: DataSpec
    parameters: dict[str, Prior] = Field(min_length=1)
    point: PointSpec = Field(default_factory=PointSpec)
    posterior: PosteriorSpec = Field(default_factory=PosteriorSpec)
    predictive: PredictiveSpec = Field(default_factory=PredictiveSpec)

    @model_validator(mode="after")
    def _point_column(self):
        if self.point.column not in self.data.columns:
            raise ValueError(f"point.column: {self.point.column!r} is not one of data.columns {self.data.columns}")
        if self.point.loss == "poisson_deviance" and self.point.column in MONEY:
            raise ValueError(f"point.loss: the Poisson deviance needs a count column, {self.point.column!r} is money "
                             "(use loss = \"squared_error\")")
        return self


@dataclass(frozen=True)
class Calibration:
    """A validated calibration: the base scenario (plain data), the table, the observed series.

    base : the base scenario as plain data (``load_scenario(base)`` validates it);
    base_dir : folder its relative files are read from; table : the ``[calibrate]``
    table; observed : the whole data series; path / question : the file and its opening
    comment; fingerprint : hash of everything that decides the outputs (resume check).
    """

    base: dict
    base_dir: str | None
    table: CalibrateTable
    observed: ObservedSeries
    path: Path | None = None
    question: str = ""

    @property
    def fit(self) -> ObservedSeries:
        """The fit window of the data."""
        return self.observed.head(self.table.data.fit_weeks)

    @property
    def fingerprint(self) -> str:
        doc = {"base": self.base, "table": self.table.model_dump(mode="json"), "data": self.observed.sha256}
        doc["table"]["data"].pop("file", None)
        return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _format(err: ValidationError, prefix: str) -> str:
    msgs = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"] if not str(p).startswith("function-"))
        msg = e["msg"].removeprefix("Value error, ")
        if re.match(r"^[\w.]+: ", msg):  # our validators name the sub-field first
            msgs.append(f"{prefix}{loc + '.' if loc else ''}{msg}")
        else:
            msgs.append(f"{prefix}{loc}: {msg}" if loc else f"{prefix.rstrip('.')}: {msg}")
    return "; ".join(msgs)


def _read_toml(path: Path) -> tuple[dict, str]:
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        raise CalibrationError(f"{path}: no such file") from None
    except OSError as e:
        raise CalibrationError(f"{path}: cannot read ({e.strerror or e})") from None
    except UnicodeDecodeError as e:
        raise CalibrationError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)$", str(e))
        where = f"{path}:{m.group(1)}" if m else str(path)
        raise CalibrationError(f"{where}: invalid TOML: {str(e)[:m.start()].strip() if m else e}") from None


def _set_override(raw: dict, segments: list[str], value: Any, text: str) -> None:
    node = raw
    for seg in segments[:-1]:
        nxt = node.setdefault(seg, {})
        if not isinstance(nxt, dict):
            raise CalibrationError(f"--set {text!r}: {seg} is a value, not a table")
        node = nxt
    node[segments[-1]] = value


def _check_parameter(base: dict, path: str, prior: Prior) -> None:
    """Validate the scenario with the parameter at its bounds and midpoint; errors name the parameter."""
    from simulation.config.scenario import load_scenario

    lo, hi = prior.bounds
    for value in (lo, hi, 0.5 * (lo + hi)):
        try:
            load_scenario(base, {path: float(value)})
        except ValidationError as e:
            first = e.errors()[0]
            what = first["msg"].removeprefix("Value error, ")
            if first["type"] == "int_from_float":
                what = "a whole-number field; only continuous parameters can be calibrated"
            raise CalibrationError(f"calibrate.parameters.{path}: at {value:g}: {what}") from None
        except (ValueError, KeyError, IndexError, TypeError) as e:
            msg = re.sub(r"^override '[^']*': ", "", str(e))
            raise CalibrationError(f"calibrate.parameters.{path}: {msg}") from None


@dataclass(frozen=True)
class Spec:
    """A validated calibration file before its data is read (see ``Calibration`` for the fields)."""

    base: dict
    base_dir: str | None
    table: CalibrateTable
    path: Path | None
    question: str
    folder: Path


def load_spec(source: str | Path | dict, overrides: Sequence[str] = ()) -> Spec:
    """Load and validate a calibration file without reading its data (``load_calibration`` does both)."""
    from simulation.config.experiment import ExperimentError, load_experiment, opening_comment, parse_override
    from simulation.config.scenario import load_scenario

    path: Path | None = None
    text = ""
    if isinstance(source, dict):
        raw = copy.deepcopy(source)
    else:
        path = Path(source)
        raw, text = _read_toml(path)
    folder = path.resolve().parent if path else Path.cwd()
    scenario_overrides = []
    try:
        for item in overrides:
            segments, value = parse_override(item)
            if segments[0] in OWN_KEYS:
                _set_override(raw, segments, value, item)
            else:
                scenario_overrides.append(item)
    except ExperimentError as e:
        raise CalibrationError(str(e)) from None
    table_raw = raw.pop("calibrate", None)
    if table_raw is None:
        raise CalibrationError(f"calibrate: {path or 'the file'} has no [calibrate] table")
    if not isinstance(table_raw, dict):
        raise CalibrationError(f"calibrate: expected a table, got {table_raw!r}")
    ref = raw.get("scenario")
    if isinstance(ref, str) and ref != "default" and not Path(ref).is_absolute():
        raw["scenario"] = str(folder / ref)
    try:
        exp = load_experiment(raw, scenario_overrides, sweep_forbidden=True)
    except ExperimentError as e:
        raise CalibrationError(str(e)) from None
    base_dir = exp.base_dir or str(folder)
    base = exp.base.model_dump(mode="json", exclude_computed_fields=True)
    try:
        table = CalibrateTable.model_validate(table_raw)
    except ValidationError as e:
        raise CalibrationError(_format(e, "calibrate.")) from None
    for p, prior in table.parameters.items():
        if p.split(".")[0] in ("days", "seed", "replications", "graph"):
            raise CalibrationError(f"calibrate.parameters.{p}: {p.split('.')[0]!r} cannot be calibrated "
                                   "(the horizon, seeds and graph are fixed by the data and the run)")
        _check_parameter(base, p, prior)
    load_scenario(base)
    return Spec(base, base_dir, table, path, opening_comment(text), folder)


def load_calibration(
    source: str | Path | dict,
    data: str | Path | None = None,
    overrides: Sequence[str] = (),
) -> Calibration:
    """Load and validate a calibration file and read its data; writes nothing.

    source : the TOML file (or its parsed dict); data : the data file, replacing
    ``calibrate.data.file`` (a relative path is taken from the working directory);
    overrides : ``dotted.path=value`` strings (``calibrate.point.trials=10``, ``days=60``).
    Raises ``CalibrationError`` (or ``DataError``) as one line naming the field or file:line.
    """
    spec = load_spec(source, overrides)
    table, folder = spec.table, spec.folder
    if data is not None:
        data_path = Path(data)
    elif table.data.file is not None:
        data_path = folder / table.data.file
    else:
        raise CalibrationError("calibrate.data.file: no data file (give one here or with --data)")
    observed = read_series(data_path, table.data.columns)
    weeks = -(-observed.days // 7)
    if table.data.fit_weeks > weeks:
        raise CalibrationError(f"calibrate.data.fit_weeks: {table.data.fit_weeks} weeks, but {data_path} "
                               f"holds {observed.n_periods} {observed.period}s ({weeks} weeks)")
    return Calibration(spec.base, spec.base_dir, table, observed, spec.path, spec.question)
