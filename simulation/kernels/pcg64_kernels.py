"""The jitted loops of ``simulation.kernels.pcg64_draws`` (NumPy's PCG64, ziggurat normal, Gamma, Beta).

``beta_fill`` and ``gamma_fill`` (every step inlined: the fastest loops, ~2 s to compile on a cold
cache) serve draws of ``MIN_SIZE`` or more; ``draw_fill`` (one loop for both, written out in one
body with the PCG64 step called: ~0.35 s to compile with the step, 20-30 % slower) serves the
smaller ones, such as the default run's, whose cold start cannot pay 2 s (issue 12, target 6).
"""
from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

# NumPy's ziggurat tables, as Numba's own port of NumPy's distributions carries them
from numba.np.random._constants import fi_double, ki_double, wi_double, ziggurat_nor_inv_r, ziggurat_nor_r

_MULT_HI = np.uint64(2549297995355413924)  # PCG64's 128-bit multiplier (NumPy's PCG_DEFAULT_MULTIPLIER_128)
_MULT_LO = np.uint64(4865540595714422341)
_ONE = np.uint64(1)
_BYTE = np.uint64(0xFF)
_MANTISSA = np.uint64(0x000FFFFFFFFFFFFF)
_TO_DOUBLE = 1.0 / 9007199254740992.0


@intrinsic
def _mul_hi(typingctx, a, b):
    """The high 64 bits of the 128-bit product a * b (uint64): one machine multiply."""
    sig = types.uint64(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        wide = ir.IntType(128)
        product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        return builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))

    return sig, codegen


@njit(inline="always")
def _next_uint64(s):
    """PCG64's next output; ``s`` = [state low, state high, increment low, increment high] (uint64)."""
    lo = s[0]
    hi = s[1]
    prod_lo = lo * _MULT_LO
    new_lo = prod_lo + s[2]
    carry = _ONE if new_lo < prod_lo else np.uint64(0)
    new_hi = _mul_hi(lo, _MULT_LO) + lo * _MULT_HI + hi * _MULT_LO + s[3] + carry
    s[0] = new_lo
    s[1] = new_hi
    rot = new_hi >> np.uint64(58)
    x = new_hi ^ new_lo
    return (x >> rot) | (x << ((-rot) & np.uint64(63)))


def _gamma_sampler(next_uint64):
    """NumPy's ``random_standard_gamma`` for shape > 1 over the PCG64 step ``next_uint64`` (a jitted function of
    the state array), as an inline jitted function ``(s, b, c) -> float``: its ziggurat normal and uniforms call
    ``next_uint64`` at five places."""
    @njit(inline="always")
    def next_double(s):
        return np.float64(next_uint64(s) >> np.uint64(11)) * _TO_DOUBLE

    @njit(inline="always")
    def standard_normal(s):
        """NumPy's ``random_standard_normal`` (ziggurat), operation for operation."""
        while True:
            r = next_uint64(s)
            idx = np.intp(r & _BYTE)
            r >>= np.uint64(8)
            rabs = (r >> _ONE) & _MANTISSA
            x = np.float64(rabs) * wi_double[idx]
            if r & _ONE:
                x = -x
            if rabs < ki_double[idx]:
                return x
            if idx == 0:
                while True:
                    xx = -ziggurat_nor_inv_r * np.log1p(-next_double(s))
                    yy = -np.log1p(-next_double(s))
                    if yy + yy > xx * xx:
                        if (rabs >> np.uint64(8)) & _ONE:
                            return -(ziggurat_nor_r + xx)
                        return ziggurat_nor_r + xx
            elif (fi_double[idx - 1] - fi_double[idx]) * next_double(s) + fi_double[idx] < np.exp(-0.5 * x * x):
                return x

    @njit(inline="always")
    def standard_gamma(s, b, c):
        """NumPy's ``random_standard_gamma`` for shape > 1 (Marsaglia–Tsang), b = shape - 1/3, c = 1 / sqrt(9 b)."""
        while True:
            while True:
                x = standard_normal(s)
                v = 1.0 + c * x
                if v > 0.0:
                    break
            v = v * v * v
            u = next_double(s)
            if u < 1.0 - 0.0331 * (x * x) * (x * x):
                return b * v
            if np.log(u) < 0.5 * x * x + b * (1. - v + np.log(v)):
                return b * v

    return standard_gamma


