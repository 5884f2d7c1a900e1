"""KOLs (key opinion leaders): who they are, who follows them, when they post and what it costs.

Selection strategies (``kol.strategy``), for KOLs that are graph nodes:

* ``top_degree`` — the ``count`` nodes with most followers (out-degree);
* ``pagerank`` — highest PageRank (damping 0.85, 50 power iterations on the CSR arrays);
* ``engagement`` — highest expected engaged audience per post, out-degree x
  activity x share propensity (followers of an active, sharing person engage more);
* ``micro`` — uniformly at random among nodes whose out-degree lies in the
  ``micro_band`` quantiles (default 90th-99th percentile: mid-sized audiences);
* ``bridges`` — highest betweenness: NetworkX k-sample ``betweenness_centrality``
  (k = ``bridge_samples``, seeded from the "kol" stream) when n <= ``exact_bridges_max_n``;
  on larger graphs a cheap proxy, the number of pairs of neighbours that are not
  themselves linked, d(d-1)/2 - triangles (the structural holes a node spans; it upper-
  bounds ego-network betweenness, Everett & Borgatti 2005);
* ``random`` — uniformly at random.

External KOLs (``external = true``) are accounts outside the graph: each has
``followers`` followers drawn uniformly without replacement from the population; the
strategy is ignored for them. Graph KOLs' followers are their out-neighbours.

Roster (who the KOLs are and what they cost). Without ``tiers`` or ``roster`` every KOL
has the plan's ``engagement_rate``, ``credibility``, ``fit`` and fee terms. With
``[[kol.tiers]]`` (e.g. mega, macro, micro, KOC) a graph KOL takes the terms of the tier
with the largest ``min_followers`` not above its audience. With ``[[kol.roster]]`` rows
(or ``roster_file``, a CSV with the same columns) the KOLs are exactly those rows: a
graph ``node`` (its out-neighbours follow it) or an external account with
``followers`` random followers; missing terms come from the row's tier, then the plan.
Fee model per KOL, any mix: ``fee_per_post`` (flat), ``cpm`` (per thousand followers
reached by a post) and ``commission_rate`` (x the price paid, per purchase credited to
the KOL), all booked in ``kol_spend``. Brand ``fit`` multiplies a KOL's credibility for
followers whose interest is at least ``fit_interest``.

Budget: with ``budget`` set, the strategy ranks every candidate (graph nodes, or roster
rows by followers for ``top_degree``, by followers x engagement for ``engagement``, at
random for ``random``) and KOLs are taken in that order while their planned cost fits
what is left — planned cost = posts in the window x (fee_per_post + cpm x followers x
engagement_rate / 1000); commissions depend on sales and are not planned — so
strategies compared at one budget spend (about) the same. ``count`` then caps the
number of KOLs (0: no cap).

Platform and targeting: the KOLs live on the platform ``platform`` names (default the
first; ``simulation.platforms``): graph KOLs are chosen and followed on that platform's
graph, and only its members follow any KOL. With a restricting ``target`` block
(``simulation.targeting``) a post reaches, of the followers its engagement draws pick,
only the eligible ones, and each exposure delivered costs ``target.cost_per_exposure``
(payment kind ``kol_target``, ``kol_spend``).

Posting: every KOL posts on day t (``start_day <= t <= end_day``) iff
floor(t * posts_per_week / 7) > floor((t - 1) * posts_per_week / 7): the first post is on
day ceil(7 / posts_per_week) (day 1 only at 7 posts a week), e.g. days 4, 7, 11, 14, ...
at 2 a week. A post reaches each follower (slot s of the audience arrays) iff
``uniform(key, KOL_REACH, s, t) <`` the KOL's engagement rate; a reached, online
follower is exposed with source strength credibility (x fit where it applies).
"""
from __future__ import annotations

import csv
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from numba import njit
from pydantic import Field, ValidationError, model_validator

from .config.base import Label, Money, Probability, Strict, Window
from .graph.csr import CSRGraph
from .targeting import TargetConfig

