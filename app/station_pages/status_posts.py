"""Keepers posting live amenity status, and its history.

A post changes only the parts it names, each stamped with the post's time (so confirming
"water still available" refreshes that part alone). Every post adds a StatusUpdate — who, when,
what they said — in the same transaction as the change: the history never misses one, and a
refused post leaves neither. Readers apply freshness and closures (app/station_pages/live_status.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.actor import Actor
from app.core import clock, error_codes
from app.core.errors import InvalidInput
from app.core.pagination import Page, paginate
from app.extensions import db
from app.keepers.models import StationKeeper, StationStatus, StatusUpdate
from app.registry.stations import get_station
from app.station_pages import live_status
from app.station_pages.live_status import CLOSED_TEMPORARILY
from app.station_pages.station_view import StationSummary, summarise

CLOSURE_MAX = timedelta(days=7)  # longer than a week is not "temporary": staff change the hours
PARTS = ("water", "toilet", "rest_seats", "station", "note")


def post_status(binding: StationKeeper, changes: dict, *, at: datetime | None = None) -> StationSummary:
    """Apply the keeper's post and return the station as workers now see it.

    `at`: when the keeper posted (default now; the demo data replays older posts, in time order,
    so each part keeps its latest stamp)."""
    now = at or clock.now()
    changes = {part: changes[part] for part in PARTS if part in changes}
    if not changes:
        raise InvalidInput("请至少提交一项状态", code=error_codes.STATUS_EMPTY)
    _check_closure(changes.get("station"), now)
    row = _locked_row(binding.station_id)
    for part, value in changes.items():
        _APPLY[part](row, value, now)
    db.session.add(StatusUpdate(station_id=binding.station_id, keeper_id=binding.id, posted_at=now, changes=_as_json(changes)))
    db.session.commit()
    live = live_status.for_stations([binding.station], now)[binding.station_id]
    return StationSummary(**summarise(binding.station, live, now))


def _check_closure(station: dict | None, now: datetime) -> None:
    if not station or station["state"] != CLOSED_TEMPORARILY:
        return
    until = station["until"]
    if not now < until <= now + CLOSURE_MAX:
        message = "预计恢复开放的时间应在现在之后的 7 天以内"
        raise InvalidInput(message, code=error_codes.CLOSURE_UNTIL_OUT_OF_RANGE, details={"station": {"until": [message]}})


def _locked_row(station_id: int) -> StationStatus:
    """The station's one status row, locked against a concurrent post; made on the first."""
    row = db.session.get(StationStatus, station_id, with_for_update=True)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = StationStatus(station_id=station_id)
            db.session.add(row)
    except IntegrityError:  # another keeper's first post made it a moment ago
        row = db.session.get(StationStatus, station_id, with_for_update=True, populate_existing=True)
    return row


def _water(row: StationStatus, value: str, now: datetime) -> None:
    row.water, row.water_at = value, now


def _toilet(row: StationStatus, value: str, now: datetime) -> None:
    row.toilet, row.toilet_at = value, now


def _rest_seats(row: StationStatus, value: int | str, now: datetime) -> None:
    seats_free = 0 if value == "full" else value
    row.rest_seats = "available" if seats_free else "full"
    row.seats_free = seats_free
    row.rest_seats_at = now


def _station(row: StationStatus, value: dict, now: datetime) -> None:
    closing = value["state"] == CLOSED_TEMPORARILY
    row.station_state = value["state"]
    row.closure_reason = value.get("reason") if closing else None
    row.closed_until = value["until"].astimezone(UTC) if closing else None  # as read back from the database
    row.station_state_at = now


def _note(row: StationStatus, value: str | None, now: datetime) -> None:
    row.note, row.note_at = value, now  # None clears it


_APPLY = {"water": _water, "toilet": _toilet, "rest_seats": _rest_seats, "station": _station, "note": _note}


def _as_json(changes: dict) -> dict:
    """What the keeper said, as the history keeps it: plain JSON, times in UTC."""
    out = dict(changes)
    if "station" in out:
        station = {k: v for k, v in out["station"].items() if v is not None}
        if "until" in station:
            station["until"] = station["until"].astimezone(UTC).isoformat()
        out["station"] = station
    return out


# The staff side ---------------------------------------------------------------------------------


def status_history(actor: Actor, code: str, *, page: int = 1, per_page: int = 20) -> Page:
    """Every post at the station, newest first, with the keeper who made it."""
    station = get_station(actor, code)
    query = (
        sa.select(StatusUpdate)
        .where(StatusUpdate.station_id == station.id)
        .order_by(StatusUpdate.posted_at.desc(), StatusUpdate.id.desc())
        .options(selectinload(StatusUpdate.keeper).selectinload(StationKeeper.worker))  # who, without a query per row
    )
    return paginate(query, page, per_page)
