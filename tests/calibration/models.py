"""Small models the calibration tests fit: a tiny commerce scenario and the classic Bass curve."""
from __future__ import annotations

import numpy as np

from simulation import classic
from simulation.calibration.config import Prior
from simulation.calibration.model import ScenarioModel

#: A 300-person clustered graph, plain funnel (P = tie strength), no KOLs: word of mouth
#: (constant tie strength) and organic platform discovery are the two parameters.
TINY = {
    "name": "tiny", "days": 42,
    "graph": {"generator": "powerlaw_cluster", "n": 300, "m": 3, "p": 0.3},
    "population": {"ties": {"model": "constant", "p": 0.2}},
    "kol": {"count": 0},
    "seeding": {"count": 3},
    "funnel": {"platform_rate": 0.01, "platform_strength": 0.3},
}
TINY_PRIORS = {
    "population.ties.p": Prior(prior="uniform", low=0.05, high=0.45),
    "funnel.platform_rate": Prior(prior="log_uniform", low=0.002, high=0.05),
}


def tiny_model(columns=("purchases",), period="day") -> ScenarioModel:
    """The tiny scenario as a calibration simulator."""
    return ScenarioModel(TINY, None, list(columns), period)


def draw_from_prior(priors: dict[str, Prior], rng: np.random.Generator) -> dict[str, float]:
    """One parameter vector from the (uniform / log-uniform) priors."""
    out = {}
    for name, p in priors.items():
        out[name] = float(np.exp(rng.uniform(np.log(p.low), np.log(p.high))) if p.prior == "log_uniform"
                          else rng.uniform(p.low, p.high))
    return out


def scaled_error(priors: dict[str, Prior], estimate: dict[str, float], truth: dict[str, float]) -> float:
    """Sum over parameters of |estimate - truth| / prior width (log scale for log-uniform priors)."""
    total = 0.0
    for name, p in priors.items():
        f = np.log if p.prior == "log_uniform" else (lambda x: x)
        total += abs(f(estimate[name]) - f(truth[name])) / (f(p.high) - f(p.low))
    return float(total)


#: Market size of the Bass test and the curve's resolution (the mean-field model of classic.bass).
BASS_MARKET = 2000
BASS_PRIORS = {"p": Prior(prior="log_uniform", low=0.002, high=0.05), "q": Prior(prior="uniform", low=0.05, high=0.8)}


def bass_simulator(params, seed, n_periods):
    """Daily new adopters: the mean-field Bass curve (``classic.bass_closed_form``, the limit of
    ``classic.bass`` as n grows) on a market of BASS_MARKET people, observed with Poisson noise."""
    curve = classic.bass_closed_form(np.arange(n_periods + 1, dtype=np.float64), params["p"], params["q"])
    mu = BASS_MARKET * np.diff(curve)
    return {"purchases": np.random.default_rng(seed).poisson(mu).astype(np.float64)}
