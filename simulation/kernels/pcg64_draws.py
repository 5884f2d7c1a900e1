"""NumPy's ``Generator(PCG64)`` Beta and Gamma draws, bit for bit, in one jitted loop.

``beta(rng, a, b, size)`` and ``gamma(rng, shape, scale, size)`` return exactly
``rng.beta(a, b, size)`` and ``rng.gamma(shape, scale, size)`` and leave ``rng`` in the
same state. They re-implement NumPy's C code (``random_beta`` for a > 1 or b > 1 —
the ratio of two Marsaglia–Tsang Gamma draws —, ``random_standard_gamma`` for shape > 1,
``random_standard_normal``'s ziggurat, ``next_double``) over PCG64 (XSL-RR 128/64) with
its state read from and written back to ``rng.bit_generator``. Each draw costs ~2.5×
less than NumPy's, whose every uniform goes through a function pointer: a 10^7-arc
graph's tie strengths take 0.35 s instead of 0.85 s.

Fewer than ``MIN_SIZE`` draws go through ``pcg64_kernels.draw_fill``, a leaner loop that
compiles in ~0.35 s instead of ~2 s on a cold cache (the default scenario's run, whose cold
start cannot pay 2 s, uses only it) and runs 20-30 % slower; the results are the same either
way. Anything else (another bit generator, a shape <= 1) goes to NumPy itself.
``tests/kernels/test_pcg64_draws.py`` checks bit identity against NumPy on many seeds,
sizes and parameters, through both loops.
"""
from __future__ import annotations

import numpy as np

#: fewer draws than this go to the lean loop: the fast ones compile in ~2 s on a cold cache, which the
#: default scenario's run (2·10^4 people, 1.6·10^5 arcs) must not pay (issue 12, target 6)
MIN_SIZE = 1 << 18

_MASK64 = (1 << 64) - 1


def _state(rng: np.random.Generator) -> np.ndarray | None:
    """``rng``'s PCG64 state as [state low, high, increment low, high] (uint64), or None if not PCG64."""
    if type(rng.bit_generator) is not np.random.PCG64:
        return None
    st = rng.bit_generator.state["state"]
    return np.array([st["state"] & _MASK64, st["state"] >> 64, st["inc"] & _MASK64, st["inc"] >> 64], np.uint64)


def _put_state(rng: np.random.Generator, s: np.ndarray) -> None:
    """Write the kernel's state ``s`` back into ``rng`` (its buffered 32-bit half, unused here, unchanged)."""
    full = rng.bit_generator.state
    full["state"] = {"state": int(s[0]) | (int(s[1]) << 64), "inc": int(s[2]) | (int(s[3]) << 64)}
    rng.bit_generator.state = full


def _fill(rng: np.random.Generator, size: int, fits: bool, beta: bool, a: float, b: float) -> np.ndarray | None:
    """``size`` Beta(a, b) draws if ``beta``, else Gamma(shape a, scale b) draws, from ``rng`` by the kernels (its
    state advanced), or None when they go to NumPy (``fits`` False, not PCG64)."""
    s = _state(rng) if fits else None
    if s is None:
        return None
    from . import pcg64_kernels as K

    out = np.empty(size)
    if size < MIN_SIZE:
        K.draw_fill(s, beta, a, b, out)
    elif beta:
        K.beta_fill(s, a, b, out)
    else:
        K.gamma_fill(s, a, b, out)
    _put_state(rng, s)
    return out


def beta(rng: np.random.Generator, a: float, b: float, size: int) -> np.ndarray:
    """``rng.beta(a, b, size)`` (float64, shape (size,)), the same numbers and the same state after."""
    out = _fill(rng, size, a > 1.0 and b > 1.0, True, float(a), float(b))
    return rng.beta(a, b, size) if out is None else out


def gamma(rng: np.random.Generator, shape: float, scale: float, size: int) -> np.ndarray:
    """``rng.gamma(shape, scale, size)`` (float64, shape (size,)), the same numbers and the same state after."""
    out = _fill(rng, size, shape > 1.0, False, float(shape), float(scale))
    return rng.gamma(shape, scale, size) if out is None else out
