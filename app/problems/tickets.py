"""Finding tickets for whoever asks, within their reach: a worker their own reports' tickets,
a keeper their stations' tickets, staff their district's. Someone else's ticket is reported
exactly like a missing one."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.accounts.actor import Actor
from app.core import clock, error_codes
from app.core.errors import Conflict, NotFound
from app.extensions import db
from app.keepers.models import StationKeeper
from app.problems.models import ACTIVE, OPEN, STATUSES, ProblemReport, ProblemTicket
from app.registry.models import Station

ID_MAX = 2**31 - 1  # INTEGER
STATUS_NAMES = dict(STATUSES)


def ticket_not_found() -> NotFound:
    return NotFound("未找到该问题反映", code=error_codes.TICKET_NOT_FOUND)


def status_conflict(ticket: ProblemTicket, verb: str) -> Conflict:
    return Conflict(
        f"该问题{STATUS_NAMES[ticket.status]}，不能{verb}", code=error_codes.TICKET_STATUS_CONFLICT, details={"status": ticket.status}
    )


def deadline_for(kind: str, start: datetime) -> datetime:
    hours = current_app.config["PROBLEM_DEADLINE_HOURS"].get(kind) or max(current_app.config["PROBLEM_DEADLINE_HOURS"].values())
    return start + timedelta(hours=hours)


def is_overdue(ticket: ProblemTicket, now: datetime | None = None) -> bool:
    """Still open (not even said fixed) past its current deadline."""
    return ticket.status == OPEN and ticket.deadline_at <= (now or clock.now())


def overdue_clause(now: datetime):
    return sa.and_(ProblemTicket.status == OPEN, ProblemTicket.deadline_at <= now)


def with_details(query: sa.Select) -> sa.Select:
    # populate_existing: a ticket already in the session (changed just now) is read afresh.
    return query.execution_options(populate_existing=True).options(
        selectinload(ProblemTicket.station),
        selectinload(ProblemTicket.steps),
        selectinload(ProblemTicket.reports).selectinload(ProblemReport.photos),
    )


def _one(query: sa.Select, ticket_id: int, *, lock: bool = False) -> ProblemTicket:
    if not 0 < ticket_id <= ID_MAX:
        raise ticket_not_found()
    query = query.where(ProblemTicket.id == ticket_id)
    if lock:
        query = query.with_for_update(of=ProblemTicket)
    ticket = db.session.scalar(with_details(query))
    if ticket is None:
        raise ticket_not_found()
    return ticket


def reporters_ticket(worker_id: int, ticket_id: int, *, lock: bool = False) -> ProblemTicket:
    """A ticket the worker reported (opened or joined)."""
    mine = sa.select(ProblemReport.ticket_id).where(ProblemReport.worker_id == worker_id)
    return _one(sa.select(ProblemTicket).where(ProblemTicket.id.in_(mine)), ticket_id, lock=lock)


def keepers_ticket(binding: StationKeeper, ticket_id: int, *, lock: bool = False) -> ProblemTicket:
    """A ticket of the station the keeper's binding is for."""
    return _one(sa.select(ProblemTicket).where(ProblemTicket.station_id == binding.station_id), ticket_id, lock=lock)


def staff_ticket(actor: Actor, ticket_id: int, *, lock: bool = False) -> ProblemTicket:
    return _one(scoped(actor), ticket_id, lock=lock)


def scoped(actor: Actor) -> sa.Select:
    query = sa.select(ProblemTicket)
    if not actor.is_city:
        query = query.where(ProblemTicket.district_code == actor.district_code)
    return query


def active_ticket(station_id: int, kind: str, *, lock: bool = True) -> ProblemTicket | None:
    query = sa.select(ProblemTicket).where(
        ProblemTicket.station_id == station_id, ProblemTicket.kind == kind, ProblemTicket.status.in_(ACTIVE)
    )
    return db.session.scalar(query.with_for_update() if lock else query)


def stations_tickets(station_ids: list[int], *, include_closed: bool = False) -> list[ProblemTicket]:
    """The tickets of these stations, active ones first, newest first (keepers' list)."""
    query = sa.select(ProblemTicket).where(ProblemTicket.station_id.in_(station_ids))
    if not include_closed:
        query = query.where(ProblemTicket.status.in_(ACTIVE))
    order = (sa.case((ProblemTicket.status == OPEN, 0), else_=1), ProblemTicket.deadline_at, ProblemTicket.id.desc())
    return list(db.session.scalars(with_details(query.order_by(*order)).limit(200)))


def workers_tickets(worker_id: int) -> list[ProblemTicket]:
    mine = sa.select(ProblemReport.ticket_id).where(ProblemReport.worker_id == worker_id)
    query = sa.select(ProblemTicket).where(ProblemTicket.id.in_(mine)).order_by(ProblemTicket.opened_at.desc()).limit(100)
    return list(db.session.scalars(with_details(query)))


def station_of(ticket: ProblemTicket) -> Station:
    return ticket.station
