"""The event model's day kernels equal the numpy steps they fuse: ``route_day`` (``route_groups``, the open-group
list extended, ``resolve_groups``, the joiners still pending) and ``route_table`` (``route_day``, then the purchase
table it leaves) over random sequences of days, and
``bargain_starters`` (filter, ``pick_below``, ``np.sort``) on random states."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.kernels.funnel import TAG_GROUP, TAG_PLAIN, pick_below
from simulation.kernels.random import BARGAIN
from simulation.operations.event import bargain_starters, resolve_groups, route_day, route_groups, route_table

KEY = np.uint64(77)
GROUP_ARRAYS = ("g_open", "g_close", "g_members", "g_status", "g_head")
PERSON_ARRAYS = ("pending", "pend_channel", "pend_price", "pend_ref", "next_member")


def _state(n, cap):
    return {"pending": np.full(n, -1, np.int64), "pend_channel": np.zeros(n, np.int8), "pend_price": np.zeros(n),
            "pend_ref": np.full(n, -1, np.int64), "next_member": np.full(n, -1, np.int64),
            **{g: np.zeros(cap, np.int64) for g in GROUP_ARRAYS}, "n_groups": 0, "open_ids": np.empty(0, np.int64)}


def _old(s, p, day, prob, factor, size, window):
    opened = s["n_groups"]
    keep, joiners, s["n_groups"] = route_groups(*p, day, KEY, prob, factor, *(s[a] for a in PERSON_ARRAYS),
                                                *(s[g] for g in GROUP_ARRAYS), s["n_groups"])
    if s["n_groups"] > opened:
        s["open_ids"] = np.concatenate([s["open_ids"], np.arange(opened, s["n_groups"], dtype=np.int64)])
    done, s["open_ids"] = resolve_groups(s["open_ids"], day, size, window, s["pending"], s["next_member"],
                                         *(s[g] for g in GROUP_ARRAYS))
    return keep, joiners[s["pending"][joiners] >= 0], done


def _new(s, p, day, prob, factor, size, window):
    keep, joiners, s["n_groups"], done, s["open_ids"] = route_day(
        *p, day, KEY, prob, factor, size, window, *(s[a] for a in PERSON_ARRAYS), *(s[g] for g in GROUP_ARRAYS),
        s["n_groups"], s["open_ids"])
    return keep, joiners, done


def _purchases(rng, s, n):
    """A day's random purchase columns (buyer, channel, price, ref, tag) for the state ``s``: up to 8 people not
    pending, about half of them invitees of a group (open or already closed) once there is one."""
    free = np.flatnonzero(s["pending"] < 0)
    buyers = rng.permutation(free)[: rng.integers(0, min(len(free), 8) + 1)].astype(np.int64)
    k = len(buyers)
    tag = np.where(rng.random(k) < 0.5, TAG_GROUP, TAG_PLAIN).astype(np.int8)
    ref = rng.integers(-1, n, k).astype(np.int64)
    groups = s["n_groups"]
    if groups:  # an invitation names a group, open or already closed
        ref = np.where(tag == TAG_GROUP, rng.integers(0, groups, k), ref)
    else:
        tag[:] = TAG_PLAIN
    return buyers, rng.integers(0, 5, k).astype(np.int8), rng.random(k) * 100, ref, tag


ROUTE_CASES = given(seed=st.integers(0, 2**31), n=st.integers(5, 60), prob=st.sampled_from([0.0, 0.3, 1.0]),
                    size=st.integers(2, 4), window=st.integers(1, 3))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@ROUTE_CASES
def test_route_day_equals_the_steps_it_fuses(seed, n, prob, size, window):
    rng = np.random.default_rng(seed)
    cap = 40 * n
    old, new = _state(n, cap), _state(n, cap)
    for day in range(1, 30):
        p = _purchases(rng, old, n)
        want = _old(old, p, day, prob, 0.8, size, window)
        got = _new(new, p, day, prob, 0.8, size, window)
        for w, g in zip(want, got):
            np.testing.assert_array_equal(g, w)
        for key in old:
            np.testing.assert_array_equal(new[key], old[key])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@ROUTE_CASES
def test_route_table_equals_route_day_then_the_table_steps(seed, n, prob, size, window):
    """Day after day: the kept rows in order, then the completed members (sorted) at their pending channel, price
    and ref with tag TAG_GROUP; the state (groups, open ids, joiners) as ``route_day`` leaves it."""
    rng = np.random.default_rng(seed)
    cap = 40 * n
    old, new = _state(n, cap), _state(n, cap)
    open_buf, joined, state = np.zeros(cap, np.int64), np.empty(n, np.int64), np.zeros(3, np.int64)
    for day in range(1, 30):
        p = _purchases(rng, old, n)
        keep, joiners, done = _new(old, p, day, prob, 0.8, size, window)
        done = np.sort(done)
        want = [np.concatenate([c[keep], extra]) for c, extra in zip(p, (
            done, old["pend_channel"][done], old["pend_price"][done], old["pend_ref"][done],
            np.full(len(done), TAG_GROUP, np.int8)))]
        got = route_table(*p, day, KEY, prob, 0.8, size, window, *(new[a] for a in PERSON_ARRAYS),
                          *(new[g] for g in GROUP_ARRAYS), open_buf, joined, state)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype
            np.testing.assert_array_equal(g, w)
        assert state[0] == old["n_groups"]
        np.testing.assert_array_equal(open_buf[: state[1]], old["open_ids"])
        np.testing.assert_array_equal(joined[: state[2]], joiners)
        for key in PERSON_ARRAYS + GROUP_ARRAYS:
            np.testing.assert_array_equal(new[key], old[key])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(1, 400), k=st.integers(0, 120), prob=st.sampled_from([0.1, 0.5, 1.0]))
def test_bargain_starters_equals_the_numpy_steps(seed, n, k, prob):
    rng = np.random.default_rng(seed)
    interested = rng.permutation(n)[: min(k, n)].astype(np.int64)  # distinct, in no order
    pending = np.where(rng.random(n) < 0.2, 0, -1).astype(np.int64)
    bought = rng.random(n) < 0.3
    cand = interested[(pending[interested] < 0) & ~bought[interested]]
    want = np.sort(pick_below(cand, prob, KEY, BARGAIN, 11))
    got = bargain_starters(interested, pending, bought, prob, KEY, 11)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
