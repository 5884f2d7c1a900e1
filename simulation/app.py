"""The interactive browser app for students: a Mesa ``SolaraViz`` page over ``SocialCommerceModel``.

Serve it with ``socsim app`` or ``solara run simulation/app.py`` (``app_path()`` gives the
file). The sidebar holds the levers a student may pull; each maps onto one dotted-path
override of the embedded default scenario (``SCENARIO_PATHS``), so the app runs exactly
the model that ``socsim run`` runs. Press *Reset* after moving a slider to rebuild the
model, then *Step* or play to advance it one day at a time.

The page shows, updated every day:

* key figures so far (conversion, revenue, spend, ROI, viral coefficient);
* the adoption curve (share of the population who bought, new buyers per day);
* the funnel over days (cumulative exposed / interested / bought / shared, from the
  model's ``DataCollector``) and today's funnel with its step conversions;
* revenue and spend per day (Mesa's ``make_plot_component`` over the DataCollector);
* attribution: cumulative purchases by the channel that triggered them;
* a network view of at most ``VIEW_MAX`` people coloured by state (KOL, shared, bought,
  exposed, not reached).

Every plotting function (``plot_*``) takes the model and returns a matplotlib ``Figure``
(built without pyplot, so nothing leaks between renders); the Solara components only
wrap them. ``page`` is ``Page()``: Mesa's ``SolaraViz`` (controls, parameters, the
reactive model) with the figures laid out in plain responsive columns beside it, not
in Mesa's draggable grid, which fetches a JavaScript grid library from a CDN when the
page opens (it fails offline, and under ipyvuetify 3). Without Mesa's ``viz`` extra
(altair) the model and figures still work and ``page`` says what to install.
Imports are absolute because ``solara run`` executes this file as a script.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from simulation.config.scenario import Scenario, default_scenario
from simulation.kernels.funnel import CHANNELS
from simulation.kol import STRATEGIES
from simulation.model import SocialCommerceModel
from simulation.seeding import run_seed


try:
    from mesa.visualization import SolaraViz, make_plot_component
    from mesa.visualization.utils import update_counter
except ImportError as exc:  # Mesa's "viz" extra (altair) is missing: keep model and figures usable
    SolaraViz = make_plot_component = update_counter = None
    VIZ_ERROR: str | None = (f"The socsim app needs Mesa's visualization extra ({exc}). "
                             "Install it with: pip install 'mesa[viz]'")
else:
    VIZ_ERROR = None

#: Population sizes the app allows (people); the view and the layout stay interactive below this.
N_MIN, N_MAX = 500, 5_000
#: Most people drawn in the network view (a breadth-first sample around KOLs and seeds beyond it).
VIEW_MAX = 400
#: Force-directed layout iterations for the network view (computed once per model).
LAYOUT_ITERATIONS = 60
#: Bargain price floor as a fraction of the list price (the default scenario's 49 of 99).
BARGAIN_FLOOR_SHARE = 0.5

#: Each app parameter and the scenario field it sets (a dotted override path).
SCENARIO_PATHS: dict[str, str] = {
    "n": "graph.n",
    "days": "days",
    "content": "operations.content.enabled",
    "relationship": "operations.relationship.enabled",
    "event": "operations.event.enabled",
    "crossover": "operations.crossover.enabled",
    "kol_count": "kol.count",
    "kol_strategy": "kol.strategy",
    "referral_reward": "operations.relationship.referral_reward",
    "price": "product.price",
    "seed_buyers": "seeding.count",
    "seed": "seed",
}

#: Node states of the network view, in drawing priority (a KOL who bought is drawn as a KOL).
STATE_NAMES = ("not reached", "exposed", "bought", "shared", "KOL")
STATE_COLOURS = ("#c8c8c8", "#7fb3e6", "#d62728", "#ff9f1c", "#6a3d9a")
CHANNEL_COLOURS = {"seed": "#7f7f7f", "kol": "#6a3d9a", "friend": "#d62728", "platform": "#1f77b4",
                   "event": "#2ca02c", "partner": "#ff7f0e"}
FUNNEL_COLOURS = {"exposed": "#7fb3e6", "interested": "#2ca02c", "buyers": "#d62728", "sharers": "#ff9f1c"}


def scenario_overrides(*, n: int = 1000, days: int = 60, content: bool = False, relationship: bool = False,
                       event: bool = False, crossover: bool = False, kol_count: int = 5,
                       kol_strategy: str = "top_degree", referral_reward: float = 5.0, price: float = 99.0,
                       seed_buyers: int = 10, seed: int = 1) -> dict[str, object]:
    """The dotted-path overrides of the default scenario for the app's parameters.

    Parameters
    ----------
    n : population size (people, ``N_MIN``..``N_MAX``; graph generator powerlaw_cluster).
    days : horizon (days).
    content, relationship, event, crossover : switch each operation model on.
    kol_count : number of KOLs; kol_strategy : how they are chosen (``simulation.kol.STRATEGIES``).
    referral_reward : reward per referred purchase paid to the sharer (currency; acts only
        with the relationship model on).
    price : list price (currency); the bargain floor follows it (``BARGAIN_FLOOR_SHARE``).
    seed_buyers : people who buy on day 0.
    seed : the scenario seed (run 0 of it is simulated).
    """
    if not N_MIN <= n <= N_MAX:
        raise ValueError(f"n: the app runs populations of {N_MIN}..{N_MAX} people, got {n}")
    values = dict(n=int(n), days=int(days), content=bool(content), relationship=bool(relationship),
                  event=bool(event), crossover=bool(crossover), kol_count=int(kol_count),
                  kol_strategy=str(kol_strategy), referral_reward=float(referral_reward), price=float(price),
                  seed_buyers=int(seed_buyers), seed=int(seed))
    out: dict[str, object] = {SCENARIO_PATHS[k]: v for k, v in values.items()}
    out["graph.generator"] = "powerlaw_cluster"
    out["operations.event.bargain.floor"] = round(BARGAIN_FLOOR_SHARE * float(price), 2)
    return out


def build_scenario(**params) -> Scenario:
    """The validated scenario for the app's parameters (see ``scenario_overrides``)."""
    return default_scenario({"name": "app", "replications": 1, **scenario_overrides(**params)})


