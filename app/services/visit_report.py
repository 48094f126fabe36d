"""The visits report (服务人次): scanned visits, manual visits, their sum and distinct workers, per
group (city, district or station) and calendar period (day, ISO week, month, quarter, year).

Buckets are whole calendar periods: `from` is moved back to the start of its period and `to`
forward to the end of its period (the answer says so), so every bucket's distinct workers is exact.

Where the figures come from (`source` in the answer, and the README):
- visits: the rollups, except with a `service` filter together with a station (grouping or
  filter), which is summed from raw check-ins;
- distinct workers: the rollups, except with a `worker_group` or `service` filter (raw);
- `build(query, source="raw")` computes everything from raw check-ins (verify, benchmarks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from app import reference_data as ref
from app.core import clock
from app.errors import Forbidden, InvalidInput
from app.extensions import db
from app.models import (
    CheckIn,
    Station,
    VisitDayDistrict,
    VisitDayService,
    VisitDayStation,
    VisitDayWorkers,
    VisitMonthDistrict,
    VisitMonthWorkers,
)
from app.services import stations as station_service
from app.services.actor import Actor
from app.services.report_export import Table
from app.services.rollups import as_date, next_period, period_start, sql_local_day, sql_period_start

GROUPINGS = ("city", "district", "station")
PERIODS = ("day", "week", "month", "quarter", "year")
MONTHLY = ("month", "quarter", "year")  # periods made of whole months: the monthly rollups answer them
MAX_BUCKETS = 400  # periods in one report: 400 days, 400 weeks, … (a station by day over a year fits)
MAX_YEARS = 10
DISTRICT_NAMES = {d.code: d.name for d in ref.DISTRICTS}


@dataclass(frozen=True)
class VisitQuery:
    since: date
    until: date  # both included, local days
    group_by: str = "district"
    period: str = "month"
    district: str | None = None
    station: Station | None = None
    worker_group: str | None = None
    service: str | None = None
    source: str | None = None  # "scan" / "manual"

    @property
    def start(self) -> date:
        return period_start(self.since, self.period)

    @property
    def end(self) -> date:
        """The first day after the last bucket."""
        return next_period(period_start(self.until, self.period), self.period)


@dataclass
class Bucket:
    period_start: date
    period_end: date  # the last day, included
    district: str | None = None
    station_id: int | None = None
    scanned: int = 0
    manual: int = 0
    workers: int = 0

    @property
    def total(self) -> int:
        return self.scanned + self.manual


@dataclass
class VisitReport:
    query: VisitQuery
    visits_source: str
    workers_source: str
    buckets: list[Bucket] = field(default_factory=list)
    stations: dict[int, Station] = field(default_factory=dict)

    @property
    def totals(self) -> dict[str, int]:
        scanned = sum(b.scanned for b in self.buckets)
        manual = sum(b.manual for b in self.buckets)
        return {"scanned": scanned, "manual": manual, "total": scanned + manual}


# --- the staff's request -------------------------------------------------------------------


def query_for(actor: Actor, **params) -> VisitQuery:
    """Check the parameters against the rules and the actor's scope. District staff are held to
    their district: another district is refused, another district's station is not found."""
    district = params.get("district")
    if not actor.is_city:
        if district and district != actor.district_code:
            raise Forbidden("只能查看本区县的统计", code="district_out_of_scope", details={"district": ["只能查看本区县的统计"]})
        district = actor.district_code
    station = None
    if params.get("station"):
        station = station_service.get_station(actor, params["station"])
        if district and station.district_code != district:
            message = f"站点 {station.code} 不属于 {DISTRICT_NAMES.get(district, district)}"
            raise InvalidInput(message, code="station_not_in_district", details={"station": [message]})
    query = VisitQuery(
        since=params["since"],
        until=params["until"],
        group_by=params.get("group_by") or "district",
        period=params.get("period") or "month",
        district=district,
        station=station,
        worker_group=params.get("worker_group"),
        service=params.get("service"),
        source=params.get("source"),
    )
    check_range(query.since, query.until, query.period)
    return query


def check_range(since: date, until: date, period: str) -> None:
    if since > until:
        raise InvalidInput("截止日不能早于起始日", details={"to": ["截止日不能早于起始日"]})
    if (until - since).days > MAX_YEARS * 366:
        message = f"查询区间最长 {MAX_YEARS} 年"
        raise InvalidInput(message, code="report_range_too_long", details={"from": [message]})
    buckets = len(periods_between(period_start(since, period), until, period))
    if buckets > MAX_BUCKETS:
        message = f"按该周期最多 {MAX_BUCKETS} 个时段（当前 {buckets} 个），请缩短区间或改用更长的周期"
        raise InvalidInput(message, code="report_range_too_long", details={"period": [message]})


def periods_between(start: date, until: date, period: str) -> list[date]:
    out = []
    while start <= until:
        out.append(start)
        start = next_period(start, period)
        if len(out) > MAX_BUCKETS:
            break
    return out


