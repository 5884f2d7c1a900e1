"""The app's pages (Solara): *Explore* one run day by day, *Compare* two plans live.

``solara run`` executes this file as a script (``socsim app`` does so through
``simulation.app.server.serve``), hence the absolute imports. Every chart is an ECharts
figure served from the installed ``solara-assets`` (no network) and updated in place
after each day; the network view keeps its layout and is only recoloured. Moving a
control does not touch the run on screen: the page says "press Reset" until you do.
The page address may preset controls, e.g. ``/?n=1000&relationship=1``.
"""
from __future__ import annotations

import html
import threading
import time
from urllib.parse import parse_qsl

import solara
import traitlets
from solara.components.echarts import EchartsWidget

from simulation.app import charts
from simulation.app.compare import (MARKET_KEYS, PLAN_KEYS, difference_option, make_comparison, overlay_option,
                                    verdict)
from simulation.app.params import (FEE_REFERENCE_PEOPLE, MODEL_PARAMS, OPERATIONS, make_model, params_from_query,
                                   scenario_overrides)
from simulation.app.server import check_assets

# A page that would load nothing offline must not be served blank: refuse at start-up.
check_assets()

#: Pause between days while playing (seconds).
PLAY_INTERVAL = 0.15
#: Replications per plan on the Compare page, by default and at most.
REPLICATIONS, MAX_REPLICATIONS = 5, 20


def _text(text: str, id: str | None = None, cls: str = ""):
    attrs = {"id": id} if id else {}
    return solara.v.Html(tag="div", attributes=attrs, class_=cls, children=[text])


class Option:
    """An ECharts option handed to the renderer as one opaque value.

    The renderer walks every list and dict among an element's props looking for child
    elements; a network's thousands of points cost it a tenth of a second per day. Boxed,
    the option is compared by identity and sent to the browser as plain JSON.
    """

    __slots__ = ("data",)

    def __init__(self, data: dict):
        self.data = data


class EchartsFigure(EchartsWidget):
    """Solara's ECharts widget whose ``option`` may arrive boxed (``Option``)."""

    option = traitlets.Any({}).tag(sync=True, to_json=lambda v, _: v.data if isinstance(v, Option) else v)


def Chart(option: dict | Option, height: int = 330, style: str = ""):
    """One ECharts figure filling its column (or ``style``)."""
    box = option if isinstance(option, Option) else Option(option)
    return EchartsFigure.element(option=box, responsive=True,
                                 attributes={"style": style or f"height: {height}px; width: 100%;",
                                             "class": "socsim-chart"})


@solara.component
def Control(name: str, value, on_value, spec: dict | None = None):
    """The control for parameter ``name``; its label shows the value it is set to."""
    spec = spec or MODEL_PARAMS[name]
    kind, label = spec["type"], spec["label"]
    if kind == "Checkbox":
        solara.Checkbox(label=label, value=bool(value), on_value=on_value)
    elif kind == "Select":
        solara.Select(label=label, values=list(spec["values"]), value=value, on_value=on_value)
    else:
        shown = f"{value:,}" if kind == "SliderInt" else f"{value:g}"
        slider = solara.SliderInt if kind == "SliderInt" else solara.SliderFloat
        slider(label=f"{label}: {shown}", value=value, min=spec["min"], max=spec["max"], step=spec["step"],
               on_value=on_value)


def describe(p: dict) -> str:
    """One line naming a parameter set (what the run on screen uses)."""
    ops = [k for k in OPERATIONS if p.get(k)]
    fee = scenario_overrides(**p)["kol.fee_per_post"]
    return (f"{p['n']:,} people, {p['days']} days, {p['kol_count']} KOLs ({p['kol_strategy']}, fee {fee:g} per post: "
            f"the default scenario's fee for {FEE_REFERENCE_PEOPLE:,} people, scaled to this market), "
            f"price {p['price']:g}, referral reward {p['referral_reward']:g}, {p['seed_buyers']} day-0 buyers, "
            f"seed {p['seed']}; operation models: {', '.join(ops) if ops else 'none'}"
            + ("; platforms: messaging, short video (KOLs), marketplace" if p.get("platforms") else ""))


