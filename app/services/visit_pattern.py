"""When workers come: scanned visits by local hour of day × weekday, for a station or a district
(or the city), to plan opening hours. From raw check-ins (a station's are found by index; a
district-year is a single grouped scan). Walk-ins are left out: an entry is timed when the keeper
records it (a past day's at noon), not when the workers came."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.core import clock
from app.errors import InvalidInput
from app.extensions import db
from app.models import CheckIn, Station
from app.models.visit import SOURCE_SCAN
from app.services.actor import Actor
from app.services.report_export import Table
from app.services.visit_report import VisitQuery, query_for, raw_filters

WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
MAX_DAYS = 366


@dataclass(frozen=True)
class Pattern:
    query: VisitQuery
    matrix: list[list[int]]  # [weekday 0 = Monday][hour]

    @property
    def total(self) -> int:
        return sum(map(sum, self.matrix))


def pattern_for(actor: Actor, *, since: date, until: date, district: str | None = None, station: str | None = None) -> Pattern:
    query = query_for(actor, since=since, until=until, district=district, station=station, period="day", group_by="city")
    if (until - since).days >= MAX_DAYS:
        message = f"规律分析最多 {MAX_DAYS} 天"
        raise InvalidInput(message, code="report_range_too_long", details={"from": [message]})
    return build(query)


def build(query: VisitQuery) -> Pattern:
    local = f"(checkins.checked_in_at AT TIME ZONE '{clock.CHINA_TZ_NAME}')"
    weekday = sa.literal_column(f"CAST(EXTRACT(ISODOW FROM {local}) AS INTEGER) - 1")
    hour = sa.literal_column(f"CAST(EXTRACT(HOUR FROM {local}) AS INTEGER)")
    stmt = (
        sa.select(weekday, hour, sa.func.sum(CheckIn.headcount))
        .join(Station, Station.id == CheckIn.station_id)
        .where(*raw_filters(query, since=query.since, until_excl=query.until + timedelta(days=1)))
        .where(CheckIn.source == SOURCE_SCAN)
        .group_by(weekday, hour)
    )
    matrix = [[0] * 24 for _ in range(7)]
    for day, hr, visits in db.session.execute(stmt):
        matrix[int(day)][int(hr)] += int(visits or 0)
    return Pattern(query, matrix)


def as_dict(pattern: Pattern) -> dict:
    q = pattern.query
    return {
        "since": q.since,
        "until": q.until,
        "district": q.district,
        "station": q.station.code if q.station else None,
        "weekdays": WEEKDAYS,
        "hours": list(range(24)),
        "matrix": pattern.matrix,
        "total": pattern.total,
    }


def as_table(pattern: Pattern) -> Table:
    q = pattern.query
    rows = [[WEEKDAYS[d], *pattern.matrix[d], sum(pattern.matrix[d])] for d in range(7)]
    scope = q.station.code if q.station else q.district or "city"
    return Table("到站时段分布", ["星期", *(f"{h}时" for h in range(24)), "合计"], rows, f"visit_pattern_{scope}_{q.since}_{q.until}")