STRATEGIES = ("top_degree", "pagerank", "engagement", "micro", "bridges", "random")
#: Terms a tier or roster row may set (else the plan's value).
TERMS = ("engagement_rate", "credibility", "fit", "fee_per_post", "cpm", "commission_rate")


class KOLTier(Strict):
    """A tier of KOLs (mega, macro, micro, KOC): its audience threshold and terms."""

    name: str
    min_followers: int = Field(0, ge=0)
    engagement_rate: Probability | None = None
    credibility: Probability | None = None
    fit: float | None = Field(None, ge=0.0)
    fee_per_post: Money | None = None
    cpm: Money | None = None
    commission_rate: Probability | None = None


class RosterRow(KOLTier):
    """One named KOL: a graph node or an external account with ``followers``; ``tier`` names its tier."""

    name: str = ""
    tier: str = ""
    node: int | str | None = None
    followers: int | None = Field(None, ge=0)


class KOLConfig(Window):
    """The KOL plan."""

    count: int = Field(0, ge=0)
    strategy: Literal["top_degree", "pagerank", "engagement", "micro", "bridges", "random"] = "top_degree"
    fee_per_post: Money = 0.0
    posts_per_week: float = Field(1.0, ge=0.0, le=7.0)
    engagement_rate: Probability = 0.05
    credibility: Probability = 0.05
    external: bool = False
    followers: int = Field(1000, ge=0)
    micro_band: tuple[Probability, Probability] = (0.90, 0.99)
    bridge_samples: int = Field(100, ge=1)
    exact_bridges_max_n: int = Field(2000, ge=0)
    cpm: Money = 0.0
    commission_rate: Probability = 0.0
    fit: float = Field(1.0, ge=0.0)
    fit_interest: Probability = 0.5
    budget: Money | None = None
    tiers: list[KOLTier] = Field(default_factory=list)
    roster: list[RosterRow] = Field(default_factory=list)
    roster_file: str | None = None
    #: the platform hosting the KOLs (``[[platforms]]`` name; None: the first platform)
    platform: Label | None = None
    #: who of a KOL's audience a post may reach (segments, interest) and the fee per exposure delivered
    target: TargetConfig = Field(default_factory=TargetConfig)

    @model_validator(mode="after")
    def _check(self):
        if self.micro_band[0] > self.micro_band[1]:
            raise ValueError(f"micro_band: low {self.micro_band[0]} > high {self.micro_band[1]}")
        names = {t.name for t in self.tiers}
        for i, row in enumerate(self.roster):
            if row.tier and row.tier not in names:
                raise ValueError(f"roster[{i}].tier: unknown tier {row.tier!r}; tiers: {sorted(names)}")
            if (row.node is None) == (row.followers is None):
                raise ValueError(f"roster[{i}]: give exactly one of node or followers")
        return self

    def rows(self, base_dir: Path | None = None) -> list[RosterRow]:
        """The explicit roster: ``roster`` rows, then the rows of ``roster_file`` (CSV, header = field names)."""
        rows = list(self.roster)
        if self.roster_file:
            path = Path(self.roster_file)
            if base_dir is not None and not path.is_absolute():
                path = base_dir / path
            try:
                with open(path, newline="", encoding="utf-8") as fh:
                    for line, rec in enumerate(csv.DictReader(fh), start=2):
                        rec = {k.strip(): _csv_cell(v.strip()) for k, v in rec.items()
                               if k and v is not None and v.strip() != ""}
                        try:
                            rows.append(RosterRow.model_validate(rec))
                        except ValidationError as exc:
                            err = exc.errors()[0]
                            where = ".".join(str(x) for x in err["loc"]) or "row"
                            raise ValueError(f"{path}:{line}: {where}: {err['msg']}") from None
            except OSError as exc:
                raise ValueError(f"kol.roster_file: cannot read {path}: {exc.strerror}") from None
        return rows


