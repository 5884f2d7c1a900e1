"""The strict pydantic base every socsim config table derives from."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

#: A probability in [0, 1].
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
#: A non-negative amount of money (currency units of the scenario).
Money = Annotated[float, Field(ge=0.0)]
#: A day of the horizon (day 0 is the seeding day).
Day = Annotated[int, Field(ge=0)]


class Strict(BaseModel):
    """Base of every config table: unknown keys are errors, values are re-validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
