"""The output directory of a sweep: manifest, atomic Parquet parts, resume and the final merge.

Layout::

    DIR/manifest.json          the experiment, its resolved design, seeds, versions, times
    DIR/parts/runs-NNNNNNNN.parquet, timeseries-NNNNNNNN.parquet, sums-NNNNNNNN.json
                               one triple per finished chunk (NNNNNNNN = its first run id):
                               the two tables and their SHA-256 checksums (plus
                               kols-NNNNNNNN.parquet, checksummed too, when the model reports KOLs)
    DIR/parts/corrupt/         parts whose checksum failed, moved aside (their runs re-run)
    DIR/.socsim.lock           the writer's lock (``simulation.runner.lock``)
    DIR/runs.parquet           one row per run, sorted by run (= point, replication)
    DIR/timeseries.parquet     one row per (run, day), sorted by run then day
    DIR/kols.parquet           one row per (run, KOL) when the model reports KOLs (parts: kols-NNNNNNNN)

Every file is written to a hidden temporary name and ``os.replace``d into place, so a
reader (or a killed sweep) only ever sees whole files. A chunk is complete when its
``runs-`` part exists; its ``timeseries-`` part and its checksums are written first.
``verify_parts`` (run by ``--resume`` and before the merge) checks every part against
its checksum and moves a bad chunk to ``parts/corrupt/``, so a corrupted part never
reaches the final tables; unknown files are reported, never read. ``resume`` deletes
temporaries and half-written chunks, then reports which runs are done. ``merge`` builds
the final tables from the parts alone, so a resumed sweep yields the same tables (same
rows, values and order; only ``wall_s`` differs) as an uninterrupted one, whatever the
chunking, worker count or backend. A part this process wrote (and ``verify_parts`` found
intact) is taken from memory instead of being read back (~2.5 ms a file), up to
``KEEP_BYTES`` in all: a Parquet file reads back as the table it was written from.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from simulation.atomic import TMP_PREFIX, atomic_write
from simulation.runner.arrow_columns import column, from_numpy, inferred, int64_values
from simulation.runner.lock import LOCK_NAME
from simulation.runner.task import KEYS_META, RUN_COLUMNS, STATUS_COLUMNS, TS_COLUMNS, ChunkResult

MANIFEST = "manifest.json"
RUNS = "runs.parquet"
TIMESERIES = "timeseries.parquet"
KOLS = "kols.parquet"
PARTS = "parts"
CORRUPT = "corrupt"
log = logging.getLogger(__name__)
#: Manifest entries that must match for ``--resume`` to continue a sweep.
RESUME_KEYS = ("design", "replications", "base_seed", "crn", "scenario")
#: Bytes of the parts' tables one ``OutputDir`` keeps in memory for the merge (beyond: read back).
KEEP_BYTES = 256 * 2**20


class OutputDirError(ValueError):
    """The output directory cannot be used as asked (exists, belongs to another sweep, incomplete)."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename."""
    atomic_write(path, data)


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def atomic_write_table(path: Path, table: pa.Table) -> str:
    """Write an Arrow table as Parquet through a temporary file and a rename; return its SHA-256."""
    data = _parquet_bytes(table)
    atomic_write(path, data)
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_parquet(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Read one Parquet file (``ParquetFile``: ``pq.read_table`` first imports ``pyarrow.dataset``, ~0.2 s)."""
    with pq.ParquetFile(path) as f:
        return f.read(columns=columns)


def read_table(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Read a Parquet file; an unreadable one raises ``OutputDirError`` naming it."""
    try:
        return read_parquet(path, columns)
    except (OSError, pa.ArrowException) as e:
        raise OutputDirError(f"{path}: unreadable Parquet file ({' '.join(str(e).split())})") from None


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
        self._kept: dict[Path, pa.Table] = {}  # parts written by this process, by path
        self._kept_bytes = 0

    # ---------------------------------------------------------------- state

    def read_manifest(self) -> dict | None:
        """Return the manifest, or ``None`` when there is none."""
        if not self.manifest_path.is_file():
            return None
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise OutputDirError(f"{self.manifest_path}: unreadable manifest ({' '.join(str(e).split())})") from None
        if not isinstance(data, dict):
            raise OutputDirError(f"{self.manifest_path}: not a socsim manifest (expected a JSON object)")
        return data

    def _entries(self) -> list[Path]:
        """The folder's entries, the lock file left out."""
        return [p for p in self.path.iterdir() if p.name != LOCK_NAME]

    def _ours(self) -> list[Path]:
        names = {MANIFEST, RUNS, TIMESERIES, KOLS, PARTS}
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
        if not self.path.exists() or not self._entries():
            return "fresh"
        if overwrite:
            return "overwrite"
        if resume and all(p.name.startswith(TMP_PREFIX) for p in self._entries()):
            return "overwrite"  # killed while writing its first manifest: nothing to keep
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
            (self.parts / _sums_name(tail)).unlink(missing_ok=True)
        for tail in runs - ts:
            (self.parts / f"runs-{tail}").unlink()
            (self.parts / _sums_name(tail)).unlink(missing_ok=True)
        for p in self.parts.glob("kols-*.parquet"):
            if p.name.removeprefix("kols-") not in runs & ts:
                p.unlink()
        for p in self.parts.glob("sums-*.json"):
            if p.name.removeprefix("sums-").removesuffix(".json") + ".parquet" not in runs:
                p.unlink()
        self.report_strays()

    def report_strays(self) -> list[Path]:
        """Log (and return) files in the folder that socsim did not write; they are never read."""
        known = {MANIFEST, RUNS, TIMESERIES, KOLS, PARTS, LOCK_NAME}
        strays = [p for p in self._entries() if p.name not in known and not p.name.startswith(TMP_PREFIX)]
        if self.parts.is_dir():
            ok = re.compile(r"^(runs|timeseries|kols)-\d{8}\.parquet$|^sums-\d{8}\.json$")
            strays += [p for p in self.parts.iterdir() if p.name != CORRUPT and not ok.match(p.name)]
        for p in strays:
            log.warning("%s: unknown file, ignored", p)
        return strays

    def verify_parts(self) -> list[Path]:
        """Check every complete chunk against its checksums; move a bad one to ``parts/corrupt/``.

        Returns the runs parts moved aside (their runs must be run again); each is logged by name.
        """
        bad = []
        for runs, ts in self._part_files():
            tail = runs.name.removeprefix("runs-")
            sums_path = self.parts / _sums_name(tail)
            why = None
            try:
                sums = json.loads(sums_path.read_text(encoding="utf-8"))
                kols = self.parts / f"kols-{tail}"
                checks = [(runs, "runs"), (ts, "timeseries")] + ([(kols, "kols")] if "kols" in sums else [])
                for f, key in checks:
                    if not f.is_file() or file_sha256(f) != sums.get(key):
                        why = f"{f}: checksum mismatch (corrupted)"
                        break
            except (OSError, ValueError, AttributeError):
                why = f"{sums_path}: missing or unreadable checksums"
            if why:
                dest = self.parts / CORRUPT
                dest.mkdir(exist_ok=True)
                for f in (runs, ts, self.parts / f"kols-{tail}", sums_path):
                    self._keep(f, None)
                    if f.exists():
                        f.replace(dest / f.name)
                log.warning("%s; moved to %s, its runs will be run again", why, dest)
                bad.append(runs)
        return bad

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
            ids = read_table(runs, columns=["run"]).column("run").to_pylist()
            if done.intersection(ids):
                raise OutputDirError(f"{runs}: holds runs already stored in another part")
            done.update(ids)
        return done

    def write_part(self, result: ChunkResult) -> None:
        """Store one finished chunk: the timeseries part, then the runs part that marks it complete."""
        first = min(result.run_ids)
        runs = _parquet_bytes(result.runs)
        sums = {}
        written = [(self.parts / f"timeseries-{first:08d}.parquet", result.timeseries),
                   (self.parts / f"runs-{first:08d}.parquet", result.runs)]
        if result.kols is not None:
            written.append((self.parts / f"kols-{first:08d}.parquet", result.kols))
            sums["kols"] = atomic_write_table(written[-1][0], result.kols)
        sums["timeseries"] = atomic_write_table(written[0][0], result.timeseries)
        sums["runs"] = hashlib.sha256(runs).hexdigest()
        atomic_write(self.parts / _sums_name(f"{first:08d}.parquet"), json.dumps(sums))
        atomic_write(written[1][0], runs)
        for path, table in written:
            self._keep(path, table)

    def _keep(self, path: Path, table: pa.Table | None) -> None:
        """Remember the table just written to ``path`` for the merge, within ``KEEP_BYTES`` (None: forget it)."""
        old = self._kept.pop(path, None)
        # get_total_buffer_size: ~0.1 ms for a runs part (``nbytes`` walks every value: ~1 ms)
        self._kept_bytes -= old.get_total_buffer_size() if old is not None else 0
        size = table.get_total_buffer_size() if table is not None else 0
        if table is not None and self._kept_bytes + size <= KEEP_BYTES:
            self._kept[path] = table
            self._kept_bytes += size

    def _part(self, path: Path) -> pa.Table:
        """A part's table: the one this process wrote there, else read from the file."""
        table = self._kept.get(path)
        return table if table is not None else read_table(path)

    # ---------------------------------------------------------------- final tables

    def merge(self, design, n_runs: int) -> tuple[pa.Table, pa.Table]:
        """Build the final runs and timeseries tables from the parts (all runs must be present).

        design: the ``Design`` (its swept columns are added to the runs table from it).
        n_runs: the number of runs in the sweep.
        """
        pairs = self._part_files()
        runs_parts = [self._part(r) for r, _ in pairs]
        ts_parts = [self._part(t) for _, t in pairs]
        runs = _concat(runs_parts, [n for n, _ in RUN_COLUMNS + STATUS_COLUMNS], "run")
        ids = int64_values(runs.column("run"))
        if len(ids) != n_runs or not np.array_equal(ids, np.arange(n_runs)):
            missing = sorted(set(range(n_runs)) - set(ids.tolist()))
            raise OutputDirError(f"{self.parts}: runs missing from the parts: {missing[:10]}")
        runs = _add_design_columns(runs, design)
        timeseries = _concat(ts_parts, [n for n, _ in TS_COLUMNS], "run", "day")
        return runs, timeseries

    def finish(self, runs: pa.Table, timeseries: pa.Table, manifest: dict) -> None:
        """Write the final tables and the finished manifest, then remove the parts (corrupt ones kept)."""
        atomic_write_table(self.timeseries_path, timeseries)
        kols = self._merged_kols()
        if kols is not None:
            atomic_write_table(self.path / KOLS, kols)
        atomic_write_table(self.runs_path, runs)
        self.write_manifest(manifest)
        self.clear_parts()

    def _merged_kols(self) -> pa.Table | None:
        """The per-KOL rows of the complete chunks, sorted by run then KOL (None if no chunk has any)."""
        parts = [self.parts / f"kols-{r.name.removeprefix('runs-')}" for r, _ in self._part_files()]
        tables = [self._part(p) for p in parts if p.is_file()]
        if not tables:
            return None
        return pa.concat_tables(tables, promote_options="default").sort_by([("run", "ascending"), ("kol", "ascending")])

    def clear_parts(self) -> None:
        """Remove the parts of a finished sweep; ``parts/corrupt/`` stays for the user to inspect."""
        self._kept.clear()
        self._kept_bytes = 0
        if not self.parts.is_dir():
            return
        if not (self.parts / CORRUPT).is_dir():
            shutil.rmtree(self.parts)
            return
        for p in self.parts.iterdir():
            if p.name != CORRUPT:
                shutil.rmtree(p) if p.is_dir() else p.unlink()


def _sums_name(tail: str) -> str:
    """The checksum file of the chunk whose parts end in ``tail`` (``NNNNNNNN.parquet``)."""
    return f"sums-{tail.removesuffix('.parquet')}.json"


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
        present = set(t.column_names)  # built once: ``column_names`` makes a new list at every call
        for k in keys:
            if k not in present:
                t = t.append_column(k, from_numpy(np.full(t.num_rows, np.nan)))
        aligned.append(t.select(fixed + keys))
    out = pa.concat_tables(aligned, promote_options="permissive")
    return out.sort_by([(k, "ascending") for k in sort_keys]).combine_chunks()


def design_column(values: list) -> pa.Array:
    """Return one swept parameter's values as an Arrow array (JSON text when types are mixed)."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        if all(isinstance(v, int) for v in values):
            return column(values, pa.int64())
        return column([float(v) for v in values], pa.float64())
    # only text or truth values (None among them: nulls) make a string or boolean array;
    # anything else (lists, a None among numbers) is JSON text without asking pa.array
    if all(v is None or isinstance(v, (str, bool, np.bool_)) for v in values):
        try:
            arr = inferred(values)
            if pa.types.is_boolean(arr.type) or pa.types.is_string(arr.type):
                return arr
        except (pa.ArrowException, TypeError, ValueError):
            pass
    return column([json.dumps(v, sort_keys=True) for v in values], pa.string())


def _add_design_columns(runs: pa.Table, design) -> pa.Table:
    """Insert one column per swept path (after ``spawn_key``), taken from each row's design point."""
    points = runs.column("point")
    at = runs.column_names.index("spawn_key") + 1
    for offset, path in enumerate(design.columns):
        per_point = design_column([p.params[path] for p in design.points])
        runs = runs.add_column(at + offset, path, pc.take(per_point, points))
    return runs
