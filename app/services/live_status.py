"""Live amenity status: what keepers say about water, the toilet, rest seats and the station now.

Keepers post it with a later issue; until then nobody has, and every part reads unknown. The
shape is already the contract the mini-program reads, so the keeper issue fills it in without
changing it: each part has a state, when it was set (null if never) and its age in seconds. A
status older than the freshness limit reads unknown, still with when it was last set (DESIGN.md,
"Amenity status has a time")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app.models import Station

UNKNOWN = "unknown"
WATER_STATES = ("available", "low", "out", UNKNOWN)
TOILET_STATES = ("open", "cleaning", "closed", UNKNOWN)
# Rest seats are a number or "full": state "available" with seats_free, or "full" (seats_free 0).
REST_SEAT_STATES = ("available", "full", UNKNOWN)
STATION_STATES = ("open", "closed_temporarily", UNKNOWN)


@dataclass(frozen=True)
class PartStatus:
    state: str = UNKNOWN
    updated_at: datetime | None = None
    age_seconds: int | None = None
    seats_free: int | None = None  # rest seats only


@dataclass(frozen=True)
class LiveStatus:
    water: PartStatus = field(default_factory=PartStatus)
    toilet: PartStatus = field(default_factory=PartStatus)
    rest_seats: PartStatus = field(default_factory=PartStatus)
    station: PartStatus = field(default_factory=PartStatus)

    @property
    def closed_temporarily(self) -> bool:
        return self.station.state == "closed_temporarily"


NOTHING_POSTED = LiveStatus()


def for_stations(stations: Iterable[Station], now: datetime) -> dict[int, LiveStatus]:
    """Each station's live status as of `now`, by station id. One call for a whole list, so the
    keeper issue can read every station's latest posts in one query."""
    return {station.id: NOTHING_POSTED for station in stations}
