"""Word of mouth after experience: satisfaction before sharing, persistent word of mouth, Bass and GLM."""
from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.config.scenario import load_scenario
from simulation.engine import Engine, simulate
from simulation.graph.generators import generate
from simulation.seeding import run_seed
from tests.test_engine import small_scenario


def theory_scenario(ties: dict, days: int, external: float, wom_days: int = 0) -> dict:
    """Every extra off, everyone online and sharing, every purchase satisfying; platform = external influence.

    external : per-day probability that the platform alone converts a person (platform_rate 1).
    wom_days : 0 = adopters keep talking to the horizon (Bass's repeated contacts).
    """
    return {"days": days, "graph": {"generator": "complete", "n": 3},  # replaced by the graph passed in
            "population": {"ties": ties, "segments": [{"name": "all", "share": 1.0, "activity": {"mean": 1.0},
                                                       "share_propensity": {"mean": 1.0}}]},
            "product": {"price": 0.0, "quality": 1.0, "service": 1.0}, "kol": {"count": 0}, "seeding": {"count": 0},
            "funnel": {"platform_rate": 1.0, "platform_strength": external, "negative_impact": 0.0,
                       "interested_share_rate": 0.0, "wom_days": wom_days}}


def test_dissatisfied_buyers_never_share_positively():
    sc = small_scenario({"product.quality": 0.4, "product.service": 0.4, "funnel.interested_share_rate": 0.5,
                         "funnel.quality_weight": 0.0, "funnel.negative_impact": 0.0, "funnel.platform_rate": 0.01},
                        n=3000, days=30)
    eng = Engine(sc, run_seed(4, 0))
    unhappy_buyers = 0
    while eng.day < eng.days:
        eng.step()
        assert not eng.negative[eng.sharers].any()
        unhappy_buyers = int(eng.negative.sum())
    assert unhappy_buyers > 30  # the check had dissatisfied buyers to catch


def test_persistent_word_of_mouth_keeps_adopters_talking_for_wom_days():
    for wom_days in (1, 3):
        sc = small_scenario({"funnel.wom_days": wom_days, "product.quality": 1.0, "product.service": 1.0,
                             "funnel.interested_share_rate": 0.0, "kol.count": 0, "product.repeat_rate": 0.0},
                            n=800, days=12)
        eng = Engine(sc, run_seed(2, 0))
        talked = np.zeros(eng.n, np.int64)
        talked[eng.sharers] += 1
        while eng.day < eng.days - wom_days:
            eng.step()
            talked[eng.sharers] += 1
        # everyone who shared by day days - 2 wom_days talked on exactly wom_days days
        early = eng.first_day.copy()
        done = (talked > 0) & (early >= 0) & (early <= eng.days - 2 * wom_days)
        assert done.sum() > 10 and (talked[done] == wom_days).all()


def test_wom_decay_stops_talkers_geometrically():
    sc = small_scenario({"funnel.wom_days": 0, "funnel.wom_decay": 0.5, "product.quality": 1.0,
                         "product.service": 1.0, "kol.count": 0}, n=1500, days=20)
    eng = Engine(sc, run_seed(3, 0))
    eng.run()
    share = eng.share_count[eng.bought & (eng.share_count > 0)]
    # days talked = 1 + Geometric(stop 0.5) (horizon permitting): mean about 2, some talk 4+ days
    assert 1.5 < share.mean() < 2.5 and (share >= 4).any()


