"""The market's day: our product, our other products and the rival's, stepped in lockstep.

A market is a product axis of ``simulation.engine.Engine`` runs: one engine per product
(0 = ours, the scenario's ``[product]``; then ``[[products]]`` in order; then the rival
brand's, ``[rival]``), each with its own per-person state, all on the same graph, the
same population and the same tie strengths (one world, built once by product 0).

Set-up (day 0): each engine seeds as ``simulation.engine`` says (the other products
with their own ``seeding``; ours with the scenario's). Our other product i runs
``simulation.config.scenario.product_scenario(scenario, i)``: our world with its own
product, seeding, KOLs and operation models (none of ours: our KOLs, operation models
and paid ads promote our product only). Then the couplings are attached
(``simulation.market.coupling``), in this order:

* every own product j with ``relation`` complement or substitute (``factor`` != 1):
  ``Relation`` rows ours -> j and j -> ours (symmetric factor);
* substitution within our product's category (``in_market``: ours, our substitutes, the
  rival's), when ``market.substitution`` < 1: for every other pair a < b in product
  order — ours and the rival, each substitute of ours and the rival, two substitutes of
  ours — ``Relation`` rows a -> b and b -> a (factor ``substitution``; ours and our
  substitute j keep j's own ``factor``). Complements (and independent products) relate
  to our product only, by their ``factor``: a case for our phone is not a case for the
  rival's, nor for our lite phone;
* the rival, when ``market.negative_switch`` > 0: ``NegativeSwitch`` rows in the rival
  (negative words heard about our products) and in ours (about the rival's);
* every own product j with ``cross_sell`` > 0: ``CrossSell`` ours -> j and j -> ours;
* every own product j with ``bundle_rate`` > 0: ``Bundle`` on ours, ``BundleTake`` on j.

A product with ``launch_day`` L > 1 does nothing before day L and its seeds buy on day L
(``simulation.engine``, launch): its series are 0 before L.

Day t = 1..days:
1. *Online today* is one fact per person: ours decides it (``uniform(key_ours, ONLINE,
   i, t) < activity_i``, ``simulation.engine`` phase 1) and every other engine reads the
   same 0/1 activity for day t (so the other products draw no online numbers).
2. The engines step (all phases 0-5 of ``simulation.engine``; nothing before a
   product's launch) in product order: ours, our other products, the rival. Everything
   one engine reads of another during day t is its state at the end of day t-1, except
   the bundle (decided at our booking on day t, booked by the bundled product the same
   day).
3. End of day: every coupling updates, in attachment order (factor rows from today's
   first purchases, negative words heard so far, tomorrow's cross-sell recipients), so
   they act from day t+1 on. A person may buy two substitutes on the same day (both
   decisions read yesterday's state).

Readouts: ``simulation.market.share``. The paired counterfactual (``organic``) switches
OUR levers off — our KOLs and operation models (``simulation.counterfactual.organic``),
those of each of our other products, cross-sell and bundles — while the rival keeps all
of its own: the honest question is what our plan earns against a competitor that does
not stop. With every lever of the brand off both markets are the same run
(``incremental_brand_profit`` = 0 exactly).
"""
from __future__ import annotations

import numpy as np

from .. import counterfactual as cf
from ..config.scenario import Scenario, product_scenario, rival_scenario
from ..engine import Engine, RunResult, simulate
from ..graph.csr import CSRGraph
from ..kernels import funnel as F
from ..kernels.random import ONLINE
from ..seeding import SeedLike, as_seed_sequence
from . import share
from .coupling import Bundle, BundleTake, Coupling, CrossSell, NegativeSwitch, Relation, new_buyers
from .seeds import product_seed


def is_market(sc: Scenario) -> bool:
    """Whether ``sc`` runs as a market (``market.enabled``, other products or a rival)."""
    return sc.market.enabled or bool(sc.products) or sc.rival is not None


