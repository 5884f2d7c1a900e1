"""Optimisation files: a base scenario plus an ``[optimize]`` table, all validated before anything runs.

An optimisation file is an experiment file whose ``[sweep]`` is replaced by
``[optimize]``: ``scenario = "default" | "path.toml"`` and inline scenario tables give
the base scenario exactly as for ``socsim sweep`` (``simulation.config.experiment``).
``[optimize]`` holds:

* ``objectives``: one or two summary metrics to maximise (``incremental_profit``,
  ``incremental_buyers``, ...; a leading ``-`` minimises, e.g. ``"-spend"``); two give a
  Pareto front (NSGA-II).
* ``replications`` per evaluation (common random numbers: replication r of every
  candidate runs on the same seed, the runner's ``run_seed(seed, r)``), ``seed``,
  ``validation_replications`` (the chosen plan, the baseline and the best grid point are
  re-run on the fresh replications ``replications .. replications + validation - 1``).
* ``trials`` (optuna evaluations), ``batch`` (trials asked together and run in parallel;
  part of the design, so results never depend on ``--workers``), ``startup_trials``
  (TPE's random start), ``population`` (NSGA-II's population size).
* ``max_spend``: constraint, mean ``spend`` of a plan (currency) at most this.
* ``[optimize.kols]``: choose a subset of the scenario's ``kol.roster`` under ``budget``
  (planned fees, default ``kol.budget``) by lazy greedy (CELF): ``rule = "both"``
  (unit-gain and gain-per-fee greedy, the better kept; Leskovec et al. 2007),
  ``"gain"`` or ``"gain_per_fee"``.
* ``[optimize.levers]``: dotted scenario path -> ``{low, high[, step][, log]}`` (integers
  when low and high are integers) or ``{choices = [...]}``; searched by optuna (TPE for
  one objective, NSGA-II for two).
* ``[optimize.grid]``: optional dotted path -> list of values; every grid point is run
  on the search replications and the best one is compared with the optimised plan.

``load_optimization`` raises ``OptimizeError`` (one line naming the field) on any problem
and writes nothing.
"""
from __future__ import annotations

import copy
import hashlib
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, ValidationError, field_validator, model_validator

from simulation.config.base import Money, Strict
from simulation.config.experiment import (
    Experiment, ExperimentError, _format_validation, apply_paths, first_sentence, load_experiment, opening_comment,
    scenario_dict,
)
from simulation.config.paths import flatten_paths
from simulation.config.sweep import MAX_SEED
from simulation.config.toml import ConfigFileError, read_toml_bytes, unreadable

#: Summary metrics an objective may name (the engine's run summary with its paired counterfactual).
METRICS = (
    "incremental_profit", "incremental_buyers", "incremental_revenue", "incremental_roi",
    "profit", "revenue", "buyers", "spend", "purchases",
)
#: Largest design this command accepts (evaluations x replications).
MAX_RUNS = 1_000_000


class OptimizeError(ValueError):
    """An optimisation file is invalid; the message names the field."""


class Lever(Strict):
    """A searched scenario value: a ``{low, high}`` range (``step``, ``log``) or a list of ``choices``."""

    low: float | int | None = None
    high: float | int | None = None
    step: float | int | None = Field(None, gt=0)
    log: StrictBool = False
    choices: list[Any] | None = None

    @field_validator("low", "high", "step", mode="before")
    @classmethod
    def _number(cls, v: Any) -> Any:
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise ValueError(f"must be a number, got {v!r}")
        return v

    @model_validator(mode="after")
    def _shape(self) -> Lever:
        if self.choices is not None:
            if self.low is not None or self.high is not None or self.step is not None or self.log:
                raise ValueError("give either choices or a {low, high} range, not both")
            if not self.choices:
                raise ValueError("choices: empty list")
            bad = [c for c in self.choices if not isinstance(c, (bool, int, float, str))]
            if bad:
                raise ValueError(f"choices: each must be a number, text or true/false, got {bad[0]!r}")
            return self
        if self.low is None or self.high is None:
            raise ValueError("needs low and high (or choices)")
        if self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.log and self.low <= 0:
            raise ValueError(f"log: needs low > 0, got {self.low}")
        if self.log and self.step is not None:
            raise ValueError("log and step cannot be combined")
        if self.integer and self.step is not None and not isinstance(self.step, int):
            raise ValueError(f"step: an integer lever needs an integer step, got {self.step!r}")
        return self

    @property
    def integer(self) -> bool:
        """True when both bounds are integers: suggested values are integers."""
        return isinstance(self.low, int) and isinstance(self.high, int)

    def values(self) -> list:
        """Every value a discrete lever can take (choices, or a stepped range)."""
        if self.choices is not None:
            return list(self.choices)
        if self.step is None:
            raise ValueError("a continuous lever has no finite list of values")
        n = int(math.floor((self.high - self.low) / self.step + 1e-9))
        vals = [self.low + i * self.step for i in range(n + 1)]
        return [int(v) for v in vals] if self.integer else [float(v) for v in vals]


