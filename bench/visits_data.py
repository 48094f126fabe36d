"""The reports' data set: 190,000 stations and 10,000,000 visits over 2025, generated
deterministically and loaded with PostgreSQL `COPY`, then the rollups rebuilt from them.

Every row is generated inside PostgreSQL (generate_series with a seeded random()) and streamed
`COPY (SELECT …) TO STDOUT` on one connection into `COPY … FROM STDIN` on another: the two
backends work side by side and Python only passes buffers along. `python -m bench.visits_data
--compare` measures it against a Python generator feeding `copy.write_row` with rows of the same
shape: 77,000 against 51,000 rows/s (200,000 rows, 2 busy cores, 2026-12-02), so the load uses
the first (10,000,000 rows took 100 s in the full run).

The shape of the data:
- stations: 13 districts in turn, across the country's extent; a third self-built, the rest
  co-built; built between 2023 and the end of 2025 (so the quarterly form has new stations in
  every quarter); every 50th station has investments for each quarter of 2025;
- workers: VISITS / 25 of them (400,000 for the full set), each with a group (a few none) and a
  home district;
- visits: 92 % scans, 8 % keepers' walk-ins (headcount 1–3, no worker). Visits per hour follow
  the working day (busiest 11:00–13:00 and 17:00–19:00 China time, few at night) and the week.
  Within one hour every scan has a different worker, so no two rows share the
  (worker, station, dedupe bucket) the unique constraint guards; 90 % of a worker's scans are at
  stations of their home district, popular stations more often. Scans carry the worker's group
  and a mix of services.

The loaded database is kept between runs: `bench_fingerprint` holds the data version and the
row counts, and a run whose expectations match skips the load (a newer migration is applied to
the kept rows, as in production).
"""

from __future__ import annotations

import contextlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg

from app import reference_data as ref
from app.core import clock

DATA_VERSION = 2  # bump when the generator changes: kept databases are then reloaded
YEAR = 2025
DISTRICTS = tuple(d.code for d in ref.DISTRICTS)
GROUPS = (
    "sanitation", "sanitation", "sanitation", "courier", "courier", "food_delivery", "food_delivery",
    "taxi_driver", "traffic_police", "traffic_warden", "municipal", "city_management", None,
)  # fmt: skip
SERVICE_MIXES = (
    "[]", '["water"]', '["water"]', '["water"]', '["rest", "water"]', '["rest"]', '["toilet"]',
    '["rest", "toilet", "water"]', '["hot_water", "rest"]', '["charge_phone"]', '["charge_phone", "water"]',
    '["heat_meal", "hot_water"]', '["first_aid"]', '["other"]', '["toilet", "water"]', '["hot_water"]',
)  # fmt: skip
# Share of a day's visits in each hour, China time (0:00 … 23:00), and of a week's per weekday (Mon … Sun).
HOURLY = (1, 1, 1, 1, 2, 5, 12, 20, 24, 26, 30, 40, 38, 26, 22, 22, 26, 34, 32, 20, 12, 6, 3, 2)
WEEKDAY = (10, 10, 10, 10, 10, 9, 8)
MANUAL_SHARE = 0.08
HOME_SHARE = 0.9


