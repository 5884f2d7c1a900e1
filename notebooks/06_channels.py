# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 6. Channels: platforms, targeting, live streams and stores
#
# People do not meet a product "on the internet": they meet it in a friends' chat, on a
# short-video feed, in a marketplace's search results, in a KOL's live stream or in a
# shop. socsim models each of these as a **channel** over one population: a person has one
# state (interested, bought, coupons held) whichever platform or shop reached them, and
# every purchase is credited to the platform and channel of the exposure that converted it.
#
# This notebook
# 1. builds a three-platform scenario from the default one in Python and reads its
#    per-platform funnel and attribution;
# 2. targets the short-video ads at one segment and compares with the untargeted plan on
#    **common random numbers** (same seeds: same graph, people and draws), by the
#    incremental profit against the paired no-marketing counterfactual;
# 3. compares a KOL's live session with the same KOL's posts;
# 4. adds an offline launch event to two stores and asks what it does online.
#
# Everything is small (3,000 people, 60 days, 6 replications) so the notebook runs in
# well under a minute; the intervals are correspondingly wide. The comparisons go through
# the runner `socsim sweep` uses (an experiment of named scenarios built in Python, written
# to a temporary folder and read back with `load_results`). The full-size questions are
# `experiments/channel_mix.toml`, `live_stream.toml` and `o2o.toml` (`socsim sweep`).

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Image, Markdown, display

from simulation.analysis import compare, load_results
from simulation.analysis.platform_figures import platform_mix
from simulation.analysis.platform_report import attribution_table, platform_table
from simulation.config.experiment import load_experiment, scenario_dict
from simulation.config.scenario import default_scenario, default_scenario_dict, load_scenario
from simulation.engine import simulate
from simulation.runner.sweep import run_experiment

out = Path(tempfile.mkdtemp(prefix="socsim_nb6_"))
N, DAYS, REPS = 3000, 60, 6


def paired_sweep(name: str, base: dict, plans: dict[str, dict], reps: int = REPS, seed: int = 2026):
    """Run each plan (dotted-path changes to the scenario ``base``) ``reps`` times with the runner
    `socsim sweep` uses: replication r of every plan on the same seed (common random numbers),
    each run paired with its no-marketing counterfactual. Returns the loaded results."""
    sweep = {"design": "scenarios", "replications": reps, "seed": seed, "crn": True,
             "scenarios": [{"name": k, "set": v} for k, v in plans.items()]}
    run_experiment(load_experiment({**base, "name": name, "sweep": sweep}), out / name, workers=1, progress=False)
    return load_results(out / name)


# %% [markdown]
# ## 1. Three platforms over one population
# We start from the default scenario as a dict and add a `platforms` list (the TOML
# `[[platforms]]` tables):
#
# * **messaging** — a private chat app over the social graph itself: almost everyone is
#   on it, shares reach friends strongly, no algorithmic feed;
# * **video** — a public short-video platform with its *own* follower graph
#   (Barabási–Albert), joined by 90 % of the young social segment but 40 % of everyone
#   else, weak sharing, a feed personalised by interest, and ads bought at 0.3 an impression
#   (150 a day);
# * **marketplace** — no sharing at all, a search/recommendation feed that strongly
#   prefers interested people.
#
# The generic platform discovery of the one-graph model (`funnel.platform_rate`) is
# switched off: discovery now happens on the platforms. KOLs are off for now.

# %%
raw = default_scenario_dict()
raw["graph"]["n"] = N
raw["days"] = DAYS
raw["kol"].update(count=0, platform="video", fee_per_post=150.0, end_day=DAYS)
raw["funnel"]["platform_rate"] = 0.0
raw["platforms"] = [
    {"name": "messaging", "members": 0.95, "share": {"rate": 1.0, "strength": 1.2}, "feed": {"rate": 0.0}},
    {"name": "video", "graph": {"generator": "barabasi_albert", "n": N, "m": 3},
     "members": 0.4, "members_by_segment": {"young_social": 0.9},
     "share": {"rate": 0.4, "strength": 0.5},
     "feed": {"rate": 0.004, "strength": 0.03, "interest_weight": 2.0},
     "ads": {"budget": 150.0, "strength": 0.025, "target": {"cost_per_exposure": 0.3}}},
    {"name": "marketplace", "members": 0.7, "share": {"rate": 0.0},
     "feed": {"rate": 0.002, "strength": 0.06, "interest_weight": 3.0}},
]
three = load_scenario(raw)
res = simulate(three, seed=1, counterfactual=True)
s = pd.Series(res.summary)
s[["buyers", "purchases", "revenue", "spend", "profit", "organic_profit", "incremental_profit"]]