#: everything inlined: the large kernels (~2 s to compile on a cold cache, the fastest loop)
_standard_gamma = _gamma_sampler(_next_uint64)
#: the PCG64 step as a called function (not inlined): ``draw_fill`` calls it at five places
_step = njit(_next_uint64.py_func)


@njit(cache=True)
def beta_fill(s, a, b, out):
    """out[i] = the next Beta(a, b) draw (a > 1 and b > 1: NumPy's two-Gamma branch)."""
    ba = a - 1. / 3.
    ca = 1. / np.sqrt(9 * ba)
    bb = b - 1. / 3.
    cb = 1. / np.sqrt(9 * bb)
    for i in range(out.shape[0]):
        ga = _standard_gamma(s, ba, ca)
        gb = _standard_gamma(s, bb, cb)
        out[i] = ga / (ga + gb)


@njit(cache=True)
def gamma_fill(s, shape, scale, out):
    """out[i] = scale * the next standard Gamma(shape) draw (shape > 1)."""
    b = shape - 1. / 3.
    c = 1. / np.sqrt(9 * b)
    for i in range(out.shape[0]):
        out[i] = scale * _standard_gamma(s, b, c)


@njit(cache=True)
def draw_fill(s, beta, a, b, out):
    """out[i] = the next Beta(a, b) draw if ``beta`` (a > 1 and b > 1), else b * the next standard Gamma(a) draw
    (a > 1, b the scale): ``beta_fill`` and ``gamma_fill`` in one loop for small sizes, where a cold cache's
    compile must stay cheap (issue 12, target 6). ``_gamma_sampler``'s Gamma and ziggurat normal, operation for
    operation, written out here in one body with the PCG64 step called (``_step``) rather than built from the
    sampler's nested inline functions: no Numba-level inlining (each inlined copy is typed again), so ~0.07 s
    less compile and ~8 % faster than ``_gamma_sampler(_step)``; the fast loops keep the sampler, every step
    inlined (~13 % faster again on 2·10^6 draws, ~2 s to compile). Tests check both against NumPy."""
    ba = a - 1. / 3.
    ca = 1. / np.sqrt(9 * ba)
    bb = b - 1. / 3. if beta else ba
    cb = 1. / np.sqrt(9 * bb)
    gammas = 2 if beta else 1
    for i in range(out.shape[0]):
        first = 0.0
        g = 0.0
        for k in range(gammas):
            gs = ba if k == 0 else bb
            gc = ca if k == 0 else cb
            while True:  # Marsaglia–Tsang: standard_gamma(s, gs, gc)
                while True:
                    while True:  # ziggurat: x = standard_normal(s)
                        r = _step(s)
                        idx = np.intp(r & _BYTE)
                        r >>= np.uint64(8)
                        rabs = (r >> _ONE) & _MANTISSA
                        x = np.float64(rabs) * wi_double[idx]
                        if r & _ONE:
                            x = -x
                        if rabs < ki_double[idx]:
                            break
                        if idx == 0:
                            while True:
                                xx = -ziggurat_nor_inv_r * np.log1p(-(np.float64(_step(s) >> np.uint64(11)) * _TO_DOUBLE))
                                yy = -np.log1p(-(np.float64(_step(s) >> np.uint64(11)) * _TO_DOUBLE))
                                if yy + yy > xx * xx:
                                    break
                            x = -(ziggurat_nor_r + xx) if (rabs >> np.uint64(8)) & _ONE else ziggurat_nor_r + xx
                            break
                        if ((fi_double[idx - 1] - fi_double[idx]) * (np.float64(_step(s) >> np.uint64(11)) * _TO_DOUBLE)
                                + fi_double[idx] < np.exp(-0.5 * x * x)):
                            break
                    v = 1.0 + gc * x
                    if v > 0.0:
                        break
                v = v * v * v
                u = np.float64(_step(s) >> np.uint64(11)) * _TO_DOUBLE
                if u < 1.0 - 0.0331 * (x * x) * (x * x):
                    g = gs * v
                    break
                if np.log(u) < 0.5 * x * x + gs * (1. - v + np.log(v)):
                    g = gs * v
                    break
            if k == 0:
                first = g
        out[i] = first / (first + g) if beta else b * g
