"""The strict pydantic base every socsim config table derives from, and its strict value types.

Strict means: a boolean field takes only a boolean (TOML ``true``/``false``, never
``"yes"`` or ``1``); an integer or float field never takes a boolean or a string; a text
field takes only text, without control characters other than line breaks and tabs
(names and labels: none at all, ``Label``); every float is finite (``nan``/``inf`` are refused with "must be
a finite number") unless its field documents infinity. Lists from TOML still fill tuple
fields. Operation configs (``simulation/operations/``) derive from ``Strict`` and get the
same rules without doing anything.
"""
from __future__ import annotations

import math
import types
import typing
from typing import Annotated, Any, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

#: A probability in [0, 1].
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
#: A non-negative amount of money (currency units of the scenario).
Money = Annotated[float, Field(ge=0.0)]
#: A day of the horizon (day 0 is the seeding day).
Day = Annotated[int, Field(ge=0)]
#: A TCP port.
Port = Annotated[int, Field(ge=1, le=65535)]


def check_label(text: str) -> str:
    """Return ``text`` if it holds no control character (NUL, newline, tab, ...), else raise ValueError."""
    bad = next((c for c in text if not c.isprintable() and c != " "), None)
    if bad is not None:
        raise ValueError(f"must not contain control characters, found {bad!r}")
    return text


#: A name or label: text without control characters.
Label = Annotated[str, AfterValidator(check_label)]


def _kinds(annotation: Any) -> set[type]:
    """The scalar kinds (bool, int, float, str) an annotation accepts; empty when it accepts others too."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _kinds(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        out: set[type] = set()
        for arg in typing.get_args(annotation):
            if arg is type(None):
                continue
            k = _kinds(arg)
            if not k:
                return set()
            out |= k
        return out
    if annotation in (bool, int, float, str):
        return {annotation}
    return set()


def strict_scalar_error(kinds: set[type], value: Any) -> str | None:
    """Why ``value`` does not fit a field of ``kinds`` without coercion (None when it fits)."""
    if value is None or not kinds:
        return None
    if isinstance(value, bool):
        return None if bool in kinds else f"must be {_what(kinds)}, not a boolean ({str(value).lower()})"
    if bool in kinds and kinds <= {bool}:
        return f"must be true or false, got {value!r}"
    if isinstance(value, (int, float)):
        if not kinds & {int, float}:
            return f"must be {_what(kinds)}, got the number {value!r}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"must be a finite number, got {value!r}" if float in kinds else None
        return None
    if isinstance(value, str) and kinds & {int, float} and str not in kinds:
        return f"must be {_what(kinds)}, got the text {value!r}"
    if isinstance(value, str):
        bad = next((c for c in value if (ord(c) < 32 and c not in "\n\t\r") or ord(c) == 127), None)
        if bad is not None:
            return f"must not contain control characters, found {bad!r}"
    return None


def _what(kinds: set[type]) -> str:
    if kinds & {int, float} and float in kinds:
        return "a number"
    if int in kinds:
        return "a whole number"
    if str in kinds:
        return "text"
    return "true or false"


class Strict(BaseModel):
    """Base of every config table: unknown keys are errors, values are re-validated on assignment.

    Scalars are strict (see the module docstring); floats must be finite.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_coercion(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for name, info in cls.model_fields.items():
            key = info.alias or name
            if key in data:
                why = strict_scalar_error(_kinds(info.annotation), data[key])
                if why:
                    raise ValueError(f"{key}: {why}")
        return data


class Window(Strict):
    """A table with an active window of days ``[start_day, end_day]`` (``end_day`` None: open-ended)."""

    start_day: int = Field(1, ge=1)
    end_day: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _window(self):
        if self.end_day is not None and self.end_day < self.start_day:
            raise ValueError(f"end_day {self.end_day} is before start_day {self.start_day}")
        return self

    def active(self, day: int) -> bool:
        """True on days inside the window."""
        return self.start_day <= day <= (self.end_day if self.end_day is not None else day)