# %% [markdown]
# `profit` is revenue − goods − spend of this run; `organic_profit` is what the same world
# earned **without** the paid levers (here: without the video ads; word of mouth, the
# feeds and the seeds stay, they are organic), and `incremental_profit` is the difference
# — what the video ads (about 9,000: 150 a day for 60 days) bought, net of their cost.
#
# ### The funnel per platform, and who gets the credit
# `platform_table` reads a run table (one row per run) into one row per platform:
# people exposed there, people whose *first* purchase came through it ("buyers"),
# conversion there = buyers / exposed, revenue, ads spend and ads spend per buyer.
# `attribution_table` splits each platform's purchases by the channel credited (last
# touch); each row sums to the platform's purchases.

# %%
one = pd.DataFrame([{"run": 0, "point": 0, "point_name": "three platforms", "replication": 0, **res.summary}])
display(platform_table(one).round(2))
attribution_table(one)

# %% [markdown]
# Friends' shares sell on messaging (the 20 seeds are credited there too: seeds go to the
# first platform), ads sell on video, and the marketplace sells the few people its feed
# found. A single run is one draw, though: next we replicate.
#
# ## 2. Targeting the video ads at a segment
# The same 150 a day, but the ads are shown only to members of `young_social`
# (`platforms.1.ads.target.segments`). Every impression still costs 0.3, so the same budget
# buys the same number of impressions, concentrated on the people most likely to buy.
# Both plans run on the same six seeds, so each replication is a **pair**: the same
# graph, people and random numbers, differing only in who sees the ads.

# %%
runs = paired_sweep("targeting", scenario_dict(three), {"untargeted": {},
                                        "targeted": {"platforms.1.ads.target.segments": ["young_social"]}}).runs
cols = ["buyers", "conversion_rate__young_social", "conversion_rate__cautious",
        "platform_cost_per_buyer__video", "spend", "incremental_buyers", "incremental_profit"]
runs.groupby("point_name", sort=False)[cols].mean().round(3)

# %%
for metric, better in [("conversion_rate__young_social", True), ("platform_cost_per_buyer__video", False),
                       ("incremental_profit", True)]:
    c = compare(runs, metric, "targeted", "untargeted", paired=True, maximize=better)
    display(Markdown(f"- {c.sentence()}"))

# %% [markdown]
# Read these as **paired** differences: the interval is a t interval over the six
# per-replication differences (targeted − untargeted), which is far narrower than
# comparing two independent sets of six runs would be. "Cost per buyer" divides the ads
# spend on video by the people whose first purchase came through video.
#
# The figure (from `simulation.analysis.platform_figures`) stacks each plan's purchases
# by platform (left) and shows the funnel per platform for the plan with most purchases
# (right).

# %%
png, _ = platform_mix(runs, out / "platform_mix")
display(Image(filename=str(png)))

# %% [markdown]
# ## 3. A live session against posts
# One external KOL (1,500 followers) is paid either for two posts a week (150 each) or
# for one live session a week from day 7 (300 a session plus 20 % commission on session
# sales). A fifth of the followers attend a session; the session price is 20 % off, and
# live social proof raises viewers' purchase probability by `1 + 0.5 log(1 + sold so far)`
# (`operations.live`). The plans do not cost the same: compare incremental profit, not sales.

# %%
kol = scenario_dict(default_scenario({"graph.n": N, "days": DAYS, "kol.count": 1, "kol.external": True,
                                      "kol.followers": 1500, "kol.fee_per_post": 150.0, "kol.end_day": DAYS}))
live = {"kol.posts_per_week": 0, "operations.live.enabled": True, "operations.live.start_day": 7,
        "operations.live.end_day": DAYS, "operations.live.attendance": 0.2, "operations.live.discount": 0.2,
        "operations.live.proof_weight": 0.5, "operations.live.fee_per_session": 300.0,
        "operations.live.commission_rate": 0.2}
live_runs = paired_sweep("live", kol, {"posts": {}, "live": live}).runs
live_runs["per_exposure"] = np.where(live_runs["point_name"] == "live",
                                     live_runs["live_buyers"] / live_runs["live_viewers"],
                                     live_runs["attr_kol"] / live_runs["kol_reached"])
live_runs.groupby("point_name", sort=False)[["kol_reached", "attr_kol", "live_viewers", "live_buyers",
                                             "per_exposure", "spend", "discount_cost", "incremental_profit"]].mean().round(3)

