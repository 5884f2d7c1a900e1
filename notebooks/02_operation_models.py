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
# # 2. The four operation models compared
#
# The report behind socsim names four ways brands sell through social relationships:
# **content-driven** (quality content, UGC, platform recommendation), **relationship-driven**
# (referral rewards, commissions), **event-driven** (campaigns, flash sales, group-buy,
# bargain) and **cross-over** (a partner brand's audience). The experiment file
# `experiments/operation_models.toml` runs each alone and all combined at equal budget.
#
# Here we run it smaller (3,000 people, 60 days, 6 replications) with the same runner
# that `socsim sweep` uses, then compare the models with paired statistics: replication r
# of every model shares one seed (common random numbers), so differences between models
# are not blurred by luck.

# %%
import tempfile
from pathlib import Path

from IPython.display import Image, Markdown, display

from simulation.analysis import best_point, compare, figures, load_results, summarize
from simulation.analysis.load import return_metrics
from simulation.config.experiment import load_experiment
from simulation.runner.sweep import run_experiment


def repo_root() -> Path:
    """The folder holding experiments/ (notebooks run from notebooks/)."""
    here = Path.cwd().resolve()
    return next(p for p in (here, *here.parents) if (p / "experiments").is_dir())


out = Path(tempfile.mkdtemp(prefix="socsim_nb2_")) / "operation_models"
exp = load_experiment(repo_root() / "experiments" / "operation_models.toml",
                      overrides=["graph.n=3000", "days=60", "sweep.replications=6"])
print(exp.question)

# %%
run_experiment(exp, out, workers=1, progress=False)
res = load_results(out)
print(f"{len(res.runs)} runs ok, {len(res.errors)} failed; design points:",
      list(res.points["name"]))

# %% [markdown]
# ## Means with 95 % confidence intervals

# %%
ret = return_metrics(res.runs.columns)
table = summarize(res.runs, ["conversion_rate", "revenue", ret.spend, "profit", ret.profit, ret.ratio])
table.pivot(index="point_name", columns="metric", values="mean").round(3)

# %% [markdown]
# ## Which model sells most? Paired comparisons

# %%
best = best_point(res.runs, "conversion_rate", baseline="content", paired=res.crn)
display(Markdown(f"**Best for conversion: {best.name}.** {best.runner_up.sentence()}"))
display(Markdown(compare(res.runs, "conversion_rate", "relationship", "content", paired=res.crn).sentence()))

# %% [markdown]
# Selling most is not earning most. The return that matters is **incremental**: each run
# is paired with the same world without any marketing (same graph, people and random
# numbers), so `incremental_profit` is what the plan added, after goods, discounts and
# every lever's cost, and `incremental_roi` = incremental profit / spend. It is a ratio
# of means over replications, with a delta-method or bootstrap CI.

# %%
best_ret = best_point(res.runs, ret.ratio, paired=res.crn)
display(Markdown(f"**Best incremental return: {best_ret.name}**, {ret.ratio} {best_ret.interval.estimate:.2f} "
                 f"(95 % CI {best_ret.interval.low:.2f} to {best_ret.interval.high:.2f})."))

# %% [markdown]
# ## Figures: adoption, funnel, attribution

# %%
for name, paths in [
    ("adoption", figures.adoption_curves(res.timeseries, res.runs, out / "figures" / "adoption")),
    ("funnel", figures.funnel(res.runs, out / "figures" / "funnel")),
    ("attribution", figures.attribution(res.runs, out / "figures" / "attribution")),
]:
    display(Image(filename=str(paths[0])))

# %% [markdown]
# The attribution chart shows *why* the models differ: event-driven sales come through the
# event channel and then spread among friends; cross-over adds the partner channel.
#
# `socsim report DIR` writes all of this (and more) as one page; see notebook 3.
