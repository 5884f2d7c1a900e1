"""The output directory of a sweep: manifest, atomic Parquet parts, resume and the final merge.

Layout::

    DIR/manifest.json          the experiment, its resolved design, seeds, versions, times
    DIR/parts/runs-NNNNNNNN.parquet, timeseries-NNNNNNNN.parquet
                               one pair per finished chunk (NNNNNNNN = its first run id)
    DIR/runs.parquet           one row per run, sorted by run (= point, replication)
    DIR/timeseries.parquet     one row per (run, day), sorted by run then day
    DIR/kols.parquet           one row per (run, KOL) when the model reports KOLs (parts: kols-NNNNNNNN)

Every file is written to a hidden temporary name and ``os.replace``d into place, so a
reader (or a killed sweep) only ever sees whole files. A chunk is complete when its
``runs-`` part exists; its ``timeseries-`` part is written first. ``resume`` deletes
temporaries and half-written chunks, then reports which runs are done. ``merge`` builds
the final tables from the parts alone, so a resumed sweep yields the same tables (same
rows, values and order; only ``wall_s`` differs) as an uninterrupted one, whatever the
chunking, worker count or backend.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from simulation.atomic import TMP_PREFIX, atomic_write
from simulation.runner.task import KEYS_META, RUN_COLUMNS, STATUS_COLUMNS, TS_COLUMNS, ChunkResult

MANIFEST = "manifest.json"
RUNS = "runs.parquet"
TIMESERIES = "timeseries.parquet"
KOLS = "kols.parquet"
PARTS = "parts"
#: Manifest entries that must match for ``--resume`` to continue a sweep.
RESUME_KEYS = ("design", "replications", "base_seed", "crn", "scenario")


class OutputDirError(ValueError):
    """The output directory cannot be used as asked (exists, belongs to another sweep, incomplete)."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename."""
    atomic_write(path, data)


def atomic_write_table(path: Path, table: pa.Table) -> None:
    """Write an Arrow table as Parquet through a temporary file and a rename."""
    atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def _normal(data: Any) -> Any:
    """Round-trip through JSON so that tuples/lists and int/float keys compare as stored."""
    return json.loads(json.dumps(data, default=str))