class KolSearch(Strict):
    """``[optimize.kols]``: a KOL subset of the roster under a planned-fee budget, by CELF."""

    budget: Money | None = None
    rule: Literal["both", "gain", "gain_per_fee"] = "both"
    max_kols: StrictInt | None = Field(None, ge=1)


class OptimizeTable(Strict):
    """The ``[optimize]`` table."""

    title: StrictStr | None = Field(None, max_length=500)
    objectives: list[StrictStr] = Field(default_factory=lambda: ["incremental_profit"], min_length=1, max_length=2)
    replications: StrictInt = Field(4, ge=2, le=10_000)
    validation_replications: StrictInt = Field(8, ge=2, le=10_000)
    seed: StrictInt = Field(0, ge=0, le=MAX_SEED)
    trials: StrictInt = Field(30, ge=0, le=100_000)
    batch: StrictInt = Field(2, ge=1, le=1000)
    startup_trials: StrictInt = Field(10, ge=0)
    population: StrictInt = Field(10, ge=2, le=10_000)
    max_spend: Money | None = None
    kols: KolSearch | None = None
    levers: dict[str, Lever] = Field(default_factory=dict)
    grid: dict[str, list[Any]] = Field(default_factory=dict)

    @field_validator("levers", "grid", mode="before")
    @classmethod
    def _flatten(cls, v: Any) -> Any:
        # An unquoted `kol.posts_per_week = {...}` is nested tables in TOML: undo that,
        # keeping a lever's own table whole.
        return flatten_paths(v, keep=_is_lever) if isinstance(v, dict) else v

    @field_validator("objectives")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        for i, name in enumerate(v):
            if name.lstrip("-") not in METRICS:
                raise ValueError(f"{i}: unknown metric {name!r}; known: {', '.join(METRICS)} (prefix - to minimise)")
        if len({n.lstrip('-') for n in v}) < len(v):
            raise ValueError(f"the same metric twice: {v}")
        return v

    @field_validator("grid")
    @classmethod
    def _grid(cls, v: dict[str, list]) -> dict[str, list]:
        for path, values in v.items():
            if not values:
                raise ValueError(f"{path}: empty list of values")
        if math.prod(len(x) for x in v.values()) > 10_000:
            raise ValueError("more than 10,000 grid points")
        return v

    @model_validator(mode="after")
    def _something(self) -> OptimizeTable:
        if self.kols is None and not self.levers:
            raise ValueError("nothing to optimise: give [optimize.kols] or [optimize.levers]")
        if self.kols is not None and self.levers:
            raise ValueError("kols and levers: search a KOL subset or levers in one file, not both "
                             "(fix the KOLs in the scenario to search levers around them)")
        if self.kols is not None and len(self.objectives) > 1:
            raise ValueError("objectives: a KOL subset search takes one objective")
        if self.levers and self.trials < 1:
            raise ValueError("trials: a lever search needs at least one trial")
        return self


def _is_lever(d: dict) -> bool:
    return bool(d) and set(d) <= {"low", "high", "step", "log", "choices"}


@dataclass(frozen=True)
class Objective:
    """A metric and its sense: ``sign`` +1 maximises, -1 minimises."""

    metric: str
    sign: int

    @property
    def direction(self) -> str:
        """``"maximize"`` or ``"minimize"`` (optuna's words)."""
        return "maximize" if self.sign > 0 else "minimize"


@dataclass(frozen=True)
class Optimization:
    """A validated optimisation: the spec, the base scenario (plain data) and where it came from."""

    path: Path | None
    sha256: str | None
    question: str
    title: str
    spec: OptimizeTable
    experiment: Experiment
    base: dict  # the base scenario as plain data (what `socsim run` of the file would run)
    base_dir: str | None
    grid_points: tuple[dict, ...]

    @property
    def objectives(self) -> tuple[Objective, ...]:
        """The objectives in file order."""
        return tuple(Objective(n.lstrip("-"), -1 if n.startswith("-") else 1) for n in self.spec.objectives)

    @property
    def stem(self) -> str:
        """Short name: the file's stem."""
        return self.path.stem if self.path else "optimize"

    def scenario_with(self, params: dict[str, Any], where: str = "optimize") -> dict:
        """The base scenario with dotted-path values set (paths checked, result validated).

        where: the field the values come from, for messages (e.g. ``optimize.levers``).
        """
        from simulation.config.scenario import Scenario

        try:
            data = apply_paths(self.base, params, where) if params else copy.deepcopy(self.base)
        except ExperimentError as e:
            raise OptimizeError(str(e)) from None
        try:
            return scenario_dict(Scenario.model_validate(data))
        except ValidationError as e:
            label = ", ".join(f"{k} = {v!r}" for k, v in params.items())
            raise OptimizeError(f"{where} ({label}): {_format_validation(e)}") from None


