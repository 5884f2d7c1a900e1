"""The unit of work shipped to a worker: a chunk of runs, executed into two Arrow tables.

A chunk holds only plain data (run specs, each point's scenario as a dict, the name of
the model function), so it travels unchanged to a local process or a Dask worker. A run
that raises becomes a row with ``status = "error"`` and the exception's message; the
chunk goes on with its next run.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from simulation.runner.arrow_columns import column, from_numpy, inferred
from simulation.runner.plan import RunSpec
from simulation.runner.timeline import mark

#: The default model: the social-commerce engine on a scenario dict.
DEFAULT_MODEL = "simulation.runner.task:simulate_scenario"


def simulate_scenario(
    scenario: dict, seed: np.random.SeedSequence, base_dir: str | None = None
) -> tuple[dict, dict, dict]:
    """Run the social-commerce model once; return ``(summary, daily, kols)`` (kols: the per-KOL table).

    scenario: the scenario as plain data; seed: the run's seed; base_dir: the folder
    relative files of the scenario (edge lists) are read from. A scenario with other
    products, a rival or a later launch runs as a market (``simulation.market``): the
    summary and daily series are our product's plus the market's ``<metric>@<product>``,
    share and brand keys (``simulation.market.share``); the KOL table is ours.
    """
    from pathlib import Path

    from simulation.config.scenario import Scenario
    from simulation.market import simulate_market as simulate
    from simulation.runner.graph_cache import GRAPHS

    sc = Scenario.model_validate(scenario)
    if base_dir is not None:
        sc._base_dir = Path(base_dir)  # what load_scenario sets for a scenario read from a file
    # runs sharing a graph seed (common random numbers across points) share the generated graph
    result = simulate(sc, seed, counterfactual=sc.counterfactual, graph=GRAPHS.graph(sc, seed))
    return result.summary, result.daily, result.records["kols"]


def single_threaded_numba() -> None:
    """Keep Numba to one thread in this process: several runs already share the machine's cores."""
    if "numba" not in sys.modules:
        os.environ["NUMBA_NUM_THREADS"] = "1"
        return
    import numba

    numba.set_num_threads(1)


