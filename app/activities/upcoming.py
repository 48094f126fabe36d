"""Activities a worker sees: upcoming or under way (not cancelled, not ended, starting within
ACTIVITY_HORIZON_DAYS), at one station or at stations near a point; each with the worker's own
claim, when there is one. A whole-district activity is at every station of its district."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from app.accounts.worker_models import Worker
from app.activities.models import CLAIM_CANCELLED, STATUS_ACTIVE, Activity, ActivityStation, GiftClaim
from app.core import clock, error_codes, geo
from app.core.errors import NotFound
from app.extensions import db
from app.registry.models import STATUS_BUILT, STATUS_PLAQUED, Station

HORIZON_DAYS = 60
LIMIT = 50
METRES_PER_DEGREE = 111_320


@dataclass
class Upcoming:
    activity: Activity
    claim: GiftClaim | None = None
    station_code: str | None = None  # the nearest station where it is held (near a point)
    distance_m: float | None = None
    station_codes: list[str] = field(default_factory=list)
    reminder_template_id: str | None = None


def _open_query() -> sa.Select:
    now = clock.now()
    return sa.select(Activity).where(
        Activity.status == STATUS_ACTIVE, Activity.ends_at > now, Activity.starts_at < now + timedelta(days=HORIZON_DAYS)
    )


def _held_at(station_ids: list[int], district_codes: set[str]) -> sa.ColumnElement[bool]:
    at_station = sa.exists().where(ActivityStation.activity_id == Activity.id, ActivityStation.station_id.in_(station_ids))
    return sa.or_(at_station, sa.and_(Activity.whole_district, Activity.district_code.in_(district_codes)))


def _claims(worker: Worker | None, activities: list[Activity]) -> dict[int, GiftClaim]:
    if worker is None or not activities:
        return {}
    rows = db.session.scalars(
        sa.select(GiftClaim).where(
            GiftClaim.worker_id == worker.id, GiftClaim.activity_id.in_([a.id for a in activities]), GiftClaim.status != CLAIM_CANCELLED
        )
    )
    return {row.activity_id: row for row in rows}


def at_station(worker: Worker | None, code: str) -> list[Upcoming]:
    station = db.session.scalar(sa.select(Station).where(Station.code == code.upper(), Station.status.in_((STATUS_BUILT, STATUS_PLAQUED))))
    if station is None:
        raise NotFound("未找到该站点", code=error_codes.STATION_NOT_FOUND)
    return for_stations(worker, [station])


def for_stations(worker: Worker | None, stations: list[Station]) -> list[Upcoming]:
    """Open activities at these stations, soonest first (the station page and nearby use it)."""
    if not stations:
        return []
    query = _open_query().where(_held_at([s.id for s in stations], {s.district_code for s in stations}))
    activities = list(db.session.scalars(query.order_by(Activity.starts_at, Activity.id).limit(LIMIT)))
    claims = _claims(worker, activities)
    return [Upcoming(a, claims.get(a.id), station_codes=_codes(a, stations)) for a in activities]


def _codes(activity: Activity, stations: list[Station]) -> list[str]:
    if activity.whole_district:
        return [s.code for s in stations if s.district_code == activity.district_code]
    ids = {s.id for s in activity.stations}
    return [s.code for s in stations if s.id in ids]


def near(worker: Worker | None, lat: float, lng: float, radius_m: int) -> list[Upcoming]:
    """Open activities at stations within radius_m of a GCJ-02 point, nearest station first."""
    dlat = radius_m / METRES_PER_DEGREE
    dlng = dlat / max(0.01, math.cos(math.radians(lat)))
    box = sa.select(Station).where(
        Station.status.in_((STATUS_BUILT, STATUS_PLAQUED)),
        Station.lat.between(lat - dlat, lat + dlat),
        Station.lng.between(lng - dlng, lng + dlng),
    )
    candidates = list(db.session.scalars(box))
    distances = {s.id: geo.distance_m(lat, lng, s.lat, s.lng) for s in candidates}
    stations = [s for s in candidates if distances[s.id] <= radius_m]
    items = for_stations(worker, stations)
    by_code = {s.code: distances[s.id] for s in stations}
    for item in items:
        nearest = min(item.station_codes, key=by_code.__getitem__, default=None)
        item.station_code, item.distance_m = nearest, round(by_code[nearest]) if nearest else None
    return sorted(items, key=lambda i: (i.distance_m if i.distance_m is not None else math.inf, i.activity.starts_at))


def one(worker: Worker, activity_id: int) -> Upcoming:
    """An open activity (not cancelled, not ended) with the worker's claim: what the reminder's
    page shows."""
    from app.activities.claims import open_activity

    activity = open_activity(activity_id)
    stations = [] if activity.whole_district else list(activity.stations)
    return Upcoming(activity, _claims(worker, [activity]).get(activity.id), station_codes=[s.code for s in stations])
