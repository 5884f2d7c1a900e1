"""Designs: grid order, integer ranges, SALib sample sizes and order, scenario variants."""
from __future__ import annotations

import numpy as np
import pytest

from simulation.config.experiment import Sweep
from simulation.runner.design import build_design, grid_values


def sweep(**kw) -> Sweep:
    return Sweep.model_validate(kw)


def test_grid_is_the_product_with_the_last_parameter_fastest():
    d = build_design(sweep(parameters={"a": [1, 2], "b": {"low": 0.0, "high": 1.0, "levels": 3}}), {}, 0)
    assert d.type == "grid" and d.columns == ("a", "b")
    assert [tuple(p.params.values()) for p in d.points] == [
        (1, 0.0), (1, 0.5), (1, 1.0), (2, 0.0), (2, 0.5), (2, 1.0)
    ]
    assert [p.name for p in d.points] == [f"p{i}" for i in range(6)]


def test_integer_grid_range_stays_integer():
    from simulation.config.experiment import Range

    assert grid_values("k", Range(low=0, high=10, levels=3)) == [0, 5, 10]
    assert all(type(v) is int for v in grid_values("k", Range(low=0, high=10, levels=3)))


def test_empty_grid_is_one_point():
    d = build_design(sweep(), {}, 0)
    assert len(d.points) == 1 and d.points[0].params == {} and d.columns == ()


@pytest.mark.parametrize("second_order,per_base", [(True, 2 * 3 + 2), (False, 3 + 2)])
def test_sobol_size_order_and_integer_mapping(second_order, per_base):
    params = {"k": {"low": 0, "high": 4}, "x": {"low": 1.0, "high": 2.0}, "y": {"low": -1.0, "high": 1.0}}
    d = build_design(sweep(design="sobol", samples=8, second_order=second_order, parameters=params), {}, 3)
    assert len(d.points) == 8 * per_base
    assert d.salib_problem == {"num_vars": 3, "names": ["k", "x", "y"],
                               "bounds": [[0.0, 5.0], [1.0, 2.0], [-1.0, 1.0]]}
    assert d.options["calc_second_order"] is second_order
    # Points follow SALib's matrix row by row; integers are the floor of the sample.
    m = np.asarray(d.matrix)
    assert [p.params["k"] for p in d.points] == [int(np.floor(v)) for v in m[:, 0]]
    assert [p.params["x"] for p in d.points] == list(m[:, 1])
    assert {p.params["k"] for p in d.points} <= set(range(5))
    # Same seed, same design; another seed, another design.
    again = build_design(sweep(design="sobol", samples=8, second_order=second_order, parameters=params), {}, 3)
    other = build_design(sweep(design="sobol", samples=8, second_order=second_order, parameters=params), {}, 4)
    assert again.matrix == d.matrix and other.matrix != d.matrix


def test_morris_trajectories():
    params = {"x": {"low": 0.0, "high": 1.0}, "y": {"low": 0.0, "high": 1.0}}
    d = build_design(sweep(design="morris", samples=5, levels=4, parameters=params), {}, 1)
    assert len(d.points) == 5 * (2 + 1) and d.options["num_levels"] == 4


def test_scenario_variants_fill_unset_paths_with_the_base_value():
    s = sweep(design="scenarios", scenarios=[
        {"name": "cheap", "set": {"product.price": 50.0}},
        {"name": "kols", "set": {"kol": {"count": 5}}},  # nested tables flatten to dotted paths
    ])
    base = {"product": {"price": 99.0}, "kol": {"count": 0}}
    d = build_design(s, base, 0)
    assert d.columns == ("product.price", "kol.count")
    assert [(p.name, p.params) for p in d.points] == [
        ("cheap", {"product.price": 50.0, "kol.count": 0}),
        ("kols", {"product.price": 99.0, "kol.count": 5}),
    ]
