"""Visit headcounts (服务人次) per district or station over a range of local (China) days.

The one place other services (quarterly form, plan progress, quality evaluation) ask for
visit figures. It reads the day rollups (app/services/rollups.py), which equal the raw check-ins
(`flask reports verify`); `headcount_by_raw` computes the same from raw, for checks:

- a visit's day is its `checked_in_at` in Asia/Shanghai; the range is [start, end);
- a row counts `headcount` (1 for a scan; a walk-in entry or its correction may be more or
  negative), split by source ("scan" / "manual").
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Literal

import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.models import CheckIn, VisitDayDistrict, VisitDayStation, VisitMonthDistrict
from app.models.station import Station

Grouping = Literal["district", "station"]


def headcount_by(
    start: date,
    end: date,
    *,
    by: Grouping,
    district_codes: Collection[str] | None = None,
    station_ids: Collection[int] | None = None,
) -> dict[str | int, dict[str, int]]:
    """{district code or station id: {"scan": n, "manual": n}}; keys with no visits are absent."""
    if by == "district" and station_ids is None:
        table = VisitMonthDistrict if _whole_months(start, end) else VisitDayDistrict
        key = table.district_code
    else:
        table = VisitDayStation
        key = VisitDayStation.district_code if by == "district" else VisitDayStation.station_id
    day = table.month if table is VisitMonthDistrict else table.day
    query = sa.select(key, table.source, sa.func.sum(table.visits)).where(day >= start, day < end).group_by(key, table.source)
    if district_codes is not None:
        query = query.where(table.district_code.in_(list(district_codes)))
    if station_ids is not None:
        query = query.where(VisitDayStation.station_id.in_(list(station_ids)))
    return _totals(db.session.execute(query))


def headcount_by_raw(
    start: date,
    end: date,
    *,
    by: Grouping,
    district_codes: Collection[str] | None = None,
    station_ids: Collection[int] | None = None,
) -> dict[str | int, dict[str, int]]:
    """The same figures summed from the raw check-ins (slow at scale: for checks and benches)."""
    key = Station.district_code if by == "district" else CheckIn.station_id
    query = (
        sa.select(key, CheckIn.source, sa.func.sum(CheckIn.headcount))
        .join(Station, Station.id == CheckIn.station_id)
        .where(CheckIn.checked_in_at >= clock.day_start(start), CheckIn.checked_in_at < clock.day_start(end))
        .group_by(key, CheckIn.source)
    )
    if district_codes is not None:
        query = query.where(Station.district_code.in_(list(district_codes)))
    if station_ids is not None:
        query = query.where(CheckIn.station_id.in_(list(station_ids)))
    return _totals(db.session.execute(query))


def headcount_by_range(edges: list[date], *, district_codes: Collection[str] | None = None, raw: bool = False) -> dict[int, dict[str, int]]:
    """{i: {"scan": n, "manual": n}} for each range [edges[i], edges[i + 1]) of consecutive days,
    summed over the districts (all with None): one query for all the ranges (a quarterly form's
    four quarters). raw: from the raw check-ins (slow at scale: for checks and benches)."""
    if raw:
        column = CheckIn.checked_in_at
        bounds = [clock.day_start(day) for day in edges]
        source, visits, district = CheckIn.source, CheckIn.headcount, Station.district_code
    else:
        # Whole months (a quarterly form's quarters): the monthly rollup, a thirtieth of the rows.
        table = VisitMonthDistrict if all(day.day == 1 for day in edges) else VisitDayDistrict
        column, bounds = (table.month if table is VisitMonthDistrict else table.day), list(edges)
        source, visits, district = table.source, table.visits, table.district_code
    which = sa.case(*[(column < bound, i) for i, bound in enumerate(bounds[1:])], else_=-1).label("which")
    query = sa.select(which, source, sa.func.sum(visits)).where(column >= bounds[0], column < bounds[-1]).group_by(which, source)
    if raw:
        query = query.join(Station, Station.id == CheckIn.station_id)
    if district_codes is not None:
        query = query.where(district.in_(list(district_codes)))
    totals = {i: {"scan": 0, "manual": 0} for i in range(len(edges) - 1)}
    for i, src, count in db.session.execute(query):
        totals[int(i)][src] += int(count or 0)
    return totals


def _whole_months(start: date, end: date) -> bool:
    return start.day == 1 and end.day == 1


def _totals(rows) -> dict[str | int, dict[str, int]]:
    totals: dict[str | int, dict[str, int]] = {}
    for group, source, count in rows:
        totals.setdefault(group, {"scan": 0, "manual": 0})[source] = int(count or 0)
    return totals
