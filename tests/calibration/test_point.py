"""Optuna point estimate: a killed study resumes to the same study; error shrinks with more data."""
from __future__ import annotations

import numpy as np
import pytest
from optuna.trial import TrialState
from scipy import stats

from simulation.calibration.point import fit_point, open_study

from .models import BASS_PRIORS, bass_simulator, scaled_error

TRUTH = {"p": 0.01, "q": 0.3}


def _complete(path):
    study = open_study(path, 0)
    return [(t.params, t.value) for t in study.get_trials(states=(TrialState.COMPLETE,))]


def test_killed_study_resumes_to_the_same_study(tmp_path):
    observed = bass_simulator(TRUTH, 1, 30)
    kw = dict(column="purchases", loss="poisson_deviance", trials=12, replications=2, seed=5)
    whole = fit_point(bass_simulator, BASS_PRIORS, observed, study_path=tmp_path / "whole.journal", **kw)

    calls = {"n": 0}

    def dies_on_the_15th_run(params, seed, n):
        calls["n"] += 1
        if calls["n"] == 15:  # mid-way through trial 8 (2 runs per trial)
            raise KeyboardInterrupt
        return bass_simulator(params, seed, n)

    with pytest.raises(KeyboardInterrupt):
        fit_point(dies_on_the_15th_run, BASS_PRIORS, observed, study_path=tmp_path / "killed.journal", **kw)
    assert len(_complete(tmp_path / "killed.journal")) == 7
    resumed = fit_point(bass_simulator, BASS_PRIORS, observed, study_path=tmp_path / "killed.journal", **kw)
    assert _complete(tmp_path / "killed.journal") == _complete(tmp_path / "whole.journal")
    assert resumed == whole
    # a finished study is not extended by running again
    again = fit_point(bass_simulator, BASS_PRIORS, observed, study_path=tmp_path / "whole.journal", **kw)
    assert again == whole and len(_complete(tmp_path / "whole.journal")) == 12


def test_point_error_shrinks_as_the_series_lengthens(tmp_path):
    """Paired over 8 seeds: the same Bass series observed for 6 days (well before the peak) and for
    40 days, fitted alike (50 trials, 4 common-random-number runs).

    On the Bass curve with Poisson noise the simulator's noise averages out; on a small
    commerce model the common-random-number runs' own cascade (a few replications) sets an
    error floor that more data does not lower, which would test the replications, not the data.
    One-sided Wilcoxon signed-rank test of short-minus-long error > 0 at 5 %.
    """
    short, long_ = [], []
    for s in range(8):
        full = bass_simulator(TRUTH, 7000 + s, 40)
        for days, out in ((6, short), (40, long_)):
            obs = {"purchases": full["purchases"][:days]}
            est = fit_point(bass_simulator, BASS_PRIORS, obs, column="purchases", loss="poisson_deviance",
                            trials=50, replications=4, seed=s, study_path=tmp_path / f"s{s}-{days}.journal")
            out.append(scaled_error(BASS_PRIORS, est.params, TRUTH))
    short, long_ = np.array(short), np.array(long_)
    assert long_.mean() < short.mean(), (short, long_)
    assert stats.wilcoxon(short, long_, alternative="greater").pvalue < 0.05, (short, long_)
