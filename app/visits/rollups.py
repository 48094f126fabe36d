"""Visit rollups: pre-aggregated counts the reports read instead of scanning raw check-ins.

Kept current in the same transaction as each visit row by the database function
yizhan_record_visit (a scan: inside yizhan_check_in; a walk-in entry or correction: walkins calls
`record_visit(visit)` right after the row is flushed). A scan that is deduplicated, or that loses
the unique constraint, inserts no row and so never reaches it; if the transaction rolls back, its rollup changes go with it.

Tables (app/visits/rollup_models.py), keyed by local (Asia/Shanghai) day:
- visit_day_station  (day, station, source, worker group) -> visits
- visit_day_district (day, district, source, worker group) -> visits      (tiny)
- visit_day_service  (day, district, service, source, worker group) -> visits
- visit_month_district, visit_month_workers: the district table and the city and district rows
  of the workers' table summed by calendar month, for reports over whole months;
- visit_day_workers  (day, scope, scope key) -> new_day/new_week/new_month/new_quarter/new_year:
  how many workers had on that day their first scanned visit of the day/ISO week/month/quarter/
  year within the scope (the city, a district, a station). Summed over a whole period's days it
  is the exact number of distinct workers of that period.

Whether a scan is a worker's first of a period in a scope is decided by looking at the worker's
other visits around it (two index probes per scope). The caller holds the worker's row lock
(yizhan_check_in takes it) so two simultaneous scans of one worker at two stations cannot both be
"first".

`rebuild()` recomputes everything from raw with set-based SQL (INSERT … SELECT … GROUP BY);
`verify()` compares the tables with the same SELECTs and lists every difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.visits.models import CheckIn
from app.visits.rollup_models import (
    VisitDayDistrict,
    VisitDayService,
    VisitDayStation,
    VisitDayWorkers,
    VisitMonthDistrict,
    VisitMonthWorkers,
)

PERIODS = ("day", "week", "month", "quarter", "year")
SCOPES = ("city", "district", "station")
TABLES = (VisitDayStation, VisitDayDistrict, VisitDayService, VisitDayWorkers, VisitMonthDistrict, VisitMonthWorkers)


# --- calendar -----------------------------------------------------------------------------


def period_start(day: date, period: str) -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    raise ValueError(period)


def next_period(start: date, period: str) -> date:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def period_end(day: date, period: str) -> date:
    """The first day after the period holding `day`."""
    return next_period(period_start(day, period), period)


# --- SQL fragments (shared with the reports) -----------------------------------------------


def sql_local_day(column: str) -> str:
    return f"CAST(({column} AT TIME ZONE '{clock.CHINA_TZ_NAME}') AS DATE)"


def sql_period_start(day: str, period: str) -> str:
    if period == "day":
        return day
    return f"CAST(date_trunc('{period}', CAST({day} AS TIMESTAMP)) AS DATE)"


def as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


# --- kept current, visit by visit ------------------------------------------------------------


def record_visit(visit: CheckIn) -> None:
    """Count a just-inserted visit row (flushed: it has its id) in every rollup, in the caller's
    transaction. The one home of that rule is the database function yizhan_record_visit
    (migrations/versions/e9c0ffee0005_check_in_function.py), which the check-in's own function
    calls too: scans, walk-ins and corrections are counted by the same code."""
    db.session.execute(_RECORD_VISIT, {"id": visit.id})


_RECORD_VISIT = sa.text("SELECT yizhan_record_visit(:id)")


# --- recomputed from raw --------------------------------------------------------------------


@dataclass(frozen=True)
class RollupSql:
    table: str
    columns: tuple[str, ...]
    select: str  # the table's whole content, computed from raw (or from an earlier table)


def rollup_selects() -> list[RollupSql]:
    day = sql_local_day("c.checked_in_at")
    unnest = "CROSS JOIN LATERAL jsonb_array_elements_text(c.services) AS sv(service)"
    service = "sv.service"
    station = RollupSql(
        "visit_day_station",
        ("day", "station_id", "source", "worker_group", "district_code", "visits"),
        f"SELECT {day} AS day, c.station_id, c.source, COALESCE(c.worker_group, '') AS worker_group, s.district_code,"
        " SUM(c.headcount) AS visits FROM checkins c JOIN stations s ON s.id = c.station_id GROUP BY 1, 2, 3, 4, 5",
    )
    district = RollupSql(
        "visit_day_district",
        ("day", "district_code", "source", "worker_group", "visits"),
        f"SELECT {day} AS day, s.district_code, c.source, COALESCE(c.worker_group, '') AS worker_group,"
        " SUM(c.headcount) AS visits FROM checkins c JOIN stations s ON s.id = c.station_id GROUP BY 1, 2, 3, 4",
    )
    by_service = RollupSql(
        "visit_day_service",
        ("day", "district_code", "service", "source", "worker_group", "visits"),
        f"SELECT {day} AS day, s.district_code, {service} AS service, c.source, COALESCE(c.worker_group, '') AS worker_group,"
        f" SUM(c.headcount) AS visits FROM checkins c JOIN stations s ON s.id = c.station_id {unnest} GROUP BY 1, 2, 3, 4, 5",
    )
    # Each scope's (worker, key, day) rows in day order per worker and key: a day is the first of
    # its week (month, …) there when the worker's previous visit there lies before the week's
    # start. A second visit on the same day counts 0 in every column. One sort per scope, where
    # grouping by each period would take five.
    scopes = {  # scope: (partition, scope_key, district_code)
        "city": ("v.worker_id", "''", "''"),
        "district": ("v.worker_id, v.district_code", "v.district_code", "v.district_code"),
        "station": ("v.worker_id, v.station_id", "CAST(v.station_id AS TEXT)", "v.district_code"),
    }
    days = " UNION ALL ".join(
        f"SELECT v.day, '{scope}' AS scope, {key} AS scope_key, {district} AS district_code,"
        f" LAG(v.day) OVER (PARTITION BY {partition} ORDER BY v.day) AS prev FROM v"
        for scope, (partition, key, district) in scopes.items()
    )
    sums = ", ".join(
        f"SUM(CASE WHEN f.prev IS NULL OR f.prev < {sql_period_start('f.day', p)} THEN 1 ELSE 0 END) AS new_{p}" for p in PERIODS
    )
    workers = RollupSql(
        "visit_day_workers",
        ("day", "scope", "scope_key", "district_code", *(f"new_{p}" for p in PERIODS)),
        f"WITH v AS (SELECT c.worker_id, c.station_id, s.district_code, {day} AS day FROM checkins c"
        f" JOIN stations s ON s.id = c.station_id WHERE c.source = 'scan' AND c.worker_id IS NOT NULL)"
        f" SELECT f.day, f.scope, f.scope_key, f.district_code, {sums} FROM ({days}) f"
        " GROUP BY f.day, f.scope, f.scope_key, f.district_code",
    )
    # The monthly tables are sums of the daily ones (checked against them, which are checked
    # against raw): rebuilt after them, from them.
    month = sql_period_start("m.day", "month")
    month_district = RollupSql(
        "visit_month_district",
        ("month", "district_code", "source", "worker_group", "visits"),
        f"SELECT {month} AS month, m.district_code, m.source, m.worker_group, SUM(m.visits) AS visits"
        " FROM visit_day_district m GROUP BY 1, 2, 3, 4",
    )
    month_workers = RollupSql(
        "visit_month_workers",
        ("month", "scope", "scope_key", "district_code", "new_month", "new_quarter", "new_year"),
        f"SELECT {month} AS month, m.scope, m.scope_key, m.district_code, SUM(m.new_month) AS new_month,"
        " SUM(m.new_quarter) AS new_quarter, SUM(m.new_year) AS new_year FROM visit_day_workers m"
        " WHERE m.scope IN ('city', 'district') GROUP BY 1, 2, 3, 4",
    )
    return [station, district, by_service, workers, month_district, month_workers]


def rebuild_sql(*, daily_only: bool = False) -> list[str]:
    """daily_only: the day tables alone (the migration that made them ran before the monthly ones existed)."""
    parts = [p for p in rollup_selects() if p.table.startswith("visit_day_") or not daily_only]
    # Check-ins arriving meanwhile wait for this transaction, then add themselves on top.
    statements = ["LOCK TABLE " + ", ".join(p.table for p in parts) + " IN EXCLUSIVE MODE"]
    for part in parts:
        statements.append(f"DELETE FROM {part.table}")
        statements.append(f"INSERT INTO {part.table} ({', '.join(part.columns)}) {part.select}")
    return statements


def rebuild(*, commit: bool = True) -> dict[str, int]:
    """Recompute every rollup from the raw check-ins in one transaction: {table: rows}."""
    for statement in rebuild_sql():
        db.session.execute(sa.text(statement))
    counts = {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in TABLES}
    if commit:
        db.session.commit()
    return counts


@dataclass(frozen=True)
class Difference:
    table: str
    kind: str  # "missing": raw has it, the rollup has not (or another value); "extra": the reverse
    row: tuple


def verify(limit: int = 100) -> list[Difference]:
    """Every rollup row that differs from what raw gives (at most `limit` per table and kind)."""
    out: list[Difference] = []
    for part in rollup_selects():
        cols = ", ".join(part.columns)
        expected = f"SELECT {cols} FROM ({part.select}) e"
        # A row's shards summed (SHARDS in app/visits/rollup_models.py), as every reader sums them.
        keys = [c for c in part.columns if not _summed(c)]
        summed = ", ".join(c if c in keys else f"SUM({c}) AS {c}" for c in part.columns)
        actual = f"SELECT {summed} FROM {part.table} GROUP BY {', '.join(keys)}"
        for kind, query in (("missing", f"{expected} EXCEPT {actual}"), ("extra", f"{actual} EXCEPT {expected}")):
            rows = db.session.execute(sa.text(f"SELECT * FROM ({query}) d LIMIT {int(limit)}"))
            out.extend(Difference(part.table, kind, tuple(_plain(v) for v in row)) for row in rows)
    return out


def _summed(column: str) -> bool:
    return column == "visits" or column.startswith("new_")


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):  # PostgreSQL's SUM over BIGINT
        return int(value)
    return value
