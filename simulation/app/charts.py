"""ECharts options for the app's panels: pure functions of a model (or of series) returning dicts.

ECharts ships with ``solara-assets`` (served from the installed package, no network), draws
vector charts with tooltips and zoom, and updates in place when an option changes, so a
day's step costs a few milliseconds of drawing rather than a re-rendered PNG.
"""
from __future__ import annotations

import math

import numpy as np

from simulation.analysis.load import return_metrics
from simulation.app.network import STATE_COLOURS, STATE_NAMES, network_view, node_states
from simulation.kernels.funnel import CHANNELS
from simulation.model import SocialCommerceModel

CHANNEL_COLOURS = {"seed": "#7f7f7f", "kol": "#6a3d9a", "friend": "#d62728", "platform": "#1f77b4",
                   "event": "#2ca02c", "partner": "#ff7f0e"}
#: Colours for channels a newly registered operation model brings (cycled).
EXTRA_COLOURS = ("#17becf", "#bcbd22", "#e377c2", "#8c564b", "#9edae5")


def channel_colour(channel: str) -> str:
    """The colour of an attribution channel (the built-in ones fixed; others from ``EXTRA_COLOURS``)."""
    if channel in CHANNEL_COLOURS:
        return CHANNEL_COLOURS[channel]
    extra = [c for c in CHANNELS if c not in CHANNEL_COLOURS]
    return EXTRA_COLOURS[extra.index(channel) % len(EXTRA_COLOURS)] if channel in extra else "#999999"


FUNNEL = (("exposed", "exposed", "#7fb3e6"), ("interested", "interested", "#2ca02c"),
          ("buyers", "bought", "#d62728"), ("sharers", "shared", "#ff9f1c"))


def _r(values, digits: int = 3) -> list:
    """Plain floats for JSON (NaN as None, ECharts' gap)."""
    return [None if not math.isfinite(v) else round(float(v), digits) for v in np.asarray(values, float)]


def daily_spend(daily: dict, upto: int) -> np.ndarray:
    """Marketing spend per day (currency): ``spend`` when the model reports it, else the sum
    of its ``*_spend`` series."""
    if "spend" in daily:
        return np.asarray(daily["spend"][:upto], float)
    keys = [k for k in daily if k.endswith("_spend") and k != "total_spend"]
    return np.sum([np.asarray(daily[k][:upto], float) for k in keys], axis=0) if keys else np.zeros(upto)


def daily_profit(daily: dict, upto: int, unit_cost: float) -> np.ndarray:
    """Profit per day (currency): ``profit`` when reported, else revenue − cost of goods − spend."""
    if "profit" in daily:
        return np.asarray(daily["profit"][:upto], float)
    cogs = np.asarray(daily["cogs"][:upto], float) if "cogs" in daily \
        else unit_cost * np.asarray(daily["purchases"][:upto], float)
    return np.asarray(daily["revenue"][:upto], float) - cogs - daily_spend(daily, upto)


def _y_axis(name: str, right: bool = False) -> dict:
    """A value axis whose name runs along it (never over the legend)."""
    return {"type": "value", "name": name, "nameLocation": "middle", "nameRotate": -90 if right else 90,
            "nameGap": 48, "position": "right" if right else "left"}


def _base(title: str, days: int, y_name: str, legend: list[str] | None = None) -> dict:
    return {
        "animation": False,
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": legend or [], "top": 22, "type": "scroll"},
        # left: room for the axis name, which sits nameGap (48 px) left of the axis line even
        # when the tick labels are narrow (at 30 px it was cut at the canvas edge)
        "grid": {"left": 44, "right": 16, "top": 60 if legend else 36, "bottom": 28, "containLabel": True},
        "xAxis": {"type": "value", "name": "day", "nameLocation": "middle", "nameGap": 22,
                  "min": 0, "max": max(days, 1)},
        "yAxis": _y_axis(y_name),
    }


