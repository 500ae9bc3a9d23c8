"""Town benchmark input sampled from the demo-town database (issue #3, (c)-(e)).

Writes JOBS.csv and CREWS.csv in the `beredskap plan` format from the
`meter_points` of a `beredskap demo --size town` SQLite database, opened
read-only. Deterministic: the same database, arguments and seed give
byte-identical files (random.Random(seed), rows read in anlaggnings_id order).

usage:
  python3 bench/town_from_demo.py DB OUTDIR --jobs 300 --from 2026-12-01 --days 1 [--seed 1]
      [--crews 15] [--window-days N]
  --jobs 0 (or >= the number of meter points) takes every meter point.

Choices (the shares are exact, rounded to whole jobs):
- Jobs: a uniform sample without replacement of `--jobs` meter points; the job
  id is the anläggnings-id, coordinates are lat_e6/lon_e6 / 1e6.
- Service: 20-40 min, uniform integer minutes.
- Tiers 10/30/60 %: tier 1 is drawn from points whose meter sits in an outdoor
  cabinet or a meter room (reachable without the customer, the cheapest
  exchange: the campaign starts with them); tier 2 from indoor meters in
  houses (need a booked or announced visit); tier 3 is the rest. When a pool is
  too small for its share, the shortfall is topped up at random from the
  points not yet given a tier.
- Skill "ct": every CT-metered point needs it; when they are fewer than 10 %
  of the jobs, the share is topped up to exactly 10 % with the direct meters of
  the highest fuse size (large direct meters, ties broken at random), which
  also want the CT-qualified electricians. When CT points exceed 10 % the
  first 10 % in random order keep the skill.
- Crews: 15 (--crews); 9 own crews at the utility's two Karlskoga depots
  (59.3267 14.5239 and 59.3350 14.5600; crews alternate between them) and 6
  subcontractor crews at two depots nearby, inside the demo town's area
  (59.27-59.38 N, 14.41-14.64 E): south-west Karlskoga (59.3000 14.4700) and
  Bofors east (59.3120 14.6000). (A first version put one of them in Degerfors,
  59.2378 14.4306, 11 km south of the town's edge; its figures are in
  docs/benchmarks.md (Planner section).) Crews 1, 4, 7, 10, 13 (a third,
  own and subcontracted) have skill "ct". Shifts 07:00-15:00.
- Booked windows: 15 % of the jobs, drawn at random among all jobs, get a
  2-hour window starting on the hour 07:00-13:00 (so it ends by 15:00), on a
  Swedish working day drawn uniformly from the first --window-days working
  days of the horizon (default: all --days of it). The calendar mirrors
  crates/domain/src/calendar.rs (public holidays plus julafton, nyårsafton
  and midsommarafton off).
- No fixed crews and no earliest dates.
"""
import argparse
import datetime as dt
import os
import random
import sqlite3

JOB_COLUMNS = "id,lat,lon,service_min,tier,skill,window_date,window_start,window_end,fixed_crew,fixed_date,earliest_date"
CREW_COLUMNS = "id,skills,depot_lat,depot_lon,shift_start,shift_end"

OWN_DEPOTS = [(59.3267, 14.5239), (59.3350, 14.5600)]
SUB_DEPOTS = [(59.3000, 14.4700), (59.3120, 14.6000)]


