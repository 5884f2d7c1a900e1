"""Bass recovery through the commerce model: persistent word of mouth on a complete graph.

With every extra off, everyone online and sharing, adopters talking to the horizon
(``funnel.wom_days = 0``), platform exposure of everyone each day with strength
``s = 1 - exp(-p)`` and tie strength ``w = 1 - exp(-q / n)`` on the complete graph, a
non-adopter adopts on a day with probability ``1 - exp(-(p + q F))`` — Bass's model in
one-day steps (``tests/test_wom.py`` checks the curve). Calibrating ``s`` and ``w`` to
daily new buyers and mapping the intervals back (both maps are increasing) must recover
p and q; over 5 data sets the covered count is held to the Binomial(10, 0.9) 1 % quantile
(as in ``test_posterior``), and each interval must be narrower than the prior's own 90 %
interval (the data, not the prior, decide it).
"""
from __future__ import annotations

import math

import pytest

from simulation.calibration.config import Prior
from simulation.calibration.model import ScenarioModel
from simulation.calibration.posterior import fit_posterior
from tests.test_wom import theory_scenario

from .test_posterior import LEVEL, _min_covered

N, P, Q, DAYS = 150, 0.02, 0.4, 21


@pytest.mark.slow
def test_bass_p_and_q_recovered_through_persistent_word_of_mouth(tmp_path):
    base = theory_scenario({"model": "constant", "p": 0.001}, DAYS, 0.01, wom_days=0)
    base["graph"] = {"generator": "complete", "n": N}
    model = ScenarioModel(base, None, ["buyers"], "day")
    priors = {"funnel.platform_strength": Prior(prior="log_uniform", low=0.002, high=0.2),
              "population.ties.p": Prior(prior="log_uniform", low=0.05 / N, high=1.5 / N)}
    truth = {"funnel.platform_strength": 1 - math.exp(-P), "population.ties.p": 1 - math.exp(-Q / N)}
    to_pq = {"funnel.platform_strength": lambda s: -math.log(1 - s),
             "population.ties.p": lambda w: -N * math.log(1 - w)}
    hits = []
    for s in range(5):
        observed = model(truth, 300 + s, DAYS)
        post = fit_posterior(model, priors, observed, "day", population_size=50, generations=4,
                             max_simulations=3000, min_epsilon=0.0, seed=s, db_path=tmp_path / f"wom{s}.db")
        for name, value in (("funnel.platform_strength", P), ("population.ties.p", Q)):
            a, b = post.interval(name, LEVEL)
            assert math.log(b / a) < LEVEL * math.log(priors[name].high / priors[name].low)
            lo, hi = to_pq[name](a), to_pq[name](b)
            hits.append(lo <= value <= hi)
    print(f"Bass through the commerce model: {sum(hits)} of {len(hits)} 90 % intervals cover p or q")
    assert sum(hits) >= _min_covered(len(hits))
