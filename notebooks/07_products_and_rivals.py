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
# # 7. Products, rivals, service and customers
#
# A brand rarely sells one product alone in an empty market. This notebook
# 1. adds a **complementary** product (a phone case beside our phone) with cross-sell and a
#    bundle, and reads the brand's profit and each product's own ledger;
# 2. lets a **rival brand** sell a substitute on the same graph and follows market share
#    and share of voice over time;
# 3. staffs **customer service** with a few agents and reads waiting, satisfaction and
#    returns, and what they do to profit through word of mouth and repeat purchase;
# 4. reads results **per segment and per demographic profile** and runs a small **price
#    sweep** with arc elasticities.
#
# Every comparison is paired: replication r of each plan runs on the same seed (common
# random numbers: the same graph, people and random draws), and each run is paired with
# its no-marketing counterfactual, so `incremental_*` metrics are what a plan added, not
# what it sold (plans run through `socsim sweep`'s runner, as in notebook 6). Small sizes
# (3,000 people, 60 days, 6 replications) keep the notebook under a minute; the intervals
# say how much that costs in precision. The full questions
# are `experiments/portfolio.toml`, `competition.toml`, `service.toml` and
# `price_elasticity.toml`.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image, Markdown, display

from simulation.analysis import compare, load_results, summarize
from simulation.analysis.elasticity import elasticity_table
from simulation.analysis.market import product_columns, product_names
from simulation.analysis.market_figures import market_share_over_time
from simulation.analysis.segment_figures import demand_curves, segment_adoption
from simulation.config.experiment import load_experiment, scenario_dict
from simulation.config.scenario import default_scenario
from simulation.runner.sweep import run_experiment


def repo_root() -> Path:
    """The folder holding experiments/ (notebooks run from notebooks/)."""
    here = Path.cwd().resolve()
    return next(p for p in (here, *here.parents) if (p / "experiments").is_dir())


out = Path(tempfile.mkdtemp(prefix="socsim_nb7_"))
N, DAYS, REPS = 3000, 60, 6


def paired_sweep(name: str, base: dict, plans: dict[str, dict], reps: int = REPS, seed: int = 2026):
    """As in notebook 6: the plans (dotted-path changes to ``base``) through `socsim sweep`'s runner,
    on common random numbers, each run paired with its counterfactual; the loaded results."""
    sweep = {"design": "scenarios", "replications": reps, "seed": seed, "crn": True,
             "scenarios": [{"name": k, "set": v} for k, v in plans.items()]}
    run_experiment(load_experiment({**base, "name": name, "sweep": sweep}), out / name, workers=1, progress=False)
    return load_results(out / name)


# %% [markdown]
# ## 1. A complement: cross-sell and a bundle
# Our phone (99) with three KOLs, then the same with a case (25, unit cost 10): owning
# one makes buying the other three times as likely (`relation = "complement"`,
# `factor = 3`), every phone buyer is shown the case the next day on our own channels
# (cross-sell, 0.2 a message) and a fifth of first-time phone buyers take the bundle of
# both at 110. `market.enabled` turns on per-product readouts (`<metric>@<product>`) for
# the phone alone too, so the two plans report the same columns.

# %%
base = scenario_dict(default_scenario({"graph.n": N, "days": DAYS, "kol.count": 3, "kol.fee_per_post": 150.0,
                                       "market.enabled": True, "market.name": "phone"}))
case = {"name": "case", "relation": "complement", "factor": 3.0, "seeding": {"count": 10},
        "cross_sell": 1.0, "cross_sell_strength": 0.1, "bundle_rate": 0.2, "bundle_price": 110.0,
        "product": {"price": 25.0, "unit_cost": 10.0, "quality": 0.8}}
port_runs = paired_sweep("portfolio", base, {"phone_alone": {"products": [], "market.cross_sell_cost": 0.0},
                                              "phone_and_case": {"products": [case], "market.cross_sell_cost": 0.2}}).runs
port_runs.groupby("point_name", sort=False)[["buyers@phone", "profit@phone", "buyers@case", "profit@case",
                                             "brand_profit", "incremental_brand_profit"]].mean().round(1)

# %% [markdown]
# Each product keeps its own ledger (revenue, goods, discounts, spend, profit); the
# bundle's discount is split between the two products. `brand_profit` is their sum. One
# replication's ledger, product by product:

# %%
one = port_runs[port_runs["point_name"] == "phone_and_case"].iloc[0]
ledger = pd.DataFrame({p: {c.split("@")[0]: one[c] for c in product_columns(port_runs.columns, p)}
                       for p in product_names(port_runs.columns)})
ledger.loc[["buyers", "revenue", "spend", "profit"]].round(1)