# --- the figures ---------------------------------------------------------------------------


def build(query: VisitQuery, source: str = "rollup") -> VisitReport:
    visits_raw = source == "raw" or (query.service is not None and _station_level(query))
    workers_raw = source == "raw" or query.worker_group is not None or query.service is not None
    report = VisitReport(query, "raw" if visits_raw else "rollup", "raw" if workers_raw else "rollup")
    cells: dict[tuple, Bucket] = {}

    def cell(key, start) -> Bucket:
        if (key, start) not in cells:
            cells[(key, start)] = _bucket(query, key, start)
        return cells[(key, start)]

    if visits_raw or workers_raw:
        for key, start, src, visits, workers in _raw_rows(query):
            bucket = cell(key, start)
            if visits_raw:
                setattr(bucket, "scanned" if src == "scan" else "manual", bucket_value(bucket, src) + visits)
            if workers_raw:
                bucket.workers += workers
    if not visits_raw:
        for key, start, src, visits in _rollup_visit_rows(query):
            bucket = cell(key, start)
            setattr(bucket, "scanned" if src == "scan" else "manual", bucket_value(bucket, src) + visits)
    if not workers_raw and query.source != "manual":
        for key, start, workers in _rollup_worker_rows(query):
            cell(key, start).workers += workers
    for key in _dense_keys(query):
        for start in periods_between(query.start, query.until, query.period):
            cell(key, start)
    report.buckets = sorted(cells.values(), key=lambda b: (b.period_start, b.district or "", b.station_id or 0))
    ids = {b.station_id for b in report.buckets if b.station_id is not None}
    if ids:
        report.stations = {s.id: s for s in db.session.scalars(sa.select(Station).where(Station.id.in_(ids)))}
    return report


def bucket_value(bucket: Bucket, src: str) -> int:
    return bucket.scanned if src == "scan" else bucket.manual


def _station_level(query: VisitQuery) -> bool:
    return query.group_by == "station" or query.station is not None


def _bucket(query: VisitQuery, key, start: date) -> Bucket:
    end = next_period(start, query.period) - timedelta(days=1)
    if query.group_by == "station":
        return Bucket(start, end, district=key[0], station_id=key[1])
    if query.group_by == "district":
        return Bucket(start, end, district=key)
    return Bucket(start, end)


def _dense_keys(query: VisitQuery) -> list:
    """Groups listed even without visits: the city, every district in scope, a chosen station."""
    if query.group_by == "city":
        return [None]
    if query.group_by == "district":
        if query.station is not None:
            return [query.station.district_code]
        return [query.district] if query.district else [d.code for d in ref.DISTRICTS]
    if query.station is not None:
        return [(query.station.district_code, query.station.id)]
    return []


def _key_columns(query: VisitQuery, district_col, station_col) -> list:
    if query.group_by == "station":
        return [district_col, station_col]
    if query.group_by == "district":
        return [district_col]
    return []


def _key_of(query: VisitQuery, row):
    if query.group_by == "station":
        return (row[0], int(row[1]))
    if query.group_by == "district":
        return row[0]
    return None


def _rollup_visit_rows(query: VisitQuery):
    if query.service is not None:
        table = VisitDayService
    elif _station_level(query):
        table = VisitDayStation
    elif query.period in MONTHLY:
        table = VisitMonthDistrict  # whole months (a period's start and end always are)
    else:
        table = VisitDayDistrict
    day = table.month if table is VisitMonthDistrict else table.day
    start_col = sa.literal_column(sql_period_start(f"{table.__tablename__}.{day.key}", query.period))
    station_col = table.station_id if table is VisitDayStation else None
    keys = _key_columns(query, table.district_code, station_col)
    stmt = sa.select(*keys, start_col, table.source, sa.func.sum(table.visits)).where(day >= query.start, day < query.end)
    if query.district:
        stmt = stmt.where(table.district_code == query.district)
    if query.station is not None:
        stmt = stmt.where(VisitDayStation.station_id == query.station.id)
    if query.worker_group:
        stmt = stmt.where(table.worker_group == query.worker_group)
    if query.service:
        stmt = stmt.where(VisitDayService.service == query.service)
    if query.source:
        stmt = stmt.where(table.source == query.source)
    stmt = stmt.group_by(*keys, start_col, table.source)
    n = len(keys)
    for row in db.session.execute(stmt):
        yield _key_of(query, row), as_date(row[n]), row[n + 1], int(row[n + 2] or 0)


