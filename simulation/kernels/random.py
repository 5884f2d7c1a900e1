"""Counter-based uniform random numbers for Numba kernels.

A draw is a pure function ``uniform(key, stream, a, b)`` of the run's 64-bit key, a
stream id (which decision is being made) and two counters (which node / edge, which
day / attempt). Nothing is stateful, so:

* results never depend on the number of threads or the order of a loop;
* two kernels that make the same decision with the same counters see the same draw.
  This is how the social-commerce funnel with its extras switched off reproduces
  ``classic.independent_cascade`` draw for draw: both decide "does the share over
  edge e succeed?" with ``uniform(key, TRANSMIT, e, k)``.

The mixer is SplitMix64's finaliser (Steele, Lea & Flood 2014): (key, stream, b) are
mixed into a 64-bit state and ``a`` steps a SplitMix64 sequence from it (state + (a+1)
× golden gamma, then the finaliser), the construction that passes BigCrush. Uniforms
have 53 random bits in [0, 1).
"""
from __future__ import annotations

import numpy as np
from numba import njit, uint64

# Stream ids: one per kind of decision. Append only; never renumber (it changes draws).
TRANSMIT = 1  # a share / infection attempt over edge e (counter b = attempt index)
RECOVER = 2  # SIR recovery of node i on step t
THRESHOLD = 3  # Linear Threshold: node i's threshold
ADOPT = 4  # Bass / spontaneous adoption of node i on step t
SEED_PICK = 5  # random choice of seeds inside kernels
ONLINE = 6  # consumer i is online on day t
PLATFORM = 7  # platform recommendation exposure
KOL_REACH = 8  # a KOL post reaches follower edge e on day t
EVALUATE = 9  # evaluation draw for non-edge exposures (i, day)
SHARE = 10  # consumer i decides to share on day t
SATISFY = 11  # consumer i's satisfaction after a purchase on day t
REPEAT = 12  # repeat-purchase draw
EVENT = 13  # campaign / event exposure
PARTNER = 14  # partner-brand exposure
GROUP = 15  # group-buy decisions
BARGAIN = 16  # bargain (price-cut) help decisions
NEGATIVE = 17  # negative word of mouth transmission over edge e
INTEREST = 18  # interest (considering) draw
CONTENT = 19  # user-generated content creation
WOM = 20  # a talking adopter keeps talking tomorrow (persistent word of mouth), person i on day t
RR_SAMPLE = 21  # reverse-reachable set b: arc e live (a = e), its root (a = m, the arc count)
LIVE = 22  # live-stream session: follower slot s attends (b = 4t), its wave (4t + 1), its decision (4t + 2)
SERVICE = 24  # customer service: purchase contact of person i, purchase count j (b = 4 j + slot)
INQUIRY = 25  # customer service: pre-sales inquiry of person i on day t (b = 4 t + slot)
STORE = 26  # offline stores and O2O (operations.store): person i on day t, b = 8t + k per decision
COMMUNITY = 27  # community group-buying (operations.community): arc e / person i on day t, b = 4t + k
REPEAT_SKIP = 28  # repeat purchase by geometric skipping over the repeat pool: gap j on day t (a = j, b = t)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(inline="always", cache=True)
def mix64(z):
    """SplitMix64 finaliser: a bijective 64-bit mixer."""
    z = uint64(z)
    z = (z ^ (z >> uint64(30))) * _M1
    z = (z ^ (z >> uint64(27))) * _M2
    return z ^ (z >> uint64(31))


# Compiled once, for four uint64 (``uniform`` casts before calling), not inlined by Numba:
# LLVM inlines it into each caller. Numba-level inlining re-typed and copied its IR at every
# call site (~0.1 s of compile time each, over 90 call sites), and a plain call with a
# module constant (a literal) as ``stream`` would compile one copy per constant.
@njit(cache=True)
def hash4(key, stream, a, b):
    """Return 64 well-mixed bits from (key, stream, a, b); all integers.

    (key, stream, b) seed a SplitMix64 sequence and ``a`` indexes it: the first two
    mixing rounds do not depend on ``a``, so a loop over the arcs of one node (fixed
    b) costs one round per draw once the compiler hoists them.
    """
    h = mix64(uint64(key) ^ (uint64(stream) * _M1))
    h = mix64(h ^ (uint64(b) * _M2 + _GOLDEN))
    return mix64(h + (uint64(a) + uint64(1)) * _GOLDEN)


@njit(inline="always", cache=True)
def uniform(key, stream, a, b):
    """Return a uniform float in [0, 1) determined by (key, stream, a, b)."""
    return float(hash4(uint64(key), uint64(stream), uint64(a), uint64(b)) >> uint64(11)) * _INV53


@njit(cache=True)
def uniforms(key, stream, a0, n, b):
    """Return ``uniform(key, stream, a0 + i, b)`` for i in 0..n-1 (for tests and Python)."""
    out = np.empty(n, np.float64)
    for i in range(n):
        out[i] = uniform(key, stream, a0 + i, b)
    return out