# %%
for metric in ("buyers@phone", "profit@phone", "brand_profit"):
    display(Markdown(f"- {compare(port_runs, metric, 'phone_and_case', 'phone_alone', paired=True).sentence()}"))

# %% [markdown]
# The question is whether the case **adds** to the brand or eats into the phone: a
# complement that raises `brand_profit` while `profit@phone` holds (or rises) adds; a
# product that raises `brand_profit` while `profit@phone` falls cannibalises.
#
# ## 2. A rival brand on the same graph
# A rival sells a substitute at 89 with five KOLs (the same influencers, picked by the same
# top-degree rule, 150 a post) and 20 seeds. Owning one brand's product halves the chance of
# buying the other's (`market.substitution = 0.5`); every negative word heard about one
# brand makes the other 20 % more likely. We answer with no KOLs or with three.
# The counterfactual switches **our** levers off and keeps the rival's, because the honest
# question is what our plan earns against a competitor that does not stop.

# %%
rival = scenario_dict(default_scenario({
    "graph.n": N, "days": DAYS, "kol.fee_per_post": 150.0, "kol.end_day": 30, "market.negative_switch": 0.2,
    "rival": {"product": {"price": 89.0}, "kol": {"count": 5}, "seeding": {"count": 20}}}))
comp = paired_sweep("competition", rival, {"no_kols": {"kol.count": 0}, "three_kols": {"kol.count": 3}})
comp_runs, comp_ts = comp.runs, comp.timeseries
summarize(comp_runs, ["buyers@ours", "buyers@rival", "market_share@ours", "voice_share@ours", "profit@ours",
                      "profit@rival",
                      "incremental_market_share"]).pivot(index="point_name", columns="metric", values="mean").round(3)

# %% [markdown]
# `market_share@ours` is our share of everyone who bought in the category (ours plus the
# rival's buyers; shares sum to 1), `voice_share@ours` our share of all exposures (share of
# voice). Market share over time, mean over the six replications (the curves start noisy:
# early on few people have bought anything):

# %%
png, _ = market_share_over_time(comp_ts, out / "market_share")
display(Image(filename=str(png)))

# %% [markdown]
# Share of voice is the same figure read on exposures instead of buyers
# (`column="voice_share"`): how much of what people saw about the category was ours.

# %%
png, _ = market_share_over_time(comp_ts, out / "voice_share", column="voice_share")
display(Image(filename=str(png)))

# %%
display(Markdown(f"- {compare(comp_runs, 'market_share@ours', 'three_kols', 'no_kols', paired=True).sentence()}"))
display(Markdown(f"- {compare(comp_runs, 'incremental_profit', 'three_kols', 'no_kols', paired=True).sentence()}"))

# %% [markdown]
# Read `buyers@rival` in the two rows: where it barely moves, our KOLs won share mostly
# from people who would have bought neither brand, not from the rival's customers. And
# winning share is not earning: the incremental-profit comparison says whether the three
# KOLs' fees came back.

# %% [markdown]
# ## 3. Customer service with capacity
# `experiments/service.toml` sells by word of mouth with repeat purchase and negative word
# of mouth on; a fifth of purchases bring a complaint, a complaint told to wait more than
# three days gives up, an unresolved one is returned half the time (refunded, goods
# written off). We load its base scenario at 3,000 people, where a team of agents
# answering four a day for 150 would sit idle, so we scale the agent down with the market:
# one complaint a day for 20 a day. Then we vary the team: 0, 1, 2 and 4 agents.
#
# The counterfactual here is the same world without operation models: the product's
# constant service level and nobody complaining. So even the team of 0 has a negative
# incremental profit (the returns its unanswered complaints cause); what matters is the
# *difference* between team sizes.

# %%
svc = load_experiment(repo_root() / "experiments" / "service.toml", overrides=[f"graph.n={N}", f"days={DAYS}", "operations.service.capacity=1",
                                "operations.service.cost_per_agent_day=20.0"]).base
svc_raw = scenario_dict(svc)
svc_runs = paired_sweep("service", svc_raw, {f"{k}_agents": {"operations.service.agents": k}
                                             for k in (0, 1, 2, 4)}).runs
svc_runs["repeat_purchases"] = svc_runs["purchases"] - svc_runs["buyers"]
svc_table = svc_runs.groupby("point_name", sort=False)[
    ["service_complaints", "service_wait", "service_balked", "service_satisfaction", "returns",
     "repeat_purchases", "service_spend", "incremental_profit"]].mean()
svc_table.round(2)

