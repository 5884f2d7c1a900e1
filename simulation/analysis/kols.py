"""Per-KOL returns of a sweep: profit per unit of fee, by KOL or by tier, with intervals.

The input is ``kols.parquet`` (one row per run and KOL, columns in
``simulation.kol_ledger``). A KOL's *return per fee* is its attributed profit per unit of
fee, estimated over the replications of a design point as a ratio of means,
``mean(profit) / mean(fees)`` (``stats.ratio_interval``: BCa bootstrap with at least
``stats.MIN_BOOTSTRAP_N`` replications, delta-method t below). A KOL pays for itself
when it is above zero. It is computed twice: with last-touch attribution (purchases whose
triggering exposure was the KOL's post) and with first-touch (root) attribution
(purchases whose cascade of friend shares the KOL's post started). Both are attribution,
not incremental effects: the plan's incremental profit needs the paired run without
marketing (``simulation.counterfactual``).

Who "a KOL" is across replications: when every replication of a point lists the same
KOLs (same index, name, node and audience size — an explicit roster on a fixed graph),
each KOL is ranked on its own (``by="kol"``). When selection differs by replication (a
strategy applied to a graph generated anew per replication, or a random pick), index 0
is a different person in each replication, so rows are summed per tier and run instead
(``by="tier"``); a tier absent from a replication counts as zero fees and zero profit.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulation.analysis.stats import ratio_interval
from simulation.seeding import run_seed

#: Attribution rules, as in the column suffixes of ``kols.parquet``.
TOUCHES = ("last", "root")

#: Per-run amounts summed per tier (currency, or purchases).
AMOUNTS = ("fees", "purchases_last", "purchases_root", "revenue_last", "revenue_root",
           "profit_last", "profit_root")

#: Columns that identify one KOL of a roster across replications.
IDENTITY = ("kol", "name", "node", "followers")

#: Label of KOLs without a tier.
NO_TIER = "(no tier)"


def fixed_roster(kols: pd.DataFrame, runs: pd.DataFrame) -> bool:
    """True when, at every point with KOLs, every ok replication lists the same KOLs.

    Parameters
    ----------
    kols : per-KOL rows of the ok runs (``run``, ``point``, ``replication`` and ``IDENTITY``).
    runs : the ok runs (a replication without KOL rows makes the roster differ).
    """
    ident = [c for c in IDENTITY if c in kols]
    for point, g in kols.groupby("point", sort=True):
        reps = runs.loc[runs["point"] == point, "replication"]
        rosters = {r: frozenset(map(tuple, rows[ident].astype(str).to_numpy()))
                   for r, rows in g.groupby("replication")}
        if len({rosters.get(r, frozenset()) for r in reps}) > 1:
            return False
    return True


def per_run(kols: pd.DataFrame, runs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Amounts per (point, replication, KOL or tier), zero where a tier has no KOL in a run.

    Parameters
    ----------
    kols : per-KOL rows of the ok runs.
    runs : the ok runs; every replication of a point with KOLs gets a row per key.
    by : ``"kol"`` (one row per roster entry) or ``"tier"`` (KOLs of a tier summed; ``kols``
        counts them).
    """
    if by not in ("kol", "tier"):
        raise ValueError(f"by must be 'kol' or 'tier', got {by!r}")
    df = kols.assign(tier=kols["tier"].fillna("").astype(str).replace("", NO_TIER), n_kols=1)
    sums = df.groupby(["point", "replication", by], sort=True)[list(AMOUNTS) + ["n_kols"]].sum()
    frames = []
    for point, g in sums.groupby(level="point", sort=True):
        reps = sorted(runs.loc[runs["point"] == point, "replication"].unique())
        keys = g.index.get_level_values(by).unique()
        full = pd.MultiIndex.from_product([[point], reps, keys], names=["point", "replication", by])
        frames.append(g.reindex(full, fill_value=0))
    return pd.concat(frames).reset_index() if frames else pd.DataFrame(
        columns=["point", "replication", by, *AMOUNTS, "n_kols"])


