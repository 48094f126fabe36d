"""What a worker sees of a station: its public facts (never the keeper's name or phone), whether
it is open now, live status with its age, today's visits and the average rating."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.activities import upcoming
from app.core import clock
from app.core.geo import GCJ02
from app.core.opening_hours import describe, is_open_at
from app.extensions import db
from app.problems import warnings as problem_warnings
from app.ratings import service as ratings
from app.reference import data as ref
from app.registry.models import STATUS_PLANNED, Station
from app.registry.stations import station_not_found
from app.signs import tokens as sign_tokens
from app.station_pages import live_status
from app.station_pages.live_status import LiveStatus
from app.visits.models import SOURCE_MANUAL, SOURCE_SCAN, CheckIn

AMENITY_NAMES = ref.names(ref.AMENITIES)
DISTRICT_NAMES = {d.code: d.name for d in ref.DISTRICTS}
HOST_TYPE_NAMES = ref.names(ref.HOST_TYPES)
GROUP_NAMES = ref.names(ref.WORKER_GROUPS)
STATUS_NAMES = ref.names(ref.STATION_STATUSES)


@dataclass(frozen=True)
class CodeName:
    code: str
    name: str


@dataclass(frozen=True, kw_only=True)
class StationSummary:
    """What a list of stations shows of each."""

    code: str
    name: str
    district: CodeName
    address: str
    lat: float
    lng: float
    datum: str
    amenities: list[CodeName]
    amenities_other: str | None
    opening_hours_text: str
    open_now: bool
    live_status: LiveStatus
    # Open "locked" / "no water" reports by workers, beside the keeper's own status.
    warnings: list[problem_warnings.StationWarning] = field(default_factory=list)


@dataclass(frozen=True)
class VisitCounts:
    date: str  # the day in China time, YYYY-MM-DD
    scan: int
    manual: int

    @property
    def total(self) -> int:
        return self.scan + self.manual


@dataclass(frozen=True)
class ScanInfo:
    valid: bool
    sign_version: int


@dataclass(frozen=True, kw_only=True)
class StationDetail(StationSummary):
    host_unit: str | None
    host_type: CodeName | None
    status: CodeName
    demonstration: bool
    provincial_best: bool
    worker_groups: list[CodeName]
    opening_hours: dict
    visits_today: VisitCounts
    rating: ratings.RatingSummary
    activities: list = field(default_factory=list)  # care activities under way or upcoming here
    scan: ScanInfo | None = None


def is_open_now(station: Station, live: LiveStatus, now: datetime) -> bool:
    """By its opening hours, unless its keeper has said it is closed for now."""
    return is_open_at(station.opening_hours, now) and not live.closed_temporarily


def summarise(station: Station, live: LiveStatus, now: datetime) -> dict:
    """The summary's fields, as keyword arguments for StationSummary or its subclasses."""
    return {
        "code": station.code,
        "name": station.name,
        "district": CodeName(station.district_code, DISTRICT_NAMES.get(station.district_code, station.district_code)),
        "address": station.address,
        "lat": station.lat,
        "lng": station.lng,
        "datum": GCJ02,
        "amenities": [CodeName(a, AMENITY_NAMES[a]) for a in station.amenities if a in AMENITY_NAMES],
        "amenities_other": station.amenities_other,
        "opening_hours_text": describe(station.opening_hours),
        "open_now": is_open_now(station, live, now),
        "live_status": live,
    }


def station_detail(code: str) -> StationDetail:
    """A station in service, by code; a retired or unknown one is not found."""
    station = db.session.scalar(sa.select(Station).where(Station.code == code.strip().upper()))
    if station is None or station.is_retired:
        raise station_not_found()
    return _detail(station)


def scanned_station(text: str) -> StationDetail:
    """The station a scan of its current sign names (sign_tokens decides, with its refusals)."""
    station = sign_tokens.resolve_scan(text)
    return _detail(station, ScanInfo(valid=True, sign_version=station.sign_version))


def _detail(station: Station, scan: ScanInfo | None = None) -> StationDetail:
    now = clock.now()
    live = live_status.for_stations([station], now)[station.id]
    host_type = station.host_type_code
    return StationDetail(
        **summarise(station, live, now),
        warnings=problem_warnings.for_station(station.id, now),
        host_unit=station.host_unit,
        host_type=CodeName(host_type, HOST_TYPE_NAMES[host_type]) if host_type in HOST_TYPE_NAMES else None,
        status=CodeName(station.status, STATUS_NAMES[station.status]),
        demonstration=station.demonstration,
        provincial_best=station.provincial_best,
        worker_groups=[CodeName(g, GROUP_NAMES[g]) for g in station.worker_groups if g in GROUP_NAMES],
        opening_hours=station.opening_hours,
        visits_today=visits_on_day(station.id, now),
        rating=ratings.summarise(station.id),
        activities=upcoming.for_stations(None, [station]) if station.status != STATUS_PLANNED else [],
        scan=scan,
    )


def visits_on_day(station_id: int, moment: datetime) -> VisitCounts:
    """Visits (check-ins, scanned and manual apart) on the China-time day of `moment`."""
    day = clock.china_date(moment)
    bounds = clock.day_range(day, day + timedelta(days=1))
    # Summed headcount: a keeper's walk-in entry stands for several visits, a correction for
    # the difference it makes.
    query = (
        sa.select(CheckIn.source, sa.func.coalesce(sa.func.sum(CheckIn.headcount), 0))
        .where(CheckIn.station_id == station_id, CheckIn.checked_in_at >= bounds[0], CheckIn.checked_in_at < bounds[1])
        .group_by(CheckIn.source)
    )
    counts = dict(db.session.execute(query).all())
    return VisitCounts(date=day.isoformat(), scan=counts.get(SOURCE_SCAN, 0), manual=counts.get(SOURCE_MANUAL, 0))
