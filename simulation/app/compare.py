"""Two plans side by side: the same graph and random numbers, a few replications, stepped together.

Replication r of plan A and of plan B use the same run seed (common random numbers) and,
for equal graph settings, the same graph, so the day-by-day difference between them is
the plans' effect rather than luck. The running difference in buyers and profit is
averaged over replications with a paired t interval (``scipy.stats.ttest_rel``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sps

from simulation.app.charts import _r, category_days, daily_profit
from simulation.app.params import AppModel

#: Parameters a plan may set; the market (population, horizon, seed) is shared by both.
PLAN_KEYS = ("content", "relationship", "event", "crossover", "kol_count", "referral_reward", "price")
MARKET_KEYS = ("n", "days", "seed", "seed_buyers", "kol_strategy")


@dataclass
class Comparison:
    """Replications of plan A and plan B on one market, stepped in lockstep."""

    a: list[AppModel]
    b: list[AppModel]
    labels: tuple[str, str] = ("A", "B")
    confidence: float = 0.95
    _empty: bool = field(default=False, repr=False)

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return self.a[0].day

    @property
    def days(self) -> int:
        """The horizon (days)."""
        return self.a[0].engine.days

    @property
    def running(self) -> bool:
        """True until the horizon is reached."""
        return self.day < self.days

    def step(self) -> None:
        """Advance every replication of both plans one day."""
        for m in self.a + self.b:
            if m.running:
                m.step()

    def series(self, side: str, what: str) -> np.ndarray:
        """Cumulative ``buyers`` (people) or ``profit`` (currency) per replication: (reps, day + 1)."""
        models = self.a if side == "a" else self.b
        t = self.day + 1
        if what == "buyers":
            return np.array([m.engine.daily["buyers"][:t] for m in models], float)
        return np.array([np.cumsum(daily_profit(m.engine.daily, t, m.engine.scenario.product.unit_cost))
                         for m in models])

    def difference(self, what: str) -> dict[str, np.ndarray]:
        """B − A per day: mean over replications and its paired t interval (``ttest_rel``)."""
        a, b = self.series("a", what), self.series("b", what)
        d = b - a
        mean = d.mean(axis=0)
        low = np.full(mean.shape, np.nan)
        high = np.full(mean.shape, np.nan)
        if d.shape[0] >= 2:
            for day in range(d.shape[1]):
                if np.ptp(d[:, day]) == 0:  # no spread: the interval is the value itself
                    low[day] = high[day] = mean[day]
                    continue
                ci = sps.ttest_rel(b[:, day], a[:, day]).confidence_interval(self.confidence)
                low[day], high[day] = ci.low, ci.high
        return {"mean": mean, "low": low, "high": high}


def make_comparison(market: dict, plan_a: dict, plan_b: dict, replications: int = 5,
                    labels: tuple[str, str] = ("A", "B")) -> Comparison:
    """Build ``replications`` runs of each plan on ``market`` (replication r shares run seed r)."""
    a, b = [], []
    for r in range(replications):
        ma = AppModel(**market, **plan_a, replication=r)
        # Same market and seed: B reuses A's graph (identical by construction) instead of rebuilding it.
        mb = AppModel(**market, **plan_b, replication=r, graph=ma.engine.graph)
        a.append(ma)
        b.append(mb)
    return Comparison(a, b, labels)


def _days_axis(opt: dict, days: int, title: str, subtitle: str) -> dict:
    """Category days axis (bands stack on it) and a title with a subtitle that fit a half-width card."""
    category_days(opt, days)
    opt["title"] = {**opt["title"], "text": title, "subtext": subtitle}
    opt["legend"]["top"] = 44
    opt["grid"]["top"] = 80
    return opt


def overlay_option(comp: Comparison, what: str, unit: str) -> dict:
    """Both plans' mean cumulative ``what`` over days, each with its replication band."""
    from simulation.app.charts import _base

    colours = {"a": "#1f77b4", "b": "#d62728"}
    names = {"a": f"plan {comp.labels[0]}", "b": f"plan {comp.labels[1]}"}
    opt = _days_axis(_base("", comp.days, unit, list(names.values())), comp.days,
                     f"Cumulative {what}, both plans",
                     f"mean of {len(comp.a)} replications; band: their range")
    series = []
    for side in ("a", "b"):
        s = comp.series(side, what)
        lo, hi = s.min(axis=0), s.max(axis=0)
        series += [
            {"name": names[side], "type": "line", "showSymbol": False, "color": colours[side],
             "data": _r(s.mean(axis=0), 2)},
            {"name": names[side] + " low", "type": "line", "showSymbol": False, "stack": f"band{side}", "stackStrategy": "all",
             "lineStyle": {"opacity": 0}, "tooltip": {"show": False},
             "data": _r(lo, 2)},
            {"name": names[side] + " band", "type": "line", "showSymbol": False, "stack": f"band{side}", "stackStrategy": "all",
             "lineStyle": {"opacity": 0}, "areaStyle": {"color": colours[side], "opacity": 0.15},
             "data": _r(hi - lo, 2)},
        ]
    opt["series"] = series
    return opt


def difference_option(comp: Comparison, what: str, unit: str) -> dict:
    """The running difference B − A with its paired interval band."""
    from simulation.app.charts import _base

    diff = comp.difference(what)
    label = f"{comp.labels[1]} − {comp.labels[0]}"
    pct = f"{100 * comp.confidence:.0f} %"
    opt = _days_axis(_base("", comp.days, unit, [label, f"{pct} interval"]), comp.days,
                     f"Difference in {what} ({label})",
                     f"mean over replications; band: {pct} paired-t interval")
    low = np.where(np.isfinite(diff["low"]), diff["low"], diff["mean"])
    high = np.where(np.isfinite(diff["high"]), diff["high"], diff["mean"])
    opt["series"] = [
        {"name": label, "type": "line", "showSymbol": False, "color": "#333333",
         "data": _r(diff["mean"], 2),
         "markLine": {"silent": True, "symbol": "none", "data": [{"yAxis": 0}],
                      "lineStyle": {"color": "#999", "type": "dashed"}}},
        {"name": "low", "type": "line", "showSymbol": False, "stack": "ci", "stackStrategy": "all", "lineStyle": {"opacity": 0},
         "tooltip": {"show": False}, "data": _r(low, 2)},
        {"name": f"{pct} interval", "type": "line", "showSymbol": False, "stack": "ci", "stackStrategy": "all", "color": "#888888",
         "lineStyle": {"opacity": 0}, "areaStyle": {"color": "#888888", "opacity": 0.25},
         "data": _r(high - low, 2)},
    ]
    return opt


def verdict(comp: Comparison) -> str:
    """One sentence on the difference so far (buyers and profit, B − A, with intervals)."""
    parts = []
    for what, spec in (("buyers", ",.0f"), ("profit", ",.0f")):
        d = comp.difference(what)
        m, lo, hi = d["mean"][-1], d["low"][-1], d["high"][-1]
        ci = "" if not np.isfinite(lo) else f" ({100 * comp.confidence:.0f} % CI {lo:{spec}} to {hi:{spec}})"
        parts.append(f"{what} {m:+{spec}}{ci}")
    return (f"Day {comp.day}: plan {comp.labels[1]} − plan {comp.labels[0]}: " + "; ".join(parts)
            + f", over {len(comp.a)} paired replications.")