def category_days(opt: dict, days: int) -> dict:
    """Switch ``opt`` to a category axis of days 0..``days``: ECharts stacks series (areas, bands)
    on a category axis only."""
    opt["xAxis"] = {**opt["xAxis"], "type": "category", "data": list(range(days + 1)), "boundaryGap": False}
    opt["xAxis"].pop("min", None), opt["xAxis"].pop("max", None)
    return opt


def adoption_option(model: SocialCommerceModel) -> dict:
    """Share of the population who have bought (%) and new buyers per day."""
    eng, t = model.engine, model.day + 1
    d = eng.daily
    days = list(range(t))
    opt = _base(f"Adoption: {int(d['buyers'][t - 1])} of {eng.n} bought by day {model.day}", eng.days,
                "bought (% of people)", ["bought (% of people)", "new buyers per day"])
    opt["grid"]["right"] = 40
    opt["yAxis"] = [opt["yAxis"], {**_y_axis("new buyers per day", right=True), "nameGap": 36,
                                   "splitLine": {"show": False}}]
    opt["series"] = [
        {"name": "bought (% of people)", "type": "line", "showSymbol": False, "color": "#d62728",
         "data": [[i, v] for i, v in zip(days, _r(100.0 * d["buyers"][:t] / eng.n))]},
        {"name": "new buyers per day", "type": "bar", "yAxisIndex": 1, "color": "#f4a6a6", "barMaxWidth": 6,
         "data": [[i, int(v)] for i, v in zip(days, d["new_buyers"][:t])]},
    ]
    return opt


def funnel_days_option(model: SocialCommerceModel) -> dict:
    """Cumulative exposed, interested, bought and shared over days (% of the population)."""
    eng, t = model.engine, model.day + 1
    opt = _base("Funnel over days", eng.days, "% of people (cumulative)", [lab for _, lab, _ in FUNNEL])
    opt["series"] = [{"name": lab, "type": "line", "showSymbol": False, "color": col,
                      "data": [[i, v] for i, v in enumerate(_r(100.0 * eng.daily[k][:t] / eng.n))]}
                     for k, lab, col in FUNNEL]
    return opt


#: The funnel-on-day chart's axis runs to this multiple of its longest bar, so that the
#: labels beside the bars ("817 (40.9% of people, 60% of previous)") are not cut off.
FUNNEL_LABEL_ROOM = 2.6
#: Legend entries per row of the attribution chart ("community (78)" is ~120 px of a ~480 px card).
ATTRIBUTION_LEGEND_PER_ROW = 3


def funnel_today_option(model: SocialCommerceModel) -> dict:
    """Today's funnel: exposed → interested → bought → shared with each step's conversion."""
    eng = model.engine
    values = [float(eng.daily[k][model.day]) for k, _, _ in FUNNEL]
    labels = []
    for i, v in enumerate(values):
        note = f"{int(v)} ({100.0 * v / eng.n:.1f}% of people"
        if i in (1, 2) and values[i - 1] > 0:
            note += f", {100.0 * v / values[i - 1]:.0f}% of previous"
        labels.append(note + ")")
    return {
        "animation": False,
        "title": {"text": f"Funnel on day {model.day}", "left": 0, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "item"},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 28, "containLabel": True},
        "xAxis": {"type": "value", "name": "people (cumulative)", "nameLocation": "middle", "nameGap": 22,
                  # room right of the longest bar for its label (the card is ~560 px wide at 1,280)
                  "max": max(1.0, FUNNEL_LABEL_ROOM * max(values)), "axisLabel": {"showMaxLabel": False}},
        "yAxis": {"type": "category", "inverse": True, "data": [lab for _, lab, _ in FUNNEL]},
        "series": [{"type": "bar", "name": "people",
                    "data": [{"value": v, "itemStyle": {"color": c}, "label": {"show": True, "position": "right",
                                                                                 "formatter": lab}}
                             for v, (_, _, c), lab in zip(values, FUNNEL, labels)]}],
    }


