"""Search the levers with optuna: TPE for one objective, NSGA-II for two, the study in a journal file.

The study lives in ``DIR/study.journal`` (optuna's ``JournalStorage`` on a
``JournalFileBackend``: an append-only log replayed on load) and is opened with
``load_if_exists=True``, so a killed optimisation resumes where it stopped.

Reproducibility, resumed or not: trials are asked in fixed batches of ``batch``
(trial numbers ``k*batch .. (k+1)*batch - 1``), all asked before any is evaluated and
all told before the next batch is asked; trial ``n`` is asked with a sampler seeded by
``(seed, n)``. A trial's parameters therefore depend only on the seed and the trials
before its batch (and its batch-mates already asked), never on when the process was
killed: a resumed study holds the same trials with the same parameters and values as an
uninterrupted one. Trials left RUNNING by a kill keep their stored parameters and are
evaluated on resume (their runs come from ``evaluations.db`` when they had finished).

Trial 0 is the baseline (the scenario's own lever values, when inside the bounds), so
the search never reports a plan worse than the starting point on the search seeds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.optimize.config import Lever, Optimization
from simulation.optimize.evaluate import Evaluation, Evaluator
from simulation.config.paths import get_path

STUDY_FILE = "study.journal"
STUDY_NAME = "socsim-optimize"


@dataclass
class SearchOutcome:
    """The finished study and the evaluation of every complete trial (by trial number)."""

    study: object  # optuna.Study
    evaluations: dict[int, Evaluation]
    params: dict[int, dict]


def trial_seed(seed: int, number: int) -> int:
    """The sampler seed of trial ``number``: a 32-bit integer drawn from ``SeedSequence([seed, number])``."""
    return int(np.random.SeedSequence([int(seed), int(number)]).generate_state(1, np.uint32)[0])


def make_sampler(opt: Optimization, number: int):
    """The sampler asking trial ``number``: TPE (one objective) or NSGA-II (two), seeded by (seed, number)."""
    import optuna

    seed = trial_seed(opt.spec.seed, number)
    if len(opt.objectives) == 1:
        return optuna.samplers.TPESampler(n_startup_trials=opt.spec.startup_trials, seed=seed)
    return optuna.samplers.NSGAIISampler(population_size=opt.spec.population, seed=seed)


def open_study(opt: Optimization, out):
    """Create or load the study in ``out/study.journal`` (load_if_exists)."""
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = JournalStorage(JournalFileBackend(str(out / STUDY_FILE)))
    return optuna.create_study(storage=storage, study_name=STUDY_NAME, load_if_exists=True,
                               directions=[o.direction for o in opt.objectives], sampler=make_sampler(opt, 0))


def baseline_params(opt: Optimization) -> dict | None:
    """The scenario's own values of the levers, when every one lies inside its lever's bounds."""
    out = {}
    for path, lever in opt.spec.levers.items():
        v = get_path(opt.base, path)
        if lever.choices is not None:
            if v not in lever.choices:
                return None
        elif v is None or isinstance(v, bool) or not lever.low <= v <= lever.high:
            return None
        elif lever.integer:
            if float(v) != int(v) or (lever.step and (int(v) - lever.low) % lever.step):
                return None
            v = int(v)
        else:
            v = float(v)
            if lever.step is not None:
                k = (v - lever.low) / lever.step
                if abs(k - round(k)) > 1e-9:
                    return None  # off the lever's grid
                v = float(lever.low + round(k) * lever.step)
        out[path] = v
    return out


def suggest(trial, path: str, lever: Lever):
    """Ask ``trial`` for a value of one lever."""
    if lever.choices is not None:
        return trial.suggest_categorical(path, lever.choices)
    if lever.integer:
        return trial.suggest_int(path, int(lever.low), int(lever.high), step=int(lever.step or 1), log=lever.log)
    return trial.suggest_float(path, float(lever.low), float(lever.high), step=lever.step, log=lever.log)


def run_search(opt: Optimization, evaluator: Evaluator, out) -> SearchOutcome:
    """Run (or resume) the study to ``trials`` trials; return it with every trial's evaluation."""
    import optuna
    from optuna.trial import TrialState

    spec = opt.spec
    study = open_study(opt, out)
    if not study.trials:
        base = baseline_params(opt)
        if base is not None:
            study.enqueue_trial(base)
    reps = range(spec.replications)
    evaluations: dict[int, Evaluation] = {}
    params: dict[int, dict] = {}
    for start in range(0, spec.trials, spec.batch):
        numbers = range(start, min(start + spec.batch, spec.trials))
        pending = []
        for n in numbers:
            trials = study.get_trials(deepcopy=False)
            study.sampler = make_sampler(opt, n)
            if n < len(trials) and trials[n].state == TrialState.COMPLETE:
                continue
            if n < len(trials) and trials[n].state == TrialState.RUNNING:
                trial = optuna.trial.Trial(study, trials[n]._trial_id)
            elif n < len(trials) and trials[n].state != TrialState.WAITING:
                raise RuntimeError(f"{out / STUDY_FILE}: trial {n} is {trials[n].state.name}; "
                                   "start a new optimisation folder")
            else:
                trial = study.ask()
                if trial.number != n:
                    raise RuntimeError(f"{out / STUDY_FILE}: expected trial {n}, got {trial.number}")
            values = {path: suggest(trial, path, lever) for path, lever in spec.levers.items()}
            pending.append((trial, values))
        if not pending:
            continue
        evs = evaluator.evaluate([opt.scenario_with(v) for _, v in pending], reps)
        for (trial, values), ev in zip(pending, evs):
            _record(opt, trial, ev)
            study.tell(trial, [ev.mean(o.metric) for o in opt.objectives])
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        if t.number >= spec.trials:
            continue
        params[t.number] = dict(t.params)
    # One batch call: every complete trial's runs are in the evaluator's store already.
    numbers = sorted(params)
    for n, ev in zip(numbers, evaluator.evaluate([opt.scenario_with(params[n]) for n in numbers], reps)):
        evaluations[n] = ev
    return SearchOutcome(study, evaluations, params)


def _record(opt: Optimization, trial, ev: Evaluation) -> None:
    """Store each objective's interval and the spend on the trial; the spend cap as a constraint."""
    for o in opt.objectives:
        iv = ev.interval(o.metric)
        trial.set_user_attr(f"{o.metric}_low", _finite(iv.low))
        trial.set_user_attr(f"{o.metric}_high", _finite(iv.high))
    spend = ev.mean("spend")
    trial.set_user_attr("spend", spend)
    if opt.spec.max_spend is not None:
        trial.set_constraint("max_spend", spend - opt.spec.max_spend)


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def feasible(opt: Optimization, trial) -> bool:
    """True when the trial keeps the spend cap (always without one)."""
    if opt.spec.max_spend is None:
        return True
    return trial.user_attrs.get("spend", np.inf) <= opt.spec.max_spend
