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
# # 1. Your first simulation, and the funnel
#
# socsim simulates a product launched into a social graph: people see it (from a friend's
# share, a KOL post, the platform), some get interested, some buy, and some buyers share it
# with their friends. This notebook runs the embedded **default scenario** on a smaller
# graph, reads the run's summary, and draws the **funnel** (exposed → interested → bought →
# shared) and the **adoption curve** with a 95 % band over replications.
#
# Everything written goes to a temporary folder.

# %%
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Image, display

from simulation.analysis import figures, t_interval
from simulation.config.scenario import default_scenario
from simulation.engine import simulate
from simulation.seeding import run_seeds

out = Path(tempfile.mkdtemp(prefix="socsim_nb1_"))

# %% [markdown]
# ## One run
# `default_scenario` takes dotted-path overrides: here 5,000 people and 60 days instead of
# 20,000 and 90, so every run takes a fraction of a second.

# %%
scenario = default_scenario({"graph.n": 5000, "days": 60})
result = simulate(scenario, seed=1)
summary = pd.Series(result.summary)
summary[["n", "exposed", "interested", "buyers", "sharers", "conversion_rate", "revenue",
         "spend", "roas", "t50"]]

# %% [markdown]
# `conversion_rate` is buyers / population; `roas` is revenue / spend, where the
# spend here is the default plan's five KOLs. `t50` is the day by which half of the final
# buyers had bought. Every purchase is credited to the channel that caused it:

# %%
summary.filter(like="attr_")

# %% [markdown]
# ## Replications: how much is noise?
# A single run is one draw of a random process. Ten replications (seeds spawned from one
# base seed, so the whole notebook is reproducible) give means with confidence intervals.

# %%
rows, days = [], []
for r, ss in enumerate(run_seeds(2024, 10)):
    res = simulate(scenario, ss)
    rows.append({"run": r, "point": 0, "point_name": "default", "replication": r, **res.summary})
    daily = pd.DataFrame(res.daily)
    daily.insert(0, "day", np.arange(len(daily)))
    days.append(daily.assign(run=r, point=0, point_name="default", replication=r))
runs = pd.DataFrame(rows)
timeseries = pd.concat(days, ignore_index=True)

iv = t_interval(runs["conversion_rate"])
print(f"conversion rate {iv.estimate:.2%}, 95 % CI {iv.low:.2%} to {iv.high:.2%} over {iv.n} runs")

# %% [markdown]
# ## The funnel and the adoption curve

# %%
png, _ = figures.funnel(runs, out / "funnel")
display(Image(filename=str(png)))

# %%
png, _ = figures.adoption_curves(timeseries, runs, out / "adoption")
display(Image(filename=str(png)))

# %% [markdown]
# ## Who bought, who shared: a small network
# The same rules on 400 people, each coloured by their final state.

# %%
small = default_scenario({"graph.n": 400, "days": 60, "seeding.count": 5, "kol.count": 2})
snap = simulate(small, seed=3, keep_state=True)
png, _ = figures.network_snapshot(snap.graph, snap.state, out / "network")
display(Image(filename=str(png)))

# %% [markdown]
# **Try it:** raise `product.price` or `funnel.social_proof_weight` in the overrides and
# watch the funnel change. Notebook 2 compares the four operation models.
