"""Scenario schema: defaults, rejection of unknown keys / bad values with the field path, overrides."""
from __future__ import annotations

import pytest

from simulation.config.scenario import Scenario, default_scenario, default_scenario_dict, load_scenario


def test_default_scenario_loads():
    sc = default_scenario()
    assert sc.days == 90 and sc.replications == 20
    assert sc.graph.build is not None
    assert [s.name for s in sc.population.segments] == ["young_social", "cautious"]
    assert sc.kol.strategy == "top_degree"
    assert not any(getattr(sc.operations, k).enabled for k in ("content", "relationship", "event", "crossover"))


@pytest.mark.parametrize("path,value,where", [
    ("kol.count", -1, "kol.count"),
    ("kol.strategy", "loudest", "kol.strategy"),
    ("product.quality", 1.5, "product.quality"),
    ("operations.relationship.commission_rate", 2.0, "operations.relationship.commission_rate"),
    ("operations.event.groupbuy.size", 1, "operations.event.groupbuy.size"),
    ("days", 0, "days"),
    # the override reaches the list item (lists of tables take an index), the population's check refuses the sum
    ("population.segments.0.share", 0.3, "segments: shares must sum to 1"),
    ("population.segments.1.activity.mean", -0.1, "population.segments.1.activity.mean"),
])
def test_out_of_range_rejected_with_path(path, value, where):
    with pytest.raises(ValueError) as exc:
        default_scenario({path: value})
    assert where in str(exc.value)


def test_unknown_key_rejected_with_path():
    raw = default_scenario_dict()
    raw["operations"]["event"]["groupbuy"]["sizee"] = 3
    with pytest.raises(ValueError) as exc:
        load_scenario(raw)
    assert "operations.event.groupbuy.sizee" in str(exc.value)
    raw = default_scenario_dict()
    raw["colour"] = "red"
    with pytest.raises(ValueError, match="colour"):
        load_scenario(raw)


def test_override_of_missing_path_is_a_value_error():
    with pytest.raises(ValueError, match="kol.fees"):
        default_scenario({"kol.fees": 3})
    with pytest.raises(ValueError, match="operations.bogus"):
        default_scenario({"operations.bogus.enabled": True})


def test_overrides_apply_and_keep_the_input_unchanged():
    raw = default_scenario_dict()
    sc = load_scenario(raw, {"kol.count": 7, "kol.strategy": "pagerank", "operations.relationship.referral_reward": 12.5,
                             "product.price": 10, "operations.event.groupbuy.size": 4, "seeding.count": 3})
    assert (sc.kol.count, sc.kol.strategy, sc.product.price) == (7, "pagerank", 10.0)
    assert sc.operations.relationship.referral_reward == 12.5
    assert sc.operations.event.groupbuy.size == 4
    assert raw["kol"]["count"] == 5  # the caller's dict is not modified


def test_toml_file_and_errors(tmp_path):
    good = tmp_path / "s.toml"
    good.write_text('name = "x"\ndays = 5\n[graph]\ngenerator = "barabasi_albert"\nn = 50\nm = 2\n')
    sc = load_scenario(good)
    assert isinstance(sc, Scenario) and sc.days == 5 and sc.base_dir == tmp_path
    bad = tmp_path / "bad.toml"
    bad.write_text("days = [\n")
    with pytest.raises(ValueError, match="bad.toml"):
        load_scenario(bad)


def test_seeding_count_and_nodes_exclusive():
    with pytest.raises(ValueError, match="seeding"):
        default_scenario({"seeding.nodes": [1, 2]})
    # count = 0 switches the default scenario from random to chosen seeds
    assert default_scenario({"seeding.count": 0, "seeding.nodes": [1, 2]}).seeding.nodes == [1, 2]
    raw = default_scenario_dict()
    raw["seeding"] = {"nodes": [1, 2]}
    assert load_scenario(raw).seeding.nodes == [1, 2]


def test_windows_checked():
    with pytest.raises(ValueError, match="operations.event.campaign"):
        default_scenario({"operations.event.campaign.end_day": 3, "operations.event.campaign.start_day": 10})
    with pytest.raises(ValueError, match="kol"):
        default_scenario({"kol.micro_band": [0.9, 0.5]})


@pytest.mark.parametrize("path,value,where", [
    ("operations.event.flash_sale.discount", 1.0, "operations.event.flash_sale.discount"),
    ("operations.event.flash_sale.days", [0, 3], "operations.event.flash_sale"),
])
def test_event_values_rejected_with_path(path, value, where):
    with pytest.raises(ValueError, match=where.replace(".", r"\.")):
        default_scenario({path: value})


def test_load_scenario_checks_sizes_against_the_graph_and_memory():
    with pytest.raises(ValueError, match="kol.count: 1000000 KOLs, but the graph has only 20000 people"):
        load_scenario(default_scenario_dict(), {"kol.count": 10**6}, preflight=True)
    with pytest.raises(ValueError, match="of memory"):
        load_scenario(default_scenario_dict(), {"graph.n": 10**12}, preflight=True)
    big = load_scenario(default_scenario_dict(), {"graph.n": 10**12})  # simulate(sc, graph=g) may replace it
    assert big.graph.params["n"] == 10**12