@dataclass
class KOLs:
    """Chosen KOLs and their audiences (CSR: followers of KOL k are ``followers[indptr[k]:indptr[k+1]]``).

    Per-KOL terms (float64 (k,)): ``engagement_rate``, ``credibility``, ``fit``,
    ``fee_per_post`` (currency), ``cpm`` (currency per thousand reached),
    ``commission_rate``; ``names`` and ``tiers`` (str lists).
    """

    nodes: np.ndarray  # int64 graph ids (-1 for external accounts)
    indptr: np.ndarray  # int64 (k + 1,)
    followers: np.ndarray  # int32
    terms: dict[str, np.ndarray] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Number of KOLs."""
        return len(self.nodes)


@njit(cache=True)
def pagerank(indptr, indices, damping=0.85, iters=50):
    """PageRank by power iteration over out-arcs; dangling mass spread uniformly (float64 (n,))."""
    n = indptr.shape[0] - 1
    pr = np.full(n, 1.0 / n)
    for _ in range(iters):
        nxt = np.zeros(n)
        dangling = 0.0
        for u in range(n):
            d = indptr[u + 1] - indptr[u]
            if d == 0:
                dangling += pr[u]
            else:
                share = pr[u] / d
                for e in range(indptr[u], indptr[u + 1]):
                    nxt[indices[e]] += share
        base = (1.0 - damping) / n + damping * dangling / n
        for v in range(n):
            nxt[v] = base + damping * nxt[v]
        pr = nxt
    return pr


def _structural_holes(graph: CSRGraph) -> np.ndarray:
    from .ties import common_neighbours

    deg = graph.out_degree.astype(np.float64)
    tri = np.bincount(graph.tails, weights=common_neighbours(graph.indptr, graph.indices), minlength=graph.n) / 2.0
    return deg * (deg - 1) / 2.0 - tri


def _top(score: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` ids of highest score, highest first, ties broken by lower node id (int64)."""
    neg = -score
    if 0 < k < len(score):
        # only the k best need sorting: those above the k-th score and the lowest ids tied with it
        kth = np.partition(neg, k - 1)[k - 1]
        if not np.isnan(kth):
            better = np.flatnonzero(neg < kth)
            cand = np.concatenate([better, np.flatnonzero(neg == kth)[:k - len(better)]])
            return cand[np.lexsort((cand, neg[cand]))].astype(np.int64)
    order = np.lexsort((np.arange(len(score)), neg))
    return order[:k].astype(np.int64)


def _ranking(cfg: KOLConfig, graph: CSRGraph, activity: np.ndarray, share_propensity: np.ndarray,
             rng: np.random.Generator, k: int) -> np.ndarray:
    """The first ``k`` graph ids in the strategy's order (int64; samples are sorted by id)."""
    n = graph.n
    deg = graph.out_degree.astype(np.float64)
    s = cfg.strategy
    if s == "top_degree":
        return _top(deg, k)
    if s == "pagerank":
        return _top(pagerank(graph.indptr, graph.indices), k)
    if s == "engagement":
        return _top(deg * activity * share_propensity, k)
    if s == "micro":
        lo, hi = np.quantile(deg, cfg.micro_band)
        pool = np.flatnonzero((deg >= lo) & (deg <= hi))
        if len(pool) < k:
            raise ValueError(f"kol.micro_band: only {len(pool)} nodes in the degree band [{lo:g}, {hi:g}] for {k} KOLs")
        return np.sort(rng.choice(pool, size=k, replace=False)).astype(np.int64)
    if s == "bridges":
        if n <= cfg.exact_bridges_max_n:
            import networkx as nx

            g = nx.DiGraph()
            g.add_nodes_from(range(n))
            g.add_edges_from(zip(graph.tails.tolist(), graph.indices.tolist()))
            bc = nx.betweenness_centrality(g, k=min(cfg.bridge_samples, n), seed=int(rng.integers(2**31)))
            return _top(np.array([bc[i] for i in range(n)]), k)
        return _top(_structural_holes(graph), k)
    return np.sort(rng.choice(n, size=k, replace=False)).astype(np.int64)


