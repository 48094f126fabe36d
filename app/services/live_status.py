"""Live amenity status: what keepers say about water, the toilet, rest seats and the station now.

Keepers post it part by part (app/services/status_posts.py); each part keeps its own time. This
module reads it the way workers see it: each part has a state, when it was set (null if never)
and its age in seconds. A part older than the freshness limit reads unknown, still with when it
was last set (DESIGN.md, "Amenity status has a time").

A temporary closure is the exception: it says how long it lasts, so it holds until its `until`
(at most a week), however old the post; once `until` has passed it closes nothing and the
station's part reads unknown, leaving "open now" to the opening hours again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Station, StationStatus

UNKNOWN = "unknown"
WATER_STATES = ("available", "low", "out", UNKNOWN)
TOILET_STATES = ("open", "cleaning", "closed", UNKNOWN)
# Rest seats are a number or "full": state "available" with seats_free, or "full" (seats_free 0).
REST_SEAT_STATES = ("available", "full", UNKNOWN)
STATION_STATES = ("open", "closed_temporarily", UNKNOWN)
CLOSED_TEMPORARILY = "closed_temporarily"


@dataclass(frozen=True)
class PartStatus:
    state: str = UNKNOWN
    updated_at: datetime | None = None
    age_seconds: int | None = None
    seats_free: int | None = None  # rest seats only
    reason: str | None = None  # the station only, while closed temporarily
    until: datetime | None = None  # likewise


@dataclass(frozen=True)
class NoteStatus:
    """The keeper's short note; `text` is None when cleared, never set or stale."""

    text: str | None = None
    updated_at: datetime | None = None
    age_seconds: int | None = None


@dataclass(frozen=True)
class LiveStatus:
    water: PartStatus = field(default_factory=PartStatus)
    toilet: PartStatus = field(default_factory=PartStatus)
    rest_seats: PartStatus = field(default_factory=PartStatus)
    station: PartStatus = field(default_factory=PartStatus)
    note: NoteStatus = field(default_factory=NoteStatus)

    @property
    def closed_temporarily(self) -> bool:
        return self.station.state == CLOSED_TEMPORARILY


NOTHING_POSTED = LiveStatus()


def for_stations(stations: Iterable[Station], now: datetime) -> dict[int, LiveStatus]:
    """Each station's live status as of `now`, by station id: one query for a whole list."""
    ids = [station.id for station in stations]
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(StationStatus).where(StationStatus.station_id.in_(ids)))
    by_station = {row.station_id: row for row in rows}
    fresh_for = timedelta(hours=current_app.config["STATUS_FRESHNESS_HOURS"])
    return {station_id: read(by_station.get(station_id), now, fresh_for) for station_id in ids}


def read(row: StationStatus | None, now: datetime, fresh_for: timedelta) -> LiveStatus:
    if row is None:
        return NOTHING_POSTED
    return LiveStatus(
        water=_part(row.water, row.water_at, now, fresh_for),
        toilet=_part(row.toilet, row.toilet_at, now, fresh_for),
        rest_seats=_part(row.rest_seats, row.rest_seats_at, now, fresh_for, seats_free=row.seats_free),
        station=_station_part(row, now, fresh_for),
        note=_note(row, now, fresh_for),
    )


def _age(at: datetime, now: datetime) -> int:
    return max(0, int((now - at).total_seconds()))  # a clock a little behind never reads negative


def _part(state: str | None, at: datetime | None, now: datetime, fresh_for: timedelta, **extra) -> PartStatus:
    if at is None:
        return PartStatus()
    if state is None or now - at > fresh_for:
        return PartStatus(updated_at=at, age_seconds=_age(at, now))
    return PartStatus(state=state, updated_at=at, age_seconds=_age(at, now), **extra)


def _station_part(row: StationStatus, now: datetime, fresh_for: timedelta) -> PartStatus:
    at = row.station_state_at
    if row.station_state != CLOSED_TEMPORARILY:
        return _part(row.station_state, at, now, fresh_for)
    if row.closed_until is not None and now < row.closed_until:
        # Posted with its own end: it holds until then, whatever the freshness limit.
        return PartStatus(
            state=CLOSED_TEMPORARILY, updated_at=at, age_seconds=_age(at, now), reason=row.closure_reason, until=row.closed_until
        )
    # Over: nobody has said whether it reopened, so the hours decide and the part is unknown.
    return PartStatus(updated_at=at, age_seconds=_age(at, now))


def _note(row: StationStatus, now: datetime, fresh_for: timedelta) -> NoteStatus:
    at = row.note_at
    if at is None:
        return NoteStatus()
    text = row.note if now - at <= fresh_for else None
    return NoteStatus(text=text, updated_at=at, age_seconds=_age(at, now))
