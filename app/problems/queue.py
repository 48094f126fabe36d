"""What the people who fix tickets see: district staff's queue (overdue first) and a keeper's
tickets over the stations they keep."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts import audit
from app.accounts.actor import Actor
from app.accounts.worker_models import Worker
from app.core import clock
from app.core.pagination import Page, paginate
from app.extensions import db
from app.keepers.service import NotAKeeper, active_bindings
from app.problems import presenting, tickets
from app.problems.models import OPEN, ProblemTicket
from app.registry.models import Station


def staff_queue(
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    station: str | None = None,
    overdue: bool | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    now = clock.now()
    query = tickets.scoped(actor)
    if status:
        query = query.where(ProblemTicket.status == status)
    if kind:
        query = query.where(ProblemTicket.kind == kind)
    if station:
        query = query.where(ProblemTicket.station_id.in_(sa.select(Station.id).where(Station.code == station.upper())))
    if overdue is not None:
        clause = tickets.overdue_clause(now)
        query = query.where(clause if overdue else sa.not_(clause))
    # Overdue first, then what is still to be done, by deadline; closed ones last, newest first.
    query = query.order_by(
        sa.case((tickets.overdue_clause(now), 0), (ProblemTicket.status == OPEN, 1), else_=2),
        ProblemTicket.deadline_at,
        ProblemTicket.id.desc(),
    )
    result = paginate(tickets.with_details(query), page, per_page)
    result.items = [presenting.for_staff(t) for t in result.items]
    return result


def staff_detail(actor: Actor, ticket_id: int) -> dict:
    """A ticket for staff (API and console). It shows the reporters' texts and photos — a
    worker's personal data — so each opening is audited (issue 19: staff access is audited)."""
    ticket = tickets.staff_ticket(actor, ticket_id)
    shown = presenting.for_staff(ticket)
    audit.record(actor, "problem_ticket.reporters.view", "problem_ticket", str(ticket.id), district_code=ticket.station.district_code)
    db.session.commit()
    return shown


def keeper_tickets(worker: Worker) -> list[dict]:
    """Active tickets of every station the keeper keeps (403 for someone who keeps none)."""
    bindings = active_bindings(worker)
    if not bindings:
        raise NotAKeeper()
    return [presenting.for_keeper(t) for t in tickets.stations_tickets([b.station_id for b in bindings])]


def overdue_count(actor: Actor) -> int:
    """For the dashboard's flag."""
    query = tickets.scoped(actor).where(tickets.overdue_clause(clock.now()))
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