class AppModel(SocialCommerceModel):
    """``SocialCommerceModel`` built from the app's parameters (keyword arguments, as SolaraViz needs).

    Parameters are those of ``scenario_overrides``; the run simulated is run 0 of
    ``seed`` (``simulation.seeding.run_seed(seed, 0)``), the same run ``socsim run``
    makes first for that scenario.
    """

    def __init__(self, n: int = 1000, days: int = 60, content: bool = False, relationship: bool = False,
                 event: bool = False, crossover: bool = False, kol_count: int = 5,
                 kol_strategy: str = "top_degree", referral_reward: float = 5.0, price: float = 99.0,
                 seed_buyers: int = 10, seed: int = 1):
        self.params = dict(n=n, days=days, content=content, relationship=relationship, event=event,
                           crossover=crossover, kol_count=kol_count, kol_strategy=kol_strategy,
                           referral_reward=referral_reward, price=price, seed_buyers=seed_buyers, seed=seed)
        scenario = build_scenario(**self.params)
        super().__init__(scenario, seed=run_seed(scenario.seed, 0))
        self._view: NetworkView | None = None


def make_model(**params) -> AppModel:
    """The model the page starts with and rebuilds on *Reset* (parameters as ``scenario_overrides``)."""
    return AppModel(**params)


# -- the network view -------------------------------------------------------------------

@dataclass
class NetworkView:
    """A fixed sample of the graph and its layout: ``nodes`` (graph ids), ``xy`` (len(nodes), 2)
    positions, ``segments`` (edges, 2 x 2 coordinates each)."""

    nodes: np.ndarray
    xy: np.ndarray
    segments: np.ndarray


def view_nodes(model: SocialCommerceModel, limit: int = VIEW_MAX) -> np.ndarray:
    """Graph ids shown in the network view: everyone when n <= limit, else a breadth-first
    sample of ``limit`` people grown from the KOLs and day-0 buyers (where diffusion starts)."""
    eng = model.engine
    g = eng.graph
    if g.n <= limit:
        return np.arange(g.n, dtype=np.int64)
    kols = eng.kols.nodes[eng.kols.nodes >= 0]
    roots = [int(v) for v in np.concatenate([eng.seeds, kols])]
    seen: dict[int, None] = {}
    frontier = list(dict.fromkeys(roots))
    # Grow from all roots together so no single high-degree KOL fills the view.
    while frontier and len(seen) < limit:
        nxt = []
        for v in frontier:
            if v in seen:
                continue
            seen[v] = None
            if len(seen) >= limit:
                break
            nxt.extend(int(u) for u in g.indices[g.indptr[v]:g.indptr[v + 1]] if int(u) not in seen)
        frontier = list(dict.fromkeys(nxt))
    return np.sort(np.fromiter(seen, np.int64, len(seen)))