@dataclass(frozen=True)
class Size:
    stations: int
    visits: int

    @property
    def workers(self) -> int:
        return max(self.visits // 25, 1000)

    @property
    def invested_every(self) -> int:
        return 50


FULL = Size(190_000, 10_000_000)
QUICK = Size(20_000, 200_000)


ALWAYS_OPEN = json.dumps({"always_open": True, "weekly": []})
OFFICE_HOURS = json.dumps({"always_open": False, "weekly": [{"weekday": d, "open": "08:00", "close": "18:00"} for d in range(1, 6)]})


def _sql_array(values) -> str:
    return "ARRAY[" + ", ".join("NULL" if v is None else f"'{v}'" for v in values) + "]"


def stations_select(size: Size) -> str:
    d = len(DISTRICTS)
    return f"""
        SELECT ({_sql_array(DISTRICTS)})[n % {d} + 1] || (100000 + n),
               '压测站点' || n,
               ({_sql_array(DISTRICTS)})[n % {d} + 1],
               '压测路' || n || '号',
               round((18.2 + random() * 35.0)::numeric, 6),
               round((73.6 + random() * 61.0)::numeric, 6),
               CASE WHEN n % 3 = 0 THEN 'self_built' ELSE 'co_built' END,
               CASE WHEN n % 3 = 0 THEN NULL ELSE '共建单位' || n END,
               '["drinking_water", "toilet", "rest_seats"]',
               CASE WHEN n % 3 = 0 THEN '{ALWAYS_OPEN}' ELSE '{OFFICE_HOURS}' END,
               '["sanitation", "courier", "food_delivery"]',
               CASE WHEN n % 7 = 0 THEN 'plaqued' ELSE 'built' END,
               false, false, 1,
               DATE '2023-01-01' + floor(random() * 1095)::int,
               TIMESTAMPTZ '2023-01-01 00:00:00+00', TIMESTAMPTZ '2023-01-01 00:00:00+00'
        FROM generate_series(0, {size.stations - 1}) AS n
    """


STATION_COLUMNS = (
    "code, name, district_code, address, lat, lng, build_mode, host_unit, amenities, opening_hours, worker_groups,"
    " status, demonstration, provincial_best, sign_version, built_date, created_at, updated_at"
)


def workers_select(size: Size) -> str:
    g = len(GROUPS)
    return f"""
        SELECT 'o-bench-report-' || w, ({_sql_array(GROUPS)})[w % {g} + 1],
               TIMESTAMPTZ '2024-12-01 00:00:00+00', TIMESTAMPTZ '2025-12-31 00:00:00+00'
        FROM generate_series(0, {size.workers - 1}) AS w
    """


def visits_select(size: Size, station0: int, worker0: int) -> str:
    """Every visit of the year. `hours` gives each hour of the year its number of visits (their
    sum is exactly size.visits); each hour's rows are k = 0 … n-1."""
    days = 365
    weights = ", ".join(str(h * w) for w in WEEKDAY for h in HOURLY)  # per (weekday, hour): 168
    d, g, s, m = len(DISTRICTS), len(GROUPS), len(SERVICE_MIXES), size.workers
    per_district = size.stations // d
    # Worker index for the k-th scan of hour h: distinct for distinct k (the step is a prime that
    # does not divide the worker count, and no hour has as many scans as there are workers).
    step = 104_729
    assert m % step and 4 * size.visits // (days * 24) < m  # the busiest hour has < 2.5 × the mean
    return f"""
        WITH w AS (SELECT ARRAY[{weights}] AS a),
        hours AS (
          SELECT h, at, wt, SUM(wt) OVER (ORDER BY h) AS cum, SUM(wt) OVER () AS total
          FROM (SELECT h, TIMESTAMPTZ '{YEAR}-01-01 00:00:00+08' + h * INTERVAL '1 hour' AS at,
                       w.a[((h / 24 + 2) % 7) * 24 + h % 24 + 1] AS wt
                FROM generate_series(0, {days * 24 - 1}) AS h, w) AS x
        ),
        counted AS (
          SELECT h, at, (floor({size.visits}::numeric * cum / total) - floor({size.visits}::numeric * (cum - wt) / total))::int AS n
          FROM hours
        )
        SELECT
          {station0} + CASE WHEN r_src < {MANUAL_SHARE} THEN floor(r_st * {size.stations})::int
                            WHEN r_home < {HOME_SHARE}
                              THEN widx % {d} + {d} * least(floor(power(r_st, 1.6) * {per_district})::int, {per_district - 1})
                            ELSE floor(r_st * {size.stations})::int END,
          CASE WHEN r_src < {MANUAL_SHARE} THEN NULL ELSE {worker0} + widx END,
          CASE WHEN r_src < {MANUAL_SHARE} THEN 'manual' ELSE 'scan' END,
          at + r_sec * INTERVAL '3599 seconds',
          CASE WHEN r_src < {MANUAL_SHARE} THEN NULL ELSE (extract(epoch FROM at)::bigint / 3600) END,
          CASE WHEN r_src < {MANUAL_SHARE} THEN '[]' ELSE ({_sql_array(SERVICE_MIXES)})[floor(r_svc * {s})::int + 1] END,
          CASE WHEN r_src < {MANUAL_SHARE} THEN ({_sql_array(GROUPS)})[floor(r_n * {g})::int + 1]
               ELSE ({_sql_array(GROUPS)})[widx % {g} + 1] END,
          CASE WHEN r_src < {MANUAL_SHARE} THEN 1 + floor(r_n * r_n * 3)::int ELSE 1 END
        FROM (
          SELECT c.h, c.at, k, random() AS r_src, random() AS r_sec, random() AS r_home, random() AS r_st,
                 random() AS r_svc, random() AS r_n,
                 (c.h * 7919 + k * {step}) % {m} AS widx
          FROM counted c CROSS JOIN LATERAL generate_series(0, c.n - 1) AS k
        ) AS v
    """


VISIT_COLUMNS = "station_id, worker_id, source, checked_in_at, dedupe_bucket, services, worker_group, headcount"


def investments_select(size: Size, station0: int) -> str:
    return f"""
        SELECT s.id, s.district_code, {YEAR}, q,
               round((random() * 3)::numeric, 2), round((random() * 2)::numeric, 2), round((random() * 0.5)::numeric, 2),
               TIMESTAMPTZ '{YEAR}-12-31 00:00:00+00', TIMESTAMPTZ '{YEAR}-12-31 00:00:00+00'
        FROM stations s CROSS JOIN generate_series(1, 4) AS q
        WHERE s.id >= {station0} AND (s.id - {station0}) % {size.invested_every} = 0
    """


INVESTMENT_COLUMNS = "station_id, district_code, year, quarter, union_amount, government_amount, other_amount, created_at, updated_at"


# --- loading ----------------------------------------------------------------------------------------


def _piped_copy(dsn: str, select: str, table: str, columns: str, seed: float) -> int:
    """COPY (select) TO STDOUT on one connection, into COPY table FROM STDIN on another."""
    with psycopg.connect(dsn) as source, psycopg.connect(dsn) as target:
        source.execute("SET max_parallel_workers_per_gather = 0")  # one backend: random() stays in order
        source.execute("SELECT setseed(%s)", (seed,))
        with (
            source.cursor().copy(f"COPY ({select}) TO STDOUT") as out,
            target.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as into,
        ):
            for block in out:
                into.write(block)
        target.commit()
        return target.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _without_indexes(conn: psycopg.Connection, table: str):
    """Drop a table's indexes, keys and foreign keys (keeping their definitions), to put them back
    in one pass each after a bulk load: far faster than maintaining them row by row."""
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype = 'f' DESC, conname",
        (table,),
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        (table, table),
    ).fetchall()
    referencing = conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE confrelid = %s::regclass AND conrelid <> %s::regclass AND contype = 'f'",
        (table, table),
    ).fetchall()
    for other, name, _ in referencing:
        conn.execute(f'ALTER TABLE {other} DROP CONSTRAINT "{name}"')
    for name, _ in constraints:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.commit()
    return table, constraints, indexes, referencing