def kol_returns(kols: pd.DataFrame, runs: pd.DataFrame, by: str, confidence: float = 0.95,
                seed=0) -> pd.DataFrame:
    """Per point and KOL (or tier): mean amounts per run and return per fee with intervals.

    Parameters
    ----------
    kols : per-KOL rows of the ok runs (``Results.kols``).
    runs : the ok runs (``Results.runs``: point names and replications).
    by : ``"kol"`` or ``"tier"`` (see the module docstring; ``fixed_roster`` decides).
    confidence : coverage of every interval.
    seed : bootstrap seed; row i of point p uses child (p, i) of it.

    Returns one row per point and key, best last-touch return first within a point:
    ``point``, ``point_name``, ``label`` (KOL name or tier), ``tier``, ``platform`` (hosting
    platform's name, "" without platforms), ``followers``
    (mean audience, people), ``kols`` (mean KOLs per run), the ``AMOUNTS`` as means per
    run (currency or purchases), ``n`` (replications), ``n_present`` (replications in
    which the KOL or tier had a KOL), and per touch ``return_<touch>`` (profit per unit
    of fee, NaN without fees), ``return_<touch>_low`` / ``_high`` (NaN when
    ``n_present`` < 2) and ``return_<touch>_method``.
    """
    table = per_run(kols, runs, by)
    names = runs.drop_duplicates("point").set_index("point")["point_name"].astype(str)
    info = kols.assign(tier=kols["tier"].fillna("").astype(str).replace("", NO_TIER))
    rows = []
    for point, g in table.groupby("point", sort=True):
        point_seed = run_seed(seed, int(point))
        mine = info[info["point"] == point]
        for i, (key, k) in enumerate(g.groupby(by, sort=True)):
            who = mine[mine[by] == key]
            row = {"point": int(point), "point_name": names.get(point, str(point)),
                   "label": str(who["name"].iloc[0]) if by == "kol" else str(key),
                   "tier": str(who["tier"].iloc[0]) if by == "kol" else str(key),
                   "followers": float(who["followers"].mean()), "kols": float(k["n_kols"].mean()),
                   # the platform hosting the KOLs (one per scenario; "" without [[platforms]] or in older outputs)
                   "platform": str(who["platform"].iloc[0]) if "platform" in who and len(who) else ""}
            row.update({a: float(k[a].mean()) for a in AMOUNTS})
            row["n"] = int(len(k))
            row["n_present"] = int((k["n_kols"] > 0).sum())
            for t, touch in enumerate(TOUCHES):
                iv = ratio_interval(k[f"profit_{touch}"], k["fees"], 0.0, confidence,
                                    run_seed(run_seed(point_seed, i), t))
                # present in one replication only: the others add zeros, not information on the spread
                low, high = (iv.low, iv.high) if row["n_present"] >= 2 else (math.nan, math.nan)
                row.update({f"return_{touch}": iv.estimate, f"return_{touch}_low": low,
                            f"return_{touch}_high": high, f"return_{touch}_method": iv.method})
            rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    # best last-touch return first within each point; keys without fees (NaN) last
    out["_rank"] = out["return_last"].fillna(-math.inf)
    out = out.sort_values(["point", "_rank", "label"], ascending=[True, False, True], kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True)


def best_return(table: pd.DataFrame) -> pd.Series | None:
    """The row of a ``kol_returns`` table with the highest last-touch return, or None if none has fees.

    Rows present in at least two replications (so with an interval) come first: a tier
    seen once is a single draw, not a finding.
    """
    finite = table[np.isfinite(table["return_last"].to_numpy(float))] if len(table) else table
    if finite.empty:
        return None
    seen = finite[finite["n_present"] >= 2]
    pool = seen if len(seen) else finite
    return pool.loc[pool["return_last"].idxmax()]


def uncredited(kols: pd.DataFrame, runs: pd.DataFrame) -> tuple[float, float]:
    """(mean KOL-channel purchases per run, mean of them credited to no KOL) over ``runs``.

    The runs' ``attr_kol`` counts every purchase whose last touch was a KOL post; the
    per-KOL rows should add up to it. NaN, NaN when the runs carry no ``attr_kol``.
    """
    if "attr_kol" not in runs or runs.empty:
        return math.nan, math.nan
    credited = kols.groupby("run")["purchases_last"].sum().reindex(runs["run"], fill_value=0.0)
    total = runs["attr_kol"].to_numpy(float)
    return float(total.mean()), float((total - credited.to_numpy(float)).mean())
