"""Synthetic sweep output directories in the runner's exact format, for analysis tests.

The numbers come from a tiny closed-form "model" (no simulation), so statistics can be
checked against hand-computed values and reports can be built without the engine.
"""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd

CHANNELS = ("seed", "kol", "friend", "platform", "event", "partner")
SEGMENTS = ("young", "cautious")


def write_output(out_dir: Path, manifest: dict, runs: pd.DataFrame, ts: pd.DataFrame | None) -> Path:
    """Write manifest.json, runs.parquet and (optionally) timeseries.parquet into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    runs.to_parquet(out_dir / "runs.parquet", index=False)
    if ts is not None:
        ts.to_parquet(out_dir / "timeseries.parquet", index=False)
    return out_dir


def base_manifest(design: dict, replications: int, crn: bool = True, n_runs: int | None = None,
                  question: str = "Which scenario sells most per unit of spend?") -> dict:
    return {
        "experiment_file": "experiments/fake.toml",
        "experiment_sha256": "0" * 64,
        "question": question,
        "title": "fake experiment",
        "design": design,
        "replications": replications,
        "base_seed": 12345,
        "crn": crn,
        "n_runs": n_runs if n_runs is not None else len(design["points"]) * replications,
        "versions": {"socsim": "0.1.0", "numpy": np.__version__},
        "git_commit": "deadbeef",
        "started": "2025-01-01T00:00:00",
        "finished": "2025-01-01T00:01:00",
    }


def _run_row(run: int, point: dict, rep: int, conv: float, spend: float, rng: np.random.Generator,
             n: int = 1000, days: int = 30) -> dict:
    """One run's summary metrics from a target conversion and spend."""
    buyers = int(round(conv * n))
    exposed = min(n, max(buyers, int(round(buyers * 3 + 50))))
    interested = min(exposed, max(buyers, int(round(buyers * 1.6))))
    sharers = int(round(buyers * 0.4))
    purchases = buyers + int(round(buyers * 0.1))
    revenue = purchases * 20.0
    attr = rng.multinomial(purchases, [0.05, 0.25, 0.4, 0.15, 0.1, 0.05])
    row = {"run": run, "point": point["point"], "point_name": point["name"], "replication": rep,
           "seed_entropy": 12345, "spawn_key": [rep], **point["params"], "status": "ok", "error": "",
           "wall_s": 0.1, "n": n, "days": days, "exposed": exposed, "interested": interested,
           "buyers": buyers, "sharers": sharers, "purchases": purchases,
           "conversion_rate": buyers / n, "exposed_conversion": buyers / exposed if exposed else np.nan,
           "reach": exposed / n, "revenue": revenue, "incentive_spend": spend * 0.4,
           "kol_spend": spend * 0.6, "total_spend": spend,
           "roi": (revenue - spend) / spend if spend > 0 else np.nan,
           "viral_coefficient": 0.3, "t10": 3.0, "t50": 12.0 + rep % 3,
           "groupbuy_success_rate": np.nan, "negative_wom": 2}
    for c, k in zip(CHANNELS, attr):
        row[f"attr_{c}"] = int(k)
    for s, share in zip(SEGMENTS, (0.6, 0.4)):
        row[f"buyers__{s}"] = int(round(buyers * share))
        row[f"conversion_rate__{s}"] = buyers * share / (n * (0.6 if s == "young" else 0.4))
    return row


def _timeseries(row: dict, days: int = 30) -> pd.DataFrame:
    """Logistic cumulative curves that end at the run's totals."""
    t = np.arange(days + 1)
    shape = 1 / (1 + np.exp(-(t - 12) / 3))
    shape = (shape - shape[0]) / (shape[-1] - shape[0])
    df = pd.DataFrame({"run": row["run"], "point": row["point"], "point_name": row["point_name"],
                       "replication": row["replication"], "day": t})
    for col in ("exposed", "interested", "buyers", "sharers"):
        df[col] = np.round(row[col] * shape).astype(int)
    df["new_buyers"] = np.diff(np.r_[0, df["buyers"].to_numpy()])
    df["purchases"] = df["new_buyers"]
    df["revenue"] = 20.0 * df["purchases"]
    df["incentive_spend"] = row["incentive_spend"] / (days + 1)
    df["kol_spend"] = row["kol_spend"] / (days + 1)
    df["negative_wom"] = 0
    for c in CHANNELS:
        df[f"attr_{c}"] = 0
    return df


