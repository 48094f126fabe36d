"""Visit rollups: pre-aggregated counts the reports read instead of scanning raw check-ins.

Kept current in the same transaction as each visit row: `record_visit(visit, station)` is called
right after the check-in row is flushed (a scan in checkins, a walk-in entry or correction in
walkins). A scan that is deduplicated, or that loses the unique constraint, inserts no row and so
never reaches it; if the transaction rolls back, its rollup changes go with it.

Tables (app/models/rollup.py), keyed by local (Asia/Shanghai) day:
- visit_day_station  (day, station, source, worker group) -> visits
- visit_day_district (day, district, source, worker group) -> visits      (tiny)
- visit_day_service  (day, district, service, source, worker group) -> visits
- visit_day_workers  (day, scope, scope key) -> new_day/new_week/new_month/new_quarter/new_year:
  how many workers had on that day their first scanned visit of the day/ISO week/month/quarter/
  year within the scope (the city, a district, a station). Summed over a whole period's days it
  is the exact number of distinct workers of that period.

Whether a scan is a worker's first of a period in a scope is decided by looking at the worker's
other visits around it (two index probes per scope). The caller holds the worker's row lock
(checkins._lock_worker, on PostgreSQL) so two simultaneous scans of one worker at two stations
cannot both be "first".

Per scan this costs two statements of fixed text (nothing compiled per visit): the look-back, and
the upserts (on PostgreSQL one statement of data-modifying CTEs; SQLite runs them one by one). A
walk-in costs the upserts only.

`rebuild()` recomputes everything from raw with set-based SQL (INSERT … SELECT … GROUP BY);
`verify()` compares the tables with the same SELECTs and lists every difference.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.models import CheckIn, Station, VisitDayDistrict, VisitDayService, VisitDayStation, VisitDayWorkers
from app.models.visit import SOURCE_SCAN

PERIODS = ("day", "week", "month", "quarter", "year")
SCOPES = ("city", "district", "station")
TABLES = (VisitDayStation, VisitDayDistrict, VisitDayService, VisitDayWorkers)


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


# --- dialect SQL fragments (shared with the reports) -------------------------------------------


def sql_local_day(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"CAST(({column} AT TIME ZONE '{clock.CHINA_TZ_NAME}') AS DATE)"
    return f"date({column}, '+8 hours')"  # Asia/Shanghai has kept UTC+8 without DST since 1991


def sql_period_start(dialect: str, day: str, period: str) -> str:
    if period == "day":
        return day
    if dialect == "postgresql":
        return f"CAST(date_trunc('{period}', CAST({day} AS TIMESTAMP)) AS DATE)"
    if period == "week":
        return f"date({day}, 'weekday 0', '-6 days')"
    if period == "month":
        return f"date({day}, 'start of month')"
    if period == "year":
        return f"date({day}, 'start of year')"
    return f"printf('%s-%02d-01', strftime('%Y', {day}), (CAST(strftime('%m', {day}) AS INTEGER) - 1) / 3 * 3 + 1)"


def as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


# --- kept current, visit by visit ------------------------------------------------------------


def _upsert_sql(model, columns: tuple[str, ...], select: str, add: tuple[str, ...]) -> str:
    table = model.__tablename__
    keys = ", ".join(c.name for c in model.__table__.primary_key.columns)
    sets = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in add)
    # `WHERE true`: SQLite cannot otherwise tell an upsert's ON CONFLICT from a join's ON.
    return f"INSERT INTO {table} AS t ({', '.join(columns)}) {select} WHERE true ON CONFLICT ({keys}) DO UPDATE SET {sets}"


@functools.cache
def _record_sql(dialect: str) -> tuple[sa.TextClause, ...]:
    """The statements counting one visit, fixed text with parameters, so nothing is compiled per
    visit. On PostgreSQL they are one statement (data-modifying CTEs): one round trip."""
    if dialect == "postgresql":
        services = "jsonb_array_elements_text(CAST(:services AS jsonb)) AS sv(service)"
    else:
        services = "(SELECT value AS service FROM json_each(:services)) AS sv"
    scope_rows = " UNION ALL ".join(
        f"SELECT :day AS day, '{scope}' AS scope, {key} AS scope_key, {district} AS district_code, "
        + ", ".join(f":{scope}_{p} AS new_{p}" for p in PERIODS)
        for scope, key, district in (
            ("city", "''", "''"),
            ("district", ":district_code", ":district_code"),
            ("station", ":station_key", ":district_code"),
        )
    )
    new = tuple(f"new_{p}" for p in PERIODS)
    statements = [
        _upsert_sql(
            VisitDayStation,
            ("day", "station_id", "source", "worker_group", "district_code", "visits"),
            "SELECT :day, :station_id, :source, :worker_group, :district_code, :visits",
            ("visits",),
        ),
        _upsert_sql(
            VisitDayDistrict,
            ("day", "district_code", "source", "worker_group", "visits"),
            "SELECT :day, :district_code, :source, :worker_group, :visits",
            ("visits",),
        ),
        _upsert_sql(
            VisitDayService,
            ("day", "district_code", "service", "source", "worker_group", "visits"),
            f"SELECT :day, :district_code, sv.service, :source, :worker_group, :visits FROM {services}",
            ("visits",),
        ),
        _upsert_sql(
            VisitDayWorkers,
            ("day", "scope", "scope_key", "district_code", *new),
            f"SELECT w.day, w.scope, w.scope_key, w.district_code, {', '.join('w.' + c for c in new)} FROM ({scope_rows}) AS w",
            new,
        ).replace(" WHERE true ", " WHERE w.new_day = 1 "),
    ]
    if dialect == "postgresql":
        statements = ["WITH " + ", ".join(f"r{i} AS ({sql})" for i, sql in enumerate(statements)) + " SELECT 1"]
    return tuple(sa.text(sql).bindparams(sa.bindparam("day", type_=sa.Date())) for sql in statements)


def record_visit(visit: CheckIn, station: Station) -> None:
    """Count a just-inserted visit row (it has its id) in every rollup."""
    dialect = db.session.get_bind().dialect.name
    day = clock.china_date(visit.checked_in_at)
    params = {
        "day": day,
        "station_id": station.id,
        "station_key": str(station.id),
        "district_code": station.district_code,
        "source": visit.source,
        "worker_group": visit.worker_group or "",
        "visits": visit.headcount,
        "services": json.dumps(sorted(set(visit.services or []))),
    }
    firsts = {}
    if visit.source == SOURCE_SCAN and visit.worker_id is not None:
        firsts = _first_of_periods(visit, station, day)
    for scope in SCOPES:
        params.update({f"{scope}_{p}": firsts.get(scope, {}).get(p, 0) for p in PERIODS})
    for statement in _record_sql(dialect):
        db.session.execute(statement, params)


def _first_of_periods(visit: CheckIn, station: Station, day: date) -> dict[str, dict[str, int]]:
    """Per scope, per period: 1 where this scan is the worker's first of that period holding
    `day` in the scope (the city, the station's district, the station), else 0."""
    # Every period holding `day` lies within [lo, hi): look no further.
    lo_day = min(period_start(day, "week"), period_start(day, "year"))
    hi_day = max(period_end(day, "week"), period_end(day, "year"))
    lo = clock.day_start(lo_day)
    hi = clock.day_start(hi_day)
    params = {
        "worker_id": visit.worker_id,
        "visit_id": visit.id,
        "station_id": station.id,
        "district_code": station.district_code,
        "lo": lo,
        "hi": hi,
        "now": visit.checked_in_at,
    }
    found = db.session.execute(_nearest_sql(), params).one()
    flags = {}
    for i, scope in enumerate(SCOPES):
        others = [clock.china_date(_aware(t)) for t in (found[2 * i], found[2 * i + 1]) if t is not None]
        flags[scope] = {p: int(not any(period_start(day, p) <= o < period_end(day, p) for o in others)) for p in PERIODS}
    return flags


@functools.cache
def _nearest_sql() -> sa.TextClause:
    """The worker's nearest other scanned visit before and after this one, per scope, within
    [lo, hi). The nearest on each side is enough: if any other visit lies in a period holding
    the day, so does the nearest on that side (a period is an interval)."""
    scopes = {
        "city": "",
        "district": " AND c.station_id IN (SELECT id FROM stations WHERE district_code = :district_code)",
        "station": " AND c.station_id = :station_id",
    }
    base = "FROM checkins c WHERE c.worker_id = :worker_id AND c.id <> :visit_id AND c.checked_in_at >= :lo AND c.checked_in_at < :hi"
    columns = ", ".join(
        f"(SELECT max(c.checked_in_at) {base}{where} AND c.checked_in_at <= :now) AS {scope}_before, "
        f"(SELECT min(c.checked_in_at) {base}{where} AND c.checked_in_at > :now) AS {scope}_after"
        for scope, where in scopes.items()
    )
    moment = CheckIn.__table__.c.checked_in_at.type
    return sa.text(f"SELECT {columns}").bindparams(*(sa.bindparam(name, type_=moment) for name in ("lo", "hi", "now")))


def _aware(moment) -> datetime:
    """Aggregates over the column come back without the column's type (SQLite: text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# --- recomputed from raw --------------------------------------------------------------------


@dataclass(frozen=True)
class RollupSql:
    table: str
    columns: tuple[str, ...]
    select: str  # the table's whole content, computed from raw (or from an earlier table)


def rollup_selects(dialect: str) -> list[RollupSql]:
    day = sql_local_day(dialect, "c.checked_in_at")
    if dialect == "postgresql":
        unnest = "CROSS JOIN LATERAL jsonb_array_elements_text(c.services) AS sv(service)"
        service = "sv.service"
    else:
        unnest = "JOIN json_each(c.services) AS sv"
        service = "sv.value"
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
        f"SUM(CASE WHEN f.prev IS NULL OR f.prev < {sql_period_start(dialect, 'f.day', p)} THEN 1 ELSE 0 END) AS new_{p}" for p in PERIODS
    )
    workers = RollupSql(
        "visit_day_workers",
        ("day", "scope", "scope_key", "district_code", *(f"new_{p}" for p in PERIODS)),
        f"WITH v AS (SELECT c.worker_id, c.station_id, s.district_code, {day} AS day FROM checkins c"
        f" JOIN stations s ON s.id = c.station_id WHERE c.source = 'scan' AND c.worker_id IS NOT NULL)"
        f" SELECT f.day, f.scope, f.scope_key, f.district_code, {sums} FROM ({days}) f"
        " GROUP BY f.day, f.scope, f.scope_key, f.district_code",
    )
    return [station, district, by_service, workers]


def rebuild_sql(dialect: str) -> list[str]:
    statements = []
    if dialect == "postgresql":
        # Check-ins arriving meanwhile wait for this transaction, then add themselves on top.
        statements.append("LOCK TABLE " + ", ".join(m.__tablename__ for m in TABLES) + " IN EXCLUSIVE MODE")
    for part in rollup_selects(dialect):
        statements.append(f"DELETE FROM {part.table}")
        statements.append(f"INSERT INTO {part.table} ({', '.join(part.columns)}) {part.select}")
    return statements


def rebuild(*, commit: bool = True) -> dict[str, int]:
    """Recompute every rollup from the raw check-ins in one transaction: {table: rows}."""
    dialect = db.session.get_bind().dialect.name
    for statement in rebuild_sql(dialect):
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
    dialect = db.session.get_bind().dialect.name
    out: list[Difference] = []
    for part in rollup_selects(dialect):
        cols = ", ".join(part.columns)
        expected = f"SELECT {cols} FROM ({part.select}) e"
        actual = f"SELECT {cols} FROM {part.table}"
        for kind, query in (("missing", f"{expected} EXCEPT {actual}"), ("extra", f"{actual} EXCEPT {expected}")):
            rows = db.session.execute(sa.text(f"SELECT * FROM ({query}) d LIMIT {int(limit)}"))
            out.extend(Difference(part.table, kind, tuple(_plain(v) for v in row)) for row in rows)
    return out


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):  # PostgreSQL's SUM over BIGINT
        return int(value)
    return value
