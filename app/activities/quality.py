"""The activities component of the quality evaluation (app/reports/quality.py): how many care
activities (not cancelled) each station held in the period — its own, and its district's
whole-district ones. README ("Quality evaluation") gives the formula."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.activities.models import STATUS_ACTIVE, Activity, ActivityStation
from app.extensions import db
from app.registry.models import Station


def activities_by_station(start: datetime, end: datetime, codes: list[str] | None) -> dict[int, int]:
    """{station id: activities overlapping [start, end)}: two grouped queries."""
    overlapping = sa.and_(Activity.status == STATUS_ACTIVE, Activity.starts_at < end, Activity.ends_at > start)
    own = (
        sa.select(ActivityStation.station_id, sa.func.count()).join(Activity, Activity.id == ActivityStation.activity_id).where(overlapping)
    )
    district = sa.select(Activity.district_code, sa.func.count()).where(overlapping, Activity.whole_district)
    stations = sa.select(Station.id, Station.district_code)
    if codes is not None:
        own = own.join(Station, Station.id == ActivityStation.station_id).where(Station.district_code.in_(codes))
        district = district.where(Activity.district_code.in_(codes))
        stations = stations.where(Station.district_code.in_(codes))
    counts = dict(db.session.execute(own.group_by(ActivityStation.station_id)).all())
    per_district = dict(db.session.execute(district.group_by(Activity.district_code)).all())
    if per_district:
        for station_id, district_code in db.session.execute(stations):
            counts[station_id] = counts.get(station_id, 0) + per_district.get(district_code, 0)
    return counts
