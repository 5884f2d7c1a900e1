"""ABC-SMC posterior: coverage of the credible intervals, Bass recovery, worker-count independence.

Coverage tolerance: with true values drawn from the prior, a calibrated 90 % interval
contains the truth with probability 0.9, so over k independent (seed, parameter) pairs
the number covered is Binomial(k, 0.9) (the two parameters of one seed share a data set,
so this treats them as independent — an approximation). We accept when the count is
at least the binomial 1 % quantile: a correct method fails with probability <= 1 %.
The upper side cannot be tested at this size (P(all 20 covered) = 0.12); ABC with a
small budget is conservative (too wide), which the test does not penalise.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from simulation.calibration.posterior import fit_posterior
from simulation.calibration.sampler import ordered_map
from simulation.runner.executors import LocalExecutor

from .models import BASS_PRIORS, TINY_PRIORS, bass_simulator, draw_from_prior, tiny_model

LEVEL = 0.9


def _min_covered(k: int) -> int:
    """Smallest count of covered pairs accepted: the Binomial(k, 0.9) 1 % quantile."""
    return int(stats.binom.ppf(0.01, k, LEVEL))


def _covered(post, truth) -> list[bool]:
    return [post.interval(n, LEVEL)[0] <= truth[n] <= post.interval(n, LEVEL)[1] for n in truth]


def test_credible_intervals_cover_truth_at_the_nominal_rate(tmp_path):
    model = tiny_model()
    rng = np.random.default_rng(2024)
    hits = []
    for s in range(10):
        truth = draw_from_prior(TINY_PRIORS, rng)
        observed = model(truth, 10_000 + s, 21)
        post = fit_posterior(model, TINY_PRIORS, observed, "day", population_size=20, generations=2,
                             max_simulations=2000, min_epsilon=0.0, seed=s, db_path=tmp_path / f"abc{s}.db")
        assert np.isclose(post.samples["weight"].sum(), 1.0)
        hits += _covered(post, truth)
    k = len(hits)
    print(f"tiny commerce model: {sum(hits)} of {k} 90 % intervals cover the truth")
    assert sum(hits) >= _min_covered(k), f"{sum(hits)} of {k} intervals cover the truth"


def test_bass_curve_recovered_within_intervals(tmp_path):
    truth = {"p": 0.01, "q": 0.3}
    hits = []
    for s in range(10):
        observed = bass_simulator(truth, 500 + s, 35)
        post = fit_posterior(bass_simulator, BASS_PRIORS, observed, "day", population_size=40, generations=3,
                             max_simulations=5000, min_epsilon=0.0, seed=s, db_path=tmp_path / f"bass{s}.db")
        hits += _covered(post, truth)
        # the posterior concentrates well inside the prior
        lo, hi = post.interval("q", LEVEL)
        assert hi - lo < 0.5 * (0.8 - 0.05)
    print(f"Bass: {sum(hits)} of {len(hits)} 90 % intervals cover the truth")
    assert sum(hits) >= _min_covered(len(hits)), f"{sum(hits)} of {len(hits)} intervals cover the truth"


def test_posterior_does_not_depend_on_worker_count(tmp_path):
    truth = {"p": 0.01, "q": 0.3}
    observed = bass_simulator(truth, 1, 28)
    kw = dict(population_size=20, generations=2, max_simulations=1000, min_epsilon=0.0, seed=3)
    one = fit_posterior(bass_simulator, BASS_PRIORS, observed, "day", db_path=tmp_path / "a.db", **kw)
    with LocalExecutor(2) as ex:
        two = fit_posterior(bass_simulator, BASS_PRIORS, observed, "day", db_path=tmp_path / "b.db",
                            map_=ordered_map(ex), chunks=2, **kw)
    pd.testing.assert_frame_equal(one.samples, two.samples)
    assert one.simulations == two.simulations