# %% [markdown]
# `service_wait` is the mean wait (days) of complaints that queued; `service_balked` the
# complaints that gave up; `service_satisfaction` the share of complaint purchases that
# ended satisfied; `returns` the purchases refunded. Each extra agent's worth is the
# paired difference of incremental profit between k and the next team size:

# %%
names = list(svc_table.index)
for lo, hi in zip(names, names[1:]):
    display(Markdown(f"- {compare(svc_runs, 'incremental_profit', hi, lo, paired=True).sentence()}"))
fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.5))
agents = [int(n.split("_")[0]) for n in names]
a.plot(agents, svc_table["service_satisfaction"], "o-", label="satisfied complaints")
a.plot(agents, svc_table["returns"] / svc_table["service_complaints"], "s-", label="returns per complaint")
a.set_xlabel("agents")
a.set_ylabel("share")
a.legend(fontsize=8)
b.plot(agents, svc_table["incremental_profit"], "o-", color="tab:green")
b.set_xlabel("agents")
b.set_ylabel("incremental profit (mean)")
fig.suptitle("Customer service: satisfaction, returns and profit against team size (6 paired replications)")
fig.tight_layout()
plt.show()

# %% [markdown]
# The first agent removes most of the waiting, the give-ups and the returns; the next ones
# shorten a wait that was already short, at full cost: diminishing returns. An agent pays
# for itself while the paired difference above is positive.

# %% [markdown]
# ## 4. Per segment, per profile, and a small price sweep
# `experiments/price_elasticity.toml` gives the default's two segments demographic
# profiles (age band, region, income band). Profiles change no behaviour: they are read
# out, so every run reports `buyers__<group>`, `revenue__<group>`, `gross_profit__<group>`
# … for each segment and each profile value (`age=18-24`, `region=county`, …). We run its
# base scenario at three prices, six paired replications each.

# %%
pe = load_experiment(repo_root() / "experiments" / "price_elasticity.toml",
                     overrides=[f"graph.n={N}", "days=45"]).base
pe_raw = scenario_dict(pe)
prices = [79.0, 99.0, 119.0]
sweep = paired_sweep("price", pe_raw, {f"price_{p:.0f}": {"product.price": p} for p in prices})
price_runs, price_ts = sweep.runs, sweep.timeseries
price_runs["product.price"] = price_runs["point_name"].str.removeprefix("price_").astype(float)
groups = ["young_social", "cautious", "age=18-24", "age=35-54", "income=low", "income=high"]
per_group = price_runs[price_runs["product.price"] == 99.0][[f"conversion_rate__{g}" for g in groups] +
                                                           [f"gross_profit__{g}" for g in groups]].mean()
per_group.round(3)

# %% [markdown]
# At the default price the young social segment converts about three times as often as
# the cautious one; the profile values are mixtures of both segments (a cautious person is
# more often 35–54), so their differences follow from the segment mix.
# Adoption per segment at price 99, with 95 % t bands over the replications (wide: with
# six replications, one cascade that takes off moves the mean a lot):

# %%
png, _ = segment_adoption(price_ts, price_runs, point=1, groups=["young_social", "cautious"],
                          path=out / "adoption_by_segment", title="Adoption per segment at price 99")
display(Image(filename=str(png)))

# %% [markdown]
# The **arc elasticity** between two prices is the relative change of demand over the
# relative change of price, both taken at the midpoint: (q₂ − q₁)/(q₂ + q₁) ÷
# (p₂ − p₁)/(p₂ + p₁). Below −1 demand is elastic (a price cut raises revenue). The
# interval is a delta-method 95 % interval over the paired replications
# (`simulation.analysis.elasticity`).

# %%
table = elasticity_table(price_runs, "product.price", "purchases", [None, "young_social", "cautious"], paired=True)
display(table[["group", "price_low", "price_high", "demand_low", "demand_high", "elasticity", "ci_low",
               "ci_high"]].round(2))
png, _ = demand_curves(price_runs, "product.price", [None, "young_social", "cautious"], out / "demand")
display(Image(filename=str(png)))

# %%
price_runs.groupby("product.price")[["purchases", "revenue", "profit"]].mean().round(0)

# %% [markdown]
# These are absolute means (the experiment has the same KOL plan at every price, so
# differences of `profit` between prices are already incremental; each price's own
# counterfactual would change the price too). The price with most profit need not be the
# one with most revenue or most buyers; with three prices and six replications the sweep
# locates it coarsely, and the differences of profit here are within the noise. The full experiment
# sweeps five prices with 20 replications and `socsim report` prints the same elasticity
# table per segment and profile value.
#
# **Try it:** make the case a substitute (`relation = "substitute"`, `factor` below 1)
# and watch `profit@phone`; give the rival a lower price; add a chatbot to the service team
# (`operations.service.chatbot = true`).
