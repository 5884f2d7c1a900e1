import sys, numpy as np, time
from simulation.config.scenario import default_scenario_dict, load_scenario
from simulation.engine import simulate
from simulation.seeding import run_seed
raw = default_scenario_dict()
raw["graph"] = {"generator": "powerlaw_cluster", "n": 5000, "m": 4, "p": 0.3}
raw["days"] = 60
base = {"kol.count": 0, "operations.store.enabled": True, "operations.store.store_count": 3,
        "operations.store.visit_rate": float(sys.argv[1]), "operations.store.store_strength": float(sys.argv[2]),
        "operations.store.cost_per_store_day": 100.0}
ev = {"operations.store.events": [{"name": "launch", "start_day": 10, "end_day": 12, "visit_multiplier": float(sys.argv[3]),
       "strength_multiplier": 1.5, "cost": float(sys.argv[4])}]}
t=time.time()
rows=[]
for r in range(10):
    a = simulate(load_scenario(raw, base), run_seed(7, r), counterfactual=True).summary
    b = simulate(load_scenario(raw, {**base, **ev}), run_seed(7, r), counterfactual=True).summary
    rows.append([b[k]-a[k] for k in ("incremental_profit","online_purchases","store_purchases","purchases","store_visits")] + [a["incremental_profit"], a["store_purchases"], a["purchases"], a["organic_buyers"]])
rows=np.array(rows)
print("delta: inc_profit online store purchases visits | base inc_profit store purch organic")
print(rows.mean(0).round(1)); print((rows.std(0,ddof=1)/np.sqrt(10)).round(1)); print(time.time()-t)
