"""Calibration: fit a scenario's parameters to an observed sales series (``socsim calibrate``).

A calibration file is an experiment-style scenario file (``scenario = "default" | path``
plus inline scenario tables) with a ``[calibrate]`` table: the parameters (dotted
scenario paths with priors), the observed data file and columns, the held-out split,
the budgets and the seed (``simulation.calibration.config``). Two estimates are made
from the first ``fit_weeks`` weeks of the data:

* a point estimate with optuna (TPE) minimising a stated loss, by default the Poisson
  deviance of daily purchases against the mean of a few common-random-number runs
  (``point``);
* a posterior with pyabc's ABC-SMC on variance-stabilised weekly totals (``posterior``).

Why pyabc rather than sbi: ABC-SMC needs no neural density estimator, so no torch (a
2 GB dependency that would dwarf socsim), no training run whose result depends on GPU
kernels or thread counts, and it works unchanged for the small-data, few-parameter fits
a campaign gives; its whole history lives in one SQLite file that can be inspected
afterwards; it installs and runs with socsim's numpy 2 / pandas 3 stack. sbi's amortised
posteriors pay off for many observations of one model, which is not this use.

Modules, one job each: ``config`` (schema and loading), ``observed`` (the data file),
``model`` (scenario at given parameter values -> simulated series), ``loss`` (point-fit
losses and ABC summary statistics), ``sampler`` (a seeded, order-preserving pyabc
sampler over socsim's executors), ``point`` (optuna), ``posterior`` (pyabc),
``predictive`` (posterior predictive band and held-out coverage), ``figure``,
``fitted`` (the fitted scenario TOML), ``report`` (calibration.md), ``run``
(orchestration and the output folder), ``command`` (the ``socsim calibrate`` command)
and ``example`` (the shipped example series).
"""
