"""满意度 for staff: average score, the 1–5 distribution and the count of ratings, per district or
station over local days; and the stations whose average over the last
SATISFACTION_FOLLOW_UP_DAYS is below SATISFACTION_FOLLOW_UP_BELOW (with at least
SATISFACTION_FOLLOW_UP_MIN_RATINGS ratings), for follow-up. A rating counts on the day it was
given; its score counts whatever became of its comment. Scoped like every report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from app.accounts.actor import Actor
from app.core import clock
from app.core.spreadsheets.report_export import Table
from app.extensions import db
from app.ratings.models import Rating
from app.registry.models import Station
from app.visits.report import DISTRICT_NAMES, MAX_YEARS, VisitQuery, check_range, query_for


@dataclass
class Scores:
    district: str | None = None
    station: Station | None = None
    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> float | None:
        return round(sum(s * n for s, n in self.counts.items()) / self.count, 2) if self.count else None

    def as_dict(self) -> dict:
        return {
            "district": self.district,
            "district_name": DISTRICT_NAMES.get(self.district) if self.district else None,
            "station": self.station.code if self.station else None,
            "station_name": self.station.name if self.station else None,
            "count": self.count,
            "average": self.average,
            "distribution": {str(k): v for k, v in self.counts.items()},
        }


def _scores(query: VisitQuery, since: date, until: date, by: str) -> dict:
    keys = [Station.district_code] if by == "district" else [Station.district_code, Rating.station_id]
    stmt = (
        sa.select(*keys, Rating.score, sa.func.count())
        .join(Station, Station.id == Rating.station_id)
        .where(Rating.created_at >= clock.day_start(since), Rating.created_at < clock.day_start(until + timedelta(days=1)))
        .group_by(*keys, Rating.score)
    )
    if query.district:
        stmt = stmt.where(Station.district_code == query.district)
    if query.station is not None:
        stmt = stmt.where(Rating.station_id == query.station.id)
    groups: dict = {}
    for row in db.session.execute(stmt):
        key = tuple(row[: len(keys)])
        groups.setdefault(key, Scores(district=row[0])).counts[int(row[-2])] += int(row[-1])
    if by == "station" and groups:
        stations = {s.id: s for s in db.session.scalars(sa.select(Station).where(Station.id.in_([k[1] for k in groups])))}
        for key, scores in groups.items():
            scores.station = stations[key[1]]
    return groups


def satisfaction(actor: Actor, *, since: date, until: date, group_by: str = "district", district=None, station=None) -> dict:
    query = query_for(actor, since=since, until=until, district=district, station=station, period="year")
    check_range(since, until, "year")
    groups = _scores(query, since, until, group_by)
    if group_by == "district" and query.station is None:
        for code in [query.district] if query.district else list(DISTRICT_NAMES):
            groups.setdefault((code,), Scores(district=code))
    rows = sorted(groups.values(), key=lambda s: (s.district or "", s.station.code if s.station else ""))
    overall = Scores(district=query.district, station=query.station)
    for scores in rows:
        for score, n in scores.counts.items():
            overall.counts[score] += n
    return {"since": since, "until": until, "group_by": group_by, "rows": [s.as_dict() for s in rows], "overall": overall.as_dict()}


def follow_up(actor: Actor, *, district=None, station=None) -> dict:
    config = current_app.config
    days = config["SATISFACTION_FOLLOW_UP_DAYS"]
    threshold = config["SATISFACTION_FOLLOW_UP_BELOW"]
    min_count = config["SATISFACTION_FOLLOW_UP_MIN_RATINGS"]
    until = clock.today()
    since = until - timedelta(days=days - 1)
    query = query_for(actor, since=since, until=until, district=district, station=station, period="year")
    groups = _scores(query, since, until, "station")
    low = [s for s in groups.values() if s.count >= min_count and s.average is not None and s.average < threshold]
    low.sort(key=lambda s: (s.average, -s.count, s.station.code))
    return {
        "since": since,
        "until": until,
        "days": days,
        "threshold": threshold,
        "min_count": min_count,
        "stations": [s.as_dict() for s in low],
    }


HEADERS = ["区县", "站点编码", "站点名称", "评价次数", "平均分", "1分", "2分", "3分", "4分", "5分"]


def _row(r: dict) -> list:
    scores = [r["distribution"][str(k)] for k in range(1, 6)]
    return [r["district_name"], r["station"], r["station_name"], r["count"], r["average"], *scores]


def satisfaction_table(data: dict) -> Table:
    return Table("满意度", HEADERS, [_row(r) for r in data["rows"]], f"satisfaction_{data['group_by']}_{data['since']}_{data['until']}")


def follow_up_table(data: dict) -> Table:
    return Table("满意度待跟进站点", HEADERS, [_row(r) for r in data["stations"]], f"satisfaction_follow_up_{data['until']}")


__all__ = ["MAX_YEARS", "follow_up", "satisfaction"]
