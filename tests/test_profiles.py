"""Demographic profiles: marginals recovered, drawn from their own stream (no other draw moves), strict config."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from simulation.engine import Engine, simulate
from simulation.operations import ALL_ON
from simulation.population import PopulationConfig
from simulation.profiles import ATTRIBUTES, ProfileConfig, draw_profiles
from simulation.seeding import generator, run_seed
from tests.test_engine import small_scenario

YOUNG = {"age": {"18-24": 0.6, "25-34": 0.3, "35+": 0.1}, "region": {"north": 0.25, "south": 0.75},
         "income": {"low": 0.5, "high": 0.5}}
CAUTIOUS = {"age": {"25-34": 0.2, "35+": 0.7, "18-24": 0.1}, "region": {"north": 0.6, "south": 0.3, "west": 0.1},
            "income": {"low": 0.2, "mid": 0.5, "high": 0.3}}


def with_profiles(overrides: dict | None = None, n: int = 1500, days: int = 30):
    """The small default scenario (segments young_social, cautious) with the profiles above."""
    sc = small_scenario(overrides, n=n, days=days)
    raw = sc.model_dump(mode="json")
    for seg, prof in zip(raw["population"]["segments"], (YOUNG, CAUTIOUS)):
        seg["profile"] = prof
    from simulation.config.scenario import load_scenario
    return load_scenario(raw)


def test_marginals_recovered_within_binomial_standard_error():
    cfgs = [ProfileConfig(**YOUNG), ProfileConfig(**CAUTIOUS)]
    segment = np.repeat(np.array([0, 1], np.int8), [30_000, 20_000])
    prof = draw_profiles(cfgs, segment, np.random.default_rng(3))
    assert set(prof.codes) == set(ATTRIBUTES)
    # labels in first-appearance order over the segments, a label a segment lacks never drawn there
    assert prof.labels["region"] == ("north", "south", "west")
    for s, marginals in enumerate((YOUNG, CAUTIOUS)):
        members = segment == s
        for attr, marginal in marginals.items():
            codes = prof.codes[attr][members]
            for j, label in enumerate(prof.labels[attr]):
                p = marginal.get(label, 0.0)
                share = np.mean(codes == j)
                se = np.sqrt(p * (1 - p) / members.sum())  # binomial standard error of a share
                assert abs(share - p) <= 4 * se + 1e-12, (s, attr, label, share, p)


def test_attributes_are_independent_within_a_segment():
    cfg = [ProfileConfig(**YOUNG)]
    segment = np.zeros(40_000, np.int8)
    prof = draw_profiles(cfg, segment, np.random.default_rng(5))
    age_young = prof.codes["age"] == 0
    north = prof.codes["region"] == 0
    # P(north | 18-24) = P(north) = 0.25, within the binomial SE of the conditional share
    share = north[age_young].mean()
    assert abs(share - 0.25) <= 4 * np.sqrt(0.25 * 0.75 / age_young.sum())


def test_engine_draws_profiles_from_their_own_stream_reproducibly():
    sc = with_profiles()
    ss = run_seed(11, 0)
    a, b = Engine(sc, ss).pop.profile, Engine(sc, run_seed(11, 0)).pop.profile
    for attr in ATTRIBUTES:
        np.testing.assert_array_equal(a.codes[attr], b.codes[attr])
    expected = draw_profiles([s.profile for s in sc.population.segments], Engine(sc, ss).pop.segment,
                             generator(ss, "profile"))
    np.testing.assert_array_equal(a.codes["income"], expected.codes["income"])


@pytest.mark.parametrize("seed", [0, 1])
def test_profiles_change_no_draw(seed):
    """Every output of a run with profiles equals the run without them, draw for draw (all models on)."""
    overrides = dict(ALL_ON, **{"product.repeat_rate": 0.02})
    plain = simulate(small_scenario(overrides, n=1200, days=25), run_seed(seed, 0), keep_state=True)
    prof = simulate(with_profiles(overrides, n=1200, days=25), run_seed(seed, 0), keep_state=True)
    profile_keys = {k for k in prof.summary if "=" in k}
    assert profile_keys and all(k.split("__", 1)[1].split("=")[0] in ATTRIBUTES for k in profile_keys)
    assert {k: v for k, v in prof.summary.items() if k not in profile_keys} == plain.summary
    assert set(prof.daily) - {k for k in prof.daily if "=" in k} == set(plain.daily)
    for k, v in plain.daily.items():
        np.testing.assert_array_equal(prof.daily[k], v, err_msg=k)
    for table in ("purchases", "payments"):
        for k, v in plain.records[table].items():
            np.testing.assert_array_equal(prof.records[table][k], v, err_msg=f"{table}.{k}")


def test_strict_profile_config():
    ok = ProfileConfig(age={"18-24": 0.25, "25+": 0.75})
    assert ok.declared() == ("age",)
    with pytest.raises(ValidationError, match="age: probabilities must sum to 1"):
        ProfileConfig(age={"18-24": 0.5})
    with pytest.raises(ValidationError, match="needs at least one label"):
        ProfileConfig(region={})
    with pytest.raises(ValidationError, match="labels must be non-empty"):
        ProfileConfig(income={" ": 1.0})
    with pytest.raises(ValidationError, match="less than or equal to 1"):
        ProfileConfig(income={"a": 2.0, "b": -1.0})
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ProfileConfig(gender={"f": 1.0})
    with pytest.raises(ValidationError, match="segment 'a' has no profile.age"):
        PopulationConfig(segments=[{"name": "a", "share": 0.5, "profile": {"region": {"x": 1.0}}},
                                   {"name": "b", "share": 0.5, "profile": {"age": {"y": 1.0}}}])
