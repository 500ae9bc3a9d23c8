"""PyVRP peer for the town scenarios: same JOBS.csv/CREWS.csv as `beredskap plan`.

Model: one vehicle type per crew-day (day d shifted by d*86400 s), booked
windows on their day, prizes by tier (booked > tier 1 > tier 2 > tier 3), the
"ct" skill as a routing profile (unskilled crews see skilled jobs as
unreachable), travel = haversine x 1.3 at 40 km/h in seconds, objective =
travel seconds + uncollected prizes.

usage: bench/.venv/bin/python bench/pyvrp_town.py JOBS CREWS DAYS SECONDS [SEED [FROM]]

With FROM (YYYY-MM-DD, as `beredskap plan --from`) day d is the d-th Swedish
working day on or after FROM (calendar of bench/town_from_demo.py); without
it, the sorted distinct window dates are taken as the horizon's days (the old
synthetic generator put windows on every day). The reported travel is the
sum of the routes' travel seconds / 3600, as the planner's KPI.
"""
import csv
import json
import math
import sys
import time

import numpy as np
import pyvrp
from pyvrp import Model
from pyvrp.stop import MaxRuntime

DAY = 86400


def hm(s):
    h, m = s.split(":")
    return int(h) * 60 + int(m)


def main():
    jobs_f, crews_f, ndays, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    jobs = list(csv.DictReader(open(jobs_f)))
    crews = list(csv.DictReader(open(crews_f)))
    if len(sys.argv) > 6:
        import datetime as dt
        import os
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from town_from_demo import working_days
        dates = [d.isoformat() for d in working_days(dt.date.fromisoformat(sys.argv[6]), ndays)]
    else:
        dates = sorted({j["window_date"] for j in jobs if j["window_date"]})
    day_of = {d: i for i, d in enumerate(dates)}

    t0 = time.time()
    m = Model()
    depots_xy = sorted({(float(c["depot_lat"]), float(c["depot_lon"])) for c in crews})
    coords = list(depots_xy) + [(float(j["lat"]), float(j["lon"])) for j in jobs]
    locs = [m.add_location(x=int(lo * 1e5), y=int(la * 1e5)) for la, lo in coords]
    depots = [m.add_depot(locs[i]) for i in range(len(depots_xy))]
    p_skill = m.add_profile(name="ct")
    p_plain = m.add_profile(name="plain")
    for c in crews:
        dep = depots[depots_xy.index((float(c["depot_lat"]), float(c["depot_lon"])))]
        prof = p_skill if "ct" in c["skills"].split(";") else p_plain
        for d in range(ndays):
            m.add_vehicle_type(
                1, start_depot=dep, end_depot=dep,
                tw_early=d * DAY + hm(c["shift_start"]) * 60, tw_late=d * DAY + hm(c["shift_end"]) * 60,
                profile=prof, unit_distance_cost=1, unit_duration_cost=0, name=f'{c["id"]}@{d}')
    for k, j in enumerate(jobs):
        tier = int(j["tier"])
        if j["window_date"]:
            d = day_of[j["window_date"]]
            tw = (d * DAY + hm(j["window_start"]) * 60, d * DAY + hm(j["window_end"]) * 60)
            prize = 10**10
        else:
            tw = (0, ndays * DAY)
            prize = {1: 10**9, 2: 10**7, 3: 10**5}[tier]
        m.add_client(locs[len(depots_xy) + k], service_duration=int(j["service_min"]) * 60,
                     tw_early=tw[0], tw_late=tw[1], prize=prize, required=False, name=j["id"])
    # Matrices: haversine x 1.3 at 40 km/h.
    lat = np.radians([c[0] for c in coords])
    lon = np.radians([c[1] for c in coords])
    h = np.sin((lat[:, None] - lat[None, :]) / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2
    metres = 2 * 6371000 * np.arcsin(np.sqrt(h)) * 1.3
    secs_m = np.rint(metres / (40 / 3.6)).astype(np.int64)
    plain = secs_m.copy()
    skilled_idx = [len(depots_xy) + k for k, j in enumerate(jobs) if j["skill"]]
    big = 10**8
    plain[skilled_idx, :] = big
    plain[:, skilled_idx] = big
    np.fill_diagonal(plain, 0)
    data = m.data().replace(distance_matrices=[secs_m, plain], duration_matrices=[secs_m, plain])
    build = time.time() - t0
    res = pyvrp.solve(data, stop=MaxRuntime(secs), seed=seed, display=False)
    best = res.best
    placed = best.num_clients()
    travel_s = sum(r.distance() for r in best.routes())
    print(json.dumps({"solver": "pyvrp", "jobs": len(jobs), "placed": placed, "travel_hours": round(travel_s / 3600, 2),
                      "feasible": best.is_feasible(), "seconds": secs, "build_seconds": round(build, 1)}))


if __name__ == "__main__":
    main()
