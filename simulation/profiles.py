"""Demographic profiles of consumers: age band, region and income band per person.

A segment may carry a ``profile`` table giving, for any of the attributes ``age``,
``region`` and ``income``, the marginal distribution of its members over labels::

    [[population.segments]]
    name = "young"
    share = 0.4
    profile = { age = { "18-24" = 0.6, "25-34" = 0.4 }, income = { low = 0.7, high = 0.3 } }

Rules (checked when the scenario is read, errors name the dotted field):

* each marginal is a non-empty table of labels (non-empty text) to probabilities
  summing to 1 (within 1e-9);
* an attribute declared by one segment must be declared by every segment (so every
  person has a value and the per-value readouts add up to the totals); the label sets
  may differ between segments (a label a segment leaves out has probability 0 there).

Draw (set-up, after the population): from the run's named stream ``generator(ss,
"profile")`` (``simulation.seeding``), attributes in the order age, region, income, and
within each attribute the segments in declaration order, each member of a segment draws
its label independently from the segment's marginal (``Generator.choice`` with
probabilities). Attributes are independent of each other and of every other attribute
of the person. A scenario without profiles draws nothing from that stream, and no other
stream is touched, so every other draw stays where it was.

Profiles change no behaviour: they are read out (``simulation.segments``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from pydantic import model_validator

from .config.base import Label, Probability, Strict

#: Profile attributes, in the order they are drawn and read out.
ATTRIBUTES = ("age", "region", "income")

#: A marginal: labels (text without control characters) -> probability.
Marginal = dict[Label, Probability]


class ProfileConfig(Strict):
    """A segment's marginals: ``age``, ``region``, ``income`` — each labels -> probability, summing to 1."""

    age: Marginal | None = None
    region: Marginal | None = None
    income: Marginal | None = None

    @model_validator(mode="after")
    def _marginals(self):
        for name in ATTRIBUTES:
            m = getattr(self, name)
            if m is None:
                continue
            if not m:
                raise ValueError(f"{name}: needs at least one label")
            empty = [k for k in m if not k.strip()]
            if empty:
                raise ValueError(f"{name}: labels must be non-empty text")
            total = sum(m.values())
            if abs(total - 1.0) > 1e-9:
                raise ValueError(f"{name}: probabilities must sum to 1, got {total:g}")
        return self

    def declared(self) -> tuple[str, ...]:
        """The attributes this profile gives a marginal for."""
        return tuple(a for a in ATTRIBUTES if getattr(self, a) is not None)


def check_profiles(profiles: list[ProfileConfig | None], names: list[str]) -> None:
    """Raise ValueError unless every segment declares the same profile attributes.

    profiles : each segment's profile (None: none); names : the segments' names.
    """
    declared = [p.declared() if p is not None else () for p in profiles]
    union = {a for d in declared for a in d}
    for name, d in zip(names, declared):
        missing = [a for a in ATTRIBUTES if a in union and a not in d]
        if missing:
            raise ValueError(f"segments: segment {name!r} has no profile.{missing[0]}, which another segment "
                             f"declares (give every segment a marginal for each profile attribute used)")


@dataclass
class Profiles:
    """Profile attributes as arrays: ``codes[attr]`` (int16, index into ``labels[attr]``) per person."""

    codes: dict[str, np.ndarray] = field(default_factory=dict)
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)


def draw_profiles(profiles: list[ProfileConfig | None], segment: np.ndarray, rng: np.random.Generator) -> Profiles:
    """Draw each person's profile attributes from their segment's marginals (rule in the module docstring).

    profiles : each segment's profile config, in segment order (as checked by ``check_profiles``);
    segment : each person's segment index (length n); rng : the run's ``generator(ss, "profile")``.
    """
    out = Profiles()
    if not any(p is not None for p in profiles):
        return out
    members = [np.flatnonzero(segment == s) for s in range(len(profiles))]
    for attr in profiles[0].declared() if profiles[0] is not None else ():
        marginals = [getattr(p, attr) for p in profiles]
        labels = tuple(dict.fromkeys(label for m in marginals for label in m))
        codes = np.zeros(len(segment), np.int16)
        for idx, m in zip(members, marginals):
            p = np.array([m.get(label, 0.0) for label in labels])
            codes[idx] = rng.choice(len(labels), size=len(idx), p=p / p.sum())
        out.codes[attr], out.labels[attr] = codes, labels
    return out