def KeyFigures(rows: list[tuple[str, str]]):
    """The key figures as a small table."""
    body = "".join(f"<tr><td>{html.escape(a)}</td><td style='text-align:right'><b>{html.escape(b)}</b></td></tr>"
                   for a, b in rows)
    return solara.HTML(tag="table", unsafe_innerHTML=body,
                       style="width:100%; font-size:0.9em; border-collapse:collapse")


def _query() -> dict[str, str]:
    router = solara.use_router()
    return dict(parse_qsl(router.search or ""))


@solara.component
def NetworkLayers(model, day: int, height: int = 460):
    """The network view: a static layer of ties under a layer of people recoloured each day
    (``day`` is what changes when the model steps in place)."""
    edges = solara.use_memo(lambda: Option(charts.network_edges_option(model)), [model])  # sent once per run
    layer = "position:absolute; top:0; left:0; width:100%; height:100%;"
    return solara.v.Html(tag="div", style_=f"position:relative; width:100%; height:{height}px;", children=[
        Chart(edges, style=layer), Chart(charts.network_option(model), style=layer)])


#: The run's charts, in page order (functions of the model returning ECharts options).
RUN_CHARTS = (charts.adoption_option, charts.funnel_days_option, charts.funnel_today_option,
              charts.attribution_option, charts.money_option)


@solara.component
def Panels(model, tick, lock):
    """Key figures and charts of the run on screen; the only part a day's step redraws."""
    tick.value  # redraw after every step
    with lock:
        rows = charts.key_figures(model)
        options = [build(model) for build in RUN_CHARTS]
        # per-platform readouts only when the scenario declares [[platforms]]
        per_platform = charts.platform_option(model)
    _text(f"Day {model.day} of {model.engine.days}", id="socsim-day", cls="text-h6")
    _text("Running: " + describe(model.params), id="socsim-running", cls="text-caption")
    with solara.ColumnsResponsive(default=12, large=6):
        with solara.Card("Key figures so far"):
            KeyFigures(rows)
        for opt in options:
            with solara.Card():
                Chart(opt)
        if per_platform is not None:
            with solara.Card():
                Chart(per_platform)
        with solara.Card():
            with lock:
                NetworkLayers(model, model.day)


@solara.component
def Explore():
    """One run, day by day: controls in the sidebar, key figures and six charts."""
    query = _query()
    first = solara.use_memo(lambda: params_from_query(query), [])
    chosen, set_chosen = solara.use_state(first)
    model0 = solara.use_memo(lambda: make_model(**first), [])
    model = solara.use_reactive(model0)
    tick = solara.use_reactive(0)  # read by Panels only: a step redraws the panels, not the sidebar
    finished = solara.use_reactive(not model0.running)
    playing, set_playing_state = solara.use_state(False)
    # The play thread reads this flag: a pause takes effect at the next day, whatever the thread.
    play_flag = solara.use_ref(False)
    lock = solara.use_memo(threading.RLock, [])

    def set_playing(on: bool):
        play_flag.current = on
        set_playing_state(on)

    def step():
        m = model.value
        with lock:
            if m.running:
                m.step()
        tick.value += 1
        finished.value = not m.running

    def reset():
        set_playing(False)
        model.value = make_model(**chosen)
        finished.value = not model.value.running
        tick.value = 0

    def play_loop(cancel: threading.Event):
        while play_flag.current and not cancel.is_set() and model.value.running:
            step()
            time.sleep(PLAY_INTERVAL)
        if playing and not model.value.running:
            set_playing(False)

    solara.use_thread(play_loop, dependencies=[playing, model.value], intrusive_cancel=False)
    changed = chosen != model.value.params
    done = finished.value

    with solara.Sidebar():
        with solara.Card("Run"):
            with solara.Row():
                solara.Button("Step", on_click=step, disabled=done or playing, color="primary")
                solara.Button("Pause" if playing else "Play", on_click=lambda: set_playing(not playing),
                              disabled=done)
                solara.Button("Reset", on_click=reset, color="warning" if changed else None)
            if changed:
                solara.Warning("Parameters changed: press Reset to start a run with them "
                               "(the run on screen keeps its own).", dense=True)
        with solara.Card("Parameters"):
            for name in MODEL_PARAMS:
                Control(name, chosen[name], lambda v, k=name: set_chosen({**chosen, k: v}))
    Panels(model.value, tick, lock)