def _restore_indexes(conn: psycopg.Connection, saved) -> None:
    table, constraints, indexes, referencing = saved
    conn.execute("SET maintenance_work_mem = '512MB'")
    for name, definition in reversed(constraints):  # primary and unique keys first, then foreign keys
        conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _, definition in indexes:
        conn.execute(definition)
    for other, name, definition in referencing:
        conn.execute(f'ALTER TABLE {other} ADD CONSTRAINT "{name}" {definition}')
    conn.commit()


def _rebuild_rollups(dsn: str) -> None:
    """rollups.rebuild_sql's work (each rollup table emptied and filled from the visits), a table
    per connection, two at a time, each table's keys dropped meanwhile and rebuilt after."""
    from app.services import rollups

    def one(part: rollups.RollupSql) -> None:
        with psycopg.connect(dsn) as conn:
            conn.execute("SET work_mem = '1GB'")  # the rollups' sorts and groupings stay in memory
            conn.execute(f"DELETE FROM {part.table}")
            saved = _without_indexes(conn, part.table)
            conn.execute(f"INSERT INTO {part.table} ({', '.join(part.columns)}) {part.select}")
            conn.commit()
            _restore_indexes(conn, saved)

    parts = rollups.rollup_selects()
    statements = rollups.rebuild_sql()
    for part in parts:  # the bench runs what rebuild() runs
        assert f"INSERT INTO {part.table} ({', '.join(part.columns)}) {part.select}" in statements
    daily = [p for p in parts if p.table.startswith("visit_day_")]
    daily.sort(
        key=lambda p: (
            ("visit_day_workers", "visit_day_station", "visit_day_service").index(p.table) if p.table != "visit_day_district" else 9
        )
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(one, part) for part in daily]:
            future.result()
    for part in parts:  # the monthly tables, from the daily ones
        if part not in daily:
            one(part)


