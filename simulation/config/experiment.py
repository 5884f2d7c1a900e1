"""Experiment files: a base scenario plus a ``[sweep]`` section, all validated before anything runs.

An experiment file is a scenario TOML (the model's schema, as inline tables) with two
extra top-level keys:

* ``scenario = "default" | "path/to/scenario.toml"`` (optional; a path is relative to the
  experiment file): the base scenario; the inline scenario tables of the experiment file
  then override it key by key, except ``[graph]``, which replaces the base graph whole.
  Without it, the inline tables are the whole scenario, exactly as in a scenario file.
* ``[sweep]``: ``design`` (``grid`` | ``lhs`` | ``sobol`` | ``morris`` | ``scenarios``),
  ``parameters`` (dotted path into the scenario -> list of values or a
  ``{low, high[, levels]}`` range), ``samples`` (lhs / sobol / morris), named
  ``[[sweep.scenarios]]`` variants (``name``, ``set = {path = value}``),
  ``replications``, ``seed``, ``crn`` (common random numbers, default true), ``title``,
  ``second_order`` (sobol, default true) and ``levels`` (morris grid levels, default 4).
  ``replications`` and ``seed`` default to the scenario's own.

Example::

    # Does paying KOLs more beat rewarding referrals?
    scenario = "default"
    days = 60

    [sweep]
    design = "grid"
    replications = 3
    seed = 7
    [sweep.parameters]
    "kol.count" = [0, 5, 10]
    "operations.relationship.referral_reward" = {low = 0.0, high = 10.0, levels = 3}

``load_experiment`` validates everything up front — unknown keys, paths that are not
in the scenario, empty or inverted ranges, negative counts, and the scenario of every
design point — so a bad file fails before any output directory exists. Every error
names the offending field.
"""
from __future__ import annotations

import copy
import hashlib
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from simulation.config.paths import PathError, deep_merge, flatten_paths, get_path, parse_override, set_path, split_path
from simulation.config.preflight import PreflightError, check_scenarios
from simulation.config.sweep import _TAGS, MAX_SEED, RANGE_KEYS, Range, Sweep, Variant
from simulation.config.toml import ConfigFileError, read_toml, read_toml_bytes, unreadable

#: Top-level keys of an experiment file that are not scenario keys.
EXPERIMENT_KEYS = ("scenario", "sweep")
#: Refuse designs that would not fit in memory or a lifetime of compute.
MAX_RUNS = 1_000_000

__all__ = [
    "MAX_RUNS", "MAX_SEED", "RANGE_KEYS", "Experiment", "ExperimentError", "Range", "Sweep", "Variant",
    "deep_merge", "flatten_paths", "get_path", "load_experiment", "parse_override", "split_path",
]

class ExperimentError(ValueError):
    """An experiment file (or a ``--set`` override) is invalid; the message names the field."""


# --------------------------------------------------------------------------- scenario schema


def _scenario_api():
    """Return ``(Scenario, load_scenario, default_scenario)`` from the model's config module."""
    from simulation.config import scenario as mod

    return mod.Scenario, mod.load_scenario, mod.default_scenario


def scenario_dict(scenario: BaseModel) -> dict:
    """Return a scenario as plain data that validates back into the same scenario."""
    return scenario.model_dump(mode="json", exclude_computed_fields=True)


def _override_message(err: Exception, keep_path: bool = False) -> str:
    """The scenario loader's message, its "override 'path': " prefix cut (or turned into "path: ")."""
    return re.sub(r"^override '([^']*)': ", r"\1: " if keep_path else "", str(err))


def apply_paths(base: dict, values: dict[str, Any], where: str) -> dict:
    """Return ``base`` with each dotted scenario path set, checking every path against the schema.

    where: the field the paths come from, for messages (e.g. ``sweep.parameters``).
    """
    from simulation.config.scenario import apply_overrides

    for path in values:
        try:
            apply_overrides(base, {path: values[path]})
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise ExperimentError(f"{where}.{path}: {_override_message(e)}") from None
    return apply_overrides(base, values)


# --------------------------------------------------------------------------- the experiment


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: the base scenario, its sweep and the scenario of every design point.

    ``scenarios[i]`` is the plain-data scenario of design point ``i`` (already validated).
    """

    path: Path | None
    sha256: str | None
    question: str
    title: str
    base: Any  # simulation.config.scenario.Scenario
    base_dir: str | None  # where the scenario's relative file paths are resolved
    sweep: Sweep
    replications: int
    seed: int
    crn: bool
    design: Any  # simulation.runner.design.Design
    scenarios: tuple[dict, ...]
    overrides: tuple[str, ...] = field(default_factory=tuple)
    #: Estimated peak bytes of one run (``simulation.config.preflight.run_memory``).
    run_bytes: int = 0

    @property
    def stem(self) -> str:
        """The experiment's short name (file stem, else scenario name)."""
        return self.path.stem if self.path else str(getattr(self.base, "name", "experiment"))

    @property
    def n_runs(self) -> int:
        """Design points times replications."""
        return len(self.design.points) * self.replications


