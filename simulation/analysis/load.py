"""Read a runner output directory (``socsim sweep --out DIR``) into pandas.

The directory holds ``manifest.json`` (the experiment, its design and seeds),
``runs.parquet`` (one row per run: swept parameters, status, summary metrics) and
``timeseries.parquet`` (one row per run and day; per-segment and per-profile-value series
are extra columns ``<series>__<group>``, ``simulation.segments``) and, when the model reports KOLs,
``kols.parquet`` (one row per run and KOL; columns in ``simulation.kol_ledger``). Only
runs with ``status == "ok"`` enter the statistics; failed runs are kept apart so the
report can list them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: Columns of ``runs.parquet`` that identify a run rather than measure it.
ID_COLUMNS = ("run", "point", "point_name", "replication", "seed_entropy", "spawn_key",
              "status", "error", "wall_s")

#: Summary metrics, with the unit a reader needs to read a number right.
METRIC_UNITS: dict[str, str] = {
    "n": "people",
    "days": "days",
    "exposed": "people",
    "interested": "people",
    "buyers": "people",
    "sharers": "people",
    "purchases": "purchases",
    "conversion_rate": "buyers / population",
    "exposed_conversion": "buyers / exposed",
    "reach": "exposed / population",
    "revenue": "currency",
    "cogs": "currency",
    "discount_cost": "currency",
    "incentive_spend": "currency",
    "kol_spend": "currency",
    "content_spend": "currency",
    "partner_spend": "currency",
    "event_spend": "currency",
    "spend": "currency",
    "total_spend": "currency",
    "roi": "(revenue − spend) / spend",
    "roas": "revenue / spend",
    "profit": "currency",
    "incremental_buyers": "people",
    "incremental_revenue": "currency",
    "incremental_profit": "currency",
    "incremental_roi": "incremental profit / spend",
    "viral_coefficient": "new buyers per buyer",
    "t10": "days",
    "t50": "days",
    "groupbuy_success_rate": "share of groups",
    "negative_wom": "people",
}

@dataclass(frozen=True)
class ReturnMetrics:
    """Which columns give a plan's return: ``profit``, ``ratio`` (return per unit spent),
    ``spend``; ``incremental`` when they are measured against the paired no-marketing run."""

    profit: str
    ratio: str
    spend: str
    incremental: bool

    @property
    def ratio_label(self) -> str:
        """How the ratio is defined, for captions."""
        return METRIC_UNITS.get(self.ratio, self.ratio)


def return_metrics(columns) -> ReturnMetrics:
    """The headline return metrics available among ``columns`` (run metrics or summary keys).

    Incremental profit and return on spend (against the paired counterfactual without
    marketing) when present, else the plain profit and ROAS (ROI in older folders).
    """
    cols = set(columns)
    spend = "spend" if "spend" in cols else "total_spend"
    if {"incremental_profit", "incremental_roi"} <= cols:
        return ReturnMetrics("incremental_profit", "incremental_roi", spend, True)
    # without the paired run: ROAS (today's runs) or the old ROI (folders written before it)
    return ReturnMetrics("profit", "roi" if "roi" in cols else "roas", spend, False)


#: Attribution channels, in the order figures stack them.
CHANNELS = ("seed", "kol", "friend", "platform", "event", "partner")

REQUIRED_MANIFEST_KEYS = ("design", "replications", "crn")
REQUIRED_RUN_COLUMNS = ("run", "point", "point_name", "replication", "status")
REQUIRED_TS_COLUMNS = ("run", "point", "replication", "day")
REQUIRED_KOL_COLUMNS = ("run", "point", "replication", "kol", "name", "tier", "followers", "fees",
                        "purchases_last", "purchases_root", "revenue_last", "revenue_root",
                        "profit_last", "profit_root")


class ResultsError(ValueError):
    """An output directory that cannot be analysed (missing or malformed file)."""


@dataclass
class Results:
    """One sweep's output: its manifest, all runs, the ok runs' daily series.

    Attributes
    ----------
    out_dir : the directory read.
    manifest : ``manifest.json`` as a dict.
    all_runs : every row of ``runs.parquet``, failed runs included.
    runs : the runs with ``status == "ok"`` (what every statistic uses).
    timeseries : daily rows of the ok runs (empty frame when the file is absent).
    errors : the failed runs (``run``, ``point``, ``point_name``, ``replication``, ``error``).
    kols : per-KOL rows of the ok runs (``kols.parquet``), None when the folder has none.
    """

    out_dir: Path
    manifest: dict
    all_runs: pd.DataFrame
    runs: pd.DataFrame
    timeseries: pd.DataFrame
    errors: pd.DataFrame = field(repr=False)
    kols: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def design(self) -> dict:
        """The resolved design (``type``, ``parameters``, ``points``, ...)."""
        return self.manifest.get("design", {})

    @property
    def design_type(self) -> str:
        """``grid`` | ``lhs`` | ``sobol`` | ``morris`` | ``scenarios``."""
        return str(self.design.get("type", "scenarios"))

    @property
    def crn(self) -> bool:
        """True when replication r of every point shares a seed (paired comparisons)."""
        return bool(self.manifest.get("crn", False))

    @property
    def swept(self) -> list[str]:
        """Dotted paths of the swept parameters that appear as columns of ``runs``."""
        cols = self.design.get("columns")
        if cols is None:  # scenarios designs list variants under "parameters", not paths
            cols = [] if self.design_type == "scenarios" else list(self.design.get("parameters", {}))
        return [p for p in cols if p in self.all_runs.columns]

    @property
    def numeric_swept(self) -> list[str]:
        """Swept parameters whose values are numbers and that take at least two values."""
        out = []
        for p in self.swept:
            col = self.all_runs[p]
            if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col) \
                    and col.nunique(dropna=True) >= 2:
                out.append(p)
        return out

    @property
    def points(self) -> pd.DataFrame:
        """One row per design point: ``point``, ``name`` and its parameter values."""
        rows = []
        for p in self.design.get("points", []):
            row = {"point": int(p["point"]), "name": str(p.get("name", p["point"]))}
            row.update(p.get("params", {}))
            rows.append(row)
        if not rows:  # a manifest without points: recover them from the runs
            cols = ["point", "point_name"] + self.swept
            df = self.all_runs[cols].drop_duplicates("point").rename(columns={"point_name": "name"})
            return df.sort_values("point").reset_index(drop=True)
        return pd.DataFrame(rows).sort_values("point").reset_index(drop=True)

    @property
    def metrics(self) -> list[str]:
        """Numeric metric columns of ``runs`` (everything but ids and swept parameters)."""
        skip = set(ID_COLUMNS) | set(self.swept)
        return [c for c in self.all_runs.columns
                if c not in skip and pd.api.types.is_numeric_dtype(self.all_runs[c])
                and not pd.api.types.is_bool_dtype(self.all_runs[c])]

    def point_name(self, point: int) -> str:
        """The name of design point ``point`` (its index when it has none)."""
        match = self.points.loc[self.points["point"] == point, "name"]
        return str(match.iloc[0]) if len(match) else str(point)


def _read_parquet(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise ResultsError(f"{path}: not a readable Parquet file ({exc})") from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ResultsError(f"{path}: missing column(s) {missing}")
    return df


def load_manifest(out_dir: Path | str) -> dict:
    """Read and check ``manifest.json`` of an output directory."""
    path = Path(out_dir) / "manifest.json"
    if not path.is_file():
        raise ResultsError(f"{path}: no manifest.json (is {Path(out_dir)} a sweep output directory?)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: malformed JSON at line {exc.lineno}: {exc.msg}") from exc
    if not isinstance(manifest, dict):
        raise ResultsError(f"{path}: expected a JSON object, got {type(manifest).__name__}")
    missing = [k for k in REQUIRED_MANIFEST_KEYS if k not in manifest]
    if missing:
        raise ResultsError(f"{path}: missing key(s) {missing}")
    if not isinstance(manifest["design"], dict):
        raise ResultsError(f"{path}: 'design' must be an object")
    return manifest


def load_results(out_dir: Path | str) -> Results:
    """Load a sweep output directory; only ``status == "ok"`` runs enter ``runs``.

    Parameters
    ----------
    out_dir : directory written by ``socsim sweep FILE --out DIR``.

    Raises
    ------
    ResultsError : a file is missing or malformed; the message names the file and field.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ResultsError(f"{out_dir}: not a directory")
    manifest = load_manifest(out_dir)
    runs_path = out_dir / "runs.parquet"
    if not runs_path.is_file():
        raise ResultsError(f"{runs_path}: no runs.parquet (the sweep wrote no finished run)")
    all_runs = _read_parquet(runs_path, REQUIRED_RUN_COLUMNS)
    all_runs = all_runs.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)
    ok_mask = all_runs["status"].astype(str) == "ok"
    runs = all_runs[ok_mask].reset_index(drop=True)
    err_cols = [c for c in ("run", "point", "point_name", "replication", "error") if c in all_runs]
    errors = all_runs.loc[~ok_mask, err_cols].reset_index(drop=True)

    ts_path = out_dir / "timeseries.parquet"
    if ts_path.is_file():
        ts = _read_parquet(ts_path, REQUIRED_TS_COLUMNS)
        ts = ts[ts["run"].isin(runs["run"])]
        ts = ts.sort_values(["point", "replication", "day"], kind="stable").reset_index(drop=True)
    else:
        ts = pd.DataFrame(columns=list(REQUIRED_TS_COLUMNS))
    kols = None
    kols_path = out_dir / "kols.parquet"
    if kols_path.is_file():
        kols = _read_parquet(kols_path, REQUIRED_KOL_COLUMNS)
        kols = kols[kols["run"].isin(runs["run"])]
        kols = kols.sort_values(["point", "replication", "kol"], kind="stable").reset_index(drop=True)
    return Results(out_dir=out_dir, manifest=manifest, all_runs=all_runs, runs=runs,
                   timeseries=ts, errors=errors, kols=kols)