class OutputDir:
    """One sweep's output directory (see module docstring)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.manifest_path = self.path / MANIFEST
        self.runs_path = self.path / RUNS
        self.timeseries_path = self.path / TIMESERIES
        self.parts = self.path / PARTS

    # ---------------------------------------------------------------- state

    def read_manifest(self) -> dict | None:
        """Return the manifest, or ``None`` when there is none."""
        if not self.manifest_path.is_file():
            return None
        try:
            return json.loads(self.manifest_path.read_text())
        except (OSError, ValueError) as e:
            raise OutputDirError(f"{self.manifest_path}: unreadable manifest ({e})") from None

    def _ours(self) -> list[Path]:
        names = {MANIFEST, RUNS, TIMESERIES, PARTS}
        return [p for p in self.path.iterdir() if p.name in names or p.name.startswith(TMP_PREFIX)]

    def check(self, manifest: dict, *, resume: bool, overwrite: bool) -> str:
        """Decide, without touching anything, how a sweep may use this directory.

        Returns ``"fresh"`` (empty or absent), ``"overwrite"``, ``"resume"`` or
        ``"complete"`` (resume of a finished sweep). Raises ``OutputDirError`` when the
        directory holds results that the request would lose or mix up.
        """
        if resume and overwrite:
            raise OutputDirError("--resume and --overwrite exclude each other")
        if self.path.exists() and not self.path.is_dir():
            raise OutputDirError(f"{self.path}: exists and is not a directory")
        if not self.path.exists() or not any(self.path.iterdir()):
            return "fresh"
        if overwrite:
            return "overwrite"
        old = self.read_manifest()
        if not resume:
            raise OutputDirError(
                f"{self.path}: not empty; pass --resume to continue the sweep there or "
                "--overwrite to replace its results"
            )
        if old is None:
            raise OutputDirError(f"{self.path}: not empty and has no {MANIFEST}; nothing to resume")
        for key in RESUME_KEYS:
            if _normal(old.get(key)) != _normal(manifest.get(key)):
                raise OutputDirError(
                    f"{self.path}: cannot resume: '{key}' differs from the sweep recorded there "
                    "(same file, overrides and seed needed; or use --overwrite / another --out)"
                )
        if old.get("finished"):
            if not (self.runs_path.is_file() and self.timeseries_path.is_file()):
                raise OutputDirError(
                    f"{self.path}: the manifest says the sweep finished but {RUNS} or {TIMESERIES} "
                    "is missing; use --overwrite to run it again"
                )
            return "complete"
        return "resume"

    def prepare(self, mode: str) -> None:
        """Create the directory (``fresh``), clear our old results (``overwrite``) or tidy up (``resume``)."""
        if mode == "overwrite":
            for p in self._ours():
                shutil.rmtree(p) if p.is_dir() else p.unlink()
        self.path.mkdir(parents=True, exist_ok=True)
        if mode in ("resume", "complete"):
            self._tidy()
        self.parts.mkdir(exist_ok=True)

    def _tidy(self) -> None:
        """Delete temporaries and half-written chunks left by a killed sweep."""
        for p in self.path.glob(f"{TMP_PREFIX}*"):
            p.unlink()
        if not self.parts.is_dir():
            return
        for p in self.parts.glob(f"{TMP_PREFIX}*"):
            p.unlink()
        runs = {p.name.removeprefix("runs-") for p in self.parts.glob("runs-*.parquet")}
        ts = {p.name.removeprefix("timeseries-") for p in self.parts.glob("timeseries-*.parquet")}
        for tail in ts - runs:
            (self.parts / f"timeseries-{tail}").unlink()
        for tail in runs - ts:
            (self.parts / f"runs-{tail}").unlink()

    def write_manifest(self, manifest: dict) -> None:
        """Write ``manifest.json`` atomically."""
        text = json.dumps(manifest, indent=2, default=str, ensure_ascii=False)
        atomic_write_bytes(self.manifest_path, (text + "\n").encode())

    def _part_files(self) -> list[tuple[Path, Path]]:
        pairs = []
        for runs in sorted(self.parts.glob("runs-*.parquet")):
            ts = self.parts / f"timeseries-{runs.name.removeprefix('runs-')}"
            if ts.is_file():
                pairs.append((runs, ts))
        return pairs

    def completed_runs(self) -> set[int]:
        """Return the run ids stored in complete parts."""
        done: set[int] = set()
        for runs, _ in self._part_files():
            try:
                ids = pq.read_table(runs, columns=["run"]).column("run").to_pylist()
            except (OSError, pa.ArrowException) as e:
                raise OutputDirError(f"{runs}: unreadable part ({e}); delete it and --resume") from None
            if done.intersection(ids):
                raise OutputDirError(f"{runs}: holds runs already stored in another part")
            done.update(ids)
        return done

    def write_part(self, result: ChunkResult) -> None:
        """Store one finished chunk: the timeseries part, then the runs part that marks it complete."""
        first = min(result.run_ids)
        if result.kols is not None:
            atomic_write_table(self.parts / f"kols-{first:08d}.parquet", result.kols)
        atomic_write_table(self.parts / f"timeseries-{first:08d}.parquet", result.timeseries)
        atomic_write_table(self.parts / f"runs-{first:08d}.parquet", result.runs)

    # ---------------------------------------------------------------- final tables

    def merge(self, design, n_runs: int) -> tuple[pa.Table, pa.Table]:
        """Build the final runs and timeseries tables from the parts (all runs must be present).

        design: the ``Design`` (its swept columns are added to the runs table from it).
        n_runs: the number of runs in the sweep.
        """
        pairs = self._part_files()
        runs_parts = [pq.read_table(r) for r, _ in pairs]
        ts_parts = [pq.read_table(t) for _, t in pairs]
        runs = _concat(runs_parts, [n for n, _ in RUN_COLUMNS + STATUS_COLUMNS], "run")
        ids = runs.column("run").to_numpy()
        if len(ids) != n_runs or not np.array_equal(ids, np.arange(n_runs)):
            missing = sorted(set(range(n_runs)) - set(ids.tolist()))
            raise OutputDirError(f"{self.parts}: runs missing from the parts: {missing[:10]}")
        runs = _add_design_columns(runs, design)
        timeseries = _concat(ts_parts, [n for n, _ in TS_COLUMNS], "run", "day")
        return runs, timeseries

    def finish(self, runs: pa.Table, timeseries: pa.Table, manifest: dict) -> None:
        """Write the final tables and the finished manifest, then remove the parts."""
        atomic_write_table(self.timeseries_path, timeseries)
        kols = self._merged_kols()
        if kols is not None:
            atomic_write_table(self.path / KOLS, kols)
        atomic_write_table(self.runs_path, runs)
        self.write_manifest(manifest)
        if self.parts.is_dir():
            shutil.rmtree(self.parts)

    def _merged_kols(self) -> pa.Table | None:
        """The per-KOL rows of the complete chunks, sorted by run then KOL (None if no chunk has any)."""
        parts = [self.parts / f"kols-{r.name.removeprefix('runs-')}" for r, _ in self._part_files()]
        tables = [pq.read_table(p) for p in parts if p.is_file()]
        if not tables:
            return None
        return pa.concat_tables(tables, promote_options="default").sort_by([("run", "ascending"), ("kol", "ascending")])

    def clear_parts(self) -> None:
        """Remove leftover parts of an already finished sweep."""
        if self.parts.is_dir():
            shutil.rmtree(self.parts)


def _key_order(tables: list[pa.Table], fixed: list[str]) -> list[str]:
    """Order of the value columns: the first successful run's order, then the rest sorted."""
    first_run, first_keys = None, []
    for t in tables:
        meta = json.loads((t.schema.metadata or {}).get(KEYS_META, b"[]"))
        if not meta or t.num_rows == 0:
            continue
        candidates = [r for r, s in zip(t.column("run").to_pylist(), _status(t)) if s]
        run = min(candidates) if candidates else None
        if run is not None and (first_run is None or run < first_run):
            first_run, first_keys = run, meta
    every = {n for t in tables for n in t.column_names} - set(fixed)
    return [k for k in first_keys if k in every] + sorted(every - set(first_keys))