def resolve_model(target: str):
    """Import ``"package.module:function"`` (an internal name, never read from user files)."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass
class Chunk:
    """Runs to execute together, with the scenario (plain data) of each point they touch."""

    specs: list[RunSpec]
    scenarios: dict[int, dict]
    model: str = DEFAULT_MODEL
    single_thread: bool = False
    base_dir: str | None = None

    @property
    def size(self) -> int:
        return len(self.specs)


@dataclass
class ChunkResult:
    """The finished chunk: the runs rows and the per-day rows, as Arrow tables."""

    runs: pa.Table
    timeseries: pa.Table
    run_ids: list[int] = field(default_factory=list)
    kols: pa.Table | None = None  # one row per run x KOL (models that return a third, per-KOL table)


#: Columns every runs table starts with, and their types.
RUN_COLUMNS = [
    ("run", pa.int64()),
    ("point", pa.int64()),
    ("point_name", pa.string()),
    ("replication", pa.int64()),
    ("seed_entropy", pa.int64()),
    ("spawn_key", pa.string()),
]
STATUS_COLUMNS = [("status", pa.string()), ("error", pa.string()), ("wall_s", pa.float64())]
TS_COLUMNS = [
    ("run", pa.int64()),
    ("point", pa.int64()),
    ("point_name", pa.string()),
    ("replication", pa.int64()),
    ("day", pa.int64()),
]
#: Schema metadata key: the metric (or series) names of the chunk's first successful run, in order.
KEYS_META = b"socsim.keys"


def _summary_row(summary: dict) -> dict[str, float]:
    row = {}
    for k, v in summary.items():
        try:
            row[str(k)] = float(np.nan if v is None else v)
        except (TypeError, ValueError):
            raise TypeError(f"summary metric {k!r} is not a number: {v!r}") from None
    return row


def _daily_arrays(daily: dict) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    length = None
    for k, v in daily.items():
        a = np.asarray(v)
        if a.ndim != 1:
            raise ValueError(f"daily series {k!r} has shape {a.shape}, expected one value per day")
        if length is not None and len(a) != length:
            raise ValueError(f"daily series {k!r} has {len(a)} days, others have {length}")
        length = len(a)
        out[str(k)] = a
    return out


def _ordered_keys(rows: list[dict]) -> list[str]:
    """Keys of the first row in its order, then every other key sorted (independent of chunking)."""
    if not rows:
        return []
    first = list(rows[0])
    rest = sorted({k for r in rows for k in r} - set(first))
    return first + rest


def _reraise_interrupt(error: BaseException) -> None:
    """Re-raise a Ctrl-C or SIGTERM that compiled code wrapped into an ordinary error.

    A signal handler's exception raised while a Numba dispatcher runs comes out as
    ``SystemError: ... returned a result with an exception set``, the interrupt chained
    inside it; it must stop the sweep, not become a failed run.
    """
    seen = set()
    e: BaseException | None = error
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if not isinstance(e, Exception):
            raise e
        e = e.__cause__ or e.__context__


def execute_chunk(chunk: Chunk) -> ChunkResult:
    """Run every run of the chunk in order; errors become rows with status "error"."""
    mark("chunk start")
    if chunk.single_thread:
        single_threaded_numba()
    model = resolve_model(chunk.model)
    statuses, errors, walls = [], [], []
    summaries: list[dict] = []
    ok_summaries: list[dict] = []
    dailies: list[tuple[RunSpec, dict[str, np.ndarray]]] = []
    kol_parts: list[pa.Table] = []
    for spec in chunk.specs:
        t0 = time.perf_counter()
        try:
            out = model(chunk.scenarios[spec.point], spec.seed_sequence(), chunk.base_dir)
            summary, daily = out[0], out[1]
            row = _summary_row(summary)
            arrays = _daily_arrays(daily)
            if len(out) > 2 and out[2] is not None and len(next(iter(out[2].values()), [])):
                kol_parts.append(_kols_table(spec, out[2]))
        except Exception as e:  # a failing run is data, not a crash of the sweep
            _reraise_interrupt(e)
            statuses.append("error")
            errors.append(f"{type(e).__name__}: {e}")
            summaries.append({})
        else:
            statuses.append("ok")
            errors.append("")
            summaries.append(row)
            ok_summaries.append(row)
            dailies.append((spec, arrays))
        walls.append(time.perf_counter() - t0)
    mark("chunk end")
    return ChunkResult(
        runs=_runs_table(chunk.specs, statuses, errors, walls, summaries, ok_summaries),
        timeseries=_timeseries_table(dailies),
        run_ids=[s.run for s in chunk.specs],
        kols=pa.concat_tables(kol_parts, promote_options="default") if kol_parts else None,
    )


def _kols_table(spec: RunSpec, table: dict) -> pa.Table:
    """One run's per-KOL table with the run's identifying columns in front."""
    k = len(next(iter(table.values())))
    cols = {"run": [spec.run] * k, "point": [spec.point] * k, "point_name": [spec.point_name] * k,
            "replication": [spec.replication] * k}
    cols.update({name: (list(map(str, v)) if np.asarray(v).dtype == object else np.asarray(v))
                 for name, v in table.items()})
    return pa.Table.from_arrays([inferred(v) for v in cols.values()], names=list(cols))


def _runs_table(specs, statuses, errors, walls, summaries, ok_summaries) -> pa.Table:
    keys = _ordered_keys(ok_summaries)
    cols = {
        "run": [s.run for s in specs],
        "point": [s.point for s in specs],
        "point_name": [s.point_name for s in specs],
        "replication": [s.replication for s in specs],
        "seed_entropy": [s.entropy for s in specs],
        "spawn_key": [s.spawn_key_text for s in specs],
        "status": statuses,
        "error": errors,
        "wall_s": walls,
    }
    fields = [pa.field(n, t) for n, t in RUN_COLUMNS + STATUS_COLUMNS]
    arrays = [column(cols[f.name], f.type) for f in fields]
    for k in keys:
        fields.append(pa.field(k, pa.float64()))
        arrays.append(column([s.get(k, np.nan) for s in summaries], pa.float64()))
    meta = {KEYS_META: json.dumps(list(ok_summaries[0]) if ok_summaries else []).encode()}
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=meta))


def _timeseries_table(dailies: list[tuple[RunSpec, dict[str, np.ndarray]]]) -> pa.Table:
    keys = _ordered_keys([d for _, d in dailies])
    lengths = np.array([len(next(iter(d.values()))) if d else 0 for _, d in dailies], dtype=np.int64)
    specs = [s for s, _ in dailies]
    columns = {
        "run": np.repeat(np.array([s.run for s in specs], dtype=np.int64), lengths),
        "point": np.repeat(np.array([s.point for s in specs], dtype=np.int64), lengths),
        "point_name": [s.point_name for s, n in zip(specs, lengths) for _ in range(n)],
        "replication": np.repeat(np.array([s.replication for s in specs], dtype=np.int64), lengths),
        "day": np.concatenate([np.arange(n, dtype=np.int64) for n in lengths] or [np.zeros(0, np.int64)]),
    }
    fields = [pa.field(n, t) for n, t in TS_COLUMNS]
    arrays = [column(columns[f.name], f.type) for f in fields]
    for k in keys:
        parts = [d[k] if k in d else np.full(n, np.nan) for (_, d), n in zip(dailies, lengths)]
        col = np.concatenate(parts)
        fields.append(pa.field(k, pa.from_numpy_dtype(col.dtype)))
        arrays.append(from_numpy(col))
    meta = {KEYS_META: json.dumps(list(dailies[0][1]) if dailies else []).encode()}
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=meta))
