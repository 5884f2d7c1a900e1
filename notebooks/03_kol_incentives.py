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
# # 3. KOLs and incentives: a small sweep and its heatmap
#
# How many KOLs (influencers) should a brand pay, and how large a referral reward should
# it offer each customer who brings a friend? `experiments/quick.toml` is a 3 × 3 grid
# over `kol.count` and `operations.relationship.referral_reward`. We run it, draw the
# conversion and ROI heatmaps, look at ROI against spend with its efficient frontier, and
# finish with the one-page report that `socsim report` writes.

# %%
import tempfile
from pathlib import Path

from IPython.display import Image, Markdown, display

from simulation.analysis import best_point, figures, load_results, write_report
from simulation.analysis.load import return_metrics
from simulation.analysis.stats import cell_value
from simulation.config.experiment import load_experiment
from simulation.runner.sweep import run_experiment


def repo_root() -> Path:
    """The folder holding experiments/ (notebooks run from notebooks/)."""
    here = Path.cwd().resolve()
    return next(p for p in (here, *here.parents) if (p / "experiments").is_dir())


out = Path(tempfile.mkdtemp(prefix="socsim_nb3_")) / "quick"
# the relationship model must be on for the referral reward to matter
exp = load_experiment(repo_root() / "experiments" / "quick.toml",
                      overrides=["graph.n=3000", "days=45", "operations.relationship.enabled=true"])
print(exp.question)
run_experiment(exp, out, workers=1, progress=False)
res = load_results(out)

# %% [markdown]
# ## One return per grid point
# A grid point's return is its **ratio of means** — mean incremental profit / mean spend
# over its replications (incremental: against the same world without marketing, on the
# same random numbers) — never the mean of each run's ratio: a replication that happened
# to spend little would dominate a mean of ratios. The table and the heatmap below use the
# same estimate (`stats.cell_value`), so their numbers agree.

# %%
ret = return_metrics(res.runs.columns)
cells = res.runs.groupby(["kol.count", "operations.relationship.referral_reward"])
table = cells[["conversion_rate", ret.spend]].mean()
table[f"{ret.ratio} (ratio of means)"] = cells.apply(lambda g: cell_value(g, ret.ratio))
table.round(3)

# %% [markdown]
# ## Heatmaps of conversion and ROI
# Each cell averages the replications of one grid point (ROI: the ratio of means above).

# %%
png, _ = figures.heatmap(res.runs, "kol.count", "operations.relationship.referral_reward",
                         out / "figures" / "heatmap", metrics=("conversion_rate", ret.ratio))
display(Image(filename=str(png)))

# %% [markdown]
# ## ROI against spend
# Circled points are efficient: no cheaper point does better.

# %%
png, _ = figures.roi_vs_spend(res.runs, out / "figures" / "roi")
display(Image(filename=str(png)))

# %%
best = best_point(res.runs, "conversion_rate", baseline=0, paired=res.crn)
display(Markdown(f"**Highest conversion:** point {best.point} "
                 f"({res.points.set_index('point').loc[best.point, 'kol.count']} KOLs, reward "
                 f"{res.points.set_index('point').loc[best.point, 'operations.relationship.referral_reward']}). "
                 + (best.vs_baseline.sentence() if best.vs_baseline else "")))

# %% [markdown]
# With only 3 replications the intervals are wide: before acting on a difference, rerun
# the two candidates with more replications (`socsim sweep FILE --set sweep.replications=20`).
#
# ## The report
# `write_report` (the `socsim report DIR` command) writes `report.md` and a self-contained
# `report.html` into the output folder.

# %%
md = write_report(out)
print(md.read_text()[:1500])