def _status(t: pa.Table) -> list[bool]:
    if "status" in t.column_names:
        return [s == "ok" for s in t.column("status").to_pylist()]
    return [True] * t.num_rows


def _concat(tables: list[pa.Table], fixed: list[str], *sort_keys: str) -> pa.Table:
    """Concatenate parts with one column order, NaN for values a part lacks, sorted by ``sort_keys``."""
    # A part without rows (a chunk whose runs all failed) says nothing about column types.
    tables = [t for t in tables if t.num_rows] or tables[:1]
    keys = _key_order(tables, fixed)
    if not tables:
        return pa.table({})
    aligned = []
    for t in tables:
        t = t.replace_schema_metadata(None)
        for k in keys:
            if k not in t.column_names:
                t = t.append_column(k, pa.array(np.full(t.num_rows, np.nan)))
        aligned.append(t.select(fixed + keys))
    out = pa.concat_tables(aligned, promote_options="permissive")
    return out.sort_by([(k, "ascending") for k in sort_keys]).combine_chunks()


def design_column(values: list) -> pa.Array:
    """Return one swept parameter's values as an Arrow array (JSON text when types are mixed)."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        if all(isinstance(v, int) for v in values):
            return pa.array(values, pa.int64())
        return pa.array([float(v) for v in values], pa.float64())
    try:
        arr = pa.array(values)
        if pa.types.is_boolean(arr.type) or pa.types.is_string(arr.type):
            return arr
    except (pa.ArrowException, TypeError, ValueError):
        pass
    return pa.array([json.dumps(v, sort_keys=True) for v in values], pa.string())


def _add_design_columns(runs: pa.Table, design) -> pa.Table:
    """Insert one column per swept path (after ``spawn_key``), taken from each row's design point."""
    points = runs.column("point")
    at = runs.column_names.index("spawn_key") + 1
    for offset, path in enumerate(design.columns):
        per_point = design_column([p.params[path] for p in design.points])
        runs = runs.add_column(at + offset, path, pc.take(per_point, points))
    return runs