def _plan_defaults() -> tuple[dict, dict]:
    base = {k: MODEL_PARAMS[k]["value"] for k in PLAN_KEYS}
    return base, {**base, "relationship": True, "referral_reward": 10.0}


@solara.component
def Compare():
    """Two plans on the same market and random numbers, replicated, overlaid and differenced."""
    query = _query()
    market0 = solara.use_memo(lambda: {k: v for k, v in params_from_query(query).items() if k in MARKET_KEYS}, [])
    market, set_market = solara.use_state(market0)
    plan_a0, plan_b0 = solara.use_memo(_plan_defaults, [])
    plan_a, set_plan_a = solara.use_state(plan_a0)
    plan_b, set_plan_b = solara.use_state(plan_b0)
    reps, set_reps = solara.use_state(REPLICATIONS)
    built = (market, plan_a, plan_b, reps)
    comp0 = solara.use_memo(lambda: make_comparison(market0, plan_a0, plan_b0, REPLICATIONS), [])
    comp, set_comp = solara.use_state(comp0)
    used, set_used = solara.use_state(built)
    tick, set_tick = solara.use_state(0)
    lock = solara.use_memo(threading.RLock, [])

    def rebuild():
        set_comp(make_comparison(market, plan_a, plan_b, reps))
        set_used(built)
        set_tick(0)

    def step(days: int = 1):
        with lock:
            for _ in range(days):
                if comp.running:
                    comp.step()
        set_tick(lambda t: t + 1)

    changed = built != used
    with solara.Sidebar():
        with solara.Card("Run both plans"):
            with solara.Row():
                solara.Button("Step", on_click=lambda: step(1), disabled=not comp.running, color="primary")
                solara.Button("+10 days", on_click=lambda: step(10), disabled=not comp.running)
                solara.Button("To the end", on_click=lambda: step(comp.days), disabled=not comp.running)
                solara.Button("Reset", on_click=rebuild, color="warning" if changed else None)
            if changed:
                solara.Warning("Settings changed: press Reset to run the plans with them.", dense=True)
        with solara.Card("Market (shared by both plans)"):
            for name in ("n", "days", "seed"):
                Control(name, market[name], lambda v, k=name: set_market({**market, k: v}))
            Control("replications", reps, set_reps,
                    spec={"type": "SliderInt", "label": "Replications per plan", "min": 2,
                          "max": MAX_REPLICATIONS, "step": 1})
        for title, plan, set_plan in (("Plan A", plan_a, set_plan_a), ("Plan B", plan_b, set_plan_b)):
            with solara.Card(title):
                for name in PLAN_KEYS:
                    Control(name, plan[name], lambda v, k=name, p=plan, s=set_plan: s({**p, k: v}))

    with lock:
        options = [overlay_option(comp, "buyers", "people (cumulative)"),
                   difference_option(comp, "buyers", "people"),
                   overlay_option(comp, "profit", "currency (cumulative)"),
                   difference_option(comp, "profit", "currency")]
        sentence = verdict(comp)
    _text(f"Day {comp.day} of {comp.days}", id="socsim-day", cls="text-h6")
    _text(sentence, id="socsim-verdict")
    _text("Replication r of both plans runs on the same graph with the same random numbers "
          "(common random numbers), so the difference is the plans' effect, not luck; the interval is "
          "a paired t interval over replications.", cls="text-caption")
    with solara.ColumnsResponsive(default=12, large=6):
        for opt in options:
            with solara.Card():
                Chart(opt)


@solara.component
def Layout(children=[]):
    """Solara's app layout with the page title."""
    solara.Title("socsim")
    return solara.AppLayout(children=children, title="socsim: social-commerce diffusion")


routes = [
    solara.Route(path="/", component=Explore, label="Explore one run", layout=Layout),
    solara.Route(path="compare", component=Compare, label="Compare two plans"),
]
