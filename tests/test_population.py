"""Population: segment shares and attribute distributions (tolerances from standard errors)."""
from __future__ import annotations

import numpy as np
import pytest

from simulation.population import PopulationConfig, PositiveAttr, UnitAttr, draw_population


def test_segments_and_attribute_moments():
    cfg = PopulationConfig.model_validate({"segments": [
        {"name": "young", "share": 0.3, "activity": {"mean": 0.8, "sd": 0.1}, "price_sensitivity": {"mean": 0.5, "sd": 0.2}},
        {"name": "cautious", "share": 0.7, "activity": {"mean": 0.3, "sd": 0.1}, "trust": {"mean": 0.2}},
    ]})
    n = 40_000
    pop = draw_population(cfg, n, np.random.default_rng(1))
    share = (pop.segment == 0).mean()
    assert abs(share - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)  # 4 SE of a binomial proportion
    young = pop.segment == 0
    for mask, mean, sd in ((young, 0.8, 0.1), (~young, 0.3, 0.1)):
        a = pop.activity[mask]
        assert abs(a.mean() - mean) < 4 * sd / np.sqrt(mask.sum())  # 4 SE of the mean
        assert ((a >= 0) & (a <= 1)).all()
    ps = pop.price_sensitivity[young]
    assert abs(ps.mean() - 0.5) < 4 * 0.2 / np.sqrt(young.sum())
    assert (pop.trust[~young] == 0.2).all()  # sd = 0: exactly the mean
    assert pop.names == ("young", "cautious")


def test_same_rng_same_population():
    cfg = PopulationConfig()
    a = draw_population(cfg, 100, np.random.default_rng(5))
    b = draw_population(cfg, 100, np.random.default_rng(5))
    np.testing.assert_array_equal(a.trust, b.trust)


def test_bad_population_rejected():
    with pytest.raises(ValueError, match="sum to 1"):
        PopulationConfig.model_validate({"segments": [{"name": "a", "share": 0.5}]})
    with pytest.raises(ValueError, match="unique"):
        PopulationConfig.model_validate({"segments": [{"name": "a", "share": 0.5}, {"name": "a", "share": 0.5}]})
    with pytest.raises(ValueError, match="too large"):
        UnitAttr(mean=0.5, sd=0.6)
    with pytest.raises(ValueError):
        PositiveAttr(mean=-1.0)
