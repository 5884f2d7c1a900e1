"""Choose a KOL subset of the roster under a fee budget: lazy greedy (CELF) on the simulated objective.

The candidates are the scenario's roster rows. During the search every candidate set is
run with the *whole* roster in place, the rows left out muted (engagement rate, fees,
CPM and commission 0: they reach nobody and cost nothing), so each KOL keeps the same
audience draw in every set and marginal gains are paired on common random numbers. The
chosen plan keeps only its rows. A row's cost is its planned fee
(``simulation.kol.planned_cost``), averaged over the search replications' graphs for
graph-node rows (a generated graph differs by replication).

``rule = "both"`` runs the unit-gain and the gain-per-fee greedy and keeps the set with
the better objective (Leskovec et al. 2007's CELF; the better of the two is within
(1 − 1/e)/2 of the budgeted optimum on a submodular objective).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulation.config.scenario import Scenario
from simulation.greedy import GreedyResult, budgeted_lazy_greedy
from simulation.kol import _terms, planned_cost, posts_in_window
from simulation.optimize.config import Optimization
from simulation.optimize.evaluate import Evaluation, Evaluator, paired_difference
from simulation.seeding import run_seed, substream

MUTE = {"engagement_rate": 0.0, "fee_per_post": 0.0, "cpm": 0.0, "commission_rate": 0.0}


@dataclass
class KolPick:
    """One pick: the roster row, its fee, the marginal gain and its paired interval."""

    row: int
    name: str
    fee: float
    gain: float
    low: float
    high: float


@dataclass
class KolOutcome:
    """The chosen rows (roster indices), the picks of each rule and the oracle calls spent."""

    rows: list[int]
    rule: str
    picks: list[KolPick]
    by_rule: dict[str, GreedyResult] = field(default_factory=dict)
    fees: np.ndarray | None = None
    names: list[str] = field(default_factory=list)
    budget: float = 0.0
    n_sets: int = 0  # distinct KOL sets evaluated (the rules share their evaluations)


def roster_rows(opt: Optimization) -> list[dict]:
    """The scenario's roster rows (``roster`` then ``roster_file``) as plain data."""
    sc = Scenario.model_validate(copy.deepcopy(opt.base))
    return [r.model_dump(mode="json", exclude_none=True) for r in sc.kol.rows(Path(opt.base_dir) if opt.base_dir else None)]


def _kol_base(opt: Optimization, rows: list[dict]) -> dict:
    data = copy.deepcopy(opt.base)
    data["kol"].update(roster=rows, roster_file=None, budget=None, count=0)
    return data


def search_scenario(opt: Optimization, rows: list[dict], chosen) -> dict:
    """The search form of a set: every row present, those not in ``chosen`` muted."""
    keep = set(chosen)
    return _kol_base(opt, [r if j in keep else {**r, **MUTE} for j, r in enumerate(rows)])


def plan_scenario(opt: Optimization, rows: list[dict], chosen) -> dict:
    """The plan form of a set: only the chosen rows, in roster order."""
    return _kol_base(opt, [r for j, r in enumerate(rows) if j in set(chosen)])


def planned_fees(opt: Optimization, rows: list[dict]) -> np.ndarray:
    """Each row's planned fee (currency), averaged over the search replications' graphs for node rows."""
    sc = Scenario.model_validate(_kol_base(opt, rows))
    sc._base_dir = Path(opt.base_dir) if opt.base_dir else None
    posts = posts_in_window(sc.kol, sc.days)
    fees = np.zeros(len(rows))
    node_rows = [j for j, r in enumerate(sc.kol.roster) if r.node is not None]
    for j, r in enumerate(sc.kol.roster):
        if r.node is None:
            fees[j] = planned_cost(_terms(sc.kol, r), int(r.followers), posts)
    if node_rows:
        from simulation.kol import _node_id

        reps = range(opt.spec.replications)
        for rep in reps:
            g = sc.graph.build(substream(run_seed(opt.spec.seed, rep), "graph"), base_dir=sc.base_dir)
            deg = g.out_degree
            for j in node_rows:
                r = sc.kol.roster[j]
                fees[j] += planned_cost(_terms(sc.kol, r), int(deg[_node_id(g, r.node)]), posts) / len(reps)
    return fees


def search_kols(opt: Optimization, evaluator: Evaluator) -> KolOutcome:
    """Run CELF with the configured rule(s) and return the better set with each pick's paired gain."""
    spec = opt.spec
    objective = opt.objectives[0]
    rows = roster_rows(opt)
    names = [r.get("name") or f"roster {j}" for j, r in enumerate(rows)]
    fees = planned_fees(opt, rows)
    budget = spec.kols.budget if spec.kols.budget is not None else float(opt.base["kol"]["budget"])
    reps = range(spec.replications)
    cache: dict[frozenset, Evaluation] = {}

    def evaluate(sets: list[frozenset]) -> list[Evaluation]:
        todo = [s for s in dict.fromkeys(sets) if s not in cache]
        for s, ev in zip(todo, evaluator.evaluate([search_scenario(opt, rows, s) for s in todo], reps)):
            cache[s] = ev
        return [cache[s] for s in sets]

    def value(s: frozenset) -> float:
        return evaluate([s])[0].mean(objective.metric, objective.sign)

    def gain(v: int, chosen: tuple) -> float:
        base = frozenset(chosen)
        if spec.kols.max_kols is not None and len(base) >= spec.kols.max_kols:
            return -np.inf
        return value(base | {v}) - value(base)

    empty = frozenset()
    singles = [frozenset({j}) for j in range(len(rows))]
    evaluate([empty] + singles)  # the first round in one parallel batch
    first = [value(s) - value(empty) for s in singles]
    rules = {"both": ["gain", "gain_per_fee"]}.get(spec.kols.rule, [spec.kols.rule])
    by_rule = {r: budgeted_lazy_greedy(gain, range(len(rows)), fees, budget, per_cost=(r == "gain_per_fee"),
                                       first_gains=first) for r in rules}
    best = max(rules, key=lambda r: (value(frozenset(by_rule[r].picks)), -rules.index(r)))
    chosen: list[int] = []
    picks = []
    for j, g in zip(by_rule[best].picks, by_rule[best].gains):
        before, after = evaluate([frozenset(chosen), frozenset(chosen + [j])])
        d = paired_difference(after, before, objective.metric)
        chosen.append(j)
        sign = objective.sign
        lo, hi = sorted((sign * d["low"], sign * d["high"]))
        picks.append(KolPick(j, names[j], float(fees[j]), float(g), lo, hi))
    return KolOutcome(sorted(chosen), best, picks, by_rule, fees, names, float(budget), len(cache))
