"""The strict pydantic base every socsim config table derives from."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: A probability in [0, 1].
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
#: A non-negative amount of money (currency units of the scenario).
Money = Annotated[float, Field(ge=0.0)]
#: A day of the horizon (day 0 is the seeding day).
Day = Annotated[int, Field(ge=0)]


class Strict(BaseModel):
    """Base of every config table: unknown keys are errors, values are re-validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


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
