import pyarrow.parquet as pq, numpy as np, math
t = pq.read_table("results/o2o/runs.parquet").to_pandas()
keys = ["incremental_profit", "profit", "purchases", "online_purchases", "store_purchases", "store_visits", "o2o_members", "o2o_redeemed", "attr_o2o", "store_spend", "revenue", "organic_buyers"]
piv = {k: t.pivot(index="replication", columns="point_name", values=k) for k in keys}
for name in ["stores", "launch_event", "launch_community", "launch_coupon"]:
    print(name, {k: round(float(piv[k][name].mean()), 1) for k in keys})
for name in ["launch_event", "launch_community", "launch_coupon"]:
    for k in ["incremental_profit", "online_purchases", "store_purchases", "purchases"]:
        d = piv[k][name] - piv[k]["stores"]
        print(f"{name} - stores: {k} {d.mean():.1f} ± {d.std(ddof=1)/math.sqrt(len(d)):.1f} (SE, paired, R={len(d)})")
