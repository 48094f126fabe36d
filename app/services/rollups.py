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
other visits around it (two index probes per scope), under a per-worker transaction lock on
PostgreSQL so two simultaneous scans of one worker at two stations cannot both be "first".

Per scan this costs, on PostgreSQL, three statements: the lock, the look-back, and one statement
upserting every rollup table (data-modifying CTEs). A walk-in costs one.

`rebuild()` recomputes everything from raw with set-based SQL (INSERT … SELECT … GROUP BY);
`verify()` compares the tables with the same SELECTs and lists every difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import CheckIn, Station, VisitDayDistrict, VisitDayService, VisitDayStation, VisitDayWorkers
from app.models.visit import SOURCE_SCAN
from app.services.opening_hours import LOCAL_TZ

PERIODS = ("day", "week", "month", "quarter", "year")
SCOPES = ("city", "district", "station")
LOCK_CLASS = 0x5952  # pg_advisory_xact_lock(class, worker id): the rollup's per-worker lock
TABLES = (VisitDayStation, VisitDayDistrict, VisitDayService, VisitDayWorkers)


# --- calendar -----------------------------------------------------------------------------


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


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
        return f"CAST(({column} AT TIME ZONE 'Asia/Shanghai') AS DATE)"
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


def _insert(dialect: str):
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _upsert(dialect: str, model, rows: list[dict], add: tuple[str, ...]):
    table = model.__table__
    stmt = _insert(dialect)(table).values(rows)
    keys = [c.name for c in table.primary_key.columns]
    return stmt.on_conflict_do_update(index_elements=keys, set_={name: table.c[name] + stmt.excluded[name] for name in add})


def _execute(dialect: str, statements: list) -> None:
    """On PostgreSQL one round trip for all of them (data-modifying CTEs); SQLite runs each."""
    if dialect == "postgresql" and len(statements) > 1:
        ctes = [statement.cte(f"rollup_{i}") for i, statement in enumerate(statements)]
        db.session.execute(sa.select(sa.literal(1)).add_cte(*ctes))
        return
    for statement in statements:
        db.session.execute(statement)


def record_visit(visit: CheckIn, station: Station) -> None:
    """Count a just-inserted visit row (flushed, so it has its id) in every rollup."""
    dialect = db.session.get_bind().dialect.name
    day = local_date(visit.checked_in_at)
    group = visit.worker_group or ""
    base = {"day": day, "source": visit.source, "worker_group": group, "visits": visit.headcount}
    statements = [
        _upsert(dialect, VisitDayStation, [{**base, "station_id": station.id, "district_code": station.district_code}], ("visits",)),
        _upsert(dialect, VisitDayDistrict, [{**base, "district_code": station.district_code}], ("visits",)),
    ]
    services = sorted(set(visit.services or []))
    if services:
        rows = [{**base, "district_code": station.district_code, "service": service} for service in services]
        statements.append(_upsert(dialect, VisitDayService, rows, ("visits",)))
    if visit.source == SOURCE_SCAN and visit.worker_id is not None:
        rows = _first_of_periods(dialect, visit, station, day)
        if rows:
            statements.append(_upsert(dialect, VisitDayWorkers, rows, tuple(f"new_{p}" for p in PERIODS)))
    _execute(dialect, statements)


def _first_of_periods(dialect: str, visit: CheckIn, station: Station, day: date) -> list[dict]:
    """For each scope where this scan is the worker's first of the day (and so perhaps of the
    week, month, …), a visit_day_workers row of 0/1 increments."""
    if dialect == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_CLASS, visit.worker_id)))
    # Every period holding `day` lies within [lo, hi): look no further.
    lo_day = min(period_start(day, "week"), period_start(day, "year"))
    hi_day = max(period_end(day, "week"), period_end(day, "year"))
    lo = datetime.combine(lo_day, datetime.min.time(), LOCAL_TZ).astimezone(UTC)
    hi = datetime.combine(hi_day, datetime.min.time(), LOCAL_TZ).astimezone(UTC)
    now = visit.checked_in_at

    def nearest(scope: str, before: bool):
        query = sa.select(sa.func.max(CheckIn.checked_in_at) if before else sa.func.min(CheckIn.checked_in_at)).where(
            CheckIn.worker_id == visit.worker_id, CheckIn.id != visit.id, CheckIn.checked_in_at >= lo, CheckIn.checked_in_at < hi
        )
        query = query.where(CheckIn.checked_in_at <= now if before else CheckIn.checked_in_at > now)
        if scope == "station":
            query = query.where(CheckIn.station_id == station.id)
        elif scope == "district":
            query = query.join(Station, Station.id == CheckIn.station_id).where(Station.district_code == station.district_code)
        return query.scalar_subquery()

    columns = [nearest(scope, before).label(f"{scope}_{int(before)}") for scope in SCOPES for before in (True, False)]
    found = db.session.execute(sa.select(*columns)).one()
    keys = {"city": "", "district": station.district_code, "station": str(station.id)}
    rows = []
    for i, scope in enumerate(SCOPES):
        others = [local_date(_aware(t)) for t in (found[2 * i], found[2 * i + 1]) if t is not None]
        new = {f"new_{p}": int(not any(period_start(day, p) <= o < period_end(day, p) for o in others)) for p in PERIODS}
        if new["new_day"]:  # not first of its day means not first of any longer period either
            district = "" if scope == "city" else station.district_code
            rows.append({"day": day, "scope": scope, "scope_key": keys[scope], "district_code": district, **new})
    return rows


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
    scope_keys = {"city": "''", "district": "v.district_code", "station": "CAST(v.station_id AS TEXT)"}
    firsts = " UNION ALL ".join(
        f"SELECT MIN(v.day) AS day, '{scope}' AS scope, {key} AS scope_key,"
        f" {'MIN(v.district_code)' if scope == 'station' else key} AS district_code, '{period}' AS period FROM v"
        f" GROUP BY v.worker_id, {'' if scope == 'city' else key + ', '}{sql_period_start(dialect, 'v.day', period)}"
        for scope, key in scope_keys.items()
        for period in PERIODS
    )
    sums = ", ".join(f"SUM(CASE WHEN f.period = '{p}' THEN 1 ELSE 0 END) AS new_{p}" for p in PERIODS)
    workers = RollupSql(
        "visit_day_workers",
        ("day", "scope", "scope_key", "district_code", *(f"new_{p}" for p in PERIODS)),
        f"WITH v AS (SELECT c.worker_id, c.station_id, s.district_code, {day} AS day FROM checkins c"
        f" JOIN stations s ON s.id = c.station_id WHERE c.source = 'scan' AND c.worker_id IS NOT NULL)"
        f" SELECT f.day, f.scope, f.scope_key, f.district_code, {sums} FROM ({firsts}) f"
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
