"""A pyabc sampler whose result depends on the seed only, not on the worker count.

pyabc's samplers draw from numpy's global random state, and its multicore samplers
reseed each worker from OS entropy, so a parallel ABC-SMC run cannot be repeated.
``SeededSampler`` is pyabc's ``MappingSampler`` scheme (task i samples particles until
one is accepted) with two changes: task i starts from seed i of a ``SeedSequence`` owned
by the sampler, and results are put back in task order. Each task's particles are then a
function of its seed and of the previous generation only, whichever process ran it, so
one worker in this process and two pool workers give the same populations.

Tasks run through socsim's executors (``simulation.runner.executors``: in-process,
a local process pool of ``workers``, or Dask).
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Iterable

import cloudpickle
import numpy as np
from pyabc.sampler import MappingSampler


def ordered_map(executor) -> Callable[[Callable, Iterable], list]:
    """A ``map`` over ``executor`` (``simulation.runner.executors.Executor``) that returns results in input order."""

    def map_(fn, items):
        items = list(items)
        out: list[Any] = [None] * len(items)
        for i, result in executor.map_unordered(functools.partial(_indexed, fn), list(enumerate(items))):
            out[i] = result
        return out

    return map_


def _indexed(fn, item):
    i, x = item
    return i, fn(x)


def _sample_chunk(payload: bytes | Callable, seeds: list[int]) -> list[list]:
    """For each seed: run pyabc's ``simulate_one`` from it until a particle is accepted.

    payload : ``simulate_one``, cloudpickled when it crosses a process boundary (then
    unpickled once per chunk: it carries the priors, transitions and distance). numpy's
    global random state is restored afterwards, so running in-process changes nothing.
    """
    simulate_one = cloudpickle.loads(payload) if isinstance(payload, bytes) else payload
    saved = np.random.get_state()
    try:
        out = []
        for seed in seeds:
            np.random.seed(seed)
            particles = []
            while True:
                particle = simulate_one()
                particles.append(particle)
                if particle.accepted:
                    break
            out.append(particles)
        return out
    finally:
        np.random.set_state(saved)


class SeededSampler(MappingSampler):
    """pyabc sampler: n seeded tasks, each sampling until one acceptance, mapped by ``map_`` in order.

    map_ : an order-preserving map (``ordered_map(executor)``; None: in this process);
    chunks : tasks are grouped into this many chunks (one per worker, say) — the grouping
    changes nothing in the result; seed : the entropy the task seeds are drawn from.
    """

    def __init__(self, map_: Callable | None = None, chunks: int = 1, seed: int = 0):
        super().__init__(map_=map_ or map, mapper_pickles=True)
        self.in_process = map_ is None
        self.chunks = max(1, int(chunks))
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):  # noqa: ARG002
        seeds = [int(s) for s in self.rng.integers(0, 2**32 - 1, size=n)]
        payload = simulate_one if self.in_process else cloudpickle.dumps(simulate_one)
        groups = [g.tolist() for g in np.array_split(np.asarray(seeds, np.int64), min(self.chunks, n))]
        results = list(self.map_(functools.partial(_sample_chunk, payload), groups))
        sample = self._create_empty_sample()
        evaluations = 0
        for chunk in results:
            for particles in chunk:
                for particle in particles:
                    sample.append(particle)
                evaluations += len(particles)
        self.nr_evaluations_ = evaluations
        return sample
