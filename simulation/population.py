"""Consumers as arrays: segments and their attribute distributions.

Each consumer has a segment and five attributes, drawn independently per person from
its segment's distributions:

* ``activity`` — probability of being online on a given day (Beta);
* ``trust`` — trust propensity in [0, 1] (Beta);
* ``price_sensitivity`` — >= 0, multiplies price / reference price in the purchase
  probability (Gamma);
* ``share_propensity`` — probability of sharing after a purchase (Beta);
* ``interest`` — category interest in [0, 1] (Beta).

A Beta or Gamma attribute is given by its ``mean`` and standard deviation ``sd``
(``sd = 0`` means every member has exactly the mean).

Segments are drawn independently of the graph (each person by the shares), unless
``population.homophily.mixing > 0``: then they follow the graph's communities
(``simulation.homophily``), and the attributes are drawn per segment as above.
A segment may also carry a demographic ``profile`` (age band, region, income band;
``simulation.profiles``), drawn by the engine from its own stream after the population.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from pydantic import Field, model_validator

from .config.base import Probability, Strict
from .homophily import HomophilyConfig, follow_communities
from .kernels import pcg64_draws
from .profiles import ProfileConfig, Profiles, check_profiles


class UnitAttr(Strict):
    """An attribute in [0, 1]: Beta distribution with this mean and standard deviation."""

    mean: Probability
    sd: float = Field(0.0, ge=0.0)

    @model_validator(mode="after")
    def _feasible(self):
        if self.sd > 0 and self.sd**2 >= self.mean * (1 - self.mean):
            raise ValueError(
                f"sd={self.sd} too large for a Beta with mean={self.mean}: need sd^2 < mean*(1-mean)"
            )
        return self

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Return ``size`` draws (float64)."""
        if self.sd == 0 or size == 0:
            return np.full(size, self.mean)
        k = self.mean * (1 - self.mean) / self.sd**2 - 1
        return pcg64_draws.beta(rng, self.mean * k, (1 - self.mean) * k, size)  # rng.beta's numbers, faster


class PositiveAttr(Strict):
    """A non-negative attribute: Gamma distribution with this mean and standard deviation."""

    mean: float = Field(ge=0.0)
    sd: float = Field(0.0, ge=0.0)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Return ``size`` draws (float64)."""
        if self.sd == 0 or self.mean == 0 or size == 0:
            return np.full(size, self.mean)
        shape = (self.mean / self.sd) ** 2
        return pcg64_draws.gamma(rng, shape, self.mean / shape, size)  # rng.gamma's numbers, faster


class SegmentConfig(Strict):
    """One consumer segment: its share of the population and attribute distributions."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")
    share: float = Field(gt=0.0, le=1.0)
    activity: UnitAttr = UnitAttr(mean=1.0)
    trust: UnitAttr = UnitAttr(mean=0.5)
    price_sensitivity: PositiveAttr = PositiveAttr(mean=1.0)
    share_propensity: UnitAttr = UnitAttr(mean=1.0)
    interest: UnitAttr = UnitAttr(mean=0.5)
    profile: ProfileConfig | None = None


def _default_segments() -> list[SegmentConfig]:
    return [SegmentConfig(name="all", share=1.0)]


class PopulationConfig(Strict):
    """The population table: segments (shares must sum to 1) and tie strength."""

    segments: list[SegmentConfig] = Field(default_factory=_default_segments, min_length=1)
    ties: "TieConfig" = Field(default_factory=lambda: TieConfig())
    #: segments following graph communities (``simulation.homophily``); mixing 0: independent of the graph
    homophily: HomophilyConfig = Field(default_factory=HomophilyConfig)

    @model_validator(mode="after")
    def _shares(self):
        total = sum(s.share for s in self.segments)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"segments: shares must sum to 1, got {total:g}")
        names = [s.name for s in self.segments]
        if len(set(names)) != len(names):
            raise ValueError(f"segments: names must be unique, got {names}")
        check_profiles([s.profile for s in self.segments], names)
        return self


from .ties import TieConfig  # noqa: E402  (ties imports nothing from here; kept below for the forward ref)

PopulationConfig.model_rebuild()


@dataclass
class Population:
    """Consumer attributes as arrays of length n."""

    segment: np.ndarray  # int8, index into names
    names: tuple[str, ...]
    activity: np.ndarray
    trust: np.ndarray
    price_sensitivity: np.ndarray
    share_propensity: np.ndarray
    interest: np.ndarray
    profile: Profiles = field(default_factory=Profiles)  # drawn by the engine (``simulation.profiles``)

    @property
    def n(self) -> int:
        """Number of consumers."""
        return len(self.segment)


def draw_population(cfg: PopulationConfig, n: int, rng: np.random.Generator, graph=None,
                    homophily_rng: np.random.Generator | None = None, graph_cfg=None) -> Population:
    """Draw n consumers: segment by its share, then each attribute from the segment's distribution.

    With ``cfg.homophily.mixing > 0`` segments then follow the communities of ``graph``
    (the run's CSRGraph), drawn from ``homophily_rng`` (the run's ``homophily`` stream);
    ``graph_cfg`` (the scenario's ``[graph]``) gives the blocks of a stochastic_block graph.
    """
    shares = np.array([s.share for s in cfg.segments])
    if len(cfg.segments) == 1:
        seg = np.zeros(n, np.int8)
    else:
        seg = rng.choice(len(shares), size=n, p=shares / shares.sum()).astype(np.int8)
        if cfg.homophily.mixing > 0:
            if graph is None or homophily_rng is None:
                raise ValueError("population.homophily: mixing > 0 needs the graph and the homophily stream")
            sbm = getattr(graph_cfg, "generator", None) == "stochastic_block"
            sizes = graph_cfg.params.get("sizes") if sbm else None
            seg = follow_communities(cfg.homophily, seg, shares / shares.sum(), graph, homophily_rng, sizes)
    arrays = {k: np.empty(n) for k in ("activity", "trust", "price_sensitivity", "share_propensity", "interest")}
    for s_id, s in enumerate(cfg.segments):
        idx = np.flatnonzero(seg == s_id)
        for k, arr in arrays.items():
            arr[idx] = getattr(s, k).draw(rng, len(idx))
    return Population(seg, tuple(s.name for s in cfg.segments), **arrays)