def easter(year):
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    n = h + l - 7 * m + 114
    return dt.date(year, n // 31, n % 31 + 1)


def first_saturday_on_or_after(d):
    return d + dt.timedelta(days=(5 - d.weekday()) % 7)


def days_off(year):
    e = easter(year)
    midsommar = first_saturday_on_or_after(dt.date(year, 6, 20))
    return {
        dt.date(year, 1, 1), dt.date(year, 1, 6), e - dt.timedelta(2), e, e + dt.timedelta(1),
        dt.date(year, 5, 1), e + dt.timedelta(39), dt.date(year, 6, 6), e + dt.timedelta(49),
        midsommar, first_saturday_on_or_after(dt.date(year, 10, 31)), dt.date(year, 12, 25),
        dt.date(year, 12, 26), midsommar - dt.timedelta(1), dt.date(year, 12, 24), dt.date(year, 12, 31),
    }


def working_days(start, n):
    """The first n Swedish working days on or after start (a datetime.date)."""
    out, d = [], start
    while len(out) < n:
        if d.weekday() < 5 and d not in days_off(d.year):
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("outdir")
    ap.add_argument("--jobs", type=int, required=True)
    ap.add_argument("--from", dest="start", required=True)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("--window-days", type=int)
    ap.add_argument("--crews", type=int, default=15)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    rng = random.Random(a.seed)
    con = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT anlaggnings_id, lat_e6, lon_e6, property_kind, placement, meter_kind, fuse_amps "
        "FROM meter_points ORDER BY anlaggnings_id").fetchall()
    con.close()
    n = len(rows) if a.jobs <= 0 or a.jobs >= len(rows) else a.jobs
    sample = rows if n == len(rows) else rng.sample(rows, n)
    sample.sort(key=lambda r: r[0])

    # Tiers.
    n1, n2 = round(0.10 * n), round(0.30 * n)
    tier = [3] * n
    free = set(range(n))

    def take(pool, k):
        pool = sorted(pool)
        rng.shuffle(pool)
        got = pool[:k]
        if len(got) < k:  # top up from any point without a tier yet
            rest = sorted(free - set(got))
            rng.shuffle(rest)
            got += rest[: k - len(got)]
        free.difference_update(got)
        return got

    for i in take([i for i in free if sample[i][4] in ("outdoor_cabinet", "meter_room")], n1):
        tier[i] = 1
    for i in take([i for i in free if sample[i][4] == "indoor" and sample[i][3] == "house"], n2):
        tier[i] = 2

    # Skill.
    ns = round(0.10 * n)
    ct = [i for i in range(n) if sample[i][5] == "ct"]
    rng.shuffle(ct)
    skilled = ct[:ns]
    if len(skilled) < ns:
        direct = [i for i in range(n) if sample[i][5] != "ct"]
        rng.shuffle(direct)
        direct.sort(key=lambda i: -sample[i][6])  # stable: random among equal fuses
        skilled += direct[: ns - len(skilled)]
    skilled = set(skilled)

    # Windows.
    start = dt.date.fromisoformat(a.start)
    wdays = working_days(start, a.window_days or a.days)
    nw = round(0.15 * n)
    windowed = list(range(n))
    rng.shuffle(windowed)
    windows = {}
    for i in sorted(windowed[:nw]):
        h = rng.randrange(7, 14)
        windows[i] = (rng.choice(wdays).isoformat(), f"{h:02}:00", f"{h + 2:02}:00")

    os.makedirs(a.outdir, exist_ok=True)
    with open(os.path.join(a.outdir, "JOBS.csv"), "w") as f:
        f.write(JOB_COLUMNS + "\n")
        for i, r in enumerate(sample):
            service = rng.randint(20, 40)
            wd, ws, we = windows.get(i, ("", "", ""))
            f.write(f"{r[0]},{r[1] / 1e6:.6f},{r[2] / 1e6:.6f},{service},{tier[i]},"
                    f"{'ct' if i in skilled else ''},{wd},{ws},{we},,,\n")
    n_own = round(a.crews * 0.6)
    with open(os.path.join(a.outdir, "CREWS.csv"), "w") as f:
        f.write(CREW_COLUMNS + "\n")
        for c in range(a.crews):
            own = c < n_own
            depot = OWN_DEPOTS[c % 2] if own else SUB_DEPOTS[(c - n_own) % 2]
            name = f"own{c + 1:02}" if own else f"sub{c + 1:02}"
            f.write(f"{name},{'ct' if c % 3 == 0 else ''},{depot[0]},{depot[1]},07:00,15:00\n")
    print(f"{n} jobs (tier 1/2/3: {n1}/{n2}/{n - n1 - n2}, ct {len(skilled)} of which CT meters "
          f"{len(skilled & set(ct))}, windows {nw} on {len(wdays)} days), {a.crews} crews -> {a.outdir}")


if __name__ == "__main__":
    main()