def _rollup_worker_rows(query: VisitQuery):
    if query.station is not None:
        scope = "station"
    elif query.group_by == "city":
        scope = "district" if query.district else "city"
    else:
        scope = query.group_by
    # Whole months of the city or a district: the monthly table (stations are kept by day only).
    t = VisitMonthWorkers if query.period in MONTHLY and scope in ("city", "district") else VisitDayWorkers
    day = t.month if t is VisitMonthWorkers else t.day
    column = getattr(t, f"new_{query.period}")
    start_col = sa.literal_column(sql_period_start(f"{t.__tablename__}.{day.key}", query.period))
    if query.group_by == "station":
        keys = [t.district_code, t.scope_key]
    elif query.group_by == "district":
        keys = [t.district_code]
    else:
        keys = []
    stmt = sa.select(*keys, start_col, sa.func.sum(column)).where(t.scope == scope, day >= query.start, day < query.end)
    if query.district:
        stmt = stmt.where(t.district_code == query.district)
    if query.station is not None:
        stmt = stmt.where(t.scope_key == str(query.station.id))
    stmt = stmt.group_by(*keys, start_col)
    n = len(keys)
    for row in db.session.execute(stmt):
        yield _key_of(query, row), as_date(row[n]), int(row[n + 1] or 0)


def raw_filters(query: VisitQuery, *, since: date, until_excl: date) -> list:
    where = [CheckIn.checked_in_at >= clock.day_start(since), CheckIn.checked_in_at < clock.day_start(until_excl)]
    if query.district:
        where.append(Station.district_code == query.district)
    if query.station is not None:
        where.append(CheckIn.station_id == query.station.id)
    if query.worker_group:
        where.append(CheckIn.worker_group == query.worker_group)
    if query.source:
        where.append(CheckIn.source == query.source)
    if query.service:
        # The column is the generic JSON type; JSONB's containment (@>) needs its own comparator.
        where.append(sa.type_coerce(CheckIn.services, JSONB).contains([query.service]))
    return where


def _raw_rows(query: VisitQuery):
    day = sql_local_day("checkins.checked_in_at")
    start_col = sa.literal_column(sql_period_start(day, query.period))
    keys = _key_columns(query, Station.district_code, CheckIn.station_id)
    stmt = (
        sa.select(*keys, start_col, CheckIn.source, sa.func.sum(CheckIn.headcount), sa.func.count(sa.distinct(CheckIn.worker_id)))
        .join(Station, Station.id == CheckIn.station_id)
        .where(*raw_filters(query, since=query.start, until_excl=query.end))
        .group_by(*keys, start_col, CheckIn.source)
    )
    n = len(keys)
    for row in db.session.execute(stmt):
        yield _key_of(query, row), as_date(row[n]), row[n + 1], int(row[n + 2] or 0), int(row[n + 3] or 0)


# --- as the staff get it ---------------------------------------------------------------------

PERIOD_NAMES = {"day": "日", "week": "周", "month": "月", "quarter": "季度", "year": "年"}
GROUP_NAMES = {"city": "全市", "district": "区县", "station": "站点"}


def report_for(actor: Actor, **params) -> VisitReport:
    return build(query_for(actor, **params))


def as_dict(report: VisitReport) -> dict:
    q = report.query
    rows = []
    for b in report.buckets:
        station = report.stations.get(b.station_id) if b.station_id is not None else None
        rows.append(
            {
                "period_start": b.period_start,
                "period_end": b.period_end,
                "district": b.district,
                "district_name": DISTRICT_NAMES.get(b.district) if b.district else None,
                "station": station.code if station else None,
                "station_name": station.name if station else None,
                "scanned": b.scanned,
                "manual": b.manual,
                "total": b.total,
                "workers": b.workers,
            }
        )
    filters = {
        "district": q.district,
        "station": q.station.code if q.station else None,
        "worker_group": q.worker_group,
        "service": q.service,
        "source": q.source,
    }
    return {
        "since": q.start,
        "until": q.end - timedelta(days=1),
        "requested_from": q.since,
        "requested_to": q.until,
        "group_by": q.group_by,
        "period": q.period,
        "filters": {k: v for k, v in filters.items() if v is not None},
        "source": {"visits": report.visits_source, "workers": report.workers_source},
        "rows": rows,
        "totals": report.totals,
    }


def as_table(report: VisitReport) -> Table:
    q = report.query
    data = as_dict(report)
    headers = ["时段开始", "时段结束"]
    if q.group_by in ("district", "station"):
        headers += ["区县"]
    if q.group_by == "station":
        headers += ["站点编码", "站点名称"]
    headers += ["扫码签到人次", "站点登记人次", "合计人次", "服务人数"]
    rows = []
    for r in data["rows"]:
        row = [r["period_start"], r["period_end"]]
        if q.group_by in ("district", "station"):
            row.append(r["district_name"])
        if q.group_by == "station":
            row += [r["station"], r["station_name"]]
        rows.append([*row, r["scanned"], r["manual"], r["total"], r["workers"]])
    title = f"服务人次（按{GROUP_NAMES[q.group_by]}、按{PERIOD_NAMES[q.period]}）"
    filename = f"visits_{q.group_by}_{q.period}_{data['since'].isoformat()}_{data['until'].isoformat()}"
    return Table(title, headers, rows, filename)