def load_optimization(source: str | Path, overrides=()) -> Optimization:
    """Read and validate an optimisation file; ``overrides`` are ``--set path=value`` items.

    Raises ``OptimizeError`` naming the field (or file:line); writes nothing.
    """
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise OptimizeError(unreadable(path, e, "a TOML file")) from None
    try:
        raw = read_toml_bytes(data, path)
    except ConfigFileError as e:
        raise OptimizeError(str(e)) from None
    if "sweep" in raw:
        raise OptimizeError(f"sweep: {path} has a [sweep] table; an optimisation file takes [optimize]")
    table = raw.pop("optimize", None)
    if table is None:
        raise OptimizeError(f"optimize: {path} has no [optimize] table")
    if not isinstance(table, dict):
        raise OptimizeError(f"optimize: expected a table, got {table!r}")
    scenario_overrides, opt_overrides = [], []
    for item in overrides:
        (opt_overrides if item.strip().startswith("optimize.") else scenario_overrides).append(item)
    if opt_overrides:
        from simulation.config.paths import PathError, parse_override, set_path

        try:
            for item in opt_overrides:
                segments, value = parse_override(item)
                set_path(table, segments[1:], value, f"--set {item!r}")
        except PathError as e:
            raise OptimizeError(str(e)) from None
    try:
        spec = OptimizeTable.model_validate(table)
    except ValidationError as e:
        raise OptimizeError(_format_validation(e, "optimize.")) from None

    ref = raw.get("scenario")
    if isinstance(ref, str) and ref != "default" and not Path(ref).is_absolute():
        raw["scenario"] = str((path.parent / ref).resolve())  # relative to this file, as for sweeps
    try:
        exp = load_experiment(raw, scenario_overrides, sweep_forbidden=True)
    except ExperimentError as e:
        raise OptimizeError(f"{path}: {e}") from None
    base = exp.scenarios[0]
    base_dir = exp.base_dir or str(path.parent.resolve())
    text = data.decode("utf-8").removeprefix("\ufeff")
    question = opening_comment(text)
    if not question:
        raise OptimizeError(f"{path}: the file must open with a # comment stating the question it answers")
    opt = Optimization(
        path=path, sha256=hashlib.sha256(data).hexdigest(), question=question,
        title=spec.title or first_sentence(question), spec=spec, experiment=exp, base=base,
        base_dir=base_dir, grid_points=(),
    )
    _check_levers(opt)
    grid = _grid_points(opt)
    _check_kols(opt)
    n_evals = spec.trials + len(grid) + 3
    if n_evals * (spec.replications + spec.validation_replications) > MAX_RUNS:
        raise OptimizeError(f"optimize: {n_evals} evaluations x replications exceeds {MAX_RUNS} runs")
    return Optimization(**{**opt.__dict__, "grid_points": grid})


def _check_levers(opt: Optimization) -> None:
    """Every lever path exists and both ends of its range (or every choice) make a valid scenario."""
    for path, lever in opt.spec.levers.items():
        for v in lever.choices if lever.choices is not None else [lever.low, lever.high]:
            opt.scenario_with({path: v}, "optimize.levers")


def _grid_points(opt: Optimization) -> tuple[dict, ...]:
    grid = opt.spec.grid
    if not grid:
        return ()
    points = tuple(dict(zip(grid, combo)) for combo in itertools.product(*grid.values()))
    for p in points:
        opt.scenario_with(p, "optimize.grid")
    return points


def _check_kols(opt: Optimization) -> None:
    kols = opt.spec.kols
    if kols is None:
        return
    from simulation.config.scenario import load_scenario

    sc = load_scenario(copy.deepcopy(opt.base))
    try:
        rows = sc.kol.rows(Path(opt.base_dir) if opt.base_dir else None)
    except ValueError as e:
        raise OptimizeError(str(e)) from None
    if len(rows) < 1:
        raise OptimizeError("optimize.kols: the scenario has no kol.roster (or roster_file) to choose from")
    if kols.budget is None and sc.kol.budget is None:
        raise OptimizeError("optimize.kols.budget: no budget (set it here or as kol.budget in the scenario)")
