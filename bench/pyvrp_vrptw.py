"""PyVRP peer for `beredskap bench vrptw`: Solomon-format files, DIMACS rounding
(pyvrp round_func="dimacs": distances and times x10, truncated), one JSON line each.

usage: bench/.venv/bin/python bench/pyvrp_vrptw.py SECONDS FILE...
"""
import csv
import json
import os
import sys
import tempfile
import time

import pyvrp
from pyvrp.stop import MaxRuntime


def to_vrplib(path):
    lines = [l.split() for l in open(path)]
    name = lines[0][0]
    nums = [l for l in lines if l and all(t.replace(".", "").isdigit() for t in l)]
    veh, cap = nums[0]
    nodes = nums[1:]
    out = [f"NAME: {name}", "TYPE: VRPTW", f"DIMENSION: {len(nodes)}", f"VEHICLES: {veh}", f"CAPACITY: {cap}",
           "EDGE_WEIGHT_TYPE: EUC_2D", "NODE_COORD_SECTION"]
    out += [f"{int(n[0]) + 1} {n[1]} {n[2]}" for n in nodes]
    out += ["DEMAND_SECTION"] + [f"{int(n[0]) + 1} {n[3]}" for n in nodes]
    out += ["TIME_WINDOW_SECTION"] + [f"{int(n[0]) + 1} {n[4]} {n[5]}" for n in nodes]
    out += ["SERVICE_TIME_SECTION"] + [f"{int(n[0]) + 1} {n[6]}" for n in nodes]
    out += ["DEPOT_SECTION", "1", "-1", "EOF"]
    return "\n".join(out) + "\n"


def main():
    secs = float(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    bks = {r["instance"].lower(): r["dimacs_distance"] for r in csv.DictReader(open(os.path.join(here, "../../shared/data/vrp/bks.csv")))}
    for f in sys.argv[2:]:
        name = os.path.splitext(os.path.basename(f))[0]
        with tempfile.NamedTemporaryFile("w", suffix=".vrp", delete=False) as t:
            t.write(to_vrplib(f))
        data = pyvrp.read(t.name, round_func="dimacs")
        os.unlink(t.name)
        t0 = time.time()
        res = pyvrp.solve(data, stop=MaxRuntime(secs), seed=1, display=False)
        dist = res.best.distance() / 10
        b = float(bks[name.lower()]) if bks.get(name.lower()) else None
        print(json.dumps({"solver": "pyvrp", "instance": name, "vehicles": res.best.num_routes(), "distance": dist,
                          "bks_distance": b, "gap_pct": round((dist - b) / b * 100, 3) if b else None,
                          "feasible": res.best.is_feasible(), "seconds": round(time.time() - t0, 1)}), flush=True)


if __name__ == "__main__":
    main()