def fingerprint(size: Size, schema: str) -> str:
    return f"v{DATA_VERSION} stations={size.stations} workers={size.workers} visits={size.visits} year={YEAR} schema={schema}"


def loaded_fingerprint(dsn: str) -> str | None:
    with contextlib.suppress(psycopg.Error), psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT fingerprint FROM bench_fingerprint").fetchone()
        return row[0] if row else None
    return None


def same_data(found: str | None, expected: str) -> bool:
    """The same generated rows, whatever the schema: a newer migration is applied to the kept
    database (`flask db upgrade`, as production would) rather than reloading it."""
    return found is not None and found.split(" schema=")[0] == expected.split(" schema=")[0]


def record_fingerprint(dsn: str, size: Size, schema: str) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_fingerprint (fingerprint text NOT NULL)")
        conn.execute("DELETE FROM bench_fingerprint")
        conn.execute("INSERT INTO bench_fingerprint VALUES (%s)", (fingerprint(size, schema),))


def schema_head(dsn: str) -> str:
    with contextlib.suppress(psycopg.Error), psycopg.connect(dsn) as conn:
        return conn.execute("SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version").fetchone()[0]
    return ""


def load(dsn: str, size: Size, schema: str, log=print) -> dict[str, float]:
    """Load the data set into the (migrated, reference-seeded, otherwise empty) database: seconds per step."""
    timings: dict[str, float] = {}

    def step(name: str):
        started = time.perf_counter()

        @contextlib.contextmanager
        def timed():
            yield
            timings[name] = time.perf_counter() - started
            log(f"  {name}: {timings[name]:.1f} s")

        return timed()

    with psycopg.connect(dsn) as conn:
        station0 = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM stations").fetchone()[0]
        worker0 = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM workers").fetchone()[0]
    with psycopg.connect(dsn) as conn:
        # checkins first: its foreign keys to the other two go with it, and come back after the visits.
        saved = {table: _without_indexes(conn, table) for table in ("checkins", "workers", "stations")}
    with step("stations (COPY)"):
        _piped_copy(dsn, stations_select(size), "stations", STATION_COLUMNS, 0.19)
    with step("workers (COPY)"):
        _piped_copy(dsn, workers_select(size), "workers", "openid, worker_group, created_at, last_seen_at", 0.25)
    with step("stations' and workers' keys and indexes"), psycopg.connect(dsn) as conn:
        _restore_indexes(conn, saved["stations"])
        _restore_indexes(conn, saved["workers"])
        first = conn.execute("SELECT min(id), max(id) FROM stations WHERE name LIKE '压测站点%'").fetchone()
        wfirst = conn.execute("SELECT min(id), max(id) FROM workers WHERE openid LIKE 'o-bench-report-%'").fetchone()
        if first != (station0, station0 + size.stations - 1) or wfirst != (worker0, worker0 + size.workers - 1):
            raise RuntimeError(f"ids not contiguous: stations {first}, workers {wfirst}")
    with step(f"visits, {size.visits:,} rows (COPY)"):
        _piped_copy(dsn, visits_select(size, station0, worker0), "checkins", VISIT_COLUMNS, 0.2025)
    with step("visits' keys and indexes"), psycopg.connect(dsn) as conn:
        _restore_indexes(conn, saved["checkins"])
    with step("investments (COPY)"):
        _piped_copy(dsn, investments_select(size, station0), "investments", INVESTMENT_COLUMNS, 0.5)
    with step("rollups rebuilt from the visits (rollups.rebuild_sql, two tables at a time)"):
        _rebuild_rollups(dsn)
    with step("vacuum analyze"), psycopg.connect(dsn, autocommit=True) as conn:
        from app.services import rollups

        for table in ("stations", "workers", "checkins", "investments", *(m.__tablename__ for m in rollups.TABLES)):
            conn.execute(f"VACUUM ANALYZE {table}")
    with psycopg.connect(dsn) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM stations), (SELECT count(*) FROM checkins)").fetchone()
    record_fingerprint(dsn, size, schema)
    if counts[1] != size.visits:
        raise RuntimeError(f"loaded {counts[1]} visits, expected {size.visits}")
    return timings


