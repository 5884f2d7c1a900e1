"""The jitted PCG64 Beta and Gamma draws are NumPy's, bit for bit, and leave the Generator where NumPy would,
through both loops (the lean one below ``MIN_SIZE`` draws, the fast ones above)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.kernels import pcg64_draws as D

shapes = st.floats(1.0, 60.0, exclude_min=True, allow_nan=False)


@pytest.fixture(scope="module", autouse=True, params=["lean", "fast"])
def loop(request):
    """Route every size to one loop: ``draw_fill`` (MIN_SIZE above any size here) or ``beta_fill`` / ``gamma_fill``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(D, "MIN_SIZE", 1 << 62 if request.param == "lean" else 1)
        yield request.param


def _pair(seed: int, skip: int):
    """Two Generators in the same state, ``skip`` uniforms into the stream of ``seed``."""
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    a.random(skip)
    b.random(skip)
    return a, b


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**63), st.integers(0, 5), shapes, shapes, st.integers(1, 3000))
def test_beta_equals_numpy(seed, skip, a, b, size):
    mine, ref = _pair(seed, skip)
    np.testing.assert_array_equal(D.beta(mine, a, b, size), ref.beta(a, b, size))
    # the same state after: the next draws agree too (and the next 32-bit half, if one was buffered)
    np.testing.assert_array_equal(mine.random(3), ref.random(3))
    assert mine.integers(0, 2**32, 3, dtype=np.uint32).tolist() == ref.integers(0, 2**32, 3, dtype=np.uint32).tolist()


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**63), st.integers(0, 5), shapes, st.floats(0.0, 100.0), st.integers(1, 3000))
def test_gamma_equals_numpy(seed, skip, shape, scale, size):
    mine, ref = _pair(seed, skip)
    np.testing.assert_array_equal(D.gamma(mine, shape, scale, size), ref.gamma(shape, scale, size))
    np.testing.assert_array_equal(mine.random(3), ref.random(3))


def test_long_streams_equal_numpy_through_the_rare_branches():
    # 4 * 10^5 Gammas reach the ziggurat's tail (idx 0, ~1 in 2^13 normals) and wedges many times over
    for seed, (a, b) in enumerate([(2.0, 20.0), (3.0, 12.0), (1.0001, 1.0001), (300.0, 1.5)]):
        mine, ref = np.random.default_rng(seed), np.random.default_rng(seed)
        np.testing.assert_array_equal(D.beta(mine, a, b, 200_000), ref.beta(a, b, 200_000))
        np.testing.assert_array_equal(D.gamma(mine, a, 1.5, 1000), ref.gamma(a, 1.5, 1000))


def test_the_rest_goes_to_numpy():
    # a shape <= 1 (other NumPy branches) and another bit generator are NumPy's own draws
    for a, b in [(0.5, 3.0), (3.0, 1.0), (0.4, 0.7)]:
        np.testing.assert_array_equal(D.beta(np.random.default_rng(1), a, b, 50),
                                      np.random.default_rng(1).beta(a, b, 50))
    np.testing.assert_array_equal(D.gamma(np.random.default_rng(1), 0.5, 2.0, 50),
                                  np.random.default_rng(1).gamma(0.5, 2.0, 50))
    mt = np.random.Generator(np.random.MT19937(3))
    np.testing.assert_array_equal(D.beta(mt, 2.0, 5.0, 50), np.random.Generator(np.random.MT19937(3)).beta(2.0, 5.0, 50))


def test_the_default_scenario_run_does_not_load_the_fast_kernels():
    # a cold cache would compile them (~2 s), which the default run's cold start cannot afford (issue 12, target 6);
    # it does use the lean loop (~0.35 s to compile)
    import subprocess
    import sys
    from pathlib import Path

    code = ("from simulation.config.experiment import load_experiment\n"
            "from simulation.engine import simulate\n"
            "sc = load_experiment('default', ['days=1']).base\n"
            "simulate(sc, 0)\n"
            "from simulation.kernels import pcg64_kernels as K\n"
            "print(len(K.draw_fill.signatures), len(K.beta_fill.signatures), len(K.gamma_fill.signatures))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "1 0 0"
