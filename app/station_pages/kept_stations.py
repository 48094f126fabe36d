"""The stations a keeper keeps, each as workers see it (live status, open now), so the keeper
can tell at a glance what needs saying."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.accounts.worker_models import Worker
from app.core import clock
from app.keepers.service import active_bindings
from app.station_pages import live_status
from app.station_pages.station_view import StationSummary, summarise


@dataclass(frozen=True)
class KeptStation:
    keeper_id: int
    bound_at: datetime
    station: StationSummary


@dataclass(frozen=True)
class KeptStations:
    items: list[KeptStation]


def my_stations(worker: Worker) -> KeptStations:
    bindings = sorted((b for b in active_bindings(worker) if not b.station.is_retired), key=lambda b: b.station.code)
    now = clock.now()
    live = live_status.for_stations([b.station for b in bindings], now)
    return KeptStations([KeptStation(b.id, b.bound_at, StationSummary(**summarise(b.station, live[b.station_id], now))) for b in bindings])