def network_view(model: SocialCommerceModel, limit: int = VIEW_MAX) -> NetworkView:
    """The model's network view, laid out once (spring layout started from the model's own
    Mesa ``rng``, which the engine never draws from) and cached on the model."""
    cached = getattr(model, "_view", None)
    if cached is not None:
        return cached
    import networkx as nx

    g = model.engine.graph
    nodes = view_nodes(model, limit)
    local = np.full(g.n, -1, np.int64)
    local[nodes] = np.arange(len(nodes))
    tails = np.repeat(np.arange(g.n), np.diff(g.indptr))
    keep = (local[tails] >= 0) & (local[g.indices] >= 0) & (tails < g.indices)
    edges = np.column_stack([local[tails[keep]], local[g.indices[keep]]])
    G = nx.Graph()
    G.add_nodes_from(range(len(nodes)))
    G.add_edges_from(map(tuple, edges.tolist()))
    start = model.rng.uniform(-1.0, 1.0, size=(len(nodes), 2))
    pos = nx.spring_layout(G, pos={i: start[i] for i in range(len(nodes))}, iterations=LAYOUT_ITERATIONS)
    xy = np.array([pos[i] for i in range(len(nodes))]).reshape(len(nodes), 2)
    view = NetworkView(nodes, xy, xy[edges] if len(edges) else np.empty((0, 2, 2)))
    model._view = view
    return view


def node_states(model: SocialCommerceModel, nodes: np.ndarray) -> np.ndarray:
    """Index into ``STATE_NAMES`` of each node today (the highest-priority state wins)."""
    eng = model.engine
    state = np.zeros(len(nodes), np.int64)
    state[eng.exposed[nodes]] = 1
    state[eng.bought[nodes]] = 2
    state[eng.shared[nodes]] = 3
    is_kol = np.zeros(eng.n, bool)
    is_kol[eng.kols.nodes[eng.kols.nodes >= 0]] = True
    state[is_kol[nodes]] = 4
    return state


# -- figures ---------------------------------------------------------------------------

def _days(model: SocialCommerceModel) -> np.ndarray:
    return np.arange(model.day + 1)