class Market:
    """The engines of one market run and their couplings (the module docstring is the specification)."""

    def __init__(self, scenario: Scenario, seed: SeedLike, *, graph: CSRGraph | None = None,
                 rival: Scenario | None = None):
        """``rival``: the rival's scenario (default ``rival_scenario(scenario)``; the counterfactual
        passes the real run's, so switching our levers off never touches the rival's)."""
        self.scenario = sc = scenario
        ss = as_seed_sequence(seed)
        ours = Engine(sc, ss, graph=graph)
        self.engines, self.names, self.brand = [ours], [sc.market.name], [True]
        # the products competing in our product's category (market shares are taken among them):
        # ours, its substitutes and the rival's; a complement or an independent product is another category
        self.in_market = [True]
        for i, p in enumerate(sc.products):
            self._add(Engine(product_scenario(sc, i), product_seed(ss, p.name), shared=ours), p.name, True,
                      p.relation == "substitute")
        self.rival = None
        if sc.rival is not None:
            name = sc.market.rival_name
            self.rival = Engine(rival or rival_scenario(sc), product_seed(ss, name), shared=ours)
            self._add(self.rival, name, False, True)
        self.couplings: list[Coupling] = []
        self._couple()
        self.days, self.day = sc.days, 0
        self.exposures = np.zeros((len(self.engines), sc.days + 1), np.int64)
        self.everyone = np.arange(ours.n, dtype=np.int64)
        self.online = None if (ours.pop.activity >= 1.0).all() else np.empty(ours.n)

    def _add(self, eng: Engine, name: str, brand: bool, in_market: bool) -> None:
        self.engines.append(eng)
        self.in_market.append(in_market)
        self.names.append(name)
        self.brand.append(brand)

    def _attach(self, c: Coupling) -> Coupling:
        c.target.attach(c)
        self.couplings.append(c)
        return c

    def _couple(self) -> None:
        sc, ours = self.scenario, self.engines[0]
        own = list(zip(sc.products, self.engines[1:1 + len(sc.products)]))
        for p, eng in own:
            if p.relation != "independent" and p.factor != 1.0:
                self._attach(Relation(eng, ours, p.factor))
                self._attach(Relation(ours, eng, p.factor))
        m = sc.market
        if m.substitution < 1.0:  # every other pair in the category (ours with j: j's own factor, above)
            cat = [e for e, c in zip(self.engines, self.in_market) if c]
            for a in range(len(cat)):
                for b in range(a + 1, len(cat)):
                    if cat[b] is self.rival or a > 0:
                        self._attach(Relation(cat[b], cat[a], m.substitution))
                        self._attach(Relation(cat[a], cat[b], m.substitution))
        if self.rival is not None:
            if m.negative_switch > 0:
                self._attach(NegativeSwitch(self.rival, [e for e, b in zip(self.engines, self.brand) if b],
                                            m.negative_switch))
                self._attach(NegativeSwitch(ours, [self.rival], m.negative_switch))
        for p, eng in own:
            if p.cross_sell > 0:
                cost = sc.market.cross_sell_cost
                self._attach(CrossSell(eng, ours, p.cross_sell, p.cross_sell_strength, cost))
                self._attach(CrossSell(ours, eng, p.cross_sell, p.cross_sell_strength, cost))
        for p, eng in own:
            if p.bundle_rate > 0:
                take = self._attach(BundleTake(eng))
                self._attach(Bundle(ours, take, p.bundle_rate, p.bundle_price))

    def step(self) -> None:
        """Advance every engine one day and update the couplings (steps 1-3 of the module docstring)."""
        if self.day >= self.days:
            raise RuntimeError(f"the horizon of {self.days} days is over")
        self.day = day = self.day + 1
        ours = self.engines[0]
        if self.online is not None and len(self.engines) > 1:
            act = ours.pop.activity
            self.online[:] = (act >= 1.0) | F.draw_below(self.everyone, act, ours.key, ONLINE, day)
        new = {}
        for j, eng in enumerate(self.engines):
            if j > 0 and self.online is not None:
                eng.activity = self.online
            eng.step()
            new[id(eng)] = new_buyers(eng, day)
            self.exposures[j, day] = eng.cnt[F.C_EXPOSURES]
        for c in self.couplings:
            c.end_of_day(day, new)

    def run(self) -> None:
        """Step to the horizon."""
        while self.day < self.days:
            self.step()

    def results(self, keep_state: bool = False) -> list[RunResult]:
        """Each product's ``RunResult``, in product order."""
        return [eng.result(keep_state) for eng in self.engines]

    def result(self, keep_state: bool = False) -> RunResult:
        """Our product's result with the market's per-product and share readouts added (``share``)."""
        res = self.results(keep_state)
        out = res[0]
        out.summary, out.daily = share.market_outputs(self.names, self.brand, res, self.exposures,
                                                         self.in_market)
        out.records["market"] = {"products": res}
        return out


def organic(scenario: Scenario) -> Scenario:
    """The market's counterfactual: our levers off (KOLs, operation models, cross-sell, bundles); the rival's on."""
    out = cf.organic(scenario)
    out.products = [p.model_copy(update={"cross_sell": 0.0, "bundle_rate": 0.0}, deep=True)
                    for p in scenario.products]
    for p in out.products:
        cf.levers_off(p)
    return out


def simulate_market(scenario: Scenario, seed: SeedLike, *, keep_state: bool = False,
                    graph: CSRGraph | None = None, counterfactual: bool = False) -> RunResult:
    """Run a market scenario once (``simulation.engine.simulate`` when it is not a market).

    Returns our product's ``RunResult`` whose summary and daily series carry the market's
    readouts (``simulation.market.share``); with ``counterfactual`` also the paired
    increments (``organic``; ours by ``simulation.counterfactual.paired``, plus
    ``incremental_brand_profit`` and ``incremental_market_share``).
    """
    if not is_market(scenario):
        return simulate(scenario, seed, keep_state=keep_state, graph=graph, counterfactual=counterfactual)
    m = Market(scenario, seed, graph=graph)
    m.run()
    res = m.result(keep_state)
    if counterfactual:
        rival = m.rival.scenario if m.rival is not None else None
        base = Market(organic(scenario), seed, graph=m.engines[0].graph, rival=rival)
        base.run()
        b = base.result()
        res.summary, res.daily = share.paired(res.summary, res.daily, b.summary, b.daily)
    return res
