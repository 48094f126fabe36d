"""Stations near a worker: in service (built or plaqued), within the radius, nearest first, optionally only those
offering what the worker needs and open now. Coordinates are GCJ-02, as wx.getLocation gives.

One database statement per search (after one Redis GEOSEARCH for candidates, when Redis is
there): the candidates' exact distances, the nearest NEARBY_SEARCH_MAX of them, the filters, the
total, the page in order and each station's live-status row. The candidates' codes are bound as
one array. Without Redis (or while it fails) the candidates are the database's bounding box
around the circle. tests/station_pages/test_nearby.py holds the answers equal to the earlier implementation's
(per-step queries through the ORM) over a few hundred random searches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from flask import current_app

from app.adapters.geo_index import bounding_box
from app.core import clock
from app.extensions import geo_index, plain_db
from app.problems import warnings as problem_warnings
from app.registry.models import STATUS_BUILT, STATUS_PLAQUED, Station
from app.station_pages import live_status
from app.station_pages.station_view import StationSummary, summarise

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


STATION_COLUMNS = ("id", "code", "name", "district_code", "address", "lat", "lng", "amenities", "amenities_other", "opening_hours")
STATUS_COLUMNS = (
    "water",
    "water_at",
    "toilet",
    "toilet_at",
    "rest_seats",
    "seats_free",
    "rest_seats_at",
    "station_state",
    "closure_reason",
    "closed_until",
    "station_state_at",
    "note",
    "note_at",
)
INSTANTS = {c for c in STATUS_COLUMNS if c.endswith("_at")} | {"closed_until"}


def _statement(candidates: str) -> str:
    """Fixed text per kind of candidates (so the driver prepares it once per connection)."""
    # app/core/geo.distance_m, the same operations in the same order: the same doubles.
    distance = (
        "2 * 6371008.8 * asin(sqrt(sin((radians(s.lat) - radians(%(lat)s::float8)) / 2) ^ 2"
        " + cos(radians(%(lat)s::float8)) * cos(radians(s.lat)) * sin(radians(s.lng - %(lng)s::float8) / 2) ^ 2))"
    )
    needs = " AND ".join(
        f"(NOT %(need_{need})s::boolean OR n.amenities ?| ARRAY[{', '.join(repr(a) for a in sorted(amenities))}])"
        for need, amenities in NEED_AMENITIES.items()
    )
    # app/station_pages/station_view.is_open_now: by the hours (yizhan_open_at holds them as
    # opening_hours.is_open_at does), unless a keeper's closure runs until later.
    open_now = (
        "(NOT %(open_now)s::boolean OR (yizhan_open_at(n.opening_hours, %(now)s::timestamptz) AND NOT COALESCE("
        "ss.station_state = 'closed_temporarily' AND ss.closed_until IS NOT NULL AND %(now)s::timestamptz < ss.closed_until, false)))"
    )
    station_cols = ", ".join(f"n.{c}" for c in STATION_COLUMNS)
    status_cols = ", ".join(f"ss.{c}" for c in STATUS_COLUMNS)
    page_cols = ", ".join(f"p.{c}" for c in (*STATION_COLUMNS, "d", "has_status", *STATUS_COLUMNS))
    page_cols += ", " + problem_warnings.SQL_COLUMN.format(alias="p")
    return (
        f"WITH near AS (SELECT s.id, s.code, s.name, s.district_code, s.address, s.lat, s.lng, s.amenities, s.amenities_other,"
        f" s.opening_hours, {distance} AS d FROM stations s"
        f" WHERE {candidates} AND s.status IN ('{STATUS_BUILT}', '{STATUS_PLAQUED}')),"
        ' nearest AS (SELECT * FROM near WHERE d <= %(radius)s::float8 ORDER BY d, code COLLATE "C" LIMIT %(search_max)s::int),'
        f" kept AS (SELECT {station_cols}, n.d, ss.station_id IS NOT NULL AS has_status, {status_cols}"
        f" FROM nearest n LEFT JOIN station_statuses ss ON ss.station_id = n.id WHERE {needs} AND {open_now})"
        f" SELECT t.total, {page_cols} FROM (SELECT count(*) AS total FROM kept) t"
        ' LEFT JOIN LATERAL (SELECT * FROM kept ORDER BY d, code COLLATE "C" LIMIT %(per_page)s::int OFFSET %(offset)s::int) p ON true'
    )


BY_CODES = _statement("s.code = ANY(%(codes)s::text[])")
IN_BOX = _statement(
    "s.lat BETWEEN %(lat_min)s::float8 AND %(lat_max)s::float8 AND s.lng BETWEEN %(lng_min)s::float8 AND %(lng_max)s::float8"
)


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
    search_max = config["NEARBY_SEARCH_MAX"]
    params = {
        "lat": lat,
        "lng": lng,
        "radius": radius_m,
        "search_max": search_max,
        "open_now": open_now,
        "now": now,
        "per_page": per_page,
        "offset": (page - 1) * per_page,
        **{f"need_{need}": need in needs for need in NEED_AMENITIES},
    }
    codes = geo_index.candidates(lat, lng, radius_m, search_max)
    if codes is None:
        lat_min, lat_max, lng_min, lng_max = bounding_box(lat, lng, radius_m)
        rows = plain_db.all(IN_BOX, {**params, "lat_min": lat_min, "lat_max": lat_max, "lng_min": lng_min, "lng_max": lng_max})
    elif codes:
        rows = plain_db.all(BY_CODES, {**params, "codes": codes})
    else:
        rows = [(0, *([None] * (len(STATION_COLUMNS) + 3 + len(STATUS_COLUMNS))))]
    fresh_for = timedelta(hours=config["STATUS_FRESHNESS_HOURS"])
    items = [_item(row, now, fresh_for) for row in rows if row[1] is not None]
    return NearbyPage(items=items, page=page, per_page=per_page, total=int(rows[0][0]), radius_m=radius_m)


def _item(row: tuple, now: datetime, fresh_for: timedelta) -> NearbyStation:
    n = len(STATION_COLUMNS)
    station = SimpleNamespace(**dict(zip(STATION_COLUMNS, row[1 : n + 1], strict=True)))
    distance, has_status = row[n + 1], row[n + 2]
    status = None
    if has_status:
        values = dict(zip(STATUS_COLUMNS, row[n + 3 : -1], strict=True))
        # In UTC, as the ORM's column type gives them (the driver reads the session's zone).
        status = SimpleNamespace(**{k: v.astimezone(UTC) if k in INSTANTS and v is not None else v for k, v in values.items()})
    live = live_status.read(status, now, fresh_for)
    warned = problem_warnings.from_sql(row[-1], now)
    return NearbyStation(**summarise(station, live, now), warnings=warned, distance_m=round(distance))
