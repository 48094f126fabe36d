"""Stations near a worker: in service (built or plaqued), within the radius, nearest first, optionally only those
offering what the worker needs and open now. Coordinates are GCJ-02, as wx.getLocation gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.adapters.geo_index import IN_SERVICE, Hit
from app.core import clock
from app.extensions import db, geo_index
from app.models import Station
from app.services import live_status
from app.services.live_status import LiveStatus
from app.services.station_view import StationSummary, is_open_now, summarise

# What a worker may ask for, and the amenities that answer it.
NEEDS: tuple[tuple[str, str], ...] = (("water", "饮用水或热水"), ("toilet", "厕所"), ("rest", "休息座椅"))
NEED_AMENITIES = {"water": {"drinking_water", "hot_water"}, "toilet": {"toilet"}, "rest": {"rest_seats"}}


@dataclass(frozen=True, kw_only=True)
class NearbyStation(StationSummary):
    distance_m: int


@dataclass(frozen=True)
class NearbyPage:
    items: list[NearbyStation]
    page: int
    per_page: int
    total: int
    radius_m: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page) if self.total else 0


def offers(station: Station, needs: list[str]) -> bool:
    amenities = set(station.amenities)
    return all(NEED_AMENITIES[need] & amenities for need in needs)


def nearby(
    lat: float,
    lng: float,
    *,
    radius_m: int | None = None,
    needs: list[str] | None = None,
    open_now: bool = False,
    page: int = 1,
    per_page: int = 20,
) -> NearbyPage:
    config = current_app.config
    radius_m = radius_m or min(config["NEARBY_RADIUS_DEFAULT_M"], config["NEARBY_RADIUS_MAX_M"])
    needs = needs or []
    now = clock.now()
    hits = geo_index.nearest(lat, lng, radius_m, config["NEARBY_SEARCH_MAX"])
    page_slice = slice((page - 1) * per_page, page * per_page)
    if needs or open_now:
        # Filters look at every hit; without them only the page's stations are read whole.
        stations = _in_service(hits)
        live = live_status.for_stations(stations.values(), now)
        hits = [h for h in hits if h.station_id in stations and _wanted(stations[h.station_id], live[h.station_id], needs, open_now, now)]
        shown = hits[page_slice]
    else:
        shown = hits[page_slice]
        stations = _in_service(shown)
        live = live_status.for_stations(stations.values(), now)
    items = [
        NearbyStation(**summarise(stations[h.station_id], live[h.station_id], now), distance_m=round(h.distance_m))
        for h in shown
        if h.station_id in stations  # unless retired a moment after the search
    ]
    return NearbyPage(items=items, page=page, per_page=per_page, total=len(hits), radius_m=radius_m)


def _wanted(station: Station, live: LiveStatus, needs: list[str], open_now: bool, now: datetime) -> bool:
    return offers(station, needs) and (not open_now or is_open_now(station, live, now))


def _in_service(hits: list[Hit]) -> dict[int, Station]:
    if not hits:
        return {}
    query = sa.select(Station).where(Station.id.in_([h.station_id for h in hits]), IN_SERVICE)
    return {station.id: station for station in db.session.scalars(query)}
