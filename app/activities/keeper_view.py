"""A keeper's activities at their station: under way, upcoming, or ended within the days a count
may still be recorded; each with what happened at this station and the station's visits on the
activity's days beside it (app/visits' rollups) — shown side by side, never added."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.activities import figures
from app.activities.models import Activity, ActivityStation
from app.core import clock
from app.extensions import db
from app.keepers.models import StationKeeper
from app.visits.counts import headcount_by

LIMIT = 50


@dataclass(frozen=True)
class KeeperActivity:
    activity: Activity
    figures: figures.Figures
    visits: int


def station_activities(binding: StationKeeper) -> list[KeeperActivity]:
    station = binding.station
    since = clock.now() - timedelta(days=current_app.config["WALKIN_BACKDATE_DAYS"])
    at_station = sa.exists().where(ActivityStation.activity_id == Activity.id, ActivityStation.station_id == station.id)
    query = (
        sa.select(Activity)
        .where(
            Activity.ends_at > since, sa.or_(at_station, sa.and_(Activity.whole_district, Activity.district_code == station.district_code))
        )
        .order_by(Activity.starts_at, Activity.id)
        .limit(LIMIT)
    )
    activities = list(db.session.scalars(query))
    per_activity = figures.for_activities(activities, station_id=station.id)
    return [KeeperActivity(a, per_activity[a.id], _visits(station.id, a)) for a in activities]


def _visits(station_id: int, activity: Activity) -> int:
    first = clock.china_date(activity.starts_at)
    last = min(clock.china_date(activity.ends_at), clock.today())
    if last < first:
        return 0
    counts = headcount_by(first, last + timedelta(days=1), by="station", station_ids=[station_id]).get(station_id, {})
    return sum(counts.values())
