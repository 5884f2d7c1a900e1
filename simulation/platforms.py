"""Platforms as layers over one population: their configuration, their set-up and their day's exposures.

The population is the n people of the scenario ``graph`` (that graph also carries social
proof, negative word of mouth and the operation models' friend mechanics). A scenario may
declare ``[[platforms]]`` (multilayer diffusion): each platform is a layer over those same
people with

* its own graph (``graph``: a generator of n nodes, node i = person i, or an edge-list
  file whose labels are the population's labels; omitted: the scenario graph itself) and
  its own tie strengths (``population.ties`` drawn on its arcs), or the scenario's when
  the graph is the scenario's; set-up draws of platform p come from ``platform_seed(ss,
  p, what)`` (children of the run's "platforms" sub-stream: membership, graph, ties);
* membership: person i is on it with probability ``members`` (or
  ``members_by_segment[segment]``), no draw when every probability is 1; arcs with a
  non-member end are dropped;
* share behaviour: a sharer who is a member shares here with probability ``share.rate``
  and a share over arc e reaches its head with ``share.strength x w_e`` (capped at 1);
* an algorithmic feed: ``feed.rate`` of the members are shown the product each day with
  source strength ``feed.strength``; with ``feed.interest_weight`` = omega > 0 the feed
  is personalised — member i is shown it with probability
  ``min(1, rate * exp(omega * (interest_i - 0.5)) / mean over members)``;
* paid ads (a marketing lever, off in the counterfactual): ``ads.budget`` per day buys
  ``budget / target.cost_per_exposure`` impressions spread over the eligible members
  (``simulation.targeting``: segments and interest threshold), each with source strength
  ``ads.strength``; every impression is paid (payment kind ``platform_ads``, ledger line
  ``ads_spend``), attribution channel ``ads``;
* KOLs (``kol.platform`` names the platform hosting the scenario's KOLs; default the
  first): audiences are built on that platform's graph and members;
* the operation models' paid levers (``operations.event.campaign.platform``,
  ``.flash_sale.platform``, ``.coupon.platform``, ``operations.content.platform``,
  ``operations.crossover.platform``; default the first): their people are drawn exactly
  as without platforms and then only the platform's members are kept (like a ``target``
  block, ``simulation.targeting``), and their batches carry that platform. Any config
  field named ``platform`` under ``operations`` is such a lever and is checked by name
  (``check_lever_platforms``).

Random numbers (``simulation.engine`` docstring, phase 1): the first platform (index 0)
uses exactly today's counters, so a first platform that mirrors today's settings (no
graph, everyone a member, share rate and strength 1, ``feed`` = the funnel's platform
rate and strength, no ads) reproduces a scenario without platforms draw for draw. Later
platforms offset their friend-share arc counters by the arcs of the platforms before
them and put the platform index and the kind of draw in the high bits of the ``b``
counter (``layer_b``), so no two platforms ever share a draw.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field, model_validator

from .config.base import Label, Money, Probability, Strict, Window
from .config.graph import GraphConfig
from .graph.csr import CSRGraph
from .targeting import TargetConfig, eligible

#: Kinds of draw in a later platform's ``b`` counter (``layer_b``).
KIND_FEED, KIND_ADS, KIND_SHARE, KIND_THIN = 0, 1, 2, 3
#: At most this many platforms (the platform index lives in bits 40.. of ``b``).
MAX_PLATFORMS = 64


class ShareConfig(Strict):
    """Who shares on a platform and how strongly a share there reaches friends.

    rate : probability a sharer who is a member shares on this platform (per share).
    strength : multiplier of the tie strength of this platform's arcs (result capped at 1).
    """

    rate: Probability = 1.0
    strength: float = Field(1.0, ge=0.0, le=100.0)


class FeedConfig(Strict):
    """The platform's algorithmic feed (organic: it stays in the counterfactual).

    rate : share of the members shown the product per day; strength : source strength;
    interest_weight : omega of the personalised feed (0: uniform over members).
    """

    rate: Probability = 0.0
    strength: Probability = 0.05
    interest_weight: float = Field(0.0, ge=0.0, le=20.0)


class AdsConfig(Window):
    """Paid ads on the platform inside the window: a daily budget spent on impressions at a cost each.

    budget : currency per day, the expected spend (impressions are drawn at the rate the budget buys,
    so a day's spend varies binomially around it and the run's total can exceed budget x days a little);
    strength : source strength of an impression;
    target : who may see them and ``cost_per_exposure`` (currency per impression).
    """

    budget: Money = 0.0
    strength: Probability = 0.02
    target: TargetConfig = Field(default_factory=TargetConfig)

    @model_validator(mode="after")
    def _priced(self):
        if self.budget > 0 and self.target.cost_per_exposure <= 0:
            raise ValueError("target.cost_per_exposure: must be > 0 when ads.budget > 0 (the budget buys impressions)")
        return self


class PlatformConfig(Strict):
    """One platform (a layer over the population); see the module docstring."""

    name: Label
    graph: GraphConfig | None = None
    members: Probability = 1.0
    members_by_segment: dict[str, Probability] = Field(default_factory=dict)
    share: ShareConfig = Field(default_factory=ShareConfig)
    feed: FeedConfig = Field(default_factory=FeedConfig)
    ads: AdsConfig = Field(default_factory=AdsConfig)


def check_platforms(platforms: list[PlatformConfig], segment_names: list[str], kol_platform: str | None,
                    platform_rate: float, operations: BaseModel | None = None) -> None:
    """Raise ValueError (naming the field) if the declared platforms do not fit the scenario.

    operations : the scenario's ``operations`` block, whose levers' ``platform`` names are checked.
    """
    if operations is not None:
        check_lever_platforms(operations, [p.name for p in platforms], "operations")
    if not platforms:
        if kol_platform is not None:
            raise ValueError(f"kol.platform: {kol_platform!r} names no platform (no [[platforms]] declared)")
        return
    if len(platforms) > MAX_PLATFORMS:
        raise ValueError(f"platforms: at most {MAX_PLATFORMS} platforms, got {len(platforms)}")
    names = [p.name for p in platforms]
    if len(set(names)) != len(names):
        raise ValueError(f"platforms: names must be unique, got {names}")
    if platform_rate > 0:
        raise ValueError("funnel.platform_rate: with [[platforms]] declared, set each platform's feed.rate instead")
    if kol_platform is not None and kol_platform not in names:
        raise ValueError(f"kol.platform: unknown platform {kol_platform!r}; platforms: {names}")
    for i, p in enumerate(platforms):
        unknown = sorted(set(p.members_by_segment) - set(segment_names))
        if unknown:
            raise ValueError(f"platforms.{i}.members_by_segment: unknown segment(s) {unknown}; "
                             f"segments: {segment_names}")
        bad = sorted(set(p.ads.target.segments) - set(segment_names))
        if bad:
            raise ValueError(f"platforms.{i}.ads.target.segments: unknown segment(s) {bad}; segments: {segment_names}")


def check_lever_platforms(node, names: list[str], path: str) -> None:
    """Raise ValueError naming the field of any ``platform`` field under ``node`` (a config model)
    that names no declared platform (``names``; a field left None means the first platform)."""
    if not isinstance(node, BaseModel):
        return
    for field in type(node).model_fields:
        value, where = getattr(node, field), f"{path}.{field}"
        if field == "platform" and isinstance(value, str):
            if not names:
                raise ValueError(f"{where}: {value!r} names no platform (no [[platforms]] declared)")
            if value not in names:
                raise ValueError(f"{where}: unknown platform {value!r}; platforms: {names}")
        else:
            check_lever_platforms(value, names, where)


def layer_b(p: int, kind: int, b: int) -> int:
    """The ``b`` counter of platform ``p``'s draw of ``kind`` whose first platform's counter is ``b``.

    Platform 0 keeps ``b`` for its feed (today's counters) and sets bit 32 + kind for its
    other draws; platform p > 0 adds ``p << 40``. ``b`` < 2**32 (days x 16 always are).
    """
    if p == 0 and kind == KIND_FEED:
        return b
    return (p << 40) + (kind << 32) + b


@dataclass
class Layer:
    """One platform at run time.

    graph : its CSR over the n people (arcs between members only); w : float64 (m,) the
    strength of a share over each arc; arc0 : friend-share arc counter offset; member :
    bool (n,) or None (everyone); feed_p : float64 (n,) personalised pick probability or
    None; ads_mask : bool (n,) eligible members or None; ads_rate : daily impression
    probability of an eligible member.
    """

    index: int
    name: str
    graph: CSRGraph
    w: np.ndarray
    arc0: int
    member: np.ndarray | None
    share_rate: float
    feed_rate: float
    feed_strength: float
    feed_p: np.ndarray | None = None
    ads: AdsConfig | None = None
    ads_mask: np.ndarray | None = None
    ads_rate: float = 0.0

    def keep(self, people: np.ndarray) -> np.ndarray:
        """The members among ``people`` (ids)."""
        return people if self.member is None else people[self.member[people]]

    def within(self, mask: np.ndarray | None) -> np.ndarray | None:
        """The members among the people ``mask`` allows (bool (n,); None: everybody), None when that is everybody."""
        if self.member is None:
            return mask
        return self.member if mask is None else mask & self.member


def restrict(graph: CSRGraph, w: np.ndarray, member: np.ndarray | None) -> tuple[CSRGraph, np.ndarray]:
    """The arcs of ``graph`` (and their strengths ``w``) whose both ends are members."""
    if member is None:
        return graph, w
    keep = member[graph.tails] & member[graph.indices]
    counts = np.bincount(graph.tails[keep], minlength=graph.n)
    indptr = np.zeros(graph.n + 1, np.int64)
    np.cumsum(counts, out=indptr[1:])
    attrs = {k: v[keep] for k, v in graph.edge_attrs.items()}
    return CSRGraph(indptr, graph.indices[keep], graph.labels, graph.directed, attrs), w[keep]


def on_population(layer_graph: CSRGraph, population: CSRGraph, where: str, from_file: bool) -> CSRGraph:
    """``layer_graph`` with its nodes mapped to the population's ids (file: by label; generator: node i = person i)."""
    from .graph.arcs import csr_from_arcs

    if not from_file:
        if layer_graph.n != population.n:
            raise ValueError(f"{where}: the generator makes {layer_graph.n} nodes but the population "
                             f"(the scenario graph) has {population.n} people")
        return layer_graph
    try:
        ids = population.ids(layer_graph.labels.tolist())
    except ValueError as exc:
        raise ValueError(f"{where}: {exc} (a platform's nodes must be people of the scenario graph)") from None
    attrs = dict(layer_graph.edge_attrs)
    return csr_from_arcs(population.n, ids[layer_graph.tails], ids[layer_graph.indices],
                         directed=layer_graph.directed, labels=population.labels, attrs=attrs)


def membership(cfg: PlatformConfig, segment: np.ndarray, names: tuple[str, ...],
               rng: np.random.Generator) -> np.ndarray | None:
    """Bool (n,) of the platform's members, or None when everybody is (then nothing is drawn)."""
    prob = np.array([cfg.members_by_segment.get(s, cfg.members) for s in names])
    if (prob >= 1.0).all():
        return None
    return rng.random(len(segment)) < prob[segment]


#: What a platform's set-up seed is for (``platform_seed``).
SEED_MEMBERS, SEED_GRAPH, SEED_TIES = 0, 1, 2


def platform_seed(ss: np.random.SeedSequence, p: int, what: int) -> np.random.SeedSequence:
    """The set-up seed of platform ``p`` for ``what`` (SEED_*): a child of the run's "platforms" sub-stream."""
    from .seeding import substream

    base = substream(ss, "platforms")
    return np.random.SeedSequence(base.entropy, spawn_key=tuple(base.spawn_key) + (int(p), int(what)))


def build_layers(sc, ss, graph: CSRGraph, w: np.ndarray, pop, base_dir=None,
                 built: dict[int, CSRGraph] | None = None) -> list[Layer]:
    """The run's platform layers (one mirroring the funnel's platform when none is declared).

    sc : the Scenario; ss : the run SeedSequence; graph, w : the scenario graph and its tie
    strengths; pop : the Population; base_dir : folder of relative graph files; built :
    platform index -> its own graph on the population, filled here when built and reused
    when present (the paired counterfactual converts no graph twice).
    """
    built = {} if built is None else built
    from .ties import tie_strength

    def rng(p, what):
        return np.random.Generator(np.random.PCG64(platform_seed(ss, p, what)))

    fn = sc.funnel
    if not sc.platforms:
        return [Layer(0, "platform", graph, w, 0, None, 1.0, fn.platform_rate, fn.platform_strength)]
    out: list[Layer] = []
    arc0 = 0
    for p, cfg in enumerate(sc.platforms):
        where = f"platforms.{p}.graph"
        member = membership(cfg, pop.segment, pop.names, rng(p, SEED_MEMBERS))
        if cfg.graph is None:
            g, wp = graph, w
        else:
            if p not in built:
                built[p] = on_population(cfg.graph.build(platform_seed(ss, p, SEED_GRAPH), base_dir=base_dir), graph,
                                         where, cfg.graph.file is not None)
            g = built[p]
            wp = tie_strength(sc.population.ties, g, rng(p, SEED_TIES))
        g, wp = restrict(g, wp, member)
        if cfg.share.strength != 1.0:
            wp = np.minimum(1.0, wp * cfg.share.strength)
        layer = Layer(p, cfg.name, g, wp, arc0, member, cfg.share.rate, cfg.feed.rate, cfg.feed.strength)
        arc0 += g.m
        if cfg.feed.rate > 0 and cfg.feed.interest_weight > 0:
            score = np.exp(cfg.feed.interest_weight * (pop.interest - 0.5))
            mean = score[member].mean() if member is not None and member.any() else score.mean()
            layer.feed_p = np.minimum(1.0, cfg.feed.rate * score / mean)
        if cfg.ads.budget > 0:
            mask = layer.within(eligible(cfg.ads.target, pop.segment, pop.names, pop.interest))
            audience = graph.n if mask is None else int(np.count_nonzero(mask))
            layer.ads, layer.ads_mask = cfg.ads, mask
            layer.ads_rate = min(1.0, cfg.ads.budget / (cfg.ads.target.cost_per_exposure * audience)) if audience else 0.0
        out.append(layer)
    return out


def restrict_audience(indptr: np.ndarray, followers: np.ndarray, member: np.ndarray | None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """KOL audiences (CSR ``indptr``, ``followers``) without the non-members of the hosting platform."""
    if member is None:
        return indptr, followers
    keep = member[followers]
    kol = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    out = np.zeros_like(indptr)
    np.cumsum(np.bincount(kol[keep], minlength=len(indptr) - 1), out=out[1:])
    return out, followers[keep]


def platform_names(sc) -> tuple[str, ...]:
    """The declared platforms' names (empty without ``[[platforms]]``: no per-platform outputs)."""
    return tuple(p.name for p in sc.platforms)


def layer_index(sc, name: str | None) -> int:
    """Index of the platform ``name`` (a lever's ``platform`` field, checked at validation; None: the first)."""
    return 0 if name is None else platform_names(sc).index(name)


def kol_layer(sc) -> int:
    """Index of the platform hosting the KOLs (``kol.platform``; default the first)."""
    return layer_index(sc, sc.kol.platform)