def select_kols(cfg: KOLConfig, graph: CSRGraph, activity: np.ndarray, share_propensity: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """Return the graph ids (int64) of the ``cfg.count`` KOLs chosen by ``cfg.strategy``."""
    if cfg.count > graph.n:
        raise ValueError(f"kol.count: cannot choose {cfg.count} KOLs among {graph.n} people")
    if cfg.count == 0:
        return np.empty(0, np.int64)
    return _ranking(cfg, graph, activity, share_propensity, rng, cfg.count)


def _terms(cfg: KOLConfig, row: KOLTier | None) -> dict[str, float]:
    """A KOL's terms: the row's, else its tier's (roster rows), else the plan's."""
    tiers = {t.name: t for t in cfg.tiers}
    out = {}
    for term in TERMS:
        v = getattr(row, term) if row is not None else None
        if v is None and isinstance(row, RosterRow) and row.tier:
            v = getattr(tiers[row.tier], term)
        out[term] = float(getattr(cfg, term) if v is None else v)
    return out


def _tier_of(cfg: KOLConfig, followers: int) -> KOLTier | None:
    """The tier with the largest ``min_followers`` not above ``followers`` (None without tiers)."""
    fit = [t for t in cfg.tiers if t.min_followers <= followers]
    return max(fit, key=lambda t: t.min_followers) if fit else None


def planned_cost(terms: dict[str, float], followers: int, posts: int) -> float:
    """Planned fees of a KOL (currency): posts x (flat fee + CPM x expected followers reached / 1000)."""
    return posts * (terms["fee_per_post"] + terms["cpm"] * followers * terms["engagement_rate"] / 1000.0)


def _within_budget(cfg: KOLConfig, costs, limit: int) -> list[int]:
    """Positions taken in order while each planned cost fits the budget left (at most ``limit``)."""
    left, chosen = cfg.budget, []
    for j, c in enumerate(costs):
        if len(chosen) == limit:
            break
        if c <= left:
            chosen.append(j)
            left -= c
    return chosen


def build_kols(cfg: KOLConfig, graph: CSRGraph, activity: np.ndarray, share_propensity: np.ndarray,
               rng: np.random.Generator, *, posts: int = 0, base_dir: Path | None = None) -> KOLs:
    """Choose the KOLs, their audiences and terms (graph nodes: out-neighbours; external: random followers).

    posts : posts each KOL makes over the run (for the budget's planned costs).
    base_dir : folder a relative ``roster_file`` is read from.
    """
    rows = cfg.rows(base_dir)
    if rows:
        return _from_roster(cfg, rows, graph, rng, posts)
    if cfg.external:
        if cfg.followers > graph.n:
            raise ValueError(f"kol.followers: {cfg.followers} followers exceed the population of {graph.n}")
        lists = [np.sort(rng.choice(graph.n, size=cfg.followers, replace=False)) for _ in range(cfg.count)]
        nodes = np.full(cfg.count, -1, np.int64)
    elif cfg.budget is not None:
        limit = cfg.count if cfg.count > 0 else graph.n
        order = _ranking(cfg, graph, activity, share_propensity, rng, _candidates(cfg, graph))
        if cfg.strategy in ("micro", "random"):
            order = rng.permutation(order)  # a random order of the sampled pool, not by id
        deg = graph.out_degree
        costs = (planned_cost(_terms(cfg, _tier_of(cfg, int(deg[v]))), int(deg[v]), posts) for v in order)
        nodes = order[_within_budget(cfg, costs, limit)].astype(np.int64)
        lists = [graph.indices[graph.indptr[v]:graph.indptr[v + 1]] for v in nodes]
    else:
        nodes = select_kols(cfg, graph, activity, share_propensity, rng)
        lists = [graph.indices[graph.indptr[v]:graph.indptr[v + 1]] for v in nodes]
    tiers = [_tier_of(cfg, len(x)) for x in lists]
    terms = [_terms(cfg, t) for t in tiers]
    names = [f"node {v}" if v >= 0 else f"external {k}" for k, v in enumerate(nodes)]
    return _assemble(nodes, lists, terms, names, [t.name if t is not None else "" for t in tiers])


def _candidates(cfg: KOLConfig, graph: CSRGraph) -> int:
    """How many ranked candidates a budgeted strategy looks at (everyone; the micro band's size)."""
    if cfg.strategy != "micro":
        return graph.n
    deg = graph.out_degree.astype(np.float64)
    lo, hi = np.quantile(deg, cfg.micro_band)
    return int(np.count_nonzero((deg >= lo) & (deg <= hi)))


def _from_roster(cfg: KOLConfig, rows: list[RosterRow], graph: CSRGraph, rng: np.random.Generator,
                 posts: int) -> KOLs:
    """KOLs from explicit roster rows, in the strategy's order under the budget when one is set."""
    lists = []
    for i, row in enumerate(rows):
        if row.node is not None:
            v = _node_id(graph, row.node)
            lists.append(graph.indices[graph.indptr[v]:graph.indptr[v + 1]])
        else:
            if row.followers > graph.n:
                raise ValueError(f"kol.roster[{i}].followers: {row.followers} exceed the population of {graph.n}")
            lists.append(np.sort(rng.choice(graph.n, size=row.followers, replace=False)))
    terms = [_terms(cfg, row) for row in rows]
    take = list(range(len(rows)))
    if cfg.budget is not None:
        size = np.array([len(x) for x in lists], np.float64)
        if cfg.strategy == "top_degree":
            take = list(np.lexsort((np.arange(len(rows)), -size)))
        elif cfg.strategy == "engagement":
            take = list(np.lexsort((np.arange(len(rows)), -size * np.array([t["engagement_rate"] for t in terms]))))
        elif cfg.strategy == "random":
            take = list(rng.permutation(len(rows)))
        else:
            raise ValueError(f"kol.strategy: {cfg.strategy!r} needs graph KOLs; a roster is ranked by "
                             "top_degree, engagement or random")
        limit = cfg.count if cfg.count > 0 else len(rows)
        take = [take[j] for j in _within_budget(cfg, (planned_cost(terms[j], len(lists[j]), posts) for j in take), limit)]
    nodes = np.array([_node_id(graph, rows[j].node) if rows[j].node is not None else -1 for j in take], np.int64)
    return _assemble(nodes, [lists[j] for j in take], [terms[j] for j in take],
                     [rows[j].name or f"roster {j}" for j in take], [rows[j].tier for j in take])


def _node_id(graph: CSRGraph, label: int | str) -> int:
    """Internal id of a roster node label (a CSV's "12" also finds the integer label 12)."""
    try:
        return int(graph.ids([label])[0])
    except ValueError:
        if isinstance(label, str) and label.lstrip("-").isdigit():
            return int(graph.ids([int(label)])[0])
        raise


def _assemble(nodes, lists, terms, names, tiers) -> KOLs:
    indptr = np.zeros(len(lists) + 1, np.int64)
    np.cumsum([len(x) for x in lists], out=indptr[1:])
    followers = np.concatenate(lists).astype(np.int32) if lists else np.empty(0, np.int32)
    per_kol = {t: np.array([x[t] for x in terms], np.float64) for t in TERMS}
    return KOLs(np.asarray(nodes, np.int64), indptr, followers, per_kol, list(names), list(tiers))


def posts_in_window(cfg: KOLConfig, days: int) -> int:
    """Posts each KOL makes over a horizon of ``days`` days."""
    return sum(posts_on(t, cfg.posts_per_week) for t in range(1, days + 1) if cfg.active(t))


def posts_on(day: int, posts_per_week: float) -> bool:
    """True when a KOL with ``posts_per_week`` posts on ``day`` (evenly spread; first post on day ceil(7 / rate))."""
    # math.floor of a Python float: the same integer as np.floor, without a NumPy scalar per call
    return math.floor(day * posts_per_week / 7.0 + 1e-9) > math.floor((day - 1) * posts_per_week / 7.0 + 1e-9)


def _csv_cell(text: str):
    """A roster CSV cell as the TOML value it spells (number, true/false), else the text itself.

    CSV has no types; the schema's types are strict (no text for numbers), so a cell that
    is a TOML number or boolean literal becomes one.
    """
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