# --- how the rows are made: measured ---------------------------------------------------------------


def _python_rows(size: Size, station0: int, worker0: int):
    """The same shape of rows from a Python generator (for the comparison only)."""
    import datetime as dt
    import random

    rnd = random.Random(2025)
    start = dt.datetime(YEAR, 1, 1, tzinfo=clock.CHINA_TZ)
    weights = [h * w for w in WEEKDAY for h in HOURLY]
    per_hour = [weights[((h // 24 + 2) % 7) * 24 + h % 24] for h in range(365 * 24)]
    scale = size.visits / sum(per_hour)
    d = len(DISTRICTS)
    for h, weight in enumerate(per_hour):
        at = start + dt.timedelta(hours=h)
        for k in range(round(weight * scale)):
            widx = (h * 7919 + k * 104_729) % size.workers
            if rnd.random() < MANUAL_SHARE:
                yield (station0 + rnd.randrange(size.stations), None, "manual", at + dt.timedelta(seconds=rnd.random() * 3599),
                       None, "[]", rnd.choice(GROUPS), 1 + int(rnd.random() ** 2 * 3))  # fmt: skip
            else:
                n = widx % d + d * int(rnd.random() ** 1.6 * (size.stations // d))
                yield (station0 + n, worker0 + widx, "scan", at + dt.timedelta(seconds=rnd.random() * 3599),
                       int(at.timestamp()) // 3600, rnd.choice(SERVICE_MIXES), GROUPS[widx % len(GROUPS)], 1)  # fmt: skip


def compare(dsn: str, rows: int = 200_000) -> dict[str, float]:
    """Rows per second into an empty copy of checkins (no keys): generated in PostgreSQL and piped
    COPY to COPY, or generated in Python and sent with copy.write_row."""
    size = Size(QUICK.stations, rows)
    out = {}
    with psycopg.connect(dsn) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_compare")
        conn.execute("CREATE TABLE bench_compare (LIKE checkins INCLUDING DEFAULTS)")
        conn.commit()
    started = time.perf_counter()
    n = _piped_copy(dsn, visits_select(size, 1, 1), "bench_compare", VISIT_COLUMNS, 0.2025)
    out["PostgreSQL generate_series, COPY to COPY"] = n / (time.perf_counter() - started)
    with psycopg.connect(dsn) as conn:
        conn.execute("TRUNCATE bench_compare")
        started = time.perf_counter()
        with conn.cursor().copy(f"COPY bench_compare ({VISIT_COLUMNS}) FROM STDIN") as copy:
            for row in _python_rows(size, 1, 1):
                copy.write_row(row)
        conn.commit()
        n = conn.execute("SELECT count(*) FROM bench_compare").fetchone()[0]
        out["Python generator, copy.write_row"] = n / (time.perf_counter() - started)
        conn.execute("DROP TABLE bench_compare")
    return out


if __name__ == "__main__":
    import sys

    from bench.server import PG_ADMIN_URL

    if sys.argv[1:2] != ["--compare"]:
        raise SystemExit("usage: python -m bench.visits_data --compare [database]  (the load itself runs in python -m bench.run)")
    name = sys.argv[2] if len(sys.argv) > 2 else "yizhan_bench_reports_quick"
    for how, rate in compare(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}").items():
        print(f"{how}: {rate:,.0f} rows/s")