def collected(model: SocialCommerceModel):
    """The model's ``DataCollector`` series (a DataFrame, one row per day from day 0)."""
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def plot_adoption(model: SocialCommerceModel) -> Figure:
    """Adoption curve: share of the population who have bought (%, left) and new buyers per day (right)."""
    eng = model.engine
    df = collected(model)
    t = df.index.to_numpy()
    fig = Figure(figsize=(6, 3.6))
    ax = fig.subplots()
    bars = ax.twinx()
    bars.bar(t, df["new_buyers"], color="#f4a6a6", width=0.9)
    bars.set_ylabel("new buyers per day")
    ax.plot(t, 100.0 * df["buyers"] / eng.n, color="#d62728", lw=2)
    ax.set_zorder(bars.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.set_xlabel("day")
    ax.set_ylabel("bought (% of population)")
    ax.set_xlim(-0.5, max(eng.days, 1) + 0.5)
    ax.set_ylim(bottom=0)
    ax.set_title(f"Adoption: {int(eng.daily['buyers'][model.day])} of {eng.n} bought by day {model.day}")
    fig.tight_layout()
    return fig


def plot_funnel_days(model: SocialCommerceModel) -> Figure:
    """Funnel over days: cumulative exposed, interested, bought and shared (% of the population)."""
    eng = model.engine
    df = collected(model)
    fig = Figure(figsize=(6, 3.6))
    ax = fig.subplots()
    for name, label in zip(FUNNEL_COLOURS, ("exposed", "interested", "bought", "shared")):
        ax.plot(df.index, 100.0 * df[name] / eng.n, color=FUNNEL_COLOURS[name], lw=2, label=label)
    ax.set_xlim(0, max(eng.days, 1))
    ax.set_ylim(bottom=0)
    ax.set_xlabel("day")
    ax.set_ylabel("% of population (cumulative)")
    ax.set_title("Funnel over days")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_funnel(model: SocialCommerceModel) -> Figure:
    """Today's funnel: cumulative exposed → interested → bought → shared, with each step's conversion."""
    eng = model.engine
    names = ("exposed", "interested", "buyers", "sharers")
    values = np.array([eng.daily[k][model.day] for k in names], float)
    fig = Figure(figsize=(6, 3.6))
    ax = fig.subplots()
    y = np.arange(len(names))[::-1]
    ax.barh(y, values, color=[FUNNEL_COLOURS[k] for k in names])
    ax.set_yticks(y, ["exposed", "interested", "bought", "shared"])
    # Room on the right for the labels.
    ax.set_xlim(0, 1.8 * max(values.max(), 1.0))
    for i, (yy, v) in enumerate(zip(y, values)):
        note = f"{int(v)}  ({100.0 * v / eng.n:.1f}% of people"
        if i in (1, 2) and values[i - 1] > 0:
            note += f", {100.0 * v / values[i - 1]:.0f}% of previous"
        if i == 3:  # sharers are not a subset of buyers: interested people share too
            note += ", buyers and interested"
        ax.text(v + 0.02 * max(values.max(), 1.0), yy, note + ")", va="center", fontsize=8)
    ax.set_xlabel("people (cumulative)")
    ax.set_title(f"Funnel on day {model.day}")
    fig.tight_layout()
    return fig


def plot_attribution(model: SocialCommerceModel) -> Figure:
    """Attribution: cumulative purchases by the channel of the exposure that triggered them."""
    eng = model.engine
    t = _days(model)
    series = np.array([np.cumsum(eng.daily[f"attr_{c}"][t]) for c in CHANNELS])
    fig = Figure(figsize=(6, 3.6))
    ax = fig.subplots()
    labels = [f"{c} ({int(s[-1])})" for c, s in zip(CHANNELS, series)]
    ax.stackplot(t, series, labels=labels, colors=[CHANNEL_COLOURS[c] for c in CHANNELS], alpha=0.85)
    ax.set_xlim(0, max(eng.days, 1))
    ax.set_xlabel("day")
    ax.set_ylabel("purchases (cumulative)")
    ax.set_title(f"Attribution: {int(series[:, -1].sum())} purchases by channel")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_network(model: SocialCommerceModel) -> Figure:
    """The network view (see ``view_nodes``) coloured by each person's state today."""
    view = network_view(model)
    state = node_states(model, view.nodes)
    fig = Figure(figsize=(6, 6))
    ax = fig.subplots()
    ax.add_collection(LineCollection(view.segments, colors="#999999", linewidths=0.4, alpha=0.5, zorder=1))
    for s, (name, colour) in enumerate(zip(STATE_NAMES, STATE_COLOURS)):
        pick = state == s
        size = 70 if name == "KOL" else 14
        ax.scatter(view.xy[pick, 0], view.xy[pick, 1], s=size, c=colour, edgecolors="none", zorder=2 + s,
                   label=f"{name} ({int(pick.sum())})")
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_axis_off()
    shown = "everyone" if len(view.nodes) == model.engine.n else f"{len(view.nodes)} of {model.engine.n} people"
    ax.set_title(f"Network on day {model.day} ({shown})")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.08), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def key_figures(model: SocialCommerceModel) -> dict[str, float]:
    """The run summary so far (``simulation.metrics.summarize``)."""
    return model.result().summary


def key_figures_markdown(model: SocialCommerceModel) -> str:
    """Key figures so far as a Markdown table."""
    s = key_figures(model)

    def fmt(x: float, spec: str) -> str:
        return "–" if np.isnan(x) else format(x, spec)

    rows = [
        ("day", f"{model.day} of {model.engine.days}"),
        ("buyers", f"{int(s['buyers'])} ({fmt(100 * s['conversion_rate'], '.1f')}% of people)"),
        ("buyers / exposed", fmt(100 * s["exposed_conversion"], ".1f") + " %"),
        ("revenue", fmt(s["revenue"], ",.0f")),
        ("spend (incentives + KOL + partner + content)", fmt(s["total_spend"], ",.0f")),
        ("ROAS revenue / spend", fmt(s["roas"], ".2f")),
        ("viral coefficient (buyers via a friend / buyers)", fmt(s["viral_coefficient"], ".2f")),
        ("group-buy success rate", fmt(s["groupbuy_success_rate"], ".2f")),
    ]
    return "| figure | value |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)


