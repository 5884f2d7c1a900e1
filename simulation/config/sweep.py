"""The ``[sweep]`` table of an experiment file: design, parameters, replications, seeds.

Validated on its own (no scenario needed); ``Sweep.n_points`` gives the design's size by
arithmetic, so an oversized design is refused before anything is built.
"""
from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, StrictBool, StrictInt, StrictStr, Tag, field_validator, model_validator

from simulation.config.base import Strict, check_label
from simulation.config.paths import flatten_paths

#: Keys of a range specification ``{low, high, levels}``.
RANGE_KEYS = frozenset({"low", "high", "levels"})
#: Top-level keys of an experiment file that are not scenario keys.
EXPERIMENT_KEYS = ("scenario", "sweep")
#: Largest base seed: seeds are stored as signed 64-bit integers in runs.parquet.
MAX_SEED = 2**63 - 1


class Range(Strict):
    """A parameter range: ``low`` <= value <= ``high``; ``levels`` evenly spaced values for a grid."""

    low: float | int
    high: float | int
    levels: StrictInt | None = Field(default=None, ge=1)

    @field_validator("low", "high", mode="before")
    @classmethod
    def _number(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError(f"must be a number, got {v!r}")
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"must be finite, got {v!r}")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) > high ({self.high})")
        return self

    @property
    def integer(self) -> bool:
        """True when both bounds are integers: sampled values then stay integers."""
        return isinstance(self.low, int) and isinstance(self.high, int)


class Variant(Strict):
    """A named scenario variant of a ``scenarios`` design: ``set`` maps dotted paths to values."""

    name: StrictStr = Field(min_length=1, max_length=200)
    description: StrictStr = ""
    set: dict[str, Any] = Field(default_factory=dict)

    @field_validator("set", mode="before")
    @classmethod
    def _flatten(cls, v: Any) -> Any:
        return flatten_paths(v) if isinstance(v, dict) else v

    @field_validator("name")
    @classmethod
    def _printable(cls, v: str) -> str:
        if v != v.strip():
            raise ValueError(f"must not start or end with blanks, got {v!r}")
        return check_label(v)


def _spec_kind(v: Any) -> str:
    return "__range__" if isinstance(v, (dict, Range)) else "__values__"


#: A swept parameter: a ``{low, high[, levels]}`` range or a list of values.
ParameterSpec = Annotated[
    Annotated[Range, Tag("__range__")] | Annotated[list[Any], Tag("__values__")],
    Discriminator(_spec_kind),
]
_TAGS = {"__range__", "__values__"}


class Sweep(Strict):
    """The ``[sweep]`` table: the design over scenario parameters, replications and seeds."""

    design: Literal["grid", "lhs", "sobol", "morris", "scenarios"] = "grid"
    title: StrictStr | None = Field(default=None, max_length=500)
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    scenarios: list[Variant] = Field(default_factory=list)
    samples: StrictInt | None = Field(default=None, ge=1)
    levels: StrictInt = Field(default=4, ge=2, description="Morris grid levels")
    second_order: StrictBool = Field(default=True, description="Sobol: second-order indices too")
    replications: StrictInt | None = Field(default=None, ge=1)
    seed: StrictInt | None = Field(default=None, ge=0, le=MAX_SEED)
    crn: StrictBool = True

    @field_validator("parameters", mode="before")
    @classmethod
    def _flatten(cls, v: Any) -> Any:
        # TOML turns an unquoted `kol.count = [...]` into nested tables: undo that, keeping
        # {low, high, levels} tables whole as range specifications.
        return flatten_paths(v, keep=_is_range_table) if isinstance(v, dict) else v

    @field_validator("parameters")
    @classmethod
    def _values(cls, v: dict[str, ParameterSpec]) -> dict[str, ParameterSpec]:
        for path, spec in v.items():
            if isinstance(spec, list):
                if not spec:
                    raise ValueError(f"{path}: empty list of values")
                kinds = {_kind(x) for x in spec}
                if len(kinds - {"number"}) > 0 and len(kinds) > 1:
                    raise ValueError(f"{path}: values mix types {sorted(kinds)}: {spec!r}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Sweep:
        d = self.design
        if d == "scenarios":
            if not self.scenarios:
                raise ValueError("design 'scenarios' needs at least one [[sweep.scenarios]] entry")
            if self.parameters:
                raise ValueError("design 'scenarios' takes [[sweep.scenarios]], not [sweep.parameters]")
            names = [s.name for s in self.scenarios]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise ValueError(f"scenarios: duplicate variant names {dup}")
        elif self.scenarios:
            raise ValueError(f"[[sweep.scenarios]] needs design = 'scenarios', not {d!r}")
        if d in ("lhs", "sobol", "morris"):
            if not self.parameters:
                raise ValueError(f"design {d!r} needs at least one parameter range")
            for path, spec in self.parameters.items():
                if not isinstance(spec, Range):
                    raise ValueError(f"parameters.{path}: design {d!r} needs a {{low, high}} range, not a list")
                if spec.levels is not None:
                    raise ValueError(f"parameters.{path}: 'levels' only applies to a grid")
            if self.samples is None:
                raise ValueError(f"design {d!r} needs 'samples'")
            if d == "sobol" and self.samples & (self.samples - 1):
                raise ValueError(f"samples: Sobol sequences need a power of 2, got {self.samples}")
        else:
            if self.samples is not None:
                raise ValueError(f"samples: only lhs, sobol and morris designs take samples, not {d!r}")
            for path, spec in self.parameters.items():
                if isinstance(spec, Range) and spec.levels is None:
                    raise ValueError(f"parameters.{path}: a grid range needs 'levels' (or give a list of values)")
        return self


    def n_points(self) -> int:
        """The number of design points, by arithmetic (nothing is built)."""
        d = self.design
        if d == "scenarios":
            return len(self.scenarios)
        if d == "grid":
            return math.prod(len(s) if isinstance(s, list) else int(s.levels or 1) for s in self.parameters.values())
        k = len(self.parameters)
        per = {"lhs": 1, "sobol": 2 * k + 2 if self.second_order else k + 2, "morris": k + 1}[d]
        return int(self.samples or 0) * per


def _kind(x: Any) -> str:
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, (int, float)):
        return "number"
    return type(x).__name__


def _is_range_table(d: dict) -> bool:
    return bool(d) and set(d) <= RANGE_KEYS and ("low" in d or "high" in d)