def attribution_option(model: SocialCommerceModel) -> dict:
    """Cumulative purchases by the channel of the exposure that triggered them (stacked)."""
    eng, t = model.engine, model.day + 1
    series = {c: np.cumsum(eng.daily[f"attr_{c}"][:t]) for c in CHANNELS}
    total = int(sum(s[-1] for s in series.values()))
    # the channels that have sold so far: thirteen legend entries, most of them "(0)", paged
    # the legend and hid the ones that mattered
    shown = [c for c in CHANNELS if series[c][-1] > 0] or list(CHANNELS[:1])
    names = [f"{c} ({int(series[c][-1])})" for c in shown]
    opt = category_days(_base(f"Attribution: {total} purchases by channel", eng.days, "purchases (cumulative)",
                              names), eng.days)
    # every channel's name and count in view: the legend wraps onto rows instead of paging
    rows = -(-len(names) // ATTRIBUTION_LEGEND_PER_ROW)
    opt["legend"]["type"] = "plain"
    opt["grid"]["top"] = 38 + 22 * rows
    opt["series"] = [{"name": name, "type": "line", "stack": "all", "areaStyle": {}, "showSymbol": False,
                      "color": channel_colour(c), "lineStyle": {"width": 0.5},
                      "data": [int(v) for v in series[c]]}
                     for c, name in zip(shown, names)]
    return opt


#: Per-platform readouts the platform chart shows: (daily series prefix, label, colour, cumulative already).
PLATFORM_BARS = (("platform_exposed", "exposed (people)", "#7fb3e6", True),
                 ("platform_buyers", "buyers (people)", "#d62728", True),
                 ("platform_purchases", "purchases", "#ff9f1c", False))


def platform_rows(model: SocialCommerceModel) -> dict[str, dict[str, float]]:
    """Per declared platform (name -> readout label -> value) up to today: people exposed and
    buyers there (first purchase through it) so far, and purchases through it so far; empty
    without ``[[platforms]]`` (``simulation.metrics``, per-platform series)."""
    eng, t = model.engine, model.day + 1
    if not eng.per_platform:
        return {}
    out = {}
    for la in eng.layers:
        d = {lab: float(eng.daily[f"{key}__{la.name}"][t - 1] if cum else eng.daily[f"{key}__{la.name}"][:t].sum())
             for key, lab, _, cum in PLATFORM_BARS}
        out[la.name] = d
    return out


def platform_option(model: SocialCommerceModel) -> dict | None:
    """Per-platform exposed, buyers and purchases so far (grouped bars), or None without ``[[platforms]]``."""
    rows = platform_rows(model)
    if not rows:
        return None
    names = list(rows)
    total = int(sum(r["purchases"] for r in rows.values()))
    return {
        "animation": False,
        "title": {"text": f"Per platform by day {model.day}: {total} purchases", "left": 0,
                  "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"data": [lab for _, lab, _, _ in PLATFORM_BARS], "top": 22},
        "grid": {"left": 8, "right": 16, "top": 60, "bottom": 28, "containLabel": True},
        "xAxis": {"type": "category", "data": names},
        "yAxis": _y_axis("people / purchases (so far)"),
        "series": [{"name": lab, "type": "bar", "color": col, "label": {"show": True, "position": "top"},
                    "data": [int(rows[q][lab]) for q in names]} for _, lab, col, _ in PLATFORM_BARS],
    }


def money_series(model: SocialCommerceModel) -> dict[str, np.ndarray]:
    """Cumulative revenue, marketing spend and profit (currency) up to today."""
    eng, t = model.engine, model.day + 1
    return {"revenue": np.cumsum(np.asarray(eng.daily["revenue"][:t], float)),
            "marketing spend": np.cumsum(daily_spend(eng.daily, t)),
            "profit": np.cumsum(daily_profit(eng.daily, t, eng.scenario.product.unit_cost))}


def money_option(model: SocialCommerceModel) -> dict:
    """Cumulative revenue, marketing spend and profit over days (currency)."""
    colours = {"revenue": "#2ca02c", "marketing spend": "#ff7f0e", "profit": "#1f77b4"}
    series = money_series(model)
    opt = _base("Revenue, spend and profit so far", model.engine.days, "currency (cumulative)", list(series))
    opt["yAxis"]["nameGap"] = 62  # tick labels like "-10,000" are wider than the default gap
    opt["series"] = [{"name": k, "type": "line", "showSymbol": False, "color": colours[k],
                      "data": [[i, v] for i, v in enumerate(_r(s, 2))]} for k, s in series.items()]
    return opt


def _network_frame(model: SocialCommerceModel) -> dict:
    """Axes and grid shared by the network's two layers, fixed by the layout (so they align)."""
    xy = network_view(model).xy
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    pad = 0.04 * (hi - lo + 1e-9)
    axis = [{"type": "value", "show": False, "min": round(float(lo[i] - pad[i]), 4),
             "max": round(float(hi[i] + pad[i]), 4)} for i in (0, 1)]
    return {"animation": False, "grid": {"left": 4, "right": 4, "top": 30, "bottom": 30},
            "xAxis": axis[0], "yAxis": axis[1]}


def network_edges_option(model: SocialCommerceModel) -> dict:
    """The network's ties (the lower layer): drawn once per model, never redrawn by a step."""
    view = network_view(model)
    xy = np.round(view.xy, 4).tolist()
    data = [{"coords": [xy[a], xy[b]]} for a, b in view.edges.tolist()]
    return {**_network_frame(model), "silent": True,
            "series": [{"type": "lines", "coordinateSystem": "cartesian2d", "silent": True,
                        "lineStyle": {"color": "#999999", "width": 0.5, "opacity": 0.5}, "data": data}]}


def network_option(model: SocialCommerceModel) -> dict:
    """The network's people (the upper layer), at their fixed places, coloured by state today."""
    view = network_view(model)
    state = node_states(model, view.nodes)
    xy = np.round(view.xy, 4)
    shown = "everyone" if len(view.nodes) == model.engine.n else f"{len(view.nodes)} of {model.engine.n} people"
    names = [f"{name} ({int((state == s).sum())})" for s, name in enumerate(STATE_NAMES)]
    series = []
    for s, (name, colour) in enumerate(zip(names, STATE_COLOURS)):
        series.append({"name": name, "type": "scatter", "z": 2 + s, "color": colour,
                       "symbolSize": 12 if STATE_NAMES[s] == "KOL" else 5,
                       "data": xy[state == s].tolist()})
    return {
        **_network_frame(model),
        "title": {"text": f"Network on day {model.day} ({shown})", "left": 0, "textStyle": {"fontSize": 13}},
        "legend": {"data": names, "bottom": 0},
        "tooltip": {"trigger": "item"},
        "series": series,
    }


def _fmt(x: float, spec: str) -> str:
    return "–" if x is None or not math.isfinite(x) else format(x, spec)


def key_figures(model: SocialCommerceModel) -> list[tuple[str, str]]:
    """Key figures so far as (label, value) rows, from the run summary (``metrics.summarize``)."""
    s = model.result().summary
    ret = return_metrics(s)
    rows = [
        ("day", f"{model.day} of {model.engine.days}"),
        ("buyers", f"{int(s['buyers'])} ({_fmt(100 * s['conversion_rate'], '.1f')}% of people)"),
        ("buyers / exposed", _fmt(100 * s["exposed_conversion"], ".1f") + " %"),
        ("revenue", _fmt(s["revenue"], ",.0f")),
        ("marketing spend", _fmt(s[ret.spend], ",.0f")),
    ]
    if ret.incremental:
        rows += [("incremental profit (vs the same world without marketing)", _fmt(s[ret.profit], ",.0f")),
                 ("incremental return on spend", _fmt(s[ret.ratio], ".2f"))]
    else:
        rows += [("profit (revenue − cost of goods − spend)", _fmt(s["profit"], ",.0f")),
                 ("ROAS (revenue / spend)" if ret.ratio == "roas" else "ROI (revenue − spend) / spend",
                  _fmt(s[ret.ratio], ".2f"))]
    rows += [("viral coefficient (buyers via a friend / buyers)", _fmt(s["viral_coefficient"], ".2f")),
             ("group-buy success rate", _fmt(s["groupbuy_success_rate"], ".2f"))]
    return rows