def opening_comment(text: str) -> str:
    """Return the file's opening ``#`` comment block, without the ``#`` markers."""
    lines: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#"):
            body = s[1:]
            lines.append(body[1:] if body.startswith(" ") else body)
        elif s or lines:
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph of ``text`` (for a title)."""
    para = " ".join(text.strip().split("\n\n")[0].split())
    m = re.match(r"(.+?[.?!])(\s|$)", para)
    return m.group(1) if m else para


def _format_validation(err: ValidationError, prefix: str = "") -> str:
    msgs = []
    for e in err.errors():
        parts = [str(p) for p in e["loc"] if not (isinstance(p, str) and (p.startswith("function-") or p in _TAGS))]
        loc = f"{prefix}{'.'.join(parts)}" if parts else prefix.rstrip(".") or "value"
        msg = e["msg"].removeprefix("Value error, ")
        if re.match(r"^[\w.\[\]-]+: ", msg):  # our validators name the sub-field first
            msgs.append(f"{loc}.{msg}" if parts or prefix else msg)
        else:
            msgs.append(f"{loc}: {msg}")
    return "; ".join(msgs)


def _entropy_seed() -> int:
    from simulation.seeding import as_seed_sequence

    return int(as_seed_sequence(None).generate_state(1, "uint64")[0] >> 1)


def _split_overrides(raw: dict, overrides: typing.Sequence[str]) -> dict[str, Any]:
    """Apply ``--set`` items for the experiment keys to ``raw``; return the scenario ones as leaf paths."""
    leaves: dict[str, Any] = {}
    for text in overrides:
        try:
            segments, value = parse_override(text)
            if segments[0] in EXPERIMENT_KEYS:
                set_path(raw, segments, value, f"--set {text!r}")
                continue
        except PathError as e:
            raise ExperimentError(str(e)) from None
        else:
            leaves[".".join(segments)] = value
    return leaves


def _inline_overrides(inline: dict) -> dict[str, Any]:
    """Inline scenario tables as dotted-path overrides of a base scenario.

    Tables merge key by key, except ``graph``, which replaces the base graph whole
    (generator parameters of two generators do not mix).
    """
    out = {k: v for k, v in flatten_paths({k: v for k, v in inline.items() if k != "graph"}).items()}
    if "graph" in inline:
        out["graph"] = inline["graph"]
    return out


def _load_base(ref: Any, inline: dict, cli: dict[str, Any], path: Path | None):
    """Return ``(base scenario, its raw data, base directory for relative files)``.

    The raw data (the TOML tables as written, overrides applied) is what design points
    are applied to, exactly as ``load_scenario`` applies overrides.
    """
    from simulation.config.scenario import apply_overrides, default_scenario_dict

    _, load_scenario, _ = _scenario_api()
    if ref is None:
        # The inline tables are the whole scenario, as in a scenario file.
        raw, base_dir = inline, (path.parent.resolve() if path else None)
    elif not isinstance(ref, str) or not ref:
        raise ExperimentError(f"scenario: expected \"default\" or a path to a scenario TOML, got {ref!r}")
    elif ref == "default":
        # relative files in the experiment's own tables are relative to the experiment file
        raw, base_dir = default_scenario_dict(), (path.parent.resolve() if path else None)
    else:
        ref_path = Path(ref)
        if not ref_path.is_absolute() and path is not None:
            ref_path = path.parent / ref_path
        if not ref_path.is_file():
            raise ExperimentError(f"scenario: no scenario file {str(ref_path)!r}")
        load_scenario(ref_path)  # the file's own errors, named against it
        raw, base_dir = read_toml(ref_path), ref_path.resolve().parent
    overrides = {**(_inline_overrides(inline) if ref is not None else {}), **cli}
    if overrides:
        raw = apply_overrides(raw, overrides)
    base = load_scenario(raw)
    if base_dir is not None:
        base._base_dir = base_dir  # as load_scenario does for a scenario read from a file
    return base, raw, base_dir


def load_experiment(
    source: str | Path | dict,
    overrides: typing.Sequence[str] = (),
    *,
    sweep_required: bool = False,
    sweep_forbidden: bool = False,
    check_memory: bool = True,
) -> Experiment:
    """Load, override and validate an experiment file (or a scenario file = one design point).

    source: path to a TOML file, ``"default"`` for the embedded default scenario, or the
        already-parsed file as a dict.
    overrides: ``"dotted.path=value"`` strings applied before validation
        (``sweep.replications=2``, ``days=30``, ``kol.count=5``).
    sweep_required / sweep_forbidden: demand or refuse a ``[sweep]`` table.
    check_memory: refuse a run that would not fit in the memory available now
        (``simulation.config.preflight``); graph files and sizes are always checked.
    Raises ``ExperimentError`` naming the field on any problem; writes nothing.
    """
    Scenario, _, _ = _scenario_api()
    path: Path | None = None
    text = ""
    sha = None
    if isinstance(source, dict):
        raw = copy.deepcopy(source)
    elif str(source) == "default":
        raw = {"scenario": "default"}
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise ExperimentError(unreadable(path, e, "a TOML file")) from None
        sha = hashlib.sha256(data).hexdigest()
        try:
            raw = read_toml_bytes(data, path)
        except ConfigFileError as e:
            raise ExperimentError(str(e)) from None
        text = data.decode("utf-8").removeprefix("\ufeff")
    if sweep_forbidden and "sweep" in raw:
        raise ExperimentError(f"sweep: {path or 'the file'} has a [sweep] table; run it with `socsim sweep`")
    cli = _split_overrides(raw, overrides)

    ref = raw.pop("scenario", None)
    sweep_raw = raw.pop("sweep", None)
    try:
        base, base_raw, base_dir = _load_base(ref, raw, cli, path)
    except ValidationError as e:
        raise ExperimentError(_format_validation(e)) from None
    except ExperimentError:
        raise
    except (ValueError, OSError) as e:
        raise ExperimentError(_override_message(e, keep_path=True)) from None

    if sweep_raw is None:
        if sweep_required:
            raise ExperimentError("sweep: missing [sweep] table (use `socsim run` for a single scenario)")
        sweep_raw = {}
    if not isinstance(sweep_raw, dict):
        raise ExperimentError(f"sweep: expected a table, got {sweep_raw!r}")
    try:
        sweep = Sweep.model_validate(sweep_raw)
    except ValidationError as e:
        raise ExperimentError(_format_validation(e, "sweep.")) from None

    base_data = scenario_dict(base)
    # Every swept path must exist in the scenario schema (checked with one value each).
    apply_paths(base_raw, {p: _first_value(s) for p, s in sweep.parameters.items()}, "sweep.parameters")
    for variant in sweep.scenarios:
        apply_paths(base_raw, variant.set, f"sweep.scenarios[{variant.name}].set")

    replications = sweep.replications or int(getattr(base, "replications", None) or 1)
    seed = sweep.seed if sweep.seed is not None else getattr(base, "seed", None)
    if seed is None:
        seed = _entropy_seed()
    seed = int(seed)
    if not 0 <= seed <= MAX_SEED:
        raise ExperimentError(f"sweep.seed: must be in [0, 2**63 - 1], got {seed}")

    n_points = sweep.n_points()
    if n_points * replications > MAX_RUNS:
        raise ExperimentError(f"sweep: {n_points} points x {replications} replications exceeds {MAX_RUNS} runs")

    from simulation.runner.design import build_design

    try:
        # Base values of swept paths: as written (raw), else the schema's defaults.
        design = build_design(sweep, deep_merge(base_data, base_raw), seed)
    except ValueError as e:
        raise ExperimentError(str(e)) from None

    # Every design point's scenario, validated now so that nothing fails half-way.
    scenarios = []
    for point in design.points:
        label = ", ".join(f"{k}={v!r}" for k, v in point.params.items())
        try:
            sc = Scenario.model_validate(apply_paths(base_raw, point.params, "sweep"))
        except ValidationError as e:
            raise ExperimentError(f"design point {point.name} ({label}): {_format_validation(e)}") from None
        scenarios.append(scenario_dict(sc))
    try:
        run_bytes = check_scenarios(scenarios, base_dir, names=[p.name for p in design.points], check_memory=check_memory)
    except PreflightError as e:
        raise ExperimentError(str(e)) from None

    question = opening_comment(text)
    title = sweep.title or first_sentence(question) or (
        path.stem if path else str(getattr(base, "name", "experiment"))
    )
    return Experiment(
        path=path,
        sha256=sha,
        question=question,
        title=title,
        base=base,
        base_dir=str(base_dir) if base_dir else None,
        sweep=sweep,
        replications=replications,
        seed=seed,
        crn=sweep.crn,
        design=design,
        scenarios=tuple(scenarios),
        overrides=tuple(overrides),
        run_bytes=run_bytes,
    )


def _first_value(spec: Range | list) -> Any:
    return spec.low if isinstance(spec, Range) else spec[0]
