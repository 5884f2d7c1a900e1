"""``SocialCommerceModel``: the Mesa 3 face of the engine (same day step, no second implementation).

Consumers stay arrays inside ``simulation.engine.Engine``; each ``Mesa`` step calls
``Engine.step()`` (the rules of a day are written once, in ``simulation.engine``'s
docstring) and a ``mesa.DataCollector`` records model-level series. KOLs are Mesa
agents (``KOLAgent``) so they can be inspected or visualised; they hold no hot-loop state.
"""
from __future__ import annotations

import mesa
import numpy as np

from .config.scenario import Scenario, default_scenario
from .engine import Engine, RunResult
from .ledger import PAYMENT_KINDS
from .metrics import OPERATION_SERIES
from .seeding import SeedLike, as_seed_sequence

#: Model-level series collected after every step (the engine's, then each operation model's declared series).
REPORTED = ("exposed", "interested", "buyers", "sharers", "new_buyers", "purchases", "revenue",
            "incentive_spend", "kol_spend", "spend", "profit") + OPERATION_SERIES
#: Payment kind codes paid to KOLs (fees per post, per thousand reached, commission).
KOL_KINDS = [code for code, series in enumerate(PAYMENT_KINDS.values()) if series == "kol_spend"]


class KOLAgent(mesa.Agent):
    """A KOL: its graph node (-1 when external), audience size and fees paid so far."""

    def __init__(self, model: "SocialCommerceModel", index: int, node: int, followers: int):
        super().__init__(model)
        self.index = index
        self.node = node
        self.followers = followers

    @property
    def fees_paid(self) -> float:
        """Fees (currency) paid to this KOL so far."""
        pay = [self.model.engine._payments.table()]
        return float(sum(p["amount"][np.isin(p["kind"], KOL_KINDS) & (p["payee"] == self.index)].sum() for p in pay))


class SocialCommerceModel(mesa.Model):
    """One run of a scenario as a Mesa model.

    Parameters
    ----------
    scenario : a validated ``Scenario`` (default: the embedded default scenario).
    seed : the run's SeedSequence or a non-negative int (as for ``simulate``).
    graph : optional prebuilt CSRGraph.
    """

    def __init__(self, scenario: Scenario | None = None, seed: SeedLike = 0, graph=None):
        ss = as_seed_sequence(seed)
        # Mesa keeps its own Generator; derive its int seed from the run so nothing is unseeded.
        super().__init__(seed=int(ss.generate_state(1, np.uint32)[0]))
        self.scenario = scenario if scenario is not None else default_scenario()
        self.engine = Engine(self.scenario, ss, graph=graph)
        k = self.engine.kols
        for j in range(k.count):
            KOLAgent(self, j, int(k.nodes[j]), int(k.indptr[j + 1] - k.indptr[j]))
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in REPORTED})
        self.datacollector.collect(self)
        self.running = self.engine.days > 0

    @property
    def day(self) -> int:
        """Days simulated so far (0 = only seeding)."""
        return self.engine.day

    def step(self) -> None:
        """Simulate one day and collect the series."""
        self.engine.step()
        self.datacollector.collect(self)
        self.running = self.engine.day < self.engine.days

    def result(self, keep_state: bool = False) -> RunResult:
        """The run's result so far (same as ``simulate`` once the horizon is reached)."""
        return self.engine.result(keep_state)


def _reporter(name: str):
    def report(model: SocialCommerceModel) -> float:
        return float(model.engine.daily[name][model.engine.day])

    report.__name__ = f"report_{name}"
    return report
