"""GraphConfig, the [graph] table of a scenario (simulation/config/graph.py)."""
import tomllib

import numpy as np
import pytest
from pydantic import ValidationError

from simulation.config.graph import GraphConfig
from simulation.graph import build_graph


def table(text: str) -> dict:
    return tomllib.loads(text)["graph"]


def test_flat_generator_table_builds_the_same_graph_as_build_graph():
    cfg = GraphConfig.model_validate(table('[graph]\ngenerator = "powerlaw_cluster"\nn = 500\nm = 4\np = 0.3\n'))
    assert cfg.generator == "powerlaw_cluster" and cfg.params == {"n": 500, "m": 4, "p": 0.3}
    a, b = cfg.build(seed=5), build_graph("powerlaw_cluster", n=500, m=4, p=0.3, seed=5)
    assert np.array_equal(a.indices, b.indices) and np.array_equal(a.indptr, b.indptr)
    assert cfg.flat() == {"generator": "powerlaw_cluster", "n": 500, "m": 4, "p": 0.3}


def test_round_trip_through_model_dump():
    cfg = GraphConfig.model_validate({"generator": "stochastic_block", "sizes": [5, 5], "p_in": 0.5, "p_out": 0.1})
    assert GraphConfig.model_validate(cfg.model_dump()) == cfg
    assert GraphConfig.model_validate(cfg.flat()) == cfg


def test_file_table_resolves_relative_paths_against_base_dir(tmp_path):
    (tmp_path / "edges.csv").write_text("source,target\na,b\nb,c\n")
    cfg = GraphConfig.model_validate(table('[graph]\nfile = "edges.csv"\ndirected = true\n'))
    g = cfg.build(seed=1, base_dir=tmp_path)
    assert g.directed and g.m == 2 and g.labels.tolist() == ["a", "b", "c"]
    assert GraphConfig(file="edges.csv").build(base_dir=tmp_path).m == 4
    with pytest.raises(ValueError, match="edges.csv: no such file"):
        cfg.build(seed=1, base_dir=tmp_path / "elsewhere")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"generator": "barabasi_albert", "n": 100, "k": 3, "m": 2}, r"unknown parameter 'k'; valid parameters: n, m"),
        ({"generator": "barabasi_albert", "n": 100, "m": 0}, r"m must be in \[1, n\), got 0"),
        ({"generator": "watts_strogatz", "n": 100, "k": 4}, r"missing parameter 'p'"),
        ({"generator": "barabasi_albert", "n": 100, "m": 2, "seed": 3}, r"unknown parameter 'seed'"),
        ({"generator": "smallworld", "n": 100}, r"unknown graph generator 'smallworld'; known: "),
        ({"generator": "complete", "n": 5, "file": "e.csv"}, r"exactly one of 'generator'.*got both"),
        ({}, r"exactly one of 'generator'.*got neither"),
        ({"generator": "complete", "n": 5, "directed": True}, r"'directed' applies to 'file' only"),
        ({"generator": "complete", "n": 5, "params": {"n": 6}}, r"parameter 'n' is given twice"),
        ({"generator": 3}, r"generator must be a name"),
        ({"file": "e.csv", "params": {"n": 3}}, r"apply to a generator, not to a file"),
        ({"file": "  "}, r"file must be a non-empty path"),
    ],
)
def test_validation_errors_name_the_problem(data, message):
    with pytest.raises(ValidationError, match=message):
        GraphConfig.model_validate(data)


def test_unknown_key_next_to_a_file_is_rejected_by_name():
    with pytest.raises(ValidationError) as err:
        GraphConfig.model_validate({"file": "e.csv", "m": 3})
    assert err.value.errors()[0]["loc"] == ("m",) and err.value.errors()[0]["type"] == "extra_forbidden"