def _assemble(points: list[dict], replications: int, conv_fn, spend_fn, seed: int,
              crn: bool = True, errors: tuple[tuple[int, int], ...] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    rep_noise = rng.normal(0, 0.01, replications)  # shared by every point: common random numbers
    rows, series = [], []
    run = 0
    for p in points:
        # under CRN each point keeps a little noise of its own; without, all of it is its own
        own = rng.normal(0, 0.01 if not crn else 0.003, replications)
        for r in range(replications):
            conv = float(np.clip(conv_fn(p["params"]) + rep_noise[r] + own[r], 0.001, 0.99))
            row = _run_row(run, p, r, conv, spend_fn(p["params"]), rng)
            if (p["point"], r) in errors:
                row.update({"status": "error", "error": "ValueError: simulated failure"})
                for k in ("buyers", "conversion_rate", "roi", "revenue"):
                    row[k] = np.nan
            else:
                series.append(_timeseries(row))
            rows.append(row)
            run += 1
    ts = pd.concat(series, ignore_index=True) if series else pd.DataFrame(columns=["run", "point", "replication", "day"])
    return pd.DataFrame(rows), ts


def scenarios_output(out_dir: Path, replications: int = 6, crn: bool = True,
                     errors: tuple[tuple[int, int], ...] = ((2, 1),)) -> Path:
    """A `scenarios` design: baseline and the four operation models (one failed run)."""
    names = ["baseline", "content", "relationship", "event", "crossover"]
    conv = dict(zip(names, (0.05, 0.08, 0.12, 0.10, 0.07)))
    spend = dict(zip(names, (0.0, 800.0, 1500.0, 1200.0, 900.0)))
    models = names[1:]
    cols = [f"operations.{m}.enabled" for m in models]
    points = [{"point": i, "name": nm, "params": {c: (m == nm) for c, m in zip(cols, models)}}
              for i, nm in enumerate(names)]
    # the runner's format: variants under "parameters", the swept paths under "columns"
    variants = {p["name"]: {"description": f"{p['name']} only", "set": {k: v for k, v in p["params"].items() if v}}
                for p in points}
    design = {"type": "scenarios", "parameters": variants, "columns": cols, "n_points": 5, "points": points}

    def which(params):
        return next((m for c, m in zip(cols, models) if params[c]), "baseline")

    runs, ts = _assemble(points, replications, lambda p: conv[which(p)],
                         lambda p: spend[which(p)], seed=1, crn=crn, errors=errors)
    return write_output(out_dir, base_manifest(design, replications, crn), runs, ts)


#: The fake KOL roster: (name, tier, followers, fee per run, mean last-touch purchases).
ROSTER = (("ana", "mega", 900, 600.0, 20.0), ("bo", "macro", 300, 300.0, 30.0),
          ("cy", "micro", 60, 100.0, 12.0), ("di", "micro", 40, 100.0, 6.0))

#: Price and unit cost of the fake product (currency).
PRICE, UNIT_COST = 20.0, 8.0


def write_kols(out_dir: Path, count_of=lambda params: 2, fixed: bool = True, seed: int = 7) -> Path:
    """Write ``kols.parquet`` (the runner's columns) for the ok runs of a fake folder.

    Run r of a point with ``count_of(params)`` = c KOLs has the first c roster entries; with
    ``fixed`` each keeps its node and audience in every replication, else the node and
    audience are drawn anew per replication (a strategy on a freshly drawn graph).
    Purchases are Poisson around the roster's means (root: last touch + Poisson(10)); the
    runs' ``attr_kol`` is set to the KOLs' last-touch purchases.
    """
    out_dir = Path(out_dir)
    runs = pd.read_parquet(out_dir / "runs.parquet")
    params = {int(p["point"]): p["params"] for p in json.loads((out_dir / "manifest.json").read_text())["design"]["points"]}
    rng = np.random.default_rng(seed)
    rows = []
    for run in runs[runs["status"] == "ok"].itertuples():
        for k, (name, tier, followers, fee, mean) in enumerate(ROSTER[:int(count_of(params[run.point]))]):
            node, audience = (k, followers) if fixed else (int(rng.integers(0, 1000)),
                                                           int(followers * rng.uniform(0.5, 1.5)))
            last = float(rng.poisson(mean))
            root = last + float(rng.poisson(10.0))
            rows.append({"run": run.run, "point": run.point, "point_name": run.point_name,
                         "replication": run.replication, "kol": k, "name": f"node {node}" if not fixed else name,
                         "tier": tier, "node": node, "followers": audience, "posts": 8.0,
                         "reached": 0.1 * audience * 8, "fees": fee,
                         "purchases_last": last, "revenue_last": PRICE * last,
                         "profit_last": (PRICE - UNIT_COST) * last - fee,
                         "purchases_root": root, "revenue_root": PRICE * root,
                         "profit_root": (PRICE - UNIT_COST) * root - fee})
    kols = pd.DataFrame(rows)
    kols.to_parquet(out_dir / "kols.parquet", index=False)
    # the runs' KOL-channel purchases are the KOLs' last-touch purchases, as in the engine
    credited = kols.groupby("run")["purchases_last"].sum() if len(kols) else pd.Series(dtype=float)
    runs["attr_kol"] = runs["run"].map(credited).fillna(0).astype(int)
    runs.to_parquet(out_dir / "runs.parquet", index=False)
    return out_dir


def grid_output(out_dir: Path, replications: int = 3, kols: bool = True) -> Path:
    """A `grid` design: kol.count × operations.relationship.referral_reward (with ``kols``, a
    fixed roster's ``kols.parquet``: kol.count KOLs per run)."""
    counts, rewards = [0, 2, 4], [0.0, 5.0, 10.0]
    points = [{"point": i, "name": f"kol={c},reward={w:g}",
               "params": {"kol.count": c, "operations.relationship.referral_reward": w}}
              for i, (c, w) in enumerate(itertools.product(counts, rewards))]
    design = {"type": "grid", "parameters": {"kol.count": counts,
                                             "operations.relationship.referral_reward": rewards},
              "columns": ["kol.count", "operations.relationship.referral_reward"], "points": points}

    def conv(p):
        return 0.03 + 0.01 * p["kol.count"] + 0.004 * p["operations.relationship.referral_reward"]

    def spend(p):
        return 300.0 * p["kol.count"] + 40.0 * p["operations.relationship.referral_reward"]

    runs, ts = _assemble(points, replications, conv, spend, seed=2)
    out = write_output(out_dir, base_manifest(design, replications), runs, ts)
    return write_kols(out, lambda p: p["kol.count"]) if kols else out


def ishigami(X: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami function on [-π, π]^3."""
    return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])


ISHIGAMI_PROBLEM = {"num_vars": 3, "names": ["product.price", "kol.count", "population.n"],
                    "bounds": [[-np.pi, np.pi]] * 3}


def sensitivity_output(out_dir: Path, X: np.ndarray, Y: np.ndarray, design_type: str,
                       replications: int = 2, noise: float = 0.0,
                       calc_second_order: bool | None = None, seed: int = 3) -> Path:
    """A `sobol`/`morris` design whose point i has parameters X[i] and metric mean Y[i].

    Replications carry symmetric noise (+noise, −noise, ...) so their mean is exactly Y.
    """
    names = ISHIGAMI_PROBLEM["names"]
    points = [{"point": i, "name": f"p{i}", "params": dict(zip(names, map(float, X[i])))}
              for i in range(len(X))]
    design = {"type": design_type, "parameters": {nm: {"low": -np.pi, "high": np.pi} for nm in names},
              "columns": names, "points": points, "salib_problem": dict(ISHIGAMI_PROBLEM),
              "salib_sample": np.asarray(X, float).tolist()}
    if calc_second_order is not None:
        design["calc_second_order"] = calc_second_order
    rows = []
    signs = np.where(np.arange(replications) % 2 == 0, 1.0, -1.0)
    if replications % 2:
        signs[-1] = 0.0
    run = 0
    rng = np.random.default_rng(seed)
    for p in points:
        for r in range(replications):
            row = _run_row(run, p, r, 0.1, 100.0, rng)
            row["conversion_rate"] = float(Y[p["point"]] + noise * signs[r])
            rows.append(row)
            run += 1
    runs = pd.DataFrame(rows)
    return write_output(out_dir, base_manifest(design, replications), runs, None)