# %% [markdown]
# `per_exposure` is purchases per person reached: for posts, KOL-credited purchases /
# follower-post reaches (`kol_reached`, counting a follower once per post); for the
# session, session buyers / viewers (attendees who were online and had not bought yet).
# The denominators are not identical — a post's reach counts every follower who engaged
# with it, including those offline that day or who had already bought, while a viewer is
# an attendee whose exposure was evaluated — so the post's rate is understated and the
# ratio is indicative only; the incremental profit below is the comparison that matters.

# %%
display(Markdown(f"- {compare(live_runs, 'incremental_profit', 'live', 'posts', paired=True).sentence()}"))
sessions = pd.DataFrame(simulate(load_scenario(kol, live), seed=1).records["live_sessions"])
sessions

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.bar(sessions["day"], sessions["viewers"], width=3, label="viewers", color="tab:blue", alpha=0.5)
ax.bar(sessions["day"], sessions["buyers"], width=3, label="buyers at the session", color="tab:red")
ax.set_xlabel("day")
ax.set_ylabel("people")
ax.set_title("Live sessions of one run")
ax.legend()
plt.show()

# %% [markdown]
# ## 4. An offline launch event, and what it does online
# Two stores (50 a day each) sit where people live (`operations.store`: people in six
# towns in the unit square, visits fall by a factor e every 0.1 of distance). Visitors
# are exposed in store (channel `store`). A three-day launch event (days 10–12, cost 2,000)
# multiplies visits by five and the in-store experience by 1.5. Buyers made in the shop
# then share online like everyone else, so the event can sell online too:
# `online = purchases − store_purchases`.

# %%
store = scenario_dict(default_scenario({
    "graph.n": N, "days": DAYS, "kol.count": 0, "operations.store.enabled": True,
    "operations.store.people": "clustered", "operations.store.clusters": 6,
    "operations.store.cluster_spread": 0.08, "operations.store.store_count": 2,
    "operations.store.visit_rate": 0.02, "operations.store.distance_scale": 0.1,
    "operations.store.store_strength": 0.15, "operations.store.cost_per_store_day": 50.0}))
event = {"operations.store.events": [{"name": "launch", "start_day": 10, "end_day": 12, "visit_multiplier": 5.0,
                                      "strength_multiplier": 1.5, "cost": 2000.0}]}
o2o = paired_sweep("o2o", store, {"stores": {}, "launch_event": event})
o2o_runs, o2o_ts = o2o.runs, o2o.timeseries
o2o_runs["online_purchases"] = o2o_runs["purchases"] - o2o_runs["store_purchases"]
o2o_runs.groupby("point_name", sort=False)[["store_visits", "store_purchases", "online_purchases", "spend",
                                            "incremental_profit"]].mean().round(1)

# %%
for metric in ("store_purchases", "online_purchases", "incremental_profit"):
    display(Markdown(f"- {compare(o2o_runs, metric, 'launch_event', 'stores', paired=True).sentence()}"))

# %%
o2o_ts["online_purchases"] = o2o_ts["purchases"] - o2o_ts["store_purchases"]
daily = o2o_ts.groupby(["point_name", "day"])[["store_visits", "online_purchases"]].mean()
fig, (a, b) = plt.subplots(1, 2, figsize=(11, 3.5))
for name, colour in (("stores", "tab:grey"), ("launch_event", "tab:orange")):
    d = daily.loc[name]
    a.plot(d.index, d["store_visits"], color=colour, label=name)
    b.plot(d.index, d["online_purchases"].cumsum(), color=colour, label=name)
for ax in (a, b):
    ax.axvspan(10, 12, color="tab:orange", alpha=0.15)
    ax.set_xlabel("day")
    ax.legend()
a.set_ylabel("store visits per day (mean)")
b.set_ylabel("online purchases, cumulative (mean)")
fig.suptitle(f"A launch event (shaded) at two stores: mean over {REPS} paired replications")
fig.tight_layout()
plt.show()

# %% [markdown]
# The event fills the shops for three days and sells there. Online, the event's buyers
# tell their friends, and online purchases come **earlier** (the right-hand curves part
# after day 10); by day 60 the world without the event has largely caught up, so the
# final online gain is a few purchases, not conclusively above zero at this size. The
# incremental-profit comparison says whether the 2,000 came back. At these settings it
# does not: the event's extra margin falls short of its cost (the o2o experiment asks the
# same at 5,000 people with 20 replications and adds the O2O links: a community for
# visitors and an online coupon redeemable in store).
#
# **Try it:** give the video platform KOLs (`kol.count`, they post on `kol.platform`),
# set `platforms.2.ads.budget` to buy marketplace ads instead, or turn on homophily
# (`population.homophily.mixing`) so that segments follow the graph's communities and
# targeting reaches friends of friends. Notebook 7 sells more than one product.