# -- the page --------------------------------------------------------------------------

def _figure(fig: Figure):
    return solara.FigureMatplotlib(fig, format="png", bbox_inches="tight")


def _label_money(ax) -> None:
    ax.set_xlabel("day")
    ax.set_ylabel("currency per day")
    ax.set_title("Revenue and spend per day")


#: The dashboard's panels: (title, function of the model returning a solara element).
PANELS = (
    ("Key figures", lambda m: solara.Markdown(key_figures_markdown(m))),
    ("Adoption curve", lambda m: _figure(plot_adoption(m))),
    ("Funnel over days", lambda m: _figure(plot_funnel_days(m))),
    ("Funnel today", lambda m: _figure(plot_funnel(m))),
    ("Attribution by channel", lambda m: _figure(plot_attribution(m))),
    ("Network", lambda m: _figure(plot_network(m))),
)


@solara.component
def Dashboard(model: SocialCommerceModel):
    """Every panel of ``PANELS`` plus Mesa's plot of revenue and spend, redrawn after each step.

    Laid out with plain responsive columns rather than Mesa's draggable grid, which loads
    a grid library from a CDN at run time (so it fails offline and under ipyvuetify 3).
    """
    update_counter.get()  # Mesa bumps this after every step: redraw
    money, _ = make_plot_component({"revenue": "#2ca02c", "incentive_spend": "#ff7f0e", "kol_spend": "#6a3d9a"},
                                   post_process=_label_money)
    with solara.ColumnsResponsive(default=12, large=6):
        for title, draw in PANELS:
            with solara.Card(title):
                draw(model)
        with solara.Card("Revenue and spend"):
            money(model)


@solara.component
def Page():
    """The app: Mesa's controls and parameters in the sidebar, the dashboard beside them."""
    first = solara.use_memo(lambda: make_model(**default_params()), [])
    model = solara.use_reactive(first)  # SolaraViz's Reset replaces model.value
    SolaraViz(model, components=[], model_params=MODEL_PARAMS, name="socsim: social-commerce diffusion",
              play_interval=200)
    Dashboard(model.value)


def _slider(label: str, value, lo, hi, step) -> dict:
    kind = "SliderFloat" if isinstance(value, float) else "SliderInt"
    return {"type": kind, "label": label, "value": value, "min": lo, "max": hi, "step": step}


#: The sidebar controls (Mesa user parameters); names are ``AppModel``'s keyword arguments.
MODEL_PARAMS: dict[str, dict] = {
    "n": _slider("Population (people)", 1000, N_MIN, N_MAX, 100),
    "days": _slider("Days", 60, 30, 180, 10),
    "content": {"type": "Checkbox", "value": False, "label": "Content-driven (UGC, platform seeding)"},
    "relationship": {"type": "Checkbox", "value": False, "label": "Relationship-driven (referral, commission)"},
    "event": {"type": "Checkbox", "value": False, "label": "Event-driven (campaign, flash sale, group-buy)"},
    "crossover": {"type": "Checkbox", "value": False, "label": "Cross-over (partner brand)"},
    "kol_count": _slider("KOLs", 5, 0, 20, 1),
    "kol_strategy": {"type": "Select", "value": "top_degree", "values": list(STRATEGIES), "label": "KOL strategy"},
    "referral_reward": _slider("Referral reward (currency)", 5.0, 0.0, 30.0, 1.0),
    "price": _slider("Price (currency)", 99.0, 19.0, 299.0, 5.0),
    "seed_buyers": _slider("Day-0 buyers", 10, 1, 50, 1),
    "seed": _slider("Random seed", 1, 0, 99, 1),
}


def default_params() -> dict[str, object]:
    """The value each sidebar control starts at."""
    return {k: v["value"] for k, v in MODEL_PARAMS.items()}


def app_path() -> Path:
    """This file, for ``solara run`` (``socsim app``)."""
    return Path(__file__).resolve()


@solara.component
def MissingViz():
    """Stand-in page that says what to install when Mesa's visualization cannot be imported."""
    solara.Error(VIZ_ERROR or "")


#: What ``solara run`` serves.
page = Page() if VIZ_ERROR is None else MissingViz()