def bass_closed_form(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """Bass (1969) cumulative adoption F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    e = np.exp(-(p + q) * t)
    return (1 - e) / (1 + q / p * e)


def daily_recursion(p: float, q: float, days: int) -> np.ndarray:
    """Mean field of the commerce day: F_t = 1 - (1 - F_{t-1}) exp(-(p + q F_{t-1})).

    A non-adopter is reached by the platform (hazard p a day) and by each of the n F_{t-1}
    adopters talking since yesterday (tie strength 1 - e^{-q/n}): P(adopt today) =
    1 - e^{-p} e^{-q F_{t-1}}. It is the one-day explicit step of dF/dt = (p + qF)(1 - F)
    with the contagion term frozen at yesterday's F: its distance to the closed form is
    the discretisation error of one-day steps, computed exactly here.
    """
    F = np.zeros(days + 1)
    for t in range(1, days + 1):
        F[t] = 1 - (1 - F[t - 1]) * math.exp(-(p + q * F[t - 1]))
    return F


def test_persistent_wom_on_complete_graph_follows_bass():
    n, p, q, days, runs = 400, 0.01, 0.15, 80, 40
    g = generate("complete", n=n)
    ties = {"model": "constant", "p": 1 - math.exp(-q / n)}
    bass = bass_closed_form(np.arange(days + 1.0), p, q)
    # allowance: the exact one-day discretisation error + the finite-n bias of E[F] (2/n, as tests/test_classic)
    allowance = np.abs(daily_recursion(p, q, days) - bass) + 2.0 / n

    def curves(wom_days):
        sc = load_scenario(theory_scenario(ties, days, 1 - math.exp(-p), wom_days))
        return np.array([simulate(sc, run_seed(21, r), graph=g).daily["buyers"] / n for r in range(runs)])

    c = curves(0)
    se = c.std(0, ddof=1) / math.sqrt(runs)
    assert (np.abs(c.mean(0) - bass) <= 4 * se + allowance).all()
    assert allowance.max() < 0.05  # one-day steps are fine for p + q = 0.16 a day
    # sharing once (no persistence) is not Bass: the same check fails
    once = curves(1)
    se1 = once.std(0, ddof=1) / math.sqrt(runs)
    assert (np.abs(once.mean(0) - bass) > 4 * se1 + allowance).any()


def _t16(daily_buyers: np.ndarray, n: int) -> float:
    """Days to 16 % adoption, linearly interpolated between days (the horizon if never reached)."""
    return float(np.interp(0.16 * n, daily_buyers, np.arange(len(daily_buyers), dtype=float)))


@pytest.mark.slow
def test_goldenberg_libai_muller_weak_ties_speed_diffusion_at_least_as_much_as_strong():
    # Regime (Goldenberg, Libai & Muller 2001, small personal networks, many weak ties, little
    # advertising): 200 personal networks of 10 people, complete inside (9 strong ties each,
    # b_s = 0.1), about 5 weak ties per person between networks (b_w = 0.004), platform
    # advertising 0.0002 a day, adopters talk to the horizon. Ties are classified by
    # embeddedness (>= 3 shared friends: strong), which is exact on this graph.
    K, S, days, reps = 200, 10, 150, 24
    g = generate("stochastic_block", seed=1, sizes=[S] * K, p_in=1.0, p_out=5.0 / (S * K))
    bs, bw = 0.1, 0.004

    def t16(strong, weak):
        sc = load_scenario(theory_scenario({"model": "strong_weak", "strong": strong, "weak": weak, "min_shared": 3},
                                           days, 0.0002))
        return np.array([_t16(simulate(sc, run_seed(31, r), graph=g).daily["buyers"], g.n) for r in range(reps)])

    base, weak_up, strong_up, no_weak = t16(bs, bw), t16(bs, 1.25 * bw), t16(1.25 * bs, bw), t16(bs, 0.0)

    def paired_t(d):
        # common random numbers: SE of the mean paired difference = SD / sqrt(reps)
        return d.mean() / (d.std(ddof=1) / math.sqrt(reps))

    assert paired_t(base - weak_up) > T_99_23  # +25 % weak-tie strength speeds diffusion
    assert paired_t(base - strong_up) > T_99_23  # so does +25 % strong-tie strength
    # "at least comparably" as a non-inferiority test: the weak-tie speed-up is at least the
    # strong-tie one less a margin of 25 % of it, at the one-sided 1 % level (paired SE)
    d = strong_up - weak_up  # = (base - weak_up) - (base - strong_up)
    se = d.std(ddof=1) / math.sqrt(reps)
    assert d.mean() - T_99_23 * se > -0.25 * (base - strong_up).mean()
    assert d.mean() > 0  # and the point estimate favours weak ties (about 1.8 vs 1.25 days)
    assert paired_t(no_weak - base) > T_99_23  # without weak ties diffusion is much slower (27 -> 100+ days)


T_99_23 = 2.500  # Student t 99 % quantile, 23 degrees of freedom (one-sided 1 % level)
