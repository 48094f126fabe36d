"""Keepers keep their station's list of supplies with expiry dates; keepers and district staff
see what expires within SUPPLY_REMIND_DAYS (and what has expired), on the console and in the
mini-program; an item past its date counts against the station's quality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from app.accounts import audit, subscribe_messages
from app.accounts.actor import Actor
from app.core import clock, error_codes
from app.core.errors import NotFound
from app.extensions import db
from app.keepers.models import StationKeeper
from app.registry.models import Station
from app.registry.stations import get_station
from app.supplies.models import Supply

ID_MAX = 2**31 - 1


def supply_not_found() -> NotFound:
    return NotFound("未找到该物资", code=error_codes.SUPPLY_NOT_FOUND)


@dataclass(frozen=True)
class SupplyView:
    id: int
    station_code: str
    name: str
    quantity: int
    expires_on: date | None
    state: str  # ok / expiring / expired / no_expiry
    days_left: int | None


def state_of(expires_on: date | None, today: date) -> tuple[str, int | None]:
    if expires_on is None:
        return "no_expiry", None
    days = (expires_on - today).days
    if days < 0:
        return "expired", days
    return ("expiring" if days <= current_app.config["SUPPLY_REMIND_DAYS"] else "ok"), days


def view(supply: Supply, today: date | None = None) -> SupplyView:
    state, days = state_of(supply.expires_on, today or clock.today())
    return SupplyView(supply.id, supply.station.code, supply.name, supply.quantity, supply.expires_on, state, days)


def _current(station_id: int) -> sa.Select:
    return sa.select(Supply).where(Supply.station_id == station_id, Supply.removed_at.is_(None))


def station_supplies(station_id: int) -> list[SupplyView]:
    query = _current(station_id).order_by(Supply.expires_on.asc().nulls_last(), Supply.name)
    return [view(s) for s in db.session.scalars(query)]


# Keepers -----------------------------------------------------------------------------------------


def _keepers_supply(binding: StationKeeper, supply_id: int) -> Supply:
    if not 0 < supply_id <= ID_MAX:
        raise supply_not_found()
    supply = db.session.scalar(_current(binding.station_id).where(Supply.id == supply_id).with_for_update())
    if supply is None:
        raise supply_not_found()
    return supply


def _audit(binding: StationKeeper, action: str, supply: Supply) -> None:
    audit.record_by_worker(
        binding.worker_id, "keeper", f"supply.{action}", "station", binding.station.code,
        district_code=binding.station.district_code,
        after={"supply_id": supply.id, "name": supply.name, "expires_on": supply.expires_on.isoformat() if supply.expires_on else None},
    )  # fmt: skip


def add(binding: StationKeeper, data: dict) -> SupplyView:
    supply = Supply(station_id=binding.station_id, name=data["name"], quantity=data.get("quantity") or 1, expires_on=data.get("expires_on"))
    db.session.add(supply)
    db.session.flush()
    if data.get("remind"):
        _schedule_reminder(binding, supply)
    _audit(binding, "add", supply)
    db.session.commit()
    return view(supply)


def update(binding: StationKeeper, supply_id: int, data: dict) -> SupplyView:
    supply = _keepers_supply(binding, supply_id)
    for name in ("name", "quantity", "expires_on"):
        if name in data:
            setattr(supply, name, data[name])
    if "expires_on" in data or data.get("remind"):
        _cancel_reminder(supply)  # the date it was for has changed
    if data.get("remind"):
        _schedule_reminder(binding, supply)
    _audit(binding, "update", supply)
    db.session.commit()
    return view(supply)


def remove(binding: StationKeeper, supply_id: int) -> None:
    supply = _keepers_supply(binding, supply_id)
    supply.removed_at = clock.now()
    _cancel_reminder(supply)
    _audit(binding, "remove", supply)
    db.session.commit()


# Reminders: the keeper accepted the "supply_expiry" subscribe message (one message per consent)
# when saving the item; it is sent SUPPLY_REMIND_DAYS before the date, at 09:00 China time.
REMIND_AT_HOUR = 9


def _schedule_reminder(binding: StationKeeper, supply: Supply) -> None:
    if supply.expires_on is None:
        return
    day = supply.expires_on - timedelta(days=current_app.config["SUPPLY_REMIND_DAYS"])
    send_at = clock.day_start(day) + timedelta(hours=REMIND_AT_HOUR)
    data = {"item": supply.name, "expires_on": supply.expires_on.isoformat(), "station": binding.station.name}
    supply.reminder_id = subscribe_messages.schedule(binding.worker_id, "supply_expiry", data, send_at=send_at).id


def _cancel_reminder(supply: Supply) -> None:
    if supply.reminder_id is not None:
        subscribe_messages.cancel(supply.reminder_id)
        supply.reminder_id = None


# Staff -------------------------------------------------------------------------------------------


def staff_station_supplies(actor: Actor, code: str) -> list[SupplyView]:
    return station_supplies(get_station(actor, code).id)


def due(actor: Actor) -> list[SupplyView]:
    """Items in the actor's reach expired or expiring within the reminder window, soonest first."""
    horizon = clock.today() + timedelta(days=current_app.config["SUPPLY_REMIND_DAYS"])
    query = (
        sa.select(Supply)
        .join(Supply.station)
        .where(Supply.removed_at.is_(None), Supply.expires_on.is_not(None), Supply.expires_on <= horizon, Station.status != "retired")
        .order_by(Supply.expires_on, Supply.id)
        .limit(500)
    )
    if not actor.is_city:
        query = query.where(Station.district_code == actor.district_code)
    return [view(s) for s in db.session.scalars(query)]


def expired_counts(station_ids, on: date | None = None) -> dict[int, int]:
    """Station id -> items held past their date (for quality and the station page)."""
    query = (
        sa.select(Supply.station_id, sa.func.count())
        .where(Supply.removed_at.is_(None), Supply.expires_on < (on or clock.today()))
        .group_by(Supply.station_id)
    )
    if station_ids is not None:
        query = query.where(Supply.station_id.in_(station_ids))
    return dict(db.session.execute(query).tuples().all())
