"""Experimental designs: the list of parameter settings (design points) a sweep runs.

* ``grid``: the Cartesian product of every parameter's values (the last parameter varies
  fastest); a ``{low, high, levels}`` range gives ``levels`` evenly spaced values.
* ``lhs``: Latin hypercube, ``samples`` points (SALib ``sample.latin``).
* ``sobol``: Saltelli's scheme on a scrambled Sobol' sequence (SALib ``sample.sobol``),
  ``samples * (2D + 2)`` points with second-order indices, ``samples * (D + 2)`` without,
  in SALib's order so that ``SALib.analyze.sobol`` can read the outputs point by point.
* ``morris``: ``samples`` Morris trajectories on a ``levels`` grid, ``samples * (D + 1)`` points.
* ``scenarios``: the named variants, in file order.

Integer ranges stay integers: the unit sample is mapped onto ``[low, high + 1)`` and
floored, so each integer of the range is equally likely. The raw SALib sample matrix is
kept (``Design.matrix``) so that Morris/Sobol analysis works on exactly what was sampled.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulation.config.paths import get_path
from simulation.config.sweep import Range, Sweep
from simulation.seeding import as_seed_sequence


@dataclass(frozen=True)
class DesignPoint:
    """One parameter setting: ``params`` maps dotted scenario paths to values."""

    index: int
    name: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Design:
    """A resolved design: its type, the parameter specs, the points and (SALib designs) the problem."""

    type: str
    parameters: dict[str, Any]
    points: tuple[DesignPoint, ...]
    columns: tuple[str, ...]
    salib_problem: dict | None = None
    options: dict = field(default_factory=dict)
    matrix: list[list[float]] | None = None

    def to_dict(self) -> dict:
        """Return the design as the plain data stored in ``manifest.json``."""
        out: dict[str, Any] = {
            "type": self.type,
            "parameters": self.parameters,
            "columns": list(self.columns),
            "n_points": len(self.points),
            "points": [{"point": p.index, "name": p.name, "params": p.params} for p in self.points],
        }
        out.update(self.options)
        if self.salib_problem is not None:
            out["salib_problem"] = self.salib_problem
            out["salib_sample"] = self.matrix
        return out


def _spec_data(spec: Range | list) -> Any:
    return spec.model_dump(exclude_none=True) if isinstance(spec, Range) else list(spec)


def grid_values(path: str, spec: Range | list) -> list:
    """Return the grid values of one parameter (a list as given, or ``levels`` points of a range)."""
    if isinstance(spec, list):
        return list(spec)
    if spec.levels == 1:
        if spec.low != spec.high:
            raise ValueError(f"sweep.parameters.{path}: levels = 1 needs low == high")
        return [spec.low]
    values = np.linspace(spec.low, spec.high, spec.levels)
    if spec.integer:
        ints = [int(round(v)) for v in values]
        if len(set(ints)) < len(ints):
            raise ValueError(
                f"sweep.parameters.{path}: {spec.levels} levels do not fit the integer range "
                f"[{spec.low}, {spec.high}]"
            )
        return ints
    return [float(v) for v in values]


def salib_seed(seed: int) -> int:
    """Return the integer seed handed to SALib samplers, derived from the sweep's base seed."""
    # The root's own state: distinct from every run's spawned child stream.
    return int(as_seed_sequence(seed).generate_state(1, np.uint32)[0])


def _scale(unit: np.ndarray, ranges: list[Range]) -> list[list]:
    """Map SALib samples (already in the problem bounds) to parameter values, flooring integers."""
    rows = []
    for row in unit:
        vals = []
        for x, r in zip(row, ranges):
            if r.integer:
                vals.append(int(min(math.floor(x), r.high)))
            else:
                vals.append(float(x))
        rows.append(vals)
    return rows


def build_design(sweep: Sweep, base: dict, seed: int) -> Design:
    """Resolve a sweep into design points.

    sweep: the validated ``[sweep]`` table.
    base: the base scenario as plain data (fills the columns of ``scenarios`` variants
        that leave a swept path at its base value).
    seed: the sweep's base seed (seeds the lhs / sobol / morris samplers).
    """
    params = dict(sweep.parameters)
    spec = {p: _spec_data(s) for p, s in params.items()}
    kind = sweep.design
    if kind == "scenarios":
        columns: list[str] = []
        for v in sweep.scenarios:
            columns += [p for p in v.set if p not in columns]
        points = tuple(
            DesignPoint(
                i,
                v.name,
                {p: (v.set[p] if p in v.set else get_path(base, p)) for p in columns},
            )
            for i, v in enumerate(sweep.scenarios)
        )
        variants = {v.name: {"description": v.description, "set": v.set} for v in sweep.scenarios}
        return Design("scenarios", variants, points, tuple(columns))
    names = list(params)
    if kind == "grid":
        axes = [grid_values(p, s) for p, s in params.items()]
        n = math.prod(len(a) for a in axes)
        if n > 10_000_000:
            raise ValueError(f"sweep.parameters: the grid has {n} points")
        points = tuple(
            DesignPoint(i, f"p{i}", dict(zip(names, combo)))
            for i, combo in enumerate(itertools.product(*axes))
        )
        return Design("grid", spec, points, tuple(names))

    ranges = [params[p] for p in names]
    bounds = [[float(r.low), float(r.high + 1 if r.integer else r.high)] for r in ranges]
    for p, b in zip(names, bounds):
        if b[0] == b[1]:
            raise ValueError(f"sweep.parameters.{p}: a {kind} range needs low < high")
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    rng_seed = salib_seed(seed)
    options: dict[str, Any] = {"samples": sweep.samples}
    if kind == "lhs":
        from SALib.sample import latin

        matrix = latin.sample(dict(problem), sweep.samples, seed=rng_seed)
    elif kind == "sobol":
        from SALib.sample import sobol

        matrix = sobol.sample(dict(problem), sweep.samples, calc_second_order=sweep.second_order, seed=rng_seed)
        options["calc_second_order"] = sweep.second_order
    else:  # morris
        from SALib.sample import morris

        matrix = morris.sample(dict(problem), sweep.samples, num_levels=sweep.levels, seed=rng_seed)
        options["num_levels"] = sweep.levels
    rows = _scale(np.asarray(matrix, dtype=float), ranges)
    points = tuple(DesignPoint(i, f"p{i}", dict(zip(names, row))) for i, row in enumerate(rows))
    return Design(
        kind,
        spec,
        points,
        tuple(names),
        salib_problem=problem,
        options=options,
        matrix=np.asarray(matrix, dtype=float).tolist(),
    )
