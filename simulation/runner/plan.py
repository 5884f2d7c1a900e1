"""The run plan: one ``RunSpec`` per (design point, replication), with its seed.

Run ids are ``point * replications + replication``. Seeds come from
``SeedSequence(base_seed)`` (``simulation.seeding.run_seed``):

* common random numbers (``crn=True``, the default): replication ``r`` of *every* point
  uses child ``r``, so two points differ only by their parameters, not by their luck,
  and paired differences between points have far less variance;
* independent seeds (``crn=False``): run ``k`` uses child ``k``.

Each run records the root entropy and spawn key that reproduce its ``SeedSequence``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.seeding import run_seed


@dataclass(frozen=True)
class RunSpec:
    """One run: ids, point name and the seed record (root entropy + spawn key)."""

    run: int
    point: int
    point_name: str
    replication: int
    entropy: int
    spawn_key: tuple[int, ...]

    def seed_sequence(self) -> np.random.SeedSequence:
        """Return the run's ``SeedSequence``."""
        return np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)

    @property
    def spawn_key_text(self) -> str:
        """The spawn key as stored in runs.parquet, e.g. ``"3"`` or ``"2,3"``."""
        return ",".join(str(k) for k in self.spawn_key)


def plan_runs(point_names: list[str], replications: int, base_seed: int, crn: bool = True) -> list[RunSpec]:
    """Return every run of a sweep, sorted by run id.

    point_names: the design points' names, in point order.
    replications: runs per point (>= 1).
    base_seed: the root seed of the experiment.
    crn: common random numbers across points (see module docstring).
    """
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    specs = []
    for point, name in enumerate(point_names):
        for rep in range(replications):
            run = point * replications + rep
            ss = run_seed(base_seed, rep if crn else run)
            specs.append(RunSpec(run, point, name, rep, int(ss.entropy), tuple(int(k) for k in ss.spawn_key)))
    return specs


def chunk_runs(specs: list[RunSpec], size: int, workers: int = 1) -> list[list[RunSpec]]:
    """Split runs (in run order) into consecutive tasks of at most ``size`` runs.

    workers: processes sharing the tasks. With more than one, the last tasks shrink
    (each at most half of a worker's share of the runs left, never below a quarter of
    ``size``), so that the workers finish together instead of one waiting for the
    other's last full task. Results do not depend on the chunking.
    """
    if size < 1:
        raise ValueError(f"chunk size must be >= 1, got {size}")
    if workers <= 1:
        return [specs[i : i + size] for i in range(0, len(specs), size)]
    floor = max(1, size // 4)
    chunks, i = [], 0
    while i < len(specs):
        k = min(size, max(floor, -(-(len(specs) - i) // (2 * workers))))
        chunks.append(specs[i : i + k])
        i += k
    return chunks


def default_chunk_size(n_runs: int, workers: int, replications: int) -> int:
    """Runs per task: about four tasks per worker for balance, at most one point's replications."""
    per_task = -(-n_runs // max(1, 4 * workers))
    return max(1, min(replications, per_task))
