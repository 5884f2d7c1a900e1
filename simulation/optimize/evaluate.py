"""The CRN objective: run candidate scenarios on fixed replications through the runner's task code.

Replication ``r`` of every candidate runs on ``run_seed(seed, r)``, the seed replication
``r`` of every point of a ``socsim sweep`` with that base seed gets (common random
numbers), and goes through ``simulation.runner.task.execute_chunk`` on the runner's
executors, so a candidate's runs are exactly the runs a sweep of that scenario makes.
Differences between candidates are then paired replication by replication.

Every finished run's summary is stored at once in ``evaluations.db`` (SQLite, keyed by a
hash of the scenario and the replication), so a killed optimisation re-uses its runs
and a repeated candidate is never run twice.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from simulation.analysis.stats import paired_t, t_interval
from simulation.runner.executors import Executor
from simulation.runner.plan import RunSpec
from simulation.runner.task import Chunk, execute_chunk
from simulation.seeding import run_seed


class RunFailed(RuntimeError):
    """A candidate's run raised inside the model; the message is the run's error."""


def scenario_key(scenario: dict) -> str:
    """A stable hash of a scenario's plain data (identifies a candidate)."""
    return hashlib.sha256(json.dumps(scenario, sort_keys=True, default=str).encode()).hexdigest()[:24]


def run_spec(seed: int, replication: int, point: int = 0, name: str = "candidate") -> RunSpec:
    """The runner's spec of replication ``replication`` under base seed ``seed`` (CRN: independent of the point)."""
    ss = run_seed(seed, replication)
    return RunSpec(point, point, name, replication, int(ss.entropy), tuple(int(k) for k in ss.spawn_key))


@dataclass(frozen=True)
class Evaluation:
    """One candidate on some replications: per-replication metrics (arrays aligned on ``replications``)."""

    key: str
    replications: tuple[int, ...]
    metrics: dict[str, np.ndarray]

    def values(self, metric: str, sign: int = 1) -> np.ndarray:
        """Per-replication values of ``metric`` times ``sign``."""
        return sign * self.metrics[metric]

    def mean(self, metric: str, sign: int = 1) -> float:
        """Mean over replications of ``metric`` times ``sign``."""
        return float(np.mean(self.values(metric, sign)))

    def interval(self, metric: str, confidence: float = 0.95):
        """t interval of the mean of ``metric`` (``simulation.analysis.stats.Interval``)."""
        return t_interval(self.metrics[metric], confidence)


def paired_difference(a: Evaluation, b: Evaluation, metric: str, confidence: float = 0.95) -> dict:
    """Paired comparison a − b of ``metric`` over their common replications (paired t)."""
    if a.replications != b.replications:
        raise ValueError("paired comparison needs the same replications on both sides")
    return paired_t(a.metrics[metric], b.metrics[metric], confidence)


class Evaluator:
    """Runs candidates (scenario dicts) on replications with CRN, caching every run's summary.

    seed: the base seed; base_dir: folder relative files of the scenarios are read from;
    executor: where runs execute (``simulation.runner.executors``); db: the SQLite file
    of stored runs (None: keep them in memory only); progress: show a tqdm bar.
    """

    def __init__(self, seed: int, base_dir: str | None, executor: Executor, db: Path | None = None,
                 progress: bool = True, desc: str = "optimize"):
        self.seed = int(seed)
        self.base_dir = base_dir
        self.executor = executor
        self.runs_executed = 0
        self._mem: dict[tuple[str, int], dict] = {}
        self._db = None
        if db is not None:
            self._db = sqlite3.connect(str(db))
            self._db.execute("CREATE TABLE IF NOT EXISTS runs (key TEXT, replication INTEGER, seed INTEGER, "
                             "summary TEXT, PRIMARY KEY (key, replication, seed))")
            self._db.commit()
            for key, rep, summary in self._db.execute("SELECT key, replication, summary FROM runs WHERE seed = ?",
                                                      (self.seed,)):
                self._mem[(key, rep)] = json.loads(summary)
        self._bar = tqdm(total=0, unit="run", desc=desc, disable=not progress, file=sys.stderr,
                         dynamic_ncols=True, smoothing=0.1)

    def close(self) -> None:
        """Close the bar and the database."""
        self._bar.close()
        if self._db is not None:
            self._db.close()
            self._db = None

    def evaluate(self, scenarios: Sequence[dict], replications: Sequence[int]) -> list[Evaluation]:
        """Run every scenario on every replication (stored runs re-used); results in input order."""
        reps = tuple(int(r) for r in replications)
        keys = [scenario_key(s) for s in scenarios]
        todo: dict[tuple[str, int], dict] = {}
        for key, sc in zip(keys, scenarios):
            for r in reps:
                if (key, r) not in self._mem:
                    todo.setdefault((key, r), sc)
        if todo:
            self._run(todo)
        return [Evaluation(key, reps, _stack([self._mem[(key, r)] for r in reps])) for key in keys]

    def _run(self, todo: dict[tuple[str, int], dict]) -> None:
        items = list(todo.items())
        chunks = []
        for i, ((key, rep), sc) in enumerate(items):
            chunks.append(Chunk(specs=[run_spec(self.seed, rep, i, key)], scenarios={i: sc},
                                single_thread=self.executor.shares_machine, base_dir=self.base_dir))
        self._bar.total += len(chunks)
        self._bar.refresh()
        for result in self.executor.map_unordered(execute_chunk, chunks):
            row = result.runs.to_pylist()[0]
            if row["status"] != "ok":
                raise RunFailed(f"candidate {row['point_name']} replication {row['replication']}: {row['error']}")
            key, rep = items[row["point"]][0]
            summary = {k: v for k, v in row.items() if isinstance(v, float) and k != "wall_s"}
            self._mem[(key, rep)] = summary
            if self._db is not None:
                self._db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?)",
                                 (key, rep, self.seed, json.dumps(summary)))
                self._db.commit()
            self.runs_executed += 1
            self._bar.update(1)

    def table(self) -> pa.Table:
        """Every stored run: key, replication and its summary metrics."""
        rows = [{"candidate": k, "replication": r, **s} for (k, r), s in sorted(self._mem.items())]
        return pa.Table.from_pylist(rows) if rows else pa.table({"candidate": pa.array([], pa.string())})


def _stack(summaries: list[dict]) -> dict[str, np.ndarray]:
    names = set().union(*summaries) if summaries else set()
    return {k: np.array([s.get(k, np.nan) for s in summaries], dtype=float) for k in sorted(names)}
