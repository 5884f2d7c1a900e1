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
# # 4. Trusting the model: classic diffusion models against their closed forms
#
# A rich model earns trust when, with its extras switched off, it reproduces results the
# literature knows exactly (Rand & Rust 2011). socsim's engine runs the classic models as
# presets (`simulation.classic`). Here we check two of them against closed forms:
#
# 1. **Bass (1969)** on a complete graph: cumulative adoption
#    $F(t) = \dfrac{1 - e^{-(p+q)t}}{1 + (q/p)\, e^{-(p+q)t}}$.
# 2. **Independent Cascade** on an Erdős–Rényi graph $G(n, c/n)$: the fraction reached by a
#    large outbreak solves the bond-percolation equation $S = 1 - e^{-c\,p\,S}$.

# %%
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import brentq

from simulation import classic
from simulation.analysis import t_interval
from simulation.graph.build import build_graph

# %% [markdown]
# ## 1. Bass on a complete graph
# Each step of length dt, a non-adopter adopts with probability $1 - e^{-(p + qF)\,dt}$;
# as dt → 0 and n → ∞ the mean curve approaches the closed form.

# %%
p, q, n = 0.03, 0.38, 20_000
bass = classic.bass(n, p, q, t_max=25.0, dt=0.02, runs=20, seed=1)
t = np.arange(bass.curve.shape[1]) * 0.02
mean = bass.curve.mean(axis=0)
closed = classic.bass_closed_form(t, p, q)
print(f"largest gap between simulated mean and closed form: {np.abs(mean - closed).max():.4f}")

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(t, 100 * closed, "k--", lw=2, label="closed form F(t)")
ax.plot(t, 100 * mean, color="#c44e52", lw=1.2, label=f"simulated mean of {bass.runs} runs, n = {n}")
ax.set_xlabel("time (time units of p and q)")
ax.set_ylabel("cumulative adopters (% of population)")
ax.set_title(f"Bass diffusion, p = {p}, q = {q}")
ax.legend()
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# The gap is a fraction of a percentage point: the discrete step (dt = 0.02) and the finite
# population (20,000) are the only differences from the ODE.
#
# ## 2. Independent Cascade and bond percolation
# On $G(n, c/n)$ each sharer gets one chance to activate each neighbour with probability p.
# Above the threshold $c\,p > 1$ a cascade either dies out early or reaches a fraction S of
# everyone. We keep the large outbreaks (more than 5 % of people) and compare their mean
# size with the root of $S = 1 - e^{-c p S}$.

# %%
c, n_er = 4.0, 20_000
graph = build_graph("erdos_renyi", n=n_er, mean_degree=c, seed=7)


def percolation_root(c: float, p: float) -> float:
    """Root S in (0, 1] of S = 1 - exp(-c p S) (0 below the threshold c p <= 1)."""
    return 0.0 if c * p <= 1 else brentq(lambda s: s - 1 + np.exp(-c * p * s), 1e-12, 1.0)


rows = []
for prob in (0.3, 0.4, 0.5, 0.6, 0.8):
    ic = classic.independent_cascade(graph, prob, seeds=1, runs=60, seed=11)
    frac = ic.final / n_er
    large = frac[frac > 0.05]
    iv = t_interval(large)
    rows.append((prob, percolation_root(c, prob), iv.estimate, iv.low, iv.high, large.size))
    print(f"p = {prob:.1f}: theory S = {rows[-1][1]:.4f}; large outbreaks {large.size}/60, "
          f"mean {iv.estimate:.4f} (95 % CI {iv.low:.4f} to {iv.high:.4f}), "
          f"gap {iv.estimate - rows[-1][1]:+.4f}")

# %%
ps = np.linspace(0.2, 0.9, 200)
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(ps, [percolation_root(c, x) for x in ps], "k--", label="S = 1 − exp(−c p S)")
r = np.array([row[:5] for row in rows])
ax.errorbar(r[:, 0], r[:, 2], yerr=[r[:, 2] - r[:, 3], r[:, 4] - r[:, 2]], fmt="o", color="#4c72b0",
            capsize=3, label="simulated large outbreaks (95 % CI)")
ax.set_xlabel("transmission probability per tie p (probability per exposure)")
ax.set_ylabel("final size (fraction of population)")
ax.set_title(f"Independent Cascade on G(n = {n_er}, c/n), c = {c}")
ax.legend()
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# The simulated sizes sit on the theoretical curve to within a few thousandths. The
# intervals cover only the randomness of the cascades on this *one* graph; the graph's own
# randomness and finite-size effects (of order $1/\sqrt{n}$) account for the small gaps
# that remain at large p, which shrink as n grows. `tests/` checks the same agreements,
# and that the social-commerce engine with its extras off equals
# `classic.independent_cascade` draw for draw.
