"""Re-evaluate the chosen plan on fresh seeds and compare it with the baseline and the best grid point.

The search picked its plan as the best of many noisy estimates on the search
replications, so its estimate there is biased upwards (the optimiser's curse). Here the
plan, the baseline (the scenario as given) and the best grid point are run again on
replications ``R .. R + V - 1`` (R search, V validation replications: seeds the search
never saw) with common random numbers among them, and compared pair by pair (paired t,
95 %).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from simulation.optimize.config import Optimization
from simulation.optimize.evaluate import Evaluation, Evaluator, paired_difference


@dataclass
class Comparison:
    """Fresh-seed evaluations by name (``plan``, ``baseline``, ``best grid point``) and paired differences."""

    evaluations: dict[str, Evaluation]
    differences: dict[str, dict[str, dict]] = field(default_factory=dict)  # other -> metric -> paired_t
    replications: tuple[int, ...] = ()


def fresh_replications(opt: Optimization) -> range:
    """The validation replications: after the search's, so their seeds are new."""
    r = opt.spec.replications
    return range(r, r + opt.spec.validation_replications)


def best_grid_point(opt: Optimization, evaluator: Evaluator) -> tuple[int, list[Evaluation]] | None:
    """Run every grid point on the search replications; return the best one's index (first objective) and all."""
    if not opt.grid_points:
        return None
    evs = evaluator.evaluate([opt.scenario_with(p) for p in opt.grid_points], range(opt.spec.replications))
    o = opt.objectives[0]
    best = max(range(len(evs)), key=lambda i: (evs[i].mean(o.metric, o.sign), -i))
    return best, evs


def validate(opt: Optimization, evaluator: Evaluator, plans: dict[str, dict]) -> Comparison:
    """Run ``plans`` (name -> scenario; must include ``plan``) on fresh seeds; plan − each other, paired."""
    reps = fresh_replications(opt)
    names = list(plans)
    evs = dict(zip(names, evaluator.evaluate([plans[n] for n in names], reps)))
    metrics = [o.metric for o in opt.objectives] + (["spend"] if "spend" not in [o.metric for o in opt.objectives] else [])
    diffs = {n: {m: paired_difference(evs["plan"], evs[n], m) for m in metrics} for n in names if n != "plan"}
    return Comparison(evs, diffs, tuple(reps))
